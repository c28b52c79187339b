public import PilotageProtocol
public import Wire

/// The stored records of one client, decoded: what ``FactMapper`` turns into `ClientFacts`.
///
/// Records arrive as (kind, canonical wire payload) pairs, from the tenant file on the gateway
/// (verification) or from the facts stream on a worker; ``add(kind:payload:decoder:)`` decodes
/// and files each one.
public struct ClientRecordSet: Sendable {
    /// The client's own record (`nil` until it arrives).
    public var client: ClientRecord?
    /// Invoice installments.
    public var installments: [InstallmentRecord] = []
    /// Refunds and debit adjustments.
    public var debitDocuments: [DebitDocumentRecord] = []
    /// Payments, credit notes, write-offs, adjustments, prepayments.
    public var creditDocuments: [CreditDocumentRecord] = []
    /// Matching lines.
    public var allocations: [AllocationRecord] = []
    /// Disputes.
    public var disputes: [DisputeRecord] = []
    /// Provisions.
    public var provisions: [ProvisionRecord] = []
    /// Off-ledger exposures.
    public var exposures: [OffLedgerExposureRecord] = []
    /// Practice documents.
    public var documents: [DocumentRecord] = []
    /// Supplier rules.
    public var supplierRules: [SupplierRuleRecord] = []
    /// Collection events.
    public var events: [CollectionEventRecord] = []

    /// An empty set.
    public init() {}

    /// Number of records held.
    public var count: Int {
        (self.client == nil ? 0 : 1) + self.installments.count + self.debitDocuments.count + self.creditDocuments.count
            + self.allocations.count + self.disputes.count + self.provisions.count + self.exposures.count
            + self.documents.count + self.supplierRules.count + self.events.count
    }

    /// Decodes one stored record and files it. Kinds that belong to no client (settings,
    /// collaborators, strategies, deals …) are ignored.
    ///
    /// - Throws: `WireError` when the payload does not decode as its kind (a corrupt file).
    public mutating func add(kind: EntityKind, payload: [UInt8], decoder: WireDecoder) throws {
        switch kind {
        case .client: self.client = try decoder.decode(ClientRecord.self, from: payload)
        case .installment: self.installments.append(try decoder.decode(InstallmentRecord.self, from: payload))
        case .debitDocument: self.debitDocuments.append(try decoder.decode(DebitDocumentRecord.self, from: payload))
        case .creditDocument: self.creditDocuments.append(try decoder.decode(CreditDocumentRecord.self, from: payload))
        case .allocation: self.allocations.append(try decoder.decode(AllocationRecord.self, from: payload))
        case .dispute: self.disputes.append(try decoder.decode(DisputeRecord.self, from: payload))
        case .provision: self.provisions.append(try decoder.decode(ProvisionRecord.self, from: payload))
        case .offLedgerExposure: self.exposures.append(try decoder.decode(OffLedgerExposureRecord.self, from: payload))
        case .document: self.documents.append(try decoder.decode(DocumentRecord.self, from: payload))
        case .supplierRule: self.supplierRules.append(try decoder.decode(SupplierRuleRecord.self, from: payload))
        case .collectionEvent: self.events.append(try decoder.decode(CollectionEventRecord.self, from: payload))
        case .firmSettings, .organisationUnit, .collaborator, .collectionStrategy, .deal, .offerDocument:
            break
        }
    }
}
