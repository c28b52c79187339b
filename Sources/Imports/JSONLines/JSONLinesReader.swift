public import Foundation
internal import PilotageProtocol

/// Reads JSON lines, one record per line, in bounded memory, keeping per-line errors.
///
/// A line is a JSON object naming its entity kind with `"kind"`, as in data-contract.md:
/// `{"kind": "installment", "id": "F1", …}`. Five records have a `kind` field of their own
/// (organisation unit, document, debit and credit document, off-ledger exposure); their lines
/// name the entity with `"entity"` instead: `{"entity": "credit_document", "kind": "PAYMENT", …}`.
/// When `"entity"` is present, `"kind"` is always a record field. `"deleted": true` makes the
/// line a tombstone for its id.
///
/// Every bad line is returned as a ``RowIssue`` (`MALFORMED` for bad JSON or a non-object,
/// `MISSING_FIELD`/`BAD_VALUE` for a missing or unknown kind, then the record's own field errors)
/// and reading goes on. Reading blocks: run it off the cooperative pool (``batches(url:maximumRows:limits:)``).
public struct JSONLinesReader<Source: ByteSource> {
    private var lines: LineReader<Source>
    /// The limits each row is checked against.
    public let limits: RecordLimits

    /// Creates a reader over `source`.
    public init(source: Source, limits: RecordLimits = RecordLimits()) {
        self.lines = LineReader(source: source, maximumLineLength: limits.maximumLineBytes)
        self.limits = limits
    }

    /// Lines read so far.
    public var linesRead: Int { self.lines.lineNumber }

    /// The next row, accepted or rejected; `nil` at the end.
    public mutating func nextRow() throws -> RowOutcome? {
        while let line = try self.lines.nextLine() {
            let number = self.lines.lineNumber
            let name = self.lines.source.name
            switch line {
            case .tooLong(let length):
                return .rejected(
                    RowIssue(
                        source: name,
                        line: number,
                        reason: .malformed,
                        message: "line of \(length) bytes is longer than the limit of \(self.limits.maximumLineBytes)"
                    )
                )
            case .text(let bytes):
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                return Self.row(bytes, line: number, source: name, limits: self.limits)
            }
        }
        return nil
    }

    /// Up to `maximumRows` rows (accepted and rejected); `nil` at the end.
    public mutating func nextBatch(maximumRows: Int) throws -> ReadBatch? {
        var batch = ReadBatch()
        while batch.count < max(1, maximumRows), let outcome = try self.nextRow() {
            switch outcome {
            case .accepted(let row): batch.rows.append(row)
            case .rejected(let issue): batch.rejected.append(issue)
            }
        }
        return batch.count == 0 ? nil : batch
    }

    /// Interprets one line.
    package static func row(
        _ bytes: ArraySlice<UInt8>,
        line: Int,
        source: String?,
        limits: RecordLimits
    ) -> RowBuilder.Outcome {
        func reject(_ field: String?, _ reason: RowReason, _ message: String) -> RowBuilder.Outcome {
            .rejected(RowIssue(source: source, line: line, field: field, reason: reason, message: message))
        }
        let value: FieldValue
        do {
            value = try JSONValueParser.parse(bytes)
        } catch {
            return reject(nil, .malformed, "invalid JSON at byte \(error.offset + 1): \(error.message)")
        }
        guard case .object(var fields) = value else {
            return reject(nil, .malformed, "a line must be a JSON object, found \(value.typeName)")
        }
        let kindKey = fields["entity"] != nil ? "entity" : "kind"
        guard let kindValue = fields.removeValue(forKey: kindKey) else {
            return reject("kind", .missingField, "the line does not name its entity kind (\"kind\": \"installment\" …)")
        }
        guard case .string(let kindName) = kindValue else {
            return reject(kindKey, .badType, "\(kindKey) must be a string, found \(kindValue.typeName)")
        }
        guard let kind = EntityKind(rawValue: kindName) else {
            return reject(kindKey, .badValue, "unknown entity kind '\(kindName.prefix(64))'")
        }
        return RowBuilder.build(kind: kind, fields: fields, line: line, source: source, limits: limits)
    }
}

extension JSONLinesReader where Source == FileByteSource {
    /// Batches of the JSON-lines file at `url`, read on a private queue (never on the cooperative pool).
    public static func batches(
        url: URL,
        maximumRows: Int = 10_000,
        limits: RecordLimits = RecordLimits()
    ) -> BlockingBatchSequence<ReadBatch> {
        BlockingBatchSequence(label: "imports.jsonl") {
            let source = try FileByteSource(url: url)
            var reader = JSONLinesReader(source: source, limits: limits)
            return {
                let batch = try reader.nextBatch(maximumRows: maximumRows)
                if batch == nil { source.close() }
                return batch
            }
        }
    }
}

extension JSONLinesReader: Sendable where Source: Sendable {}
