public import PilotageProtocol

/// Writes records as JSON lines that ``JSONLinesReader`` reads back: the entity first (`"kind"`,
/// or `"entity"` for the records with a `kind` field of their own), then the record's fields in
/// the contract's order; instants as RFC 3339 UTC, integers exact, absent optionals omitted.
/// Identical records always give identical bytes.
public struct JSONLinesWriter: Sendable {
    /// Creates a writer.
    public init() {}

    /// Whether records of `kind` have a `kind` field of their own (their lines use `"entity"`).
    public static func recordHasKindField(_ kind: EntityKind) -> Bool {
        switch kind {
        case .organisationUnit, .document, .debitDocument, .creditDocument, .offLedgerExposure: true
        default: false
        }
    }

    /// The key naming the entity on lines of `kind`.
    public static func entityKey(for kind: EntityKind) -> String {
        Self.recordHasKindField(kind) ? "entity" : "kind"
    }

    /// One line (with its final `\n`) for `record`.
    public func line<R: IngestibleRecord>(for record: R) throws -> [UInt8] {
        var line = try StreamingJSONEncoder().encode(
            record,
            leadingKey: Self.entityKey(for: R.entityKind),
            leadingValue: R.entityKind.rawValue
        )
        line.append(0x0A)
        return line
    }

    /// The lines of every record of `batch`.
    public func lines(for batch: RecordBatch) throws -> [UInt8] {
        var bytes: [UInt8] = []
        // One typed loop per kind, so encoding is specialised (no existential per record).
        func append<R: IngestibleRecord>(_ records: [R]) throws {
            for record in records { bytes += try self.line(for: record) }
        }
        switch batch {
        case .firmSettings(let records): try append(records)
        case .organisationUnits(let records): try append(records)
        case .collaborators(let records): try append(records)
        case .clients(let records): try append(records)
        case .supplierRules(let records): try append(records)
        case .documents(let records): try append(records)
        case .installments(let records): try append(records)
        case .debitDocuments(let records): try append(records)
        case .creditDocuments(let records): try append(records)
        case .allocations(let records): try append(records)
        case .disputes(let records): try append(records)
        case .provisions(let records): try append(records)
        case .offLedgerExposures(let records): try append(records)
        case .collectionStrategies(let records): try append(records)
        case .collectionEvents(let records): try append(records)
        case .deals(let records): try append(records)
        case .offerDocuments(let records): try append(records)
        }
        return bytes
    }

    /// A tombstone line for the record of `kind` with `id`.
    public func tombstone(kind: EntityKind, id: String) throws -> [UInt8] {
        var line = try StreamingJSONEncoder().encode(
            Tombstone(id: id),
            leadingKey: Self.entityKey(for: kind),
            leadingValue: kind.rawValue
        )
        line.append(0x0A)
        return line
    }

    private struct Tombstone: Encodable {
        var id: String
        var deleted = true
    }
}
