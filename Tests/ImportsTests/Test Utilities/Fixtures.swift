import Foundation
import Imports
import PilotageProtocol
import Wire

/// Paths of the test fixtures (next to this file, so the tests run from any working directory).
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static let fec2024 = directory.appendingPathComponent("fec/999999999FEC20241231.txt")
    static let fec2025 = directory.appendingPathComponent("fec/999999999FEC20251231.txt")
    static let supplement = directory.appendingPathComponent("worked-example-supplement.jsonl")
}

/// A date literal for tests; traps on a malformed literal (a test bug, not input).
func day(_ text: String) -> CalendarDate {
    guard let date = CalendarDate(text) else { preconditionFailure("bad date literal \(text)") }
    return date
}

/// Runs `body` with a fresh temporary directory, removed afterwards.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("imports-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}

/// AR arithmetic of kpi-definitions §2.1 over produced records, to cross-check imports.
struct Ledger {
    var installments: [InstallmentRecord] = []
    var debitDocuments: [DebitDocumentRecord] = []
    var creditDocuments: [CreditDocumentRecord] = []
    var allocations: [AllocationRecord] = []

    /// AR(D) = Σ debits dated ≤ D − Σ credits dated ≤ D.
    func balance(at date: CalendarDate, client: String? = nil) -> Int64 {
        let debits =
            self.installments.filter { $0.invoiceDate <= date && (client == nil || $0.client == client) }
            .reduce(Int64(0)) { $0 + $1.amount }
            + self.debitDocuments.filter { $0.date <= date && (client == nil || $0.client == client) }
            .reduce(Int64(0)) { $0 + $1.amount }
        let credits = self.creditDocuments.filter { $0.date <= date && (client == nil || $0.client == client) }
            .reduce(Int64(0)) { $0 + $1.amount }
        return debits - credits
    }

    /// open(i, D) with eff(a) = max(source date, target invoice date).
    func openAmount(of installmentID: String, at date: CalendarDate) -> Int64? {
        guard let installment = self.installments.first(where: { $0.id == installmentID }) else { return nil }
        let credits = Dictionary(uniqueKeysWithValues: self.creditDocuments.map { ($0.id, $0) })
        let allocated = self.allocations.filter { $0.target == installmentID }
            .filter { allocation in
                guard let source = credits[allocation.source] else { return false }
                return max(source.date, installment.invoiceDate) <= date
            }
            .reduce(Int64(0)) { $0 + $1.amount }
        return installment.amount - allocated
    }

    /// SALES(month) = invoices dated in the month − credit notes dated in the month.
    func netSales(year: Int, month: Int) -> Int64 {
        let invoiced = self.installments.filter { $0.invoiceDate.year == year && $0.invoiceDate.month == month }
            .reduce(Int64(0)) { $0 + $1.amount }
        let credited = self.creditDocuments.filter {
            $0.kind == .creditNote && $0.date.year == year && $0.date.month == month
        }
        .reduce(Int64(0)) { $0 + $1.amount }
        return invoiced - credited
    }
}

extension Ledger {
    init(_ result: FECImportResult) {
        self.init(
            installments: result.installments,
            debitDocuments: result.debitDocuments,
            creditDocuments: result.creditDocuments,
            allocations: result.allocations
        )
    }
}
