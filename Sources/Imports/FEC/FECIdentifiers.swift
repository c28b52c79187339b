internal import ServerSupport

/// The external ids of records produced from a FEC (documented in ``FECImporter``), capped at
/// the contract's 128 bytes.
package enum FECIdentifiers {
    /// The contract's limit on external ids.
    package static let maximumBytes = 128

    /// Returns `candidate` when it fits in 128 bytes; else its first bytes (on a character
    /// boundary) followed by `~` and the 16-hex-digit FNV-1a hash of the whole candidate, so that
    /// long ids stay unique and deterministic.
    package static func make(_ candidate: String) -> String {
        guard candidate.utf8.count > Self.maximumBytes else { return candidate }
        let hex = String(FNV1a.hash64(candidate), radix: 16)
        let suffix = "~" + String(repeating: "0", count: 16 - hex.count) + hex
        var prefix = ""
        for character in candidate {
            if prefix.utf8.count + character.utf8.count + suffix.utf8.count > Self.maximumBytes { break }
            prefix.append(character)
        }
        return prefix + suffix
    }
}
