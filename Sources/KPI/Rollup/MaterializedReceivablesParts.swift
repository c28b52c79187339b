public import Wire

/// Merged receivables parts of one selection, materialised for the keys a dashboard reads:
/// snapshots at given dates, flows per day over a range (and per whole month inside it),
/// AR-REC-RATE parts per period and AR-FCST parts per date. A ``ReceivablesPartsSource`` whose
/// reads are dictionary look-ups and a few merges.
///
/// Built either by merging stored group parts (``ReceivablesRollup/Selection/materialize(snapshotDates:flowRange:)``)
/// or straight from facts (``init(calculator:snapshotDates:flowRange:collectionRatePeriods:forecastDates:)``),
/// which is the "no rollup" baseline of the benchmark.
public struct MaterializedReceivablesParts: ReceivablesPartsSource, Sendable {
    /// Snapshot parts by date.
    public var snapshots: [CalendarDate: ReceivablesSnapshot]
    /// Flow parts of active days inside `flowRange`.
    public var dailyFlows: [CalendarDate: ReceivablesFlow]
    /// Flow parts of whole months inside `flowRange`, by month index.
    public var monthlyFlows: [Int: ReceivablesFlow]
    /// AR-REC-RATE parts by period.
    public var collectionRates: [Period: CollectionRateParts]
    /// AR-FCST parts by date.
    public var forecasts: [CalendarDate: ForecastParts]
    /// Days covered by the flow parts.
    public let flowRange: Period
    /// Months whose daily parts are present (`nil` = every month of the range). Whole months
    /// inside the range always come from `monthlyFlows`; a period that starts or ends inside a
    /// month not listed here would read missing days, so callers materialise the months they need
    /// (``ReceivablesLevel1/dailyMonths(asOf:settings:historyDays:)``).
    public let dailyMonths: Set<Int>?
    /// Flows over whole periods read as one stored value (the DSO windows of a level-1 answer:
    /// `WINDOW_FLOW` rows), consulted before the daily and monthly parts.
    public var periodFlows: [Period: ReceivablesFlow] = [:]

    /// Creates merged parts from their pieces.
    public init(
        snapshots: [CalendarDate: ReceivablesSnapshot],
        dailyFlows: [CalendarDate: ReceivablesFlow],
        monthlyFlows: [Int: ReceivablesFlow],
        collectionRates: [Period: CollectionRateParts] = [:],
        forecasts: [CalendarDate: ForecastParts] = [:],
        flowRange: Period,
        dailyMonths: Set<Int>? = nil
    ) {
        self.dailyMonths = dailyMonths
        self.snapshots = snapshots
        self.dailyFlows = dailyFlows
        self.monthlyFlows = monthlyFlows
        self.collectionRates = collectionRates
        self.forecasts = forecasts
        self.flowRange = flowRange
    }

    /// Computes the parts of a selection straight from its facts, in one pass per kind.
    public init(
        calculator: ReceivablesPartsCalculator,
        snapshotDates: [CalendarDate],
        flowRange: Period,
        collectionRatePeriods: [Period] = [],
        forecastDates: [CalendarDate] = []
    ) {
        let dates = Array(Set(snapshotDates))
        let daily = calculator.dailyFlows(in: flowRange)
        self.init(
            snapshots: Dictionary(uniqueKeysWithValues: zip(dates, calculator.snapshots(at: dates))),
            dailyFlows: daily,
            monthlyFlows: Self.months(of: daily, inside: flowRange),
            collectionRates: Dictionary(
                uniqueKeysWithValues: Set(collectionRatePeriods).map { ($0, calculator.collectionRate(over: $0)) }
            ),
            forecasts: Dictionary(uniqueKeysWithValues: Set(forecastDates).map { ($0, calculator.forecast(asOf: $0)) }),
            flowRange: flowRange
        )
    }

    /// Sums daily parts into the months that lie entirely inside `range`.
    static func months(of daily: [CalendarDate: ReceivablesFlow], inside range: Period) -> [Int: ReceivablesFlow] {
        var result: [Int: ReceivablesFlow] = [:]
        for (date, flow) in daily {
            let month = Period.month(containing: date)
            if month.start >= range.start && month.end <= range.end {
                result[date.monthIndex, default: .zero] += flow
            }
        }
        return result
    }

    /// Snapshot parts at `date` (zero when not materialised).
    public func snapshot(at date: CalendarDate) -> ReceivablesSnapshot {
        self.snapshots[date] ?? .zero
    }

