/// A parsed JSON value (RFC 8259). Numbers keep their text so 64-bit integers stay exact.
package enum JSONValue: Hashable, Sendable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, as written.
    case number(JSONNumber)
    /// A string (escapes resolved).
    case string(String)
    /// An array.
    case array([JSONValue])
    /// Members in document order (keys are unique: the parser rejects duplicates).
    case object([JSONMember])

    /// Kind name for error messages (`a string`, `an object` …).
    package var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a Boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// One `"key": value` member of a JSON object.
package struct JSONMember: Hashable, Sendable {
    /// The member name.
    package var key: String
    /// The member value.
    package var value: JSONValue

    /// Creates a member.
    package init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }
}

/// A JSON number as written: `-12`, `3.5`, `1e-7`.
package struct JSONNumber: Hashable, Sendable, CustomStringConvertible {
    /// The literal text (valid RFC 8259 number syntax).
    package let text: String
    /// `true` when the literal has no fraction and no exponent.
    package let isInteger: Bool

    /// A number from its literal text (which must be valid JSON number syntax).
    package init(text: String, isInteger: Bool) {
        self.text = text
        self.isInteger = isInteger
    }

    /// The literal of a signed integer.
    package init(_ value: Int64) {
        self.text = String(value)
        self.isInteger = true
    }

    /// The literal of an unsigned integer.
    package init(_ value: UInt64) {
        self.text = String(value)
        self.isInteger = true
    }

    /// Shortest text that reads back as the same double (`5.0`, `1e-05`); finite values only.
    package init(_ value: Double) {
        self.text = value.description
        self.isInteger = false
    }

    /// The exact value when the literal is an integer within Int64.
    package var int64: Int64? { self.isInteger ? Int64(self.text) : nil }

    /// The exact value when the literal is a non-negative integer within UInt64.
    package var uint64: UInt64? { self.isInteger ? UInt64(self.text) : nil }

    /// The nearest double (correctly rounded).
    package var double: Double? { Double(self.text) }

    /// The literal text.
    package var description: String { self.text }
}
