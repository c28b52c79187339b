public import Foundation

/// Reads encoded values from a byte buffer: the low-level half of the wire format.
///
/// A reader is a cursor over borrowed memory: it is only valid inside the scope that created it
/// (``WireDecoder/withReader(over:_:)-(UnsafeRawBufferPointer,_)`` or a
/// ``WireFastDecodable/init(from:)`` call) and must not be stored. Every read checks the bytes
/// that remain and the configured ``WireLimits`` before touching memory or allocating, and
/// throws ``WireError`` on any malformation; it never traps.
///
/// ```swift
/// var id: String?
/// var amount: Int64?
/// try reader.forEachField { key, reader throws(WireError) in
///     switch key {
///     case "id": id = try reader.readString()
///     case "amount": amount = try reader.readInt64()
///     default: break  // unknown fields are skipped
///     }
/// }
/// ```
public struct WireReader {
    /// The whole buffer being decoded (positions are offsets into it).
    ///
    /// Safety: the memory is borrowed from the caller of the scoped API that created this
    /// reader; the reader does not outlive that scope (documented contract, checked by the
    /// Codable decoder's invalidation flag for escaped decoders).
    @usableFromInline
    let buffer: UnsafeRawBufferPointer

    /// Offset of the next byte to read.
    @usableFromInline
    var offset: Int

    /// Offset one past the last readable byte.
    @usableFromInline
    let end: Int

    /// Nesting depth of ``read(_:)`` and ``skipValue()`` calls.
    @usableFromInline
    var depth: Int

    /// Limits applied to every length and count.
    public let limits: WireLimits

    /// Creates a reader over `buffer[offset..<end]`.
    @usableFromInline
    init(buffer: UnsafeRawBufferPointer, offset: Int = 0, end: Int? = nil, depth: Int = 0, limits: WireLimits) {
        self.buffer = buffer
        self.offset = offset
        self.end = end ?? buffer.count
        self.depth = depth
        self.limits = limits
    }

    /// Offset of the next byte to read, from the start of the decoded buffer.
    @inlinable
    public var position: Int { self.offset }

    /// Number of bytes not read yet.
    @inlinable
    public var remainingCount: Int { self.end - self.offset }

    /// `true` when every byte has been read.
    @inlinable
    public var isAtEnd: Bool { self.offset >= self.end }

    // MARK: - Building blocks

    @inlinable
    func requireBytes(_ count: Int) throws(WireError) {
        if count > self.end - self.offset {
            throw WireError.truncated(needed: count - (self.end - self.offset), at: self.end)
        }
    }

    /// Reads a varint (unsigned LEB128). Over-long encodings and values above 64 bits are errors.
    @inlinable
    public mutating func readVarint() throws(WireError) -> UInt64 {
        // Up to nine bytes (63 bits) inline; the tenth byte and every error go to the slow path.
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var index = self.offset
        while index < self.end, shift < 63 {
            let byte = self.buffer[index]
            result |= UInt64(byte & 0x7F) << shift
            index += 1
            if byte < 0x80 {
                if byte == 0, shift > 0 { break }  // over-long: let the slow path report it
                self.offset = index
                return result
            }
            shift += 7
        }
        return try self.readVarintSlow()
    }

    @usableFromInline
    mutating func readVarintSlow() throws(WireError) -> UInt64 {
        let start = self.offset
        var value: UInt64 = 0
        var shift: UInt64 = 0
        var index = self.offset
        while true {
            guard index < self.end else {
                throw WireError.truncated(needed: 1, at: self.end)
            }
            let byte = self.buffer[index]
            index += 1
            if shift == 63 {
                // Tenth byte: only the lowest bit may be set, and it ends the varint.
                guard byte <= 1 else {
                    throw WireError.invalidVarint(at: start, byte & 0x80 != 0 ? "longer than 10 bytes" : "overflows 64 bits")
                }
                guard byte != 0 else { throw WireError.invalidVarint(at: start, "over-long encoding") }
                value |= UInt64(byte) << shift
                break
            }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 {
                if byte == 0, index - start > 1 {
                    throw WireError.invalidVarint(at: start, "over-long encoding")
                }
                break
            }
            shift += 7
        }
        self.offset = index
        return value
    }

