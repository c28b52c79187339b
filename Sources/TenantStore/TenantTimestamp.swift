public import Foundation

/// The instants a firm's file stores as text (`ingestions.committed_at`,
/// `dirty_partitions.dirtied_at`): RFC 3339 in UTC with milliseconds
/// (`2025-03-31T08:15:02.125Z`), so rollup lag can be measured below the second and the text
/// still sorts in time order. Files written before milliseconds were added hold whole seconds;
/// ``parse(_:)`` reads both.
public enum TenantTimestamp {
    /// The stored text of `instant`.
    public static func format(_ instant: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: instant)
    }

    /// The instant of a stored text (with or without fraction), `nil` when it is not one.
    public static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
