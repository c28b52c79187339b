public import Wire

/// Every receivables KPI of kpi-definitions §4 for one selection of clients, computed from
/// merged parts (``ReceivablesPartsSource``) with the formulas of ``ReceivablesFormulas``.
///
/// Defaults follow the contract: the DSO family uses the rolling window of the settings
/// (90 days) ending at D unless a period is given (then `W = P`, `L = len(P)`); CEI uses the
/// month to date of D (§10.8); `PARTIAL_HISTORY` is set when a window reaches before the first
/// data date of the context.
public struct ReceivablesKPI<Source: ReceivablesPartsSource>: ReceivablesEvaluator {
    /// Parts provider for the selection.
    public let source: Source
    /// Settings and first data date.
    public let context: KPIContext

    /// Creates an evaluator.
    public init(source: Source, context: KPIContext) {
        self.source = source
        self.context = KPIContext(settings: context.settings.clamped, firstDataDate: context.firstDataDate)
    }

    private var settings: KPISettings { self.context.settings }

    /// The DSO window: `period` when given, else the rolling window of the settings ending at D.
    public func dsoWindow(asOf date: CalendarDate, period: Period? = nil) -> Period {
        period ?? Period(uncheckedStart: date.clampedAdding(days: -(self.settings.dsoWindowDays - 1)), end: date)
    }

    private func dsoNumerators(_ snapshot: ReceivablesSnapshot) -> (balance: WideInt, current: WideInt) {
        guard self.settings.excludeDoubtfulFromDSO else { return (snapshot.balance, snapshot.current) }
        return (snapshot.balance - snapshot.doubtfulBalance, snapshot.current - snapshot.doubtfulCurrent)
    }

    // MARK: - DSO family

    /// AR-DSO-STD at D (or over `period`, D = its end).
    public func dsoStandard(asOf date: CalendarDate, period: Period?) -> KPIValue {
        let window = self.dsoWindow(asOf: date, period: period)
        let (balance, _) = self.dsoNumerators(self.source.snapshot(at: window.end))
        return ReceivablesFormulas.dsoStandard(
            balance: balance,
            sales: self.source.flow(over: window).sales,
            windowDays: window.length,
            flags: self.context.historyFlags(reachingBackTo: window.start)
        )
    }

    /// AR-BPDSO at D (or over `period`).
    public func bestPossibleDSO(asOf date: CalendarDate, period: Period?) -> KPIValue {
        let window = self.dsoWindow(asOf: date, period: period)
        let (_, current) = self.dsoNumerators(self.source.snapshot(at: window.end))
        return ReceivablesFormulas.bestPossibleDSO(
            current: current,
            sales: self.source.flow(over: window).sales,
            windowDays: window.length,
            flags: self.context.historyFlags(reachingBackTo: window.start)
        )
    }

    /// AR-DSO-DELQ at D (or over `period`).
    public func delinquentDSO(asOf date: CalendarDate, period: Period?) -> KPIValue {
        let window = self.dsoWindow(asOf: date, period: period)
        let (balance, current) = self.dsoNumerators(self.source.snapshot(at: window.end))
        return ReceivablesFormulas.delinquentDSO(
            balance: balance,
            current: current,
            sales: self.source.flow(over: window).sales,
            windowDays: window.length,
            flags: self.context.historyFlags(reachingBackTo: window.start)
        )
    }

    /// AR-DSO-CB at D: countback over the month to date and the 23 previous months.
    public func dsoCountback(asOf date: CalendarDate) -> KPIValue {
        let (balance, _) = self.dsoNumerators(self.source.snapshot(at: date))
        let segments = ReceivablesFormulas.countbackSegments(asOf: date)
        return ReceivablesFormulas.countbackDSO(balance: balance, segments: segments, firstDataDate: self.context.firstDataDate) {
            self.source.flow(over: segments[$0]).sales
        }
    }

    /// AR-DSO-CB at D from a monthly sales vector (as of D) instead of flows.
    public func dsoCountback(asOf date: CalendarDate, monthlySales: MonthlySales) -> KPIValue {
        let (balance, _) = self.dsoNumerators(self.source.snapshot(at: date))
        let segments = ReceivablesFormulas.countbackSegments(asOf: date).map {
            (period: $0, sales: monthlySales.sales(monthIndex: $0.start.monthIndex))
        }
        return ReceivablesFormulas.countbackDSO(
            balance: balance,
            segments: segments,
            firstDataDate: self.context.firstDataDate
        )
    }

