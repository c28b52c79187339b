internal import Foundation
internal import Ingestion
internal import KPI
internal import PilotageProtocol
internal import RollupStore
internal import Rollups
internal import Storage
internal import TenantStore
internal import Testing
internal import Wire
internal import WorkerService

/// The worker's record cache: records held from an earlier stream, brought up to date with the
/// changes a keyed stream sends (``FactRecords/changes(since:limit:)``), give exactly the rows of
/// the whole history read again.
@Suite("Record caches: changes applied to held records equal the whole history")
struct RecordCacheTests {
    static func decode<T: Decodable>(_ type: T.Type, _ record: StoredRecord) throws -> T {
        try WireDecoder().decode(type, from: [UInt8](record.payload))
    }

    @Test("a stream of changes (rewritten, new, deleted and moved records) over held records equals the whole history, in any chunk size")
    func changesOverHeldRecordsEqualWholeHistory() async throws {
        try await GeneratedBatch.withFirmFile { database in
            try await GeneratedBatch.ingestFirm(database)
            let before = try await GeneratedBatch.read(database, spread: false)
            let version = try #require(before.header.recordsAsOf)
            let (_, held) = try await BatchComputationTests.stream(before.keyed, of: before, chunkSize: 500)
            #expect(held.count == GeneratedBatch.clients)

            // Rewrite an installment of client 1, add records to it (one id sorting before all
            // of its others), delete a document of client 2, move a document of client 3 to client 4.
            func client(_ number: Int) -> String { "CLI-\(String(format: "%05d", number))" }
            func first(_ kind: EntityKind, of client: String) throws -> StoredRecord {
                try #require(before.keyed.first { $0.kind == kind && $0.client == client })
            }
            var rewritten = try Self.decode(InstallmentRecord.self, try first(.installment, of: client(1)))
            rewritten.amount += 12_345
            let deleted = try Self.decode(DocumentRecord.self, try first(.document, of: client(2)))
            var moved = try Self.decode(DocumentRecord.self, try first(.document, of: client(3)))
            moved.client = client(4)
            let added: [any IngestibleRecord] = [
                DocumentRecord(id: "0-FIRST", client: client(1), receivedOn: GeneratedBatch.today, channel: .email, kind: .cost),
                DocumentRecord(id: "ZZ-LAST", client: client(1), receivedOn: GeneratedBatch.today.advanced(by: -3), channel: .paper, kind: .sale),
                InstallmentRecord(id: "NEW-I1", client: client(5), invoiceID: "NEW-F1", invoiceDate: GeneratedBatch.today, amount: 77_700),
            ]
            try await GeneratedBatch.ingest(database, [rewritten, moved] + added)
            try await GeneratedBatch.ingest(database, rows: [
                IngestRow(kind: .document, payload: Data(try WireEncoder().encode(RecordHeader(id: deleted.id, deleted: true))))
            ])

            let after = try await GeneratedBatch.read(database, spread: false)
            let reference = try after.referenceRollups()
            let clients = after.header.groups.flatMap(\.clients)
            // Half the clients as changes (every changed one among them), the others whole.
            let changedOnly = Set(clients.filter { [client(1), client(2), client(3), client(4)].contains($0) || $0.hasSuffix("7") || $0.hasSuffix("9") })
            let since = Dictionary(uniqueKeysWithValues: changedOnly.map { ($0, version.sequence) })
            let (changes, capped, versionKnown, otherFile) = try await database.read { connection in
                let facts = FactRecords(connection: connection)
                return (
                    try facts.changes(since: since, limit: 1_000),
                    try facts.changes(since: since, limit: 2),
                    try facts.hasVersion(version),
                    try facts.hasVersion(RecordsVersion(sequence: version.sequence, committedAt: "1999-01-01T00:00:00Z"))
                )
            }
            let stream = try #require(changes) + after.keyed.filter { !changedOnly.contains($0.client ?? "") }
            #expect(capped == nil, "more changes than the limit: the clients are sent whole")
            #expect(versionKnown && !otherFile)
            let removals = (changes ?? []).filter { $0.removed == true }.map { "\($0.client ?? "")/\($0.id ?? "")" }.sorted()
            #expect(removals == ["\(client(2))/\(deleted.id)", "\(client(3))/\(moved.id)"])
            #expect(Set((changes ?? []).filter { $0.removed != true }.compactMap(\.id)) == [rewritten.id, moved.id, "0-FIRST", "ZZ-LAST"])

            // Which clients get changes: versions of this file recent enough; the others whole.
            let now = try #require(after.header.recordsAsOf)
            let known = [
                KnownRecords(asOf: version, clients: [client(1), client(4)]),
                KnownRecords(asOf: now, clients: [client(2)]),
                KnownRecords(asOf: RecordsVersion(sequence: now.sequence, committedAt: "elsewhere"), clients: [client(3)]),
            ]
            let members = clients.filter { $0 != client(4) }
            let (generous, strict) = try await database.read { connection in
                let facts = FactRecords(connection: connection)
                return (
                    try facts.changes(known: known, members: members, limit: 1_000),
                    try facts.changes(known: known, members: members, limit: 2)
                )
            }
            #expect(generous.since == [client(1): version.sequence, client(2): now.sequence])
            #expect(Set(generous.changes.compactMap(\.client)) == [client(1)])
            // Client 1's three changes do not fit in 2: it is sent whole, client 2 still as changes.
            #expect(strict.since == [client(2): now.sequence] && strict.changes.isEmpty)
            // Each client's changes come from its own index ranges, not from every change of the firm.
            let first = client(1)
            let plans = try await database.read { connection in
                try ["SELECT count(*) FROM records WHERE owner = ?1 AND sequence > ?2", "SELECT count(*) FROM record_removals WHERE owner = ?1 AND sequence > ?2"].map { sql in
                    var plan: [String] = []
                    try connection.query("EXPLAIN QUERY PLAN " + sql, first, version.sequence) { row in plan.append(try row.decode(String.self, at: 3)) }
                    return plan.joined(separator: "; ")
                }
            }
            #expect(plans[0].contains("records_by_owner_sequence (owner=? AND sequence>?)"), "\(plans[0])")
            #expect(plans[1].contains("record_removals_by_owner (owner=? AND sequence>?)"), "\(plans[1])")

            var header = after.header
            header.changedOnly = changedOnly.sorted()
            for chunkSize in [1, 37, 5_000] {
                let (rows, records) = try await BatchComputationTests.stream(stream, of: after, header: header, cached: held, chunkSize: chunkSize)
                #expect(rows == reference, "chunks of \(chunkSize)")
                for client in clients {
                    #expect(records[client]?.count == after.keyed.filter { $0.client == client }.count, "\(client)")
                }
            }
        }
    }

