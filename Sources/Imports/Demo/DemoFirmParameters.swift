public import Wire

/// Preset sizes of a demo firm.
public enum DemoFirmSize: String, CaseIterable, Sendable {
    /// 3 offices, 12 collaborators, 60 clients, 5 000 documents, 1 500 installments.
    case small
    /// 10 offices, 80 collaborators, 600 clients, 200 000 documents, 50 000 installments.
    case medium
    /// 25 offices, 250 collaborators, 5 000 clients, 2 000 000 documents, 500 000 installments.
    case large
}

/// What the demo generator makes: sizes, dates and seed. Everything is relative to ``today``:
/// the data covers the previous fiscal year and the current one up to today.
public struct DemoFirmParameters: Sendable, Hashable {
    /// PRNG seed: the same parameters and seed give byte-identical output.
    public var seed: UInt64
    /// The day the data ends (nothing is dated after it).
    public var today: CalendarDate
    /// First month of the fiscal year (the year starts on day 1 of it).
    public var fiscalYearStartMonth: Int
    /// Firm name.
    public var firmName: String
    /// Regions, agencies and offices (each at least 1; agencies ≥ regions, offices ≥ agencies).
    public var regions: Int
    public var agencies: Int
    public var offices: Int
    /// Collaborators (at least 4, so every role exists).
    public var collaborators: Int
    /// Client files.
    public var clients: Int
    /// Documents received over the period (exact).
    public var documents: Int
    /// Invoice installments over the period (exact).
    public var installments: Int
    /// Prospect deals over the two fiscal years.
    public var deals: Int
    /// Largest batch handed out.
    public var batchSize: Int

    /// Parameters for a preset size.
    public init(size: DemoFirmSize, today: CalendarDate, seed: UInt64 = 1, fiscalYearStartMonth: Int = 1) {
        self.seed = seed
        self.today = today
        self.fiscalYearStartMonth = fiscalYearStartMonth
        self.batchSize = 5_000
        switch size {
        case .small:
            self.firmName = "Cabinet Démo Martin & Associés"
            (self.regions, self.agencies, self.offices, self.collaborators) = (1, 2, 3, 12)
            (self.clients, self.documents, self.installments, self.deals) = (60, 5_000, 1_500, 40)
        case .medium:
            self.firmName = "Groupe Démo Expertise"
            (self.regions, self.agencies, self.offices, self.collaborators) = (2, 4, 10, 80)
            (self.clients, self.documents, self.installments, self.deals) = (600, 200_000, 50_000, 300)
        case .large:
            self.firmName = "Réseau Démo Expertise Comptable"
            (self.regions, self.agencies, self.offices, self.collaborators) = (4, 10, 25, 250)
            (self.clients, self.documents, self.installments, self.deals) = (5_000, 2_000_000, 500_000, 2_000)
        }
    }

    /// Checks the parameters.
    ///
    /// - Throws: ``ImportError`` `.invalidParameter` naming the first bad one.
    public func validate() throws {
        func check(_ condition: Bool, _ message: String) throws {
            if !condition { throw ImportError(code: .invalidParameter, message: message) }
        }
        try check((1...12).contains(self.fiscalYearStartMonth), "fiscal year start month must be 1–12")
        try check(
            self.regions >= 1 && self.agencies >= self.regions && self.offices >= self.agencies,
            "need 1 ≤ regions ≤ agencies ≤ offices"
        )
        try check(self.collaborators >= 4, "need at least 4 collaborators")
        try check(self.clients >= 1, "need at least 1 client")
        try check(self.documents >= 0 && self.installments >= 0 && self.deals >= 0, "counts must not be negative")
        try check(self.batchSize >= 1, "batch size must be positive")
        try check(self.today.year >= 1902 && self.today.year <= 2198, "today must be within 1902–2198")
    }

    /// First day of the fiscal year containing ``today``.
    public var currentFiscalYearStart: CalendarDate {
        let (year, month, _) = self.today.components
        let startYear = month >= self.fiscalYearStartMonth ? year : year - 1
        // A valid month and day 1 always exist.
        return CalendarDate(year: startYear, month: self.fiscalYearStartMonth, day: 1)!
    }

    /// First day of the previous fiscal year: where the data starts.
    public var dataStart: CalendarDate {
        let current = self.currentFiscalYearStart
        // Same month, day 1, one year earlier: always a valid date.
        return CalendarDate(year: current.year - 1, month: current.month, day: 1)!
    }
}
