internal import Foundation
internal import Imports
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

/// A generated firm in a real tenant file, read back the way the gateway's facts stream reads
/// it: the header, and every record of the batch's clients, group by group.
struct GeneratedBatch {
    var work: WorkAssignment
    var header: FactsHeader
    /// The records as a stream without keys sends them (none dated after `header.through`).
    var records: [StoredRecord]
    /// The records as a keyed stream sends them: every one, with ids and first dates.
    var keyed: [StoredRecord]

    static let today = CalendarDate(year: 2025, month: 6, day: 30) ?? .min

    /// `spread`: the firm plus a batch of rows dated today for most clients, and only the
    /// current month of each group from today (what the lag benchmark's batches dirty);
    /// otherwise every dirty month of every group, whole.
    static func make(spread: Bool) async throws -> GeneratedBatch {
        try await Self.withFirmFile { database in try await Self.make(database, spread: spread) }
    }

    /// A tenant file in a temporary directory, open for `body`, closed and removed after it.
    static func withFirmFile<T>(_ body: (Database) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("batch-computation-\(UUID().uuidString)")
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

    private static func make(_ database: Database, spread: Bool) async throws -> GeneratedBatch {
        try await Self.ingestFirm(database)
        if spread {
            var lag: [any IngestibleRecord] = []
            for number in 0..<40 {
                let client = "CLI-\(String(format: "%05d", number % Self.clients + 1))"
                lag.append(DocumentRecord(id: "LAG-D\(number)", client: client, receivedOn: Self.today, channel: .email, kind: .cost))
                lag.append(
                    InstallmentRecord(
                        id: "LAG-I\(number)", client: client, invoiceID: "LAG-F\(number)", invoiceDate: Self.today,
                        dueDate: Self.today.advanced(by: 30), amount: Int64(10_000 + number * 7)
                    )
                )
                lag.append(CreditDocumentRecord(id: "LAG-P\(number)", kind: .payment, client: client, date: Self.today, amount: Int64(5_000 + number)))
            }
            try await Self.ingest(database, lag)
        }
        return try await Self.read(database, spread: spread)
    }

    /// Clients of the generated firm.
    static let clients = 14

    /// Ingests the generated firm into `database`.
    static func ingestFirm(_ database: Database) async throws {
        var parameters = DemoFirmParameters(size: .small, today: Self.today, seed: 11)
        (parameters.clients, parameters.documents, parameters.installments, parameters.deals) = (Self.clients, 700, 240, 4)
        var records: [any IngestibleRecord] = []
        for batch in try DemoFirmGenerator(parameters: parameters) { records += batch.records }
        try await Self.ingest(database, records)
    }

    /// The batch of every group's dirty partitions (`spread`: only the current month, from
    /// today), with its header (keyed: ``PilotageProtocol/FactsHeader/recordsAsOf`` set) and
    /// records, read from `database`.
    static func read(_ database: Database, spread: Bool) async throws -> GeneratedBatch {
        try await database.read { connection in
            let rollups = TenantRollups(connection: connection)
            let settings = try rollups.settings()
            var partitions: [LeasedPartition] = []
            var groups: [GroupMembers] = []
            for group in try rollups.groups().map(\.id).sorted() {
                var dirty = try rollups.dirty(group: group)
                if spread {
                    dirty = dirty.filter { $0.partition.monthStart == Self.today.firstOfMonth }
                    for index in dirty.indices { dirty[index].from = Self.today }
                }
                guard !dirty.isEmpty else { continue }
                groups.append(GroupMembers(groupID: group, clients: try rollups.members(ofGroup: group)))
                partitions += dirty.map {
                    LeasedPartition(
                        key: $0.key, month: $0.partition.monthStart, fencingToken: 1, dirtySequence: $0.dirtySequence,
                        generation: $0.generation, from: $0.from, groupID: $0.group
                    )
                }
            }
            let reader = FactRecords(connection: connection)
            let header = FactsHeader(
                settings: settings,
                today: Self.today,
                firstDataDate: try rollups.firstDataDate(),
                through: Self.today,
                settingsFingerprint: FactMapper.kpiSettings(settings).partsFingerprint,
                clientCount: groups.reduce(0) { $0 + $1.clients.count },
                groups: groups,
                recordsAsOf: try reader.recordsVersion()
            )
            let clients = groups.flatMap(\.clients)
            let records = try clients.flatMap { try reader.records(ofClient: $0, through: Self.today) }
            let keyed = try clients.flatMap { try reader.keyedRecords(ofClient: $0) }
            let work = WorkAssignment(
                firmID: "f", family: .clientGroup, groupID: nil, fiscalYear: nil, partitions: partitions, expiresAt: Date().addingTimeInterval(60)
            )
            return GeneratedBatch(work: work, header: header, records: records, keyed: keyed)
        }
    }

    static func ingest(_ database: Database, _ records: [any IngestibleRecord]) async throws {
        let encoder = WireEncoder()
        try await Self.ingest(database, rows: try records.map { IngestRow(kind: type(of: $0).entityKind, payload: Data(try encoder.encode($0))) })
    }

    static func ingest(_ database: Database, rows: [IngestRow]) async throws {
        let report = try await database.write { connection in
            try BatchWriter(today: Self.today).ingest(rows, options: IngestOptions(), connection: connection)
        }
        #expect(report.rejected == 0)
    }

    /// The reference: every record decoded through `Decodable` (no fast path), in order, then
    /// each group mapped and computed one after the other.
    func referenceRollups() throws -> [PartitionRollup] {
        let decoder = WireDecoder()
        var sets: [String: ClientRecordSet] = [:]
        func decode<T: Decodable>(_ type: T.Type, _ record: StoredRecord) throws -> T {
            try decoder.decodeWithoutFastPath(type, from: [UInt8](record.payload))
        }
        for record in self.records {
            let client = try #require(record.client)
            var set = sets[client] ?? ClientRecordSet()
            switch record.kind {
            case .client: set.client = try decode(ClientRecord.self, record)
            case .installment: set.installments.append(try decode(InstallmentRecord.self, record))
            case .debitDocument: set.debitDocuments.append(try decode(DebitDocumentRecord.self, record))
            case .creditDocument: set.creditDocuments.append(try decode(CreditDocumentRecord.self, record))
            case .allocation: set.allocations.append(try decode(AllocationRecord.self, record))
            case .dispute: set.disputes.append(try decode(DisputeRecord.self, record))
            case .provision: set.provisions.append(try decode(ProvisionRecord.self, record))
            case .offLedgerExposure: set.exposures.append(try decode(OffLedgerExposureRecord.self, record))
            case .document: set.documents.append(try decode(DocumentRecord.self, record))
            case .supplierRule: set.supplierRules.append(try decode(SupplierRuleRecord.self, record))
            case .collectionEvent: set.events.append(try decode(CollectionEventRecord.self, record))
            default: break
            }
            sets[client] = set
        }
        let mapper = FactMapper(settings: self.header.settings)
        var result: [PartitionRollup] = []
        for group in self.header.groups {
            result += self.calculator.rollups(facts: group.clients.compactMap { sets[$0].flatMap(mapper.facts) }, targets: self.targets(ofGroup: group.groupID))
        }
        return result
    }

    /// The calculator of the batch's header (settings, today, first data date).
    var calculator: GroupRollupCalculator {
        GroupRollupCalculator(
            settings: FactMapper.kpiSettings(self.header.settings),
            today: self.header.today,
            firstDataDate: self.header.firstDataDate
        )
    }

    /// The batch's partitions of one group, as calculator targets.
    func targets(ofGroup group: Int64) -> [GroupRollupCalculator.Target] {
        self.work.partitions.filter { $0.groupID == group }.map {
            GroupRollupCalculator.Target(key: $0.key, month: $0.month ?? .min, from: $0.from)
        }
    }
}

@Suite("Batch computation: chunked, fast-decoded and parallel, equal to the reference")
struct BatchComputationTests {
    @Test(
        "rows decoded chunk by chunk (any chunk size, chunks decoded concurrently) equal the Codable, sequential reference",
        arguments: [false, true]
    )
    func chunkedEqualsReference(spread: Bool) async throws {
        let batch = try await GeneratedBatch.make(spread: spread)
        #expect(batch.records.count > 1_000)
        #expect(batch.header.groups.count > 3)
        if spread {
            #expect(batch.work.partitions.allSatisfy { $0.from == GeneratedBatch.today })
        }
        let reference = try batch.referenceRollups()
        #expect(reference.count == batch.work.partitions.count)
        #expect(reference.contains { !$0.days.isEmpty && !($0.clients ?? []).isEmpty })

        #expect(try BatchComputation.rollups(work: batch.work, header: batch.header, records: batch.records) == reference)
        for chunkSize in [1, 97, 2_000] {
            let chunks = stride(from: 0, to: batch.records.count, by: chunkSize).map {
                batch.records[$0..<min($0 + chunkSize, batch.records.count)]
            }
            // Decode the chunks concurrently, as the worker does, then append them in stream order.
            let decoded = ResultSlots<Result<ClientRecordSets, RollupError>>(count: chunks.count)
            DispatchQueue.concurrentPerform(iterations: chunks.count) { index in
                decoded.set(index, Result { () throws(RollupError) in try BatchComputation.decodeClientRecords(chunks[index]) })
            }
            var sets = ClientRecordSets()
            for result in decoded.values { sets.append(contentsOf: try #require(result).get()) }
            #expect(sets.clientCount == batch.header.clientCount)
            #expect(try BatchComputation.rollups(work: batch.work, header: batch.header, sets: sets) == reference, "chunks of \(chunkSize)")
        }
    }

    @Test(
        "a batch computed while it streams (groups as soon as their clients are complete) equals the reference, in any chunk size",
        arguments: [false, true]
    )
    func streamingEqualsReference(spread: Bool) async throws {
        let batch = try await GeneratedBatch.make(spread: spread)
        let reference = try batch.referenceRollups()
        #expect(batch.keyed.count >= batch.records.count)
        for chunkSize in [1, 97, 2_000] {
            let (rows, records) = try await Self.stream(batch.keyed, of: batch, chunkSize: chunkSize)
            #expect(rows == reference, "chunks of \(chunkSize)")
            #expect(records.count == batch.header.clientCount)
            #expect(records.values.reduce(0) { $0 + $1.count } == batch.keyed.count)
        }
    }

    @Test("a group of one client computes its client rows with the group's calculators: equal to the client computed alone")
    func oneClientGroupsShareCalculators() async throws {
        let batch = try await GeneratedBatch.make(spread: false)
        let sets = try BatchComputation.decodeClientRecords(batch.records[...])
        let mapper = FactMapper(settings: batch.header.settings)
        let settings = FactMapper.kpiSettings(batch.header.settings)
        let calculator = batch.calculator
        let single = batch.header.groups.filter { $0.clients.count == 1 }
        #expect(!single.isEmpty && single.count < batch.header.groups.count)
        var compared = 0
        for group in single {
            let facts = try #require(sets[group.clients[0]].flatMap(mapper.facts))
            let targets = batch.targets(ofGroup: group.groupID)
            for row in calculator.rollups(facts: [facts], targets: targets).flatMap({ $0.clients ?? [] }) {
                let alone = try #require(ClientRollupCalculator.parts(of: facts, at: [row.day], settings: settings)[row.day])
                #expect(try ClientReceivablesParts(compactEncoded: [UInt8](row.receivables)) == alone.receivables)
                #expect(try ClientPracticeParts(compactEncoded: [UInt8](row.practice)) == alone.practice)
                compared += 1
            }
        }
        #expect(compared > 20)
    }

    @Test(
        "a group of several clients, computed client by client and summed, has the rows of one computation over all its facts, byte for byte",
        arguments: [false, true]
    )
    func summedClientsEqualWholeGroup(spread: Bool) async throws {
        let batch = try await GeneratedBatch.make(spread: spread)
        let sets = try BatchComputation.decodeClientRecords(batch.records[...])
        let mapper = FactMapper(settings: batch.header.settings)
        let calculator = batch.calculator
        var compared = 0
        for group in batch.header.groups where group.clients.count > 1 {
            let facts = group.clients.compactMap { sets[$0].flatMap(mapper.facts) }
            let targets = batch.targets(ofGroup: group.groupID)
            let summed = calculator.rollupsSummingClients(facts: facts, targets: targets)
            #expect(summed == calculator.rollupsOverAllFacts(facts: facts, targets: targets), "group \(group.groupID)")
            // What the worker computes: summed for targets from a day, over all facts for whole months.
            #expect(calculator.rollups(facts: facts, targets: targets) == summed)
            compared += summed.filter { !$0.days.isEmpty }.count
            // Every client's rows are there, in day then client order.
            let clientRows = summed.flatMap { $0.clients ?? [] }
            #expect(Set(clientRows.map(\.client)).isSubset(of: Set(group.clients)))
        }
        #expect(compared >= (spread ? 1 : 20))
    }

    @Test("a batch over the records held reuses the shares kept for unchanged clients, only when computed from the same inputs and settings")
    func keptSharesOfUnchangedClients() async throws {
        let batch = try await GeneratedBatch.make(spread: true)
        let reference = try batch.referenceRollups()
        let (first, held, firstShares) = try await Self.streamCountingShares(batch.keyed, of: batch, chunkSize: 500)
        #expect(first == reference)
        #expect(held.count == batch.header.clientCount)
        #expect(held.values.allSatisfy { $0.memo != nil })
        #expect(firstShares.reused == 0 && firstShares.computed == held.count)

        // Each client's records cut down to its client record, its memo kept: rows computed
        // from these records would differ, rows from the memos do not.
        let clientRecords = try BatchComputation.decodeKeyedRecords(batch.keyed.filter { $0.kind == .client }[...])
        var stripped: [String: KeyedClientRecords] = [:]
        for (client, changes) in clientRecords {
            var records = KeyedClientRecords(changes: changes)
            records.memo = held[client]?.memo
            stripped[client] = records
        }
        #expect(stripped.count == held.count)
        var header = batch.header
        header.changedOnly = Array(held.keys)
        let (second, kept, secondShares) = try await Self.streamCountingShares([], of: batch, header: header, cached: stripped, chunkSize: 500)
        #expect(second == reference)
        #expect(kept.values.allSatisfy { $0.memo != nil })
        #expect(secondShares.reused == held.count && secondShares.computed == 0)
        // Computed for other settings, a memo is not used: the cut-down records are computed.
        // The DSO window is not in the parts fingerprint, but the window flows depend on it.
        var settings = try #require(header.settings)
        settings.dsoWindowDays = (settings.dsoWindowDays ?? 90) + 30
        header.settings = settings
        let (third, _, thirdShares) = try await Self.streamCountingShares([], of: batch, header: header, cached: stripped, chunkSize: 500)
        #expect(third != reference)
        #expect(thirdShares.reused == 0 && thirdShares.computed == held.count)
        #expect(third.filter { !$0.days.isEmpty }.count == reference.filter { !$0.days.isEmpty }.count)

        // Records that change drop their memo; applying nothing keeps it.
        var records = try #require(held.values.first)
        records.apply([])
        #expect(records.memo != nil)
        records.apply(try #require(clientRecords.first?.changes))
        #expect(records.memo == nil)
    }

    @Test("a client coming back after the stream moved past it: the early rows are discarded and the result is still exact")
    func streamingOutOfOrder() async throws {
        let batch = try await GeneratedBatch.make(spread: false)
        // Move the first record of the first client to the very end of the stream.
        var records = batch.keyed
        records.append(records.removeFirst())
        let reference = try batch.referenceRollups()
        let moved = try #require(records.last?.client)
        #expect(records.dropLast().contains { $0.client == moved } && records.dropLast().last?.client != moved)
        for chunkSize in [50, 2_000] {
            #expect(try await Self.stream(records, of: batch, chunkSize: chunkSize).rows == reference, "chunks of \(chunkSize)")
        }
    }

    @Test("a chunk that does not decode fails the streamed batch with invalidFacts")
    func streamingFailure() async throws {
        let batch = try await GeneratedBatch.make(spread: true)
        var records = batch.keyed
        records[records.count / 2].payload = Data([0x0A, 0x01])
        await #expect(throws: RollupError.self) { try await Self.stream(records, of: batch, chunkSize: 100) }
    }

    /// Streams keyed `records` through a ``StreamingBatch`` in chunks of `chunkSize`, over the
    /// records held of the clients sent as changes (`cached`, `header.changedOnly`).
    static func stream(
        _ records: [StoredRecord],
        of batch: GeneratedBatch,
        header: FactsHeader? = nil,
        cached: [String: KeyedClientRecords] = [:],
        chunkSize: Int
    ) async throws -> (rows: [PartitionRollup], records: [String: KeyedClientRecords]) {
        let (rows, held, _) = try await Self.streamCountingShares(records, of: batch, header: header, cached: cached, chunkSize: chunkSize)
        return (rows, held)
    }

    /// ``stream(_:of:header:cached:chunkSize:)``, with the batch's ``StreamingBatch/shareCounts``.
    static func streamCountingShares(
        _ records: [StoredRecord],
        of batch: GeneratedBatch,
        header: FactsHeader? = nil,
        cached: [String: KeyedClientRecords] = [:],
        chunkSize: Int
    ) async throws -> (rows: [PartitionRollup], records: [String: KeyedClientRecords], shares: (reused: Int, computed: Int)) {
        let streaming = StreamingBatch(work: batch.work, queue: DispatchQueue(label: "test.compute", attributes: .concurrent), cached: cached)
        streaming.start(header ?? batch.header)
        for start in stride(from: 0, to: records.count, by: chunkSize) {
            streaming.submit(Array(records[start..<min(start + chunkSize, records.count)]))
        }
        let (rows, held) = try await streaming.finish()
        return (rows, held, streaming.shareCounts)
    }

    @Test("a record without a client, or whose payload is not its kind, is refused with invalidFacts")
    func badRecordsAreRefused() throws {
        let installment = try WireEncoder().encode(
            InstallmentRecord(id: "I", client: "A", invoiceID: "F", invoiceDate: GeneratedBatch.today, amount: 100)
        )
        let bad: [StoredRecord] = [
            StoredRecord(kind: .installment, client: nil, payload: Data(installment)),
            StoredRecord(kind: .document, client: "A", payload: Data(installment)),
            StoredRecord(kind: .installment, client: "A", payload: Data(installment.dropLast())),
        ]
        for record in bad {
            #expect(throws: RollupError.self) { try BatchComputation.decodeClientRecords([record][...]) }
            do {
                _ = try BatchComputation.decodeClientRecords([record][...])
            } catch {
                #expect(error.code == .invalidFacts)
            }
        }
    }
}
