import KPI
import Testing
import Wire

/// formula(merge(parts)) == direct(facts), for random portfolios split at random into client
/// groups and days, for every receivables KPI (kpi-definitions §1.5).
@Suite("Property: parts merged across groups and days equal the direct computation")
struct AdditivityPropertyTests {
    /// Everything one evaluation produces, comparable with `==`.
    struct Evaluation: Equatable {
        var values: [String: KPIValue] = [:]
        var aged: AgedBalance?
        var outstanding: Outstanding?
        var provisions: ProvisionRates?
        var forecast: ForecastResult?
        var weeklyForecast: ForecastResult?
        var widget: [WidgetRow] = []
    }

    static func periods(asOf d: CalendarDate, seed: UInt64) -> (explicit: Period, month: Period, previousMonth: Period)
    {
        var rng = SeededGenerator(seed: seed ^ 0xABCD)
        let explicit = Period(uncheckedStart: d.clampedAdding(days: -Int.random(in: 0...200, using: &rng)), end: d)
        let month = Period.month(containing: d)
        return (explicit, month, Period.month(containing: month.dayBeforeStart))
    }

    static func evaluate(_ e: some ReceivablesEvaluator, asOf d: CalendarDate, seed: UInt64) -> Evaluation {
        let (explicit, month, _) = self.periods(asOf: d, seed: seed)
        let window = Period(uncheckedStart: d.clampedAdding(days: -89), end: d)
        var result = Evaluation()
        var values: [String: KPIValue] = [
            "DSO-STD": e.dsoStandard(asOf: d),
            "DSO-STD explicit": e.dsoStandard(asOf: d, period: explicit),
            "BPDSO": e.bestPossibleDSO(asOf: d),
            "DSO-DELQ": e.delinquentDSO(asOf: d),
            "DSO-DELQ explicit": e.delinquentDSO(asOf: d, period: explicit),
            "DSO-CB": e.dsoCountback(asOf: d),
            "DSO-TREND": e.trend(asOf: d) { e.dsoStandard(asOf: $0) },
            "DSO-CB-TREND": e.trend(asOf: d) { e.dsoCountback(asOf: $0) },
            "DBT": e.daysBeyondTerms(asOf: d),
            "DBT-TREND": e.trend(asOf: d) { e.daysBeyondTerms(asOf: $0) },
            "CEI": e.collectionEffectiveness(asOf: d),
            "CEI month": e.collectionEffectiveness(over: month),
            "CEI explicit": e.collectionEffectiveness(over: explicit),
            "CEI-TREND": e.monthlyTrend(month: d) { e.collectionEffectiveness(over: $0) },
        ]
        for (name, period) in [("window", window), ("explicit", explicit), ("month", month)] {
            values["ADD \(name)"] = e.averageDaysDelinquent(over: period)
            values["PAYDELAY \(name)"] = e.paymentDelay(over: period)
            values["ADTP \(name)"] = e.averageDaysToPay(over: period)
            values["ONTIME \(name)"] = e.onTime(over: period)
            values["ONTIME-AMT \(name)"] = e.onTimeAmount(over: period)
            values["REC-DELAY \(name)"] = e.collectionDelay(over: period)
            values["REC-RATE \(name)"] = e.collectionRate(over: period)
            values["TURN \(name)"] = e.turnover(over: period)
            values["ACP \(name)"] = e.averageCollectionPeriod(over: period)
            values["DSP-RATE \(name)"] = e.disputeResolutionRate(over: period)
            values["DSP-TIME \(name)"] = e.disputeResolutionTime(over: period)
            values["WO-AMT \(name)"] = e.writeOffAmount(over: period)
            values["WO-RATE \(name)"] = e.writeOffRate(over: period)
            values["MATCH \(name)"] = e.automaticMatchingRate(over: period)
            values["MATCH-AMT \(name)"] = e.automaticMatchingAmountRate(over: period)
        }
        result.values = values
        result.aged = e.agedBalance(asOf: d)
        result.outstanding = e.outstanding(asOf: d)
        result.provisions = e.provisionRates(asOf: d)
        result.forecast = e.forecast(asOf: d, grain: .month)
        result.weeklyForecast = e.forecast(asOf: d, grain: .isoWeek)
        result.widget = e.revenueAndPayments(asOf: d)
        return result
    }

    /// The dates at which the formulas above read snapshots.
    static func snapshotDates(asOf d: CalendarDate, seed: UInt64) -> [CalendarDate] {
        let (explicit, month, previous) = self.periods(asOf: d, seed: seed)
        let window = Period(uncheckedStart: d.clampedAdding(days: -89), end: d)
        let previousDate = d.previousMonth
        return [
            d, previousDate, explicit.dayBeforeStart, month.dayBeforeStart, month.end, previous.dayBeforeStart,
            previous.end,
            window.dayBeforeStart, Period.monthToDate(d).dayBeforeStart,
        ]
    }

