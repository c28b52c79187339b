public import Foundation

/// One partition of a leased batch, as a worker names it in later calls.
public struct PartitionToken: Sendable, Hashable {
    /// The partition key.
    public var partition: String
    /// The fencing token received when it was leased.
    public var fencingToken: Int64

    /// Creates a value.
    public init(partition: String, fencingToken: Int64) {
        self.partition = partition
        self.fencingToken = fencingToken
    }
}

/// Batches of worker leases: one catalog transaction for all the partitions a worker takes,
/// renews, checks or gives back together (a client group's dirty months are leased as one unit).
extension Catalog {
    /// Takes, in one transaction, the lease of every partition of `partitions` that is free or
    /// expired at `now` (partitions someone holds are skipped); returns the leases taken, in the
    /// order asked. Each fencing token is one more than any token of its partition so far.
    public func acquireLeases(
        firm: FirmID,
        partitions: [String],
        holder: String,
        duration: Duration,
        now: Date = Date()
    ) async throws -> [WorkerLease] {
        for partition in partitions {
            try Self.validateBatch(partition: partition, holder: holder, duration: duration)
        }
        let expiresAt = now.addingTimeInterval(Self.batchSeconds(duration))
        return try await self.database.write { conn -> [WorkerLease] in
            guard try conn.fetchValue(Int.self, "SELECT 1 FROM firms WHERE id = ?", firm) != nil else {
                throw StorageError(code: .firmNotFound, message: "no firm \"\(firm)\" in the catalog")
            }
            var leases: [WorkerLease] = []
            for partition in partitions {
                let current = try conn.fetchOne(
                    LeaseState.self,
                    """
                    SELECT firm_id, partition_key, fencing_token, holder, expires_at FROM worker_leases
                    WHERE firm_id = ? AND partition_key = ?
                    """,
                    firm,
                    partition
                )
                if let current, current.isHeld(at: now) { continue }
                let token = (current?.fencingToken ?? 0) + 1
                try conn.execute(
                    """
                    INSERT INTO worker_leases(firm_id, partition_key, fencing_token, holder, acquired_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (firm_id, partition_key) DO UPDATE SET
                        fencing_token = excluded.fencing_token, holder = excluded.holder,
                        acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
                    """,
                    firm,
                    partition,
                    token,
                    holder,
                    now,
                    expiresAt
                )
                leases.append(
                    WorkerLease(firm: firm, partition: partition, holder: holder, fencingToken: token, acquiredAt: now, expiresAt: expiresAt)
                )
            }
            return leases
        }
    }

    /// Extends every lease of a batch to `now + duration`, in one transaction: all of them, or
    /// none and ``StorageError/Code/leaseLost`` naming the first that is no longer held.
    @discardableResult
    public func renewLeases(
        firm: FirmID,
        holder: String,
        _ tokens: [PartitionToken],
        duration: Duration,
        now: Date = Date()
    ) async throws -> Date {
        for token in tokens {
            try Self.validateBatch(partition: token.partition, holder: holder, duration: duration)
        }
        let expiresAt = now.addingTimeInterval(Self.batchSeconds(duration))
        try await self.database.write { conn in
            for token in tokens {
                try conn.execute(
                    """
                    UPDATE worker_leases SET expires_at = ?
                    WHERE firm_id = ? AND partition_key = ? AND fencing_token = ? AND holder = ? AND expires_at > ?
                    """,
                    expiresAt,
                    firm,
                    token.partition,
                    token.fencingToken,
                    holder,
                    now
                )
                guard conn.changes == 1 else { throw Self.batchLeaseLost(firm: firm, holder: holder, token) }
            }
        }
        return expiresAt
    }

    /// Throws ``StorageError/Code/leaseLost`` naming the first lease of the batch that is not
    /// held by `holder` with its token, unexpired at `now`.
    public func requireHolding(firm: FirmID, holder: String, _ tokens: [PartitionToken], now: Date = Date()) async throws {
        try await self.database.read { conn in
            for token in tokens {
                let held = try conn.fetchValue(
                    Int.self,
                    """
                    SELECT 1 FROM worker_leases
                    WHERE firm_id = ? AND partition_key = ? AND fencing_token = ? AND holder = ? AND expires_at > ?
                    """,
                    firm,
                    token.partition,
                    token.fencingToken,
                    holder,
                    now
                )
                guard held != nil else { throw Self.batchLeaseLost(firm: firm, holder: holder, token) }
            }
        }
    }

    /// Gives back the leases of a batch that `holder` still holds with these tokens (a newer
    /// holder is never disturbed); returns how many were released.
    @discardableResult
    public func releaseLeases(firm: FirmID, holder: String, _ tokens: [PartitionToken]) async throws -> Int {
        try await self.database.write { conn in
            var released = 0
            for token in tokens {
                try conn.execute(
                    """
                    UPDATE worker_leases SET holder = NULL, acquired_at = NULL, expires_at = NULL
                    WHERE firm_id = ? AND partition_key = ? AND fencing_token = ? AND holder = ?
                    """,
                    firm,
                    token.partition,
                    token.fencingToken,
                    holder
                )
                released += conn.changes
            }
            return released
        }
    }

    /// The partitions of `firm` held (unexpired) at `now`: a seek in the index of held leases
    /// (catalog v2), whatever the number of partitions the firm ever leased.
    public func heldPartitions(firm: FirmID, now: Date = Date()) async throws -> Set<String> {
        try await self.database.read { conn in
            Set(try conn.fetchColumn(String.self, Self.heldPartitionsQuery, now, firm))
        }
    }

    /// How many partitions of `firm` are held (unexpired) at `now` (`pilotage status`), from the
    /// same index range as ``heldPartitions(firm:now:)``.
    public func heldPartitionCount(firm: FirmID, now: Date = Date()) async throws -> Int {
        try await self.database.read { conn in
            try conn.fetchValue(Int.self, "SELECT count(*) FROM (\(Self.heldPartitionsQuery))", now, firm) ?? 0
        }
    }

    /// The query of ``heldPartitions(firm:now:)`` (`?1`: now, `?2`: the firm); tests check its plan.
    package static let heldPartitionsQuery =
        "SELECT partition_key FROM worker_leases WHERE holder IS NOT NULL AND expires_at > ?1 AND firm_id = ?2"

    private static func batchLeaseLost(firm: FirmID, holder: String, _ token: PartitionToken) -> StorageError {
        StorageError(
            code: .leaseLost,
            message: "lease on \(firm)/\(token.partition) with fencing token \(token.fencingToken) is no longer "
                + "held by \(holder) (expired, released or taken over)"
        )
    }

    private static func validateBatch(partition: String, holder: String, duration: Duration) throws {
        guard !partition.isEmpty, partition.utf8.count <= Self.maximumPartitionKeyLength else {
            throw StorageError(code: .invalidArgument, message: "a partition key needs 1 to \(Self.maximumPartitionKeyLength) bytes")
        }
        guard !holder.isEmpty else {
            throw StorageError(code: .invalidArgument, message: "a lease holder needs a non-empty worker id")
        }
        guard duration > .zero else {
            throw StorageError(code: .invalidArgument, message: "a lease duration must be positive")
        }
    }

    private static func batchSeconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
