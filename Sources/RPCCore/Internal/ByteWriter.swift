/// Big-endian appends onto a byte array: the writing half of the fixed binary layouts.
extension Array where Element == UInt8 {
    @inline(__always)
    mutating func appendUInt16(_ value: UInt16) {
        self.append(UInt8(truncatingIfNeeded: value >> 8))
        self.append(UInt8(truncatingIfNeeded: value))
    }

    @inline(__always)
    mutating func appendUInt32(_ value: UInt32) {
        self.append(UInt8(truncatingIfNeeded: value >> 24))
        self.append(UInt8(truncatingIfNeeded: value >> 16))
        self.append(UInt8(truncatingIfNeeded: value >> 8))
        self.append(UInt8(truncatingIfNeeded: value))
    }

    @inline(__always)
    mutating func appendUInt64(_ value: UInt64) {
        self.appendUInt32(UInt32(truncatingIfNeeded: value >> 32))
        self.appendUInt32(UInt32(truncatingIfNeeded: value))
    }

    /// A `u16` length and the UTF-8 bytes of `text`, cut to 65,535 bytes at a character boundary.
    mutating func appendString16(_ text: String) {
        var utf8 = Array(text.utf8)
        if utf8.count > Int(UInt16.max) {
            var cut = Int(UInt16.max)
            // Back off continuation bytes (10xxxxxx) so the cut lands on a scalar boundary.
            while cut > 0, utf8[cut] & 0xC0 == 0x80 { cut -= 1 }
            utf8.removeSubrange(cut...)
        }
        self.appendUInt16(UInt16(utf8.count))
        self.append(contentsOf: utf8)
    }

    /// The metadata block layout (see `ByteReader.readMetadata`).
    mutating func appendMetadata(_ metadata: Metadata) {
        self.appendUInt16(UInt16(truncatingIfNeeded: Swift.min(metadata.count, Int(UInt16.max))))
        for element in metadata.elements.prefix(Int(UInt16.max)) {
            let key = element.key.utf8
            self.append(UInt8(truncatingIfNeeded: Swift.min(key.count, 255)))
            self.append(contentsOf: key.prefix(255))
            self.appendString16(element.value)
        }
    }

    /// The 10-byte frame header.
    @inline(__always)
    mutating func appendFrameHeader(length: Int, kind: Frame.Kind, flags: Frame.Flags = [], callID: UInt32) {
        self.appendUInt32(UInt32(truncatingIfNeeded: length))
        self.append(kind.rawValue)
        self.append(flags.rawValue)
        self.appendUInt32(callID)
    }

    /// Writes a big-endian `u32` at `offset` (patching a length written before the payload).
    @inline(__always)
    mutating func setUInt32(_ value: UInt32, at offset: Int) {
        self[offset] = UInt8(truncatingIfNeeded: value >> 24)
        self[offset + 1] = UInt8(truncatingIfNeeded: value >> 16)
        self[offset + 2] = UInt8(truncatingIfNeeded: value >> 8)
        self[offset + 3] = UInt8(truncatingIfNeeded: value)
    }
}
