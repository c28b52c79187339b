import Foundation
import PilotageProtocol
import RPCCore
import RPCTransportTCP
import ServerSupport
import Storage
import Testing
import Wire
import ProcessTestSupport

// Adapted from Tests/WorkerServiceTests/Support/Cluster.swift (test targets cannot depend on each
// other): a gateway process only, no worker.

/// A real `pilotage-gateway` process on 127.0.0.1 (port 0) over a temporary data directory, with
/// one firm, a back-office credential and an RPC client; the process is killed and the directory
/// removed when the body returns.
final class TestGateway: Sendable {
    let directory: URL
    let gateway: ChildProcess
    let port: Int
    let client: RPCClient
    let operatorToken: String
    let backOfficeToken: String
    let firm = "demo"

    private init(directory: URL, gateway: ChildProcess, port: Int, client: RPCClient, operatorToken: String, backOfficeToken: String) {
        self.directory = directory
        self.gateway = gateway
        self.port = port
        self.client = client
        self.operatorToken = operatorToken
        self.backOfficeToken = backOfficeToken
    }

    var address: String { "127.0.0.1:\(self.port)" }
    var operatorMetadata: Metadata { [MetadataKey.authorization: self.operatorToken] }

    /// Back-office metadata, acting for `user` when given.
    func metadata(as user: String? = nil) -> Metadata {
        var metadata: Metadata = [MetadataKey.authorization: self.backOfficeToken, MetadataKey.tenant: self.firm]
        if let user { metadata.add(MetadataKey.user, user) }
        return metadata
    }

    /// The CLI environment of this gateway and firm.
    var cliEnvironment: [String: String] {
        ["PILOTAGE_ADDRESS": self.address, "PILOTAGE_TOKEN": self.backOfficeToken, "PILOTAGE_FIRM": self.firm]
    }

    /// Runs `body` with a fresh gateway whose business date is `today`.
    static func with<T: Sendable>(today: String, _ body: (TestGateway) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("supervisor-tests-\(UUID().uuidString)")
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
        let gatewayValue = TestGateway(
            directory: directory,
            gateway: gateway,
            port: port,
            client: client,
            operatorToken: operatorToken,
            backOfficeToken: backOffice.token
        )
        return try await body(gatewayValue)
    }

    /// Ingests `records` as one batch.
    @discardableResult
    func ingest(_ records: [any IngestibleRecord]) async throws -> IngestReport {
        let encoder = WireEncoder()
        let rows = try records.map { record in IngestRow(kind: type(of: record).entityKind, payload: Data(try encoder.encode(record))) }
        return try await self.client.clientStreaming(IngestionService.ingestBatch, metadata: self.metadata()) { writer in
            try await writer.write(IngestChunk(options: IngestOptions(source: "test"), rows: rows))
        }
    }

    /// The firm's freshness.
    func freshness() async throws -> Freshness {
        let reply = try await self.client.unary(StatusService.get, StatusRequest(firmID: self.firm), metadata: self.operatorMetadata)
        return try #require(reply.firms.first).freshness
    }

    /// Rollup partitions whose dirty mark was set by ingestion `sequence` (read behind the
    /// gateway's back, as an operator would with sqlite3).
    func dirtyPartitions(sequence: Int64) throws -> Int {
        var options = SQLiteConnection.Options()
        options.access = .readWrite(create: false)
        options.enablesWAL = false
        options.queryOnly = true
        let connection = try SQLiteConnection(path: self.directory.appendingPathComponent("data/tenants/\(self.firm).sqlite").path, options: options)
        defer { connection.close() }
        return try connection.fetchValue(Int.self, "SELECT count(*) FROM dirty_partitions WHERE dirty_sequence = ?", sequence) ?? 0
    }

    /// A unary supervisor call acting as `user`.
    func call<Request, Response>(_ method: MethodDescriptor<Request, Response>, _ request: Request, as user: String? = nil) async throws -> Response {
        try await self.client.unary(method, request, metadata: self.metadata(as: user))
    }
}

/// The RPC status code of an error thrown by `body`, `nil` when it does not throw.
func statusCode(_ body: () async throws -> Void) async -> RPCError.Code? {
    do {
        try await body()
        return nil
    } catch let error as RPCError {
        return error.code
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

func day(_ text: String) -> CalendarDate {
    guard let date = CalendarDate(text) else { preconditionFailure("bad test date \(text)") }
    return date
}

/// Euros to cents.
func eur(_ euros: Int64) -> Int64 { euros * 100 }
