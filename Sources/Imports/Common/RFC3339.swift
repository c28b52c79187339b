public import Foundation
internal import Wire

/// Parsing and formatting of RFC 3339 instants (`2025-03-01T09:30:00Z`, `2025-03-01T10:30:00.250+01:00`),
/// the JSON and CSV form of UTC instants in the data contract.
public enum RFC3339: Sendable {
    /// Parses an RFC 3339 date-time (`T` or space between date and time, optional fraction, `Z` or
    /// a numeric offset); `nil` for anything else.
    public static func date(from text: some StringProtocol) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20 else { return nil }
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for _ in 0..<count {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
                index += 1
            }
            return value
        }
        func expect(_ characters: [UInt8]) -> Bool {
            guard index < bytes.count, characters.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), expect([0x2D]), let month = digits(2), expect([0x2D]), let day = digits(2),
            expect([0x54, 0x74, 0x20]), let hour = digits(2), expect([0x3A]), let minute = digits(2),
            expect([0x3A]), let second = digits(2),
            let date = CalendarDate(year: year, month: month, day: day),
            hour < 24, minute < 60, second < 61
        else { return nil }
        var fraction = 0.0
        if index < bytes.count, bytes[index] == 0x2E {
            index += 1
            var scale = 0.1
            let fractionStart = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                fraction += Double(bytes[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
            guard index > fractionStart else { return nil }
        }
        var offsetSeconds = 0
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case 0x5A, 0x7A:
            index += 1
        case 0x2B, 0x2D:
            let sign = bytes[index] == 0x2D ? -1 : 1
            index += 1
            guard let offsetHour = digits(2), expect([0x3A]), let offsetMinute = digits(2), offsetHour < 24,
                offsetMinute < 60
            else { return nil }
            offsetSeconds = sign * (offsetHour * 3_600 + offsetMinute * 60)
        default:
            return nil
        }
        guard index == bytes.count else { return nil }
        let seconds = Int(date.daysSinceEpoch) * 86_400 + hour * 3_600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// Formats `date` in UTC as `YYYY-MM-DDTHH:MM:SSZ`, with milliseconds when it has a fraction.
    public static func string(from date: Date) -> String {
        let interval = date.timeIntervalSince1970
        let wholeSeconds = Int(interval.rounded(.down))
        let milliseconds = Int(((interval - Double(wholeSeconds)) * 1_000).rounded())
        let (days, secondOfDay) = wholeSeconds.quotientAndRemainderFloored(dividingBy: 86_400)
        let calendarDate = CalendarDate(daysSinceEpoch: Int32(clamping: days)) ?? CalendarDate.min
        var text = calendarDate.description + "T"
        text += Self.twoDigits(secondOfDay / 3_600) + ":" + Self.twoDigits(secondOfDay % 3_600 / 60) + ":"
        text += Self.twoDigits(secondOfDay % 60)
        if milliseconds > 0 {
            let padded = String(milliseconds)
            text += "." + String(repeating: "0", count: 3 - padded.count) + padded
        }
        return text + "Z"
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : String(value)
    }
}

extension Int {
    /// Floored division: the remainder has the sign of the divisor.
    fileprivate func quotientAndRemainderFloored(dividingBy divisor: Int) -> (Int, Int) {
        let (quotient, remainder) = self.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}
