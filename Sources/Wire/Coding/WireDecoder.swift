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