    // MARK: - CEI, DBT

    /// AR-CEI over P = [s, e]: B = AR(s − 1), S = SALES(P), E = AR(e), EC = CUR(e).
    public func collectionEffectiveness(over period: Period) -> KPIValue {
        let opening = self.source.snapshot(at: period.dayBeforeStart)
        let closing = self.source.snapshot(at: period.end)
        return ReceivablesFormulas.collectionEffectiveness(
            opening: opening.balance,
            sales: self.source.flow(over: period).sales,
            closing: closing.balance,
            closingCurrent: closing.current,
            flags: self.context.historyFlags(reachingBackTo: period.start)
        )
    }

    /// AR-DBT at D.
    public func daysBeyondTerms(asOf date: CalendarDate) -> KPIValue {
        let snapshot = self.source.snapshot(at: date)
        return ReceivablesFormulas.daysBeyondTerms(
            overdueDaysWeighted: snapshot.overdueDaysWeighted,
            overdue: snapshot.overdue
        )
    }

    // MARK: - Payment timing

    /// AR-ADD over P: Σ amount × max(0, late) / Σ amount over cash allocations with eff ∈ P.
    public func averageDaysDelinquent(over period: Period) -> KPIValue {
        let flow = self.source.flow(over: period)
        return ReceivablesFormulas.weightedDays(
            flow.lateDaysWeighted,
            over: flow.cashAllocated,
            flags: self.context.historyFlags(reachingBackTo: period.start)
        )
    }

    /// AR-PAYDELAY over P: signed average delay of cash allocations.
    public func paymentDelay(over period: Period) -> KPIValue {
        let flow = self.source.flow(over: period)
        return ReceivablesFormulas.weightedDays(
            flow.signedDelayWeighted,
            over: flow.cashAllocated,
            flags: self.context.historyFlags(reachingBackTo: period.start)
        )
    }

    /// AR-ADTP over P: amount-weighted days from invoice date to effective payment.
    public func averageDaysToPay(over period: Period) -> KPIValue {
        let flow = self.source.flow(over: period)
        return ReceivablesFormulas.weightedDays(
            flow.daysToPayWeighted,
            over: flow.cashAllocated,
            flags: self.context.historyFlags(reachingBackTo: period.start)
        )
    }

    /// AR-ONTIME over P (count of installments settled in P).
    public func onTime(over period: Period) -> KPIValue {
        let flow = self.source.flow(over: period)
        return ReceivablesFormulas.percent(
            WideInt(flow.onTimeInstallments),
            of: WideInt(flow.paidInstallments),
            flags: self.context.historyFlags(reachingBackTo: period.start)
        )
    }

    /// AR-ONTIME-AMT over P (amounts of installments settled in P).
    public func onTimeAmount(over period: Period) -> KPIValue {
        let flow = self.source.flow(over: period)
        return ReceivablesFormulas.percent(
            flow.onTimeAmount,
            of: flow.paidAmount,
            flags: self.context.historyFlags(reachingBackTo: period.start)
        )
    }

    /// AR-REC-DELAY over P: weighted lateness of late cash allocations.
    public func collectionDelay(over period: Period) -> KPIValue {
        let flow = self.source.flow(over: period)
        return ReceivablesFormulas.weightedDays(
            flow.lateDaysWeighted,
            over: flow.lateAllocated,
            flags: self.context.historyFlags(reachingBackTo: period.start)
        )
    }

    /// AR-REC-RATE over P.
    public func collectionRate(over period: Period) -> KPIValue {
        let parts = self.source.collectionRate(over: period)
        return ReceivablesFormulas.percent(
            parts.collected,
            of: parts.collectible,
            reasonWhenEmpty: .zeroDenominator,
            flags: self.context.historyFlags(reachingBackTo: period.start)
        )
    }

    // MARK: - Turnover

    /// AR-TURN over P.
    public func turnover(over period: Period) -> KPIValue {
        ReceivablesFormulas.turnover(
            opening: self.source.snapshot(at: period.dayBeforeStart).balance,
            closing: self.source.snapshot(at: period.end).balance,
            sales: self.source.flow(over: period).sales,
            flags: self.context.historyFlags(reachingBackTo: period.start)
        )
    }

