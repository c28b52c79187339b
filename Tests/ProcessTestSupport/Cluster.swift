package import Foundation
package import PilotageProtocol
package import RPCCore
import RPCTransportTCP
import ServerSupport
package import Storage
import Testing
import Wire
import WorkerService

/// A real `pilotage-gateway` process on 127.0.0.1 (port 0) over a temporary data directory, with
/// one firm, a back-office and a worker credential, and an RPC client; every process started
/// through it is killed and the directory removed when the body returns.
package final class Cluster: @unchecked Sendable {
    // @unchecked Sendable: `workers` is guarded by `lock`; everything else is immutable.
    package let directory: URL
    package let gateway: ChildProcess
    package let port: Int
    package let client: RPCClient
    package let operatorToken: String
    package let backOfficeToken: String
    package let workerToken: String
    package let firm = "demo"
    private let lock = NSLock()
    private var workers: [ChildProcess] = []

    private init(directory: URL, gateway: ChildProcess, port: Int, client: RPCClient, operatorToken: String, backOfficeToken: String, workerToken: String) {
        self.directory = directory
        self.gateway = gateway
        self.port = port
        self.client = client
        self.operatorToken = operatorToken
        self.backOfficeToken = backOfficeToken
        self.workerToken = workerToken
    }

    package var address: String { "127.0.0.1:\(self.port)" }
    package var operatorMetadata: Metadata { [MetadataKey.authorization: self.operatorToken] }
    package var tenantMetadata: Metadata { [MetadataKey.authorization: self.backOfficeToken, MetadataKey.tenant: self.firm] }
    package var workerMetadata: Metadata { [MetadataKey.authorization: self.workerToken] }
    package var tenantPath: String { self.directory.appendingPathComponent("tenants/\(self.firm).sqlite").path }
    package var catalogPath: String { self.directory.appendingPathComponent("catalog.sqlite").path }

    /// Runs `body` with a fresh cluster whose business date is `today`.
    package static func with<T: Sendable>(today: String, _ body: (Cluster) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("worker-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let gateway = try await ChildProcess.start(
            "pilotage-gateway",
            arguments: ["--data", directory.appendingPathComponent("data").path, "--port", "0", "--today", today, "--log-level", "warning"],
            readyPrefix: "listening on ",
            stderrPath: directory.appendingPathComponent("gateway.log").path
        )
        defer { kill(gateway.pid, SIGKILL) }
        let port = try #require(gateway.firstLine.split(separator: ":").last.flatMap { Int($0) })
        let client = RPCClient(transport: TCPClientTransport(host: "127.0.0.1", port: port), logger: .silent())
        defer { client.close() }
        let operatorToken = try String(contentsOf: directory.appendingPathComponent("data/operator.token"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let operatorMetadata: Metadata = [MetadataKey.authorization: operatorToken]
        _ = try await client.unary(OperatorService.createFirm, CreateFirmRequest(firmID: "demo", name: "Cabinet Démo"), metadata: operatorMetadata)
        let backOffice = try await client.unary(
            OperatorService.issueCredential,
            IssueCredentialRequest(kind: .backOffice, firms: ["demo"], label: "erp"),
            metadata: operatorMetadata
        )
        let worker = try await client.unary(OperatorService.issueCredential, IssueCredentialRequest(kind: .worker, label: "workers"), metadata: operatorMetadata)
        let cluster = Cluster(
            directory: directory.appendingPathComponent("data"),
            gateway: gateway,
            port: port,
            client: client,
            operatorToken: operatorToken,
            backOfficeToken: backOffice.token,
            workerToken: worker.token
        )
        defer { cluster.killWorkers() }
        return try await body(cluster)
    }

    // MARK: - Workers

    /// Starts a `pilotage-worker` process against this gateway.
    package func startWorker(
        id: String,
        leaseSeconds: Int = 2,
        maxPartitions: Int = 24,
        concurrency: Int = 1,
        logLevel: String = "warning",
        arguments extra: [String] = []
    ) async throws -> ChildProcess {
        let tokenFile = self.directory.appendingPathComponent("worker.token")
        try Data(self.workerToken.utf8).write(to: tokenFile)
        let worker = try await ChildProcess.start(
            "pilotage-worker",
            arguments: [
                "--address", self.address, "--token-file", tokenFile.path, "--worker-id", id,
                "--lease-seconds", "\(leaseSeconds)", "--max-partitions", "\(maxPartitions)",
                "--concurrency", "\(concurrency)", "--idle-poll-ms", "50", "--log-level", logLevel,
            ] + extra,
            readyPrefix: "worker ",
            stderrPath: self.workerLogPath(id)
        )
        self.lock.withLock { self.workers.append(worker) }
        return worker
    }

    /// Where worker `id`'s standard error (its log) goes; kept after the cluster's directory is removed.
    package func workerLogPath(_ id: String) -> String {
        self.directory.deletingLastPathComponent().appendingPathComponent("\(id).log").path
    }

    private func killWorkers() {
        for worker in self.lock.withLock({ self.workers }) where worker.isRunning {
            kill(worker.pid, SIGKILL)
        }
    }

    // MARK: - Calls

    /// Ingests `records` as one batch.
    @discardableResult
    package func ingest(_ records: [any IngestibleRecord], chunkSize: Int = 2_000) async throws -> IngestReport {
        let encoder = WireEncoder()
        let rows = try records.map { record in IngestRow(kind: type(of: record).entityKind, payload: Data(try encoder.encode(record))) }
        return try await self.ingest(rows: rows, chunkSize: chunkSize)
    }

    /// Ingests `rows` (records or tombstones) as one batch.
    @discardableResult
    package func ingest(rows: [IngestRow], chunkSize: Int = 2_000) async throws -> IngestReport {
        try await self.client.clientStreaming(IngestionService.ingestBatch, metadata: self.tenantMetadata) { writer in
            var first = true
            for start in stride(from: 0, to: max(rows.count, 1), by: chunkSize) {
                let chunk = Array(rows[start..<min(start + chunkSize, rows.count)])
                try await writer.write(IngestChunk(options: first ? IngestOptions(source: "test") : nil, rows: chunk))
                first = false
            }
        }
    }

    /// Tenant metadata acting for collaborator `user` (`nil`: the firm as a whole).
    package func metadata(user: String?) -> Metadata {
        var metadata = self.tenantMetadata
        if let user { metadata.add(MetadataKey.user, user) }
        return metadata
    }

    /// The firm's rollup status.
    package func status() async throws -> FirmRollupStatus {
        let reply = try await self.client.unary(StatusService.get, StatusRequest(firmID: self.firm), metadata: self.operatorMetadata)
        return try #require(reply.firms.first)
    }

    /// `Receivables/Summary`.
    package func summary(_ request: ReceivablesSummaryRequest = ReceivablesSummaryRequest()) async throws -> ReceivablesSummaryReply {
        try await self.client.unary(ReceivablesDashboardService.summary, request, metadata: self.tenantMetadata)
    }

    /// Waits until no partition is pending (and none is leased).
    package func waitUntilPublished(timeout: Duration = .seconds(300)) async throws {
        try await waitUntil("every partition published", timeout: timeout, every: .milliseconds(200)) {
            let status = try await self.status()
            return status.freshness.pendingPartitions == 0 && status.freshness.lastSequence > 0
        }
    }

    // MARK: - Acting as a worker over RPC (controlled timing)

    package func lease(workerID: String, leaseSeconds: Int, maxPartitions: Int = 240) async throws -> WorkAssignment? {
        try await self.client.unary(
            WorkerMethods.lease,
            LeaseRequest(workerID: workerID, maxPartitions: maxPartitions, leaseSeconds: leaseSeconds),
            metadata: self.workerMetadata
        ).work
    }

    package func fetch(_ work: WorkAssignment, workerID: String) async throws -> (FactsHeader, [StoredRecord]) {
        var header: FactsHeader?
        var records: [StoredRecord] = []
        let stream = try await self.client.serverStreaming(
            WorkerMethods.fetchFacts,
            FetchFactsRequest(workerID: workerID, firmID: work.firmID, partitions: work.references),
            metadata: self.workerMetadata
        )
        for try await chunk in stream {
            if let first = chunk.header { header = first }
            records += chunk.records
        }
        return (try #require(header), records)
    }

    package func commit(_ work: WorkAssignment, header: FactsHeader, rollups: [PartitionRollup], workerID: String) async throws -> CommitReply {
        try await self.client.clientStreaming(WorkerMethods.commit, metadata: self.workerMetadata) { writer in
            try await writer.write(
                CommitChunk(
                    header: CommitHeader(
                        workerID: workerID,
                        firmID: work.firmID,
                        partitions: work.partitions,
                        settingsFingerprint: header.settingsFingerprint,
                        today: header.today
                    ),
                    rollups: rollups
                )
            )
        }
    }

    /// Leases, fetches and computes a batch like a worker would, without committing.
    package func computeBatch(workerID: String, leaseSeconds: Int) async throws -> (WorkAssignment, FactsHeader, [PartitionRollup]) {
        let work = try #require(try await self.lease(workerID: workerID, leaseSeconds: leaseSeconds))
        let (header, records) = try await self.fetch(work, workerID: workerID)
        return (work, header, try BatchComputation.rollups(work: work, header: header, records: records))
    }

    // MARK: - Files (read behind the gateway's back, as an operator would with sqlite3)

    /// Runs `body` on a connection to one of the gateway's files.
    package func withFile<T>(_ path: String, readOnly: Bool = true, _ body: (SQLiteConnection) throws -> T) throws -> T {
        var options = SQLiteConnection.Options()
        options.access = .readWrite(create: false)
        options.enablesWAL = false
        options.queryOnly = readOnly
        let connection = try SQLiteConnection(path: path, options: options)
        defer { connection.close() }
        return try body(connection)
    }
}
