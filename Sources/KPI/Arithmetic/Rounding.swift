/// The rounding rules of kpi-definitions §1.4: round **once**, at the end, **half away from zero**.
///
/// `R0` = integer, `R1` = one decimal, `R2` = two decimals. A rounded value is kept as a scaled
/// integer (`814` with 1 decimal is 81.4) so nothing ever passes through binary floating point.
public enum Rounding: Int, Hashable, Sendable, Codable, CaseIterable {
    /// Integer (also cents for amounts).
    case r0 = 0
    /// One decimal: days and percentages.
    case r1 = 1
    /// Two decimals: ratios without unit (turnover).
    case r2 = 2

    /// Number of decimals kept.
    public var decimals: Int { self.rawValue }

    /// `value × 10^decimals` rounded half away from zero, or `nil` when it does not fit 128 bits.
    public func scaled(_ value: Rational) -> Int128? {
        Rounding.scaled(value, decimals: self.decimals)
    }

    /// `value × 10^decimals` rounded half away from zero, or `nil` when it does not fit 128 bits.
    public static func scaled(_ value: Rational, decimals: Int) -> Int128? {
        var power: Int128 = 1
        for _ in 0..<decimals {
            power *= 10
        }
        guard let scaledNumerator = Rational.multiply(abs(value.numerator), power)
        else { return nil }
        let denominator = value.denominator
        let quotient = scaledNumerator / denominator
        let remainder = scaledNumerator % denominator
        // Half away from zero on the magnitude: round up when remainder ≥ denominator − remainder.
        let magnitude = remainder >= denominator - remainder ? quotient + 1 : quotient
        return value.numerator < 0 ? -magnitude : magnitude
    }

    /// Integer rounding half away from zero (`R0`), or `nil` when it does not fit `Int`.
    public static func integer(_ value: Rational) -> Int? {
        Rounding.scaled(value, decimals: 0).flatMap { Int(exactly: $0) }
    }

    /// `ceil(numerator / denominator)` toward +∞ for integers (denominator > 0).
    ///
    /// Used by the 12-month widget: `ceil(cents / 100 000)` gives k€ "rounded up to the next
    /// thousand" (5 000.01 € → 6, −1 500.00 € → −1).
    public static func ceilingDivision(_ numerator: Int128, by denominator: Int128) -> Int128 {
        precondition(denominator > 0, "ceilingDivision needs a positive denominator")
        let quotient = numerator / denominator  // truncates toward zero
        let remainder = numerator % denominator
        return remainder > 0 ? quotient + 1 : quotient
    }

    /// Decimal digits of `value`. A value that fits 64 bits (nearly every amount and count) is
    /// printed through `UInt64`: the generic 128-bit path divides by ten in 128 bits per digit,
    /// and a level-1 answer prints thousands of values.
    @inlinable
    public static func decimal(_ value: UInt128) -> String {
        if let small = UInt64(exactly: value) { return String(small) }
        return String(value)
    }

    /// Decimal digits of `value`, with a leading `-` when negative (the 64-bit path when it fits).
    @inlinable
    public static func decimal(_ value: Int128) -> String {
        if let small = Int64(exactly: value) { return String(small) }
        return String(value)
    }

    /// Formats a scaled integer with `decimals` digits after the point: (`-122`, 1) → `"-12.2"`.
    /// A value that rounds to zero is written without sign (`"0.0"`).
    public static func format(scaled: Int128, decimals: Int) -> String {
        let negative = scaled < 0
        var digits = Self.decimal(scaled.magnitude)
        if decimals > 0 {
            if digits.count <= decimals {
                digits = String(repeating: "0", count: decimals - digits.count + 1) + digits
            }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
        }
        return negative ? "-" + digits : digits
    }
}
