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
    /// The buffer: `length` bytes written, then zero padding up to `storage.count` (its capacity).
    ///
    /// Keeping the padding initialized lets every write go through one
    /// `withUnsafeMutableBufferPointer` (one uniqueness check, direct stores) instead of
    /// `Array.append` per byte or per small chunk.
    @usableFromInline
    var storage: [UInt8]

    /// Number of bytes written.
    @usableFromInline
    var length: Int

    /// Current nesting depth of ``write(_:)`` calls, checked against ``limits``.
    @usableFromInline
    var depth: Int = 0

    /// Limits applied to nested values written through ``write(_:)``.
    public var limits: WireLimits

    /// Creates a writer over an empty buffer with room for `capacity` bytes.
    public init(capacity: Int = 256, limits: WireLimits = .default) {
        self.storage = [UInt8](repeating: 0, count: Swift.max(capacity, 16))
        self.length = 0
        self.limits = limits
    }

    /// Creates a writer that appends to `bytes`.
    public init(appendingTo bytes: [UInt8], limits: WireLimits = .default) {
        self.storage = bytes
        self.length = bytes.count
        self.limits = limits
    }

    /// The bytes written so far (a copy; ``takeBytes()`` gives them without copying).
    public var bytes: [UInt8] {
        get { Array(self.storage[..<self.length]) }
        set {
            self.storage = newValue
            self.length = newValue.count
        }
    }

    /// Returns the bytes written and leaves the writer empty (no copy).
    public mutating func takeBytes() -> [UInt8] {
        var taken: [UInt8] = []
        swap(&taken, &self.storage)
        taken.removeSubrange(self.length...)
        self.length = 0
        return taken
    }

    /// Number of bytes written.
    @inlinable
    public var count: Int { self.length }

    // MARK: - Raw space

    /// Runs `body` with a pointer to at least `maxCount` writable bytes at the end of the
    /// buffer; `body` returns how many it wrote.
    @inlinable
    mutating func withSpace(_ maxCount: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        if self.storage.count - self.length < maxCount || self.storage.isEmpty {
            self.grow(minimum: maxCount)
        }
        let length = self.length
        let written = self.storage.withUnsafeMutableBufferPointer { buffer in
            // `grow` guarantees a non-empty buffer, so the base address exists.
            body(buffer.baseAddress.unsafelyUnwrapped + length)
        }
        self.length += written
    }

    @usableFromInline
    mutating func grow(minimum: Int) {
        let extra = Swift.max(minimum, self.storage.count, 64)
        self.storage.append(contentsOf: repeatElement(0, count: extra))
    }

    /// Stores the minimal varint of `value` at `pointer`; returns its length (1…10).
    @inlinable
    static func putVarint(_ value: UInt64, at pointer: UnsafeMutablePointer<UInt8>) -> Int {
        var value = value
        var count = 0
        while value >= 0x80 {
            pointer[count] = UInt8(truncatingIfNeeded: value) | 0x80
            value >>= 7
            count += 1
        }
        pointer[count] = UInt8(truncatingIfNeeded: value)
        return count + 1
    }

    /// Appends raw bytes.
    @inlinable
    mutating func appendRaw(_ raw: UnsafeRawBufferPointer) {
        guard raw.count > 0 else { return }
        self.withSpace(raw.count) { pointer in
            // `raw` is not empty (guard above), so it has a base address.
            UnsafeMutableRawPointer(pointer).copyMemory(from: raw.baseAddress.unsafelyUnwrapped, byteCount: raw.count)
            return raw.count
        }
    }

    /// Appends raw bytes from any collection.
    @inlinable
    mutating func appendRaw(contentsOf collection: some Collection<UInt8>) {
        let copied: Void? = collection.withContiguousStorageIfAvailable { buffer in
            self.appendRaw(UnsafeRawBufferPointer(buffer))
        }
        if copied == nil {
            let count = collection.count
            self.withSpace(count) { pointer in
                var index = 0
                for byte in collection where index < count {
                    pointer[index] = byte
                    index += 1
                }
                return index
            }
        }
    }

    /// Appends one byte.
    @inlinable
    mutating func appendByte(_ byte: UInt8) {
        self.withSpace(1) { pointer in
            pointer[0] = byte
            return 1
        }
    }

    /// Appends a tag and a varint.
    @inlinable
    mutating func appendTagged(_ tag: WireTag, _ value: UInt64) {
        self.withSpace(11) { pointer in
            pointer[0] = tag.rawValue
            return 1 + WireWriter.putVarint(value, at: pointer + 1)
        }
    }

    /// Appends a varint length then the UTF-8 of `text` (contiguous fast path for native strings).
    @inlinable
    mutating func appendLengthPrefixedUTF8(_ text: String, tag: WireTag?) {
        let utf8 = text.utf8
        let count = utf8.count
        let copied: Void? = utf8.withContiguousStorageIfAvailable { buffer in
            self.withSpace(11 + count) { pointer in
                var offset = 0
                if let tag {
                    pointer[0] = tag.rawValue
                    offset = 1
                }
                offset += WireWriter.putVarint(UInt64(count), at: pointer + offset)
                if count > 0 {
                    // A non-empty contiguous buffer has a base address.
                    (pointer + offset).update(from: buffer.baseAddress.unsafelyUnwrapped, count: count)
                }
                return offset + count
            }
        }
        if copied == nil {
            if let tag {
                self.appendTagged(tag, UInt64(count))
            } else {
                self.writeVarint(UInt64(count))
            }
            self.appendRaw(contentsOf: utf8)
        }
    }

    /// The byte at `offset`.
    func byte(at offset: Int) -> UInt8 {
        self.storage[offset]
    }

    /// Removes every byte from `offset` on.
    mutating func truncate(to offset: Int) {
        guard offset < self.length else { return }
        self.storage.withUnsafeMutableBufferPointer { buffer in
            for index in offset..<self.length { buffer[index] = 0 }
        }
        self.length = offset
    }

    /// A copy of the bytes from `offset` to the end.
    func suffix(from offset: Int) -> [UInt8] {
        Array(self.storage[offset..<self.length])
    }

    // MARK: - Scalars

    /// Writes a varint (unsigned LEB128, minimal length). Not a value by itself: a building block.
    @inlinable
    public mutating func writeVarint(_ value: UInt64) {
        self.withSpace(10) { pointer in WireWriter.putVarint(value, at: pointer) }
    }

    /// Writes a tag byte. Not a value by itself: a building block.
    @inlinable
    public mutating func writeTag(_ tag: WireTag) {
        self.appendByte(tag.rawValue)
    }

    /// Writes `null`.
    @inlinable
    public mutating func writeNull() {
        self.appendByte(WireTag.null.rawValue)
    }

    /// Writes `true` or `false`.
    @inlinable
    public mutating func writeBool(_ value: Bool) {
        self.appendByte(value ? WireTag.true.rawValue : WireTag.false.rawValue)
    }

    /// Writes a signed integer (tag `int`, zigzag varint). Money in cents is written this way.
    @inlinable
    public mutating func writeInt(_ value: Int64) {
        self.appendTagged(.int, UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Writes a signed integer of any width (tag `int`).
    @inlinable
    public mutating func writeInt(_ value: Int) {
        self.writeInt(Int64(value))
    }

    /// Writes an unsigned integer (tag `uint`, varint).
    @inlinable
    public mutating func writeUInt(_ value: UInt64) {
        self.appendTagged(.uint, value)
    }

    /// Writes an IEEE 754 binary64 (tag `float64`, 8 bytes big-endian). NaN payloads are kept.
    @inlinable
    public mutating func writeDouble(_ value: Double) {
        let bits = value.bitPattern
        self.withSpace(9) { pointer in
            pointer[0] = WireTag.float64.rawValue
            for index in 0..<8 {
                pointer[1 + index] = UInt8(truncatingIfNeeded: bits >> UInt64(56 - 8 * index))
            }
            return 9
        }
    }

    /// Writes a string (tag `string`, varint byte length, UTF-8).
    @inlinable
    public mutating func writeString(_ value: String) {
        self.appendLengthPrefixedUTF8(value, tag: .string)
    }

    /// Writes a byte string (tag `bytes`, varint length, raw bytes).
    @inlinable
    public mutating func writeBytes(_ value: some Collection<UInt8>) {
        self.appendTagged(.bytes, UInt64(value.count))
        self.appendRaw(contentsOf: value)
    }

    /// Writes a calendar date (tag `date`, zigzag varint of days since 1970-01-01).
    @inlinable
    public mutating func writeDate(_ value: CalendarDate) {
        let days = Int64(value.daysSinceEpoch)
        self.appendTagged(.date, UInt64(bitPattern: (days << 1) ^ (days >> 63)))
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
        self.appendTagged(.instant, UInt64(bitPattern: (microseconds << 1) ^ (microseconds >> 63)))
    }

    // MARK: - Containers

    /// Writes an array header; `count` values must follow.
    @inlinable
    public mutating func writeArrayHeader(count: Int) {
        self.appendTagged(.array, UInt64(count))
    }

    /// Writes a map header; `count` key–value pairs must follow.
    @inlinable
    public mutating func writeMapHeader(count: Int) {
        self.appendTagged(.map, UInt64(count))
    }

    /// Writes a struct header; `fieldCount` (key, value) pairs must follow.
    @inlinable
    public mutating func writeStructHeader(fieldCount: Int) {
        self.appendTagged(.struct, UInt64(fieldCount))
    }

    /// Writes a field key (varint length + UTF-8); its value must follow.
    @inlinable
    public mutating func writeFieldKey(_ key: StaticString) {
        key.withUTF8Buffer { utf8 in
            let count = utf8.count
            self.withSpace(10 + count) { pointer in
                let offset = WireWriter.putVarint(UInt64(count), at: pointer)
                if count > 0 {
                    // A non-empty static string has a base address.
                    (pointer + offset).update(from: utf8.baseAddress.unsafelyUnwrapped, count: count)
                }
                return offset + count
            }
        }
    }

    /// Writes a field key (varint length + UTF-8); its value must follow.
    @inlinable
    public mutating func writeFieldKey(_ key: String) {
        self.appendLengthPrefixedUTF8(key, tag: nil)
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
        self.appendTagged(.struct, 0)
        return CountMark(offset: self.length - 1)
    }

    /// Writes the field count of a struct begun with ``beginStruct()``.
    @inlinable
    public mutating func endStruct(_ mark: CountMark, fieldCount: Int) {
        self.patchCount(at: mark.offset, count: fieldCount)
    }

    /// Writes an array tag and reserves its element count, for when the count is known only at the end.
    @inlinable
    public mutating func beginArray() -> CountMark {
        self.appendTagged(.array, 0)
        return CountMark(offset: self.length - 1)
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
            self.storage[offset] = UInt8(truncatingIfNeeded: count)
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
        let extra = varint.count - 1
        self.withSpace(extra) { _ in extra }
        self.storage.withUnsafeMutableBufferPointer { buffer in
            // Shift the bytes after the reserved one to make room, then store the varint. The
            // buffer holds at least the reserved byte, so it has a base address.
            let base = buffer.baseAddress.unsafelyUnwrapped
            let tail = self.length - extra - (offset + 1)
            (base + offset + 1 + extra).update(from: base + offset + 1, count: tail)
            for (index, byte) in varint.enumerated() {
                base[offset + index] = byte
            }
        }
    }

    // MARK: - Nested values

    /// Writes a nested ``WireFastEncodable`` value (statically dispatched). Enforces
    /// ``WireLimits/maxDepth``.
    @inlinable
    public mutating func write<T: WireFastEncodable>(_ value: T) throws(WireError) {
        guard self.depth < self.limits.maxDepth else {
            throw WireError(code: .depthExceeded, message: "values nested deeper than \(self.limits.maxDepth)")
        }
        self.depth += 1
        defer { self.depth -= 1 }
        try value.encode(to: &self)
    }

    /// Calls the fast path without boxing `value` into an existential.
    private static func encodeFast<F: WireFastEncodable, T>(_ type: F.Type, _ value: T, into writer: inout WireWriter) throws(WireError) {
        // F was found from `T.self as? any WireFastEncodable.Type`, so F == T.
        try same(value, as: F.self).encode(to: &writer)
    }

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
        if let fast = T.self as? any WireFastEncodable.Type {
            try Self.encodeFast(fast, value, into: &self)
            return
        }
        let state = WireEncodingState(writer: self)
        self.storage = []
        self.length = 0
        defer { self = state.takeWriter() }
        try state.encodeRoot(value)
    }
}
