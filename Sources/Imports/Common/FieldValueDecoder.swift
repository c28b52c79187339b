internal import Foundation

/// Decodes any `Decodable` (the data-contract records) from a ``FieldValue`` tree built from a
/// JSON line or a CSV row.
///
/// - Integers are parsed from the number's text: exact for the whole `Int64` range, and a number
///   with a fraction or exponent is a type error (`BAD_TYPE`), never rounded.
/// - `Date` (instants) is read from RFC 3339 text; `CalendarDate` from `YYYY-MM-DD` (its own
///   `Decodable` conformance).
/// - CSV cells are typed on demand: a cell asked for as an array is split on `|` (or read as JSON
///   when it starts with `[`), a cell asked for as an object is read as `key=value|key=value` (or
///   JSON when it starts with `{`), and the list types of ``CompactCellSyntax`` have their own
///   compact forms.
///
/// Errors are `DecodingError`s with an exact coding path; ``describe(_:)`` turns them into the
/// contract's reason codes.
public enum FieldValueDecoder: Sendable {
    /// Decodes a `T` from `value`.
    public static func decode<T: Decodable>(_ type: T.Type, from value: FieldValue) throws -> T {
        try ValueDecoder(value: value, codingPath: []).decodeValue(T.self)
    }

    /// The field, reason code and message of a decoding failure.
    public struct Failure: Hashable, Sendable {
        /// Dotted path of the field (`status_history[1].on`), `nil` for the whole value.
        public var field: String?
        /// `MISSING_FIELD`, `BAD_TYPE` or `BAD_VALUE`.
        public var reason: RowReason
        /// A message for a human.
        public var message: String
    }

    /// Maps a decoding error to a field, a reason code and a message: a missing or null required
    /// field is `MISSING_FIELD`, a value of the wrong JSON type or not an integer is `BAD_TYPE`,
    /// an unknown enum value, an impossible date or a malformed compact cell is `BAD_VALUE`.
    public static func describe(_ error: any Error) -> Failure {
        guard let error = error as? DecodingError else {
            return Failure(field: nil, reason: .badValue, message: String(describing: error))
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = Self.path(context.codingPath + [key])
            return Failure(field: field, reason: .missingField, message: "\(field) is required")
        case .valueNotFound(_, let context):
            let field = Self.path(context.codingPath)
            return Failure(field: field, reason: .missingField, message: "\(field) is required (null given)")
        case .typeMismatch(_, let context):
            return Failure(field: Self.path(context.codingPath), reason: .badType, message: context.debugDescription)
        case .dataCorrupted(let context):
            return Failure(field: Self.path(context.codingPath), reason: .badValue, message: context.debugDescription)
        @unknown default:
            return Failure(field: nil, reason: .badValue, message: String(describing: error))
        }
    }

    /// `a.b[2].c` from a coding path.
    package static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue, key.stringValue == "Index \(index)" || key.stringValue == String(index) {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return text
    }
}

/// An array index as a coding key.
private struct IndexKey: CodingKey {
    var stringValue: String { String(self.index) }
    var intValue: Int? { self.index }
    let index: Int
    init(_ index: Int) { self.index = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.index = intValue }
}

private struct ValueDecoder: Decoder {
    let value: FieldValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func context(_ message: String) -> DecodingError.Context {
        DecodingError.Context(codingPath: self.codingPath, debugDescription: message)
    }

    func mismatch<T>(_ type: T.Type, expected: String) -> DecodingError {
        DecodingError.typeMismatch(
            type,
            self.context("expected \(expected), found \(self.value.typeName)\(self.excerpt)")
        )
    }

    private var excerpt: String {
        switch self.value {
        case .string(let text), .cell(let text), .number(let text): " '\(text.prefix(40))'"
        default: ""
        }
    }

