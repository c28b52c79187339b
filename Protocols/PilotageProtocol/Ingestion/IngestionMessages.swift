public import Foundation
public import Wire

// Messages of `pilotage.ingest.Ingestion` (data-contract.md): a batch is one client stream of
// `IngestChunk`s, applied in one transaction, answered by one `IngestReport`.

/// Options of a batch; only the first chunk's options are read.
public struct IngestOptions: Codable, Sendable, Hashable {
    /// When true, nothing lands if any row is rejected.
    public var allOrNothing: Bool
    /// Where the rows come from (`fec:FILE`, `csv:DIR`, `demo:seed=42` …), recorded with the batch.
    public var source: String?

    public init(allOrNothing: Bool = false, source: String? = nil) {
        self.allOrNothing = allOrNothing
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case allOrNothing = "all_or_nothing"
        case source
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.allOrNothing = try container.decodeIfPresent(Bool.self, forKey: .allOrNothing) ?? false
        self.source = try container.decodeIfPresent(String.self, forKey: .source)
    }
}

/// One row of a batch: its entity kind and the wire encoding of its record (or of a tombstone
/// `{"id": …, "deleted": true}`). Rows travel as bytes so that one malformed row is rejected on
/// its own instead of failing the whole message.
public struct IngestRow: Codable, Sendable, Hashable {
    /// Entity kind of the row.
    public var kind: EntityKind
    /// Wire encoding (`WIRE.md` §6) of the record struct.
    public var payload: Data

    public init(kind: EntityKind, payload: Data) {
        self.kind = kind
        self.payload = payload
    }
}

/// A chunk of a batch. A batch may mix entity kinds; references resolve across the whole batch.
public struct IngestChunk: Codable, Sendable, Hashable {
    /// Batch options (first chunk only).
    public var options: IngestOptions?
    /// Rows, numbered across chunks from 0 in the order they arrive.
    public var rows: [IngestRow]

    public init(options: IngestOptions? = nil, rows: [IngestRow]) {
        self.options = options
        self.rows = rows
    }
}

/// Why a row was rejected (data-contract.md, "Row reason codes").
public enum RowReason: String, Codable, CaseIterable, Sendable, Hashable {
    /// A required field is absent.
    case missingField = "MISSING_FIELD"
    /// A field has the wrong type (text where a number is expected …), or the row is malformed.
    case badType = "BAD_TYPE"
    /// A well-typed value that is not allowed: negative amount, unknown enum, impossible or
    /// out-of-range date.
    case badValue = "BAD_VALUE"
    /// A reference names a record that exists neither in the firm nor in the batch.
    case unknownReference = "UNKNOWN_REFERENCE"
    /// The same id appears twice in the batch with different content.
    case duplicateInBatch = "DUPLICATE_IN_BATCH"
    /// The row contradicts other data (allocations exceeding an amount, a deletion of a record
    /// still referenced …).
    case conflict = "CONFLICT"
    /// A string is longer than allowed.
    case tooLong = "TOO_LONG"
}

/// One rejected row of a batch.
public struct RowRejection: Codable, Sendable, Hashable {
    /// Index of the row in the batch (0-based, across chunks).
    public var index: Int
    /// Entity kind of the row.
    public var kind: EntityKind
    /// External id of the row, when it could be read.
    public var id: String?
    /// Field at fault (data-contract name, dotted for nested values), when there is one.
    public var field: String?
    /// Reason code.
    public var reason: RowReason
    /// Human-readable explanation.
    public var message: String

    public init(index: Int, kind: EntityKind, id: String?, field: String?, reason: RowReason, message: String) {
        self.index = index
        self.kind = kind
        self.id = id
        self.field = field
        self.reason = reason
        self.message = message
    }
}

/// The answer to a batch.
public struct IngestReport: Codable, Sendable, Hashable {
    /// Sequence number of the ingestion in the firm (0 when nothing was committed).
    public var sequence: Int64
    /// Whether the batch's changes were committed (false for an all-or-nothing batch with
    /// rejections, or a batch with nothing to change).
    public var committed: Bool
    /// Rows received.
    public var received: Int
    /// Rows inserted or replaced.
    public var landed: Int
    /// Rows identical to what the firm already had.
    public var unchanged: Int
    /// Tombstones that removed a record (tombstones of unknown ids count as unchanged).
    public var deleted: Int
    /// Rows rejected (see `rejections`).
    public var rejected: Int
    /// Every rejected row, in index order.
    public var rejections: [RowRejection]
    /// Installments whose due date was inferred (client terms, else 30 days).
    public var dueDatesInferred: Int
    /// Rollup partitions marked dirty by this batch.
    public var dirtyPartitions: Int

    public init(
        sequence: Int64 = 0,
        committed: Bool = false,
        received: Int = 0,
        landed: Int = 0,
        unchanged: Int = 0,
        deleted: Int = 0,
        rejected: Int = 0,
        rejections: [RowRejection] = [],
        dueDatesInferred: Int = 0,
        dirtyPartitions: Int = 0
    ) {
        self.sequence = sequence
        self.committed = committed
        self.received = received
        self.landed = landed
        self.unchanged = unchanged
        self.deleted = deleted
        self.rejected = rejected
        self.rejections = rejections
        self.dueDatesInferred = dueDatesInferred
        self.dirtyPartitions = dirtyPartitions
    }

    enum CodingKeys: String, CodingKey {
        case sequence, committed, received, landed, unchanged, deleted, rejected, rejections
        case dueDatesInferred = "due_dates_inferred"
        case dirtyPartitions = "dirty_partitions"
    }
}

/// Ingestion limits of the gateway (data-contract.md "Limits"); returned by `GetLimits`.
public struct IngestLimits: Codable, Sendable, Hashable {
    /// Rows per batch (default 10,000).
    public var maxRowsPerBatch: Int
    /// Bytes per frame (default 4 MiB).
    public var maxFrameBytes: Int
    /// Bytes of an external id (128).
    public var maxIDBytes: Int
    /// Bytes of any other string field (default 1,024).
    public var maxStringBytes: Int
    /// Earliest accepted business date (1900-01-01).
    public var minDate: CalendarDate
    /// Latest accepted business date (2200-12-31).
    public var maxDate: CalendarDate

    public init(
        maxRowsPerBatch: Int = 10_000,
        maxFrameBytes: Int = 4 << 20,
        maxIDBytes: Int = 128,
        maxStringBytes: Int = 1024,
        minDate: CalendarDate = IngestLimits.earliestDate,
        maxDate: CalendarDate = IngestLimits.latestDate
    ) {
        self.maxRowsPerBatch = maxRowsPerBatch
        self.maxFrameBytes = maxFrameBytes
        self.maxIDBytes = maxIDBytes
        self.maxStringBytes = maxStringBytes
        self.minDate = minDate
        self.maxDate = maxDate
    }

    /// The defaults of the data contract.
    public static let `default` = IngestLimits()

    // Both literals are valid dates; construction cannot fail.
    /// 1900-01-01, the earliest date the data contract accepts.
    public static let earliestDate = CalendarDate(year: 1900, month: 1, day: 1)!
    /// 2200-12-31, the latest date the data contract accepts.
    public static let latestDate = CalendarDate(year: 2200, month: 12, day: 31)!

    enum CodingKeys: String, CodingKey {
        case maxRowsPerBatch = "max_rows_per_batch"
        case maxFrameBytes = "max_frame_bytes"
        case maxIDBytes = "max_id_bytes"
        case maxStringBytes = "max_string_bytes"
        case minDate = "min_date"
        case maxDate = "max_date"
    }
}
