import Foundation
import KPI
import PilotageProtocol
import RollupStore
import Storage
import TenantStore
import Testing
import Wire

/// Tenant schema version 8: records stored by owning client.
@Suite("Records by owner: a client's records are one range of the table, (kind, id) stays unique")
struct RecordsLayoutTests {
    static func temporaryPath() throws -> (URL, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("records-layout-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return (directory, directory.appendingPathComponent("firm.sqlite").path)
    }

    @Test("upgrading a version-7 file keeps every record with its owner; by-client reads use the primary key")
    func upgradeFromVersion7() async throws {
        let (directory, path) = try Self.temporaryPath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let version7 = try await Database.open(path: path, migrations: MigrationList(Array(TenantSchema.migrations.migrations.prefix(7))))
        try await version7.write { connection in
            // The version-7 layout: primary key (kind, id), nullable client.
            for (kind, id, client, firstDate, sequence) in [
                ("client", "C1", "C1", nil, 1), ("installment", "I1", "C1", 20_100, 1), ("installment", "I2", "C1", 20_200, 2),
                ("client", "C2", "C2", nil, 1), ("installment", "I3", "C2", 20_150, 2), ("collaborator", "U1", nil, nil, 1),
            ] as [(String, String, String?, Int64?, Int64)] {
                try connection.execute(
                    "INSERT INTO records (kind, id, client, payload, first_date, sequence) VALUES (?, ?, ?, ?, ?, ?)",
                    kind, id, client, [UInt8](id.utf8), firstDate, sequence
                )
            }
        }
        await version7.close()

        let upgraded = try await Database.open(path: path, migrations: TenantSchema.migrations)
        defer { Task { await upgraded.close() } }
        try await upgraded.read { connection in
            #expect(try connection.fetchValue(Int.self, "SELECT count(*) FROM records") == 6)
            #expect(try connection.fetchValue(String.self, "SELECT owner FROM records WHERE kind = 'collaborator' AND id = 'U1'") == "")
            #expect(try connection.fetchValue(String?.self, "SELECT client FROM records WHERE kind = 'collaborator' AND id = 'U1'") == .some(nil))
            let records = FactRecords(connection: connection)
            let all = try records.records(ofClient: "C1", through: nil)
            #expect(all.map { String(decoding: $0.payload, as: UTF8.self) } == ["C1", "I1", "I2"])
            #expect(all.allSatisfy { $0.client == "C1" })
            let early = try records.records(ofClient: "C1", through: day("2025-03-03"))
            #expect(early.map { String(decoding: $0.payload, as: UTF8.self) } == ["C1", "I1"])
            var plan: [String] = []
            try connection.query("EXPLAIN QUERY PLAN SELECT kind, payload FROM records WHERE owner = ?1 AND (first_date IS NULL OR first_date <= ?2)", "C1", 1) { row in
                plan.append(try row.decode(String.self, at: 3))
            }
            #expect(plan.contains { $0.contains("PRIMARY KEY (owner=?)") }, "\(plan)")
        }
        // (kind, id) is still the identity: the same id under another owner is refused.
        await #expect(throws: (any Error).self) {
            try await upgraded.write { connection in
                try connection.execute(
                    "INSERT INTO records (owner, kind, id, client, payload, sequence) VALUES ('C2', 'installment', 'I1', 'C2', x'00', 3)"
                )
            }
        }
    }

    @Test("a record re-sent under another client moves to that client's range")
    func ownerFollowsUpserts() async throws {
        let (directory, path) = try Self.temporaryPath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try await Database.open(path: path, migrations: TenantSchema.migrations)
        defer { Task { await database.close() } }
        let today = day("2025-03-31")
        let issued = day("2025-03-01")
        func installment(_ id: String, client: String) -> InstallmentRecord {
            InstallmentRecord(id: id, client: client, invoiceID: id, invoiceDate: issued, dueDate: issued.clampedAdding(days: 30), amount: 10_000)
        }
        _ = try await ingestRecords(
            database,
            [ClientRecord(id: "A", name: "A"), ClientRecord(id: "B", name: "B"), installment("X", client: "A"), installment("Y", client: "A")],
            today: today
        )
        func kinds(_ client: String) async throws -> [String] {
            try await database.read { connection in
                try FactRecords(connection: connection).records(ofClient: client, through: nil).map { "\($0.kind.rawValue)" }
            }
        }
        #expect(try await kinds("A") == ["client", "installment", "installment"])
        _ = try await ingestRecords(database, [installment("X", client: "B")], today: today)
        #expect(try await kinds("A") == ["client", "installment"])
        #expect(try await kinds("B") == ["client", "installment"])
        let owner = try await database.read { try $0.fetchValue(String.self, "SELECT owner FROM records WHERE kind = 'installment' AND id = 'X'") }
        #expect(owner == "B")
    }
}
