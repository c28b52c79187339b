internal import KPI
internal import PilotageProtocol
internal import RPCCore
internal import Wire

/// The buckets of a level-2 request (design.md "Dashboards", kpi-definitions §1.3): the range
/// `from…to` (default: the 12 buckets ending with the one containing `to`; `to` defaults to
/// the firm's today and is never after it), cut in buckets of the periodicity, the last one
/// clipped to `to`.
struct SeriesRange: Sendable {
    /// At most this many points per series (`RESOURCE_EXHAUSTED` beyond).
    static let maximumPoints = 400

    var from: CalendarDate
    var to: CalendarDate
    var periodicity: Periodicity
    var buckets: [Bucket]

    /// Resolves and checks the range of `request`.
    init(request: SeriesRequest, today: CalendarDate, calendar: FiscalCalendar) throws {
        let periodicity = request.periodicity ?? .month
        let kind = Self.kind(periodicity)
        let to = request.to ?? today
        guard to <= today else {
            throw RPCError(code: .invalidArgument, message: "to \(to) is after the firm's today (\(today))")
        }
        var from = request.from
        if from == nil {
            var bucket = calendar.bucket(kind, containing: to)
            for _ in 0..<11 {
                bucket = calendar.bucket(kind, containing: bucket.period.start.clampedAdding(days: -1))
            }
            from = bucket.period.start
        }
        guard let from, from <= to else {
            throw RPCError(code: .invalidArgument, message: "from \(request.from?.description ?? "?") is after to \(to)")
        }
        // Count before building: a 100-year daily range must not allocate 36,500 buckets.
        let days = from.days(until: to) + 1
        let estimate: Int
        switch periodicity {
        case .day: estimate = days
        case .week: estimate = days / 7 + 1
        case .month, .quarter: estimate = 0
        }
        guard estimate <= Self.maximumPoints + 1 else {
            throw RPCError(
                code: .resourceExhausted,
                message: "\(from)…\(to) by \(periodicity.rawValue) gives more than \(Self.maximumPoints) points; narrow the range or widen the periodicity"
            )
        }
        let buckets = KPISeries.level2Buckets(kind, over: Period(uncheckedStart: from, end: to), calendar: calendar)
        guard buckets.count <= Self.maximumPoints else {
            throw RPCError(
                code: .resourceExhausted,
                message: "\(from)…\(to) by \(periodicity.rawValue) gives \(buckets.count) points, more than \(Self.maximumPoints); narrow the range or widen the periodicity"
            )
        }
        self.from = from
        self.to = to
        self.periodicity = periodicity
        self.buckets = buckets
    }

    /// The KPI domain's bucket kind of a periodicity.
    static func kind(_ periodicity: Periodicity) -> BucketKind {
        switch periodicity {
        case .day: .day
        case .week: .isoWeek
        case .month: .month
        case .quarter: .quarter
        }
    }

    /// The requested KPI ids, checked against `valid` (`INVALID_ARGUMENT` listing them).
    static func kpis(_ requested: [String]?, valid: [String]) throws -> [String] {
        guard let requested, !requested.isEmpty else { return valid }
        if let unknown = requested.first(where: { !valid.contains($0) }) {
            throw RPCError(code: .invalidArgument, message: "unknown KPI '\(unknown)'; valid: \(valid.joined(separator: ", "))")
        }
        var seen: Set<String> = []
        return requested.filter { seen.insert($0).inserted }
    }
}
