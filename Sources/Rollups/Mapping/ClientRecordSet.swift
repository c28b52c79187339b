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
        try payload.withUnsafeBytes { bytes in try self.add(kind: kind, bytes: bytes, decoder: decoder) }
    }

    /// ``add(kind:payload:decoder:)`` over borrowed bytes (no copy of the payload). The kinds
    /// that make up most of a history go through ``StoredRecordReader``; the others through
    /// their `Decodable` conformance.
    ///
    /// - Throws: `WireError` when the payload does not decode as its kind (a corrupt file).
    public mutating func add(kind: EntityKind, bytes: UnsafeRawBufferPointer, decoder: WireDecoder) throws(WireError) {
        switch kind {
        case .client: self.client = try decoder.decode(ClientRecord.self, from: bytes)
        case .installment: self.installments.append(try StoredRecordReader.installment(bytes, decoder: decoder))
        case .debitDocument: self.debitDocuments.append(try decoder.decode(DebitDocumentRecord.self, from: bytes))
        case .creditDocument: self.creditDocuments.append(try StoredRecordReader.creditDocument(bytes, decoder: decoder))
        case .allocation: self.allocations.append(try StoredRecordReader.allocation(bytes, decoder: decoder))
        case .dispute: self.disputes.append(try decoder.decode(DisputeRecord.self, from: bytes))
        case .provision: self.provisions.append(try decoder.decode(ProvisionRecord.self, from: bytes))
        case .offLedgerExposure: self.exposures.append(try decoder.decode(OffLedgerExposureRecord.self, from: bytes))
        case .document: self.documents.append(try StoredRecordReader.document(bytes, decoder: decoder))
        case .supplierRule: self.supplierRules.append(try decoder.decode(SupplierRuleRecord.self, from: bytes))
        case .collectionEvent: self.events.append(try StoredRecordReader.collectionEvent(bytes, decoder: decoder))
        case .firmSettings, .organisationUnit, .collaborator, .collectionStrategy, .deal, .offerDocument:
            break
        }
    }

    /// Appends `other`'s records after this set's (the client record: `other`'s when it has
    /// one), as if `other`'s records had been added one by one after these.
    public mutating func append(contentsOf other: ClientRecordSet) {
        if let client = other.client { self.client = client }
        self.installments += other.installments
        self.debitDocuments += other.debitDocuments
        self.creditDocuments += other.creditDocuments
        self.allocations += other.allocations
        self.disputes += other.disputes
        self.provisions += other.provisions
        self.exposures += other.exposures
        self.documents += other.documents
        self.supplierRules += other.supplierRules
        self.events += other.events
    }
}