    @Test("a client sent as changes that the worker does not hold fails the batch with invalidFacts")
    func changesWithoutHeldRecordsFail() async throws {
        let batch = try await GeneratedBatch.make(spread: true)
        var header = batch.header
        header.changedOnly = [try #require(batch.header.groups.first?.clients.first)]
        await #expect(throws: RollupError.self) {
            try await BatchComputationTests.stream(batch.keyed, of: batch, header: header, chunkSize: 100)
        }
    }

    @Test("held records follow the tenant file's order whatever order the changes come in; a date bound leaves later records out")
    func keyedRecordsOrderAndDateBound() throws {
        func change(_ id: String, _ amount: Int64?, day: Int = 1) -> KeyedClientRecords.Change {
            let date = CalendarDate(year: 2025, month: 6, day: day)
            return KeyedClientRecords.Change(
                kind: .installment,
                id: id,
                firstDate: date,
                record: amount.map { .installment(InstallmentRecord(id: id, client: "A", invoiceID: "F", invoiceDate: date ?? .min, amount: $0)) }
            )
        }
        func ids(_ records: KeyedClientRecords) -> [String] { records.set.installments.map(\.id) }
        // Byte order, as SQLite's BINARY collation: "B" < "a" < "é".
        var records = KeyedClientRecords(changes: [change("a", 1), change("é", 2), change("B", 3)])
        #expect(ids(records) == ["B", "a", "é"])
        records.apply([change("a", nil), change("0", 4), change("é", 5), change("a", 6, day: 20), change("missing", nil), change("C", 7, day: 25)])
        #expect(ids(records) == ["0", "B", "C", "a", "é"])
        #expect(records.set.installments.map(\.amount) == [4, 3, 7, 6, 5])
        #expect(records.latestFirstDate == CalendarDate(year: 2025, month: 6, day: 25))
        let bounded = records.recordSet(through: try #require(CalendarDate(year: 2025, month: 6, day: 20)))
        #expect(bounded.installments.map(\.id) == ["0", "B", "a", "é"])
        records.apply([change("C", nil), change("B", nil)])
        #expect(ids(records) == ["0", "a", "é"] && records.count == 3)
    }

    @Test("kept facts follow the records through changes: always the mapper's facts of the records, for any date bound and time zone")
    func keptFactsFollowTheRecords() async throws {
        let batch = try await GeneratedBatch.make(spread: false)
        let paris = FactMapper(settings: batch.header.settings)
        var settings = try #require(batch.header.settings)
        settings.timeZone = paris.timeZone.identifier == "Pacific/Auckland" ? "America/New_York" : "Pacific/Auckland"
        let elsewhere = FactMapper(settings: settings)
        #expect(elsewhere.timeZone != paris.timeZone)
        // The client with the most collection events (their business dates depend on the time zone).
        let decoded = try BatchComputation.decodeKeyedRecords(batch.keyed[...])
        let (client, changes) = try #require(decoded.max { left, right in
            left.changes.filter { $0.kind == .collectionEvent }.count < right.changes.filter { $0.kind == .collectionEvent }.count
        })
        #expect(changes.contains { $0.kind == .collectionEvent })
        let today = GeneratedBatch.today
        let bounds = [today, today.advanced(by: -40), today.advanced(by: -400)]
        func expectKept(_ records: inout KeyedClientRecords, _ mapper: FactMapper, _ label: String) {
            for through in bounds {
                let expected = mapper.facts(records.recordSet(through: through))
                #expect(expected != nil)
                #expect(records.facts(through: through, mapper: mapper) == expected, "\(label), through \(through)")
            }
        }

