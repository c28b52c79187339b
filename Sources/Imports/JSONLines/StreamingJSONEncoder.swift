internal import Foundation
internal import Wire

/// A fast JSON encoder for the records: it writes bytes as `encode(to:)` runs, with no
/// intermediate tree. Keys come in the order the type encodes them (its `CodingKeys` order), so
/// identical values always give identical bytes. Instants (`Date`) are written as RFC 3339 UTC
/// strings, integers exactly, absent optionals omitted (the records use `encodeIfPresent`).
///
/// Containers are closed lazily: synthesized `Encodable` code writes one container at a time,
/// so a container is closed when its parent writes its next value, or at the end.
package struct StreamingJSONEncoder {
    package init() {}

    /// The JSON of `value`.
    package func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let state = EncoderState()
        try state.encodeValue(value, depth: 0)
        state.close(to: 0)
        return state.bytes
    }

    /// `{"<key>":"<name>",…fields of value…}` — an object whose first member is given, followed by
    /// the members of `value` (which must encode as an object).
    package func encode<T: Encodable>(_ value: T, leadingKey key: String, leadingValue name: String) throws -> [UInt8] {
        let state = EncoderState()
        state.bytes.append(UInt8(ascii: "{"))
        state.writeString(key)
        state.bytes.append(UInt8(ascii: ":"))
        state.writeString(name)
        state.stack.append(Frame(isArray: false, count: 1))
        state.reuseOpenObject = true
        try value.encode(to: StreamEncoder(state: state, depth: 0))
        state.close(to: 0)
        return state.bytes
    }
}

private struct Frame {
    var isArray: Bool
    var count: Int
}

/// The output and the stack of open containers. A class so that every container of one
/// encoding shares them; never shared between encodings (not Sendable).
private final class EncoderState {
    var bytes: [UInt8] = []
    var stack: [Frame] = []
    /// The next keyed container at depth 0 continues the object already open.
    var reuseOpenObject = false

    init() {
        self.bytes.reserveCapacity(256)
    }

    /// Closes every container deeper than `depth`.
    func close(to depth: Int) {
        while self.stack.count > depth {
            let frame = self.stack.removeLast()
            self.bytes.append(frame.isArray ? UInt8(ascii: "]") : UInt8(ascii: "}"))
        }
    }

    /// Starts the next member of the container at `depth` (1-based stack size).
    func beginMember(depth: Int) {
        self.close(to: depth)
        if self.stack[depth - 1].count > 0 { self.bytes.append(UInt8(ascii: ",")) }
        self.stack[depth - 1].count += 1
    }

    func writeKey(_ key: String, depth: Int) {
        self.beginMember(depth: depth)
        self.writeString(key)
        self.bytes.append(UInt8(ascii: ":"))
    }

    func writeString(_ text: String) {
        // One append per string when nothing needs escaping (the usual case): every access to
        // `bytes` of this class pays a dynamic exclusivity check.
        var text = text
        let needsEscape = text.withUTF8 { buffer in
            buffer.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
        }
        guard needsEscape else {
            self.bytes.append(UInt8(ascii: "\""))
            self.bytes.append(contentsOf: text.utf8)
            self.bytes.append(UInt8(ascii: "\""))
            return
        }
        var escaped: [UInt8] = [UInt8(ascii: "\"")]
        let hex = Array("0123456789abcdef".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): escaped += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): escaped += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: escaped += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: escaped += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: escaped += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20: escaped += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: escaped.append(byte)
            }
        }
        escaped.append(UInt8(ascii: "\""))
        self.bytes.append(contentsOf: escaped)
    }

    /// `"YYYY-MM-DD"` without building a `String`.
    func writeDate(_ date: CalendarDate) {
        let (year, month, day) = date.components
        func digit(_ value: Int) -> UInt8 { UInt8(truncatingIfNeeded: 0x30 + value) }
        let text: [UInt8] = [
            UInt8(ascii: "\""), digit(year / 1_000 % 10), digit(year / 100 % 10), digit(year / 10 % 10),
            digit(year % 10),
            UInt8(ascii: "-"), digit(month / 10), digit(month % 10), UInt8(ascii: "-"), digit(day / 10),
            digit(day % 10),
            UInt8(ascii: "\""),
        ]
        self.bytes.append(contentsOf: text)
    }

    func writeInteger<I: BinaryInteger>(_ value: I) {
        self.bytes.append(contentsOf: String(value).utf8)
    }

    func writeBool(_ value: Bool) {
        self.bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    func writeFloat<F: BinaryFloatingPoint & CustomStringConvertible>(_ value: F) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value,
                EncodingError.Context(codingPath: [], debugDescription: "JSON has no NaN or infinity")
            )
        }
        self.bytes += Array(value.description.utf8)
    }

    /// Writes any value at `depth` (its key or comma already written by the parent).
    func encodeValue<T: Encodable>(_ value: T, depth: Int) throws {
        // Metatype tests instead of `as?` casts (dynamic casts dominated the profile); each
        // `unsafeBitCast` is guarded by the test that `T` is exactly that type.
        if T.self == String.self {
            self.writeString(unsafeBitCast(value, to: String.self))
        } else if T.self == Int64.self {
            self.writeInteger(unsafeBitCast(value, to: Int64.self))
        } else if T.self == Int.self {
            self.writeInteger(unsafeBitCast(value, to: Int.self))
        } else if T.self == Bool.self {
            self.writeBool(unsafeBitCast(value, to: Bool.self))
        } else if T.self == Date.self {
            self.writeString(RFC3339.string(from: unsafeBitCast(value, to: Date.self)))
        } else if T.self == CalendarDate.self {
            self.writeDate(unsafeBitCast(value, to: CalendarDate.self))
        } else {
            try value.encode(to: StreamEncoder(state: self, depth: depth))
        }
    }
}

