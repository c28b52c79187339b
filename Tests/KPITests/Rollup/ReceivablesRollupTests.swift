import KPI
import Testing
import Wire

@Suite("Rollup by client group, filters, breakdowns and series")
struct ReceivablesRollupTests {
    @Test("filters are unions of whole groups: rollup KPIs equal the direct computation over the selected clients")
    func filters() {
        for seed in 0..<12 {
            let random = RandomPortfolio(seed: UInt64(500 + seed))
            let d = random.asOf
            let context = KPIContext(settings: random.settings, firstDataDate: random.firstDataDate)
            let snapshotRange = Period(uncheckedStart: d.advanced(by: -120), end: d)
            let flowRange = Period(uncheckedStart: CalendarDate.firstOfMonth(index: d.monthIndex - 24), end: d)
            let march = Period.monthToDate(d)
            let rollup = ReceivablesRollup(
                portfolio: random.portfolio,
                settings: random.settings,
                snapshotRange: snapshotRange,
                flowRange: flowRange,
                collectionRatePeriods: [march],
                forecastDates: [d]
            )
            #expect(rollup.clientCount == random.portfolio.clients.count)
            let filters = [
                ClientFilter(), ClientFilter(includeDeactivated: true), ClientFilter(collaborators: ["U1"]),
                ClientFilter(offices: ["O1"], includeDeactivated: true), ClientFilter(bookkeepingMode: .client),
            ]
            for filter in filters {
                let selected = random.portfolio.selecting(filter)
                let fromRollup = ReceivablesKPI(source: rollup.selection(filter), context: context)
                let direct = ReceivablesReference(selected.clients, context: context)
                #expect(rollup.selection(filter).clientCount == selected.clients.count)
                #expect(fromRollup.dsoStandard(asOf: d) == direct.dsoStandard(asOf: d), "seed \(seed)")
                #expect(fromRollup.dsoCountback(asOf: d) == direct.dsoCountback(asOf: d), "seed \(seed)")
                #expect(
                    fromRollup.collectionEffectiveness(asOf: d) == direct.collectionEffectiveness(asOf: d),
                    "seed \(seed)"
                )
                #expect(fromRollup.outstanding(asOf: d) == direct.outstanding(asOf: d), "seed \(seed)")
                #expect(
                    fromRollup.averageDaysToPay(over: flowRange) == direct.averageDaysToPay(over: flowRange),
                    "seed \(seed)"
                )
                #expect(fromRollup.collectionRate(over: march) == direct.collectionRate(over: march), "seed \(seed)")
                #expect(fromRollup.forecast(asOf: d) == direct.forecast(asOf: d), "seed \(seed)")
                for history in KPISeries.historyDays(asOf: d, days: 5) {
                    #expect(fromRollup.daysBeyondTerms(asOf: history) == direct.daysBeyondTerms(asOf: history))
                }
            }
        }
    }

    @Test("level-1 dashboard: merged stored parts, parts from facts and the direct computation agree")
    func level1Dashboard() {
        for seed in 0..<6 {
            let random = RandomPortfolio(seed: UInt64(900 + seed))
            let d = random.asOf
            let context = KPIContext(settings: random.settings, firstDataDate: random.firstDataDate)
            let dates = ReceivablesLevel1.snapshotDates(asOf: d)
            let range = ReceivablesLevel1.flowRange(asOf: d, settings: random.settings)
            let rollup = ReceivablesRollup(
                portfolio: random.portfolio,
                settings: random.settings,
                snapshotRange: Period(uncheckedStart: dates[0], end: d),
                flowRange: range
            )
            let filter = ClientFilter(includeDeactivated: true)
            let months = ReceivablesLevel1.dailyMonths(asOf: d, settings: random.settings)
            let stored = rollup.selection(filter).materialize(
                snapshotDates: dates,
                flowRange: range,
                dailyMonths: months
            )
            #expect(stored.dailyFlows.keys.allSatisfy { months.contains($0.monthIndex) })
            let fromFacts = MaterializedReceivablesParts(
                calculator: ReceivablesPartsCalculator(random.portfolio.clients, settings: random.settings),
                snapshotDates: dates,
                flowRange: range
            )
            let direct = ReceivablesLevel1(
                evaluator: ReceivablesReference(random.portfolio.clients, context: context),
                asOf: d
            )
            let viaRollup = ReceivablesLevel1(evaluator: ReceivablesKPI(source: stored, context: context), asOf: d)
            let viaFacts = ReceivablesLevel1(evaluator: ReceivablesKPI(source: fromFacts, context: context), asOf: d)
            #expect(viaRollup == direct, "seed \(seed)")
            #expect(viaFacts == direct, "seed \(seed)")
            #expect(direct.dsoStandard.history.count == 30 && direct.dsoStandard.history.last?.date == d)
        }
    }

    @Test("materialised parts: the flow over any period is the sum of its days, whole months read at once")
    func flowOverPeriods() {
        for seed in 0..<4 {
            let random = RandomPortfolio(seed: UInt64(950 + seed))
            let calculator = ReceivablesPartsCalculator(random.portfolio.clients, settings: random.settings)
            let range = Period(uncheckedStart: random.asOf.clampedAdding(days: -400), end: random.asOf)
            let parts = MaterializedReceivablesParts(calculator: calculator, snapshotDates: [], flowRange: range)
            for (offset, length) in [(0, 0), (0, 400), (17, 45), (31, 90), (100, 1), (59, 200), (390, 10)] {
                let period = Period(
                    uncheckedStart: range.start.clampedAdding(days: offset),
                    end: Swift.min(range.end, range.start.clampedAdding(days: offset + length))
                )
                let expected = ReceivablesFlow.sum(calculator.dailyFlows(in: period).values)
                #expect(parts.flow(over: period) == expected, "seed \(seed) \(period)")
            }
        }
    }

    @Test("a client with two collaborators counts once in the total and once under each collaborator")
    func countedOnce() {
        var ledger = Ledger(clients: [
            ClientFact(id: "SHARED", assignedCollaborators: ["U1", "U2"]),
            ClientFact(id: "ONLY1", assignedCollaborators: ["U1"]),
        ])
        ledger.invoice("S", client: "SHARED", "2025-03-01", due: "2025-03-31", 1_000)
        ledger.invoice("O", client: "ONLY1", "2025-03-01", due: "2025-03-31", 500)
        let d = day("2025-03-31")
        let rollup = ReceivablesRollup(
            portfolio: ledger.portfolio,
            settings: KPISettings(),
            snapshotRange: Period(uncheckedStart: d, end: d),
            flowRange: Period.month(containing: d)
        )
        let both = rollup.selection(ClientFilter(collaborators: ["U1", "U2"]))
        #expect(both.clientCount == 2 && both.snapshot(at: d).balance == WideInt(eur(1_500)))
        let u1 = rollup.breakdown(collaborator: "U1", filter: ClientFilter())
        let u2 = rollup.breakdown(collaborator: "U2", filter: ClientFilter())
        #expect(u1.snapshot(at: d).balance == WideInt(eur(1_500)) && u2.snapshot(at: d).balance == WideInt(eur(1_000)))
        // The breakdown sums to more than the total (§7).
        #expect(u1.snapshot(at: d).balance + u2.snapshot(at: d).balance > both.snapshot(at: d).balance)
        #expect(rollup.groups.count == 2)
    }

    @Test("profiles: group keys are distinct for distinct profiles and ignore collaborator order")
    func groupKeys() {
        let a = ClientFact(id: "A", office: "O|1", assignedCollaborators: ["U2", "U1"]).profile
        let b = ClientFact(id: "B", office: "O|1", assignedCollaborators: ["U1", "U2"]).profile
        let c = ClientFact(id: "C", office: "O", assignedCollaborators: ["1", "U1", "U2"]).profile
        let noOffice = ClientFact(id: "D").profile
        let emptyOffice = ClientFact(id: "E", office: "").profile
        #expect(a.groupKey == b.groupKey)
        #expect(a.groupKey != c.groupKey)
        #expect(noOffice.groupKey != emptyOffice.groupKey)
        #expect(ClientFilter().matches(a) && !ClientFilter().matches(ClientFact(id: "X", deactivated: true).profile))
        #expect(ClientFilter(collaborators: ["U3"]).matches(a) == false)
    }

    @Test("level 1: the value at D and the 30 values of D−29…D, same parameters")
    func level1() {
        let kpis = WorkedExample.kpis
        let series = KPISeries.level1(asOf: WorkedExample.asOf) { kpis.dsoStandard(asOf: $0) }
        #expect(series.count == 30)
        #expect(series.first?.date == day("2025-03-02") && series.last?.date == WorkedExample.asOf)
        #expect(series.last?.value.display == "81.4")
        for point in series {
            #expect(point.value == kpis.dsoStandard(asOf: point.date))
        }
    }

    @Test("level 2: bucket ends for snapshots, P = bucket for flows, last bucket clipped to the range")
    func level2() {
        let kpis = WorkedExample.kpis
        let range = period("2025-01-01", "2025-03-20")
        let months = KPISeries.level2(.month, over: range, calendar: .calendarYear) {
            kpis.collectionEffectiveness(over: $0.period)
        }
        #expect(months.map(\.bucket.label) == ["2025-01", "2025-02", "2025-03"])
        #expect(months.last?.bucket.period == period("2025-03-01", "2025-03-20"))
        #expect(months[1].value.display == "27.8")
        let weeks = KPISeries.level2(.isoWeek, over: range, calendar: .calendarYear) {
            kpis.daysBeyondTerms(asOf: $0.period.end)
        }
        #expect(weeks.first?.bucket.label == "2025-W01" && weeks.first?.bucket.period.start == day("2024-12-30"))
        #expect(weeks.last?.bucket.period.end == day("2025-03-20"))
        let quarters = KPISeries.level2Buckets(
            .quarter,
            over: period("2024-11-01", "2025-03-31"),
            calendar: .calendarYear
        )
        #expect(quarters.map(\.label) == ["2024-Q4", "2025-Q1"])
    }
}
