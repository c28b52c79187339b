public import Foundation

/// The ordered schema history of one kind of database file (the catalog, or every tenant).
///
/// The file records where it stands twice: `PRAGMA user_version` (cheap to read at every open)
/// and a `schema_migrations(version, name, applied_at)` table (the audit trail, checked against
/// the code's names so a reordered or renamed list is caught). Pending migrations run in one
/// `BEGIN IMMEDIATE` transaction: a crash leaves the file at its old version, never half-migrated.
/// A file whose version is newer than the list is refused (``StorageError/Code/schemaTooNew``):
/// an older binary must not write a schema it does not understand.
public struct MigrationList: Sendable {
    /// Table recording applied migrations; reserved in every migrated file.
    public static let historyTable = "schema_migrations"

    /// The migrations, version 1 first.
    public let migrations: [Migration]

    /// A list; call ``validate()`` (the database and pool do) before relying on it.
    public init(_ migrations: [Migration]) {
        self.migrations = migrations
    }

    /// No migrations: version 0.
    public static let empty = MigrationList([])

    /// The version a file has once every migration ran.
    public var latestVersion: Int { self.migrations.last?.version ?? 0 }

    /// What one `migrate` call did.
    public struct Outcome: Sendable, Hashable {
        /// Version before.
        public var previousVersion: Int
        /// Version after (the list's latest).
        public var version: Int
        /// Names of the migrations applied, in order.
        public var applied: [String]
    }

    /// Checks versions are exactly 1, 2, 3 … and names unique and non-empty.
    public func validate() throws {
        var names = Set<String>()
        for (offset, migration) in self.migrations.enumerated() {
            guard migration.version == offset + 1 else {
                throw StorageError(
                    code: .invalidMigrations,
                    message: "migration \"\(migration.name)\" has version \(migration.version), expected \(offset + 1)"
                )
            }
            guard !migration.name.isEmpty, names.insert(migration.name).inserted else {
                throw StorageError(
                    code: .invalidMigrations,
                    message: "migration \(migration.version) has an empty or duplicate name \"\(migration.name)\""
                )
            }
        }
    }

    /// `PRAGMA user_version` of the connection's file.
    public static func schemaVersion(of connection: SQLiteConnection) throws -> Int {
        try connection.fetchValue(Int.self, "PRAGMA user_version") ?? 0
    }

    /// Brings the file up to ``latestVersion``; a no-op (one pragma read) when already there.
    @discardableResult
    public func migrate(_ connection: SQLiteConnection, now: Date = Date()) throws -> Outcome {
        try self.validate()
        let latest = self.latestVersion
        let before = try Self.schemaVersion(of: connection)
        try self.refuseNewer(before, path: connection.path)
        if before == latest {
            return Outcome(previousVersion: before, version: before, applied: [])
        }
        return try connection.transaction(.immediate) {
            // Another process may have migrated between the read above and the write lock.
            let current = try Self.schemaVersion(of: connection)
            try self.refuseNewer(current, path: connection.path)
            try connection.execute(
                """
                CREATE TABLE IF NOT EXISTS \(Self.historyTable) (
                    version INTEGER PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    applied_at INTEGER NOT NULL
                ) STRICT
                """
            )
            try connection.query("SELECT version, name FROM \(Self.historyTable) ORDER BY version") { row in
                let version: Int = try row[0]
                let name: String = try row[1]
                guard version >= 1, version <= self.migrations.count, self.migrations[version - 1].name == name else {
                    throw StorageError(
                        code: .migrationMismatch,
                        message: "\(connection.path) records migration \(version) \"\(name)\", which this code "
                            + "does not have under that version"
                    )
                }
            }
            var applied: [String] = []
            for migration in self.migrations where migration.version > current {
                try migration.apply(to: connection)
                try connection.execute(
                    "INSERT INTO \(Self.historyTable)(version, name, applied_at) VALUES (?, ?, ?)",
                    migration.version,
                    migration.name,
                    now
                )
                applied.append(migration.name)
            }
            // PRAGMA takes no bound parameters; `latest` is an Int, so interpolation is safe.
            try connection.execute("PRAGMA user_version = \(latest)")
            return Outcome(previousVersion: current, version: latest, applied: applied)
        }
    }

    private func refuseNewer(_ version: Int, path: String) throws {
        guard version <= self.latestVersion else {
            throw StorageError(
                code: .schemaTooNew,
                message: "\(path) has schema version \(version), newer than the \(self.latestVersion) this "
                    + "release knows; upgrade the software before opening it"
            )
        }
    }
}
