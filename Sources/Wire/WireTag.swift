/// The one-byte tag that starts every encoded value (`WIRE.md` §6.1).
///
/// The set of tags is closed for protocol version 1: a byte that is not one of the static members
/// below is rejected with ``WireError/Code/invalidTag``. `WireTag` is a struct rather than an enum so
/// that a later protocol version can add tags without breaking exhaustive switches in clients.
public struct WireTag: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The byte on the wire.
    public let rawValue: UInt8

    /// Creates a tag from its byte, or `nil` for a byte that is not a tag of version 1.
    @inlinable
    public init?(rawValue: UInt8) {
        guard rawValue <= WireTag.instant.rawValue else { return nil }
        self.rawValue = rawValue
    }

    @inlinable
    init(known rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// `0x00` — absence of a value (`nil`); no payload.
    public static let null = WireTag(known: 0x00)
    /// `0x01` — Boolean false; no payload.
    public static let `false` = WireTag(known: 0x01)
    /// `0x02` — Boolean true; no payload.
    public static let `true` = WireTag(known: 0x02)
    /// `0x03` — signed integer: zigzag varint (every signed width, money in cents).
    public static let int = WireTag(known: 0x03)
    /// `0x04` — unsigned integer: varint (every unsigned width).
    public static let uint = WireTag(known: 0x04)
    /// `0x05` — IEEE 754 binary64, 8 bytes big-endian.
    public static let float64 = WireTag(known: 0x05)
    /// `0x06` — UTF-8 text: varint byte length, then the bytes.
    public static let string = WireTag(known: 0x06)
    /// `0x07` — raw bytes: varint length, then the bytes.
    public static let bytes = WireTag(known: 0x07)
    /// `0x08` — array: varint element count, then the elements.
    public static let array = WireTag(known: 0x08)
    /// `0x09` — map: varint entry count, then key, value, key, value …
    public static let map = WireTag(known: 0x09)
    /// `0x0A` — struct: varint field count, then for each field a varint key length, the UTF-8 key and the value.
    public static let `struct` = WireTag(known: 0x0A)
    /// `0x0B` — calendar date: zigzag varint days since 1970-01-01.
    public static let date = WireTag(known: 0x0B)
    /// `0x0C` — instant: zigzag varint microseconds since 1970-01-01T00:00:00Z.
    public static let instant = WireTag(known: 0x0C)

    /// Every tag of protocol version 1, in byte order.
    public static let allTags: [WireTag] = (0...0x0C).map { WireTag(known: UInt8($0)) }

    /// The tag's name as used in `WIRE.md` and in error messages (`int`, `struct` …).
    public var name: String {
        switch self.rawValue {
        case 0x00: "null"
        case 0x01: "false"
        case 0x02: "true"
        case 0x03: "int"
        case 0x04: "uint"
        case 0x05: "float64"
        case 0x06: "string"
        case 0x07: "bytes"
        case 0x08: "array"
        case 0x09: "map"
        case 0x0A: "struct"
        case 0x0B: "date"
        case 0x0C: "instant"
        default: "tag 0x\(String(self.rawValue, radix: 16))"
        }
    }

    /// Same as ``name``.
    public var description: String { self.name }
}