        var records = KeyedClientRecords(changes: changes)
        expectKept(&records, paris, "mapped whole")
        // Rewritten, removed and new records of several kinds, new ids before, among and after
        // the others: with the mapper, each fact is mapped in its record's place.
        func first(_ kind: EntityKind) throws -> KeyedClientRecords.Change { try #require(changes.first { $0.kind == kind }) }
        var installment = try first(.installment)
        if case .installment(var value) = installment.record {
            value.amount += 1_234
            installment.record = .installment(value)
        }
        var document = try first(.document)
        document.record = nil
        var event = try first(.collectionEvent)
        if case .event(var value) = event.record {
            value.id = "0-EARLY-EVENT"
            value.at = value.at.addingTimeInterval(-86_400 * 3 - 3_600 * 5)
            event = KeyedClientRecords.Change(kind: .collectionEvent, id: value.id, firstDate: event.firstDate, record: .event(value))
        }
        let added = DocumentRecord(id: "ZZZ-LATE", client: client, receivedOn: today.advanced(by: -50), channel: .paper, kind: .sale)
        let newDocument = KeyedClientRecords.Change(kind: .document, id: added.id, firstDate: added.receivedOn, record: .document(added))
        records.apply([installment, document, event, newDocument], mapper: paris)
        expectKept(&records, paris, "changes with the mapper")
        // Without the mapper the facts are dropped, then mapped whole again.
        records.apply([document], mapper: nil)
        expectKept(&records, paris, "changes without the mapper")
        // Another time zone maps the events again.
        expectKept(&records, elsewhere, "another time zone")
        records.apply([KeyedClientRecords.Change(kind: .document, id: added.id, firstDate: nil, record: nil)], mapper: elsewhere)
        expectKept(&records, elsewhere, "a removal with the mapper")
    }

    @Test("the cache lists what it holds of a batch's groups by version, and drops the clients used least recently past its capacity")
    func cacheBoundsAndVersions() throws {
        func records(_ count: Int) -> KeyedClientRecords {
            KeyedClientRecords(changes: (0..<count).map { number in
                KeyedClientRecords.Change(
                    kind: .installment, id: "I\(number)", firstDate: nil,
                    record: .installment(InstallmentRecord(id: "I\(number)", client: "A", invoiceID: "F", invoiceDate: .min, amount: 1))
                )
            })
        }
        let first = RecordsVersion(sequence: 3, committedAt: "t3")
        let second = RecordsVersion(sequence: 5, committedAt: "t5")
        let cache = RecordCache(capacity: 100)
        cache.store(firm: "f", groups: [GroupMembers(groupID: 1, clients: ["A", "B"])], clients: ["A": records(30), "B": records(30)], asOf: first)
        cache.store(firm: "f", groups: [GroupMembers(groupID: 2, clients: ["C"])], clients: ["C": records(30)], asOf: second)
        #expect(cache.size.records == 90 && cache.size.clients == 3)
        let (known, held) = cache.known(firm: "f", groups: [1, 2, 9])
        #expect(known == [KnownRecords(asOf: first, clients: ["A", "B"]), KnownRecords(asOf: second, clients: ["C"])])
        #expect(held.keys.sorted() == ["A", "B", "C"])
        #expect(cache.known(firm: "other", groups: [1]).known.isEmpty)

        // Group 1 was used last: past the capacity, C (then the oldest) goes.
        _ = cache.known(firm: "f", groups: [1])
        cache.store(firm: "f", groups: [GroupMembers(groupID: 3, clients: ["D"])], clients: ["D": records(30)], asOf: second)
        #expect(cache.size.records <= 90)
        #expect(cache.known(firm: "f", groups: [2]).known.isEmpty)
        #expect(cache.known(firm: "f", groups: [1, 3]).records.count == 3)

        let off = RecordCache(capacity: 0)
        off.store(firm: "f", groups: [], clients: ["A": records(1)], asOf: first)
        #expect(off.size.records == 0 && !off.isEnabled)
    }
}