    // MARK: Typed values

    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        if case .null = self.value {
            throw DecodingError.valueNotFound(T.self, self.context("value is null"))
        }
        // The casts below are checked by the `T.self ==` tests that guard them.
        if T.self == String.self { return try self.decodeString() as! T }
        if T.self == Int64.self { return try self.decodeInteger(Int64.self) as! T }
        if T.self == Int.self { return try self.decodeInteger(Int.self) as! T }
        if T.self == Bool.self { return try self.decodeBool() as! T }
        if T.self == Date.self { return try self.decodeDate() as! T }
        if case .cell(let text) = self.value,
            let expanded = try CompactCellSyntax.expand(text, as: T.self, codingPath: self.codingPath)
        {
            return try T(from: ValueDecoder(value: expanded, codingPath: self.codingPath))
        }
        return try T(from: self)
    }

    func decodeString() throws -> String {
        switch self.value {
        case .string(let text), .cell(let text): return text
        default: throw self.mismatch(String.self, expected: "a string")
        }
    }

    func decodeBool() throws -> Bool {
        switch self.value {
        case .bool(let flag):
            return flag
        case .cell(let text):
            switch text.trimmingSpaces().lowercased() {
            case "true", "1", "yes": return true
            case "false", "0", "no": return false
            default: throw self.mismatch(Bool.self, expected: "true or false")
            }
        default:
            throw self.mismatch(Bool.self, expected: "true or false")
        }
    }

    func decodeInteger<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        let text: String
        switch self.value {
        case .number(let number): text = number
        case .cell(let cell): text = cell.trimmingSpaces()
        default: throw self.mismatch(I.self, expected: "an integer")
        }
        if let integer = I(text, radix: 10) { return integer }
        let isIntegerText = !text.isEmpty && text.drop(while: { $0 == "-" || $0 == "+" }).allSatisfy(\.isASCIIDigit)
        if isIntegerText, text.count > 1 || text.first?.isASCIIDigit == true {
            throw DecodingError.dataCorrupted(self.context("integer \(text.prefix(40)) is out of range"))
        }
        throw self.mismatch(I.self, expected: "an integer")
    }

    func decodeFloatingPoint<F: BinaryFloatingPoint & LosslessStringConvertible>(_ type: F.Type) throws -> F {
        switch self.value {
        case .number(let text), .cell(let text):
            guard let number = F(text.trimmingSpaces()) else { throw self.mismatch(F.self, expected: "a number") }
            return number
        default:
            throw self.mismatch(F.self, expected: "a number")
        }
    }

    func decodeDate() throws -> Date {
        let text = try self.decodeString()
        guard let date = RFC3339.date(from: text.trimmingSpaces()) else {
            throw DecodingError.dataCorrupted(
                self.context("expected an RFC 3339 instant (2025-03-01T09:30:00Z), got '\(text.prefix(40))'")
            )
        }
        return date
    }

    // MARK: Containers

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        switch self.value {
        case .object(let members):
            return KeyedDecodingContainer(KeyedContainer<Key>(members: members, codingPath: self.codingPath))
        case .cell(let text):
            let expanded = try CompactCellSyntax.object(text, codingPath: self.codingPath)
            return try ValueDecoder(value: expanded, codingPath: self.codingPath).container(keyedBy: Key.self)
        default:
            throw self.mismatch([String: FieldValue].self, expected: "an object")
        }
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        switch self.value {
        case .array(let elements):
            return UnkeyedContainer(elements: elements, codingPath: self.codingPath)
        case .cell(let text):
            let expanded = try CompactCellSyntax.list(text, codingPath: self.codingPath)
            return try ValueDecoder(value: expanded, codingPath: self.codingPath).unkeyedContainer()
        default:
            throw self.mismatch([FieldValue].self, expected: "an array")
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueContainer(decoder: self)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { self >= "0" && self <= "9" }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: FieldValue]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { self.members.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool {
        guard let value = self.members[key.stringValue] else { return false }
        if case .null = value { return false }
        return true
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        guard let value = self.members[key.stringValue] else { return true }
        if case .null = value { return true }
        return false
    }

    private func child(_ key: Key) throws -> ValueDecoder {
        guard let value = self.members[key.stringValue] else {
            throw DecodingError.keyNotFound(
                key,
                DecodingError.Context(codingPath: self.codingPath, debugDescription: "\(key.stringValue) is required")
            )
        }
        return ValueDecoder(value: value, codingPath: self.codingPath + [key])
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try self.child(key).decodeValue(T.self) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try self.child(key).decodeValue(Bool.self) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try self.child(key).decodeValue(String.self) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try self.child(key).decodeFloatingPoint(Double.self)
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        try self.child(key).decodeFloatingPoint(Float.self)
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try self.child(key).decodeInteger(Int.self) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try self.child(key).decodeInteger(Int8.self) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try self.child(key).decodeInteger(Int16.self) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try self.child(key).decodeInteger(Int32.self) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try self.child(key).decodeInteger(Int64.self) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try self.child(key).decodeInteger(UInt.self) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try self.child(key).decodeInteger(UInt8.self) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 {
        try self.child(key).decodeInteger(UInt16.self)
    }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 {
        try self.child(key).decodeInteger(UInt32.self)
    }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 {
        try self.child(key).decodeInteger(UInt64.self)
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try self.child(key).container(keyedBy: NestedKey.self)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try self.child(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        ValueDecoder(value: .object(self.members), codingPath: self.codingPath)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        try self.child(key)
    }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [FieldValue]
    let codingPath: [any CodingKey]
    var currentIndex = 0

    init(elements: [FieldValue], codingPath: [any CodingKey]) {
        self.elements = elements
        self.codingPath = codingPath
    }

    var count: Int? { self.elements.count }
    var isAtEnd: Bool { self.currentIndex >= self.elements.count }

    private mutating func next() throws -> ValueDecoder {
        guard !self.isAtEnd else {
            throw DecodingError.valueNotFound(
                FieldValue.self,
                DecodingError.Context(
                    codingPath: self.codingPath + [IndexKey(self.currentIndex)],
                    debugDescription: "no more elements"
                )
            )
        }
        let decoder = ValueDecoder(
            value: self.elements[self.currentIndex],
            codingPath: self.codingPath + [IndexKey(self.currentIndex)]
        )
        self.currentIndex += 1
        return decoder
    }

    mutating func decodeNil() throws -> Bool {
        guard !self.isAtEnd, case .null = self.elements[self.currentIndex] else { return false }
        self.currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try self.next().decodeValue(T.self) }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try self.next().decodeValue(Bool.self) }
    mutating func decode(_ type: String.Type) throws -> String { try self.next().decodeValue(String.self) }
    mutating func decode(_ type: Double.Type) throws -> Double { try self.next().decodeFloatingPoint(Double.self) }
    mutating func decode(_ type: Float.Type) throws -> Float { try self.next().decodeFloatingPoint(Float.self) }
    mutating func decode(_ type: Int.Type) throws -> Int { try self.next().decodeInteger(Int.self) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try self.next().decodeInteger(Int8.self) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try self.next().decodeInteger(Int16.self) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try self.next().decodeInteger(Int32.self) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try self.next().decodeInteger(Int64.self) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try self.next().decodeInteger(UInt.self) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try self.next().decodeInteger(UInt8.self) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try self.next().decodeInteger(UInt16.self) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try self.next().decodeInteger(UInt32.self) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try self.next().decodeInteger(UInt64.self) }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try self.next().container(keyedBy: NestedKey.self)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try self.next().unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        try self.next()
    }
}

