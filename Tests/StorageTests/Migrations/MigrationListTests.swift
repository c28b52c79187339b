import Foundation
import Storage
import Testing

private let createClients = Migration(
    version: 1,
    name: "create clients",
    sql: """
        CREATE TABLE clients(id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL) STRICT;
        CREATE INDEX clients_by_name ON clients(name);
        """
)
private let addTerms = Migration(version: 2, name: "add payment terms") { conn in
    try conn.execute("ALTER TABLE clients ADD COLUMN terms_days INTEGER NOT NULL DEFAULT 30")
    try conn.execute("UPDATE clients SET terms_days = 45 WHERE id = 'c1'")
}
private let addNotes = Migration(
    version: 3,
    name: "create notes",
    sql: "CREATE TABLE notes(id INTEGER PRIMARY KEY) STRICT;"
)

private struct History: SQLiteRowDecodable, Sendable, Equatable {
    var version: Int
    var name: String

    init(row: SQLiteRow) throws {
        self.version = try row[0]
        self.name = try row[1]
    }

    init(_ version: Int, _ name: String) {
        self.version = version
        self.name = name
    }
}

@Suite("MigrationList")
struct MigrationListTests {
    @Test("a fresh file is migrated to the latest version and records its history")
    func fresh() async throws {
        try await withTemporaryDirectory { directory in
            let db = try await Database.open(
                path: directory + "/t.sqlite",
                migrations: MigrationList([createClients, addTerms, addNotes])
            )
            let (version, history, tables) = try await db.read { conn in
                (
                    try MigrationList.schemaVersion(of: conn),
                    try conn.fetchAll(History.self, "SELECT version, name FROM schema_migrations ORDER BY version"),
                    try conn.fetchColumn(
                        String.self,
                        "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"
                    )
                )
            }
            #expect(version == 3)
            #expect(await db.schemaVersion == 3)
            #expect(
                history == [History(1, "create clients"), History(2, "add payment terms"), History(3, "create notes")]
            )
            #expect(tables == ["clients", "notes", "schema_migrations"])
            await db.close()
        }
    }

    @Test("an old v1 file reopened by v1+v2 code gets only v2, and keeps its data")
    func incremental() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/t.sqlite"
            let old = try await Database.open(path: path, migrations: MigrationList([createClients]))
            try await old.write { conn in
                try conn.execute("INSERT INTO clients(id, name) VALUES ('c1', 'Boulangerie'), ('c2', 'Garage')")
            }
            await old.close()

            let outcome = try await onBlockingQueue {
                let conn = try SQLiteConnection(path: path)
                defer { conn.close() }
                return try MigrationList([createClients, addTerms]).migrate(conn)
            }
            #expect(outcome.previousVersion == 1)
            #expect(outcome.version == 2)
            #expect(outcome.applied == ["add payment terms"])

            let db = try await Database.open(path: path, migrations: MigrationList([createClients, addTerms]))
            let (rows, history) = try await db.read { conn in
                var rows: [String] = []
                try conn.query("SELECT id, name, terms_days FROM clients ORDER BY id") { row in
                    rows.append("\(try row[0] as String) \(try row[1] as String) \(try row[2] as Int)")
                }
                return (
                    rows,
                    try conn.fetchAll(History.self, "SELECT version, name FROM schema_migrations ORDER BY version")
                )
            }
            #expect(rows == ["c1 Boulangerie 45", "c2 Garage 30"])
            #expect(history == [History(1, "create clients"), History(2, "add payment terms")])
            await db.close()
        }
    }

    @Test("a file newer than the code is refused and left untouched")
    func newerRefused() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/t.sqlite"
            let newer = try await Database.open(path: path, migrations: MigrationList([createClients, addTerms]))
            await newer.close()
            let error = await #expect(throws: StorageError.self) {
                try await Database.open(path: path, migrations: MigrationList([createClients]))
            }
            #expect(error?.code == .schemaTooNew)
            #expect(error?.message.contains("schema version 2, newer than the 1") == true)
            let version = try await onBlockingQueue {
                let conn = try SQLiteConnection(path: path)
                defer { conn.close() }
                return try MigrationList.schemaVersion(of: conn)
            }
            #expect(version == 2)
        }
    }

    @Test("a failing migration rolls back every pending step: the file stays at its old version")
    func failureRollsBack() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/t.sqlite"
            let v1 = try await Database.open(path: path, migrations: MigrationList([createClients]))
            await v1.close()
            let broken = Migration(version: 3, name: "broken") { conn in
                try conn.execute("CREATE TABLE half_done(a INTEGER)")
                try conn.execute("INSERT INTO no_such_table VALUES (1)")
            }
            let error = await #expect(throws: SQLiteError.self) {
                try await Database.open(path: path, migrations: MigrationList([createClients, addTerms, broken]))
            }
            #expect(error?.message.contains("no such table") == true)
            let (version, tables) = try await onBlockingQueue {
                let conn = try SQLiteConnection(path: path)
                defer { conn.close() }
                return (
                    try MigrationList.schemaVersion(of: conn),
                    try conn.fetchColumn(
                        String.self,
                        "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"
                    )
                )
            }
            #expect(version == 1)
            #expect(tables == ["clients", "schema_migrations"])
        }
    }

    @Test(
        "malformed migration lists are refused before touching a file",
        arguments: [
            [createClients, addNotes],
            [addTerms],
            [createClients, Migration(version: 2, name: "create clients", sql: "SELECT 1;")],
            [createClients, Migration(version: 2, name: "", sql: "SELECT 1;")],
        ]
    )
    func invalidLists(migrations: [Migration]) async throws {
        try await withTemporaryDirectory { directory in
            let error = await #expect(throws: StorageError.self) {
                try await Database.open(path: directory + "/t.sqlite", migrations: MigrationList(migrations))
            }
            #expect(error?.code == .invalidMigrations)
            #expect(!FileManager.default.fileExists(atPath: directory + "/t.sqlite"))
        }
    }

    @Test("a file whose recorded history disagrees with the code's names is refused")
    func renamedMigration() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/t.sqlite"
            let v1 = try await Database.open(path: path, migrations: MigrationList([createClients]))
            await v1.close()
            let renamed = Migration(version: 1, name: "create customers", sql: "CREATE TABLE customers(id TEXT);")
            let error = await #expect(throws: StorageError.self) {
                try await Database.open(path: path, migrations: MigrationList([renamed, addTerms]))
            }
            #expect(error?.code == .migrationMismatch)
        }
    }
}
