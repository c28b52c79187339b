internal import Foundation
public import PilotageProtocol

/// Writes records as JSON lines that ``JSONLinesReader`` reads back: keys sorted (byte-identical
/// output for identical records), instants as RFC 3339 UTC, integers exact, absent optionals
/// omitted. The entity is named `"kind"`, or `"entity"` for the records with a `kind` field.
public struct JSONLinesWriter {
    private let encoder: JSONEncoder

    /// Creates a writer.
    public init() {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.string(from: date))
        }
        self.encoder = encoder
    }

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
        let json = try self.encoder.encode(record)
        var line = Array("{\"\(Self.entityKey(for: R.entityKind))\":\"\(R.entityKind.rawValue)\"".utf8)
        line.reserveCapacity(json.count + line.count + 2)
        if json.count > 2 { line.append(UInt8(ascii: ",")) }
        line.append(contentsOf: json.dropFirst())
        line.append(0x0A)
        return line
    }

    /// The lines of every record of `batch`.
    public func lines(for batch: RecordBatch) throws -> [UInt8] {
        var bytes: [UInt8] = []
        for record in batch.records {
            bytes += try self.line(for: record)
        }
        return bytes
    }

    /// A tombstone line for the record of `kind` with `id`.
    public func tombstone(kind: EntityKind, id: String) throws -> [UInt8] {
        let idJSON = try self.encoder.encode(id)
        return Array("{\"\(Self.entityKey(for: kind))\":\"\(kind.rawValue)\",\"deleted\":true,\"id\":".utf8) + Array(idJSON)
            + Array("}\n".utf8)
    }
}
