public import PilotageProtocol

/// One accepted row of a CSV or JSON-lines file: a record or a tombstone, with its line number.
public struct ReadRow: Sendable {
    /// What the row carries.
    public enum Content: Sendable {
        /// A record to upsert.
        case record(any IngestibleRecord)
        /// `deleted: true`: remove the record with this kind and id.
        case tombstone
    }

    /// 1-based physical line where the row starts.
    public var line: Int
    /// Entity kind.
    public var kind: EntityKind
    /// External id.
    public var id: String
    /// Record or tombstone.
    public var content: Content

    /// The record, when the row is not a tombstone.
    public var record: (any IngestibleRecord)? {
        if case .record(let record) = self.content { return record }
        return nil
    }
}

/// A run of consecutive lines of a file: the rows accepted and the rows rejected, each with its
/// line number, so that an ingestion reply can point back into the file.
public struct ReadBatch: Sendable {
    /// Accepted rows, in file order.
    public var rows: [ReadRow] = []
    /// Rejected rows, in file order.
    public var rejected: [RowIssue] = []

    /// Creates an empty batch.
    public init() {}

    /// Number of rows, accepted or not.
    public var count: Int { self.rows.count + self.rejected.count }

    /// The accepted records (tombstones excluded) grouped per kind, kinds in order of first appearance.
    public var recordBatches: [RecordBatch] {
        var order: [EntityKind] = []
        var byKind: [EntityKind: [any IngestibleRecord]] = [:]
        for row in self.rows {
            guard let record = row.record else { continue }
            if byKind[row.kind] == nil { order.append(row.kind) }
            byKind[row.kind, default: []].append(record)
        }
        return order.compactMap { kind in byKind[kind].flatMap { RecordBatch(kind: kind, records: $0) } }
    }
}

extension RecordBatch {
    /// A batch of `kind` from existentials; `nil` when one record is not of that kind.
    public init?(kind: EntityKind, records: [any IngestibleRecord]) {
        func cast<R: IngestibleRecord>(_ type: R.Type) -> [R]? {
            let typed = records.compactMap { $0 as? R }
            return typed.count == records.count ? typed : nil
        }
        let batch: RecordBatch? =
            switch kind {
            case .firmSettings: cast(FirmSettingsRecord.self).map(RecordBatch.firmSettings)
            case .organisationUnit: cast(OrganisationUnitRecord.self).map(RecordBatch.organisationUnits)
            case .collaborator: cast(CollaboratorRecord.self).map(RecordBatch.collaborators)
            case .client: cast(ClientRecord.self).map(RecordBatch.clients)
            case .supplierRule: cast(SupplierRuleRecord.self).map(RecordBatch.supplierRules)
            case .document: cast(DocumentRecord.self).map(RecordBatch.documents)
            case .installment: cast(InstallmentRecord.self).map(RecordBatch.installments)
            case .debitDocument: cast(DebitDocumentRecord.self).map(RecordBatch.debitDocuments)
            case .creditDocument: cast(CreditDocumentRecord.self).map(RecordBatch.creditDocuments)
            case .allocation: cast(AllocationRecord.self).map(RecordBatch.allocations)
            case .dispute: cast(DisputeRecord.self).map(RecordBatch.disputes)
            case .provision: cast(ProvisionRecord.self).map(RecordBatch.provisions)
            case .offLedgerExposure: cast(OffLedgerExposureRecord.self).map(RecordBatch.offLedgerExposures)
            case .collectionStrategy: cast(CollectionStrategyRecord.self).map(RecordBatch.collectionStrategies)
            case .collectionEvent: cast(CollectionEventRecord.self).map(RecordBatch.collectionEvents)
            case .deal: cast(DealRecord.self).map(RecordBatch.deals)
            case .offerDocument: cast(OfferDocumentRecord.self).map(RecordBatch.offerDocuments)
            }
        guard let batch else { return nil }
        self = batch
    }
}

/// What became of one row of a file.
public enum RowOutcome: Sendable {
    /// The row was read into a record or tombstone.
    case accepted(ReadRow)
    /// The row was refused.
    case rejected(RowIssue)
}

/// Builds a row from the fields of one JSON line or CSV row: tombstone detection, typed
/// decoding, value checks. Shared by the two readers so they reject the same way.
package enum RowBuilder {
    package typealias Outcome = RowOutcome

    package static func build(
        kind: EntityKind,
        fields: [String: FieldValue],
        line: Int,
        source: String?,
        limits: RecordLimits
    ) -> Outcome {
        var fields = fields
        let rawID: String? =
            switch fields["id"] {
            case .string(let text), .cell(let text): text
            default: kind == .firmSettings ? "settings" : nil
            }
        func reject(_ field: String?, _ reason: RowReason, _ message: String) -> Outcome {
            .rejected(
                RowIssue(source: source, line: line, recordID: rawID, field: field, reason: reason, message: message)
            )
        }
        if let deleted = fields.removeValue(forKey: "deleted") {
            let isDeleted: Bool
            do {
                isDeleted = try FieldValueDecoder.decode(Bool.self, from: deleted)
            } catch {
                return reject("deleted", .badType, "deleted must be true or false")
            }
            if isDeleted {
                guard let id = rawID, !id.isEmpty else {
                    return reject(
                        "id",
                        .missingField,
                        "a tombstone (deleted: true) needs the id of the record to delete"
                    )
                }
                guard id.utf8.count <= limits.maximumIDBytes else {
                    return reject("id", .tooLong, "id has \(id.utf8.count) bytes, more than \(limits.maximumIDBytes)")
                }
                return .accepted(ReadRow(line: line, kind: kind, id: id, content: .tombstone))
            }
        }
        let record: any IngestibleRecord
        do {
            record = try Self.decode(kind.recordType, fields: fields)
        } catch {
            let failure = FieldValueDecoder.describe(error)
            var message = failure.message
            if failure.field == "kind", failure.reason == .missingField, JSONLinesWriter.recordHasKindField(kind) {
                message += " (\(kind.rawValue) records have their own 'kind' field: name the entity with \"entity\")"
            }
            return reject(failure.field, failure.reason, message)
        }
        if let violation = RecordValidator.violations(of: record, limits: limits).first {
            return reject(violation.field, violation.reason, violation.message)
        }
        return .accepted(ReadRow(line: line, kind: kind, id: record.id, content: .record(record)))
    }

    private static func decode<R: IngestibleRecord>(
        _ type: R.Type,
        fields: [String: FieldValue]
    ) throws -> any IngestibleRecord {
        try FieldValueDecoder.decode(R.self, from: .object(fields))
    }
}
