public import RPCCore
public import Wire

/// `pilotage.status.Status`: freshness, rollup lag and verification of firms. Operators may ask
/// about any firm (`firm_id`, or every firm); a back-office credential about its tenant
/// (metadata `pilotage-tenant`).
public enum StatusService {
    /// Service name.
    public static let name = "pilotage.status.Status"

    /// Freshness and lag metrics (per rollup family: time from an ingestion's commit to the
    /// publication of the partitions it dirtied, p50/p99 over a sliding window).
    public static let get = MethodDescriptor<StatusRequest, StatusReply>(service: name, method: "Get", kind: .unary)
    /// Recomputes every level-1 receivables answer of a firm (all groups, a few filters, several
    /// dates) from raw facts and compares it with the rollup answer.
    public static let verify = MethodDescriptor<VerifyRequest, VerifyReply>(service: name, method: "Verify", kind: .unary)
}

/// Asks for the status of one firm or all.
public struct StatusRequest: Codable, Sendable, Hashable {
    /// The firm (operators; back-offices get their tenant). Absent for an operator: every firm.
    public var firmID: String?

    /// Creates a request.
    public init(firmID: String? = nil) {
        self.firmID = firmID
    }

    enum CodingKeys: String, CodingKey {
        case firmID = "firm_id"
    }
}

/// Commit-to-publish latency of one rollup family of one firm over a sliding window.
public struct LagSummary: Codable, Sendable, Hashable {
    /// The family.
    public var family: RollupFamily
    /// Publications in the window.
    public var publications: Int
    /// Median latency, milliseconds.
    public var p50Milliseconds: Double
    /// 99th percentile latency, milliseconds.
    public var p99Milliseconds: Double
    /// Largest latency, milliseconds.
    public var maxMilliseconds: Double
    /// The window: the last `publications` within this many seconds (and at most 1,000).
    public var windowSeconds: Double

    /// Creates a value.
    public init(family: RollupFamily, publications: Int, p50Milliseconds: Double, p99Milliseconds: Double, maxMilliseconds: Double, windowSeconds: Double) {
        self.family = family
        self.publications = publications
        self.p50Milliseconds = p50Milliseconds
        self.p99Milliseconds = p99Milliseconds
        self.maxMilliseconds = maxMilliseconds
        self.windowSeconds = windowSeconds
    }

    enum CodingKeys: String, CodingKey {
        case family, publications
        case p50Milliseconds = "p50_ms"
        case p99Milliseconds = "p99_ms"
        case maxMilliseconds = "max_ms"
        case windowSeconds = "window_seconds"
    }
}

/// The status of one firm.
public struct FirmRollupStatus: Codable, Sendable, Hashable {
    /// The firm.
    public var firmID: String
    /// Freshness of its rollups.
    public var freshness: Freshness
    /// Partitions leased by a worker right now.
    public var leasedPartitions: Int
    /// Lag per family (families without publication in the window are absent).
    public var lag: [LagSummary]

    /// Creates a value.
    public init(firmID: String, freshness: Freshness, leasedPartitions: Int, lag: [LagSummary]) {
        self.firmID = firmID
        self.freshness = freshness
        self.leasedPartitions = leasedPartitions
        self.lag = lag
    }

    enum CodingKeys: String, CodingKey {
        case firmID = "firm_id"
        case freshness
        case leasedPartitions = "leased_partitions"
        case lag
    }
}

/// The answer to ``StatusService/get``.
public struct StatusReply: Codable, Sendable, Hashable {
    /// One entry per firm asked about, by id.
    public var firms: [FirmRollupStatus]

    /// Creates a value.
    public init(firms: [FirmRollupStatus]) {
        self.firms = firms
    }
}

/// Asks for the verification of a whole firm.
public struct VerifyRequest: Codable, Sendable, Hashable {
    /// The firm (operators; back-offices get their tenant).
    public var firmID: String?
    /// As-of dates to check (default: today, 7 and 30 days before, and the end of the previous month).
    public var dates: [CalendarDate]?

    /// Creates a request.
    public init(firmID: String? = nil, dates: [CalendarDate]? = nil) {
        self.firmID = firmID
        self.dates = dates
    }

    enum CodingKeys: String, CodingKey {
        case firmID = "firm_id"
        case dates
    }
}

/// One difference found by a firm verification.
public struct VerificationFinding: Codable, Sendable, Hashable {
    /// The filter of the answer (``ClientFilterMessage/label``).
    public var filter: String
    /// The answer's D.
    public var asOf: CalendarDate
    /// What differs.
    public var difference: ValueDifference

    /// Creates a value.
    public init(filter: String, asOf: CalendarDate, difference: ValueDifference) {
        self.filter = filter
        self.asOf = asOf
        self.difference = difference
    }

    enum CodingKeys: String, CodingKey {
        case filter
        case asOf = "as_of"
        case difference
    }
}

/// The answer to ``StatusService/verify``.
public struct VerifyReply: Codable, Sendable, Hashable {
    /// The firm.
    public var firmID: String
    /// Freshness when the check ran (differences are expected while partitions are pending).
    public var freshness: Freshness
    /// Answers compared (filters × dates).
    public var answers: Int
    /// Values compared.
    public var values: Int
    /// Every difference.
    public var findings: [VerificationFinding]

    /// Creates a value.
    public init(firmID: String, freshness: Freshness, answers: Int, values: Int, findings: [VerificationFinding]) {
        self.firmID = firmID
        self.freshness = freshness
        self.answers = answers
        self.values = values
        self.findings = findings
    }

    enum CodingKeys: String, CodingKey {
        case firmID = "firm_id"
        case freshness, answers, values, findings
    }

    /// No difference.
    public var isEqual: Bool { self.findings.isEmpty }
}
