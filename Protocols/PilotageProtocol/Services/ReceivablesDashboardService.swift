public import RPCCore
public import Wire

/// `pilotage.dashboard.Receivables`: receivables dashboards of the caller's firm (metadata
/// `pilotage-tenant`), answered **from rollups only**, each reply with its ``Freshness``.
public enum ReceivablesDashboardService {
    /// Service name.
    public static let name = "pilotage.dashboard.Receivables"

    /// Level 1 (kpi-definitions §1.3): every level-1 receivables KPI at D with its 30-day history
    /// and month-over-month trend, the aged balance and the outstanding amounts at D, for a client
    /// filter. `max_staleness_seconds` refuses (`FAILED_PRECONDITION`) to answer from rollups that
    /// lag more; `verify` also recomputes the answer from raw facts and returns both and the
    /// differences.
    public static let summary = MethodDescriptor<ReceivablesSummaryRequest, ReceivablesSummaryReply>(
        service: name,
        method: "Summary",
        kind: .unary
    )

    /// Level 2 (kpi-definitions §1.3): every level-2 receivables KPI (``ReceivablesSeriesKPIs``)
    /// at a periodicity over [from, to] (default: 12 months ending today, monthly), from day
    /// rows and month rows; at most 400 points per series (`RESOURCE_EXHAUSTED`).
    public static let series = MethodDescriptor<SeriesRequest, SeriesReply>(
        service: name,
        method: "Series",
        kind: .unary
    )
}

/// A dashboard client filter (kpi-definitions §1.5): absent fields do not filter; deactivated
/// clients are excluded unless `include_deactivated`.
public struct ClientFilterMessage: Codable, Sendable, Hashable {
    /// Clients having any of these collaborators assigned.
    public var collaborators: [String]?
    /// Clients of any of these offices.
    public var offices: [String]?
    /// Clients with this bookkeeping mode.
    public var bookkeepingMode: BookkeepingMode?
    /// Clients with this declared frequency (a client without one is monthly).
    public var frequency: SendingFrequency?
    /// Include deactivated clients (default false).
    public var includeDeactivated: Bool?

    /// Creates a filter; with no argument it selects every active client.
    public init(
        collaborators: [String]? = nil,
        offices: [String]? = nil,
        bookkeepingMode: BookkeepingMode? = nil,
        frequency: SendingFrequency? = nil,
        includeDeactivated: Bool? = nil
    ) {
        self.collaborators = collaborators
        self.offices = offices
        self.bookkeepingMode = bookkeepingMode
        self.frequency = frequency
        self.includeDeactivated = includeDeactivated
    }

    enum CodingKeys: String, CodingKey {
        case collaborators, offices
        case bookkeepingMode = "bookkeeping_mode"
        case frequency
        case includeDeactivated = "include_deactivated"
    }

    /// A short text for reports (`offices=BUR-001 mode=FIRM`; `all active clients`).
    public var label: String {
        var parts: [String] = []
        if let collaborators { parts.append("collaborators=\(collaborators.joined(separator: ","))") }
        if let offices { parts.append("offices=\(offices.joined(separator: ","))") }
        if let bookkeepingMode { parts.append("mode=\(bookkeepingMode.rawValue)") }
        if let frequency { parts.append("frequency=\(frequency.rawValue)") }
        if self.includeDeactivated == true { parts.append("with deactivated") }
        return parts.isEmpty ? "all active clients" : parts.joined(separator: " ")
    }
}

/// Asks for the level-1 receivables dashboard.
public struct ReceivablesSummaryRequest: Codable, Sendable, Hashable {
    /// D (default: the firm's today; never after it).
    public var asOf: CalendarDate?
    /// Which clients.
    public var filter: ClientFilterMessage?
    /// Refuse with `FAILED_PRECONDITION` when the oldest pending change is older than this.
    public var maxStalenessSeconds: Double?
    /// Also recompute from raw facts and compare (slow: verification mode).
    public var verify: Bool?
    /// Attach the additive parts behind each level-1 value at D (`explain` in the reply).
    public var explain: Bool?
    /// The most offices and the most collaborators in the breakdown sections (`team`,
    /// `aged_by_axis`): those with the most clients of the selection. Default
    /// ``defaultBreakdownLimit``; 0 leaves them out; at most ``maximumBreakdownLimit``.
    public var breakdownLimit: Int?

