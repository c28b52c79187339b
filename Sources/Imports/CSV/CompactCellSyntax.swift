internal import PilotageProtocol

/// The compact forms of nested values in CSV cells (any of them may instead be written as JSON,
/// starting with `[` or `{`):
///
/// | Field type | Compact form | Example |
/// | --- | --- | --- |
/// | list of scalars (`roles`, `assigned_collaborators`, `aged_bucket_boundaries`) | items separated by `\|` | `ADMIN\|AGENT` |
/// | status history (`status_history` of documents, deals, offers) | `STATUS@YYYY-MM-DD` items separated by `\|` | `TO_REVIEW@2025-01-02\|PUBLISHED@2025-01-05` |
/// | strategy actions (`actions`) | `CODE:CHANNEL:OFFSET[:PAYMENT_MODE]` items separated by `\|` | `C-CALL:CALL:-10:C\|C-MAIL:EMAIL:5:C` |
/// | object (`team`) | `key=value` pairs separated by `\|` (or one column per key: `team.partner`) | `partner=P1\|manager=M2` |
public enum CompactCellSyntax: Sendable {
    /// The expanded value of `text` when `type` has a compact form of its own, else `nil`.
    package static func expand<T>(_ text: String, as type: T.Type, codingPath: [any CodingKey]) throws -> FieldValue? {
        guard !Self.looksLikeJSON(text) else { return nil }
        if type == [DocumentStatusChange].self || type == [DealStatusChange].self || type == [OfferStatusChange].self {
            return .array(
                try Self.items(text).map { item in
                    guard let at = item.lastIndex(of: "@") else {
                        throw DecodingError.dataCorrupted(
                            DecodingError.Context(
                                codingPath: codingPath,
                                debugDescription: "expected STATUS@YYYY-MM-DD, got '\(item.prefix(40))'"
                            )
                        )
                    }
                    return .object([
                        "status": .cell(String(item[..<at])),
                        "on": .cell(String(item[item.index(after: at)...])),
                    ])
                }
            )
        }
        if type == [StrategyAction].self {
            return .array(
                try Self.items(text).map { item in
                    let parts = item.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                    guard parts.count == 3 || parts.count == 4 else {
                        throw DecodingError.dataCorrupted(
                            DecodingError.Context(
                                codingPath: codingPath,
                                debugDescription:
                                    "expected CODE:CHANNEL:OFFSET[:PAYMENT_MODE], got '\(item.prefix(40))'"
                            )
                        )
                    }
                    var members: [String: FieldValue] = [
                        "code": .cell(parts[0]), "channel": .cell(parts[1]), "offset_days": .cell(parts[2]),
                    ]
                    if parts.count == 4, !parts[3].isEmpty { members["payment_mode"] = .cell(parts[3]) }
                    return .object(members)
                }
            )
        }
        return nil
    }

    /// A cell read as a list: JSON when it starts with `[`, else items separated by `|`.
    package static func list(_ text: String, codingPath: [any CodingKey]) throws -> FieldValue {
        if Self.looksLikeJSON(text) { return try Self.json(text, codingPath: codingPath) }
        return .array(Self.items(text).map { .cell($0) })
    }

    /// A cell read as an object: JSON when it starts with `{`, else `key=value|key=value`.
    package static func object(_ text: String, codingPath: [any CodingKey]) throws -> FieldValue {
        if Self.looksLikeJSON(text) { return try Self.json(text, codingPath: codingPath) }
        var members: [String: FieldValue] = [:]
        for item in Self.items(text) {
            guard let equals = item.firstIndex(of: "=") else {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(
                        codingPath: codingPath,
                        debugDescription: "expected key=value pairs separated by '|', got '\(item.prefix(40))'"
                    )
                )
            }
            let value = String(item[item.index(after: equals)...])
            if !value.isEmpty { members[String(item[..<equals]).trimmingSpaces()] = .cell(value) }
        }
        return .object(members)
    }

    private static func items(_ text: String) -> [String] {
        text.split(separator: "|", omittingEmptySubsequences: false).map { String($0).trimmingSpaces() }
    }

    private static func looksLikeJSON(_ text: String) -> Bool {
        let first = text.unicodeScalars.first { $0 != " " }
        return first == "[" || first == "{"
    }

    private static func json(_ text: String, codingPath: [any CodingKey]) throws -> FieldValue {
        do {
            return try JSONValueParser.parse(text)
        } catch {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: codingPath,
                    debugDescription: "invalid JSON in the cell: \(error.message)"
                )
            )
        }
    }
}
