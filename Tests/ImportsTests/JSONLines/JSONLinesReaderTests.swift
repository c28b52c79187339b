import Foundation
import Imports
import PilotageProtocol
import Testing
import Wire

@Suite("JSON lines reader")
struct JSONLinesReaderTests {
    static func read(_ text: String, limits: RecordLimits = RecordLimits()) throws -> ReadBatch {
        var reader = JSONLinesReader(source: MemoryByteSource(name: "test.jsonl", text: text), limits: limits)
        var all = ReadBatch()
        while let batch = try reader.nextBatch(maximumRows: 3) {
            all.rows += batch.rows
            all.rejected += batch.rejected
        }
        return all
    }

    @Test("records of several kinds, with line numbers; blank lines skipped; integers exact")
    func validLines() throws {
        let text = """
            {"kind":"installment","id":"F1","client":"A","invoice_id":"F1","invoice_date":"2025-01-15","amount":9223372036854775807}

            {"entity":"credit_document","kind":"PAYMENT","id":"P1","client":"A","date":"2025-01-20","amount":120000}
            {"kind":"collaborator","id":"U1","name":"Alice","roles":["ADMIN","AGENT"]}
            {"kind":"collection_event","id":"E1","installment":"F1","action_code":"CALL","outcome":"VALIDATED","actor":"U1","at":"2025-01-21T09:30:00.250+01:00"}
            {"kind":"firm_settings","name":"Cabinet","time_zone":"Europe/Paris","fiscal_year_start_month":1,"fiscal_year_start_day":1}
            """
        let batch = try Self.read(text)
        #expect(batch.rejected.isEmpty)
        #expect(batch.rows.map(\.line) == [1, 3, 4, 5, 6])
        #expect(
            batch.rows.map(\.kind) == [.installment, .creditDocument, .collaborator, .collectionEvent, .firmSettings]
        )
        let installment = try #require(batch.rows[0].record as? InstallmentRecord)
        #expect(installment.amount == Int64.max)
        let payment = try #require(batch.rows[1].record as? CreditDocumentRecord)
        #expect(payment.kind == .payment)
        #expect((batch.rows[2].record as? CollaboratorRecord)?.roles == [.admin, .agent])
        let event = try #require(batch.rows[3].record as? CollectionEventRecord)
        #expect(event.at == Date(timeIntervalSince1970: 1_737_448_200.25))
        #expect(batch.rows[4].id == "settings")
        #expect(
            batch.recordBatches.map(\.kind) == [
                .installment, .creditDocument, .collaborator, .collectionEvent, .firmSettings,
            ]
        )
    }

    @Test("a deleted: true line is a tombstone for its id")
    func tombstones() throws {
        let batch = try Self.read(
            """
            {"kind":"installment","id":"F1","deleted":true}
            {"entity":"credit_document","id":"P1","deleted":true}
            {"kind":"installment","deleted":true}
            {"kind":"installment","id":"F2","deleted":"yes"}
            """
        )
        #expect(batch.rows.map { "\($0.kind.rawValue) \($0.id)" } == ["installment F1", "credit_document P1"])
        #expect(batch.rows.allSatisfy { if case .tombstone = $0.content { true } else { false } })
        #expect(
            batch.rejected.map { "\($0.line) \($0.field ?? "-") \($0.reason)" } == [
                "3 id MISSING_FIELD", "4 deleted BAD_TYPE",
            ]
        )
    }

    struct BadLine: Sendable, CustomTestStringConvertible {
        var line: String
        var field: String?
        var reason: Imports.RowReason
        var testDescription: String { "\(self.reason) \(self.field ?? "-")" }
    }

    static let longID = String(repeating: "x", count: 129)
    static let badLines: [BadLine] = [
        BadLine(line: #"{"kind":"installment","id":"#, field: nil, reason: .malformed),
        BadLine(line: #"["installment"]"#, field: nil, reason: .malformed),
        BadLine(line: #"{"kind":"installment","id":"F","id":"G"}"#, field: nil, reason: .malformed),
        BadLine(line: #"{"id":"F1"}"#, field: "kind", reason: .missingField),
        BadLine(line: #"{"kind":"invoice","id":"F1"}"#, field: "kind", reason: .badValue),
        BadLine(line: #"{"kind":3,"id":"F1"}"#, field: "kind", reason: .badType),
        BadLine(
            line: #"{"kind":"installment","id":"F1","invoice_id":"F1","invoice_date":"2025-01-15","amount":100}"#,
            field: "client",
            reason: .missingField
        ),
        BadLine(
            line:
                #"{"kind":"installment","id":"F1","client":null,"invoice_id":"F1","invoice_date":"2025-01-15","amount":100}"#,
            field: "client",
            reason: .missingField
        ),
        BadLine(
            line:
                #"{"kind":"installment","id":"F1","client":"A","invoice_id":"F1","invoice_date":"2025-01-15","amount":"100"}"#,
            field: "amount",
            reason: .badType
        ),
        BadLine(
            line:
                #"{"kind":"installment","id":"F1","client":"A","invoice_id":"F1","invoice_date":"2025-01-15","amount":100.5}"#,
            field: "amount",
            reason: .badType
        ),
        BadLine(
            line:
                #"{"kind":"installment","id":"F1","client":"A","invoice_id":"F1","invoice_date":"2025-01-15","amount":1e3}"#,
            field: "amount",
            reason: .badType
        ),
        BadLine(
            line:
                #"{"kind":"installment","id":"F1","client":"A","invoice_id":"F1","invoice_date":"2025-01-15","amount":99999999999999999999}"#,
            field: "amount",
            reason: .badValue
        ),
        BadLine(
            line:
                #"{"kind":"installment","id":"F1","client":"A","invoice_id":"F1","invoice_date":"2025-02-30","amount":100}"#,
            field: "invoice_date",
            reason: .badValue
        ),
        BadLine(
            line:
                #"{"kind":"installment","id":"F1","client":"A","invoice_id":"F1","invoice_date":"2301-02-01","amount":100}"#,
            field: "invoice_date",
            reason: .badValue
        ),
        BadLine(
            line:
                #"{"kind":"installment","id":"F1","client":"A","invoice_id":"F1","invoice_date":"2025-01-15","amount":-100}"#,
            field: "amount",
            reason: .badValue
        ),
        BadLine(
            line: #"{"entity":"credit_document","kind":"GIFT","id":"P1","client":"A","date":"2025-01-20","amount":1}"#,
            field: "kind",
            reason: .badValue
        ),
        BadLine(
            line: #"{"kind":"credit_document","id":"P1","client":"A","date":"2025-01-20","amount":1}"#,
            field: "kind",
            reason: .missingField
        ),
        BadLine(
            line: #"{"kind":"collaborator","id":"U1","name":"A","roles":"ADMIN"}"#,
            field: "roles",
            reason: .badType
        ),
        BadLine(
            line: #"{"kind":"collaborator","id":"U1","name":"A","roles":["ADMIN","BOSS"]}"#,
            field: "roles[1]",
            reason: .badValue
        ),
        BadLine(
            line:
                #"{"kind":"collection_event","id":"E1","installment":"F1","action_code":"C","outcome":"VALIDATED","actor":"U1","at":"yesterday"}"#,
            field: "at",
            reason: .badValue
        ),
        BadLine(
            line:
                #"{"kind":"dispute","id":"D1","installment":"F1","opened_on":"2025-03-05","resolved_on":"2025-03-01"}"#,
            field: "resolved_on",
            reason: .badValue
        ),
        BadLine(line: #"{"kind":"client","id":"\#(longID)","name":"A"}"#, field: "id", reason: .tooLong),
        BadLine(
            line: #"{"kind":"client","id":"A","name":"\#(String(repeating: "n", count: 1_025))"}"#,
            field: "name",
            reason: .tooLong
        ),
        BadLine(line: #"{"kind":"client","id":"","name":"A"}"#, field: "id", reason: .missingField),
        BadLine(
            line:
                #"{"kind":"firm_settings","name":"C","time_zone":"Mars/Olympus","fiscal_year_start_month":1,"fiscal_year_start_day":1}"#,
            field: "time_zone",
            reason: .badValue
        ),
        BadLine(
            line:
                #"{"kind":"firm_settings","name":"C","time_zone":"Europe/Paris","fiscal_year_start_month":13,"fiscal_year_start_day":1}"#,
            field: "fiscal_year_start_month",
            reason: .badValue
        ),
    ]

    @Test("every reason code on its own line; the next good line is still read", arguments: Self.badLines)
    func badLine(_ bad: BadLine) throws {
        let good = #"{"kind":"client","id":"OK","name":"Fine"}"#
        let batch = try Self.read(bad.line + "\n" + good + "\n")
        let issue = try #require(batch.rejected.first)
        #expect(batch.rejected.count == 1)
        #expect(issue.line == 1)
        #expect(issue.reason == bad.reason)
        #expect(issue.field == bad.field)
        #expect(issue.source == "test.jsonl")
        #expect(!issue.message.isEmpty)
        #expect(batch.rows.map(\.id) == ["OK"])
        #expect(batch.rows.first?.line == 2)
    }

    @Test("a too long line is rejected without stopping the file")
    func tooLongLine() throws {
        var limits = RecordLimits()
        limits.maximumLineBytes = 100
        let batch = try Self.read(
            #"{"kind":"client","id":"A","name":"\#(String(repeating: "n", count: 200))"}"#
                + "\n{\"kind\":\"client\",\"id\":\"B\",\"name\":\"b\"}",
            limits: limits
        )
        #expect(batch.rejected.map(\.reason) == [.malformed])
        #expect(batch.rows.map(\.id) == ["B"])
    }

    @Test("writer output reads back to the same records, byte-identical on rewrite")
    func roundTrip() throws {
        let records: [RecordBatch] = [
            .firmSettings([
                FirmSettingsRecord(
                    name: "Cabinet",
                    timeZone: "Europe/Paris",
                    fiscalYearStartMonth: 7,
                    fiscalYearStartDay: 1,
                    agedBucketBoundaries: [30, 60]
                )
            ]),
            .organisationUnits([OrganisationUnitRecord(id: "R1", name: "Région", kind: .region)]),
            .documents([
                DocumentRecord(
                    id: "D1",
                    client: "A",
                    receivedOn: day("2025-01-02"),
                    channel: .email,
                    kind: .cost,
                    supplier: "EDF",
                    statusHistory: [.init(status: .toReview, on: day("2025-01-02"))],
                    amount: 1_234
                )
            ]),
            .creditDocuments([
                CreditDocumentRecord(
                    id: "P1",
                    kind: .creditNote,
                    client: "A",
                    date: day("2025-01-03"),
                    amount: 120,
                    amountHT: 100
                )
            ]),
            .collectionStrategies([
                CollectionStrategyRecord(
                    id: "S",
                    name: "Seed",
                    actions: [StrategyAction(code: "C1", channel: .call, offsetDays: -10, paymentMode: "C")]
                )
            ]),
            .collectionEvents([
                CollectionEventRecord(
                    id: "E",
                    installment: "F",
                    actionCode: "C1",
                    outcome: .printed,
                    actor: "U",
                    at: Date(timeIntervalSince1970: 1_700_000_000.5),
                    note: "a \"quoted\" / note"
                )
            ]),
            .deals([
                DealRecord(
                    id: "DL",
                    prospectName: "Prospect",
                    fiscalYear: 2025,
                    team: DealTeam(partner: "U1"),
                    statusHistory: [.init(status: .open, on: day("2025-02-01"))]
                )
            ]),
        ]
        let writer = JSONLinesWriter()
        var bytes: [UInt8] = []
        for batch in records { bytes += try writer.lines(for: batch) }
        bytes += try writer.tombstone(kind: .creditDocument, id: "P9")
        var reader = JSONLinesReader(source: MemoryByteSource(bytes: bytes))
        let batch = try #require(try reader.nextBatch(maximumRows: 100))
        #expect(batch.rejected.isEmpty)
        #expect(batch.recordBatches == records)
        #expect(batch.rows.last?.id == "P9")
        var again: [UInt8] = []
        for recordBatch in batch.recordBatches { again += try writer.lines(for: recordBatch) }
        again += try writer.tombstone(kind: .creditDocument, id: "P9")
        #expect(again == bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(
            text.contains(
                #"{"entity":"credit_document","id":"P1","kind":"CREDIT_NOTE","client":"A","date":"2025-01-03","amount":120,"amount_ht":100}"#
            )
        )
        #expect(text.contains(#""at":"2023-11-14T22:13:20.500Z""#))
    }

    @Test("batches of a file are read off the cooperative pool and cover every line")
    func fileBatches() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("jsonl-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        var text = ""
        for index in 0..<2_500 {
            text += #"{"kind":"client","id":"C\#(index)","name":"Client \#(index)"}"# + "\n"
        }
        text += "not json\n"
        try Data(text.utf8).write(to: url)
        var accepted = 0
        var rejectedLines: [Int] = []
        var batches = 0
        for try await batch in JSONLinesReader.batches(url: url, maximumRows: 1_000) {
            batches += 1
            accepted += batch.rows.count
            rejectedLines += batch.rejected.map(\.line)
        }
        #expect(batches == 3)
        #expect(accepted == 2_500)
        #expect(rejectedLines == [2_501])
    }

    @Test("the worked-example supplement parses and completes the FEC pair into the §3 portfolio")
    func supplement() async throws {
        let fec = try await FECImporter.importFiles([Fixtures.fec2024, Fixtures.fec2025])
        var rows: [ReadRow] = []
        for try await batch in JSONLinesReader.batches(url: Fixtures.supplement) {
            #expect(batch.rejected.isEmpty, "\(batch.rejected)")
            rows += batch.rows
        }
        let records = rows.compactMap(\.record)
        let clients = records.compactMap { $0 as? ClientRecord }
        let disputes = records.compactMap { $0 as? DisputeRecord }
        let provisions = records.compactMap { $0 as? ProvisionRecord }
        let allocations = records.compactMap { $0 as? AllocationRecord }
        #expect(clients.map { "\($0.id) \($0.creditLimit ?? -1)" } == ["CLI-A 300000", "CLI-B 1000000"])
        #expect(disputes.map(\.id) == ["D1", "D2", "D3"])
        #expect(disputes.map(\.resolvedOn) == [nil, day("2025-03-18"), day("2025-03-15")])
        #expect(provisions.map { "\($0.installment) \($0.amountHT) \($0.date)" } == ["FEC:FA-C1 250000 2024-12-31"])
        // Every reference resolves into the FEC import, and re-sent allocations equal the FEC
        // ones except for their method.
        let installmentIDs = Set(fec.installments.map(\.id))
        #expect(disputes.allSatisfy { installmentIDs.contains($0.installment) })
        #expect(provisions.allSatisfy { installmentIDs.contains($0.installment) })
        #expect(Set(clients.map(\.id)).isSubset(of: Set(fec.clients.map(\.id))))
        let fecAllocations = Dictionary(uniqueKeysWithValues: fec.allocations.map { ($0.id, $0) })
        for allocation in allocations {
            var fromFEC = try #require(fecAllocations[allocation.id])
            fromFEC.method = allocation.method
            #expect(fromFEC == allocation)
        }
        #expect(allocations.count == fec.allocations.count)
        // AR-MATCH-AUTO of §4: 3 of 6 allocations, 4 800.00 of 12 000.00.
        #expect(allocations.filter { $0.method == .auto }.count * 2 == allocations.count)
        let autoAmount = allocations.filter { $0.method == .auto }.reduce(Int64(0)) { $0 + $1.amount }
        #expect(autoAmount * 100 / allocations.reduce(Int64(0)) { $0 + $1.amount } == 40)
        // Clients re-sent whole (an upsert replaces) keep what the FEC said.
        for client in clients {
            let fromFEC = try #require(fec.clients.first { $0.id == client.id })
            #expect(
                client.name == fromFEC.name && client.collectiveAccount == fromFEC.collectiveAccount
                    && client.doubtful == fromFEC.doubtful
            )
        }
    }
}
