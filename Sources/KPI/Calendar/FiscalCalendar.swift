public import Wire

/// The firm's fiscal calendar: fiscal years start on (month, day); the fiscal year **N** is the one
/// that **starts** in calendar year N (a year starting 2024-07-01 is FY 2024).
///
/// A start on February 29 is allowed and falls back to February 28 in common years. Business
/// dates are already in the firm's time zone (kpi-definitions §1.2), so the calendar works on
/// ``CalendarDate`` only; turning a UTC instant into "today" is ``today(unixSeconds:utcOffsetSeconds:)``.
public struct FiscalCalendar: Hashable, Sendable, Codable {
    /// Month (1–12) on which fiscal years start.
    public let startMonth: Int
    /// Day of month (1–31) on which fiscal years start.
    public let startDay: Int

    /// The calendar year: fiscal years start on January 1.
    public static let calendarYear = FiscalCalendar(uncheckedMonth: 1, day: 1)

    /// Creates a calendar; throws when (month, day) exists in no year.
    public init(startMonth: Int, startDay: Int) throws {
        guard (1...12).contains(startMonth), startDay >= 1,
            startDay <= CalendarDate.daysInMonth(year: 2000, month: startMonth)
        else {
            throw KPIError(
                code: .invalidSettings,
                message: "fiscal year start \(startMonth)-\(startDay) is not a day of the year"
            )
        }
        self.startMonth = startMonth
        self.startDay = startDay
    }