    /// Reads a varint that is a length or count: at most `limit`, and at most the remaining
    /// bytes divided by `minimumSize` (the smallest encoding of one element).
    @inlinable
    mutating func readLength(limit: Int, minimumSize: Int, what: StaticString) throws(WireError) -> Int {
        let start = self.offset
        let raw = try self.readVarint()
        let remaining = self.end - self.offset
        // `raw <= remaining` first keeps the multiplication below from overflowing.
        if raw <= UInt64(remaining), raw <= UInt64(limit), Int(raw) * minimumSize <= remaining {
            return Int(raw)
        }
        throw self.lengthError(raw, start: start, limit: limit, minimumSize: minimumSize, what: what)
    }

    @usableFromInline
    func lengthError(_ raw: UInt64, start: Int, limit: Int, minimumSize: Int, what: StaticString) -> WireError {
        let remaining = self.end - self.offset
        if raw > UInt64(limit) {
            return WireError(code: .limitExceeded, message: "\(what) \(raw) at byte \(start) is above the limit \(limit)")
        }
        return WireError(
            code: .truncated,
            message: "\(what) \(raw) at byte \(start) needs at least \(raw) × \(minimumSize) bytes, \(remaining) remain"
        )
    }

    /// Returns the tag of the next value without consuming it.
    @inlinable
    public func peekTag() throws(WireError) -> WireTag {
        guard self.offset < self.end else { throw WireError.truncated(needed: 1, at: self.end) }
        let byte = self.buffer[self.offset]
        guard let tag = WireTag(rawValue: byte) else { throw WireError.invalidTag(byte, at: self.offset) }
        return tag
    }

    /// Reads the tag of the next value. Not a value by itself: a building block.
    @inlinable
    public mutating func readTag() throws(WireError) -> WireTag {
        let tag = try self.peekTag()
        self.offset += 1
        return tag
    }

    @inlinable
    mutating func expectTag(_ expected: WireTag, _ name: StaticString) throws(WireError) {
        guard self.offset < self.end else { throw WireError.truncated(needed: 1, at: self.end) }
        let byte = self.buffer[self.offset]
        guard byte == expected.rawValue else { throw self.tagError(byte, expected: "\(name)") }
        self.offset += 1
    }

    @usableFromInline
    func tagError(_ byte: UInt8, expected: String) -> WireError {
        guard let tag = WireTag(rawValue: byte) else { return WireError.invalidTag(byte, at: self.offset) }
        if tag == .null {
            return WireError(code: .valueNotFound, message: "expected \(expected), found null at byte \(self.offset)")
        }
        return WireError.unexpectedTag(tag, expected: expected, at: self.offset)
    }

    // MARK: - Scalars

    /// Reads `null`.
    @inlinable
    public mutating func readNull() throws(WireError) {
        try self.expectTag(.null, "null")
    }

    /// Consumes a `null` and returns `true` when the next value is null; else reads nothing and
    /// returns `false` (use before reading an optional value).
    @inlinable
    public mutating func readNullIfPresent() throws(WireError) -> Bool {
        guard self.offset < self.end else { throw WireError.truncated(needed: 1, at: self.end) }
        if self.buffer[self.offset] == WireTag.null.rawValue {
            self.offset += 1
            return true
        }
        return false
    }

    /// Reads `true` or `false`.
    @inlinable
    public mutating func readBool() throws(WireError) -> Bool {
        guard self.offset < self.end else { throw WireError.truncated(needed: 1, at: self.end) }
        let byte = self.buffer[self.offset]
        if byte == WireTag.true.rawValue || byte == WireTag.false.rawValue {
            self.offset += 1
            return byte == WireTag.true.rawValue
        }
        throw self.tagError(byte, expected: "a Boolean")
    }

    /// Reads a signed integer. Tag `int` is expected; a `uint` that fits is accepted too.
    @inlinable
    public mutating func readInt64() throws(WireError) -> Int64 {
        guard self.offset < self.end else { throw WireError.truncated(needed: 1, at: self.end) }
        let byte = self.buffer[self.offset]
        if byte == WireTag.int.rawValue {
            self.offset += 1
            let raw = try self.readVarint()
            return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
        }
        if byte == WireTag.uint.rawValue {
            self.offset += 1
            let raw = try self.readVarint()
            guard raw <= UInt64(Int64.max) else { throw WireError.outOfRange(String(raw), type: "Int64") }
            return Int64(raw)
        }
        throw self.tagError(byte, expected: "an integer")
    }

