public import Foundation

/// Worker leases: atomic acquire / renew / release / complete on the catalog's single writer.
///
/// A worker's cycle:
///
/// ```swift
/// guard let lease = try await catalog.acquireLease(firm: f, partition: p, holder: me, duration: .seconds(30)) else { return }
/// let rollup = try await compute(…)                       // renew with renewLease(_:duration:) if long
/// try await pool.withTenant(f) { db in
///     try await db.write { conn in
///         try PartitionFence.advance(conn, partition: p, to: lease.fencingToken)   // refuses a stale holder
///         try replacePartition(conn, rollup)
///     }
/// }
/// try await catalog.completeLease(lease)                  // commit only if still holding; throws leaseLost
/// ```
extension Catalog {
    /// Longest partition key accepted.
    public static let maximumPartitionKeyLength = 256

    /// Takes the partition's lease for `duration` when it is free or expired; `nil` when
    /// someone (including `holder` itself) holds it. The new fencing token is one more than
    /// any token ever handed out for the partition.
    public func acquireLease(
        firm: FirmID,
        partition: String,
        holder: String,
        duration: Duration,
        now: Date = Date()
    ) async throws -> WorkerLease? {
        try Self.validate(partition: partition, holder: holder, duration: duration)
        let expiresAt = now.addingTimeInterval(Self.seconds(duration))
        return try await self.database.write { conn -> WorkerLease? in
            guard try conn.fetchValue(Int.self, "SELECT 1 FROM firms WHERE id = ?", firm) != nil else {
                throw StorageError(code: .firmNotFound, message: "no firm \"\(firm)\" in the catalog")
            }
            let current = try conn.fetchOne(
                LeaseState.self,
                """
                SELECT firm_id, partition_key, fencing_token, holder, expires_at FROM worker_leases
                WHERE firm_id = ? AND partition_key = ?
                """,
                firm,
                partition
            )
            if let current, current.isHeld(at: now) { return nil }
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
            return WorkerLease(
                firm: firm,
                partition: partition,
                holder: holder,
                fencingToken: token,
                acquiredAt: now,
                expiresAt: expiresAt
            )
        }
    }

    /// Extends a lease still held (same token, not expired at `now`) to `now + duration`.
    /// Throws ``StorageError/Code/leaseLost`` otherwise: the worker must stop and not commit.
    public func renewLease(_ lease: WorkerLease, duration: Duration, now: Date = Date()) async throws -> WorkerLease {
        try Self.validate(partition: lease.partition, holder: lease.holder, duration: duration)
        let expiresAt = now.addingTimeInterval(Self.seconds(duration))
        try await self.database.write { conn in
            try conn.execute(
                """
                UPDATE worker_leases SET expires_at = ?
                WHERE firm_id = ? AND partition_key = ? AND fencing_token = ? AND holder = ? AND expires_at > ?
                """,
                expiresAt,
                lease.firm,
                lease.partition,
                lease.fencingToken,
                lease.holder,
                now
            )
            guard conn.changes == 1 else { throw Self.leaseLost(lease) }
        }
        var renewed = lease
        renewed.expiresAt = expiresAt
        return renewed
    }

    /// Gives a lease back early (work abandoned). Returns `false` when it was no longer this
    /// lease's (taken over): releasing never disturbs a newer holder.
    @discardableResult
    public func releaseLease(_ lease: WorkerLease) async throws -> Bool {
        try await self.database.write { conn in
            try conn.execute(
                """
                UPDATE worker_leases SET holder = NULL, acquired_at = NULL, expires_at = NULL
                WHERE firm_id = ? AND partition_key = ? AND fencing_token = ? AND holder = ?
                """,
                lease.firm,
                lease.partition,
                lease.fencingToken,
                lease.holder
            )
            return conn.changes == 1
        }
    }

    /// Whether `lease` is still the current, unexpired holding of its partition at `now`.
    public func isHolding(_ lease: WorkerLease, now: Date = Date()) async throws -> Bool {
        try await self.database.read { conn in
            try conn.fetchValue(
                Int.self,
                """
                SELECT 1 FROM worker_leases
                WHERE firm_id = ? AND partition_key = ? AND fencing_token = ? AND holder = ? AND expires_at > ?
                """,
                lease.firm,
                lease.partition,
                lease.fencingToken,
                lease.holder,
                now
            ) != nil
        }
    }

    /// Runs `body` in a catalog write transaction only if `lease` is still held at `now`;
    /// throws ``StorageError/Code/leaseLost`` otherwise. No takeover can happen while `body`
    /// runs (the catalog writer is held), so catalog-side effects of a commit are atomic with
    /// the holding check.
    public func withLease<T: Sendable>(
        _ lease: WorkerLease,
        now: Date = Date(),
        _ body: @Sendable (SQLiteConnection) throws -> T
    ) async throws -> T {
        try await self.database.write { conn in
            try Self.requireHolding(lease, now: now, conn)
            return try body(conn)
        }
    }

    /// "Commit only if still holding": atomically checks that `lease` is current and unexpired
    /// at `now` and releases it (work done). Throws ``StorageError/Code/leaseLost`` when a
    /// newer holder took over or it expired, in which case the caller's result must be discarded.
    public func completeLease(_ lease: WorkerLease, now: Date = Date()) async throws {
        try await self.database.write { conn in
            try Self.requireHolding(lease, now: now, conn)
            try conn.execute(
                """
                UPDATE worker_leases SET holder = NULL, acquired_at = NULL, expires_at = NULL
                WHERE firm_id = ? AND partition_key = ? AND fencing_token = ?
                """,
                lease.firm,
                lease.partition,
                lease.fencingToken
            )
        }
    }

    /// Current lease records, of one firm or all, by firm then partition.
    public func leases(firm: FirmID? = nil) async throws -> [LeaseState] {
        try await self.database.read { conn in
            try conn.fetchAll(
                LeaseState.self,
                """
                SELECT firm_id, partition_key, fencing_token, holder, expires_at FROM worker_leases
                WHERE ?1 IS NULL OR firm_id = ?1 ORDER BY firm_id, partition_key
                """,
                firm
            )
        }
    }

    private static func requireHolding(_ lease: WorkerLease, now: Date, _ conn: SQLiteConnection) throws {
        let held = try conn.fetchValue(
            Int.self,
            """
            SELECT 1 FROM worker_leases
            WHERE firm_id = ? AND partition_key = ? AND fencing_token = ? AND holder = ? AND expires_at > ?
            """,
            lease.firm,
            lease.partition,
            lease.fencingToken,
            lease.holder,
            now
        )
        guard held != nil else { throw Self.leaseLost(lease) }
    }

    private static func leaseLost(_ lease: WorkerLease) -> StorageError {
        StorageError(
            code: .leaseLost,
            message: "lease on \(lease.firm)/\(lease.partition) with fencing token \(lease.fencingToken) is no longer "
                + "held by \(lease.holder) (expired, released or taken over)"
        )
    }

    private static func validate(partition: String, holder: String, duration: Duration) throws {
        guard !partition.isEmpty, partition.utf8.count <= Self.maximumPartitionKeyLength else {
            throw StorageError(
                code: .invalidArgument,
                message: "a partition key needs 1 to \(Self.maximumPartitionKeyLength) bytes"
            )
        }
        guard !holder.isEmpty else {
            throw StorageError(code: .invalidArgument, message: "a lease holder needs a non-empty worker id")
        }
        guard duration > .zero else {
            throw StorageError(code: .invalidArgument, message: "a lease duration must be positive")
        }
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
