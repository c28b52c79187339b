public import Wire

/// Level-1 and level-2 series of the dashboards (kpi-definitions §1.3).
///
/// - Level 1: the KPI at D and its 30-day history, evaluated for each day of [D − 29, D] with
///   the same parameters.
/// - Level 2: the KPI at the end of each day / ISO week / month / quarter / fiscal-year bucket
///   over a range; for a flow KPI the period is the bucket itself.
public enum KPISeries {
    /// A value at a date.
    public struct Point<Value> {
        /// Day of evaluation.
        public var date: CalendarDate
        /// The value.
        public var value: Value
    }

    /// One bucket of a level-2 series: the bucket (its period clipped to the range end) and the value.
    public struct BucketValue<Value> {
        /// The bucket; `period` ends at the range end for the last, unfinished bucket.
        public var bucket: Bucket
        /// The value.
        public var value: Value
    }

    /// The days of the level-1 history: [D − (days − 1), D] (30 by default), oldest first.
    public static func historyDays(asOf date: CalendarDate, days: Int = 30) -> [CalendarDate] {
        (0..<Swift.max(days, 1)).reversed().map { date.clampedAdding(days: -$0) }
    }

    /// Level 1: `compute` at each day of the history; the last point is D.
    public static func level1<Value>(
        asOf date: CalendarDate,
        days: Int = 30,
        _ compute: (CalendarDate) -> Value
    ) -> [Point<Value>] {
        self.historyDays(asOf: date, days: days).map { Point(date: $0, value: compute($0)) }
    }

    /// The buckets of a level-2 series over `range`: every bucket of `kind` overlapping it, the
    /// last one clipped to `range.end` (a KPI is never evaluated after the range end, typically
    /// today); the first keeps its full start so a flow KPI covers the whole bucket.
    public static func level2Buckets(_ kind: BucketKind, over range: Period, calendar: FiscalCalendar) -> [Bucket] {
        calendar.buckets(kind, overlapping: range).map { bucket in
            guard bucket.period.end > range.end else { return bucket }
            return Bucket(
                kind: bucket.kind,
                period: Period(uncheckedStart: bucket.period.start, end: range.end),
                label: bucket.label
            )
        }
    }

    /// Level 2: `compute` for each bucket; a snapshot KPI reads `bucket.period.end`, a flow KPI
    /// uses `bucket.period` as P.
    public static func level2<Value>(
        _ kind: BucketKind,
        over range: Period,
        calendar: FiscalCalendar,
        _ compute: (Bucket) -> Value
    ) -> [BucketValue<Value>] {
        self.level2Buckets(kind, over: range, calendar: calendar).map { BucketValue(bucket: $0, value: compute($0)) }
    }
}

extension KPISeries.Point: Equatable where Value: Equatable {}
extension KPISeries.Point: Hashable where Value: Hashable {}
extension KPISeries.Point: Sendable where Value: Sendable {}
extension KPISeries.Point: Codable where Value: Codable {}
extension KPISeries.BucketValue: Equatable where Value: Equatable {}
extension KPISeries.BucketValue: Hashable where Value: Hashable {}
extension KPISeries.BucketValue: Sendable where Value: Sendable {}
extension KPISeries.BucketValue: Codable where Value: Codable {}
