import Foundation
import Ingestion
import PilotageProtocol
import Storage
import TenantStore
import Testing
import Wire

private func day(_ text: String) -> CalendarDate {
    guard let date = CalendarDate(text) else { preconditionFailure("bad test date \(text)") }
    return date
}

private func row(_ record: some IngestibleRecord) throws -> IngestRow {
    IngestRow(kind: type(of: record).entityKind, payload: Data(try WireEncoder().encode(record)))
}

private func tombstone(_ kind: EntityKind, _ id: String) throws -> IngestRow {
    IngestRow(kind: kind, payload: Data(try WireEncoder().encode(RecordHeader(id: id, deleted: true))))
}

/// Opens a fresh tenant file in a temporary directory, removed afterwards.
private func withTenantDatabase<T>(_ body: (Database) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tenant-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let database = try await Database.open(path: directory.appendingPathComponent("firm.sqlite").path, migrations: TenantSchema.migrations)
    do {
        let result = try await body(database)
        await database.close()
        return result
    } catch {
        await database.close()
        throw error
    }
}

private let today = day("2025-03-31")

private func ingest(_ database: Database, _ rows: [IngestRow], allOrNothing: Bool = false, today: CalendarDate = today) async throws -> IngestReport {
    let writer = BatchWriter(today: today)
    return try await database.write { connection in
        try writer.ingest(rows, options: IngestOptions(allOrNothing: allOrNothing), connection: connection)
    }
}

private func dirtyKeys(_ database: Database) async throws -> [String] {
    try await database.read { connection in
        try connection.fetchColumn(String.self, "SELECT partition_key FROM dirty_partitions ORDER BY partition_key")
    }
}

private let clientA = ClientRecord(id: "A", name: "Boulangerie Martin", office: "PARIS", assignedCollaborators: ["U1"])
private let paris = OrganisationUnitRecord(id: "PARIS", name: "Paris", kind: .office)
private let u1 = CollaboratorRecord(id: "U1", name: "Alice", office: "PARIS")
private func invoice(_ id: String, amount: Int64 = 120_000, date: String = "2025-01-15") -> InstallmentRecord {
    InstallmentRecord(id: id, client: "A", invoiceID: "F-\(id)", invoiceDate: day(date), dueDate: day(date).advanced(by: 30), amount: amount)
}

@Suite("BatchWriter over a real SQLite file")
struct BatchWriterTests {
    @Test("first send lands, re-send is unchanged and dirties nothing, new content replaces")
    func idempotentResend() async throws {
        try await withTenantDatabase { database in
            let rows = [try row(paris), try row(u1), try row(clientA), try row(invoice("I1")), try row(invoice("I2", date: "2025-03-02"))]
            let first = try await ingest(database, rows)
            #expect(first.committed && first.landed == 5 && first.unchanged == 0 && first.sequence == 1)
            #expect(try await dirtyKeys(database) == ["g1/fy2025/m2025-01", "g1/fy2025/m2025-02", "g1/fy2025/m2025-03"])

            try await database.write { connection in try connection.execute("DELETE FROM dirty_partitions") }
            let again = try await ingest(database, rows)
            #expect(again.landed == 0 && again.unchanged == 5 && again.sequence == 0 && again.dirtyPartitions == 0)
            #expect(try await dirtyKeys(database).isEmpty)

            let replaced = try await ingest(database, [try row(invoice("I2", amount: 99_000, date: "2025-03-02"))])
            #expect(replaced.landed == 1 && replaced.sequence == 2)
            #expect(try await dirtyKeys(database) == ["g1/fy2025/m2025-03"])
            let stored = try await database.read { connection in
                try TenantRecords(connection: connection).record(InstallmentRecord.self, id: "I2")
            }
            #expect(stored?.amount == 99_000)
        }
    }

    @Test("tombstones delete the record and its references; unknown ids are unchanged")
    func tombstones() async throws {
        try await withTenantDatabase { database in
            _ = try await ingest(database, [try row(paris), try row(u1), try row(clientA), try row(invoice("I1"))])
            let report = try await ingest(database, [try tombstone(.installment, "I1"), try tombstone(.installment, "NOPE")])
            #expect(report.deleted == 1 && report.unchanged == 1)
            let (exists, references) = try await database.read { connection in
                (try TenantRecords(connection: connection).contains(.installment, id: "I1"),
                 try connection.fetchValue(Int.self, "SELECT count(*) FROM record_references WHERE from_id = 'I1'") ?? -1)
            }
            #expect(!exists && references == 0)
        }
    }

