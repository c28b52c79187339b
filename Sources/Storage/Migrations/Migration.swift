/// One named, versioned schema step. Versions of a ``MigrationList`` are 1, 2, 3 … in order.
///
/// A migration runs inside the list's write transaction: never `BEGIN`/`COMMIT` in it, and
/// remember that `PRAGMA foreign_keys` cannot change inside a transaction (use
/// `PRAGMA defer_foreign_keys = ON` when rebuilding a table).
///
/// ```swift
/// Migration(version: 1, name: "create facts", sql: "CREATE TABLE facts(id TEXT PRIMARY KEY, …) STRICT;")
/// Migration(version: 2, name: "backfill totals") { conn in try conn.execute("UPDATE …") }
/// ```
public struct Migration: Sendable {
    /// Position in the list, from 1.
    public let version: Int
    /// A stable name, recorded in `schema_migrations` and checked on later migrations.
    public let name: String
    private let body: @Sendable (SQLiteConnection) throws -> Void

    /// A migration written in Swift.
    public init(version: Int, name: String, body: @escaping @Sendable (SQLiteConnection) throws -> Void) {
        self.version = version
        self.name = name
        self.body = body
    }

    /// A migration that runs an SQL script (several statements allowed).
    public init(version: Int, name: String, sql: String) {
        self.init(version: version, name: name) { connection in try connection.executeScript(sql) }
    }

    func apply(to connection: SQLiteConnection) throws {
        try self.body(connection)
    }
}
