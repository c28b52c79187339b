/// SHA-256 (FIPS 180-4 §6.2), written out so the project needs no crypto package.
///
/// Used to store credential secrets as hashes: the secrets are 256 random bits, so a fast hash
/// is the right tool (there is nothing to brute-force that a slow KDF would protect).
///
/// ```swift
/// let digest = SHA256.hash(Array("abc".utf8))   // 32 bytes
/// var hasher = SHA256()
/// hasher.update(part1); hasher.update(part2)
/// let same = hasher.finalize()
/// ```
public struct SHA256: Sendable {
    /// Size of a digest in bytes.
    public static let digestByteCount = 32

    /// Size of a message block in bytes.
    private static let blockByteCount = 64

    /// Round constants: first 32 bits of the fractional parts of the cube roots of the first 64 primes (§4.2.2).
    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    /// Initial hash value H(0) (§5.3.3).
    private static let initialState: [UInt32] = [
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
    ]

    private var state: [UInt32]
    /// Bytes not yet forming a whole block (always fewer than 64).
    private var pending: [UInt8]
    /// Message length so far, in bytes.
    private var byteCount: UInt64

    /// A hasher with nothing absorbed yet.
    public init() {
        self.state = Self.initialState
        self.pending = []
        self.pending.reserveCapacity(Self.blockByteCount)
        self.byteCount = 0
    }

    /// Absorbs more message bytes.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        self.byteCount &+= UInt64(bytes.count)
        var index = bytes.startIndex
        // Top up a partial block first.
        if !self.pending.isEmpty {
            while self.pending.count < Self.blockByteCount, index != bytes.endIndex {
                self.pending.append(bytes[index])
                index = bytes.index(after: index)
            }
            guard self.pending.count == Self.blockByteCount else { return }
            self.compress(self.pending, from: self.pending.startIndex)
            self.pending.removeAll(keepingCapacity: true)
        }
        // Whole blocks straight from the input, then keep the tail.
        let whole = Array(bytes[index...])
        var offset = 0
        while whole.count - offset >= Self.blockByteCount {
            self.compress(whole, from: offset)
            offset += Self.blockByteCount
        }
        self.pending.append(contentsOf: whole[offset...])
    }

    /// Pads the message (§5.1.1) and returns the 32-byte digest.
    public consuming func finalize() -> [UInt8] {
        let bitLength = self.byteCount &* 8
        var tail = self.pending
        tail.append(0x80)
        while tail.count % Self.blockByteCount != 56 {
            tail.append(0)
        }
        for shift in stride(from: 56, through: 0, by: -8) {
            tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        var offset = 0
        while offset < tail.count {
            self.compress(tail, from: offset)
            offset += Self.blockByteCount
        }
        var digest: [UInt8] = []
        digest.reserveCapacity(Self.digestByteCount)
        for word in self.state {
            digest.append(UInt8(truncatingIfNeeded: word >> 24))
            digest.append(UInt8(truncatingIfNeeded: word >> 16))
            digest.append(UInt8(truncatingIfNeeded: word >> 8))
            digest.append(UInt8(truncatingIfNeeded: word))
        }
        return digest
    }

    /// The digest of `bytes` in one call.
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Processes the 64-byte block of `block` starting at `offset` (§6.2.2).
    private mutating func compress(_ block: [UInt8], from offset: Int) {
        var schedule = InlineArray<64, UInt32>(repeating: 0)
        for t in 0..<16 {
            let base = offset + 4 * t
            schedule[t] =
                UInt32(block[base]) << 24 | UInt32(block[base + 1]) << 16 | UInt32(block[base + 2]) << 8
                | UInt32(block[base + 3])
        }
        for t in 16..<64 {
            let w15 = schedule[t - 15]
            let w2 = schedule[t - 2]
            let sigma0 = Self.rotr(w15, 7) ^ Self.rotr(w15, 18) ^ (w15 >> 3)
            let sigma1 = Self.rotr(w2, 17) ^ Self.rotr(w2, 19) ^ (w2 >> 10)
            schedule[t] = sigma1 &+ schedule[t - 7] &+ sigma0 &+ schedule[t - 16]
        }
        var a = self.state[0]
        var b = self.state[1]
        var c = self.state[2]
        var d = self.state[3]
        var e = self.state[4]
        var f = self.state[5]
        var g = self.state[6]
        var h = self.state[7]
        for t in 0..<64 {
            let bigSigma1 = Self.rotr(e, 6) ^ Self.rotr(e, 11) ^ Self.rotr(e, 25)
            let choose = (e & f) ^ (~e & g)
            let t1 = h &+ bigSigma1 &+ choose &+ Self.roundConstants[t] &+ schedule[t]
            let bigSigma0 = Self.rotr(a, 2) ^ Self.rotr(a, 13) ^ Self.rotr(a, 22)
            let majority = (a & b) ^ (a & c) ^ (b & c)
            let t2 = bigSigma0 &+ majority
            h = g
            g = f
            f = e
            e = d &+ t1
            d = c
            c = b
            b = a
            a = t1 &+ t2
        }
        self.state[0] &+= a
        self.state[1] &+= b
        self.state[2] &+= c
        self.state[3] &+= d
        self.state[4] &+= e
        self.state[5] &+= f
        self.state[6] &+= g
        self.state[7] &+= h
    }

    @inline(__always)
    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 {
        (x >> n) | (x << (32 - n))
    }
}

/// Compares two byte strings in time that depends only on their lengths, never on where they
/// first differ, so comparing a presented secret hash with a stored one leaks nothing through
/// timing. Lengths are not secret (digests have a fixed size): different lengths return `false`.
public func constantTimeEquals(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for (left, right) in zip(lhs, rhs) {
        difference |= left ^ right
    }
    return difference == 0
}
