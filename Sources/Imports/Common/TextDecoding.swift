/// Turns the bytes of a line or field into text: strictly UTF-8 first, else the legacy 8-bit
/// encodings French accounting exports use.
///
/// The fallback is ISO-8859-15 (Latin-9, the FEC text's legal alternative), or Windows-1252 when
/// the bytes contain a code in 0x80–0x9F (C1 controls in Latin-9, printable in cp1252: `€` is 0x80
/// in cp1252 and 0xA4 in Latin-9). The choice is made per line, so a file mixing both still reads.
package enum TextDecoding {
    /// The encoding a line was decoded with.
    package enum Encoding: String, Sendable {
        case utf8 = "UTF-8"
        case latin9 = "ISO-8859-15"
        case windows1252 = "Windows-1252"
    }

    /// Whether every byte is ASCII.
    package static func isASCII(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBufferPointer { pointer in
            for byte in pointer where byte >= 0x80 { return false }
            return true
        }
    }

    /// Which encoding `bytes` must be read with.
    package static func detect(_ bytes: ArraySlice<UInt8>) -> Encoding {
        if Self.isASCII(bytes) || String(validating: bytes, as: UTF8.self) != nil { return .utf8 }
        return bytes.contains(where: { $0 >= 0x80 && $0 <= 0x9F }) ? .windows1252 : .latin9
    }

    /// Decodes `bytes` with `encoding` (UTF-8 must have been validated by ``detect(_:)``).
    package static func decode(_ bytes: ArraySlice<UInt8>, as encoding: Encoding) -> String {
        switch encoding {
        case .utf8:
            return String(decoding: bytes, as: UTF8.self)
        case .latin9:
            var scalars = String.UnicodeScalarView()
            for byte in bytes { scalars.append(Self.latin9Scalar(byte)) }
            return String(scalars)
        case .windows1252:
            var scalars = String.UnicodeScalarView()
            for byte in bytes { scalars.append(Self.windows1252Scalar(byte)) }
            return String(scalars)
        }
    }

    private static func latin9Scalar(_ byte: UInt8) -> Unicode.Scalar {
        let value: UInt32 =
            switch byte {
            case 0xA4: 0x20AC
            case 0xA6: 0x0160
            case 0xA8: 0x0161
            case 0xB4: 0x017D
            case 0xB8: 0x017E
            case 0xBC: 0x0152
            case 0xBD: 0x0153
            case 0xBE: 0x0178
            default: UInt32(byte)
            }
        // Every value above is a valid scalar (BMP, outside the surrogate range).
        return Unicode.Scalar(value)!
    }

    private static let windows1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    private static func windows1252Scalar(_ byte: UInt8) -> Unicode.Scalar {
        let value = (0x80...0x9F).contains(byte) ? Self.windows1252High[Int(byte - 0x80)] : UInt32(byte)
        // Every table entry is a valid scalar (BMP, outside the surrogate range).
        return Unicode.Scalar(value)!
    }
}
