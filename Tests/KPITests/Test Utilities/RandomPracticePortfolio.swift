import KPI
import Wire

/// Random clients with documents and supplier rules (1–5 clients, up to 60 documents each,
/// statuses, channels, suppliers and rules drawn from a seed), from ``start`` over 520 days.
enum RandomPracticePortfolio {
    /// The first day documents and rules are drawn from.
    static let start = day("2024-01-01")

    /// The facts drawn from `rng`.
    static func facts(using rng: inout SeededGenerator) -> ([ClientFact], [DocumentFact], [SupplierRuleFact]) {
        let start = Self.start
        func date() -> CalendarDate { start.advanced(by: Int.random(in: 0...520, using: &rng)) }
        var clients: [ClientFact] = []
        var documents: [DocumentFact] = []
        var rules: [SupplierRuleFact] = []
        let suppliers = ["EDF", "Orange", "SNCF", "Total"]
        for c in 0..<Int.random(in: 1...5, using: &rng) {
            clients.append(
                ClientFact(
                    id: "K\(c)",
                    frequency: ClientFact.Frequency.allCases.randomElement(using: &rng),
                    deactivated: rng.chance(0.15)
                )
            )
            for i in 0..<Int.random(in: 0...60, using: &rng) {
                let received = date()
                var history: [DocumentFact.StatusChange] = []
                if rng.chance(0.6) {
                    history.append(.init(.ready, on: received.advanced(by: Int.random(in: 0...10, using: &rng))))
                }
                if rng.chance(0.5) {
                    history.append(.init(.published, on: received.advanced(by: Int.random(in: 0...60, using: &rng))))
                }
                if rng.chance(0.1) {
                    history.append(.init(.deleted, on: received.advanced(by: Int.random(in: 0...60, using: &rng))))
                }
                documents.append(
                    DocumentFact(
                        id: "K\(c)-\(i)",
                        client: "K\(c)",
                        receivedOn: received,
                        channel: DocumentFact.Channel.allCases.randomElement(using: &rng) ?? .email,
                        supplier: suppliers.randomElement(using: &rng),
                        statusHistory: history.shuffled(using: &rng),
                        autoCategorised: rng.chance(0.3),
                        autoPublished: rng.chance(0.2)
                    )
                )
            }
            for r in 0..<Int.random(in: 0...3, using: &rng) {
                rules.append(
                    SupplierRuleFact(
                        id: "K\(c)-R\(r)",
                        client: "K\(c)",
                        supplier: suppliers.randomElement(using: &rng) ?? "EDF",
                        createdOn: date()
                    )
                )
            }
        }
        return (clients, documents, rules)
    }
}
