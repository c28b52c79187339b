/// The shape of a wire value: what the reflection service publishes for every message and what
/// the CLI uses to turn JSON into wire bytes and back (`WIRE.md` §6.10).
///
/// Derive it from a `Decodable` type with ``of(_:)``; state it by hand with
/// ``WireSchemaProviding``. Schemas are themselves `Codable`, so they travel on the wire.
public indirect enum WireSchema: Codable, Sendable, Hashable, CustomStringConvertible {
    /// `true` / `false`.
    case bool
    /// A signed integer (any width; money in cents).
    case int
    /// An unsigned integer (any width).
    case uint
    /// An IEEE 754 binary64.
    case double
    /// UTF-8 text.
    case string
    /// Raw bytes (`Data`).
    case bytes
    /// A calendar date (`CalendarDate`).
    case date
    /// An instant (`Foundation.Date`), microsecond precision.
    case instant
    /// A value that may be null.
    case optional(WireSchema)
    /// An array of values of one shape.
    case array(WireSchema)
    /// A map (dictionary) from keys of one shape to values of another.
    case map(key: WireSchema, value: WireSchema)
    /// A struct: named fields in encoding order.
    case `struct`(name: String, fields: [Field])
    /// A string restricted to a closed set of values (a `String`-raw-value enum).
    case enumeration(name: String, cases: [String])
    /// The struct named `name` that encloses this point (recursive types).
    case reference(name: String)
    /// Any value: the shape could not be derived (the JSON bridge maps JSON generically).
    case any

    /// One field of a struct.
    public struct Field: Codable, Sendable, Hashable {
        /// The field key on the wire (the `CodingKey` string value).
        public var name: String
        /// The shape of the value.
        public var schema: WireSchema
        /// `true` when the field may be absent (or null): `decodeIfPresent`.
        public var isOptional: Bool

        /// Creates a field.
        public init(name: String, schema: WireSchema, isOptional: Bool = false) {
            self.name = name
            self.schema = schema
            self.isOptional = isOptional
        }
    }

    /// The type name of a struct, enumeration or reference; `nil` for other shapes.
    public var name: String? {
        switch self {
        case .struct(let name, _), .enumeration(let name, _), .reference(let name): name
        default: nil
        }
    }

    /// One-line rendering: `struct Installment { id: string, due_date?: date }`.
    public var description: String {
        switch self {
        case .bool: "bool"
        case .int: "int"
        case .uint: "uint"
        case .double: "double"
        case .string: "string"
        case .bytes: "bytes"
        case .date: "date"
        case .instant: "instant"
        case .any: "any"
        case .optional(let wrapped): "\(wrapped)?"
        case .array(let element): "[\(element)]"
        case .map(let key, let value): "[\(key): \(value)]"
        case .reference(let name): name
        case .enumeration(let name, let cases): "enum \(name) { \(cases.joined(separator: ", ")) }"
        case .struct(let name, let fields) where fields.isEmpty:
            "struct \(name) {}"
        case .struct(let name, let fields):
            "struct \(name) { "
                + fields.map { "\($0.name)\($0.isOptional ? "?" : ""): \($0.schema)" }.joined(separator: ", ")
                + " }"
        }
    }

    /// Multi-line rendering for people (the CLI's `describe`): one field per line, nested
    /// structs indented, each struct spelled out once (later mentions give its name).
    public func rendered() -> String {
        var seen = Set<String>()
        return self.rendered(indent: "", seen: &seen)
    }

    private func rendered(indent: String, seen: inout Set<String>) -> String {
        switch self {
        case .optional(let wrapped):
            return wrapped.rendered(indent: indent, seen: &seen) + "?"
        case .array(let element):
            return "[" + element.rendered(indent: indent, seen: &seen) + "]"
        case .map(let key, let value):
            return "[" + key.rendered(indent: indent, seen: &seen) + ": " + value.rendered(indent: indent, seen: &seen) + "]"
        case .enumeration(let name, let cases):
            return "\(name) (\(cases.joined(separator: " | ")))"
        case .struct(let name, let fields):
            guard seen.insert(name).inserted else { return name }
            guard !fields.isEmpty else { return "\(name) {}" }
            var text = "\(name) {\n"
            for field in fields {
                let optional = field.isOptional ? "?" : ""
                text += "\(indent)  \(field.name)\(optional): \(field.schema.rendered(indent: indent + "  ", seen: &seen))\n"
            }
            return text + "\(indent)}"
        default:
            return self.description
        }
    }
}

/// A type that states its own wire schema instead of letting ``WireSchema/of(_:)`` derive it.
///
/// `String`-raw-value enums that are `CaseIterable` get a default: an enumeration of their raw
/// values (``WireSchema/of(_:)`` also finds those without the conformance). Enums with
/// associated values cannot be derived (their synthesized decoding needs the case names); state
/// their schema here, with a ``wireSchemaSample`` so that types containing them can be derived.
public protocol WireSchemaProviding {
    /// The schema of values of this type.
    static var wireSchema: WireSchema { get }

    /// Any value of the type. ``WireSchema/of(_:)`` hands it to the `init(from:)` of a type that
    /// contains this one while it records that type's fields. The default (`nil`) decodes the
    /// smallest value of ``wireSchema`` instead.
    static var wireSchemaSample: Self? { get }
}

extension WireSchemaProviding {
    /// `nil`: sample values are decoded from the smallest value of ``wireSchema``.
    public static var wireSchemaSample: Self? { nil }
}

extension WireSchemaProviding where Self: CaseIterable & RawRepresentable, Self.RawValue == String {
    /// An enumeration named after the type, listing the raw values in declaration order.
    public static var wireSchema: WireSchema {
        .enumeration(name: String(describing: Self.self), cases: Self.allCases.map(\.rawValue))
    }
}
