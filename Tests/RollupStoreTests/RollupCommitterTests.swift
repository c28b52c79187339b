import Foundation
import Ingestion
import KPI
import PilotageProtocol
import RollupStore
import Rollups
import Storage
import TenantStore
import Testing
import Wire

private let today = day("2025-03-31")

@discardableResult
private func ingest(_ database: Database, _ records: [any IngestibleRecord], now: Date = Date()) async throws -> IngestReport {
    try await ingestRecords(database, records, today: today, now: now)
}

private let firm: [any IngestibleRecord] = [
    OrganisationUnitRecord(id: "PAR", name: "Paris", kind: .office),
    CollaboratorRecord(id: "marie", name: "Marie", office: "PAR"),
    ClientRecord(id: "A", name: "A", office: "PAR", assignedCollaborators: ["marie"]),
    InstallmentRecord(id: "I1", client: "A", invoiceID: "I1", invoiceDate: day("2025-02-10"), dueDate: day("2025-03-12"), amount: 300_000),
    CreditDocumentRecord(id: "P1", kind: .payment, client: "A", date: day("2025-03-20"), amount: 100_000),
    AllocationRecord(id: "L1", source: "P1", target: "I1", amount: 100_000, recordedOn: day("2025-03-20")),
]

private func lease(_ database: Database, token: Int64) async throws -> [LeasedPartition] {
    try await leaseOldestGroup(database, token: token)
}

private func compute(_ database: Database, _ partitions: [LeasedPartition]) async throws -> [String: PartitionRollup] {
    try await computeGroupBatch(database, partitions, today: today)
}

private func commit(_ database: Database, _ partitions: [LeasedPartition], _ rows: [String: PartitionRollup]) async throws -> RollupCommitter.Outcome {
    try await commitBatch(database, partitions, rows, today: today)
}

@Suite("RollupCommitter over a real SQLite file")
struct RollupCommitterTests {
    @Test("a commit publishes every row of its batch and clears the dirty marks; the reader answers from them")
    func publish() async throws {
        try await withTenantDatabase { database in
            try await ingest(database, firm)
            let leased = try await lease(database, token: 1)
            #expect(leased.map(\.key) == ["g1/fy2025/m2025-02", "g1/fy2025/m2025-03"])
            let outcome = try await commit(database, leased, try await compute(database, leased))
            #expect(outcome.published.map(\.partition.key) == leased.map(\.key) && outcome.stillDirty.isEmpty)
            #expect(outcome.published.allSatisfy { $0.isIngestion })
            #expect(try await count(database, "SELECT count(*) FROM dirty_partitions") == 0)
            // 19 days of February (from the first data date) and 31 of March.
            #expect(try await count(database, "SELECT count(*) FROM rollup_days") == 19 + 31)
            #expect(try await count(database, "SELECT count(*) FROM rollup_periods WHERE kind = 'FORECAST'") == 1)
            let freshness = try await database.read { try TenantRollups(connection: $0).freshness(today: today) }
            #expect(freshness.isUpToDate && freshness.watermarkSequence == 1)

            // The rollup answer equals the raw-facts answer.
            let (fromRollups, fromFacts) = try await database.read { connection in
                let context = KPIContext(settings: KPISettings(), firstDataDate: day("2025-02-10"))
                let reader = RollupReader(connection: connection)
                let groups = try reader.groups(matching: ClientFilter()).map(\.id)
                let facts = try FactRecords(connection: connection).clientFacts(["A"], mapper: FactMapper(settings: nil))
                return (
                    try reader.receivablesLevel1(groups: groups, asOf: today, context: context),
                    ReceivablesLevel1(evaluator: ReceivablesReference(facts, context: context), asOf: today)
                )
            }
            #expect(Level1Report.differences(rollup: fromRollups, reference: fromFacts).isEmpty)
            #expect(fromRollups.outstanding.gross.display == "200000")
        }
    }

