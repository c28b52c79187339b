import Foundation
import Imports
import PilotageProtocol
import Testing
import Wire

/// The two sample FECs together must give exactly the worked-example portfolio of
/// kpi-definitions §3.
@Suite("FEC import of the worked example")
struct FECWorkedExampleTests {
    static func importBoth() async throws -> FECImportResult {
        // Given in reverse order on purpose: the importer orders fiscal years by date.
        try await FECImporter.importFiles([Fixtures.fec2025, Fixtures.fec2024])
    }

    @Test("clients CLI-A, CLI-B, CLI-C; the 411→416 transfer does not flag client C doubtful (§10.5 marks the item)")
    func clients() async throws {
        let result = try await Self.importBoth()
        #expect(result.clients.map(\.id) == ["CLI-C", "CLI-A", "CLI-B"])
        let byID = Dictionary(uniqueKeysWithValues: result.clients.map { ($0.id, $0) })
        #expect(byID["CLI-A"]?.name == "Boulangerie Martin")
        #expect(byID["CLI-B"]?.name == "SARL Dupuis Frères")
        #expect(byID["CLI-C"]?.name == "SCI Horizon")
        #expect(byID["CLI-C"]?.doubtful == false)
        #expect(byID["CLI-A"]?.doubtful == false)
        #expect(byID["CLI-B"]?.doubtful == false)
        #expect(byID["CLI-A"]?.collectiveAccount == "411000")
    }

    struct ExpectedInstallment: Sendable, CustomTestStringConvertible {
        var id: String
        var client: String
        var invoiceDate: String
        var dueDate: String
        var amount: Int64
        var amountHT: Int64
        var testDescription: String { self.id }
    }

    static let expectedInstallments: [ExpectedInstallment] = [
        .init(
            id: "FEC:FA-C1",
            client: "CLI-C",
            invoiceDate: "2024-10-01",
            dueDate: "2024-10-31",
            amount: 600_000,
            amountHT: 500_000
        ),
        .init(
            id: "FEC:FA-A1",
            client: "CLI-A",
            invoiceDate: "2024-11-15",
            dueDate: "2024-12-15",
            amount: 120_000,
            amountHT: 100_000
        ),
        .init(
            id: "FEC:FA-B1",
            client: "CLI-B",
            invoiceDate: "2024-12-20",
            dueDate: "2025-01-19",
            amount: 240_000,
            amountHT: 200_000
        ),
        .init(
            id: "FEC:FA-B4",
            client: "CLI-B",
            invoiceDate: "2025-01-05",
            dueDate: "2025-02-04",
            amount: 120_000,
            amountHT: 100_000
        ),
        .init(
            id: "FEC:FA-A2",
            client: "CLI-A",
            invoiceDate: "2025-01-15",
            dueDate: "2025-02-14",
            amount: 360_000,
            amountHT: 300_000
        ),
        .init(
            id: "FEC:FA-B2",
            client: "CLI-B",
            invoiceDate: "2025-02-01",
            dueDate: "2025-03-03",
            amount: 480_000,
            amountHT: 400_000
        ),
        .init(
            id: "FEC:FA-C2",
            client: "CLI-C",
            invoiceDate: "2025-02-10",
            dueDate: "2025-03-12",
            amount: 300_000,
            amountHT: 250_000
        ),
        .init(
            id: "FEC:FA-B3",
            client: "CLI-B",
            invoiceDate: "2025-03-05",
            dueDate: "2025-04-04",
            amount: 960_000,
            amountHT: 800_000
        ),
        .init(
            id: "FEC:FA-A3",
            client: "CLI-A",
            invoiceDate: "2025-03-10",
            dueDate: "2025-04-09",
            amount: 240_000,
            amountHT: 200_000
        ),
    ]

    @Test("installments C1, A1, B1, B4, A2, B2, C2, B3, A3 with the table's dates and amounts")
    func installments() async throws {
        let result = try await Self.importBoth()
        #expect(result.installments.map(\.id) == Self.expectedInstallments.map(\.id))
        for expected in Self.expectedInstallments {
            let record = try #require(result.installments.first { $0.id == expected.id })
            #expect(record.client == expected.client)
            #expect(record.invoiceID == String(expected.id.dropFirst(4)))
            #expect(record.invoiceDate == day(expected.invoiceDate))
            #expect(record.dueDate == day(expected.dueDate))
            #expect(record.amount == expected.amount)
            #expect(record.amountHT == expected.amountHT)
        }
        #expect(result.openingItemIDs.isEmpty, "with 2024 imported, the AN lines of 2025 make no record")
    }

