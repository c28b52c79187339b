import Foundation
import Imports
import PilotageProtocol
import Testing
import Wire

/// The mapping rules of kpi-definitions §10 and kpi-research-notes §B.4 on small ledgers.
@Suite("FEC mapping rules")
struct FECRuleTests {
    typealias L = FECText

    @Test("customer accounts are 411/413/416; 418 and 419 are not receivables")
    func customerAccounts() throws {
        let lines = [
            L.line("VT", "1", "20250105", "411000", aux: "A", ref: "F1", debit: "100,00"),
            L.line("VT", "1", "20250105", "413000", aux: "A", ref: "F1", debit: "100,00"),
            L.line("VT", "1", "20250105", "418000", aux: "A", ref: "F1", debit: "100,00"),
            L.line("VT", "1", "20250105", "419100", aux: "A", ref: "F1", credit: "50,00"),
            L.line("VT", "1", "20250105", "706000", ref: "F1", credit: "250,00"),
        ]
        let result = try L.importYears([L.render(lines)])
        #expect(result.installments.count == 2)
        #expect(result.report.customerLines == 2)
        #expect(result.report.kinds.invoices == 2)
    }

    @Test("client key: CompAuxNum, else CompteNum without its prefix (411DUPONT = 416DUPONT), else (unidentified)")
    func clientKeys() throws {
        let lines = [
            L.line("VT", "1", "20250105", "411DUPONT", ref: "F1", debit: "120,00"),
            L.line("VT", "1", "20250105", "706000", ref: "F1", credit: "120,00"),
            L.line("VT", "2", "20250106", "411000", ref: "F2", debit: "60,00"),
            L.line("VT", "2", "20250106", "706000", ref: "F2", credit: "60,00"),
            L.line("OD", "3", "20250110", "416DUPONT", ref: "F1", debit: "120,00"),
            L.line("OD", "3", "20250110", "411DUPONT", ref: "F1", credit: "120,00"),
        ]
        let result = try L.importYears([L.render(lines)])
        #expect(result.clients.map(\.id) == ["DUPONT", "(unidentified)"])
        #expect(result.report.unidentifiedClientLines == 1)
        #expect(result.report.kinds.transferLines == 2)
        #expect(result.clients.first?.doubtful == false, "a 416 transfer marks the item, not the client (§10.5)")
        #expect(result.clients.first?.collectiveAccount == "411DUPONT")
        #expect(result.installments.map(\.client) == ["DUPONT", "(unidentified)"])
    }

    @Test(
        "classification by counterpart",
        arguments: [
            ("512000", true, "REFUND"), ("758000", true, "DEBIT_ADJUSTMENT"), ("765000", true, "DEBIT_ADJUSTMENT"),
            ("512000", false, "PAYMENT"), ("530000", false, "PAYMENT"), ("654000", false, "WRITE_OFF"),
            ("671400", false, "WRITE_OFF"), ("665000", false, "ADJUSTMENT"), ("706000", false, "CREDIT_NOTE"),
            ("706000", true, "INVOICE"),
        ]
    )
    func classification(counterpart: String, customerDebit: Bool, expected: String) throws {
        let lines = [
            L.line(
                "OD",
                "1",
                "20250105",
                "411000",
                aux: "A",
                ref: "X1",
                debit: customerDebit ? "100,00" : "0,00",
                credit: customerDebit ? "0,00" : "100,00"
            ),
            L.line(
                "OD",
                "1",
                "20250105",
                counterpart,
                ref: "X1",
                debit: customerDebit ? "0,00" : "100,00",
                credit: customerDebit ? "100,00" : "0,00"
            ),
        ]
        let result = try L.importYears([L.render(lines)])
        let kinds =
            result.installments.map { _ in "INVOICE" } + result.debitDocuments.map(\.kind.rawValue)
            + result.creditDocuments.map(\.kind.rawValue)
        #expect(kinds == [expected])
        let amounts =
            result.installments.map(\.amount) + result.debitDocuments.map(\.amount)
            + result.creditDocuments.map(\.amount)
        #expect(amounts == [10_000])
        #expect(
            result.report.kinds.invoices + result.report.kinds.refunds + result.report.kinds.debitAdjustments
                + result.report.kinds.payments + result.report.kinds.writeOffs + result.report.kinds.adjustments
                + result.report.kinds.creditNotes == 1
        )
        if expected == "CREDIT_NOTE" { #expect(result.creditDocuments.first?.amountHT == 10_000) }
    }