    /// AR-ACP over P.
    public func averageCollectionPeriod(over period: Period) -> KPIValue {
        ReceivablesFormulas.averageCollectionPeriod(
            opening: self.source.snapshot(at: period.dayBeforeStart).balance,
            closing: self.source.snapshot(at: period.end).balance,
            sales: self.source.flow(over: period).sales,
            periodDays: period.length,
            flags: self.context.historyFlags(reachingBackTo: period.start)
        )
    }

    // MARK: - Aged balance and outstanding

    /// AR-AGED at D: buckets, UNAPPLIED, GROSS, NET and the two percentages.
    public func agedBalance(asOf date: CalendarDate) -> AgedBalance {
        AgedBalance(snapshot: self.source.snapshot(at: date), settings: self.settings)
    }

    /// AR-ENC-* at D.
    public func outstanding(asOf date: CalendarDate) -> Outstanding {
        Outstanding(snapshot: self.source.snapshot(at: date))
    }

    // MARK: - Disputes

    /// AR-DSP-RATE over P: resolved in P / (open at s − 1 + opened in P) × 100.
    public func disputeResolutionRate(over period: Period) -> KPIValue {
        let flow = self.source.flow(over: period)
        let opening = self.source.snapshot(at: period.dayBeforeStart).openDisputes
        return ReceivablesFormulas.percent(
            WideInt(flow.disputesResolved),
            of: WideInt(opening + flow.disputesOpened),
            flags: self.context.historyFlags(reachingBackTo: period.start)
        )
    }

    /// AR-DSP-TIME over P: mean days from opening to resolution of disputes resolved in P.
    public func disputeResolutionTime(over period: Period) -> KPIValue {
        let flow = self.source.flow(over: period)
        return ReceivablesFormulas.weightedDays(
            flow.resolutionDays,
            over: WideInt(flow.disputesResolved),
            flags: self.context.historyFlags(reachingBackTo: period.start)
        )
    }

    // MARK: - Provisions and write-offs

    /// AR-PROV-RATE at D for each bucket and in total.
    public func provisionRates(asOf date: CalendarDate) -> ProvisionRates {
        ProvisionRates(snapshot: self.source.snapshot(at: date), settings: self.settings)
    }

    /// AR-WO-AMT over P, cents.
    public func writeOffAmount(over period: Period) -> KPIValue {
        .cents(self.source.flow(over: period).writeOffs, flags: self.context.historyFlags(reachingBackTo: period.start))
    }

    /// AR-WO-RATE over P: write-offs / SALES × 100; `SALES ≤ 0` → `null NO_SALES`.
    public func writeOffRate(over period: Period) -> KPIValue {
        let flow = self.source.flow(over: period)
        return ReceivablesFormulas.percent(
            flow.writeOffs,
            of: flow.sales,
            reasonWhenEmpty: .noSales,
            flags: self.context.historyFlags(reachingBackTo: period.start)
        )
    }

    // MARK: - Matching

    /// AR-MATCH-AUTO over P (count of allocations recorded in P).
    public func automaticMatchingRate(over period: Period) -> KPIValue {
        let flow = self.source.flow(over: period)
        return ReceivablesFormulas.percent(WideInt(flow.matchedAuto), of: WideInt(flow.matched))
    }

    /// AR-MATCH-AUTO-AMT over P (amounts).
    public func automaticMatchingAmountRate(over period: Period) -> KPIValue {
        let flow = self.source.flow(over: period)
        return ReceivablesFormulas.percent(flow.matchedAutoAmount, of: flow.matchedAmount)
    }

    // MARK: - Forecast and widget

    /// AR-FCST at D, bucketed by `grain` over the horizon of the settings.
    public func forecast(asOf date: CalendarDate, grain: BucketKind) -> ForecastResult {
        ReceivablesFormulas.forecast(
            self.source.forecast(asOf: date),
            asOf: date,
            settings: self.settings,
            grain: grain
        )
    }

    /// AR-W12 at D: 12 monthly rows of REVENUE, EXPECTED and ACTUAL.
    public func revenueAndPayments(asOf date: CalendarDate) -> [WidgetRow] {
        ReceivablesFormulas.widgetMonths(asOf: date).map { month in
            WidgetRow(month: month, flow: self.source.flow(over: month))
        }
    }
}

extension ReceivablesKPI: Sendable where Source: Sendable {}
