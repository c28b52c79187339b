/// SplitMix64 (Steele, Lea, Flood 2014): a tiny seeded generator, so random tests replay exactly.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// An integer biased towards edge values (0, ±1, powers of two, extremes) half of the time.
    mutating func edgyInt64() -> Int64 {
        switch self.next() % 8 {
        case 0: return [0, 1, -1, .max, .min, 63, -64, 64, -65, 127, 128, 8191, 8192][Int(self.next() % 13)]
        case 1: return Int64(bitPattern: 1 << (self.next() % 64)) &- Int64(self.next() % 3)
        case 2: return -Int64(self.next() % 1_000_000)
        case 3: return Int64(self.next() % 1_000)
        default: return Int64(bitPattern: self.next()) >> (self.next() % 64)
        }
    }

    mutating func string(maxLength: Int = 12) -> String {
        let alphabet: [Character] = ["a", "b", "Z", "0", " ", "é", "ß", "日", "🙂", "\"", "\\", "\n", "\u{0}", "\u{1F}", "\u{7F}"]
        let length = Int(self.next() % UInt64(maxLength + 1))
        return String((0..<length).map { _ in alphabet[Int(self.next() % UInt64(alphabet.count))] })
    }

    mutating func bool() -> Bool {
        self.next() & 1 == 1
    }
}