private struct StreamEncoder: Encoder {
    let state: EncoderState
    let depth: Int
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if self.state.reuseOpenObject, self.depth == 0 {
            self.state.reuseOpenObject = false
            return KeyedEncodingContainer(KeyedContainer<Key>(state: self.state, depth: 1))
        }
        self.state.close(to: self.depth)
        self.state.bytes.append(UInt8(ascii: "{"))
        self.state.stack.append(Frame(isArray: false, count: 0))
        return KeyedEncodingContainer(KeyedContainer<Key>(state: self.state, depth: self.depth + 1))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        self.state.close(to: self.depth)
        self.state.bytes.append(UInt8(ascii: "["))
        self.state.stack.append(Frame(isArray: true, count: 0))
        return UnkeyedContainer(state: self.state, depth: self.depth + 1)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(state: self.state, depth: self.depth)
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let state: EncoderState
    let depth: Int
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws {
        self.state.writeKey(key.stringValue, depth: self.depth)
        self.state.bytes += Array("null".utf8)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        self.state.writeKey(key.stringValue, depth: self.depth)
        try self.state.encodeValue(value, depth: self.depth)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        self.state.writeKey(key.stringValue, depth: self.depth)
        return StreamEncoder(state: self.state, depth: self.depth).container(keyedBy: NestedKey.self)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        self.state.writeKey(key.stringValue, depth: self.depth)
        return StreamEncoder(state: self.state, depth: self.depth).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        self.state.writeKey("super", depth: self.depth)
        return StreamEncoder(state: self.state, depth: self.depth)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        self.state.writeKey(key.stringValue, depth: self.depth)
        return StreamEncoder(state: self.state, depth: self.depth)
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let state: EncoderState
    let depth: Int
    var codingPath: [any CodingKey] { [] }
    var count: Int { self.state.stack.count >= self.depth ? self.state.stack[self.depth - 1].count : 0 }

    mutating func encodeNil() throws {
        self.state.beginMember(depth: self.depth)
        self.state.bytes += Array("null".utf8)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        self.state.beginMember(depth: self.depth)
        try self.state.encodeValue(value, depth: self.depth)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        self.state.beginMember(depth: self.depth)
        return StreamEncoder(state: self.state, depth: self.depth).container(keyedBy: NestedKey.self)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        self.state.beginMember(depth: self.depth)
        return StreamEncoder(state: self.state, depth: self.depth).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        self.state.beginMember(depth: self.depth)
        return StreamEncoder(state: self.state, depth: self.depth)
    }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let state: EncoderState
    let depth: Int
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { self.state.bytes += Array("null".utf8) }
    mutating func encode(_ value: Bool) throws { self.state.writeBool(value) }
    mutating func encode(_ value: String) throws { self.state.writeString(value) }
    mutating func encode(_ value: Double) throws { try self.state.writeFloat(value) }
    mutating func encode(_ value: Float) throws { try self.state.writeFloat(value) }
    mutating func encode(_ value: Int) throws { self.state.writeInteger(value) }
    mutating func encode(_ value: Int8) throws { self.state.writeInteger(value) }
    mutating func encode(_ value: Int16) throws { self.state.writeInteger(value) }
    mutating func encode(_ value: Int32) throws { self.state.writeInteger(value) }
    mutating func encode(_ value: Int64) throws { self.state.writeInteger(value) }
    mutating func encode(_ value: UInt) throws { self.state.writeInteger(value) }
    mutating func encode(_ value: UInt8) throws { self.state.writeInteger(value) }
    mutating func encode(_ value: UInt16) throws { self.state.writeInteger(value) }
    mutating func encode(_ value: UInt32) throws { self.state.writeInteger(value) }
    mutating func encode(_ value: UInt64) throws { self.state.writeInteger(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try self.state.encodeValue(value, depth: self.depth) }
}
