public import Foundation
public import RPCCore

/// `pilotage.ingest.Ingestion`: batches of records into the caller's firm (metadata
/// `pilotage-tenant`), for back-office credentials.
public enum IngestionService {
    /// Service name.
    public static let name = "pilotage.ingest.Ingestion"

    /// One batch = one client stream of chunks = one transaction; answered by one report.
    /// More rows than `max_rows_per_batch` → RESOURCE_EXHAUSTED naming the limit and the size.
    public static let ingestBatch = MethodDescriptor<IngestChunk, IngestReport>(service: name, method: "IngestBatch", kind: .clientStreaming)
    /// The limits this gateway applies.
    public static let getLimits = MethodDescriptor<GetLimitsRequest, IngestLimits>(service: name, method: "GetLimits", kind: .unary)
    /// The firm's most recent committed batches.
    public static let listIngestions = MethodDescriptor<ListIngestionsRequest, IngestionList>(service: name, method: "ListIngestions", kind: .unary)
}

/// Asks for the limits (no parameter).
public struct GetLimitsRequest: Codable, Sendable, Hashable {
    public init() {}
}

/// Asks for recent batches.
public struct ListIngestionsRequest: Codable, Sendable, Hashable {
    /// How many, most recent first (default 20, at most 1,000).
    public var limit: Int?

    public init(limit: Int? = nil) {
        self.limit = limit
    }
}

/// One committed batch.
public struct IngestionSummary: Codable, Sendable, Hashable {
    /// Sequence number in the firm.
    public var sequence: Int64
    /// Commit instant (UTC).
    public var committedAt: Date
    /// Source named by the client.
    public var source: String?
    /// Rows received.
    public var received: Int
    /// Rows inserted or replaced.
    public var landed: Int
    /// Rows that changed nothing.
    public var unchanged: Int
    /// Records removed by tombstones.
    public var deleted: Int
    /// Rows rejected.
    public var rejected: Int

    public init(sequence: Int64, committedAt: Date, source: String?, received: Int, landed: Int, unchanged: Int, deleted: Int, rejected: Int) {
        self.sequence = sequence
        self.committedAt = committedAt
        self.source = source
        self.received = received
        self.landed = landed
        self.unchanged = unchanged
        self.deleted = deleted
        self.rejected = rejected
    }

    enum CodingKeys: String, CodingKey {
        case sequence
        case committedAt = "committed_at"
        case source, received, landed, unchanged, deleted, rejected
    }
}

/// Recent batches, most recent first.
public struct IngestionList: Codable, Sendable, Hashable {
    /// Batches, most recent first.
    public var ingestions: [IngestionSummary]

    public init(ingestions: [IngestionSummary]) {
        self.ingestions = ingestions
    }
}
