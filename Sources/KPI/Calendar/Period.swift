public import Wire

/// A closed period of business dates `[start, end]`, both ends included (kpi-definitions §1.2).
public struct Period: Hashable, Sendable, Codable, CustomStringConvertible {
    /// First day.
    public let start: CalendarDate
    /// Last day (≥ `start`).
    public let end: CalendarDate

    /// Creates `[start, end]`; throws when `end < start`.
    public init(start: CalendarDate, end: CalendarDate) throws {
        guard start <= end else {
            throw KPIError(code: .invalidArgument, message: "period end \(end) is before its start \(start)")
        }
        self.start = start
        self.end = end
    }

    /// Creates a period whose bounds are known to be ordered (internal arithmetic).
    package init(uncheckedStart start: CalendarDate, end: CalendarDate) {
        self.start = Swift.min(start, end)
        self.end = Swift.max(start, end)
    }

    /// The `length` days ending at `end`: `[end − length + 1, end]` (a rolling window).
    /// Throws when `length < 1`.
    public static func window(endingAt end: CalendarDate, length: Int) throws -> Period {
        guard length >= 1 else {
            throw KPIError(code: .invalidArgument, message: "a window needs at least one day, got \(length)")
        }
        return Period(uncheckedStart: end.clampedAdding(days: -(length - 1)), end: end)
    }

    /// The calendar month containing `date`.
    public static func month(containing date: CalendarDate) -> Period {
        let bounds = date.monthBounds
        return Period(uncheckedStart: bounds.first, end: bounds.last)
    }

    /// The month to date: `[first of the month of date, date]` (kpi-definitions §10.8).
    public static func monthToDate(_ date: CalendarDate) -> Period {
        Period(uncheckedStart: date.firstOfMonth, end: date)
    }

    /// `len(P) = end − start + 1` days.
    public var length: Int {
        self.start.days(until: self.end) + 1
    }

    /// Whether `date` lies in the period.
    public func contains(_ date: CalendarDate) -> Bool {
        date >= self.start && date <= self.end
    }

    /// The day before the start (`s − 1`), clamped at the earliest representable date.
    public var dayBeforeStart: CalendarDate {
        self.start.clampedAdding(days: -1)
    }

    /// Every date of the period, in order.
    public var days: [CalendarDate] {
        (0..<self.length).map { self.start.clampedAdding(days: $0) }
    }

    /// `start…end`.
    public var description: String {
        "\(self.start)…\(self.end)"
    }
}