    @Test("every receivables KPI", arguments: 0..<200)
    func portfolio(seed: Int) {
        let random = RandomPortfolio(seed: UInt64(seed))
        let d = random.asOf
        let context = KPIContext(settings: random.settings, firstDataDate: random.firstDataDate)
        let month = Period.month(containing: d)
        let flowRange = Period(uncheckedStart: CalendarDate.firstOfMonth(index: d.monthIndex - 24), end: month.end)
        let source = GroupedPartsSource(
            portfolio: random.portfolio,
            settings: random.settings,
            snapshotDates: Self.snapshotDates(asOf: d, seed: UInt64(seed)),
            flowRange: flowRange,
            seed: UInt64(seed)
        )
        let fromParts = Self.evaluate(ReceivablesKPI(source: source, context: context), asOf: d, seed: UInt64(seed))
        let direct = Self.evaluate(
            ReceivablesReference(random.portfolio.clients, context: context),
            asOf: d,
            seed: UInt64(seed)
        )
        for (name, value) in direct.values {
            #expect(fromParts.values[name] == value, "seed \(seed) \(name) at \(d)")
        }
        #expect(fromParts.aged == direct.aged, "seed \(seed) aged")
        #expect(fromParts.outstanding == direct.outstanding, "seed \(seed) outstanding")
        #expect(fromParts.provisions == direct.provisions, "seed \(seed) provisions")
        #expect(fromParts.forecast == direct.forecast, "seed \(seed) forecast")
        #expect(fromParts.weeklyForecast == direct.weeklyForecast, "seed \(seed) weekly forecast")
        #expect(fromParts.widget == direct.widget, "seed \(seed) widget")
    }

    @Test("a group calculator equals the merge of its clients' parts; the snapshot series equals single dates")
    func groupCalculator() {
        for seed in 0..<20 {
            let random = RandomPortfolio(seed: UInt64(1_000 + seed))
            let d = random.asOf
            let group = ReceivablesPartsCalculator(random.portfolio.clients, settings: random.settings)
            let perClient = random.portfolio.clients.map { ReceivablesPartsCalculator($0, settings: random.settings) }
            let dates = (0..<40).map { d.clampedAdding(days: -$0 * 7) }
            let series = group.snapshots(at: dates)
            for (index, date) in dates.enumerated() {
                let merged = ReceivablesSnapshot.sum(perClient.map { $0.snapshot(at: date) })
                #expect(series[index] == merged, "seed \(seed) snapshot at \(date)")
                #expect(group.snapshot(at: date) == merged)
            }
            let period = Period(uncheckedStart: d.clampedAdding(days: -120), end: d)
            #expect(group.flow(over: period) == ReceivablesFlow.sum(group.dailyFlows(in: period).values))
            #expect(group.flow(over: period) == ReceivablesFlow.sum(perClient.map { $0.flow(over: period) }))
            #expect(
                group.collectionRate(over: period)
                    == CollectionRateParts.sum(perClient.map { $0.collectionRate(over: period) })
            )
            #expect(group.forecast(asOf: d) == ForecastParts.sum(perClient.map { $0.forecast(asOf: d) }))
            #expect(group.monthlySales(through: d) == MonthlySales.sum(perClient.map { $0.monthlySales(through: d) }))
        }
    }

    @Test("merge is associative and commutative with a zero, and parts survive JSON")
    func mergeLaws() throws {
        let random = RandomPortfolio(seed: 77)
        let calculators = random.portfolio.clients.map { ReceivablesPartsCalculator($0, settings: random.settings) }
        let snapshots = calculators.map { $0.snapshot(at: random.asOf) }
        let flows = calculators.map {
            $0.flow(over: Period(uncheckedStart: random.asOf.advanced(by: -300), end: random.asOf))
        }
        for parts in [snapshots] {
            for a in parts { for b in parts { #expect(a + b == b + a) } }
            for a in parts { #expect(a + .zero == a && .zero + a == a) }
            if parts.count >= 3 { #expect((parts[0] + parts[1]) + parts[2] == parts[0] + (parts[1] + parts[2])) }
        }
        for a in flows { for b in flows { #expect(a + b == b + a) } }
        let encoder = JSONCoding()
        for snapshot in snapshots { #expect(try encoder.roundTrip(snapshot) == snapshot) }
        for flow in flows { #expect(try encoder.roundTrip(flow) == flow) }
        let forecast = calculators.map { $0.forecast(asOf: random.asOf) }
        for parts in forecast { #expect(try encoder.roundTrip(parts) == parts) }
    }
}
