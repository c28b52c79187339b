public import Foundation

/// Appends encoded values to a byte buffer: the low-level half of the wire format.
///
/// `WireWriter` writes exactly the bytes of `WIRE.md` §6 and nothing else; it does not check that
/// a struct header's field count matches the fields that follow. Hand-written
/// ``WireFastEncodable`` conformances use it directly, and ``WireEncoder`` uses it under the
/// Codable path, so both produce the same bytes.
///
/// ```swift
/// var writer = WireWriter()
/// writer.writeStructHeader(fieldCount: 2)
/// writer.writeFieldKey("id")
/// writer.writeString("I-1")
/// writer.writeFieldKey("amount")
/// writer.writeInt(360_000)
/// ```
public struct WireWriter: Sendable {
    /// The bytes written so far (and whatever the buffer held when the writer was created).
    public var bytes: [UInt8]

    /// Current nesting depth of ``write(_:)`` calls, checked against ``limits``.
    @usableFromInline
    var depth: Int = 0

    /// Limits applied to nested Codable values written through ``write(_:)``.
    public var limits: WireLimits

    /// Creates a writer over an empty buffer with room for `capacity` bytes.
    public init(capacity: Int = 256, limits: WireLimits = .default) {
        self.bytes = []
        self.bytes.reserveCapacity(capacity)
        self.limits = limits
    }

    /// Creates a writer that appends to `bytes`.
    public init(appendingTo bytes: [UInt8], limits: WireLimits = .default) {
        self.bytes = bytes
        self.limits = limits
    }

    /// Number of bytes in the buffer.
    @inlinable
    public var count: Int { self.bytes.count }

    // MARK: - Scalars

