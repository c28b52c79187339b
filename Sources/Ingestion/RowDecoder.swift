internal import Foundation
public import PilotageProtocol
internal import Wire

/// One decoded row: a record to upsert or a tombstone.
public enum DecodedRow: Sendable {
    /// A record and its canonical wire encoding (what the store keeps and compares).
    case upsert(any RecordRules, canonical: [UInt8])
    /// `{"id": …, "deleted": true}`.
    case tombstone(id: String)

    /// External id of the row.
    public var id: String {
        switch self {
        case .upsert(let record, _): record.id
        case .tombstone(let id): id
        }
    }
}

/// Decodes one ingestion row on its own, so that a malformed row is rejected alone with the
/// data-contract reason (MISSING_FIELD, BAD_TYPE, BAD_VALUE, TOO_LONG) and the field at fault.
public struct RowDecoder: Sendable {
    /// Limits on ids, strings and dates.
    public var limits: IngestLimits

    private let decoder = WireDecoder()
    private let encoder = WireEncoder()

    public init(limits: IngestLimits = .default) {
        self.limits = limits
    }

    /// Decodes `row`, or returns the rejection describing why it cannot be used.
    public func decode(_ row: IngestRow, index: Int) -> Result<DecodedRow, RowRejectionError> {
        let bytes = [UInt8](row.payload)
        let header: RecordHeader
        do {
            header = try self.decoder.decode(RecordHeader.self, from: bytes)
        } catch {
            return .failure(self.rejection(for: error, index: index, kind: row.kind, id: nil))
        }
        if header.deleted == true {
            guard row.kind != .firmSettings else {
                return .failure(RowRejectionError(index: index, kind: row.kind, id: nil, field: "deleted", reason: .badValue, message: "firm settings cannot be deleted"))
            }
            guard let id = header.id, !id.isEmpty else {
                return .failure(RowRejectionError(index: index, kind: row.kind, id: nil, field: "id", reason: .missingField, message: "a tombstone needs the id of the record to delete"))
            }
            if let problem = self.idProblem(id) {
                return .failure(RowRejectionError(index: index, kind: row.kind, id: nil, field: "id", reason: problem.reason, message: problem.message))
            }
            return .success(.tombstone(id: id))
        }
        let record: any RecordRules
        do {
            record = try self.decodeRecord(row.kind.rulesType, from: bytes)
        } catch {
            return .failure(self.rejection(for: error, index: index, kind: row.kind, id: header.id))
        }
        if row.kind != .firmSettings, let problem = self.idProblem(record.id) {
            return .failure(RowRejectionError(index: index, kind: row.kind, id: nil, field: "id", reason: problem.reason, message: problem.message))
        }
        let canonical: [UInt8]
        do {
            canonical = try self.encoder.encode(record)
        } catch {
            return .failure(RowRejectionError(index: index, kind: row.kind, id: record.id, field: nil, reason: .badValue, message: "the record cannot be re-encoded: \(error)"))
        }
        if let problem = self.scalarProblem(in: canonical) {
            return .failure(RowRejectionError(index: index, kind: row.kind, id: record.id, field: problem.field, reason: problem.reason, message: problem.message))
        }
        return .success(.upsert(record, canonical: canonical))
    }

    private func decodeRecord<R: RecordRules>(_ type: R.Type, from bytes: [UInt8]) throws(WireError) -> R {
        try self.decoder.decode(type, from: bytes)
    }

    private func idProblem(_ id: String) -> FieldProblem? {
        if id.isEmpty {
            return FieldProblem(field: "id", reason: .badValue, message: "id must not be empty")
        }
        if id.utf8.count > self.limits.maxIDBytes {
            return FieldProblem(field: "id", reason: .tooLong, message: "id is \(id.utf8.count) bytes, the limit is \(self.limits.maxIDBytes)")
        }
        return nil
    }

    /// Maps a decoding failure to the data contract's reason codes.
    private func rejection(for error: WireError, index: Int, kind: EntityKind, id: String?) -> RowRejectionError {
        let field = error.codingPath.isEmpty ? nil : error.codingPath
        let reason: RowReason
        switch error.code {
        case .keyNotFound, .valueNotFound: reason = .missingField
        case .typeMismatch: reason = .badType
        case .dataCorrupted, .valueOutOfRange, .invalidValue: reason = .badValue
        case .limitExceeded: reason = .tooLong
        default: reason = .badType
        }
        return RowRejectionError(index: index, kind: kind, id: id, field: field, reason: reason, message: error.message)
    }

    /// Walks the canonical encoding: strings within `maxStringBytes`, dates within the accepted range.
    private func scalarProblem(in canonical: [UInt8]) -> FieldProblem? {
        var found: FieldProblem?
        do {
            try self.decoder.withReader(over: canonical) { reader throws(WireError) in
                found = try self.scan(&reader, path: "")
            }
        } catch {
            return FieldProblem(field: error.codingPath, reason: .badType, message: error.message)
        }
        return found
    }

    private func scan(_ reader: inout WireReader, path: String) throws(WireError) -> FieldProblem? {
        let tag = try reader.peekTag()
        switch tag {
        case .string:
            let text = try reader.readString()
            if text.utf8.count > self.limits.maxStringBytes {
                return FieldProblem(field: path, reason: .tooLong, message: "\(path) is \(text.utf8.count) bytes, the limit is \(self.limits.maxStringBytes)")
            }
        case .date:
            let date = try reader.readDate()
            if date < self.limits.minDate || date > self.limits.maxDate {
                return FieldProblem(field: path, reason: .badValue, message: "\(path) \(date) is outside \(self.limits.minDate)...\(self.limits.maxDate)")
            }
        case .array:
            let count = try reader.readArrayHeader()
            for index in 0..<count {
                if let problem = try self.scan(&reader, path: path.isEmpty ? "\(index)" : "\(path).\(index)") { return problem }
            }
        case .struct:
            var problem: FieldProblem?
            try reader.forEachField { key, fieldReader throws(WireError) in
                let name = key.stringValue
                if problem == nil {
                    problem = try self.scan(&fieldReader, path: path.isEmpty ? name : "\(path).\(name)")
                } else {
                    try fieldReader.skipValue()
                }
            }
            return problem
        default:
            try reader.skipValue()
        }
        return nil
    }
}

/// A rejected row as an error value (wraps ``RowRejection`` so it can travel in a `Result`).
public struct RowRejectionError: Error, Hashable, Sendable {
    /// The rejection to report.
    public var rejection: RowRejection

    public init(index: Int, kind: EntityKind, id: String?, field: String?, reason: RowReason, message: String) {
        self.rejection = RowRejection(index: index, kind: kind, id: id, field: field, reason: reason, message: message)
    }
}

extension EntityKind {
    /// The record type of this kind, with its validation rules.
    public var rulesType: any RecordRules.Type {
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