    @Test("client rows: the month end of past months and every day of the current one, equal to the client's own parts; past days are pruned")
    func clientRows() async throws {
        try await withTenantDatabase { database in
            try await ingest(database, firm)
            let leased = try await lease(database, token: 1)
            _ = try await commit(database, leased, try await compute(database, leased))
            // February (first data 02-10): its last day only; March (today 03-31): every day.
            let days = try await database.read { try $0.fetchColumn(CalendarDate.self, "SELECT day FROM rollup_clients WHERE client = 'A' ORDER BY day") }
            #expect(days == [day("2025-02-28")] + Period(uncheckedStart: day("2025-03-01"), end: today).days)
            let (stored, expected) = try await database.read { connection in
                let row = try #require(try RollupReader(connection: connection).clientRows(groups: [1], day: day("2025-03-20")).first)
                let facts = try #require(try FactRecords(connection: connection).clientFacts(["A"], mapper: FactMapper(settings: nil)).first)
                return (row, try #require(ClientRollupCalculator.parts(of: facts, at: [day("2025-03-20")], settings: KPISettings())[day("2025-03-20")]))
            }
            #expect(stored.client == "A" && stored.receivables == expected.receivables && stored.practice == expected.practice)
            #expect(stored.receivables.snapshot.balance == WideInt(Int64(200_000)) && stored.receivables.lastPayment == day("2025-03-20"))
            #expect(stored.receivables.window.sales == WideInt(Int64(300_000)))

            // A day row of the previous month left from when it was current is pruned by the
            // next commit of the current month; month ends stay. A commit from a day of the month
            // looks no further back than the previous month (older months were pruned when they
            // were left; a whole-month recomputation looks at every earlier day).
            try await database.write { connection in
                for stale in ["2025-02-15", "2025-01-15"] {
                    try connection.execute(
                        "INSERT INTO rollup_clients (group_id, client, day, receivables, practice) SELECT group_id, client, ?, receivables, practice FROM rollup_clients WHERE day = ?",
                        day(stale),
                        day("2025-02-28")
                    )
                }
            }
            try await ingest(database, [
                InstallmentRecord(id: "I2", client: "A", invoiceID: "I2", invoiceDate: day("2025-03-25"), dueDate: day("2025-04-24"), amount: 50_000)
            ])
            let again = try await lease(database, token: 2)
            #expect(again.map(\.key) == ["g1/fy2025/m2025-03"] && again.first?.from == day("2025-03-25"))
            _ = try await commit(database, again, try await compute(database, again))
            let after = try await database.read { try $0.fetchColumn(CalendarDate.self, "SELECT day FROM rollup_clients WHERE day < ? ORDER BY day", day("2025-03-01")) }
            #expect(after == [day("2025-01-15"), day("2025-02-28")])
        }
    }

    @Test("a token older than the last committed one is refused and the whole commit rolls back")
    func staleFence() async throws {
        try await withTenantDatabase { database in
            try await ingest(database, firm)
            let newer = try await lease(database, token: 5)
            let older = newer.map { LeasedPartition(key: $0.key, month: $0.month, fencingToken: 4, dirtySequence: $0.dirtySequence, generation: $0.generation) }
            let rows = try await compute(database, newer)
            _ = try await commit(database, newer, rows)
            var tampered = rows
            tampered[newer[1].key]?.days.removeAll()
            await #expect {
                _ = try await commit(database, older, tampered)
            } throws: { error in
                (error as? StorageError)?.code == .staleFence
            }
            #expect(try await count(database, "SELECT count(*) FROM rollup_days") == 19 + 31)
            #expect(try await count(database, "SELECT min(fencing_token) FROM partition_state") == 5)
        }
    }

    @Test("a partition dirtied again while computed is published but stays dirty, past what it reflects")
    func dirtiedWhileComputed() async throws {
        try await withTenantDatabase { database in
            try await ingest(database, firm)
            let leased = try await lease(database, token: 1)
            let rows = try await compute(database, leased)
            // An ingestion lands meanwhile, touching March only.
            try await ingest(database, [
                InstallmentRecord(id: "I2", client: "A", invoiceID: "I2", invoiceDate: day("2025-03-25"), dueDate: day("2025-04-24"), amount: 50_000)
            ])
            let outcome = try await commit(database, leased, rows)
            #expect(outcome.published.map(\.partition.key) == ["g1/fy2025/m2025-02"])
            #expect(outcome.stillDirty == ["g1/fy2025/m2025-03"])
            let (freshness, dirty) = try await database.read { connection in
                let rollups = TenantRollups(connection: connection)
                return (try rollups.freshness(today: today), try rollups.dirty(group: 1))
            }
            #expect(dirty.map(\.firstDirtySequence) == [2] && dirty.map(\.dirtySequence) == [2])
            #expect(freshness.watermarkSequence == 1 && freshness.lastSequence == 2 && freshness.pendingPartitions == 1)
        }
    }

