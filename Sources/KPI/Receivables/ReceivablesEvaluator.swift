public import Wire

/// The receivables KPIs of a selection, whatever the path: from merged parts
/// (``ReceivablesKPI``) or directly from raw facts (``ReceivablesReference``). The verification
/// mode and the property tests evaluate both through this protocol and compare.
public protocol ReceivablesEvaluator {
    /// Settings and first data date.
    var context: KPIContext { get }
    /// AR-DSO-STD at D, or over `period`.
    func dsoStandard(asOf date: CalendarDate, period: Period?) -> KPIValue
    /// AR-BPDSO at D, or over `period`.
    func bestPossibleDSO(asOf date: CalendarDate, period: Period?) -> KPIValue
    /// AR-DSO-DELQ at D, or over `period`.
    func delinquentDSO(asOf date: CalendarDate, period: Period?) -> KPIValue
    /// AR-DSO-CB at D.
    func dsoCountback(asOf date: CalendarDate) -> KPIValue
    /// AR-CEI over P.
    func collectionEffectiveness(over period: Period) -> KPIValue
    /// AR-DBT at D.
    func daysBeyondTerms(asOf date: CalendarDate) -> KPIValue
    /// AR-ADD over P.
    func averageDaysDelinquent(over period: Period) -> KPIValue
    /// AR-PAYDELAY over P.
    func paymentDelay(over period: Period) -> KPIValue
    /// AR-ADTP over P.
    func averageDaysToPay(over period: Period) -> KPIValue
    /// AR-ONTIME over P.
    func onTime(over period: Period) -> KPIValue
    /// AR-ONTIME-AMT over P.
    func onTimeAmount(over period: Period) -> KPIValue
    /// AR-REC-DELAY over P.
    func collectionDelay(over period: Period) -> KPIValue
    /// AR-REC-RATE over P.
    func collectionRate(over period: Period) -> KPIValue
    /// AR-TURN over P.
    func turnover(over period: Period) -> KPIValue
    /// AR-ACP over P.
    func averageCollectionPeriod(over period: Period) -> KPIValue
    /// AR-AGED at D.
    func agedBalance(asOf date: CalendarDate) -> AgedBalance
    /// AR-ENC-* at D.
    func outstanding(asOf date: CalendarDate) -> Outstanding
    /// AR-DSP-RATE over P.
    func disputeResolutionRate(over period: Period) -> KPIValue
    /// AR-DSP-TIME over P.
    func disputeResolutionTime(over period: Period) -> KPIValue
    /// AR-PROV-RATE and AR-PROV-GRID at D.
    func provisionRates(asOf date: CalendarDate) -> ProvisionRates
    /// AR-WO-AMT over P.
    func writeOffAmount(over period: Period) -> KPIValue
    /// AR-WO-RATE over P.
    func writeOffRate(over period: Period) -> KPIValue
    /// AR-MATCH-AUTO over P.
    func automaticMatchingRate(over period: Period) -> KPIValue
    /// AR-MATCH-AUTO-AMT over P.
    func automaticMatchingAmountRate(over period: Period) -> KPIValue
    /// AR-FCST at D.
    func forecast(asOf date: CalendarDate, grain: BucketKind) -> ForecastResult
    /// AR-W12 at D.
    func revenueAndPayments(asOf date: CalendarDate) -> [WidgetRow]
}

extension ReceivablesEvaluator {
    /// AR-…-TREND: `kpi(D) − kpi(D⁻)` with D⁻ the previous month of D (§1.2), same parameters.
    /// `PARTIAL_HISTORY` when D⁻ is before the first data date or either value has it.
    public func trend(asOf date: CalendarDate, of kpi: (CalendarDate) -> KPIValue) -> KPIValue {
        let previousDate = date.previousMonth
        return ReceivablesFormulas.trend(
            current: kpi(date),
            previous: kpi(previousDate),
            flags: self.context.historyFlags(reachingBackTo: previousDate)
        )
    }

    /// Trend over an explicit calendar month: K(month of D) − K(previous month), each over its
    /// full month (AR-CEI-TREND "March vs February").
    public func monthlyTrend(month date: CalendarDate, of kpi: (Period) -> KPIValue) -> KPIValue {
        let month = Period.month(containing: date)
        let previous = Period.month(containing: month.dayBeforeStart)
        return ReceivablesFormulas.trend(
            current: kpi(month),
            previous: kpi(previous),
            flags: self.context.historyFlags(reachingBackTo: previous.start)
        )
    }

    /// AR-CEI at D: the month to date (the calendar month at a month end, §10.8).
    public func collectionEffectiveness(asOf date: CalendarDate) -> KPIValue {
        self.collectionEffectiveness(over: .monthToDate(date))
    }

    /// AR-DSO-STD over the default window ending at D.
    public func dsoStandard(asOf date: CalendarDate) -> KPIValue {
        self.dsoStandard(asOf: date, period: nil)
    }

    /// AR-BPDSO over the default window ending at D.
    public func bestPossibleDSO(asOf date: CalendarDate) -> KPIValue {
        self.bestPossibleDSO(asOf: date, period: nil)
    }

    /// AR-DSO-DELQ over the default window ending at D.
    public func delinquentDSO(asOf date: CalendarDate) -> KPIValue {
        self.delinquentDSO(asOf: date, period: nil)
    }

    /// AR-FCST at D by month.
    public func forecast(asOf date: CalendarDate) -> ForecastResult {
        self.forecast(asOf: date, grain: .month)
    }
}
