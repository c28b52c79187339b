/// Encodes `Encodable` values into the Pilotage wire format (`WIRE.md` §6).
///
/// Values whose type conforms to ``WireFastEncodable`` (at any depth) are written by their
/// hand-written conformance; everything else goes through `Encodable`. `CalendarDate` and
/// `Foundation.Date` get their own tags, `Data` is written as `bytes`, dictionaries as maps with
/// entries sorted by the bytes of their encoded key (so equal values give equal bytes).
///
/// ```swift
/// let bytes = try WireEncoder().encode(reply)
/// ```
public struct WireEncoder: Sendable {
    /// Limits enforced while encoding (depth, against runaway recursion).
    public var limits: WireLimits

    /// Creates an encoder.
    public init(limits: WireLimits = .default) {
        self.limits = limits
    }

    /// Returns the encoding of `value`.
    /// - Throws: ``WireError`` (``WireError/Code/invalidValue`` for values the wire cannot carry,
    ///   ``WireError/Code/depthExceeded`` for runaway nesting).
    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        try self.encode(value, into: &bytes)
        return bytes
    }

    /// Appends the encoding of `value` to `bytes` (reuse one buffer across messages). On error,
    /// `bytes` is left as it was.
    public func encode<T: Encodable>(_ value: T, into bytes: inout [UInt8]) throws {
        try self.encode(value, into: &bytes, usesFastPath: true)
    }

    /// The encoding of `value` through `Encodable` only, ignoring ``WireFastEncodable``
    /// conformances: what a fast conformance must reproduce byte for byte.
    public func encodeWithoutFastPath<T: Encodable>(_ value: T) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try self.encode(value, into: &bytes, usesFastPath: false)
        return bytes
    }

    /// Calls the fast path without boxing `value` into an existential.
    private static func encodeFast<F: WireFastEncodable, T>(_ type: F.Type, _ value: T, into writer: inout WireWriter) throws(WireError) {
        // F was found from `T.self as? any WireFastEncodable.Type`, so F == T.
        try same(value, as: F.self).encode(to: &writer)
    }

    private func encode<T: Encodable>(_ value: T, into bytes: inout [UInt8], usesFastPath: Bool) throws(WireError) {
        let originalCount = bytes.count
        var taken: [UInt8] = []
        swap(&taken, &bytes)
        var writer = WireWriter(appendingTo: taken, limits: self.limits)
        defer { bytes = writer.takeBytes() }
        do {
            if usesFastPath, let fast = T.self as? any WireFastEncodable.Type {
                writer.depth = 1
                try Self.encodeFast(fast, value, into: &writer)
                return
            }
            let state = WireEncodingState(writer: writer, usesFastPath: usesFastPath)
            writer = WireWriter(capacity: 0, limits: self.limits)
            defer { writer = state.takeWriter() }
            try state.encodeRoot(value)
        } catch {
            writer.truncate(to: originalCount)
            throw error
        }
    }
}

/// Decodes `Decodable` values from the Pilotage wire format (`WIRE.md` §6).
///
/// Decoding never traps and never allocates more than the input justifies: every malformation
/// throws a ``WireError`` with a code, a message and the dotted coding path of the value at fault.
/// Values whose type conforms to ``WireFastDecodable`` (at any depth) are read by their
/// hand-written conformance.
///
/// ```swift
/// let reply = try WireDecoder().decode(ReceivablesReply.self, from: bytes)
/// ```
public struct WireDecoder: Sendable {
    /// Limits enforced on every length, count and nesting level.
    public var limits: WireLimits

    /// Creates a decoder.
    public init(limits: WireLimits = .default) {
        self.limits = limits
    }

    /// Decodes one value that must span all of `bytes`.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(WireError) -> T {
        try self.withReader(over: bytes) { (reader) throws(WireError) in try Self.decodeAll(type, &reader, usesFastPath: true) }
    }

    /// Decodes one value that must span all of `bytes` (no copy of the slice).
    public func decode<T: Decodable>(_ type: T.Type, from bytes: ArraySlice<UInt8>) throws(WireError) -> T {
        try self.withReader(over: bytes) { (reader) throws(WireError) in try Self.decodeAll(type, &reader, usesFastPath: true) }
    }

    /// Decodes one value that must span all of `buffer` (zero-copy from a frame buffer).
    public func decode<T: Decodable>(_ type: T.Type, from buffer: UnsafeRawBufferPointer) throws(WireError) -> T {
        try self.withReader(over: buffer) { (reader) throws(WireError) in try Self.decodeAll(type, &reader, usesFastPath: true) }
    }

    /// Decodes through `Decodable` only, ignoring ``WireFastDecodable`` conformances.
    public func decodeWithoutFastPath<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(WireError) -> T {
        try self.withReader(over: bytes) { (reader) throws(WireError) in try Self.decodeAll(type, &reader, usesFastPath: false) }
    }

    private static func decodeAll<T: Decodable>(_ type: T.Type, _ reader: inout WireReader, usesFastPath: Bool) throws(WireError) -> T {
        let value: T
        if usesFastPath {
            value = try reader.read(type)
        } else {
            let state = WireDecodingState(reader: reader, usesFastPath: false)
            defer { state.invalidate() }
            value = try state.decodeRoot(type)
            reader.offset = state.reader.offset
        }
        guard reader.isAtEnd else {
            throw WireError(
                code: .trailingBytes,
                message: "\(reader.remainingCount) byte(s) after the value, from byte \(reader.position)"
            )
        }
        return value
    }

    /// Runs `body` with a reader over `bytes`, checking the message size limit first.
    @discardableResult
    public func withReader<R>(
        over bytes: [UInt8],
        _ body: (inout WireReader) throws(WireError) -> R
    ) throws(WireError) -> R {
        try self.checkSize(bytes.count)
        return try Self.typed {
            try bytes.withUnsafeBytes { buffer in
                var reader = WireReader(buffer: buffer, limits: self.limits)
                return try body(&reader)
            }
        }
    }

    /// Runs `body` with a reader over `bytes`, checking the message size limit first.
    @discardableResult
    public func withReader<R>(
        over bytes: ArraySlice<UInt8>,
        _ body: (inout WireReader) throws(WireError) -> R
    ) throws(WireError) -> R {
        try self.checkSize(bytes.count)
        return try Self.typed {
            try bytes.withUnsafeBytes { buffer in
                var reader = WireReader(buffer: buffer, limits: self.limits)
                return try body(&reader)
            }
        }
    }

    /// Runs `body` with a reader over `buffer`, checking the message size limit first. The
    /// reader must not escape `body`.
    @discardableResult
    public func withReader<R>(
        over buffer: UnsafeRawBufferPointer,
        _ body: (inout WireReader) throws(WireError) -> R
    ) throws(WireError) -> R {
        try self.checkSize(buffer.count)
        var reader = WireReader(buffer: buffer, limits: self.limits)
        return try body(&reader)
    }

    private func checkSize(_ count: Int) throws(WireError) {
        guard count <= self.limits.maxMessageSize else {
            throw WireError(code: .limitExceeded, message: "message of \(count) bytes is above the limit \(self.limits.maxMessageSize)")
        }
    }

    /// Narrows the untyped error of a rethrowing standard-library call back to `WireError`.
    private static func typed<R>(_ body: () throws -> R) throws(WireError) -> R {
        do {
            return try body()
        } catch let error as WireError {
            throw error
        } catch {
            throw WireError(code: .dataCorrupted, message: "\(error)")
        }
    }
}
