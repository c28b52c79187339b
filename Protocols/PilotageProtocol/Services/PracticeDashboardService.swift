public import RPCCore
public import Wire

/// `pilotage.dashboard.Practice`: the practice dashboard of the caller's firm (kpi-definitions
/// §7: documents to process, sent by channel, regularity, inactive and declining clients,
/// supplier rules and their performance), answered **from rollups only**, each reply with its
/// ``Freshness`` and the definitions version. The acting user (metadata `pilotage-user`) sees
/// the firm when they have a firm-wide role, else their own clients.
public enum PracticeDashboardService {
    /// Service name.
    public static let name = "pilotage.dashboard.Practice"

    /// Level 1: every §7 KPI at D with its 30-day history and month-over-month trend, and the
    /// breakdowns (documents by channel, to process by collaborator, inactive and declining
    /// clients, supplier rules and their performance). Flow KPIs are over P (the request's
    /// `from`/`to`, default the 90 days ending at D); their history slides a window of the same
    /// length. `verify` recomputes everything from raw facts; `explain` attaches the parts.
    public static let summary = MethodDescriptor<PracticeSummaryRequest, PracticeSummaryReply>(
        service: name,
        method: "Summary",
        kind: .unary
    )

    /// Level 2: the KPIs at a periodicity over a range (snapshot KPIs at each bucket end, flow
    /// KPIs over the bucket). At most 400 points per series (`RESOURCE_EXHAUSTED`); an unknown
    /// KPI id is `INVALID_ARGUMENT` listing the valid ones.
    public static let series = MethodDescriptor<SeriesRequest, SeriesReply>(
        service: name,
        method: "Series",
        kind: .unary
    )
}

/// Asks for the level-1 practice dashboard.
public struct PracticeSummaryRequest: Codable, Sendable, Hashable {
    /// D (default: the firm's today, or `to` when given; never after today).
    public var asOf: CalendarDate?
    /// Which clients.
    public var filter: ClientFilterMessage?
    /// First day of P for the flow KPIs (with `to`; default: the 90 days ending at D).
    public var from: CalendarDate?
    /// Last day of P (then D = `to`).
    public var to: CalendarDate?
    /// Refuse with `FAILED_PRECONDITION` when the oldest pending change is older than this.
    public var maxStalenessSeconds: Double?
    /// Also recompute from raw facts and compare (slow: verification mode).
    public var verify: Bool?
    /// Attach the additive parts behind the values at D.
    public var explain: Bool?
    /// The collaborators in `by_collaborator`: those with the most clients in the selection
    /// (ties: the smaller id); default 10, at most
    /// ``ReceivablesSummaryRequest/maximumBreakdownLimit``; 0 leaves the breakdown out. Out of
    /// range: `INVALID_ARGUMENT`. The same rule as the receivables breakdown.
    public var breakdownLimit: Int?

    /// Creates a request.
    public init(
        asOf: CalendarDate? = nil,
        filter: ClientFilterMessage? = nil,
        from: CalendarDate? = nil,
        to: CalendarDate? = nil,
        maxStalenessSeconds: Double? = nil,
        verify: Bool? = nil,
        explain: Bool? = nil,
        breakdownLimit: Int? = nil
    ) {
        self.asOf = asOf
        self.filter = filter
        self.from = from
        self.to = to
        self.maxStalenessSeconds = maxStalenessSeconds
        self.verify = verify
        self.explain = explain
        self.breakdownLimit = breakdownLimit
    }

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of"
        case filter, from, to
        case maxStalenessSeconds = "max_staleness_seconds"
        case verify, explain
        case breakdownLimit = "breakdown_limit"
    }
}

/// The firm settings the practice rules use, returned with every reply (kpi-definitions §7).
public struct PracticeThresholdsMessage: Codable, Sendable, Hashable {
    /// PR-INACTIVE window, days (30 by default).
    public var inactivityDays: Int
    /// PR-DECLINING: recent count below this % of the baseline average (50 by default).
    public var decliningRatioPercent: Int
    /// PR-DECLINING: minimum baseline average per window (4 by default).
    public var decliningMinimumDocuments: Int

    /// Creates a value.
    public init(inactivityDays: Int, decliningRatioPercent: Int, decliningMinimumDocuments: Int) {
        self.inactivityDays = inactivityDays
        self.decliningRatioPercent = decliningRatioPercent
        self.decliningMinimumDocuments = decliningMinimumDocuments
    }

    enum CodingKeys: String, CodingKey {
        case inactivityDays = "inactivity_days"
        case decliningRatioPercent = "declining_ratio_percent"
        case decliningMinimumDocuments = "declining_minimum_documents"
    }
}

/// PR-TODO of one collaborator's clients at D (a client of several collaborators counts under
/// each: the breakdown may sum to more than the total).
public struct CollaboratorTodoMessage: Codable, Sendable, Hashable {
    /// Collaborator id.
    public var collaborator: String
    /// Documents `TO_REVIEW`.
    public var toReview: DashboardValue
    /// Documents `READY`.
    public var ready: DashboardValue

