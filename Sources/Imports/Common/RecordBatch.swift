public import PilotageProtocol

/// Records of one entity kind, as the readers and the demo generator hand them over: one batch
/// is one kind, so it can be sent as one ingestion batch.
public enum RecordBatch: Sendable, Hashable {
    case firmSettings([FirmSettingsRecord])
    case organisationUnits([OrganisationUnitRecord])
    case collaborators([CollaboratorRecord])
    case clients([ClientRecord])
    case supplierRules([SupplierRuleRecord])
    case documents([DocumentRecord])
    case installments([InstallmentRecord])
    case debitDocuments([DebitDocumentRecord])
    case creditDocuments([CreditDocumentRecord])
    case allocations([AllocationRecord])
    case disputes([DisputeRecord])
    case provisions([ProvisionRecord])
    case offLedgerExposures([OffLedgerExposureRecord])
    case collectionStrategies([CollectionStrategyRecord])
    case collectionEvents([CollectionEventRecord])
    case deals([DealRecord])
    case offerDocuments([OfferDocumentRecord])

    /// The entity kind of every record of the batch.
    public var kind: EntityKind {
        switch self {
        case .firmSettings: .firmSettings
        case .organisationUnits: .organisationUnit
        case .collaborators: .collaborator
        case .clients: .client
        case .supplierRules: .supplierRule
        case .documents: .document
        case .installments: .installment
        case .debitDocuments: .debitDocument
        case .creditDocuments: .creditDocument
        case .allocations: .allocation
        case .disputes: .dispute
        case .provisions: .provision
        case .offLedgerExposures: .offLedgerExposure
        case .collectionStrategies: .collectionStrategy
        case .collectionEvents: .collectionEvent
        case .deals: .deal
        case .offerDocuments: .offerDocument
        }
    }

    /// Number of records.
    public var count: Int {
        self.records.count
    }

    /// The records as existentials (for generic handling, e.g. encoding).
    public var records: [any IngestibleRecord] {
        switch self {
        case .firmSettings(let records): records
        case .organisationUnits(let records): records
        case .collaborators(let records): records
        case .clients(let records): records
        case .supplierRules(let records): records
        case .documents(let records): records
        case .installments(let records): records
        case .debitDocuments(let records): records
        case .creditDocuments(let records): records
        case .allocations(let records): records
        case .disputes(let records): records
        case .provisions(let records): records
        case .offLedgerExposures(let records): records
        case .collectionStrategies(let records): records
        case .collectionEvents(let records): records
        case .deals(let records): records
        case .offerDocuments(let records): records
        }
    }

    /// Splits `records` into batches of at most `maximumCount` (none when `records` is empty).
    public static func chunks<Record>(
        _ records: [Record],
        maximumCount: Int,
        _ wrap: ([Record]) -> RecordBatch
    ) -> [RecordBatch] {
        let size = max(1, maximumCount)
        return stride(from: 0, to: records.count, by: size).map { start in
            wrap(Array(records[start..<min(start + size, records.count)]))
        }
    }
}
