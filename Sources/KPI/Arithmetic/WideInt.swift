/// A 128-bit signed integer for additive sums: cents, and cents × days.
///
/// Parts store their sums as `WideInt` so that merging never overflows in practice: every term is
/// at most an `Int64` amount times a day count (< 2^95), so more than 2^31 facts would be needed
/// to reach the 2^127 limit. Arithmetic traps only beyond that bound, which no input of the data
/// contract can reach.
///
/// Coding: a JSON/Codable number (`Int64`) when the value fits, a decimal string otherwise, so
/// stored blobs and "explain" replies stay readable; decoding accepts both.
public struct WideInt: Hashable, Comparable, Sendable, AdditiveArithmetic, ExpressibleByIntegerLiteral,
    CustomStringConvertible
{
    /// The value.
    public var value: Int128

    /// Wraps a 128-bit value.
    public init(_ value: Int128) {
        self.value = value
    }

    /// Widens an `Int64`.
    public init(_ value: Int64) {
        self.value = Int128(value)
    }

    /// Widens an `Int`.
    public init(_ value: Int) {
        self.value = Int128(value)
    }

    /// Creates a value from an integer literal.
    public init(integerLiteral value: Int64) {
        self.value = Int128(value)
    }

    /// Zero.
    public static var zero: WideInt { WideInt(Int128(0)) }

    /// The value as `Int64`, or `nil` when it does not fit.
    public var int64: Int64? {
        Int64(exactly: self.value)
    }

    /// Decimal digits with a leading `-` when negative.
    public var description: String {
        Rounding.decimal(self.value)
    }

    /// Sign: −1, 0 or 1.
    public var signum: Int {
        self.value > 0 ? 1 : (self.value < 0 ? -1 : 0)
    }

    public static func + (lhs: WideInt, rhs: WideInt) -> WideInt {
        WideInt(lhs.value + rhs.value)
    }

    public static func - (lhs: WideInt, rhs: WideInt) -> WideInt {
        WideInt(lhs.value - rhs.value)
    }

    /// `amount × days`, exact.
    public static func product(_ amount: Int64, _ days: Int) -> WideInt {
        WideInt(Int128(amount) * Int128(days))
    }

    /// The negated value.
    public static prefix func - (operand: WideInt) -> WideInt {
        WideInt(-operand.value)
    }

    public static func < (lhs: WideInt, rhs: WideInt) -> Bool {
        lhs.value < rhs.value
    }
}

extension WideInt: Codable {
    /// Decodes an integer number or a decimal string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            self.value = Int128(number)
            return
        }
        let text = try container.decode(String.self)
        guard let parsed = Int128(text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "expected an integer, got \"\(text.prefix(48))\""
            )
        }
        self.value = parsed
    }

    /// Encodes an `Int64` number when the value fits, else a decimal string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let small = self.int64 {
            try container.encode(small)
        } else {
            try container.encode(self.description)
        }
    }
}