    @Test("all-or-nothing: one rejected row and nothing lands, not even the valid ones")
    func allOrNothing() async throws {
        try await withTenantDatabase { database in
            let rows = [try row(paris), try row(u1), try row(clientA), try row(invoice("I1", amount: -1))]
            let report = try await ingest(database, rows, allOrNothing: true)
            #expect(!report.committed && report.landed == 0 && report.rejected == 1 && report.rejections.first?.reason == .badValue)
            let count = try await database.read { connection in try connection.fetchValue(Int.self, "SELECT count(*) FROM records") }
            #expect(count == 0)
            let lenient = try await ingest(database, rows)
            #expect(lenient.committed && lenient.landed == 3 && lenient.rejected == 1)
        }
    }

    @Test("a client moving to another profile dirties its old and new groups from its first fact")
    func groupMove() async throws {
        try await withTenantDatabase { database in
            _ = try await ingest(database, [try row(paris), try row(u1), try row(clientA), try row(invoice("I1", date: "2025-02-10"))])
            try await database.write { connection in try connection.execute("DELETE FROM dirty_partitions") }
            var moved = clientA
            moved.assignedCollaborators = []
            _ = try await ingest(database, [try row(moved)])
            #expect(try await dirtyKeys(database) == [
                "g1/fy2025/m2025-02", "g1/fy2025/m2025-03", "g2/fy2025/m2025-02", "g2/fy2025/m2025-03",
            ])
            let groups = try await database.read { connection in
                try connection.fetchValue(Int64.self, "SELECT group_id FROM client_group_members WHERE client = 'A'")
            }
            #expect(groups == 2)
        }
    }

    @Test("the last groups change moves with members and collaborators only: not for facts, a renamed client or a re-send")
    func groupsChanges() async throws {
        try await withTenantDatabase { database in
            func lastChange() async throws -> Int64 {
                try await database.read { try TenantRecords(connection: $0).lastGroupsChange() }
            }
            #expect(try await lastChange() == 0)
            let first = try await ingest(database, [try row(paris), try row(u1), try row(clientA)])
            #expect(try await lastChange() == first.sequence)

            // Facts, a client renamed within its profile, and a re-sent client: no group moves.
            let facts = try await ingest(database, [try row(invoice("I1")), try row(invoice("I2", date: "2025-03-02"))])
            #expect(facts.sequence > first.sequence)
            var renamed = clientA
            renamed.name = "Boulangerie Martin & fils"
            let rename = try await ingest(database, [try row(renamed)])
            #expect(rename.landed == 1)
            _ = try await ingest(database, [try row(renamed)])
            #expect(try await lastChange() == first.sequence)

            // A new client, a client moved to another profile, a collaborator renamed, a client deleted.
            let clientB = ClientRecord(id: "B", name: "Garage", office: "PARIS", assignedCollaborators: ["U1"])
            let added = try await ingest(database, [try row(clientB)])
            #expect(try await lastChange() == added.sequence)
            var moved = clientB
            moved.assignedCollaborators = []
            let move = try await ingest(database, [try row(moved)])
            #expect(try await lastChange() == move.sequence)
            var alice = u1
            alice.name = "Alice Martin"
            let collaborator = try await ingest(database, [try row(alice)])
            #expect(try await lastChange() == collaborator.sequence)
            let deleted = try await ingest(database, [try tombstone(.client, "B")])
            #expect(deleted.deleted == 1)
            #expect(try await lastChange() == deleted.sequence)
        }
    }

    @Test("settings dirty every group with the fiscal year label of the firm's calendar; deals dirty their prospect year")
    func settingsAndProspects() async throws {
        try await withTenantDatabase { database in
            _ = try await ingest(database, [try row(paris), try row(u1), try row(clientA), try row(invoice("I1", date: "2025-02-10"))])
            try await database.write { connection in try connection.execute("DELETE FROM dirty_partitions") }
            let settings = FirmSettingsRecord(name: "Cabinet", timeZone: "Europe/Paris", fiscalYearStartMonth: 3, fiscalYearStartDay: 1)
            let deal = DealRecord(id: "D1", prospectName: "SARL Neuve", fiscalYear: 2024)
            let report = try await ingest(database, [try row(settings), try row(deal)])
            #expect(report.landed == 2)
            #expect(try await dirtyKeys(database) == ["g1/fy2024/m2025-02", "g1/fy2025/m2025-03", "p/fy2024"])
        }
    }

    @Test("a rollback leaves nothing: an error thrown after the batch is applied undoes it")
    func transactionAtomicity() async throws {
        try await withTenantDatabase { database in
            struct Boom: Error {}
            let writer = BatchWriter(today: today)
            let rows = [try row(paris), try row(u1), try row(clientA)]
            await #expect(throws: Boom.self) {
                try await database.write { connection in
                    _ = try writer.ingest(rows, options: IngestOptions(), connection: connection)
                    throw Boom()
                }
            }
            let count = try await database.read { connection in try connection.fetchValue(Int.self, "SELECT count(*) FROM records") }
            #expect(count == 0)
        }
    }
}