    @Test("credit documents P1–P6 and CN1 with dates and amounts; no debit document")
    func creditDocuments() async throws {
        let result = try await Self.importBoth()
        let summary = result.creditDocuments.map { "\($0.id) \($0.kind.rawValue) \($0.client) \($0.date) \($0.amount)" }
        #expect(
            summary == [
                "FEC:BQ-3-20250110/1 PAYMENT CLI-A 2025-01-10 120000",
                "FEC:BQ-5-20250119/1 PAYMENT CLI-B 2025-01-19 240000",
                "FEC:BQ-6-20250201/1 PAYMENT CLI-B 2025-02-01 120000",
                "FEC:BQ-9-20250220/1 PAYMENT CLI-A 2025-02-20 180000",
                "FEC:VT-12-20250315/1 CREDIT_NOTE CLI-A 2025-03-15 60000",
                "FEC:BQ-13-20250320/1 PAYMENT CLI-B 2025-03-20 480000",
                "FEC:BQ-14-20250328/1 PAYMENT CLI-B 2025-03-28 50000",
            ]
        )
        #expect(result.creditDocuments.first { $0.kind == .creditNote }?.amountHT == 50_000)
        #expect(result.creditDocuments.filter { $0.kind == .payment }.allSatisfy { $0.amountHT == nil })
        #expect(result.debitDocuments.isEmpty)
    }

    @Test("allocations P1→A1, P2→B1, P3→B4, P4→A2 (partial), CN1→A3, P5→B2; P6 unallocated")
    func allocations() async throws {
        let result = try await Self.importBoth()
        let summary = result.allocations.map { "\($0.id) \($0.amount) \($0.recordedOn)" }.sorted {
            $0.suffix(10) < $1.suffix(10)
        }
        #expect(
            summary == [
                "FEC:BQ-3-20250110/1>FA-A1 120000 2025-01-10",
                "FEC:BQ-5-20250119/1>FA-B1 240000 2025-01-19",
                "FEC:BQ-6-20250201/1>FA-B4 120000 2025-02-01",
                "FEC:BQ-9-20250220/1>FA-A2 180000 2025-02-20",
                "FEC:VT-12-20250315/1>FA-A3 60000 2025-03-15",
                "FEC:BQ-13-20250320/1>FA-B2 480000 2025-03-20",
            ]
        )
        #expect(result.allocations.allSatisfy { $0.targetKind == .installment && $0.method == .manual })
        #expect(!result.allocations.contains { $0.source == "FEC:BQ-14-20250328/1" })
    }

    @Test("AR, open items and monthly net sales of §3 from the imported records")
    func arithmetic() async throws {
        let ledger = Ledger(try await Self.importBoth())
        let asOf = day("2025-03-31")
        #expect(ledger.balance(at: asOf) == 2_170_000)
        #expect(ledger.balance(at: day("2024-12-31")) == 960_000)
        #expect(ledger.balance(at: day("2025-01-31")) == 1_080_000)
        #expect(ledger.balance(at: day("2025-02-28")) == 1_560_000)
        // Open items: C1 6 000 (not double-counted), A2 1 800, C2 3 000, B3 9 600, A3 1 800.
        let open = ledger.installments.compactMap { installment -> String? in
            guard let amount = ledger.openAmount(of: installment.id, at: asOf), amount > 0 else { return nil }
            return "\(installment.invoiceID) \(amount)"
        }
        #expect(open == ["FA-C1 600000", "FA-A2 180000", "FA-C2 300000", "FA-B3 960000", "FA-A3 180000"])
        // Identity AR = Σ open − Σ unapplied (P6 500.00 unapplied).
        let openTotal = ledger.installments.compactMap { ledger.openAmount(of: $0.id, at: asOf) }.reduce(0, +)
        #expect(openTotal - 50_000 == 2_170_000)
        // Not due at D (CUR): B3 + A3.
        let notDue = ledger.installments.filter { ($0.dueDate ?? asOf) >= asOf }
            .compactMap { ledger.openAmount(of: $0.id, at: asOf) }.reduce(0, +)
        #expect(notDue == 1_140_000)
        let monthly = [(2024, 10), (2024, 11), (2024, 12), (2025, 1), (2025, 2), (2025, 3)].map {
            ledger.netSales(year: $0.0, month: $0.1)
        }
        #expect(monthly == [600_000, 120_000, 240_000, 480_000, 780_000, 1_140_000])
    }

    @Test("report: 9 sales, 6 payments, 3 opening lines, 2 transfer lines, 1 credit note; opening checked")
    func report() async throws {
        let report = try await Self.importBoth().report
        #expect(report.kinds.invoices == 9)
        #expect(report.kinds.payments == 6)
        #expect(report.kinds.openingLines == 3)
        #expect(report.kinds.transferLines == 2)
        #expect(report.kinds.creditNotes == 1)
        #expect(
            report.kinds.refunds + report.kinds.writeOffs + report.kinds.adjustments + report.kinds.debitAdjustments
                == 0
        )
        #expect(report.dueDatesInferred == 0)
        #expect(report.dueDatesFromFile == 9)
        #expect(report.unidentifiedClientLines == 0)
        #expect(report.errorCount == 0)
        #expect(report.files.map(\.name) == ["999999999FEC20241231.txt", "999999999FEC20251231.txt"])
        #expect(report.files.map(\.separator) == ["pipe", "tab"])
        #expect(report.files[0].legacyEncodedLines > 0)
        // 2024: CRLF, no line end after the last line (Odoo style); 2025: LF.
        #expect(report.files[0].crlfLineEnds == 13)
        #expect(report.files[0].accountingLines == 13)
        #expect(report.files[1].lfLineEnds == 40)
        #expect(report.files[1].accountingLines == 39)
        #expect(report.linesRead == 14 + 40)
        // The 2024 file is ISO-8859-15: decoded with a warning, and its labels read correctly.
        #expect(report.warnings.contains { $0.code == "ENCODING_FALLBACK" && $0.source == "999999999FEC20241231.txt" })
        let check = try #require(report.openingChecks.first)
        #expect(report.openingChecks.count == 1)
        #expect(check.isConsistent)
        #expect(check.previousClosing == 960_000)
        #expect(check.opening == 960_000)
        #expect(check.openingDate == day("2025-01-01"))
        #expect(
            report.clients == 3 && report.installments == 9 && report.creditDocuments == 7 && report.allocations == 6
        )
    }

    @Test("re-importing gives identical records (deterministic ids, idempotent upsert)")
    func deterministic() async throws {
        let first = try await Self.importBoth()
        let second = try await FECImporter.importFiles([Fixtures.fec2024, Fixtures.fec2025])
        #expect(first.clients == second.clients)
        #expect(first.installments == second.installments)
        #expect(first.creditDocuments == second.creditDocuments)
        #expect(first.allocations == second.allocations)
    }

    @Test("the 2025 file alone: AN lines become open items, flagged as opening, AR unchanged")
    func singleYear() async throws {
        let result = try await FECImporter.importFiles([Fixtures.fec2025])
        let ledger = Ledger(result)
        #expect(ledger.balance(at: day("2025-03-31")) == 2_170_000)
        #expect(result.openingItemIDs == ["FEC:FA-A1", "FEC:FA-B1", "FEC:FA-C1"])
        // The flag travels with the records themselves, so the server keeps them out of SALES.
        #expect(Set(result.installments.filter { $0.opening == true }.map(\.id)) == result.openingItemIDs)
        let c1 = try #require(result.installments.first { $0.id == "FEC:FA-C1" })
        #expect(c1.invoiceDate == day("2024-10-01"))
        #expect(c1.dueDate == day("2024-10-31"))
        #expect(c1.amountHT == nil)
        #expect(result.allocations.count == 6)
        #expect(result.report.openingChecks.isEmpty)
        #expect(result.clients.first { $0.id == "CLI-C" }?.doubtful == false, "an opening line on 416 carries the item, it does not flag the client")
    }

    @Test("batches come in dependency order and respect the size limit")
    func batches() async throws {
        let result = try await Self.importBoth()
        let batches = result.batches(maximumCount: 4)
        #expect(
            batches.map(\.kind) == [
                .client, .installment, .installment, .installment, .creditDocument, .creditDocument, .allocation,
                .allocation,
            ]
        )
        #expect(batches.allSatisfy { $0.count <= 4 })
        #expect(batches.reduce(0) { $0 + $1.count } == 3 + 9 + 7 + 6)
    }
}
