/// The tenant-side half of lease fencing: the highest fencing token that committed each rollup
/// partition, kept in the tenant file itself so the check is atomic with the commit.
///
/// Why it is needed: a worker can lose its lease between "am I still holding?" and its tenant
/// write (a pause, a slow disk). The catalog check alone cannot see that; the tenant write
/// can, because a newer holder has either committed a larger token already (this write is
/// refused) or will commit after it (its larger token wins, as it should).
///
/// Call ``advance(_:partition:to:)`` inside the tenant write transaction that replaces the
/// partition. The table (`storage_partition_fences`) is created on first use, so the tenant
/// schema needs no migration for it.
public enum PartitionFence {
    /// Name of the table in the tenant file.
    public static let tableName = "storage_partition_fences"

    /// Records `token` as the partition's fencing token, or throws
    /// ``StorageError/Code/staleFence`` when a larger token already committed. Equal tokens pass
    /// (the same holder committing twice).
    public static func advance(_ connection: SQLiteConnection, partition: String, to token: Int64) throws {
        try connection.execute(
            """
            CREATE TABLE IF NOT EXISTS \(Self.tableName) (
                partition_key TEXT PRIMARY KEY NOT NULL,
                fencing_token INTEGER NOT NULL
            ) STRICT, WITHOUT ROWID
            """
        )
        let current = try connection.fetchValue(
            Int64.self,
            "SELECT fencing_token FROM \(Self.tableName) WHERE partition_key = ?",
            partition
        )
        if let current, current > token {
            throw StorageError(
                code: .staleFence,
                message: "partition \(partition) was already committed with fencing token \(current); "
                    + "token \(token) is stale"
            )
        }
        try connection.execute(
            """
            INSERT INTO \(Self.tableName)(partition_key, fencing_token) VALUES (?, ?)
            ON CONFLICT (partition_key) DO UPDATE SET fencing_token = excluded.fencing_token
            """,
            partition,
            token
        )
    }

    /// The partition's last committed fencing token, `nil` if never committed.
    public static func currentToken(_ connection: SQLiteConnection, partition: String) throws -> Int64? {
        let exists = try connection.fetchValue(
            Int.self,
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?",
            Self.tableName
        )
        guard exists != nil else { return nil }
        return try connection.fetchValue(
            Int64.self,
            "SELECT fencing_token FROM \(Self.tableName) WHERE partition_key = ?",
            partition
        )
    }
}
