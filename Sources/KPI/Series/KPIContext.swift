public import Wire

/// What every formula needs besides its parts: the firm's settings and the first date the firm
/// has data for (kpi-definitions §10.7: a window, countback or trend reaching before it still
/// gives a value, flagged `PARTIAL_HISTORY`).
public struct KPIContext: Hashable, Sendable, Codable {
    /// Firm settings.
    public var settings: KPISettings
    /// First date with data; `nil` = unknown (never flags).
    public var firstDataDate: CalendarDate?

    /// Creates a context.
    public init(settings: KPISettings = KPISettings(), firstDataDate: CalendarDate? = nil) {
        self.settings = settings
        self.firstDataDate = firstDataDate
    }

    /// `[PARTIAL_HISTORY]` when `date` is before the first data date, else `[]`.
    public func historyFlags(reachingBackTo date: CalendarDate) -> Set<KPIFlag> {
        guard let first = self.firstDataDate, date < first else { return [] }
        return [.partialHistory]
    }
}