    /// Reads an unsigned integer. Tag `uint` is expected; a non-negative `int` is accepted too.
    @inlinable
    public mutating func readUInt64() throws(WireError) -> UInt64 {
        guard self.offset < self.end else { throw WireError.truncated(needed: 1, at: self.end) }
        let byte = self.buffer[self.offset]
        if byte == WireTag.uint.rawValue {
            self.offset += 1
            return try self.readVarint()
        }
        if byte == WireTag.int.rawValue {
            self.offset += 1
            let raw = try self.readVarint()
            let value = Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
            guard value >= 0 else { throw WireError.outOfRange(String(value), type: "UInt64") }
            return UInt64(value)
        }
        throw self.tagError(byte, expected: "an unsigned integer")
    }

    /// Reads an integer into any fixed-width integer type.
    /// - Throws: ``WireError/Code/valueOutOfRange`` when the value does not fit `T`.
    @inlinable
    public mutating func readInteger<T: FixedWidthInteger>(_ type: T.Type) throws(WireError) -> T {
        guard self.offset < self.end else { throw WireError.truncated(needed: 1, at: self.end) }
        if T.isSigned || self.buffer[self.offset] == WireTag.int.rawValue {
            let value = try self.readInt64()
            guard let result = T(exactly: value) else { throw WireError.outOfRange(String(value), type: "\(T.self)") }
            return result
        }
        let value = try self.readUInt64()
        guard let result = T(exactly: value) else { throw WireError.outOfRange(String(value), type: "\(T.self)") }
        return result
    }

    /// Reads a signed integer into `Int`.
    @inlinable
    public mutating func readInt() throws(WireError) -> Int {
        Int(try self.readInt64())  // Int is 64-bit on every supported platform.
    }

    /// Reads an IEEE 754 binary64.
    @inlinable
    public mutating func readDouble() throws(WireError) -> Double {
        try self.expectTag(.float64, "a float64")
        try self.requireBytes(8)
        var bits: UInt64 = 0
        for index in self.offset..<(self.offset + 8) {
            bits = bits << 8 | UInt64(self.buffer[index])
        }
        self.offset += 8
        return Double(bitPattern: bits)
    }

    /// Reads a string, validating its UTF-8.
    @inlinable
    public mutating func readString() throws(WireError) -> String {
        try self.expectTag(.string, "a string")
        let length = try self.readLength(limit: self.limits.maxStringLength, minimumSize: 1, what: "string length")
        let start = self.offset
        self.offset += length
        return try WireReader.makeString(UnsafeRawBufferPointer(rebasing: self.buffer[start..<(start + length)]), at: start)
    }

