public import Foundation
public import Wire

/// Business dates of a firm: "today" in the firm's time zone (kpi-definitions §1.2).
public enum BusinessCalendar {
    /// The calendar date of `instant` in the IANA zone `timeZoneID` (UTC when unknown or absent).
    public static func date(of instant: Date, timeZoneID: String?) -> CalendarDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZoneID.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC") ?? .current
        let components = calendar.dateComponents([.year, .month, .day], from: instant)
        // Gregorian components of a real instant always form a valid date.
        return CalendarDate(year: components.year ?? 1970, month: components.month ?? 1, day: components.day ?? 1) ?? CalendarDate.min
    }
}
