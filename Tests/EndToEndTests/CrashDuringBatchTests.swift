import Foundation
import PilotageProtocol
import RPCCore
import RPCTransportTCP
import ServerSupport
import Storage
import TenantStore
import Testing
import Wire

/// A gateway process SIGKILLed while it applies a batch: after a restart, the firm holds the
/// whole batch or none of it, and the file is intact.
@Suite("Crash during a batch")
struct CrashDuringBatchTests {
    static let batchRows = 5_000

    @Test("SIGKILL mid-batch leaves all or none of it", arguments: [0, 30, 80, 150, 300])
    func killDuringBatch(delayMilliseconds: Int) async throws {
        try await withTemporaryDirectory { directory in
            let gateway = try await GatewayProcess.start(dataDirectory: directory, arguments: ["--today", "2025-03-31"])
            let client = RPCClient(transport: TCPClientTransport(host: "127.0.0.1", port: gateway.port), logger: .silent())
            defer { client.close() }
            let operatorMetadata: Metadata = [MetadataKey.authorization: gateway.operatorToken]
            _ = try await client.unary(OperatorService.createFirm, CreateFirmRequest(firmID: "f", name: "F"), metadata: operatorMetadata)
            let issued = try await client.unary(
                OperatorService.issueCredential,
                IssueCredentialRequest(kind: .backOffice, firms: ["f"], label: "crash"),
                metadata: operatorMetadata
            )
            let metadata: Metadata = [MetadataKey.authorization: issued.token, MetadataKey.tenant: "f"]
            let encoder = WireEncoder()
            let clientRow = IngestRow(kind: .client, payload: Data(try encoder.encode(ClientRecord(id: "A", name: "A"))))
            var rows = [clientRow]
            for index in 0..<Self.batchRows {
                let record = InstallmentRecord(
                    id: "I\(index)", client: "A", invoiceID: "F\(index)", invoiceDate: CalendarDate("2025-01-15")!,
                    dueDate: CalendarDate("2025-02-14")!, amount: Int64(100 + index)
                )
                rows.append(IngestRow(kind: .installment, payload: Data(try encoder.encode(record))))
            }
            let batch = rows
            let sending = Task {
                try await client.clientStreaming(IngestionService.ingestBatch, metadata: metadata) { writer in
                    for start in stride(from: 0, to: batch.count, by: 1_000) {
                        try await writer.write(IngestChunk(rows: Array(batch[start..<min(start + 1_000, batch.count)])))
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(delayMilliseconds))
            try await gateway.stop(signal: SIGKILL)
            _ = await sending.result

            // Reopen the firm's file as the gateway would (WAL recovery) and check.
            let database = try await Database.open(
                path: directory.appendingPathComponent("tenants/f.sqlite").path,
                migrations: TenantSchema.migrations
            )
            let (installments, clients, landed, integrity) = try await database.read { connection in
                (
                    try connection.fetchValue(Int.self, "SELECT count(*) FROM records WHERE kind = 'installment'") ?? -1,
                    try connection.fetchValue(Int.self, "SELECT count(*) FROM records WHERE kind = 'client'") ?? -1,
                    try connection.fetchValue(Int.self, "SELECT coalesce(sum(landed), 0) FROM ingestions") ?? -1,
                    try connection.fetchValue(String.self, "PRAGMA integrity_check") ?? ""
                )
            }
            await database.close()
            #expect(integrity == "ok")
            #expect(installments == 0 || installments == Self.batchRows, "a batch half-landed: \(installments) rows")
            #expect(clients == (installments == 0 ? 0 : 1))
            #expect(landed == installments + clients, "the ingestion log disagrees with the records")
        }
    }
}