    /// Writes a varint (unsigned LEB128, minimal length). Not a value by itself: a building block.
    @inlinable
    public mutating func writeVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            self.bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        self.bytes.append(UInt8(truncatingIfNeeded: value))
    }

    /// Writes a tag byte. Not a value by itself: a building block.
    @inlinable
    public mutating func writeTag(_ tag: WireTag) {
        self.bytes.append(tag.rawValue)
    }

    /// Writes `null`.
    @inlinable
    public mutating func writeNull() {
        self.bytes.append(WireTag.null.rawValue)
    }

    /// Writes `true` or `false`.
    @inlinable
    public mutating func writeBool(_ value: Bool) {
        self.bytes.append(value ? WireTag.true.rawValue : WireTag.false.rawValue)
    }

    /// Writes a signed integer (tag `int`, zigzag varint). Money in cents is written this way.
    @inlinable
    public mutating func writeInt(_ value: Int64) {
        self.bytes.append(WireTag.int.rawValue)
        self.writeVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Writes a signed integer of any width (tag `int`).
    @inlinable
    public mutating func writeInt(_ value: Int) {
        self.writeInt(Int64(value))
    }

    /// Writes an unsigned integer (tag `uint`, varint).
    @inlinable
    public mutating func writeUInt(_ value: UInt64) {
        self.bytes.append(WireTag.uint.rawValue)
        self.writeVarint(value)
    }

    /// Writes an IEEE 754 binary64 (tag `float64`, 8 bytes big-endian). NaN payloads are kept.
    @inlinable
    public mutating func writeDouble(_ value: Double) {
        self.bytes.append(WireTag.float64.rawValue)
        let bits = value.bitPattern
        var shift: UInt64 = 56
        while true {
            self.bytes.append(UInt8(truncatingIfNeeded: bits >> shift))
            if shift == 0 { break }
            shift -= 8
        }
    }

    /// Writes a string (tag `string`, varint byte length, UTF-8).
    @inlinable
    public mutating func writeString(_ value: String) {
        self.bytes.append(WireTag.string.rawValue)
        let utf8 = value.utf8
        self.writeVarint(UInt64(utf8.count))
        self.bytes.append(contentsOf: utf8)
    }

    /// Writes a byte string (tag `bytes`, varint length, raw bytes).
    @inlinable
    public mutating func writeBytes(_ value: some Collection<UInt8>) {
        self.bytes.append(WireTag.bytes.rawValue)
        self.writeVarint(UInt64(value.count))
        self.bytes.append(contentsOf: value)
    }

    /// Writes a calendar date (tag `date`, zigzag varint of days since 1970-01-01).
    @inlinable
    public mutating func writeDate(_ value: CalendarDate) {
        self.bytes.append(WireTag.date.rawValue)
        let days = Int64(value.daysSinceEpoch)
        self.writeVarint(UInt64(bitPattern: (days << 1) ^ (days >> 63)))
    }

    /// Writes an instant (tag `instant`, zigzag varint of microseconds since 1970-01-01T00:00:00Z).
    ///
    /// The instant is rounded to the nearest microsecond.
    /// - Throws: ``WireError/Code/invalidValue`` when the date is not finite or beyond ±292,000 years.
    @inlinable
    public mutating func writeInstant(_ value: Date) throws(WireError) {
        let micros = try WireInstant.microseconds(of: value)
        self.writeInstant(microseconds: micros)
    }

    /// Writes an instant given as microseconds since 1970-01-01T00:00:00Z.
    @inlinable
    public mutating func writeInstant(microseconds: Int64) {
        self.bytes.append(WireTag.instant.rawValue)
        self.writeVarint(UInt64(bitPattern: (microseconds << 1) ^ (microseconds >> 63)))
    }

    // MARK: - Containers

    /// Writes an array header; `count` values must follow.
    @inlinable
    public mutating func writeArrayHeader(count: Int) {
        self.bytes.append(WireTag.array.rawValue)
        self.writeVarint(UInt64(count))
    }

    /// Writes a map header; `count` key–value pairs must follow.
    @inlinable
    public mutating func writeMapHeader(count: Int) {
        self.bytes.append(WireTag.map.rawValue)
        self.writeVarint(UInt64(count))
    }

    /// Writes a struct header; `fieldCount` (key, value) pairs must follow.
    @inlinable
    public mutating func writeStructHeader(fieldCount: Int) {
        self.bytes.append(WireTag.struct.rawValue)
        self.writeVarint(UInt64(fieldCount))
    }

    /// Writes a field key (varint length + UTF-8); its value must follow.
    @inlinable
    public mutating func writeFieldKey(_ key: StaticString) {
        key.withUTF8Buffer { utf8 in
            self.writeVarint(UInt64(utf8.count))
            self.bytes.append(contentsOf: utf8)
        }
    }

    /// Writes a field key (varint length + UTF-8); its value must follow.
    @inlinable
    public mutating func writeFieldKey(_ key: String) {
        let utf8 = key.utf8
        self.writeVarint(UInt64(utf8.count))
        self.bytes.append(contentsOf: utf8)
    }

    /// A place in the buffer where a count will be written later by ``endStruct(_:fieldCount:)``
    /// or ``endArray(_:count:)``.
    public struct CountMark: Hashable, Sendable {
        /// Offset of the reserved count byte.
        @usableFromInline
        let offset: Int

        @inlinable
        init(offset: Int) {
            self.offset = offset
        }
    }

    /// Writes a struct tag and reserves its field count, for when the count is known only at the end.
    @inlinable
    public mutating func beginStruct() -> CountMark {
        self.bytes.append(WireTag.struct.rawValue)
        self.bytes.append(0)
        return CountMark(offset: self.bytes.count - 1)
    }

    /// Writes the field count of a struct begun with ``beginStruct()``.
    @inlinable
    public mutating func endStruct(_ mark: CountMark, fieldCount: Int) {
        self.patchCount(at: mark.offset, count: fieldCount)
    }

    /// Writes an array tag and reserves its element count, for when the count is known only at the end.
    @inlinable
    public mutating func beginArray() -> CountMark {
        self.bytes.append(WireTag.array.rawValue)
        self.bytes.append(0)
        return CountMark(offset: self.bytes.count - 1)
    }

    /// Writes the element count of an array begun with ``beginArray()``.
    @inlinable
    public mutating func endArray(_ mark: CountMark, count: Int) {
        self.patchCount(at: mark.offset, count: count)
    }

    /// Replaces the one reserved byte at `offset` by the minimal varint of `count`, shifting what
    /// follows when the varint needs more than one byte, so the result is byte-identical to a
    /// header written with the count known up front.
    @inlinable
    mutating func patchCount(at offset: Int, count: Int) {
        if count < 0x80 {
            self.bytes[offset] = UInt8(truncatingIfNeeded: count)
            return
        }
        self.patchLongCount(at: offset, count: count)
    }

    @usableFromInline
    mutating func patchLongCount(at offset: Int, count: Int) {
        var varint: [UInt8] = []
        var value = UInt64(count)
        while value >= 0x80 {
            varint.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        varint.append(UInt8(truncatingIfNeeded: value))
        self.bytes.replaceSubrange(offset..<(offset + 1), with: varint)
    }

    // MARK: - Nested values

    /// Writes any `Encodable` value: through its ``WireFastEncodable`` conformance when it has one,
    /// else through the Codable path. Both give the same bytes.
    ///
    /// Use it for nested values inside a hand-written ``WireFastEncodable/encode(to:)``: it
    /// enforces ``WireLimits/maxDepth`` against runaway recursion.
    public mutating func write<T: Encodable>(_ value: T) throws(WireError) {
        guard self.depth < self.limits.maxDepth else {
            throw WireError(code: .depthExceeded, message: "values nested deeper than \(self.limits.maxDepth)")
        }
        self.depth += 1
        defer { self.depth -= 1 }
        if let fast = value as? any WireFastEncodable {
            try fast.encode(to: &self)
            return
        }
        let state = WireEncodingState(writer: self)
        self.bytes = []
        defer { self = state.takeWriter() }
        try state.encodeRoot(value)
    }
}
