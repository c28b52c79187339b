import Foundation
import PilotageProtocol
import ProcessTestSupport
import RPCCore
import RPCTestSupport
import ServerSupport
import Storage
import Testing
import Wire

/// The worker's record cache over real processes: a worker that holds a firm's records fetches
/// only what changed for the batches that follow, and publishes exactly the rollups a worker
/// without a cache publishes from the whole history.
@Suite("Worker record cache over real processes")
struct WorkerRecordCacheTests {
    static let today = "2025-06-30"

    /// Every rollup row of a firm file (group and slice tables), as text, sorted.
    static func rollupRows(_ cluster: Cluster) throws -> [String: [String]] {
        let tables = ["rollup_days", "rollup_months", "rollup_periods", "rollup_clients", "rollup_slices", "slice_days", "slice_months", "slice_periods"]
        return try cluster.withFile(cluster.tenantPath) { connection in
            var rows: [String: [String]] = [:]
            for table in tables {
                try connection.query("SELECT * FROM \(table)") { row in
                    rows[table, default: []].append(try (0..<row.count).map { "\(try row.value(at: $0))" }.joined(separator: "|"))
                }
                rows[table]?.sort()
            }
            return rows
        }
    }

    @Test("after a first publication, batches fetch only the changes (rewritten, new, deleted and moved records) and publish what a worker without a cache does")
    func cachedWorkerPublishesWhatUncachedDoes() async throws {
        let records = try DemoFirm.records(today: Self.today, clients: 12, documents: 600, installments: 240)
        let installments = records.compactMap { $0 as? InstallmentRecord }
        let documents = records.compactMap { $0 as? DocumentRecord }
        var rewritten = try #require(installments.first)
        rewritten.amount += 54_321
        let deleted = try #require(documents.first { $0.client != rewritten.client })
        var moved = try #require(documents.first { $0.client != deleted.client && $0.client != rewritten.client })
        let destination = try #require(records.compactMap { $0 as? ClientRecord }.first { $0.id != moved.client }?.id)
        moved.client = destination
        let changes: [any IngestibleRecord] = [
            rewritten, moved,
            DocumentRecord(id: "0-NEW", client: rewritten.client, receivedOn: day(Self.today), channel: .email, kind: .cost),
            InstallmentRecord(id: "NEW-I", client: deleted.client, invoiceID: "NEW-F", invoiceDate: day(Self.today), amount: 99_900),
        ]
        let tombstone = IngestRow(kind: .document, payload: Data(try WireEncoder().encode(RecordHeader(id: deleted.id, deleted: true))))

        // A worker with its cache publishes the firm, then the changes.
        let (cachedRows, changedClients) = try await Cluster.with(today: Self.today) { cluster in
            try await cluster.ingest(records)
            let id = "cached-\(UUID().uuidString.prefix(8))"
            _ = try await cluster.startWorker(id: id, maxPartitions: 64, logLevel: "info")
            try await cluster.waitUntilPublished()
            try await cluster.ingest(changes)
            try await cluster.ingest(rows: [tombstone])
            try await cluster.waitUntilPublished()
            let verify = try await pilotage(
                ["verify", "--firm", cluster.firm, "--date", Self.today],
                environment: ["PILOTAGE_ADDRESS": cluster.address, "PILOTAGE_TOKEN": cluster.operatorToken]
            )
            #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
            let log = try String(contentsOfFile: cluster.workerLogPath(id), encoding: .utf8)
            let changed = log.split(separator: "\n").filter { $0.contains("batch committed") }.compactMap { line in
                line.split(separator: " ").first { $0.hasPrefix("changed_clients=") }.flatMap { Int($0.dropFirst("changed_clients=".count)) }
            }
            return (try Self.rollupRows(cluster), changed.reduce(0, +))
        }
        #expect(changedClients > 0, "no batch fetched changes only")

        // A worker without a cache publishes the same final records from their whole history.
        let wholeRows = try await Cluster.with(today: Self.today) { cluster in
            try await cluster.ingest(records)
            try await cluster.ingest(changes)
            try await cluster.ingest(rows: [tombstone])
            _ = try await cluster.startWorker(id: "uncached-\(UUID().uuidString.prefix(8))", maxPartitions: 64, arguments: ["--record-cache", "0"])
            try await cluster.waitUntilPublished()
            return try Self.rollupRows(cluster)
        }
        #expect(wholeRows.keys.sorted() == cachedRows.keys.sorted())
        for (table, rows) in wholeRows {
            #expect(!rows.isEmpty)
            #expect(rows == cachedRows[table], "\(table): \(rows.count) rows without a cache, \(cachedRows[table]?.count ?? 0) with")
        }
    }
}

