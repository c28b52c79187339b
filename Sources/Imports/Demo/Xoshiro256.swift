/// SplitMix64 (Steele, Lea, Flood 2014): expands a seed into well-mixed 64-bit words; used to
/// seed ``Xoshiro256`` and to derive independent sub-streams.
public struct SplitMix64: Sendable {
    private var state: UInt64

    /// Starts from `seed`.
    public init(seed: UInt64) {
        self.state = seed
    }

    /// The next word.
    public mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** (Blackman, Vigna 2018): the demo generator's PRNG. Same seed, same sequence, on
/// every platform and Swift version (the helpers below never use the standard library's
/// unspecified sampling algorithms).
public struct Xoshiro256: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// Seeds the four state words from SplitMix64 (never all zero).
    public init(seed: UInt64) {
        var mixer = SplitMix64(seed: seed)
        self.s0 = mixer.next()
        self.s1 = mixer.next()
        self.s2 = mixer.next()
        self.s3 = mixer.next()
    }

    /// An independent stream for `(seed, stream, index)`: the same triple always gives the
    /// same stream, whatever was drawn before (so a client's data can be regenerated alone).
    public init(seed: UInt64, stream: UInt64, index: UInt64) {
        var mixer = SplitMix64(seed: seed ^ (stream &* 0xD6E8_FEB8_6659_FD93))
        let first = mixer.next()
        var second = SplitMix64(seed: first ^ (index &* 0x9E37_79B9_7F4A_7C15))
        self.init(seed: second.next())
    }

    /// The next word.
    public mutating func next() -> UInt64 {
        let result = ((self.s1 &* 5) << 7 | (self.s1 &* 5) >> 57) &* 9
        let t = self.s1 << 17
        self.s2 ^= self.s0
        self.s3 ^= self.s1
        self.s1 ^= self.s2
        self.s0 ^= self.s3
        self.s2 ^= t
        self.s3 = self.s3 << 45 | self.s3 >> 19
        return result
    }

    /// A uniform integer in `0..<bound` (multiply-high; `bound` > 0).
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        return Int(self.next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A uniform integer in `range`.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + self.below(range.upperBound - range.lowerBound + 1)
    }

    /// A uniform double in `[0, 1)` (53 bits).
    public mutating func unit() -> Double {
        Double(self.next() >> 11) * 0x1.0p-53
    }

    /// `true` with probability `probability`.
    public mutating func chance(_ probability: Double) -> Bool {
        self.unit() < probability
    }

    /// A uniformly chosen element (`elements` not empty).
    public mutating func pick<T>(_ elements: [T]) -> T {
        elements[self.below(elements.count)]
    }

    /// An index drawn with the given relative weights.
    public mutating func weighted(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var draw = self.unit() * total
        for (index, weight) in weights.enumerated() {
            draw -= weight
            if draw < 0 { return index }
        }
        return weights.count - 1
    }

    /// An approximately standard normal deviate: the sum of 4 uniforms, centred and scaled
    /// (Irwin–Hall, mean 0, variance 1). Pure integer/float arithmetic, so it is identical on
    /// every platform, which libm-based Box–Muller would not guarantee.
    public mutating func bell() -> Double {
        (self.unit() + self.unit() + self.unit() + self.unit() - 2) * 1.732_050_807_568_877
    }
}
