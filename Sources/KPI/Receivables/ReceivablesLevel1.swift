public import Wire

/// The level-1 receivables dashboard at D (kpi-definitions §1.3): for DSO-STD, DSO-CB, BPDSO,
/// DSO-DELQ, CEI and DBT the value at D, its 30-day history and its month-over-month trend; the
/// aged balance and the outstanding amounts at D.
public struct ReceivablesLevel1: Hashable, Sendable {
    /// One KPI of the dashboard.
    public struct Series: Hashable, Sendable {
        /// The 30 values of D − 29 … D (the last is the value at D).
        public var history: [KPISeries.Point<KPIValue>]
        /// K(D) − K(D⁻).
        public var trend: KPIValue

        /// The value at D.
        public var current: KPIValue? { self.history.last?.value }
    }

    /// As-of date.
    public var asOf: CalendarDate
    /// AR-DSO-STD.
    public var dsoStandard: Series
    /// AR-DSO-CB.
    public var dsoCountback: Series
    /// AR-BPDSO.
    public var bestPossibleDSO: Series
    /// AR-DSO-DELQ.
    public var delinquentDSO: Series
    /// AR-CEI (month to date).
    public var collectionEffectiveness: Series
    /// AR-DBT.
    public var daysBeyondTerms: Series
    /// AR-AGED at D.
    public var aged: AgedBalance
    /// AR-ENC-* at D.
    public var outstanding: Outstanding

    /// Evaluates the dashboard.
    public init(evaluator: some ReceivablesEvaluator, asOf date: CalendarDate, historyDays: Int = 30) {
        func series(_ kpi: (CalendarDate) -> KPIValue) -> Series {
            let history = KPISeries.level1(asOf: date, days: historyDays, kpi)
            let previousDate = date.previousMonth
            let trend = ReceivablesFormulas.trend(
                current: history.last?.value ?? kpi(date),
                previous: kpi(previousDate),
                flags: evaluator.context.historyFlags(reachingBackTo: previousDate)
            )
            return Series(history: history, trend: trend)
        }
        self.asOf = date
        self.dsoStandard = series { evaluator.dsoStandard(asOf: $0, period: nil) }
        self.dsoCountback = series { evaluator.dsoCountback(asOf: $0) }
        self.bestPossibleDSO = series { evaluator.bestPossibleDSO(asOf: $0, period: nil) }
        self.delinquentDSO = series { evaluator.delinquentDSO(asOf: $0, period: nil) }
        self.collectionEffectiveness = series { evaluator.collectionEffectiveness(over: .monthToDate($0)) }
        self.daysBeyondTerms = series { evaluator.daysBeyondTerms(asOf: $0) }
        self.aged = evaluator.agedBalance(asOf: date)
        self.outstanding = evaluator.outstanding(asOf: date)
    }

    /// The snapshot dates the dashboard reads: each history day, the day before its month
    /// (CEI opening), and the same for D⁻ (trends).
    public static func snapshotDates(asOf date: CalendarDate, historyDays: Int = 30) -> [CalendarDate] {
        var dates: Set<CalendarDate> = []
        for day in KPISeries.historyDays(asOf: date, days: historyDays) + [date.previousMonth] {
            dates.insert(day)
            dates.insert(day.firstOfMonth.clampedAdding(days: -1))
        }
        return dates.sorted()
    }

    /// The months whose days the dashboard reads one by one (the other months of the flow range
    /// are read whole): the months of each history day, of D⁻, and of their window starts —
    /// unless `storedWindows`: the DSO window ending at each of ``windowDates(asOf:historyDays:)``
    /// is then read as one stored value (``MaterializedReceivablesParts/periodFlows``).
    public static func dailyMonths(asOf date: CalendarDate, settings: KPISettings, historyDays: Int = 30, storedWindows: Bool = false)
        -> Set<Int>
    {
        let settings = settings.clamped
        var months: Set<Int> = []
        for day in Self.windowDates(asOf: date, historyDays: historyDays) {
            months.insert(day.monthIndex)
            if !storedWindows { months.insert(day.clampedAdding(days: -(settings.dsoWindowDays - 1)).monthIndex) }
        }
        return months
    }

    /// The dates whose DSO window the dashboard reads: each history day and D⁻.
    public static func windowDates(asOf date: CalendarDate, historyDays: Int = 30) -> [CalendarDate] {
        KPISeries.historyDays(asOf: date, days: historyDays) + [date.previousMonth]
    }

    /// The flow days the dashboard reads: from the oldest countback segment of D⁻ (or the oldest
    /// DSO window) to D.
    public static func flowRange(asOf date: CalendarDate, settings: KPISettings, historyDays: Int = 30) -> Period {
        let settings = settings.clamped
        let previous = date.previousMonth
        let countbackStart = CalendarDate.firstOfMonth(
            index: Swift.min(previous, date.clampedAdding(days: -(historyDays - 1))).monthIndex - 23
        )
        let windowStart = Swift.min(previous, date.clampedAdding(days: -(historyDays - 1))).clampedAdding(
            days: -(settings.dsoWindowDays - 1)
        )
        return Period(uncheckedStart: Swift.min(countbackStart, windowStart), end: date)
    }
}