    /// Flow parts over `period`: whole months from the monthly parts, other days from daily parts
    /// (days outside the flow range count as empty).
    public func flow(over period: Period) -> ReceivablesFlow {
        if let stored = self.periodFlows[period] { return stored }
        var total = ReceivablesFlow.zero
        var cursor = period.start
        // One month at a time: a whole month is one look-up, the days of a partial one follow.
        while cursor <= period.end {
            let month = Period.month(containing: cursor)
            if cursor == month.start && month.end <= period.end {
                if let whole = self.monthlyFlows[cursor.monthIndex] {
                    total += whole
                    guard month.end < .max else { break }
                    cursor = month.end.clampedAdding(days: 1)
                    continue
                }
                if month.start >= self.flowRange.start && month.end <= self.flowRange.end {
                    // A whole month inside the range without activity.
                    guard month.end < .max else { break }
                    cursor = month.end.clampedAdding(days: 1)
                    continue
                }
            }
            assert(
                self.dailyMonths?.contains(cursor.monthIndex) ?? true,
                "daily parts of \(cursor) were not materialised"
            )
            let last = Swift.min(month.end, period.end)
            if !self.dailyFlows.isEmpty {
                var day = cursor
                while true {
                    if let parts = self.dailyFlows[day] { total += parts }
                    guard day < last else { break }
                    day = day.clampedAdding(days: 1)
                }
            }
            guard last < .max else { break }
            cursor = last.clampedAdding(days: 1)
        }
        return total
    }

    /// AR-REC-RATE parts of `period` (zero when not materialised).
    public func collectionRate(over period: Period) -> CollectionRateParts {
        self.collectionRates[period] ?? .zero
    }

    /// AR-FCST parts at `date` (zero when not materialised).
    public func forecast(asOf date: CalendarDate) -> ForecastParts {
        self.forecasts[date] ?? .zero
    }
}

extension ReceivablesRollup.Selection {
    /// Merges the selected groups' parts for exactly the keys a dashboard will read: the
    /// snapshot dates, the daily flows inside `flowRange` and the whole months inside it, and
    /// the stored AR-REC-RATE / AR-FCST parts.
    public func materialize(
        snapshotDates: [CalendarDate],
        flowRange requested: Period,
        dailyMonths: Set<Int>? = nil
    )
        -> MaterializedReceivablesParts
    {
        // Only what the rollup holds: clip to its flow range.
        let flowRange = Period(
            uncheckedStart: Swift.max(requested.start, self.flowRange.start),
            end: Swift.max(
                Swift.min(requested.end, self.flowRange.end),
                Swift.max(requested.start, self.flowRange.start)
            )
        )
        var snapshots: [CalendarDate: ReceivablesSnapshot] = [:]
        for date in Set(snapshotDates) {
            var total = ReceivablesSnapshot.zero
            for group in self.groups {
                if let parts = group.snapshots[date] { total += parts }
            }
            snapshots[date] = total
        }
        // Walk each group's sparse entries (active days only) rather than every day × group.
        var daily: [CalendarDate: ReceivablesFlow] = [:]
        var monthly: [Int: ReceivablesFlow] = [:]
        for group in self.groups {
            if let months = dailyMonths {
                for month in months {
                    for (date, parts) in group.dailyFlowsByMonth[month] ?? [:] where flowRange.contains(date) {
                        daily[date, default: .zero] += parts
                    }
                }
            } else {
                for (_, days) in group.dailyFlowsByMonth {
                    for (date, parts) in days where flowRange.contains(date) {
                        daily[date, default: .zero] += parts
                    }
                }
            }
            for (index, parts) in group.monthlyFlows {
                let month = Period.month(containing: CalendarDate.firstOfMonth(index: index))
                if month.start >= flowRange.start && month.end <= flowRange.end {
                    monthly[index, default: .zero] += parts
                }
            }
        }
        var rates: [Period: CollectionRateParts] = [:]
        var forecasts: [CalendarDate: ForecastParts] = [:]
        for group in self.groups {
            for (period, parts) in group.collectionRates { rates[period, default: .zero] += parts }
            for (date, parts) in group.forecasts { forecasts[date, default: .zero] += parts }
        }
        return MaterializedReceivablesParts(
            snapshots: snapshots,
            dailyFlows: daily,
            monthlyFlows: monthly,
            collectionRates: rates,
            forecasts: forecasts,
            flowRange: flowRange,
            dailyMonths: dailyMonths
        )
    }
}
