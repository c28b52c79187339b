/// A value read from JSON or from a CSV cell, before it is typed by ``FieldValueDecoder``.
///
/// JSON numbers keep their text, so integers are decoded exactly (no `Double` round trip);
/// CSV cells keep their text and are typed on demand (`"12"` can be a string or an integer).
public indirect enum FieldValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A JSON number, as written.
    case number(String)
    case string(String)
    case array([FieldValue])
    case object([String: FieldValue])
    /// A CSV cell (never empty: empty cells are absent fields).
    case cell(String)

    /// A short description of the JSON type, for messages.
    package var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        case .cell: "text"
        }
    }
}
