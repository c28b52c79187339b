/// A bounds-checked big-endian reader over a payload slice; every read failure is a
/// ``FrameError`` with code `malformedFrame` naming the field.
struct ByteReader {
    private let bytes: ArraySlice<UInt8>
    private var index: Int
    private let kind: Frame.Kind

    init(_ bytes: ArraySlice<UInt8>, kind: Frame.Kind) {
        self.bytes = bytes
        self.index = bytes.startIndex
        self.kind = kind
    }

    var remaining: Int { self.bytes.endIndex - self.index }

    private func truncated(_ field: String) -> FrameError {
        FrameError(code: .malformedFrame, message: "\(self.kind.name) payload is truncated in field '\(field)'")
    }

    mutating func readUInt8(_ field: String) throws(FrameError) -> UInt8 {
        guard self.remaining >= 1 else { throw self.truncated(field) }
        defer { self.index += 1 }
        return self.bytes[self.index]
    }

    mutating func readUInt16(_ field: String) throws(FrameError) -> UInt16 {
        guard self.remaining >= 2 else { throw self.truncated(field) }
        defer { self.index += 2 }
        return UInt16(self.bytes[self.index]) << 8 | UInt16(self.bytes[self.index + 1])
    }

    mutating func readUInt32(_ field: String) throws(FrameError) -> UInt32 {
        guard self.remaining >= 4 else { throw self.truncated(field) }
        var value: UInt32 = 0
        for offset in 0..<4 { value = value << 8 | UInt32(self.bytes[self.index + offset]) }
        self.index += 4
        return value
    }

    mutating func readUInt64(_ field: String) throws(FrameError) -> UInt64 {
        guard self.remaining >= 8 else { throw self.truncated(field) }
        var value: UInt64 = 0
        for offset in 0..<8 { value = value << 8 | UInt64(self.bytes[self.index + offset]) }
        self.index += 8
        return value
    }

    mutating func readBytes(_ count: Int, _ field: String) throws(FrameError) -> ArraySlice<UInt8> {
        guard self.remaining >= count else { throw self.truncated(field) }
        defer { self.index += count }
        return self.bytes[self.index..<self.index + count]
    }

    mutating func readString(count: Int, _ field: String) throws(FrameError) -> String {
        guard count > 0 else { return "" }
        let raw = try self.readBytes(count, field)
        guard let text = raw.withUnsafeBufferPointer({ String(validating: $0, as: UTF8.self) }) else {
            throw FrameError(code: .malformedFrame, message: "\(self.kind.name) field '\(field)' is not valid UTF-8")
        }
        return text
    }

    /// A `u16` length followed by that many UTF-8 bytes.
    mutating func readString16(_ field: String) throws(FrameError) -> String {
        let count = Int(try self.readUInt16(field + " length"))
        return try self.readString(count: count, field)
    }

    /// Metadata block: `u16` count, then per pair `u8` key length, key, `u16` value length, value.
    mutating func readMetadata(_ field: String) throws(FrameError) -> Metadata {
        let count = Int(try self.readUInt16(field + " count"))
        var metadata = Metadata()
        metadata.reserveCapacity(count)
        for _ in 0..<count {
            let keyLength = Int(try self.readUInt8(field + " key length"))
            let keyBytes = try self.readBytes(keyLength, field + " key")
            guard Metadata.isValidKey(keyBytes) else {
                throw FrameError(
                    code: .malformedFrame,
                    message:
                        "\(self.kind.name) \(field) key is not a valid metadata key (lowercase a-z 0-9 - _ . , 1-255 bytes)"
                )
            }
            let key = Metadata.internedKey(keyBytes) ?? String(decoding: keyBytes, as: UTF8.self)
            let value = try self.readString16(field + " value")
            metadata.appendUnchecked(key: key, value: value)
        }
        return metadata
    }

    /// Fails when bytes remain after the last field.
    func expectEnd() throws(FrameError) {
        guard self.remaining == 0 else {
            throw FrameError(
                code: .malformedFrame,
                message: "\(self.kind.name) payload has \(self.remaining) unexpected trailing bytes"
            )
        }
    }
}

extension Metadata {
    private static let wellKnownKeys: [(bytes: [UInt8], key: String)] = [
        MetadataKey.requestID, MetadataKey.tenant, MetadataKey.authorization, MetadataKey.user,
    ].map { (Array($0.utf8), $0) }

    /// The shared `String` of a well-known key (no allocation per call), `nil` for other keys.
    static func internedKey(_ bytes: ArraySlice<UInt8>) -> String? {
        for entry in Self.wellKnownKeys where entry.bytes.count == bytes.count && entry.bytes.elementsEqual(bytes) {
            return entry.key
        }
        return nil
    }

    /// `Metadata.isValidKey` over raw bytes.
    static func isValidKey(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard !bytes.isEmpty, bytes.count <= 255 else { return false }
        return bytes.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
    }
}
