import KPI
import Wire

/// The worked-example portfolio of kpi-definitions §3 (D = 2025-03-31), exactly as printed.
enum WorkedExample {
    static let asOf = day("2025-03-31")
    static let q1 = period("2025-01-01", "2025-03-31")
    static let march = period("2025-03-01", "2025-03-31")
    static let february = period("2025-02-01", "2025-02-28")

    static let clients: [ClientFact] = [
        ClientFact(id: "A", name: "Boulangerie Martin", creditLimit: eur(3_000)),
        ClientFact(id: "B", name: "SARL Dupuis Frères", creditLimit: eur(10_000)),
        ClientFact(id: "C", name: "SCI Horizon"),
    ]

    static let installments: [InstallmentFact] = [
        invoice("C1", "C", "2024-10-01", "2024-10-31", 6_000, 5_000),
        invoice("A1", "A", "2024-11-15", "2024-12-15", 1_200, 1_000),
        invoice("B1", "B", "2024-12-20", "2025-01-19", 2_400, 2_000),
        invoice("B4", "B", "2025-01-05", "2025-02-04", 1_200, 1_000),
        invoice("A2", "A", "2025-01-15", "2025-02-14", 3_600, 3_000),
        invoice("B2", "B", "2025-02-01", "2025-03-03", 4_800, 4_000),
        invoice("C2", "C", "2025-02-10", "2025-03-12", 3_000, 2_500),
        invoice("B3", "B", "2025-03-05", "2025-04-04", 9_600, 8_000),
        invoice("A3", "A", "2025-03-10", "2025-04-09", 2_400, 2_000),
    ]

    static let credits: [CreditFact] = [
        CreditFact(id: "P1", client: "A", kind: .payment, date: day("2025-01-10"), amount: eur(1_200)),
        CreditFact(id: "P2", client: "B", kind: .payment, date: day("2025-01-19"), amount: eur(2_400)),
        CreditFact(id: "P3", client: "B", kind: .payment, date: day("2025-02-01"), amount: eur(1_200)),
        CreditFact(id: "P4", client: "A", kind: .payment, date: day("2025-02-20"), amount: eur(1_800)),
        CreditFact(
            id: "CN1",
            client: "A",
            kind: .creditNote,
            date: day("2025-03-15"),
            amount: eur(600),
            amountHT: eur(500)
        ),
        CreditFact(id: "P5", client: "B", kind: .payment, date: day("2025-03-20"), amount: eur(4_800)),
        CreditFact(id: "P6", client: "B", kind: .payment, date: day("2025-03-28"), amount: eur(500)),
    ]

    static let allocations: [AllocationFact] = [
        AllocationFact(
            id: "L1",
            source: "P1",
            target: "A1",
            amount: eur(1_200),
            recordedOn: day("2025-01-10"),
            method: .auto
        ),
        AllocationFact(
            id: "L2",
            source: "P2",
            target: "B1",
            amount: eur(2_400),
            recordedOn: day("2025-01-19"),
            method: .auto
        ),
        AllocationFact(
            id: "L3",
            source: "P3",
            target: "B4",
            amount: eur(1_200),
            recordedOn: day("2025-02-01"),
            method: .auto
        ),
        AllocationFact(
            id: "L4",
            source: "P4",
            target: "A2",
            amount: eur(1_800),
            recordedOn: day("2025-02-20"),
            method: .manual
        ),
        AllocationFact(
            id: "L5",
            source: "CN1",
            target: "A3",
            amount: eur(600),
            recordedOn: day("2025-03-15"),
            method: .manual
        ),
        AllocationFact(
            id: "L6",
            source: "P5",
            target: "B2",
            amount: eur(4_800),
            recordedOn: day("2025-03-20"),
            method: .manual
        ),
    ]

    static let disputes: [DisputeFact] = [
        DisputeFact(id: "D1", installment: "C1", openedOn: day("2024-12-01")),
        DisputeFact(id: "D2", installment: "B2", openedOn: day("2025-03-05"), resolvedOn: day("2025-03-18")),
        DisputeFact(id: "D3", installment: "A3", openedOn: day("2025-03-12"), resolvedOn: day("2025-03-15")),
    ]

    static let provisions: [ProvisionFact] = [
        ProvisionFact(id: "PR1", installment: "C1", amountHT: eur(2_500), date: day("2024-12-31"))
    ]

    static var portfolio: Portfolio {
        Portfolio(
            clients: clients,
            installments: installments,
            credits: credits,
            allocations: allocations,
            disputes: disputes,
            provisions: provisions
        )
    }

    static var context: KPIContext { KPIContext() }

    /// Parts computed per client, then merged: the path the dashboards take.
    static var kpis: ReceivablesKPI<MergedClientsSource> {
        ReceivablesKPI(source: MergedClientsSource(portfolio.clients, settings: context.settings), context: context)
    }

    static func client(_ id: String) -> ReceivablesKPI<MergedClientsSource> {
        ReceivablesKPI(
            source: MergedClientsSource(portfolio.clients.filter { $0.client.id == id }, settings: context.settings),
            context: context
        )
    }

    private static func invoice(
        _ id: String,
        _ client: String,
        _ invoiceDate: String,
        _ dueDate: String,
        _ ttc: Int64,
        _ ht: Int64
    ) -> InstallmentFact {
        InstallmentFact(
            id: id,
            client: client,
            invoiceDate: day(invoiceDate),
            dueDate: day(dueDate),
            amount: eur(ttc),
            amountHT: eur(ht)
        )
    }
}

/// Parts computed for each client separately and merged with `+` (no shared state between
/// clients), the way the worker and dashboards use them.
struct MergedClientsSource: ReceivablesPartsSource, Sendable {
    let calculators: [ReceivablesPartsCalculator]

    init(_ clients: [ClientFacts], settings: KPISettings) {
        self.calculators = clients.map { ReceivablesPartsCalculator($0, settings: settings) }
    }

    func snapshot(at date: CalendarDate) -> ReceivablesSnapshot {
        .sum(self.calculators.map { $0.snapshot(at: date) })
    }

    func flow(over period: Period) -> ReceivablesFlow {
        .sum(self.calculators.map { $0.flow(over: period) })
    }

    func collectionRate(over period: Period) -> CollectionRateParts {
        .sum(self.calculators.map { $0.collectionRate(over: period) })
    }

    func forecast(asOf date: CalendarDate) -> ForecastParts {
        .sum(self.calculators.map { $0.forecast(asOf: date) })
    }
}
