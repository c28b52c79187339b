/// Every fact of one client: the unit the worker computes parts for.
///
/// An allocation whose source and target belong to different clients is listed under both
/// (the target's client uses it for open amounts and payment timing, the source's client for
/// its unapplied credit); ``Portfolio/init(clients:installments:credits:allocations:disputes:provisions:exposures:documents:supplierRules:events:)``
/// does this.
public struct ClientFacts: Hashable, Sendable {
    /// The client.
    public var client: ClientFact
    /// Debit items (installments, refunds, debit adjustments).
    public var installments: [InstallmentFact]
    /// Credit documents.
    public var credits: [CreditFact]
    /// Allocations touching this client's items or credits.
    public var allocations: [AllocationFact]
    /// Disputes on this client's installments.
    public var disputes: [DisputeFact]
    /// Provisions on this client's installments.
    public var provisions: [ProvisionFact]
    /// Off-ledger exposures.
    public var exposures: [OffLedgerExposureFact]
    /// Practice documents.
    public var documents: [DocumentFact]
    /// Supplier rules.
    public var supplierRules: [SupplierRuleFact]
    /// Collection events on this client's installments.
    public var events: [CollectionEventFact]

    /// Creates the facts of one client.
    public init(
        client: ClientFact,
        installments: [InstallmentFact] = [],
        credits: [CreditFact] = [],
        allocations: [AllocationFact] = [],
        disputes: [DisputeFact] = [],
        provisions: [ProvisionFact] = [],
        exposures: [OffLedgerExposureFact] = [],
        documents: [DocumentFact] = [],
        supplierRules: [SupplierRuleFact] = [],
        events: [CollectionEventFact] = []
    ) {
        self.client = client
        self.installments = installments
        self.credits = credits
        self.allocations = allocations
        self.disputes = disputes
        self.provisions = provisions
        self.exposures = exposures
        self.documents = documents
        self.supplierRules = supplierRules
        self.events = events
    }
}

/// A firm's facts, grouped by client.
public struct Portfolio: Hashable, Sendable {
    /// One entry per client, in client id order.
    public var clients: [ClientFacts]

    /// Wraps already grouped facts.
    public init(_ clients: [ClientFacts]) {
        self.clients = clients
    }

    /// Groups flat fact lists by client. Facts referring to an unknown client or installment are
    /// dropped (the gateway rejects them at ingestion with `UNKNOWN_REFERENCE`).
    public init(
        clients: [ClientFact],
        installments: [InstallmentFact] = [],
        credits: [CreditFact] = [],
        allocations: [AllocationFact] = [],
        disputes: [DisputeFact] = [],
        provisions: [ProvisionFact] = [],
        exposures: [OffLedgerExposureFact] = [],
        documents: [DocumentFact] = [],
        supplierRules: [SupplierRuleFact] = [],
        events: [CollectionEventFact] = []
    ) {
        var byClient: [String: ClientFacts] = [:]
        for client in clients {
            byClient[client.id] = ClientFacts(client: client)
        }
        var installmentClient: [String: String] = [:]
        for installment in installments where byClient[installment.client] != nil {
            byClient[installment.client]?.installments.append(installment)
            installmentClient[installment.id] = installment.client
        }
        var creditClient: [String: String] = [:]
        for credit in credits where byClient[credit.client] != nil {
            byClient[credit.client]?.credits.append(credit)
            creditClient[credit.id] = credit.client
        }
        for allocation in allocations {
            let target = installmentClient[allocation.target]
            let source = creditClient[allocation.source]
            if let target { byClient[target]?.allocations.append(allocation) }
            if let source, source != target { byClient[source]?.allocations.append(allocation) }
        }
        for dispute in disputes {
            if let client = installmentClient[dispute.installment] { byClient[client]?.disputes.append(dispute) }
        }
        for provision in provisions {
            if let client = installmentClient[provision.installment] { byClient[client]?.provisions.append(provision) }
        }
        for exposure in exposures where byClient[exposure.client] != nil {
            byClient[exposure.client]?.exposures.append(exposure)
        }
        for document in documents where byClient[document.client] != nil {
            byClient[document.client]?.documents.append(document)
        }
        for rule in supplierRules where byClient[rule.client] != nil {
            byClient[rule.client]?.supplierRules.append(rule)
        }
        for event in events {
            if let client = installmentClient[event.installment] { byClient[client]?.events.append(event) }
        }
        self.clients = byClient.values.sorted { $0.client.id < $1.client.id }
    }

    /// The clients selected by `filter`.
    public func selecting(_ filter: ClientFilter) -> Portfolio {
        Portfolio(self.clients.filter { filter.matches($0.client.profile) })
    }
}
