/// FNV-1a, 64 bits: a fast, non-cryptographic hash that is the same in every process (unlike
/// `Hasher`, which is seeded per run), for deterministic ids and cursor digests.
///
/// ```swift
/// let digest = FNV1a.hash64("clients|2025-03-31")
/// ```
public enum FNV1a {
    /// The 64-bit FNV-1a hash of a string's UTF-8 bytes.
    public static func hash64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