    /// Creates a value.
    public init(collaborator: String, toReview: DashboardValue, ready: DashboardValue) {
        self.collaborator = collaborator
        self.toReview = toReview
        self.ready = ready
    }

    enum CodingKeys: String, CodingKey {
        case collaborator
        case toReview = "to_review"
        case ready
    }
}

/// PR-SENT of one channel over P.
public struct ChannelValueMessage: Codable, Sendable, Hashable {
    /// Channel (`EMAIL`, `UPLOAD` …).
    public var channel: String
    /// Documents received through it.
    public var count: DashboardValue
    /// Share of all documents received, %.
    public var share: DashboardValue

    /// Creates a value.
    public init(channel: String, count: DashboardValue, share: DashboardValue) {
        self.channel = channel
        self.count = count
        self.share = share
    }
}

/// The level-1 practice dashboard at D.
public struct PracticeLevel1Message: Codable, Sendable, Hashable {
    /// Series (value at D, 30-day history, trend): PR-TODO, PR-TODO-REVIEW, PR-TODO-READY,
    /// PR-PROCESSED, PR-PROCESSED-MEDIAN, PR-PROCESSED-P90, PR-SENT, PR-REGULARITY, PR-INACTIVE,
    /// PR-DECLINING, PR-RULES, PR-RULES-COVERAGE, PR-RULES-PERF-CAT, PR-RULES-PERF-PUB.
    public var series: [KPISeriesMessage]
    /// PR-SENT by channel over P (every channel, zero included).
    public var channels: [ChannelValueMessage]
    /// PR-TODO at D by collaborator (a client of several collaborators counts under each): the
    /// request's `breakdown_limit` collaborators with the most clients, in id order.
    public var byCollaborator: [CollaboratorTodoMessage]
    /// Collaborators of the selection, of which `by_collaborator` carries at most
    /// `breakdown_limit` (absent from gateways older than the limit).
    public var collaboratorsTotal: Int?

    /// Creates a value.
    public init(
        series: [KPISeriesMessage],
        channels: [ChannelValueMessage],
        byCollaborator: [CollaboratorTodoMessage],
        collaboratorsTotal: Int? = nil
    ) {
        self.series = series
        self.channels = channels
        self.byCollaborator = byCollaborator
        self.collaboratorsTotal = collaboratorsTotal
    }

    enum CodingKeys: String, CodingKey {
        case series, channels
        case byCollaborator = "by_collaborator"
        case collaboratorsTotal = "collaborators_total"
    }
}

/// The additive parts behind the level-1 values (explain): the snapshot parts at D and the flow
/// parts over P.
public struct PracticePartsMessage: Codable, Sendable, Hashable {
    /// `PracticeSnapshot` at D (`TO_REVIEW`, `READY`, `PERIODS_WITH_DOCUMENTS` …).
    public var snapshot: [PartMessage]
    /// `PracticeFlow` over P (`RECEIVED`, `PUBLISHED`, `AGE_<days>` …).
    public var flow: [PartMessage]

    /// Creates a value.
    public init(snapshot: [PartMessage], flow: [PartMessage]) {
        self.snapshot = snapshot
        self.flow = flow
    }
}

/// The level-1 practice dashboard of a filter at D.
public struct PracticeSummaryReply: Codable, Sendable, Hashable {
    /// D.
    public var asOf: CalendarDate
    /// First day of P.
    public var from: CalendarDate
    /// Last day of P (D).
    public var to: CalendarDate
    /// The contract version the numbers follow.
    public var definitions: String
    /// How fresh the rollups are.
    public var freshness: Freshness
    /// Clients selected.
    public var clients: Int
    /// Client groups selected.
    public var groups: Int
    /// The settings of the practice rules.
    public var thresholds: PracticeThresholdsMessage
    /// The dashboard, from rollups.
    public var summary: PracticeLevel1Message
    /// With `explain`: the parts behind the values at D.
    public var parts: PracticePartsMessage?
    /// With `verify`: the comparison with raw facts.
    public var verification: DashboardVerification?

    /// Creates a value.
    public init(
        asOf: CalendarDate,
        from: CalendarDate,
        to: CalendarDate,
        definitions: String,
        freshness: Freshness,
        clients: Int,
        groups: Int,
        thresholds: PracticeThresholdsMessage,
        summary: PracticeLevel1Message,
        parts: PracticePartsMessage?,
        verification: DashboardVerification?
    ) {
        self.asOf = asOf
        self.from = from
        self.to = to
        self.definitions = definitions
        self.freshness = freshness
        self.clients = clients
        self.groups = groups
        self.thresholds = thresholds
        self.summary = summary
        self.parts = parts
        self.verification = verification
    }

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of"
        case from, to, definitions, freshness, clients, groups, thresholds, summary, parts, verification
    }
}
