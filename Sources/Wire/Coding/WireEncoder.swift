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
