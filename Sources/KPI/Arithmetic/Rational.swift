/// An exact rational number `numerator / denominator`, normalised (denominator > 0, no common factor).
///
/// KPI formulas compute with `Rational` and round once at the end (see ``Rounding``). Arithmetic
/// is 128-bit and checked: every operation that could overflow returns `nil` instead of trapping,
/// so absurd inputs (sums near 2^63 cents) give a `null` KPI with reason `OVERFLOW`, never a crash.
/// Comparisons are exact (full-width cross products), whatever the magnitudes.
public struct Rational: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Numerator, carries the sign.
    public let numerator: Int128
    /// Denominator, always > 0.
    public let denominator: Int128

    /// Creates `numerator / denominator`, normalised; `nil` when the denominator is 0 (or the
    /// values are `Int128.min`, whose negation does not exist).
    public init?(_ numerator: Int128, _ denominator: Int128) {
        guard denominator != 0, numerator != .min, denominator != .min else { return nil }
        var n = numerator
        var d = denominator
        if d < 0 {
            n = -n
            d = -d
        }
        let g = Rational.gcd(n.magnitude, d.magnitude)
        if g > 1 {
            n /= Int128(g)
            d /= Int128(g)
        }
        self.numerator = n
        self.denominator = d
    }

    /// `numerator / denominator` from wide sums; `nil` when the denominator is 0.
    public init?(_ numerator: WideInt, over denominator: WideInt) {
        self.init(numerator.value, denominator.value)
    }

    /// An integer.
    public init(_ integer: Int) {
        self.numerator = Int128(integer)
        self.denominator = 1
    }

    /// A wide integer.
    public init(_ integer: WideInt) {
        // Int128.min cannot come from sums of the data contract; clamp it so the value stays valid.
        self.numerator = integer.value == .min ? .min + 1 : integer.value
        self.denominator = 1
    }

    /// Zero.
    public static let zero = Rational(0)

    /// Sign: −1, 0 or 1.
    public var signum: Int {
        self.numerator > 0 ? 1 : (self.numerator < 0 ? -1 : 0)
    }

    /// `n/d`, or `n` when the denominator is 1.
    public var description: String {
        self.denominator == 1
            ? Rounding.decimal(self.numerator) : Rounding.decimal(self.numerator) + "/" + Rounding.decimal(self.denominator)
    }

    // MARK: - Checked arithmetic

    /// `self + other`, or `nil` on overflow.
    public func adding(_ other: Rational) -> Rational? {
        let g = Int128(Rational.gcd(self.denominator.magnitude, other.denominator.magnitude))
        let left = self.denominator / g
        let right = other.denominator / g
        guard let a = Rational.multiply(self.numerator, right),
            let b = Rational.multiply(other.numerator, left),
            let d = Rational.multiply(self.denominator, right)
        else { return nil }
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { return nil }
        return Rational(sum, d)
    }

    /// `self − other`, or `nil` on overflow.
    public func subtracting(_ other: Rational) -> Rational? {
        self.adding(Rational(unchecked: -other.numerator, other.denominator))
    }

    /// `self × other`, or `nil` on overflow.
    public func multiplied(by other: Rational) -> Rational? {
        // Cross-cancel first so that results that fit are found.
        let g1 = Int128(Rational.gcd(self.numerator.magnitude, other.denominator.magnitude))
        let g2 = Int128(Rational.gcd(other.numerator.magnitude, self.denominator.magnitude))
        let n1 = g1 > 1 ? self.numerator / g1 : self.numerator
        let d2 = g1 > 1 ? other.denominator / g1 : other.denominator
        let n2 = g2 > 1 ? other.numerator / g2 : other.numerator
        let d1 = g2 > 1 ? self.denominator / g2 : self.denominator
        guard let n = Rational.multiply(n1, n2), let d = Rational.multiply(d1, d2) else { return nil }
        return Rational(n, d)
    }

    /// `self × integer`, or `nil` on overflow.
    public func multiplied(by integer: Int) -> Rational? {
        self.multiplied(by: Rational(integer))
    }

    /// `self / other`, or `nil` when `other` is 0 or on overflow.
    public func divided(by other: Rational) -> Rational? {
        guard other.numerator != 0 else { return nil }
        return self.multiplied(by: Rational(unchecked: other.denominator, other.numerator))
    }

    /// `self / integer`, or `nil` when `integer` is 0 or on overflow.
    public func divided(by integer: Int) -> Rational? {
        guard integer != 0 else { return nil }
        return self.divided(by: Rational(integer))
    }

    // MARK: - Comparison

    public static func < (lhs: Rational, rhs: Rational) -> Bool {
        // a/b < c/d ⇔ a·d < c·b (b, d > 0), compared on full-width products.
        let left = lhs.numerator.multipliedFullWidth(by: rhs.denominator)
        let right = rhs.numerator.multipliedFullWidth(by: lhs.denominator)
        if left.high != right.high { return left.high < right.high }
        return left.low < right.low
    }

    // MARK: - Helpers

    /// Builds a value whose denominator may be negative (normalised again).
    private init(unchecked numerator: Int128, _ denominator: Int128) {
        // Callers pass a non-zero denominator and values that are not Int128.min (they come from
        // an already valid Rational), so the failable initialiser cannot fail here.
        var n = numerator
        var d = denominator
        if d < 0 {
            n = -n
            d = -d
        }
        self.numerator = n
        self.denominator = d
    }

    static func multiply(_ a: Int128, _ b: Int128) -> Int128? {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow || product == .min ? nil : product
    }

    static func gcd(_ a: UInt128, _ b: UInt128) -> UInt128 {
        var x = a
        var y = b
        while y != 0 {
            (x, y) = (y, x % y)
        }
        return x
    }
}

extension Rational: Codable {
    /// Decodes `"n/d"` or `"n"`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        let pieces = text.split(separator: "/", omittingEmptySubsequences: false)
        let numerator = pieces.first.flatMap { Int128(String($0)) }
        let denominator = pieces.count == 2 ? Int128(String(pieces[1])) : (pieces.count == 1 ? 1 : nil)
        guard let numerator, let denominator, let value = Rational(numerator, denominator) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "expected a fraction n/d, got \"\(text.prefix(80))\""
            )
        }
        self = value
    }

    /// Encodes `"n/d"` (or `"n"` for an integer): exact, readable, independent of the coder.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.description)
    }
}