    @usableFromInline
    static func makeString(_ bytes: UnsafeRawBufferPointer, at position: Int) throws(WireError) -> String {
        if Self.isASCII(bytes) {
            // ASCII is valid UTF-8: `decoding` takes its contiguous fast path and repairs nothing.
            return String(decoding: bytes.assumingMemoryBound(to: UInt8.self), as: UTF8.self)
        }
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw WireError(code: .invalidUTF8, message: "string at byte \(position) is not valid UTF-8")
        }
        return string
    }

    /// `true` when every byte is below 0x80 (eight bytes at a time).
    @usableFromInline
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = bytes.count
        while index + 8 <= count {
            if bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            index += 8
        }
        while index < count {
            if bytes[index] >= 0x80 { return false }
            index += 1
        }
        return true
    }

    /// Reads a byte string.
    @inlinable
    public mutating func readBytes() throws(WireError) -> [UInt8] {
        let bytes = try self.readBytesNoCopy()
        return [UInt8](bytes)
    }

    /// Reads a byte string and returns it without copying: the buffer is valid as long as the
    /// reader is.
    @inlinable
    public mutating func readBytesNoCopy() throws(WireError) -> UnsafeRawBufferPointer {
        try self.expectTag(.bytes, "bytes")
        let length = try self.readLength(limit: self.limits.maxStringLength, minimumSize: 1, what: "bytes length")
        let start = self.offset
        self.offset += length
        return UnsafeRawBufferPointer(rebasing: self.buffer[start..<(start + length)])
    }

    /// Reads a calendar date (tag `date`; a `string` `YYYY-MM-DD` is accepted too, see `WIRE.md` §6.8).
    @inlinable
    public mutating func readDate() throws(WireError) -> CalendarDate {
        guard self.offset < self.end else { throw WireError.truncated(needed: 1, at: self.end) }
        let byte = self.buffer[self.offset]
        if byte == WireTag.date.rawValue {
            self.offset += 1
            let raw = try self.readVarint()
            let days = Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
            guard let small = Int32(exactly: days), let date = CalendarDate(daysSinceEpoch: small) else {
                throw WireError.outOfRange("day \(days)", type: "CalendarDate (0001-01-01…9999-12-31)")
            }
            return date
        }
        if byte == WireTag.string.rawValue {
            let start = self.offset
            let text = try self.readString()
            guard let date = CalendarDate(text) else {
                throw WireError(code: .dataCorrupted, message: "expected a date YYYY-MM-DD, found \"\(text.prefix(32))\" at byte \(start)")
            }
            return date
        }
        throw self.tagError(byte, expected: "a date")
    }

    /// Reads an instant as microseconds since 1970-01-01T00:00:00Z.
    @inlinable
    public mutating func readInstantMicroseconds() throws(WireError) -> Int64 {
        try self.expectTag(.instant, "an instant")
        let raw = try self.readVarint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// Reads an instant.
    @inlinable
    public mutating func readInstant() throws(WireError) -> Date {
        WireInstant.date(microseconds: try self.readInstantMicroseconds())
    }

    // MARK: - Containers

    /// Reads an array header and returns its element count (checked against the limits and the
    /// remaining bytes).
    @inlinable
    public mutating func readArrayHeader() throws(WireError) -> Int {
        try self.expectTag(.array, "an array")
        return try self.readLength(limit: self.limits.maxCollectionCount, minimumSize: 1, what: "array count")
    }

    /// Reads a map header and returns its entry count.
    @inlinable
    public mutating func readMapHeader() throws(WireError) -> Int {
        try self.expectTag(.map, "a map")
        return try self.readLength(limit: self.limits.maxCollectionCount, minimumSize: 2, what: "map count")
    }

    /// Reads a struct header and returns its field count.
    @inlinable
    public mutating func readStructHeader() throws(WireError) -> Int {
        try self.expectTag(.struct, "a struct")
        return try self.readLength(limit: self.limits.maxCollectionCount, minimumSize: 2, what: "field count")
    }

    /// Reads a field key (varint length + UTF-8). Its value follows.
    @inlinable
    public mutating func readFieldKey() throws(WireError) -> WireFieldKey {
        let length = try self.readLength(limit: self.limits.maxStringLength, minimumSize: 1, what: "key length")
        let start = self.offset
        self.offset += length
        let bytes = UnsafeRawBufferPointer(rebasing: self.buffer[start..<(start + length)])
        if !WireReader.isASCII(bytes), String(validating: bytes, as: UTF8.self) == nil {
            throw WireError(code: .invalidUTF8, message: "field key at byte \(start) is not valid UTF-8")
        }
        return WireFieldKey(bytes: bytes)
    }

    // MARK: - Skipping

    /// Reads and discards one value of any kind, validating it (tags, varints, UTF-8, limits).
    public mutating func skipValue() throws(WireError) {
        try self.skipValue(depth: self.depth)
    }

    @usableFromInline
    mutating func skipValue(depth: Int) throws(WireError) {
        let start = self.offset
        let tag = try self.readTag()
        switch tag.rawValue {
        case WireTag.null.rawValue, WireTag.false.rawValue, WireTag.true.rawValue:
            return
        case WireTag.int.rawValue, WireTag.uint.rawValue, WireTag.instant.rawValue:
            _ = try self.readVarint()
        case WireTag.date.rawValue:
            self.offset = start
            _ = try self.readDate()
        case WireTag.float64.rawValue:
            try self.requireBytes(8)
            self.offset += 8
        case WireTag.string.rawValue:
            self.offset = start
            _ = try self.readString()
        case WireTag.bytes.rawValue:
            self.offset = start
            _ = try self.readBytesNoCopy()
        case WireTag.array.rawValue, WireTag.map.rawValue, WireTag.struct.rawValue:
            guard depth < self.limits.maxDepth else {
                throw WireError(code: .depthExceeded, message: "values nested deeper than \(self.limits.maxDepth) at byte \(start)")
            }
            self.offset = start
            if tag == .array {
                let count = try self.readArrayHeader()
                for _ in 0..<count { try self.skipValue(depth: depth + 1) }
            } else if tag == .map {
                let count = try self.readMapHeader()
                for _ in 0..<count {
                    try self.skipValue(depth: depth + 1)
                    try self.skipValue(depth: depth + 1)
                }
            } else {
                try self.forEachField(depth: depth + 1) { _, _ throws(WireError) in }
            }
        default:
            // `readTag` only returns tags of version 1, all handled above.
            throw WireError.invalidTag(tag.rawValue, at: start)
        }
    }

    // MARK: - Structs

    /// Reads a struct: calls `body` once per field with its key and the reader positioned on the
    /// value. The body reads the value, or reads nothing to have it skipped (unknown fields).
    /// Duplicate keys are rejected with ``WireError/Code/duplicateKey``; errors thrown by `body`
    /// get the field key prepended to their coding path.
    @inlinable
    public mutating func forEachField(
        _ body: (WireFieldKey, inout WireReader) throws(WireError) -> Void
    ) throws(WireError) {
        try self.forEachField(depth: self.depth, body)
    }

    @inlinable
    mutating func forEachField(
        depth: Int,
        _ body: (WireFieldKey, inout WireReader) throws(WireError) -> Void
    ) throws(WireError) {
        let structStart = self.offset
        let count = try self.readStructHeader()
        var seen = WireKeyTable()
        for _ in 0..<count {
            let key = try self.readFieldKey()
            let keyOffset = self.offset - key.count
            if try !seen.insert(key, at: keyOffset, in: self.buffer) {
                throw WireError(
                    code: .duplicateKey,
                    message: "field \"\(key.stringValue)\" appears twice in the struct at byte \(structStart)"
                )
            }
            let valueStart = self.offset
            let savedDepth = self.depth
            self.depth = depth
            do {
                try body(key, &self)
            } catch {
                self.depth = savedDepth
                throw error.prefixingPath(key.stringValue)
            }
            self.depth = savedDepth
            if self.offset == valueStart {
                try self.skipValue(depth: depth)
            }
        }
    }

    // MARK: - Nested values

    /// Reads any `Decodable` value: through its ``WireFastDecodable`` conformance when it has
    /// one, else through the Codable path. Enforces ``WireLimits/maxDepth``.
    public mutating func read<T: Decodable>(_ type: T.Type) throws(WireError) -> T {
        guard self.depth < self.limits.maxDepth else {
            throw WireError(code: .depthExceeded, message: "values nested deeper than \(self.limits.maxDepth) at byte \(self.offset)")
        }
        self.depth += 1
        defer { self.depth -= 1 }
        if let fast = T.self as? any WireFastDecodable.Type {
            return try self.readFast(fast, as: T.self)
        }
        let state = WireDecodingState(reader: self)
        defer { state.invalidate() }
        let value = try state.decodeRoot(T.self)
        self.offset = state.reader.offset
        return value
    }

    /// Reads an array, calling `element` once per element with the reader positioned on it.
    /// Errors carry the element index in their coding path.
    @inlinable
    public mutating func readArray<Element>(
        _ element: (inout WireReader) throws(WireError) -> Element
    ) throws(WireError) -> [Element] {
        let count = try self.readArrayHeader()
        var result: [Element] = []
        result.reserveCapacity(Swift.min(count, 4096))
        for index in 0..<count {
            do {
                result.append(try element(&self))
            } catch {
                throw error.prefixingPath(String(index))
            }
        }
        return result
    }

    /// Reads a nested ``WireFastDecodable`` value (statically dispatched). Enforces
    /// ``WireLimits/maxDepth``.
    @inlinable
    public mutating func read<T: WireFastDecodable>(_ type: T.Type) throws(WireError) -> T {
        guard self.depth < self.limits.maxDepth else {
            throw WireError(code: .depthExceeded, message: "values nested deeper than \(self.limits.maxDepth) at byte \(self.offset)")
        }
        self.depth += 1
        defer { self.depth -= 1 }
        return try T(from: &self)
    }

    mutating func readFast<F: WireFastDecodable, T>(_ fast: F.Type, as: T.Type) throws(WireError) -> T {
        // `F` was obtained from `T.self as? any WireFastDecodable.Type`, so F == T.
        return same(try F(from: &self), as: T.self)
    }
}

@available(*, unavailable, message: "a WireReader borrows memory and must not leave its scope")
extension WireReader: Sendable {}
