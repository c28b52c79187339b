/// The 10 bytes each side sends first (`WIRE.md` §1.1): the ASCII magic `PILOTAGE` and a
/// big-endian `u16` protocol version.
package struct ConnectionPreface: Hashable, Sendable {
    /// The ASCII bytes `PILOTAGE`.
    package static let magic: [UInt8] = Array("PILOTAGE".utf8)
    /// Preface length in bytes.
    package static let size = 10
    /// The protocol version this implementation speaks.
    package static let currentVersion: UInt16 = 1

    /// The announced protocol version.
    package var version: UInt16

    /// Creates a preface for `version`.
    package init(version: UInt16 = ConnectionPreface.currentVersion) {
        self.version = version
    }

    /// The preface bytes.
    package var bytes: [UInt8] {
        var bytes = Self.magic
        bytes.appendUInt16(self.version)
        return bytes
    }

    /// Parses a preface from exactly ``size`` bytes.
    ///
    /// - Throws: `badPreface` when the magic does not match (the peer does not speak this protocol).
    package init(bytes: some Collection<UInt8>) throws(FrameError) {
        let bytes = Array(bytes)
        guard bytes.count == Self.size, bytes.prefix(8).elementsEqual(Self.magic) else {
            throw Self.badPrefaceError(bytes)
        }
        self.version = UInt16(bytes[8]) << 8 | UInt16(bytes[9])
    }

    /// Checks that this implementation speaks the announced version.
    ///
    /// - Throws: `unsupportedVersion` naming both versions.
    package func checkVersion() throws(FrameError) {
        guard self.version == Self.currentVersion else {
            throw FrameError(
                code: .unsupportedVersion,
                message:
                    "protocol version \(self.version) is not supported; this peer speaks version \(Self.currentVersion)"
            )
        }
    }

    /// The `badPreface` error for bytes that do not start with the magic.
    static func badPrefaceError(_ bytes: some Collection<UInt8>) -> FrameError {
        let shown = bytes.prefix(8).map { byte in
            (byte >= 0x20 && byte < 0x7F) ? String(UnicodeScalar(byte)) : "."
        }.joined()
        return FrameError(code: .badPreface, message: "connection preface must start with 'PILOTAGE', got '\(shown)'")
    }
}