    /// Offices and collaborators in the breakdown sections when the request names no limit.
    public static let defaultBreakdownLimit = 10
    /// The largest `breakdown_limit` accepted.
    public static let maximumBreakdownLimit = 10_000

    /// Creates a request.
    public init(
        asOf: CalendarDate? = nil,
        filter: ClientFilterMessage? = nil,
        maxStalenessSeconds: Double? = nil,
        verify: Bool? = nil,
        explain: Bool? = nil,
        breakdownLimit: Int? = nil
    ) {
        self.asOf = asOf
        self.filter = filter
        self.maxStalenessSeconds = maxStalenessSeconds
        self.verify = verify
        self.explain = explain
        self.breakdownLimit = breakdownLimit
    }

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of"
        case filter
        case maxStalenessSeconds = "max_staleness_seconds"
        case verify, explain
        case breakdownLimit = "breakdown_limit"
    }
}

/// A KPI value as the contract prints it (kpi-definitions §1.4): exact rational, rounded text,
/// unit, and the reason when it is `null`.
public struct DashboardValue: Codable, Sendable, Hashable {
    /// Rounded value (`"81.4"`), absent when `null`.
    public var value: String?
    /// Exact value as a reduced fraction (`"651/8"`), absent when `null`.
    public var exact: String?
    /// Decimals of `value`.
    public var decimals: Int
    /// `DAYS`, `PERCENT`, `CENTS`, `RATIO`, `COUNT`.
    public var unit: String
    /// Why it is `null` (`NO_SALES` …), or a qualifier such as `CREDIT_BALANCE`.
    public var reason: String?
    /// Flags (`PARTIAL_HISTORY`, `CAPPED` …).
    public var flags: [String]?

    /// Creates a value.
    public init(value: String?, exact: String?, decimals: Int, unit: String, reason: String?, flags: [String]?) {
        self.value = value
        self.exact = exact
        self.decimals = decimals
        self.unit = unit
        self.reason = reason
        self.flags = flags
    }

    /// `81.4 DAYS`, `null NO_SALES`.
    public var text: String {
        let flags = (self.flags ?? []).isEmpty ? "" : " [\((self.flags ?? []).joined(separator: ","))]"
        if let value { return "\(value)\(self.reason.map { " (\($0))" } ?? "")\(flags)" }
        return "null \(self.reason ?? "")\(flags)"
    }
}

/// A value at a date.
public struct DatedValue: Codable, Sendable, Hashable {
    /// The day.
    public var date: CalendarDate
    /// The value.
    public var value: DashboardValue

    /// Creates a value.
    public init(date: CalendarDate, value: DashboardValue) {
        self.date = date
        self.value = value
    }
}

/// One level-1 KPI: the value at D, the 30-day history and the trend.
public struct KPISeriesMessage: Codable, Sendable, Hashable {
    /// KPI id (`AR-DSO-STD`).
    public var kpi: String
    /// Values of D − 29 … D (the last one is D).
    public var history: [DatedValue]
    /// K(D) − K(D⁻).
    public var trend: DashboardValue

    /// Creates a value.
    public init(kpi: String, history: [DatedValue], trend: DashboardValue) {
        self.kpi = kpi
        self.history = history
        self.trend = trend
    }

    /// The value at D.
    public var current: DashboardValue? { self.history.last?.value }
}

/// A named value (`AR-ENC-GROSS`, `NOT_DUE` …).
public struct NamedValue: Codable, Sendable, Hashable {
    /// Name.
    public var name: String
    /// Value.
    public var value: DashboardValue

    /// Creates a value.
    public init(name: String, value: DashboardValue) {
        self.name = name
        self.value = value
    }
}

/// The level-1 receivables dashboard at D.
public struct ReceivablesLevel1Message: Codable, Sendable, Hashable {
    /// AR-DSO-STD, AR-DSO-CB, AR-BPDSO, AR-DSO-DELQ, AR-CEI, AR-DBT.
    public var series: [KPISeriesMessage]
    /// AR-AGED at D: the buckets, then `UNAPPLIED`, `GROSS`, `NET`, `AR-AGED-PCTCUR`, `AR-AGED-PCT90`.
    public var aged: [NamedValue]
    /// AR-ENC-* and AR-DSP-AMOUNT/SHARE at D.
    public var outstanding: [NamedValue]

