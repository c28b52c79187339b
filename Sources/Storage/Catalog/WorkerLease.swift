public import Foundation

/// A worker's time-limited, fenced claim on one rollup partition of one firm.
///
/// The fencing token grows by one at every acquisition of the partition (also across
/// releases and expiries), so any two holders in history are ordered and a stale one is
/// recognisable: the catalog refuses its renewals and completions, and the tenant database
/// refuses its commits through ``PartitionFence``.
public struct WorkerLease: Sendable, Hashable, Codable {
    /// The firm whose partition it is.
    public var firm: FirmID
    /// The partition key (opaque to the catalog, e.g. `receivables/2025-03/office=PAR`).
    public var partition: String
    /// The worker holding it.
    public var holder: String
    /// Monotonic per (firm, partition): larger is newer.
    public var fencingToken: Int64
    /// When it was acquired.
    public var acquiredAt: Date
    /// When it lapses unless renewed.
    public var expiresAt: Date

    /// Creates a value (the catalog hands these out; the worker protocol may carry them).
    public init(firm: FirmID, partition: String, holder: String, fencingToken: Int64, acquiredAt: Date, expiresAt: Date)
    {
        self.firm = firm
        self.partition = partition
        self.holder = holder
        self.fencingToken = fencingToken
        self.acquiredAt = acquiredAt
        self.expiresAt = expiresAt
    }
}

/// The catalog's current record of one partition's lease.
public struct LeaseState: Sendable, Hashable, Codable {
    /// The firm.
    public var firm: FirmID
    /// The partition key.
    public var partition: String
    /// The last fencing token handed out.
    public var fencingToken: Int64
    /// The holder, `nil` when released.
    public var holder: String?
    /// Expiry of the current holding, `nil` when released.
    public var expiresAt: Date?

    /// Whether someone holds it at `now`.
    public func isHeld(at now: Date) -> Bool {
        guard self.holder != nil, let expiresAt = self.expiresAt else { return false }
        return expiresAt > now
    }
}

extension LeaseState: SQLiteRowDecodable {
    /// Columns: firm_id, partition_key, fencing_token, holder, expires_at.
    public init(row: SQLiteRow) throws {
        self.firm = try row[0]
        self.partition = try row[1]
        self.fencingToken = try row[2]
        self.holder = try row[3]
        self.expiresAt = try row[4]
    }
}
