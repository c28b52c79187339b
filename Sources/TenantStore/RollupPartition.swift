public import Wire

/// A unit of rollup work: what a worker leases, recomputes and publishes atomically.
///
/// Two families:
/// - client-group partitions, `g<group>/fy<fiscal year>/m<YYYY-MM>`: the receivables and
///   practice rollups of one client group (one filter profile: office, bookkeeping mode,
///   frequency, deactivated, set of assigned collaborators) for the days of one calendar month,
///   labelled with the fiscal year that contains the month's first day. Collaborator, office and
///   mode are therefore all part of the key through the group; days inside the partition give
///   day, ISO-week, month and quarter views.
/// - prospect partitions, `p/fy<fiscal year>`: the deals and offers of one fiscal year.
public enum RollupPartition: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// One client group, one month.
    case clientGroup(group: Int64, fiscalYear: Int, month: YearMonth)
    /// The prospects of one fiscal year.
    case prospects(fiscalYear: Int)

    /// The key stored in `dirty_partitions` and in leases.
    public var key: String {
        switch self {
        case .clientGroup(let group, let fiscalYear, let month): "g\(group)/fy\(fiscalYear)/m\(month)"
        case .prospects(let fiscalYear): "p/fy\(fiscalYear)"
        }
    }

    public var description: String { self.key }

    /// Parses a key written by ``key``; `nil` for anything else.
    public init?(key: String) {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 2, parts[0] == "p", parts[1].hasPrefix("fy"), let year = Int(parts[1].dropFirst(2)) {
            self = .prospects(fiscalYear: year)
            return
        }
        guard parts.count == 3, parts[0].hasPrefix("g"), parts[1].hasPrefix("fy"), parts[2].hasPrefix("m"),
            let group = Int64(parts[0].dropFirst()), let year = Int(parts[1].dropFirst(2)),
            let month = YearMonth(String(parts[2].dropFirst()))
        else { return nil }
        self = .clientGroup(group: group, fiscalYear: year, month: month)
    }

    public static func < (lhs: RollupPartition, rhs: RollupPartition) -> Bool {
        lhs.key < rhs.key
    }
}

/// A calendar month, `YYYY-MM`.
public struct YearMonth: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Year (1…9999).
    public var year: Int
    /// Month (1…12).
    public var month: Int

    /// The month containing `date`.
    public init(_ date: CalendarDate) {
        let components = date.components
        self.year = components.year
        self.month = components.month
    }

    /// Creates a month, or `nil` when out of range.
    public init?(year: Int, month: Int) {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// Parses `YYYY-MM`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]), let month = Int(parts[1]) else {
            return nil
        }
        self.init(year: year, month: month)
    }

    /// The first day of the month.
    public var firstDay: CalendarDate {
        // Year and month are validated at construction; day 1 always exists.
        CalendarDate(year: self.year, month: self.month, day: 1)!
    }

    /// The month after this one.
    public var next: YearMonth {
        self.month == 12 ? YearMonth(year: self.year + 1, month: 1, unchecked: ()) : YearMonth(year: self.year, month: self.month + 1, unchecked: ())
    }

    private init(year: Int, month: Int, unchecked: Void) {
        self.year = year
        self.month = month
    }

    public var description: String {
        let monthText = self.month < 10 ? "0\(self.month)" : "\(self.month)"
        return "\(self.year)-\(monthText)"
    }

    public static func < (lhs: YearMonth, rhs: YearMonth) -> Bool {
        (lhs.year, lhs.month) < (rhs.year, rhs.month)
    }

    /// Every month from `start` through `end` (empty when `end < start`).
    public static func range(from start: YearMonth, through end: YearMonth) -> [YearMonth] {
        var months: [YearMonth] = []
        var month = start
        while month <= end {
            months.append(month)
            month = month.next
        }
        return months
    }
}

/// The firm's fiscal calendar: fiscal year N starts on (start month, start day) of calendar year N.
public struct FiscalYearStart: Hashable, Sendable {
    /// Month (1–12) on which fiscal years start.
    public var month: Int
    /// Day of month on which fiscal years start.
    public var day: Int

    public init(month: Int = 1, day: Int = 1) {
        self.month = month
        self.day = day
    }

    /// The fiscal year containing `date`.
    public func fiscalYear(of date: CalendarDate) -> Int {
        let (year, month, day) = date.components
        return (month, day) >= (self.month, self.day) ? year : year - 1
    }
}
