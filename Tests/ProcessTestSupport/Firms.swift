import Foundation
import Imports
package import PilotageProtocol
package import Wire

package func day(_ text: String) -> CalendarDate {
    guard let date = CalendarDate(text) else { preconditionFailure("bad test date \(text)") }
    return date
}

/// Euros to cents.
package func eur(_ euros: Int64) -> Int64 { euros * 100 }

/// The worked-example portfolio of kpi-definitions §3 as records (D = 2025-03-31): its level-1
/// values are in the contract's oracle vector (§5).
package enum WorkedExampleRecords {
    package static let today = "2025-03-31"

    package static var records: [any IngestibleRecord] {
        var records: [any IngestibleRecord] = [
            OrganisationUnitRecord(id: "PAR", name: "Paris", kind: .office),
            OrganisationUnitRecord(id: "LYO", name: "Lyon", kind: .office),
            CollaboratorRecord(id: "marie", name: "Marie", office: "PAR", roles: [.accountManager]),
            CollaboratorRecord(id: "paul", name: "Paul", office: "LYO", roles: [.accountManager]),
            ClientRecord(id: "A", name: "Boulangerie Martin", office: "PAR", assignedCollaborators: ["marie"], creditLimit: eur(3_000)),
            ClientRecord(id: "B", name: "SARL Dupuis Frères", office: "PAR", assignedCollaborators: ["marie", "paul"], creditLimit: eur(10_000)),
            ClientRecord(id: "C", name: "SCI Horizon", office: "LYO", bookkeepingMode: .client, assignedCollaborators: ["paul"]),
        ]
        let invoices: [(String, String, String, String, Int64, Int64)] = [
            ("C1", "C", "2024-10-01", "2024-10-31", 6_000, 5_000),
            ("A1", "A", "2024-11-15", "2024-12-15", 1_200, 1_000),
            ("B1", "B", "2024-12-20", "2025-01-19", 2_400, 2_000),
            ("B4", "B", "2025-01-05", "2025-02-04", 1_200, 1_000),
            ("A2", "A", "2025-01-15", "2025-02-14", 3_600, 3_000),
            ("B2", "B", "2025-02-01", "2025-03-03", 4_800, 4_000),
            ("C2", "C", "2025-02-10", "2025-03-12", 3_000, 2_500),
            ("B3", "B", "2025-03-05", "2025-04-04", 9_600, 8_000),
            ("A3", "A", "2025-03-10", "2025-04-09", 2_400, 2_000),
        ]
        for (id, client, date, due, ttc, ht) in invoices {
            records.append(
                InstallmentRecord(id: id, client: client, invoiceID: id, invoiceDate: day(date), dueDate: day(due), amount: eur(ttc), amountHT: eur(ht))
            )
        }
        let credits: [(String, String, CreditDocumentKind, String, Int64, Int64?)] = [
            ("P1", "A", .payment, "2025-01-10", 1_200, nil),
            ("P2", "B", .payment, "2025-01-19", 2_400, nil),
            ("P3", "B", .payment, "2025-02-01", 1_200, nil),
            ("P4", "A", .payment, "2025-02-20", 1_800, nil),
            ("CN1", "A", .creditNote, "2025-03-15", 600, 500),
            ("P5", "B", .payment, "2025-03-20", 4_800, nil),
            ("P6", "B", .payment, "2025-03-28", 500, nil),
        ]
        for (id, client, kind, date, amount, ht) in credits {
            records.append(CreditDocumentRecord(id: id, kind: kind, client: client, date: day(date), amount: eur(amount), amountHT: ht.map(eur)))
        }
        let allocations: [(String, String, String, Int64, String, AllocationMethod)] = [
            ("L1", "P1", "A1", 1_200, "2025-01-10", .auto),
            ("L2", "P2", "B1", 2_400, "2025-01-19", .auto),
            ("L3", "P3", "B4", 1_200, "2025-02-01", .auto),
            ("L4", "P4", "A2", 1_800, "2025-02-20", .manual),
            ("L5", "CN1", "A3", 600, "2025-03-15", .manual),
            ("L6", "P5", "B2", 4_800, "2025-03-20", .manual),
        ]
        for (id, source, target, amount, recorded, method) in allocations {
            records.append(AllocationRecord(id: id, source: source, target: target, amount: eur(amount), recordedOn: day(recorded), method: method))
        }
        records.append(DisputeRecord(id: "D1", installment: "C1", openedOn: day("2024-12-01")))
        records.append(DisputeRecord(id: "D2", installment: "B2", openedOn: day("2025-03-05"), resolvedOn: day("2025-03-18")))
        records.append(DisputeRecord(id: "D3", installment: "A3", openedOn: day("2025-03-12"), resolvedOn: day("2025-03-15")))
        records.append(ProvisionRecord(id: "PR1", installment: "C1", amountHT: eur(2_500), date: day("2024-12-31")))
        return records
    }
}

/// A generated demo firm (the `Imports` generator), small enough for a test.
package enum DemoFirm {
    package static func records(today: String, clients: Int, documents: Int, installments: Int, deals: Int = 12, seed: UInt64 = 7) throws
        -> [any IngestibleRecord]
    {
        var parameters = DemoFirmParameters(size: .small, today: day(today), seed: seed)
        parameters.clients = clients
        parameters.documents = documents
        parameters.installments = installments
        parameters.deals = deals
        var records: [any IngestibleRecord] = []
        for batch in try DemoFirmGenerator(parameters: parameters) {
            records += batch.records
        }
        return records
    }
}
