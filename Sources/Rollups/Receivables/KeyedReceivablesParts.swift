public import KPI
public import Wire

/// Merged receivables parts held for exact keys only: snapshots by date, flows by period,
/// AR-REC-RATE parts by period and AR-FCST parts by date. Additive key by key, so the parts of
/// client groups (or clients) read once can be summed for any subset: the breakdowns of a
/// dashboard (per collaborator, per office …) and its total.
///
/// A key that was not read is zero: callers read every key their KPIs evaluate.
public struct KeyedReceivablesParts: ReceivablesPartsSource, AdditiveParts {
    /// Snapshot parts by date.
    public var snapshots: [CalendarDate: ReceivablesSnapshot]
    /// Flow parts by period.
    public var flows: [Period: ReceivablesFlow]
    /// AR-REC-RATE parts by period.
    public var collectionRates: [Period: CollectionRateParts]
    /// AR-FCST parts by date.
    public var forecasts: [CalendarDate: ForecastParts]

    /// Creates parts.
    public init(
        snapshots: [CalendarDate: ReceivablesSnapshot] = [:],
        flows: [Period: ReceivablesFlow] = [:],
        collectionRates: [Period: CollectionRateParts] = [:],
        forecasts: [CalendarDate: ForecastParts] = [:]
    ) {
        self.snapshots = snapshots
        self.flows = flows
        self.collectionRates = collectionRates
        self.forecasts = forecasts
    }

    /// The parts `source` gives for the keys of `keys`.
    public init(source: some ReceivablesPartsSource, keys: ReceivablesKeys) {
        self.init(
            snapshots: Dictionary(uniqueKeysWithValues: keys.snapshotDates.map { ($0, source.snapshot(at: $0)) }),
            flows: Dictionary(uniqueKeysWithValues: keys.flowPeriods.map { ($0, source.flow(over: $0)) }),
            collectionRates: Dictionary(uniqueKeysWithValues: keys.collectionRatePeriods.map { ($0, source.collectionRate(over: $0)) }),
            forecasts: Dictionary(uniqueKeysWithValues: keys.forecastDates.map { ($0, source.forecast(asOf: $0)) })
        )
        for date in keys.windowFlowDates {
            let window = keys.window(endingAt: date)
            self.flows[window] = source.flow(over: window)
        }
    }

    /// No parts.
    public static var zero: KeyedReceivablesParts { KeyedReceivablesParts() }

    /// Key-by-key sum.
    public static func + (lhs: KeyedReceivablesParts, rhs: KeyedReceivablesParts) -> KeyedReceivablesParts {
        var result = lhs
        result += rhs
        return result
    }

    /// Key-by-key sum in place.
    public static func += (lhs: inout KeyedReceivablesParts, rhs: KeyedReceivablesParts) {
        for (key, value) in rhs.snapshots { lhs.snapshots[key, default: .zero] += value }
        for (key, value) in rhs.flows { lhs.flows[key, default: .zero] += value }
        for (key, value) in rhs.collectionRates { lhs.collectionRates[key, default: .zero] += value }
        for (key, value) in rhs.forecasts { lhs.forecasts[key] = (lhs.forecasts[key] ?? .zero) + value }
    }

    /// Key-by-key difference in place: a slice's parts minus those of its groups outside a
    /// selection (every part type is a sum of integers, so the difference is exact).
    public static func -= (lhs: inout KeyedReceivablesParts, rhs: KeyedReceivablesParts) {
        for (key, value) in rhs.snapshots { lhs.snapshots[key, default: .zero] += value.negated }
        for (key, value) in rhs.flows { lhs.flows[key, default: .zero] += value.negated }
        for (key, value) in rhs.collectionRates { lhs.collectionRates[key, default: .zero] += value.negated }
        for (key, value) in rhs.forecasts { lhs.forecasts[key] = (lhs.forecasts[key] ?? .zero) + value.negated }
    }

    /// Snapshot at `date` (zero when not read).
    public func snapshot(at date: CalendarDate) -> ReceivablesSnapshot { self.snapshots[date] ?? .zero }
    /// Flow over `period` (zero when not read).
    public func flow(over period: Period) -> ReceivablesFlow { self.flows[period] ?? .zero }
    /// AR-REC-RATE parts of `period` (zero when not read).
    public func collectionRate(over period: Period) -> CollectionRateParts { self.collectionRates[period] ?? .zero }
    /// AR-FCST parts at `date` (zero when not read).
    public func forecast(asOf date: CalendarDate) -> ForecastParts { self.forecasts[date] ?? .zero }
}

/// The keys a dashboard answer reads (``KeyedReceivablesParts``).
public struct ReceivablesKeys: Hashable, Sendable {
    /// Snapshot dates.
    public var snapshotDates: Set<CalendarDate> = []
    /// Flow periods.
    public var flowPeriods: Set<Period> = []
    /// AR-REC-RATE periods (as stored: month to date of a day).
    public var collectionRatePeriods: Set<Period> = []
    /// AR-FCST dates (as stored: the firm's today).
    public var forecastDates: Set<CalendarDate> = []
    /// Dates D whose flow over the DSO window ending at D (`windowDays` long) is read from the
    /// stored `WINDOW_FLOW` rows instead of daily rows; keyed in `flows` by that window (a window
    /// that is also in `flowPeriods` is read from the daily rows only: see ``storedWindowDates``).
    public var windowFlowDates: Set<CalendarDate> = []
    /// The DSO window length of `windowFlowDates`.
    public var windowDays = 1

    /// No key.
    public init() {}

    /// Every day a flow period touches must be readable: the smallest range covering every key.
    /// The dates of `windowFlowDates` whose window is not already one of `flowPeriods` (a
    /// 90-day quarter is also a 90-day window): those read a `WINDOW_FLOW` row.
    public var storedWindowDates: Set<CalendarDate> {
        self.windowFlowDates.filter { !self.flowPeriods.contains(self.window(endingAt: $0)) }
    }

    /// The DSO window ending at `date`.
    public func window(endingAt date: CalendarDate) -> Period {
        Period(uncheckedStart: date.clampedAdding(days: -(Swift.max(self.windowDays, 1) - 1)), end: date)
    }

    public var flowRange: Period? {
        guard let start = self.flowPeriods.map(\.start).min(), let end = self.flowPeriods.map(\.end).max() else { return nil }
        return Period(uncheckedStart: start, end: end)
    }

    /// The months whose days a flow period starts or ends inside (the others are read whole).
    public var partialMonths: Set<Int> {
        var months: Set<Int> = []
        for period in self.flowPeriods {
            if period.start != period.start.firstOfMonth { months.insert(period.start.monthIndex) }
            if period.end != period.end.lastOfMonth { months.insert(period.end.monthIndex) }
        }
        return months
    }
}
