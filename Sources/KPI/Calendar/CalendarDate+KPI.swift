public import Wire

extension CalendarDate {
    /// The date `days` later, clamped to 0001-01-01 … 9999-12-31 instead of failing, so that
    /// arithmetic on odd inputs never traps (the data contract limits dates to 1900–2200).
    public func clampedAdding(days: Int) -> CalendarDate {
        // Beyond ±4 million days every result is out of range; this also keeps `adding` from
        // overflowing `Int` on absurd offsets.
        if days > 4_000_000 { return .max }
        if days < -4_000_000 { return .min }
        if let date = self.adding(days: days) { return date }
        return days < 0 ? .min : .max
    }

    /// "Previous month" of kpi-definitions §1.2: same day number in the previous calendar month,
    /// clamped to that month's last day (2025-03-31 → 2025-02-28).
    public var previousMonth: CalendarDate {
        self.adding(months: -1) ?? .min
    }

    /// Months since year 0 (`year × 12 + month − 1`): a dense key for monthly vectors.
    public var monthIndex: Int {
        let (year, month, _) = self.components
        return year * 12 + (month - 1)
    }

    /// The first day of the month with the given ``monthIndex``.
    public static func firstOfMonth(index: Int) -> CalendarDate {
        let year = index >= 0 ? index / 12 : (index - 11) / 12
        let month = index - year * 12 + 1
        return CalendarDate(year: Swift.min(Swift.max(year, 1), 9999), month: month, day: 1) ?? .min
    }

    /// Calendar quarter, 1–4.
    public var quarter: Int {
        (self.month - 1) / 3 + 1
    }

    /// ISO 8601 week-numbering year and week (weeks start on Monday; week 1 holds the first
    /// Thursday of the year). 2024-12-30 is in 2025-W01; 2021-01-03 is in 2020-W53.
    public var isoWeek: (year: Int, week: Int) {
        // The Thursday of this date's week decides the ISO year.
        let thursday = self.clampedAdding(days: 4 - self.isoWeekday)
        let year = thursday.year
        let januaryFirst = CalendarDate(year: year, month: 1, day: 1) ?? thursday
        let week = januaryFirst.days(until: thursday) / 7 + 1
        return (year, week)
    }

    /// The Monday starting this date's ISO week.
    public var startOfISOWeek: CalendarDate {
        self.clampedAdding(days: 1 - self.isoWeekday)
    }
}