    @Test("a change dated inside a month recomputes that month from its date; earlier rows stay and answers stay exact")
    func partialMonth() async throws {
        try await withTenantDatabase { database in
            try await ingest(database, firm)
            let first = try await lease(database, token: 1)
            _ = try await commit(database, first, try await compute(database, first))
            let before = try await database.read { try $0.fetchColumn([UInt8].self, "SELECT receivables_snapshot FROM rollup_days ORDER BY day") }

            try await ingest(database, [
                InstallmentRecord(id: "I2", client: "A", invoiceID: "I2", invoiceDate: day("2025-03-25"), dueDate: day("2025-04-24"), amount: 50_000)
            ])
            let second = try await lease(database, token: 2)
            #expect(second.map(\.key) == ["g1/fy2025/m2025-03"] && second.map(\.from) == [day("2025-03-25")])
            let rows = try await compute(database, second)
            #expect(rows[second[0].key]?.days.map(\.day) == (25...31).compactMap { CalendarDate(year: 2025, month: 3, day: $0) })
            _ = try await commit(database, second, rows)

            let after = try await database.read { try $0.fetchColumn([UInt8].self, "SELECT receivables_snapshot FROM rollup_days ORDER BY day") }
            #expect(after.count == before.count)
            // February and March 1–24 untouched; the last 7 days moved by the new invoice.
            #expect(Array(after.prefix(before.count - 7)) == Array(before.prefix(before.count - 7)))
            #expect(Array(after.suffix(7)) != Array(before.suffix(7)))
            let differences = try await database.read { connection in
                let context = KPIContext(settings: KPISettings(), firstDataDate: day("2025-02-10"))
                let reader = RollupReader(connection: connection)
                let facts = try FactRecords(connection: connection).clientFacts(["A"], mapper: FactMapper(settings: nil))
                return Level1Report.differences(
                    rollup: try reader.receivablesLevel1(groups: [1], asOf: today, context: context),
                    reference: ReceivablesLevel1(evaluator: ReceivablesReference(facts, context: context), asOf: today)
                )
            }
            #expect(differences.isEmpty)
        }
    }

    @Test("the daily roll-over re-dirties the current month; a commit leased before it keeps it dirty")
    func rollOver() async throws {
        try await withTenantDatabase { database in
            try await ingest(database, firm)
            let leased = try await lease(database, token: 1)
            let rows = try await compute(database, leased)
            let marked = try await database.write { try TenantRollups(connection: $0).rollOver(today: today) }
            #expect(marked == 1)
            let outcome = try await commit(database, leased, rows)
            #expect(outcome.stillDirty == ["g1/fy2025/m2025-03"])
            let freshness = try await database.read { try TenantRollups(connection: $0).freshness(today: today) }
            // The roll-over is no ingestion: the watermark stays at the last one.
            #expect(freshness.watermarkSequence == 1 && freshness.pendingPartitions == 1)
        }
    }

    @Test("rows outside their partition are refused and nothing is written", arguments: ["day after today", "other month", "forecast not today", "stranger key"])
    func invalidRows(case name: String) async throws {
        try await withTenantDatabase { database in
            try await ingest(database, firm)
            let leased = try await lease(database, token: 1)
            var rows = try await compute(database, leased)
            let march = leased[1].key
            let template = try #require(rows[march]?.days.first)
            switch name {
            case "day after today":
                var day = template
                day.day = today.advanced(by: 1)
                rows[march]?.days.append(day)
            case "other month":
                var day = template
                day.day = CalendarDate(year: 2025, month: 2, day: 20) ?? today
                rows[march]?.days = [day]
            case "forecast not today":
                rows[march]?.periods.append(RollupPeriod(kind: .forecast, start: today.advanced(by: -1), end: today.advanced(by: -1), parts: Data()))
            default:
                rows["g99/fy2025/m2025-03"] = PartitionRollup(key: "g99/fy2025/m2025-03")
            }
            await #expect {
                _ = try await commit(database, leased, rows)
            } throws: { error in
                (error as? RollupStoreError)?.code == .invalidCommit
            }
            #expect(try await count(database, "SELECT count(*) FROM rollup_days") == 0)
            #expect(try await count(database, "SELECT count(*) FROM dirty_partitions") == 2)
        }
    }
}