    @Test("a 'transfer' between two clients is an adjustment on one and a debit adjustment on the other")
    func transferBetweenClients() throws {
        let lines = [
            L.line("OD", "1", "20250105", "411000", aux: "A", ref: "T", credit: "80,00"),
            L.line("OD", "1", "20250105", "411000", aux: "B", ref: "T", debit: "80,00"),
        ]
        let result = try L.importYears([L.render(lines)])
        #expect(result.creditDocuments.map { "\($0.client) \($0.kind.rawValue) \($0.amount)" } == ["A ADJUSTMENT 8000"])
        #expect(
            result.debitDocuments.map { "\($0.client) \($0.kind.rawValue) \($0.amount)" } == ["B DEBIT_ADJUSTMENT 8000"]
        )
        #expect(result.report.kinds.transferLines == 0)
    }

    @Test("one invoice entry with several customer lines gives installments with HT pro rata")
    func installmentsOfOneInvoice() throws {
        let lines = [
            L.line("VT", "1", "20250105", "411000", aux: "A", ref: "F9", debit: "400,00", due: "20250205"),
            L.line("VT", "1", "20250105", "411000", aux: "A", ref: "F9", debit: "800,00", due: "20250305"),
            L.line("VT", "1", "20250105", "706000", ref: "F9", credit: "1000,01"),
            L.line("VT", "1", "20250105", "445710", ref: "F9", credit: "199,99"),
        ]
        let result = try L.importYears([L.render(lines)])
        #expect(result.installments.map(\.id) == ["FEC:F9/1", "FEC:F9/2"])
        #expect(result.installments.map(\.invoiceID) == ["F9", "F9"])
        #expect(result.installments.map(\.amountHT) == [33_333, 66_668])
        #expect(result.installments.map(\.dueDate) == [day("2025-02-05"), day("2025-03-05")])
    }

    @Test("several invoices in one entry take their HT from the 70* lines of their own reference")
    func invoicesSharingAnEntry() throws {
        let lines = [
            L.line("VT", "1", "20250105", "411000", aux: "A", ref: "F1", debit: "120,00"),
            L.line("VT", "1", "20250105", "411000", aux: "B", ref: "F2", debit: "60,00"),
            L.line("VT", "1", "20250105", "706000", ref: "F1", credit: "100,00"),
            L.line("VT", "1", "20250105", "706000", ref: "F2", credit: "50,00"),
            L.line("VT", "1", "20250105", "445710", ref: "F1", credit: "30,00"),
        ]
        let result = try L.importYears([L.render(lines)])
        #expect(
            result.installments.map { "\($0.id) \($0.client) \($0.amountHT ?? -1)" } == [
                "FEC:F1 A 10000", "FEC:F2 B 5000",
            ]
        )
    }

    @Test("lettering: credits go to the oldest due date first; codes are case-sensitive; unlettered lines never match")
    func lettering() throws {
        let lines =
            L.invoice(
                "1",
                "20250110",
                client: "A",
                ref: "F2",
                ttc: "100,00",
                ht: "100,00",
                vat: "0,00",
                letter: "AB",
                due: "20250301"
            )
            + L.invoice(
                "2",
                "20250105",
                client: "A",
                ref: "F1",
                ttc: "100,00",
                ht: "100,00",
                vat: "0,00",
                letter: "AB",
                due: "20250201"
            )
            + L.invoice(
                "3",
                "20250112",
                client: "A",
                ref: "F3",
                ttc: "50,00",
                ht: "50,00",
                vat: "0,00",
                letter: "ab",
                due: "20250115"
            )
            + L.invoice("4", "20250112", client: "A", ref: "F4", ttc: "70,00", ht: "70,00", vat: "0,00")
            + L.payment("5", "20250120", client: "A", ref: "P1", amount: "150,00", letter: "AB")
            + L.payment("6", "20250121", client: "A", ref: "P2", amount: "70,00")
        let result = try L.importYears([L.render(lines)])
        let allocations = result.allocations.map { "\($0.source)>\($0.target) \($0.amount)" }
        #expect(allocations == ["FEC:BQ-5-20250120/1>FEC:F1 10000", "FEC:BQ-5-20250120/1>FEC:F2 5000"])
        #expect(result.report.lettering.groups == 2)
        #expect(result.report.lettering.unbalancedGroups == 2)
        // The 70.00 payment P2 is not matched with the 70.00 invoice F4: unlettered.
        #expect(!result.allocations.contains { $0.target == "FEC:F4" })
        // DateLet empty: recorded on the latest entry date of the group.
        #expect(result.allocations.allSatisfy { $0.recordedOn == day("2025-01-20") })
    }

    @Test("an over-credited group allocates up to the debits and leaves the rest unapplied")
    func overCredited() throws {
        let lines =
            L.invoice("1", "20250105", client: "A", ref: "F1", ttc: "100,00", ht: "100,00", vat: "0,00", letter: "Z")
            + L.payment("2", "20250110", client: "A", ref: "P1", amount: "60,00", letter: "Z")
            + L.payment("3", "20250111", client: "A", ref: "P2", amount: "60,00", letter: "Z")
        let result = try L.importYears([L.render(lines)])
        #expect(result.allocations.map(\.amount) == [6_000, 4_000])
        let allocatedToF1 = result.allocations.filter { $0.target == "FEC:F1" }.reduce(0) { $0 + $1.amount }
        #expect(allocatedToF1 == 10_000)
    }

    @Test("a refund lettered with an overpayment is allocated to the debit document")
    func refundAllocation() throws {
        let lines =
            L.payment("1", "20250105", client: "A", ref: "P1", amount: "30,00", letter: "R")
            + [
                L.line("BQ", "2", "20250110", "411000", aux: "A", ref: "RB", debit: "30,00", letter: "R"),
                L.line("BQ", "2", "20250110", "512000", ref: "RB", credit: "30,00"),
            ]
        let result = try L.importYears([L.render(lines)])
        #expect(result.debitDocuments.map(\.kind) == [.refund])
        let allocation = try #require(result.allocations.first)
        #expect(allocation.targetKind == .debitDocument)
        #expect(allocation.target == result.debitDocuments.first?.id)
        #expect(result.report.lettering.balancedGroups == 1)
    }

    @Test("'A nouveau' labels on the first day open the year even outside an AN journal")
    func openingByLabel() throws {
        let lines = [
            L.line(
                "OD",
                "1",
                "20250101",
                "411000",
                aux: "A",
                ref: "F0",
                pieceDate: "20241115",
                label: "A nouveau F0",
                debit: "90,00"
            ),
            L.line("OD", "1", "20250101", "890000", credit: "90,00"),
            L.line("OD", "2", "20250301", "411000", aux: "A", ref: "X", label: "À nouveau erroné", debit: "10,00"),
            L.line("OD", "2", "20250301", "758000", credit: "10,00"),
        ]
        let result = try L.importYears([L.render(lines)])
        #expect(result.report.kinds.openingLines == 1)
        #expect(result.report.kinds.debitAdjustments == 1)
        #expect(result.installments.map(\.invoiceDate) == [day("2024-11-15")])
        #expect(result.installments.first?.dueDate == day("2024-12-15"))
    }

    @Test("several fiscal years: a mismatching opening is reported and adjusted so AR follows the new year")
    func openingMismatch() throws {
        let year1 =
            L.invoice("1", "20240301", client: "A", ref: "F1", ttc: "100,00", ht: "100,00", vat: "0,00", letter: "AA")
            + L.invoice("2", "20240401", client: "B", ref: "F2", ttc: "50,00", ht: "50,00", vat: "0,00")
            + L.payment("3", "20240501", client: "B", ref: "P0", amount: "20,00")
        let year2 =
            [
                L.line(
                    "AN",
                    "1",
                    "20250101",
                    "411000",
                    aux: "A",
                    ref: "F1",
                    pieceDate: "20240301",
                    debit: "100,00",
                    letter: "AA"
                ),
                L.line("AN", "1", "20250101", "411000", aux: "B", ref: "F2", pieceDate: "20240401", debit: "50,00"),
                L.line("AN", "1", "20250101", "411000", aux: "B", ref: "P0", pieceDate: "20240501", credit: "25,00"),
                L.line("AN", "1", "20250101", "110000", credit: "125,00"),
            ] + L.payment("2", "20250110", client: "A", ref: "P1", amount: "100,00", letter: "AA")
        let result = try L.importYears([L.render(year2), L.render(year1)])
        let check = try #require(result.report.openingChecks.first)
        #expect(
            check.mismatches == [FECImportReport.OpeningMismatch(client: "B", previousClosing: 3_000, opening: 2_500)]
        )
        #expect(check.previousClosing == 13_000 && check.opening == 12_500)
        #expect(result.report.warnings.contains { $0.code == "OPENING_MISMATCH" })
        let adjustment = try #require(result.creditDocuments.first { $0.id == "FEC:OPENING-20250101/B" })
        #expect(adjustment.kind == .adjustment && adjustment.amount == 500 && adjustment.date == day("2025-01-01"))
        let ledger = Ledger(result)
        #expect(ledger.balance(at: day("2024-12-31"), client: "B") == 3_000)
        #expect(ledger.balance(at: day("2025-01-01"), client: "B") == 2_500)
        // The payment of 2025 is lettered with the AN line, which stands for F1 of 2024.
        #expect(
            result.allocations.map { "\($0.source)>\($0.target) \($0.amount)" } == ["FEC:BQ-2-20250110/1>FEC:F1 10000"]
        )
        #expect(result.installments.count == 2, "no installment is made from the AN lines")
        #expect(result.report.kinds.openingLines == 3)
    }

    @Test("lettering codes are matched within one fiscal year only")
    func crossYearCodes() throws {
        let year1 = L.invoice(
            "1",
            "20240301",
            client: "A",
            ref: "F1",
            ttc: "100,00",
            ht: "100,00",
            vat: "0,00",
            letter: "AA"
        )
        let year2 =
            [
                L.line("AN", "1", "20250101", "411000", aux: "A", ref: "F1", pieceDate: "20240301", debit: "100,00"),
                L.line("AN", "1", "20250101", "110000", credit: "100,00"),
            ] + L.payment("2", "20250110", client: "A", ref: "P1", amount: "100,00", letter: "AA")
        let result = try L.importYears([L.render(year1), L.render(year2)])
        #expect(result.allocations.isEmpty)
        #expect(result.report.lettering.groups == 2)
        #expect(result.report.openingChecks.first?.isConsistent == true)
    }

    @Test("zero-amount customer lines are skipped and counted")
    func zeroAmount() throws {
        let lines = [
            L.line("VT", "1", "20250105", "411000", aux: "A", ref: "F1", debit: "0,00"),
            L.line("VT", "1", "20250105", "706000", ref: "F1", credit: "0,00"),
        ]
        let result = try L.importYears([L.render(lines)])
        #expect(result.installments.isEmpty)
        #expect(result.report.zeroAmountLines == 1)
        #expect(result.report.warnings.contains { $0.code == "ZERO_AMOUNT" })
    }

    @Test("an unbalanced entry is reported")
    func unbalanced() throws {
        let lines = [
            L.line("VT", "1", "20250105", "411000", aux: "A", ref: "F1", debit: "100,00"),
            L.line("VT", "1", "20250105", "706000", ref: "F1", credit: "90,00"),
            L.line("OD", "2", "20250105", "601000", debit: "5,00"),
        ]
        let result = try L.importYears([L.render(lines)])
        let warning = try #require(result.report.warnings.first { $0.code == "UNBALANCED_ENTRY" })
        #expect(warning.count == 2)
        #expect(warning.exampleLines.sorted() == [2, 4])
    }

    @Test("ids longer than 128 bytes are shortened deterministically")
    func longIDs() throws {
        let reference = String(repeating: "R", count: 200)
        let lines = L.invoice("1", "20250105", client: "A", ref: reference, ttc: "10,00", ht: "10,00", vat: "0,00")
        let first = try L.importYears([L.render(lines)])
        let second = try L.importYears([L.render(lines)])
        let id = try #require(first.installments.first?.id)
        #expect(id.utf8.count == 128)
        #expect(id == second.installments.first?.id)
        #expect(id.hasPrefix("FEC:RRR"))
    }
}
