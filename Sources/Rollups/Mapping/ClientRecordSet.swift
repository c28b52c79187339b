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

    /// ``add(kind:payload:decoder:)`` over borrowed bytes (no copy of the payload).
    ///
    /// - Throws: `WireError` when the payload does not decode as its kind (a corrupt file).
    public mutating func add(kind: EntityKind, bytes: UnsafeRawBufferPointer, decoder: WireDecoder) throws(WireError) {
        if let record = try DecodedClientRecord(kind: kind, bytes: bytes, decoder: decoder) {
            self.add(record)
        }
    }

    /// Files a decoded record after those of its kind (the client record replaces the set's).
    public mutating func add(_ record: DecodedClientRecord) {
        switch record {
        case .client(let value): self.client = value
        case .installment(let value): self.installments.append(value)
        case .debitDocument(let value): self.debitDocuments.append(value)
        case .creditDocument(let value): self.creditDocuments.append(value)
        case .allocation(let value): self.allocations.append(value)
        case .dispute(let value): self.disputes.append(value)
        case .provision(let value): self.provisions.append(value)
        case .exposure(let value): self.exposures.append(value)
        case .document(let value): self.documents.append(value)
        case .supplierRule(let value): self.supplierRules.append(value)
        case .event(let value): self.events.append(value)
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

/// One decoded record of a client, of any kind a ``ClientRecordSet`` holds.
public enum DecodedClientRecord: Sendable {
    case client(ClientRecord)
    case installment(InstallmentRecord)
    case debitDocument(DebitDocumentRecord)
    case creditDocument(CreditDocumentRecord)
    case allocation(AllocationRecord)
    case dispute(DisputeRecord)
    case provision(ProvisionRecord)
    case exposure(OffLedgerExposureRecord)
    case document(DocumentRecord)
    case supplierRule(SupplierRuleRecord)
    case event(CollectionEventRecord)

    /// Decodes a stored record; `nil` for the kinds that belong to no client (settings,
    /// collaborators, strategies, deals …). The kinds that make up most of a history go through
    /// ``StoredRecordReader``; the others through their `Decodable` conformance.
    ///
    /// - Throws: `WireError` when the payload does not decode as its kind (a corrupt file).
    public init?(kind: EntityKind, bytes: UnsafeRawBufferPointer, decoder: WireDecoder) throws(WireError) {
        switch kind {
        case .client: self = .client(try decoder.decode(ClientRecord.self, from: bytes))
        case .installment: self = .installment(try StoredRecordReader.installment(bytes, decoder: decoder))
        case .debitDocument: self = .debitDocument(try decoder.decode(DebitDocumentRecord.self, from: bytes))
        case .creditDocument: self = .creditDocument(try StoredRecordReader.creditDocument(bytes, decoder: decoder))
        case .allocation: self = .allocation(try StoredRecordReader.allocation(bytes, decoder: decoder))
        case .dispute: self = .dispute(try decoder.decode(DisputeRecord.self, from: bytes))
        case .provision: self = .provision(try decoder.decode(ProvisionRecord.self, from: bytes))
        case .offLedgerExposure: self = .exposure(try decoder.decode(OffLedgerExposureRecord.self, from: bytes))
        case .document: self = .document(try StoredRecordReader.document(bytes, decoder: decoder))
        case .supplierRule: self = .supplierRule(try decoder.decode(SupplierRuleRecord.self, from: bytes))
        case .collectionEvent: self = .event(try StoredRecordReader.collectionEvent(bytes, decoder: decoder))
        case .firmSettings, .organisationUnit, .collaborator, .collectionStrategy, .deal, .offerDocument:
            return nil
        }
    }
}
