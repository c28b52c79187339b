public import RPCCore
public import Wire

/// `pilotage.dashboard.Prospects`: the prospects dashboard of the caller's firm
/// (kpi-definitions §9), answered **from rollups only** (`rollup_prospects`, one row per deal
/// of a fiscal year and as-of date), each reply with its ``Freshness``.
///
/// Visibility (§9): with an acting user (metadata `pilotage-user`) the default view is the
/// deals whose team they are on; filtering by organisation unit or collaborator needs the
/// `OFFER_VALIDATOR` role and stays within their confidentiality group (`PERMISSION_DENIED`
/// otherwise); without an acting user the back-office sees the whole firm and may filter.
public enum ProspectsDashboardService {
    /// Service name.
    public static let name = "pilotage.dashboard.Prospects"

    /// Level 1: PP-NODOC, PP-OPEN, PP-POTENTIAL, PP-SIGNED, PP-BUDGET (recurring, exceptional),
    /// PP-REFUSED, PP-ABANDONED and PP-WON-MONTHLY of a fiscal year (default: the current one)
    /// as of the rollups' day, beside the same figures of the previous fiscal year as of the
    /// same day of it (N vs N−1).
    public static let summary = MethodDescriptor<ProspectsSummaryRequest, ProspectsSummaryReply>(
        service: name,
        method: "Summary",
        kind: .unary
    )

    /// Level 2 (`MONTH` only: the fiscal months): PP-WON-MONTHLY and PP-WON-FEES per month of
    /// the fiscal year; PP-OPEN, PP-POTENTIAL, PP-SIGNED and PP-BUDGET at the as-of day only
    /// (one point: the rollups keep the deals' state at that day, not at every month end).
    /// `fiscal_year`, `unit` and the filter's `collaborators` select deals as in `Summary`.
    public static let series = MethodDescriptor<SeriesRequest, SeriesReply>(
        service: name,
        method: "Series",
        kind: .unary
    )

    /// Level 3: a page of the `deals` table (one row per visible deal of the fiscal year: deal,
    /// prospect, signatory, unit, team, status, offers and fees) or of the `documents` table (one
    /// row per offer document of those deals: type, template, deal, status, fees, dates).
    public static let deals = MethodDescriptor<TableRequest, TableReply>(
        service: name,
        method: "Deals",
        kind: .unary
    )

    /// Level 3: the whole `deals` or `documents` table as CSV, pinned to `watermark` (`FAILED_PRECONDITION`
    /// when the rollups moved since the page it comes from).
    public static let exportDeals = MethodDescriptor<TableRequest, CSVChunkMessage>(
        service: name,
        method: "ExportDeals",
        kind: .serverStreaming
    )
}

/// Asks for the level-1 prospects dashboard.
public struct ProspectsSummaryRequest: Codable, Sendable, Hashable {
    /// Fiscal year, named by the calendar year it starts in (default: the current one; the
    /// rollups hold the current and the previous fiscal years).
    public var fiscalYear: Int?
    /// Organisation units (regions, agencies, offices): deals of one of them or of a unit
    /// inside one (offer validators only).
    public var units: [String]?
    /// Collaborators: deals whose team includes one of them (offer validators only).
    public var collaborators: [String]?
    /// Refuse with `FAILED_PRECONDITION` when the oldest pending change is older than this.
    public var maxStalenessSeconds: Double?
    /// Also recompute from raw facts and compare (slow: verification mode).
    public var verify: Bool?
    /// Attach the additive parts (the summed deal rows' counts).
    public var explain: Bool?

    /// Creates a request.
    public init(
        fiscalYear: Int? = nil,
        units: [String]? = nil,
        collaborators: [String]? = nil,
        maxStalenessSeconds: Double? = nil,
        verify: Bool? = nil,
        explain: Bool? = nil
    ) {
        self.fiscalYear = fiscalYear
        self.units = units
        self.collaborators = collaborators
        self.maxStalenessSeconds = maxStalenessSeconds
        self.verify = verify
        self.explain = explain
    }

