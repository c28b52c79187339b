/// A type that writes itself with ``WireWriter`` calls instead of going through `Encodable`.
///
/// ``WireEncoder`` (and ``WireWriter/write(_:)``) use this conformance automatically, at any
/// depth, whenever a value has it. The bytes written **must** be exactly those of the type's
/// `Encodable` conformance: same fields, same order, optional `nil` fields omitted (as
/// `encodeIfPresent` does). Tests should hold every conformance to that
/// (`WireEncoder.encodeWithoutFastPath(_:)` gives the Codable bytes to compare with).
public protocol WireFastEncodable: Encodable {
    /// Appends the value's encoding to `writer`.
    func encode(to writer: inout WireWriter) throws(WireError)
}

/// A type that reads itself with ``WireReader`` calls instead of going through `Decodable`.
///
/// ``WireDecoder`` (and ``WireReader/read(_:)``) use this conformance automatically, at any
/// depth. It must accept what the type's `Decodable` conformance accepts: fields in any order,
/// unknown fields skipped, absent or null optionals as `nil`; ``WireReader/forEachField(_:)``
/// handles ordering, skipping and duplicate keys. Decode nested values with
/// ``WireReader/read(_:)``, which enforces the depth limit.
public protocol WireFastDecodable: Decodable {
    /// Reads one value from `reader`.
    init(from reader: inout WireReader) throws(WireError)
}

/// A type with both hand-written fast paths.
public typealias WireFastCodable = WireFastDecodable & WireFastEncodable