/// A worker process in front of a gateway older than keyed facts streams (a fake one over TCP):
/// such a gateway ignores `keyed` and sends records without ids.
@Suite("Worker against a gateway older than keyed streams")
struct OlderGatewayTests {
    @Test("the batch fails with FAILED_PRECONDITION asking to upgrade the gateway, is released, and nothing is committed")
    func olderGatewayIsRefused() async throws {
        let events = LockedValueBox<[String]>([])
        var service = ServiceDefinition(name: WorkerMethods.name)
        service.unary(WorkerMethods.lease) { request, _ in
            let first = events.withLock { events in
                defer { events.append("lease") }
                return !events.contains("lease")
            }
            let partition = LeasedPartition(
                key: "g1/fy2025/m2025-06", month: day("2025-06-01"), fencingToken: 1, dirtySequence: 1, generation: 0, groupID: 1
            )
            let work = WorkAssignment(
                firmID: "old", family: .clientGroup, groupID: 1, fiscalYear: nil, partitions: [partition], expiresAt: Date().addingTimeInterval(30)
            )
            return LeaseReply(work: first ? work : nil, pendingPartitions: first ? 1 : 0)
        }
        service.serverStreaming(WorkerMethods.fetchFacts) { request, writer, _ in
            events.withLock { $0.append("fetch keyed=\(request.keyed == true)") }
            let header = FactsHeader(
                settings: nil, today: day("2025-06-30"), firstDataDate: day("2025-01-01"), through: day("2025-06-30"),
                settingsFingerprint: "fp", clientCount: 1, groups: [GroupMembers(groupID: 1, clients: ["A"])]
            )
            try await writer.write(FactsChunk(header: header))
            try await writer.write(FactsChunk(records: [StoredRecord(kind: .installment, client: "A", payload: Data([0x0A]))]))
        }
        service.clientStreaming(WorkerMethods.commit) { _, _ in
            events.withLock { $0.append("commit") }
            return CommitReply(published: [], stillDirty: [], rows: 0)
        }
        service.unary(WorkerMethods.release) { request, _ in
            events.withLock { $0.append("release \(request.partitions.count)") }
            return ReleaseReply(released: request.partitions.count)
        }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("older-gateway-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        try await withServerAndClient(.tcp, services: [service]) { server, _ in
            // The worker as its own process: the test process's cooperative threads are shared
            // with every suite running at the same time.
            let address = try await server.listeningAddress
            let worker = try await ChildProcess.start(
                "pilotage-worker",
                arguments: [
                    "--address", "127.0.0.1:\(address.port)", "--token", "token", "--worker-id", "w", "--concurrency", "1",
                    "--idle-poll-ms", "20", "--log-level", "info",
                ],
                readyPrefix: "worker ",
                stderrPath: log
            )
            let released = await eventually(timeout: .seconds(120)) { events.withLock { $0.contains("release 1") } }
            #expect(try await worker.stop() == 0)
            #expect(released)
        }
        #expect(events.withLock { $0.contains("fetch keyed=true") && !$0.contains("commit") })
        let error = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").first { $0.contains("worker loop error") }
        #expect(
            error?.contains("FAILED_PRECONDITION") == true && error?.contains("upgrade gateways before workers") == true,
            "\(error ?? "no error logged")"
        )
    }
}
