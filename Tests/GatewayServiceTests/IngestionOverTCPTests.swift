import Foundation
import GatewayService
import PilotageProtocol
import RPCCore
import Storage
import Testing
import Wire

private let client = ClientRecord(id: "A", name: "Boulangerie Martin", paymentTermsDays: 45)
private func invoice(_ id: String, amount: Int64 = 120_000) -> InstallmentRecord {
    InstallmentRecord(id: id, client: "A", invoiceID: "F-\(id)", invoiceDate: day("2025-01-15"), dueDate: day("2025-02-14"), amount: amount)
}

@Suite("Ingestion over TCP")
struct IngestionOverTCPTests {
    @Test("a batch lands, its re-send is unchanged, new content replaces, a tombstone deletes")
    func lifecycle() async throws {
        try await GatewayHarness.with { harness in
            let firm = try await harness.firm("f1")
            let rows = [try row(client), try row(invoice("I1")), try row(invoice("I2"))]
            let first = try await harness.ingest(rows, metadata: firm)
            #expect(first.committed && first.landed == 3 && first.sequence == 1 && first.dirtyPartitions > 0)
            let again = try await harness.ingest(rows, metadata: firm)
            #expect(again.landed == 0 && again.unchanged == 3 && again.sequence == 0)
            let replaced = try await harness.ingest([try row(invoice("I2", amount: 1))], metadata: firm)
            #expect(replaced.landed == 1 && replaced.sequence == 2)
            let deleted = try await harness.ingest([try row(.installment, RecordHeader(id: "I2", deleted: true))], metadata: firm)
            #expect(deleted.deleted == 1)
            let history = try await harness.client.unary(IngestionService.listIngestions, ListIngestionsRequest(), metadata: firm)
            #expect(history.ingestions.map(\.sequence) == [3, 2, 1])
        }
    }

    @Test("one rejected row per reason code, reported with index, id, field and reason")
    func everyReasonCode() async throws {
        try await GatewayHarness.with { harness in
            let firm = try await harness.firm("f1")
            _ = try await harness.ingest([try row(client), try row(invoice("I1", amount: 100_000)), try row(CreditDocumentRecord(id: "P1", kind: .payment, client: "A", date: day("2025-02-01"), amount: 500_000))], metadata: firm)
            struct MissingAmount: Encodable { var id = "M1"; var client = "A"; var invoice_id = "F"; var invoice_date = day("2025-01-01") }
            struct TextAmount: Encodable { var id = "M2"; var client = "A"; var invoice_id = "F"; var invoice_date = day("2025-01-01"); var amount = "12,00" }
            let rows: [IngestRow] = [
                try row(.installment, MissingAmount()),
                try row(.installment, TextAmount()),
                try row(invoice("M3", amount: -1)),
                try row(InstallmentRecord(id: "M4", client: "NOBODY", invoiceID: "F", invoiceDate: day("2025-01-01"), amount: 1)),
                try row(ClientRecord(id: "DUP", name: "one")),
                try row(ClientRecord(id: "DUP", name: "two")),
                try row(AllocationRecord(id: "L1", source: "P1", target: "I1", amount: 100_001, recordedOn: day("2025-02-01"))),
                try row(ClientRecord(id: String(repeating: "x", count: 200), name: "too long")),
            ]
            let report = try await harness.ingest(rows, metadata: firm)
            let found = report.rejections.map { "\($0.index) \($0.reason.rawValue) \($0.field ?? "-")" }
            #expect(found == [
                "0 MISSING_FIELD amount", "1 BAD_TYPE amount", "2 BAD_VALUE amount", "3 UNKNOWN_REFERENCE client",
                "4 DUPLICATE_IN_BATCH id", "5 DUPLICATE_IN_BATCH id", "6 CONFLICT amount", "7 TOO_LONG id",
            ])
            #expect(Set(RowReason.allCases).isSubset(of: Set(report.rejections.map(\.reason))))
            #expect(report.rejections.allSatisfy { !$0.message.isEmpty })
            #expect(report.landed == 0 && report.rejected == 8)
        }
    }

    @Test("all_or_nothing: a rejected row and nothing lands")
    func allOrNothing() async throws {
        try await GatewayHarness.with { harness in
            let firm = try await harness.firm("f1")
            let report = try await harness.ingest([try row(client), try row(invoice("I1", amount: 0))], metadata: firm, allOrNothing: true)
            #expect(!report.committed && report.landed == 0 && report.rejected == 1)
            let history = try await harness.client.unary(IngestionService.listIngestions, ListIngestionsRequest(), metadata: firm)
            #expect(history.ingestions.isEmpty)
        }
    }

    @Test("more rows than max_rows_per_batch is RESOURCE_EXHAUSTED naming the limit and the size; nothing lands")
    func rowLimit() async throws {
        try await GatewayHarness.with(maxRowsPerBatch: 5) { harness in
            let firm = try await harness.firm("f1")
            let rows = try [row(client)] + (1...5).map { try row(invoice("I\($0)")) }
            let error = await #expect(throws: RPCError.self) { try await harness.ingest(rows, metadata: firm, chunkSize: 2) }
            #expect(error?.code == .resourceExhausted)
            #expect(error?.message.contains("max_rows_per_batch is 5") == true)
            #expect(error?.message.contains("6 rows") == true)
            let limits = try await harness.client.unary(IngestionService.getLimits, GetLimitsRequest(), metadata: firm)
            #expect(limits.maxRowsPerBatch == 5)
            let history = try await harness.client.unary(IngestionService.listIngestions, ListIngestionsRequest(), metadata: firm)
            #expect(history.ingestions.isEmpty)
        }
    }

    @Test("more firms than the pool holds: every firm keeps its data")
    func poolEviction() async throws {
        try await GatewayHarness.with(poolCapacity: 2) { harness in
            var firms: [Metadata] = []
            for index in 0..<5 { firms.append(try await harness.firm("f\(index)")) }
            for (index, firm) in firms.enumerated() {
                let report = try await harness.ingest([try row(ClientRecord(id: "C\(index)", name: "client \(index)"))], metadata: firm)
                #expect(report.landed == 1)
            }
            for firm in firms {
                let history = try await harness.client.unary(IngestionService.listIngestions, ListIngestionsRequest(), metadata: firm)
                #expect(history.ingestions.count == 1)
            }
            let metrics = await harness.gateway.tenants.metrics
            #expect(metrics.openDatabases <= 2 && metrics.evictions >= 3)
        }
    }
}