    enum CodingKeys: String, CodingKey {
        case fiscalYear = "fiscal_year"
        case units, collaborators
        case maxStalenessSeconds = "max_staleness_seconds"
        case verify, explain
    }
}

/// PP-WON-MONTHLY of one fiscal month.
public struct WonMonthMessage: Codable, Sendable, Hashable {
    /// Month label (`2025-03`; the fiscal month's first day's month).
    public var label: String
    /// First day of the fiscal month.
    public var start: CalendarDate
    /// Last day of the fiscal month.
    public var end: CalendarDate
    /// Prospects won (first offer signed in the month).
    public var prospects: DashboardValue
    /// Fees HT of their signed offers, cents.
    public var fees: DashboardValue

    /// Creates a value.
    public init(label: String, start: CalendarDate, end: CalendarDate, prospects: DashboardValue, fees: DashboardValue) {
        self.label = label
        self.start = start
        self.end = end
        self.prospects = prospects
        self.fees = fees
    }
}

/// The prospects figures of one fiscal year as of one day.
public struct ProspectsFiguresMessage: Codable, Sendable, Hashable {
    /// Fiscal year.
    public var fiscalYear: Int
    /// Statuses are read at the end of this day.
    public var asOf: CalendarDate
    /// Visible deals of the fiscal year.
    public var deals: Int
    /// PP-NODOC, PP-OPEN, PP-POTENTIAL, PP-SIGNED, PP-BUDGET, PP-BUDGET-RECURRING,
    /// PP-BUDGET-EXCEPTIONAL, PP-REFUSED, PP-ABANDONED, PP-WON (prospects won so far),
    /// PP-WON-FEES.
    public var figures: [NamedValue]
    /// PP-WON-MONTHLY, the 12 fiscal months.
    public var wonByMonth: [WonMonthMessage]

    /// Creates a value.
    public init(fiscalYear: Int, asOf: CalendarDate, deals: Int, figures: [NamedValue], wonByMonth: [WonMonthMessage]) {
        self.fiscalYear = fiscalYear
        self.asOf = asOf
        self.deals = deals
        self.figures = figures
        self.wonByMonth = wonByMonth
    }

    enum CodingKeys: String, CodingKey {
        case fiscalYear = "fiscal_year"
        case asOf = "as_of"
        case deals, figures
        case wonByMonth = "won_by_month"
    }
}

/// The level-1 prospects dashboard: fiscal year N and N−1 at the same day.
public struct ProspectsSummaryReply: Codable, Sendable, Hashable {
    /// The contract version the numbers follow.
    public var definitions: String
    /// How fresh the rollups are.
    public var freshness: Freshness
    /// Fiscal year N.
    public var current: ProspectsFiguresMessage
    /// Fiscal year N−1 as of the same day of it; absent when the rollups do not hold it (N is
    /// itself the previous fiscal year).
    public var previous: ProspectsFiguresMessage?
    /// Why `previous` is absent.
    public var previousUnavailable: String?
    /// With `explain`: the summed deal rows' parts of N (`DEAL_ROWS`, `NO_DOCUMENT` …).
    public var parts: [PartMessage]?
    /// With `verify`: the comparison with raw facts.
    public var verification: DashboardVerification?

    /// Creates a value.
    public init(
        definitions: String,
        freshness: Freshness,
        current: ProspectsFiguresMessage,
        previous: ProspectsFiguresMessage?,
        previousUnavailable: String?,
        parts: [PartMessage]?,
        verification: DashboardVerification?
    ) {
        self.definitions = definitions
        self.freshness = freshness
        self.current = current
        self.previous = previous
        self.previousUnavailable = previousUnavailable
        self.parts = parts
        self.verification = verification
    }

    enum CodingKeys: String, CodingKey {
        case definitions, freshness, current, previous
        case previousUnavailable = "previous_unavailable"
        case parts, verification
    }
}
