public import Foundation

/// Conversions of instants (`Foundation.Date`) to and from the wire's microsecond count and the
/// JSON bridge's RFC 3339 text.
@usableFromInline
enum WireInstant {
    /// Seconds between 1970-01-01T00:00:00Z and 2001-01-01T00:00:00Z (Foundation's reference date).
    static let referenceOffsetSeconds: Int64 = 978_307_200

    /// Microseconds since 1970-01-01T00:00:00Z, rounded to the nearest microsecond.
    ///
    /// Whole seconds and the fraction are converted separately so that no precision is lost for
    /// dates far from 2001 beyond what `Date` itself holds.
    @usableFromInline
    static func microseconds(of date: Date) throws(WireError) -> Int64 {
        let interval = date.timeIntervalSinceReferenceDate
        // ±9.2e12 seconds keeps (seconds + offset) * 1e6 inside Int64.
        guard interval.isFinite, interval > -9.2e12, interval < 9.2e12 else {
            throw WireError(code: .invalidValue, message: "instant \(interval) s since 2001 cannot be carried on the wire")
        }
        let whole = interval.rounded(.down)
        let fraction = interval - whole  // exact: both are doubles of the same binade or smaller
        let seconds = Int64(whole) + Self.referenceOffsetSeconds
        let micros = Int64((fraction * 1_000_000).rounded())
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
        let (sum, overflow2) = product.addingReportingOverflow(micros)
        guard !overflow, !overflow2 else {
            throw WireError(code: .invalidValue, message: "instant \(interval) s since 2001 cannot be carried on the wire")
        }
        return sum
    }

    /// The instant `micros` microseconds after 1970-01-01T00:00:00Z:
    /// `Date(timeIntervalSince1970: Double(micros) / 1e6)`, so a date built the same way from a
    /// whole number of microseconds round-trips exactly (the division is exact below 2^53 µs,
    /// ±285 years around 1970).
    @usableFromInline
    static func date(microseconds micros: Int64) -> Date {
        Date(timeIntervalSince1970: Double(micros) / 1_000_000)
    }

    // MARK: - RFC 3339

    /// `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` in UTC; the fraction is printed only when non-zero, without
    /// trailing zeros. Years outside 0001–9999 are printed with a sign and more digits (not RFC
    /// 3339, but never ambiguous).
    static func rfc3339(microseconds micros: Int64) -> String {
        var days = micros / 86_400_000_000
        var rest = micros % 86_400_000_000
        if rest < 0 {
            rest += 86_400_000_000
            days -= 1
        }
        let (year, month, day) = CalendarDate.civilFromDays(Int(days))
        let secondsOfDay = Int(rest / 1_000_000)
        let fraction = Int(rest % 1_000_000)
        var text = ""
        if year < 1 || year > 9999 {
            text += year < 0 ? "-" + String(-year) : "+" + String(year)
        } else {
            text += Self.pad(year, 4)
        }
        text += "-" + Self.pad(month, 2) + "-" + Self.pad(day, 2)
        text += "T" + Self.pad(secondsOfDay / 3600, 2) + ":" + Self.pad(secondsOfDay / 60 % 60, 2) + ":"
        text += Self.pad(secondsOfDay % 60, 2)
        if fraction != 0 {
            var digits = Self.pad(fraction, 6)
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text + "Z"
    }

    /// Parses RFC 3339 `date-time` (`2025-01-15T10:30:00Z`, `…T10:30:00.5+01:00`, lower-case `t`/`z`
    /// accepted) into microseconds since the epoch. Fractions beyond microseconds are rounded
    /// half-up. Leap seconds (`:60`) are rejected. Returns `nil` for anything else.
    static func parseRFC3339(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20 else { return nil }
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for index in start..<(start + count) {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
            let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2),
            let date = CalendarDate(year: year, month: month, day: day),
            hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        var micros = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 100_000
            var digitCount = 0
            var roundUp = false
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                let digit = Int(bytes[index] - 0x30)
                if digitCount < 6 {
                    micros += digit * scale
                    scale /= 10
                } else if digitCount == 6 {
                    roundUp = digit >= 5
                }
                digitCount += 1
                index += 1
            }
            guard digitCount > 0 else { return nil }
            if roundUp { micros += 1 }
        }
        guard index < bytes.count else { return nil }
        var offsetSeconds = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = bytes[index] == UInt8(ascii: "+") ? 1 : -1
            guard index + 6 == bytes.count, bytes[index + 3] == UInt8(ascii: ":"),
                let offsetHours = digits(index + 1, 2), let offsetMinutes = digits(index + 4, 2),
                offsetHours < 24, offsetMinutes < 60
            else { return nil }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
            index += 6
        default:
            return nil
        }
        guard index == bytes.count else { return nil }
        let seconds = Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        return seconds * 1_000_000 + Int64(micros)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: Swift.max(0, width - text.count)) + text
    }
}
