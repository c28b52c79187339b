/// A record of the data contract that a firm sends in ingestion batches.
public protocol IngestibleRecord: Codable, Sendable, Hashable {
    /// The entity kind, as named in JSON lines and CSV files.
    static var entityKind: EntityKind { get }
    /// The firm's external id (unique per entity kind within the firm, ≤ 128 bytes).
    var id: String { get }
}

/// The first fields of any row: enough to route a tombstone (`{"id": "…", "deleted": true}`)
/// without decoding the rest of the record.
public struct RecordHeader: Codable, Sendable, Hashable {
    /// External id of the record.
    public var id: String?
    /// `true` removes the record.
    public var deleted: Bool?

    public init(id: String?, deleted: Bool? = nil) {
        self.id = id
        self.deleted = deleted
    }
}

extension EntityKind {
    /// The Swift record type of this kind.
    public var recordType: any IngestibleRecord.Type {
        switch self {
        case .firmSettings: FirmSettingsRecord.self
        case .organisationUnit: OrganisationUnitRecord.self
        case .collaborator: CollaboratorRecord.self
        case .client: ClientRecord.self
        case .supplierRule: SupplierRuleRecord.self
        case .document: DocumentRecord.self
        case .installment: InstallmentRecord.self
        case .debitDocument: DebitDocumentRecord.self
        case .creditDocument: CreditDocumentRecord.self
        case .allocation: AllocationRecord.self
        case .dispute: DisputeRecord.self
        case .provision: ProvisionRecord.self
        case .offLedgerExposure: OffLedgerExposureRecord.self
        case .collectionStrategy: CollectionStrategyRecord.self
        case .collectionEvent: CollectionEventRecord.self
        case .deal: DealRecord.self
        case .offerDocument: OfferDocumentRecord.self
        }
    }
}
