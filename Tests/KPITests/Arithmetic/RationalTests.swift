import Foundation
import KPI
import Testing

@Suite("Rational, rounding and KPIValue")
struct RationalTests {
    @Test("normalises sign and common factors")
    func normalises() throws {
        let value = try #require(Rational(-6, -8))
        #expect(value.numerator == 3 && value.denominator == 4)
        let negative = try #require(Rational(6, -8))
        #expect(negative.numerator == -3 && negative.denominator == 4)
        #expect(Rational(1, 0) == nil)
        #expect(Rational(0, 5) == Rational.zero)
    }

    @Test("checked arithmetic is exact")
    func arithmetic() throws {
        let a = try #require(Rational(1, 3))
        let b = try #require(Rational(1, 6))
        #expect(a.adding(b) == Rational(1, 2))
        #expect(a.subtracting(b) == Rational(1, 6))
        #expect(a.multiplied(by: b) == Rational(1, 18))
        #expect(a.divided(by: b) == Rational(2))
        #expect(a.divided(by: .zero) == nil)
        #expect(a.multiplied(by: 90) == Rational(30))
    }

    @Test("overflow gives nil, never a trap")
    func overflow() throws {
        let huge = try #require(Rational(Int128.max - 1, 1))
        #expect(huge.multiplied(by: 2) == nil)
        #expect(huge.adding(huge) == nil)
        let tiny = try #require(Rational(1, Int128.max - 2))
        #expect(huge.multiplied(by: tiny) != nil)
        let value = KPIValue.checked(huge.multiplied(by: 3), unit: .days, rounding: .r1)
        #expect(value.isNull && value.reason == .overflow)
        // Rounding a huge value to 2 decimals overflows too: null OVERFLOW, not a crash.
        let rounded = KPIValue(exact: huge, unit: .ratio, rounding: .r2)
        #expect(rounded.isNull && rounded.reason == .overflow)
    }

    @Test("comparison is exact for any magnitude")
    func comparison() throws {
        let a = try #require(Rational(Int128.max - 1, Int128.max))
        let b = try #require(Rational(Int128.max - 2, Int128.max - 1))
        #expect(b < a)
        #expect(try #require(Rational(-1, 3)) < Rational.zero)
    }

    @Test(
        "round half away from zero",
        arguments: [
            // (numerator, denominator, decimals, expected display)
            (651, 8, 1, "81.4"),  // 81.375
            (-489, 40, 1, "-12.2"),  // -12.225
            (1, 20, 1, "0.1"),  // 0.05 → 0.1
            (-1, 20, 1, "-0.1"),  // -0.05 → -0.1
            (-1, 40, 1, "0.0"),  // -0.025 → 0.0, no negative zero
            (25, 10, 0, "3"),  // 2.5 → 3
            (-25, 10, 0, "-3"),  // -2.5 → -3
            (480, 313, 2, "1.53"),  // 1.53354…
            (1, 200, 2, "0.01"),  // 0.005 → 0.01
            (7, 1, 1, "7.0"),
            (3607, 48, 1, "75.1"),
        ]
    )
    func rounding(numerator: Int, denominator: Int, decimals: Int, expected: String) throws {
        let value = try #require(Rational(Int128(numerator), Int128(denominator)))
        let rounding = try #require(Rounding(rawValue: decimals))
        #expect(KPIValue(exact: value, unit: .days, rounding: rounding).display == expected)
    }

    @Test(
        "k€ ceiling of the widget",
        arguments: [
            (Int64(500_000), Int128(5)), (500_001, 6), (100, 1), (0, 0), (-150_000, -1), (-100_000, -1), (-99_999, 0),
            (120_000, 2),
        ]
    )
    func kiloEuros(cents: Int64, expected: Int128) {
        #expect(ReceivablesFormulas.kiloEurosCeiling(WideInt(cents)) == expected)
    }

    @Test("decimal digits: the 64-bit fast path and the 128-bit path print the same")
    func decimalDigits() throws {
        let edges: [Int128] = [
            0, 1, -1, 9, 10, -10, 123_456_789, Int128(Int64.max), Int128(Int64.max) + 1, Int128(Int64.min), Int128(Int64.min) - 1,
            Int128(UInt64.max), Int128(UInt64.max) + 1, -Int128(UInt64.max) - 1, Int128.max, Int128.min,
        ]
        for value in edges {
            #expect(Rounding.decimal(value) == String(value), "\(value)")
            #expect(WideInt(value).description == String(value), "\(value)")
            #expect(Rounding.decimal(value.magnitude) == String(value.magnitude), "\(value)")
        }
        #expect(Rounding.format(scaled: -122, decimals: 1) == "-12.2")
        #expect(Rounding.format(scaled: 5, decimals: 2) == "0.05")
        #expect(Rounding.format(scaled: Int128(UInt64.max) * 10, decimals: 1) == "\(UInt64.max).0")
        let huge = try #require(Rational(Int128(Int64.max) * 3 + 1, Int128(Int64.max) + 2))
        #expect(huge.description == "\(huge.numerator)/\(huge.denominator)")
        #expect(try #require(Rational(-651, 8)).description == "-651/8")
        #expect(try #require(Rational(42, 1)).description == "42")
    }

    @Test("values round-trip through JSON with exact fractions and decimal strings")
    func coding() throws {
        let value = KPIValue(
            exact: try #require(Rational(651, 8)),
            unit: .days,
            rounding: .r1,
            flags: [.partialHistory]
        )
        let data = try JSONEncoder().encode(value)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"651\\/8\"") || text.contains("\"651/8\""))
        #expect(text.contains("\"81.4\""))
        #expect(try JSONDecoder().decode(KPIValue.self, from: data) == value)
        let null = KPIValue.null(.noSales, unit: .days, rounding: .r1)
        #expect(try JSONDecoder().decode(KPIValue.self, from: JSONEncoder().encode(null)) == null)
        let wide = WideInt(Int128(Int64.max) * 4)
        #expect(try JSONDecoder().decode(WideInt.self, from: JSONEncoder().encode(wide)) == wide)
        #expect(try JSONDecoder().decode(WideInt.self, from: Data("42".utf8)) == WideInt(42))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Rational.self, from: Data("\"1/0\"".utf8)) }
    }

    @Test("definition version is the contract's")
    func version() {
        #expect(KPIDefinitions.version == "kpi-definitions v1.1")
    }
}