private struct SingleValueContainer: SingleValueDecodingContainer {
    let decoder: ValueDecoder
    var codingPath: [any CodingKey] { self.decoder.codingPath }

    func decodeNil() -> Bool {
        if case .null = self.decoder.value { return true }
        return false
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try self.decoder.decodeValue(T.self) }
    func decode(_ type: Bool.Type) throws -> Bool { try self.decoder.decodeValue(Bool.self) }
    func decode(_ type: String.Type) throws -> String { try self.decoder.decodeValue(String.self) }
    func decode(_ type: Double.Type) throws -> Double { try self.decoder.decodeFloatingPoint(Double.self) }
    func decode(_ type: Float.Type) throws -> Float { try self.decoder.decodeFloatingPoint(Float.self) }
    func decode(_ type: Int.Type) throws -> Int { try self.decoder.decodeInteger(Int.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { try self.decoder.decodeInteger(Int8.self) }
    func decode(_ type: Int16.Type) throws -> Int16 { try self.decoder.decodeInteger(Int16.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try self.decoder.decodeInteger(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try self.decoder.decodeInteger(Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try self.decoder.decodeInteger(UInt.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try self.decoder.decodeInteger(UInt8.self) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try self.decoder.decodeInteger(UInt16.self) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try self.decoder.decodeInteger(UInt32.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try self.decoder.decodeInteger(UInt64.self) }
}