    private init(uncheckedMonth month: Int, day: Int) {
        self.startMonth = month
        self.startDay = day
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            startMonth: container.decode(Int.self, forKey: .startMonth),
            startDay: container.decode(Int.self, forKey: .startDay)
        )
    }

    // MARK: - Fiscal years

    /// First day of fiscal year `year`.
    public func start(ofFiscalYear year: Int) -> CalendarDate {
        let clampedYear = Swift.min(Swift.max(year, 1), 9999)
        let day = Swift.min(self.startDay, CalendarDate.daysInMonth(year: clampedYear, month: self.startMonth))
        return CalendarDate(year: clampedYear, month: self.startMonth, day: day) ?? .min
    }

    /// `[start of N, start of N+1 − 1]`.
    public func period(ofFiscalYear year: Int) -> Period {
        let end = year >= 9999 ? CalendarDate.max : self.start(ofFiscalYear: year + 1).clampedAdding(days: -1)
        return Period(uncheckedStart: self.start(ofFiscalYear: year), end: end)
    }

    /// The fiscal year containing `date` (named by the calendar year in which it starts).
    public func fiscalYear(containing date: CalendarDate) -> Int {
        let year = date.year
        return date >= self.start(ofFiscalYear: year) ? year : year - 1
    }

    /// "The same day of the previous fiscal year" (kpi-definitions §9, N vs N−1): the same month
    /// and day one year earlier (February 29 → February 28), kept inside fiscal year N−1; the last
    /// day of a fiscal year maps to the last day of the previous one, so year-end figures compare.
    public func sameDayPreviousFiscalYear(_ date: CalendarDate) -> CalendarDate {
        let year = self.fiscalYear(containing: date)
        let current = self.period(ofFiscalYear: year)
        let previous = self.period(ofFiscalYear: year - 1)
        if date == current.end { return previous.end }
        let candidate = date.adding(months: -12) ?? previous.start
        return Swift.min(Swift.max(candidate, previous.start), previous.end)
    }

    /// The months of fiscal year `year`: month k runs from start + k months to the day before
    /// start + k + 1 months (calendar months when the year starts on the 1st).
    public func months(ofFiscalYear year: Int) -> [Period] {
        let start = self.start(ofFiscalYear: year)
        let end = self.period(ofFiscalYear: year).end
        var result: [Period] = []
        for k in 0..<12 {
            let from = self.shift(start, months: k)
            let next = k == 11 ? end.clampedAdding(days: 1) : self.shift(start, months: k + 1)
            result.append(Period(uncheckedStart: from, end: next.clampedAdding(days: -1)))
        }
        return result
    }

    private func shift(_ start: CalendarDate, months: Int) -> CalendarDate {
        let (year, month, _) = start.components
        let total = year * 12 + (month - 1) + months
        let targetYear = total / 12
        let targetMonth = total % 12 + 1
        let day = Swift.min(self.startDay, CalendarDate.daysInMonth(year: targetYear, month: targetMonth))
        return CalendarDate(year: targetYear, month: targetMonth, day: day) ?? start
    }

    // MARK: - Buckets

    /// The bucket of `kind` containing `date`.
    public func bucket(_ kind: BucketKind, containing date: CalendarDate) -> Bucket {
        switch kind {
        case .day:
            return Bucket(kind: kind, period: Period(uncheckedStart: date, end: date), label: date.description)
        case .isoWeek:
            let monday = date.startOfISOWeek
            let (year, week) = date.isoWeek
            let label = "\(year)-W" + (week < 10 ? "0\(week)" : "\(week)")
            return Bucket(
                kind: kind,
                period: Period(uncheckedStart: monday, end: monday.clampedAdding(days: 6)),
                label: label
            )
        case .month:
            let label = String(date.description.prefix(7))
            return Bucket(kind: kind, period: Period.month(containing: date), label: label)
        case .quarter:
            let quarter = date.quarter
            let first = CalendarDate(year: date.year, month: (quarter - 1) * 3 + 1, day: 1) ?? date
            let last = (CalendarDate(year: date.year, month: quarter * 3, day: 1) ?? date).lastOfMonth
            return Bucket(
                kind: kind,
                period: Period(uncheckedStart: first, end: last),
                label: "\(date.year)-Q\(quarter)"
            )
        case .fiscalYear:
            let year = self.fiscalYear(containing: date)
            return Bucket(kind: kind, period: self.period(ofFiscalYear: year), label: "FY\(year)")
        }
    }

    /// The buckets of `kind` that overlap `range`, in order, each with its full extent (the first
    /// may start before `range.start`, the last may end after `range.end`).
    public func buckets(_ kind: BucketKind, overlapping range: Period) -> [Bucket] {
        var result: [Bucket] = []
        var cursor = range.start
        while true {
            let bucket = self.bucket(kind, containing: cursor)
            result.append(bucket)
            guard bucket.period.end < range.end, bucket.period.end < .max else { break }
            cursor = bucket.period.end.clampedAdding(days: 1)
        }
        return result
    }

    // MARK: - Today

    /// The business date of a UTC instant in a zone whose offset at that instant is
    /// `utcOffsetSeconds` (the gateway reads the offset from the firm's IANA zone).
    public static func today(unixSeconds: Int64, utcOffsetSeconds: Int) -> CalendarDate {
        let local = unixSeconds + Int64(utcOffsetSeconds)
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        guard let narrow = Int32(exactly: days), let date = CalendarDate(daysSinceEpoch: narrow) else {
            return days < 0 ? .min : .max
        }
        return date
    }
}

/// The time grains of dashboards: level 2 periodicities and rollup partitions.
public enum BucketKind: String, Hashable, Sendable, Codable, CaseIterable {
    /// One day.
    case day = "DAY"
    /// ISO 8601 week, Monday to Sunday.
    case isoWeek = "ISO_WEEK"
    /// Calendar month.
    case month = "MONTH"
    /// Calendar quarter (January–March …).
    case quarter = "QUARTER"
    /// The firm's fiscal year.
    case fiscalYear = "FISCAL_YEAR"
}

/// One time bucket: its kind, its closed period and a stable label (`2025-03`, `2025-W14`,
/// `2025-Q1`, `FY2025`, `2025-03-31`).
public struct Bucket: Hashable, Sendable, Codable {
    /// Grain.
    public let kind: BucketKind
    /// Days covered.
    public let period: Period
    /// Stable label.
    public let label: String
}
