import KPI
import Wire

/// A small builder for hand-made portfolios in edge-case tests.
struct Ledger {
    var clients: [ClientFact] = []
    var installments: [InstallmentFact] = []
    var credits: [CreditFact] = []
    var allocations: [AllocationFact] = []
    var disputes: [DisputeFact] = []
    var provisions: [ProvisionFact] = []
    var exposures: [OffLedgerExposureFact] = []

    init(clients: [ClientFact] = [ClientFact(id: "X")]) {
        self.clients = clients
    }

    mutating func invoice(
        _ id: String,
        client: String = "X",
        _ date: String,
        due: String,
        _ euros: Int64,
        ht: Int64? = nil
    ) {
        self.installments.append(
            InstallmentFact(
                id: id,
                client: client,
                invoiceDate: day(date),
                dueDate: day(due),
                amount: eur(euros),
                amountHT: ht.map { eur($0) }
            )
        )
    }

    mutating func credit(_ id: String, client: String = "X", _ kind: CreditFact.Kind, _ date: String, _ euros: Int64) {
        self.credits.append(CreditFact(id: id, client: client, kind: kind, date: day(date), amount: eur(euros)))
    }

    mutating func allocate(
        _ source: String,
        to target: String,
        _ euros: Int64,
        recorded: String? = nil,
        method: AllocationFact.Method = .manual
    ) {
        let recordedOn = recorded.map(day) ?? self.credits.first { $0.id == source }?.date ?? day("2025-01-01")
        self.allocations.append(
            AllocationFact(
                id: "\(source)>\(target)#\(self.allocations.count)",
                source: source,
                target: target,
                amount: eur(euros),
                recordedOn: recordedOn,
                method: method
            )
        )
    }

    var portfolio: Portfolio {
        Portfolio(
            clients: self.clients,
            installments: self.installments,
            credits: self.credits,
            allocations: self.allocations,
            disputes: self.disputes,
            provisions: self.provisions,
            exposures: self.exposures
        )
    }

    func kpis(
        settings: KPISettings = KPISettings(),
        firstDataDate: CalendarDate? = nil
    ) -> ReceivablesKPI<MergedClientsSource> {
        ReceivablesKPI(
            source: MergedClientsSource(self.portfolio.clients, settings: settings),
            context: KPIContext(settings: settings, firstDataDate: firstDataDate)
        )
    }
}
