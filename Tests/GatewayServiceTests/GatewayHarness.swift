import Foundation
import GatewayService
import PilotageProtocol
import RPCCore
import RPCTransportTCP
import ServerSupport
import Wire

/// A gateway running in this process on 127.0.0.1 (port 0) over a temporary data directory, with
/// an operator client, torn down when the body returns.
struct GatewayHarness: Sendable {
    let gateway: Gateway
    let port: Int
    let directory: URL
    let operatorToken: String
    let client: RPCClient

    var operatorMetadata: Metadata { [MetadataKey.authorization: self.operatorToken] }

    static func with<T: Sendable>(
        poolCapacity: Int = 16,
        maxRowsPerBatch: Int = 10_000,
        _ body: (GatewayHarness) async throws -> T
    ) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = GatewayConfiguration(dataDirectory: directory.path, port: 0)
        configuration.tenantPoolCapacity = poolCapacity
        configuration.ingestLimits.maxRowsPerBatch = maxRowsPerBatch
        configuration.fixedToday = CalendarDate("2025-03-31")
        let gateway = try await Gateway.build(configuration: configuration, logger: .silent())
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await gateway.run() }
            defer {
                gateway.beginGracefulShutdown()
            }
            let address = try await gateway.listeningAddress
            let token = try String(contentsOf: directory.appendingPathComponent("operator.token"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let client = RPCClient(transport: TCPClientTransport(host: "127.0.0.1", port: address.port), logger: .silent())
            defer { client.close() }
            let harness = GatewayHarness(gateway: gateway, port: address.port, directory: directory, operatorToken: token, client: client)
            let result = try await body(harness)
            client.close()
            gateway.beginGracefulShutdown()
            try await group.waitForAll()
            return result
        }
    }

    /// Creates a firm and a back-office credential for it; returns the tenant metadata.
    func firm(_ id: String) async throws -> Metadata {
        _ = try await self.client.unary(OperatorService.createFirm, CreateFirmRequest(firmID: id, name: "Cabinet \(id)"), metadata: self.operatorMetadata)
        let issued = try await self.client.unary(
            OperatorService.issueCredential,
            IssueCredentialRequest(kind: .backOffice, firms: [id], label: "back-office \(id)"),
            metadata: self.operatorMetadata
        )
        return [MetadataKey.authorization: issued.token, MetadataKey.tenant: id]
    }

    /// Sends `rows` as one batch.
    func ingest(_ rows: [IngestRow], metadata: Metadata, allOrNothing: Bool = false, chunkSize: Int = 1000) async throws -> IngestReport {
        try await self.client.clientStreaming(IngestionService.ingestBatch, metadata: metadata) { writer in
            var first = true
            for start in stride(from: 0, to: max(rows.count, 1), by: chunkSize) {
                let chunk = Array(rows[start..<min(start + chunkSize, rows.count)])
                try await writer.write(IngestChunk(options: first ? IngestOptions(allOrNothing: allOrNothing) : nil, rows: chunk))
                first = false
            }
        }
    }
}

func row(_ record: some IngestibleRecord) throws -> IngestRow {
    IngestRow(kind: type(of: record).entityKind, payload: Data(try WireEncoder().encode(record)))
}

func row(_ kind: EntityKind, _ value: some Encodable) throws -> IngestRow {
    IngestRow(kind: kind, payload: Data(try WireEncoder().encode(value)))
}

func day(_ text: String) -> CalendarDate {
    guard let date = CalendarDate(text) else { preconditionFailure("bad test date \(text)") }
    return date
}
