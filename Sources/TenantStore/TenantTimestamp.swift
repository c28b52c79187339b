public import Foundation
internal import Wire

/// The instants a firm's file stores as text (`ingestions.committed_at`,
/// `dirty_partitions.dirtied_at`): RFC 3339 in UTC with milliseconds
/// (`2025-03-31T08:15:02.125Z`), so rollup lag can be measured below the second and the text
/// still sorts in time order. Files written before milliseconds were added hold whole seconds;
/// ``parse(_:)`` reads both.
///
/// Both directions are hand-written for that one fixed shape (every lease request reads a few
/// hundred of these; a `DateFormatter` per value costs more than the query), with
/// `ISO8601DateFormatter` as the fallback for any other RFC 3339 text.
public enum TenantTimestamp {
    /// The stored text of `instant`.
    public static func format(_ instant: Date) -> String {
        let totalMilliseconds = Int64((instant.timeIntervalSince1970 * 1000).rounded())
        let (days, dayMilliseconds) = Self.floorDivide(totalMilliseconds, 86_400_000)
        guard let narrow = Int32(exactly: days), let date = CalendarDate(daysSinceEpoch: narrow) else {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return formatter.string(from: instant)
        }
        let (year, month, day) = date.components
        let hours = dayMilliseconds / 3_600_000
        let minutes = dayMilliseconds / 60_000 % 60
        let seconds = dayMilliseconds / 1000 % 60
        let milliseconds = dayMilliseconds % 1000
        func pad(_ value: some BinaryInteger, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hours, 2)):\(pad(minutes, 2)):\(pad(seconds, 2)).\(pad(milliseconds, 3))Z"
    }

    /// The instant of a stored text (with or without fraction), `nil` when it is not one.
    public static func parse(_ text: String) -> Date? {
        if Self.hasFixedShape(text) { return Self.parseFixed(text) }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// Whether `text` looks like the stored shape (then only ``parseFixed(_:)`` decides).
    static func hasFixedShape(_ text: String) -> Bool {
        let bytes = text.utf8
        return (bytes.count == 20 || bytes.count == 24) && bytes.last == UInt8(ascii: "Z")
            && bytes.dropFirst(10).first == UInt8(ascii: "T")
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fff]Z` exactly; `nil` for anything else (an impossible date included).
    static func parseFixed(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 20 || bytes.count == 24, bytes.last == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hours = number(11..<13), let minutes = number(14..<16), let seconds = number(17..<19),
            hours < 24, minutes < 60, seconds < 60,
            let date = CalendarDate(year: year, month: month, day: day)
        else { return nil }
        var milliseconds = 0
        if bytes.count == 24 {
            guard bytes[19] == UInt8(ascii: "."), let fraction = number(20..<23) else { return nil }
            milliseconds = fraction
        }
        let total = Int64(date.daysSinceEpoch) * 86_400_000 + Int64(hours * 3_600_000 + minutes * 60_000 + seconds * 1000 + milliseconds)
        return Date(timeIntervalSince1970: Double(total) / 1000)
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let quotient = value / divisor
        let remainder = value % divisor
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}
