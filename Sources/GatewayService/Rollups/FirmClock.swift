public import Foundation
public import PilotageProtocol
public import Wire

/// A firm's business "today": the gateway's fixed date when configured (tests, demos), else the
/// calendar date of now in the firm's time zone (kpi-definitions §1.2).
public struct FirmClock: Sendable {
    /// Overrides the clock for every firm.
    public var fixedToday: CalendarDate?

    /// Creates a clock.
    public init(fixedToday: CalendarDate?) {
        self.fixedToday = fixedToday
    }

    /// Today for a firm with `settings`.
    public func today(settings: FirmSettingsRecord?, now: Date = Date()) -> CalendarDate {
        self.fixedToday ?? BusinessCalendar.date(of: now, timeZoneID: settings?.timeZone)
    }
}
