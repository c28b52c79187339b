internal import ServerSupport

/// The printable form of an API key: `plt_<key id>_<secret>`.
///
/// - key id: 16 lowercase hex digits (64 random bits), public, used to look the key up;
/// - secret: 32 random bytes (256 bits, from the system CSPRNG, `getrandom(2)` on Linux) in
///   base64url without padding (43 characters).
///
/// The whole token is 64 ASCII characters, e.g.
/// `plt_3f9c0a7d12e4b856_q4Xl…`. It is shown once, at creation; the catalog keeps only the
/// SHA-256 of the secret bytes. A fast hash is right here: the secret has 256 bits of entropy,
/// so there is nothing for a slow password KDF to protect.
struct CredentialToken: Hashable, Sendable {
    static let prefix = "plt_"
    static let keyIDLength = 16
    static let secretByteCount = 32
    static let secretTextLength = 43
    static let length = 4 + 16 + 1 + 43

    var keyID: String
    var secret: [UInt8]

    /// A fresh random key id and secret.
    static func random() -> CredentialToken {
        var generator = SystemRandomNumberGenerator()
        let idBytes = Self.randomBytes(8, using: &generator)
        let secret = Self.randomBytes(Self.secretByteCount, using: &generator)
        return CredentialToken(keyID: Self.hex(idBytes), secret: secret)
    }

    init(keyID: String, secret: [UInt8]) {
        self.keyID = keyID
        self.secret = secret
    }

    /// Parses a presented token; `nil` for anything not exactly of the documented shape.
    init?(parsing text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == Self.length, text.hasPrefix(Self.prefix) else { return nil }
        let idBytes = bytes[4..<(4 + Self.keyIDLength)]
        guard idBytes.allSatisfy({ Self.hexDigits.contains($0) }), bytes[4 + Self.keyIDLength] == UInt8(ascii: "_")
        else {
            return nil
        }
        guard let secret = Base64URL.decode(bytes[(4 + Self.keyIDLength + 1)...]), secret.count == Self.secretByteCount
        else { return nil }
        self.keyID = String(decoding: idBytes, as: UTF8.self)
        self.secret = secret
    }

    /// `plt_<key id>_<base64url secret>`.
    var text: String {
        Self.prefix + self.keyID + "_" + Base64URL.encode(self.secret)
    }

    /// What the catalog stores.
    var secretHash: [UInt8] { SHA256.hash(self.secret) }

    private static let hexDigits = Set("0123456789abcdef".utf8)

    private static func randomBytes(_ count: Int, using generator: inout SystemRandomNumberGenerator) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            var word = generator.next()
            for _ in 0..<8 where bytes.count < count {
                bytes.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return bytes
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// Base64 with the URL-safe alphabet (`-` and `_`) and no padding (RFC 4648 §5).
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let values: [UInt8: UInt32] = {
        var values: [UInt8: UInt32] = [:]
        for (index, character) in alphabet.enumerated() { values[character] = UInt32(index) }
        return values
    }()

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            var chunk = UInt32(bytes[index]) << 16
            if remaining > 1 { chunk |= UInt32(bytes[index + 1]) << 8 }
            if remaining > 2 { chunk |= UInt32(bytes[index + 2]) }
            let characters = remaining >= 3 ? 4 : remaining + 1
            for position in 0..<characters {
                output.append(Self.alphabet[Int((chunk >> UInt32(18 - 6 * position)) & 0x3f)])
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes unpadded base64url; `nil` on any character outside the alphabet, an impossible
    /// length, or non-zero trailing bits (so each byte string has exactly one encoding).
    static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        guard text.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(text.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for character in text {
            guard let value = Self.values[character] else { return nil }
            buffer = buffer << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                buffer &= (1 << UInt32(bits)) - 1
            }
        }
        guard buffer == 0 else { return nil }
        return output
    }
}
