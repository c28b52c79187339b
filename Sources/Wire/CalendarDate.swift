/// A calendar date with no time of day and no time zone: a business date in the firm's calendar.
///
/// Stored as the number of days since 1970-01-01 (proleptic Gregorian calendar), so differences
/// and comparisons are integer arithmetic. Valid years are 1 through 9999.
/// In JSON and text it is written `YYYY-MM-DD`; on the wire it has its own tag (see `WIRE.md`).
public struct CalendarDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before).
    public var daysSinceEpoch: Int32

    /// The earliest representable date, 0001-01-01.
    public static let min = CalendarDate(unchecked: -719_162)
    /// The latest representable date, 9999-12-31.
    public static let max = CalendarDate(unchecked: 2_932_896)

    /// Creates a date from its day count, or `nil` outside 0001-01-01 … 9999-12-31.
    public init?(daysSinceEpoch: Int32) {
        guard daysSinceEpoch >= Self.min.daysSinceEpoch, daysSinceEpoch <= Self.max.daysSinceEpoch else { return nil }
        self.daysSinceEpoch = daysSinceEpoch
    }

    private init(unchecked days: Int32) {
        self.daysSinceEpoch = days
    }

    /// Creates a date from year, month (1–12) and day, or `nil` when the date does not exist.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
            day <= CalendarDate.daysInMonth(year: year, month: month)
        else { return nil }
        self.daysSinceEpoch = Int32(CalendarDate.daysFromCivil(year: year, month: month, day: day))
    }

    /// Parses exactly `YYYY-MM-DD` (ASCII digits, existing date); anything else gives `nil`.
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Year, month (1–12) and day of month.
    public var components: (year: Int, month: Int, day: Int) {
        CalendarDate.civilFromDays(Int(self.daysSinceEpoch))
    }

    public var year: Int { self.components.year }
    public var month: Int { self.components.month }
    public var day: Int { self.components.day }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var isoWeekday: Int {
        // 1970-01-01 was a Thursday (4).
        let offset = (Int(self.daysSinceEpoch) % 7 + 7) % 7
        return (offset + 3) % 7 + 1
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        let (year, month, day) = self.components
        return Self.pad(year, 4) + "-" + Self.pad(month, 2) + "-" + Self.pad(day, 2)
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        lhs.daysSinceEpoch < rhs.daysSinceEpoch
    }

    /// The date `days` later (earlier when negative), or `nil` outside the representable range.
    public func adding(days: Int) -> CalendarDate? {
        let target = Int(self.daysSinceEpoch) + days
        guard target >= Int(Self.min.daysSinceEpoch), target <= Int(Self.max.daysSinceEpoch) else { return nil }
        return CalendarDate(unchecked: Int32(target))
    }

    /// The date `days` later; traps outside the representable range (use for bounded arithmetic).
    public func advanced(by days: Int) -> CalendarDate {
        guard let date = self.adding(days: days) else {
            preconditionFailure("CalendarDate out of range: \(self) + \(days) days")
        }
        return date
    }

    /// `other − self` in calendar days (can be negative).
    public func days(until other: CalendarDate) -> Int {
        Int(other.daysSinceEpoch) - Int(self.daysSinceEpoch)
    }

    /// The same day number `months` later, clamped to the last day of the target month
    /// (2025-03-31 minus one month is 2025-02-28). `nil` outside the representable range.
    public func adding(months: Int) -> CalendarDate? {
        let (year, month, day) = self.components
        let total = year * 12 + (month - 1) + months
        let targetYear = total >= 0 ? total / 12 : (total - 11) / 12
        let targetMonth = total - targetYear * 12 + 1
        guard (1...9999).contains(targetYear) else { return nil }
        let clamped = Swift.min(day, CalendarDate.daysInMonth(year: targetYear, month: targetMonth))
        return CalendarDate(year: targetYear, month: targetMonth, day: clamped)
    }

    /// First day of this date's month.
    public var firstOfMonth: CalendarDate {
        CalendarDate(unchecked: self.daysSinceEpoch - Int32(self.components.day - 1))
    }

    /// Last day of this date's month.
    public var lastOfMonth: CalendarDate {
        let (year, month, day) = self.components
        return CalendarDate(unchecked: self.daysSinceEpoch + Int32(Self.daysInMonth(year: year, month: month) - day))
    }

    /// First and last day of this date's month (one calendar conversion for both).
    public var monthBounds: (first: CalendarDate, last: CalendarDate) {
        let (year, month, day) = self.components
        return (
            CalendarDate(unchecked: self.daysSinceEpoch - Int32(day - 1)),
            CalendarDate(unchecked: self.daysSinceEpoch + Int32(Self.daysInMonth(year: year, month: month) - day))
        )
    }

    /// Number of days in a month of the proleptic Gregorian calendar.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Gregorian leap-year rule.
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    // MARK: - Civil calendar arithmetic (H. Hinnant, "chrono-compatible low-level date algorithms")

    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthIndex = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: Swift.max(0, width - text.count)) + text
    }
}

extension CalendarDate: Codable {
    /// Decodes `YYYY-MM-DD`; any other text is a `DecodingError.dataCorrupted`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = CalendarDate(text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "expected a date YYYY-MM-DD, got \"\(text.prefix(32))\""
            )
        }
        self = date
    }

    /// Encodes `YYYY-MM-DD`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.description)
    }
}