    /// Creates a value.
    public init(series: [KPISeriesMessage], aged: [NamedValue], outstanding: [NamedValue]) {
        self.series = series
        self.aged = aged
        self.outstanding = outstanding
    }
}

/// One value that differs between the rollup answer and the raw-facts answer.
public struct ValueDifference: Codable, Sendable, Hashable {
    /// What was compared (`AR-DSO-STD`, `AR-DSO-STD trend`, `aged NOT_DUE` …).
    public var kpi: String
    /// The history day, for series values.
    public var date: CalendarDate?
    /// From rollups.
    public var rollup: DashboardValue?
    /// From raw facts.
    public var reference: DashboardValue?
    /// Exact `rollup − reference` when both are numbers.
    public var difference: String?

    /// Creates a value.
    public init(kpi: String, date: CalendarDate?, rollup: DashboardValue?, reference: DashboardValue?, difference: String?) {
        self.kpi = kpi
        self.date = date
        self.rollup = rollup
        self.reference = reference
        self.difference = difference
    }
}

/// The verification part of a reply: the answer recomputed from raw facts and the differences.
public struct VerificationResult: Codable, Sendable, Hashable {
    /// No difference at all.
    public var equal: Bool
    /// The answer computed from raw facts.
    public var reference: ReceivablesLevel1Message
    /// Every value that differs.
    public var differences: [ValueDifference]
    /// Time spent on the rollup answer, milliseconds.
    public var rollupMilliseconds: Double
    /// Time spent on the raw-facts answer, milliseconds.
    public var referenceMilliseconds: Double

    /// Creates a value.
    public init(
        equal: Bool,
        reference: ReceivablesLevel1Message,
        differences: [ValueDifference],
        rollupMilliseconds: Double,
        referenceMilliseconds: Double
    ) {
        self.equal = equal
        self.reference = reference
        self.differences = differences
        self.rollupMilliseconds = rollupMilliseconds
        self.referenceMilliseconds = referenceMilliseconds
    }

    enum CodingKeys: String, CodingKey {
        case equal, reference, differences
        case rollupMilliseconds = "rollup_milliseconds"
        case referenceMilliseconds = "reference_milliseconds"
    }
}

/// The level-1 receivables dashboard of a filter at D.
public struct ReceivablesSummaryReply: Codable, Sendable, Hashable {
    /// D.
    public var asOf: CalendarDate
    /// The contract version the numbers follow.
    public var definitions: String
    /// How fresh the rollups are.
    public var freshness: Freshness
    /// Clients selected.
    public var clients: Int
    /// Client groups selected.
    public var groups: Int
    /// The dashboard, from rollups.
    public var summary: ReceivablesLevel1Message
    /// With `verify`: the raw-facts answer and the differences.
    public var verification: VerificationResult?
    /// The rest of level 1 (disputes, provisions, matching, collection, forecast, team
    /// performance, aged balance by axis, 12-month widget), from rollups.
    public var sections: ReceivablesSectionsMessage?
    /// With `explain`: the additive parts behind each value at D (the definitions version is
    /// `definitions`).
    public var explain: [ExplainedValueMessage]?
    /// With `verify`: the comparison of `sections` with their raw-facts recomputation.
    public var sectionsVerification: DashboardVerification?

    /// Creates a value.
    public init(
        asOf: CalendarDate,
        definitions: String,
        freshness: Freshness,
        clients: Int,
        groups: Int,
        summary: ReceivablesLevel1Message,
        verification: VerificationResult?,
        sections: ReceivablesSectionsMessage? = nil,
        explain: [ExplainedValueMessage]? = nil,
        sectionsVerification: DashboardVerification? = nil
    ) {
        self.asOf = asOf
        self.definitions = definitions
        self.freshness = freshness
        self.clients = clients
        self.groups = groups
        self.summary = summary
        self.verification = verification
        self.sections = sections
        self.explain = explain
        self.sectionsVerification = sectionsVerification
    }

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of"
        case definitions, freshness, clients, groups, summary, verification, sections, explain
        case sectionsVerification = "sections_verification"
    }
}
