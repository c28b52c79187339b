public import Foundation
public import Wire

/// How fresh an answer computed from rollups is (design.md "Rollups and freshness"); part of
/// every reply that reads rollups.
///
/// Ingestions are numbered per firm (`sequence`). The **watermark** is the last ingestion fully
/// reflected: every ingestion up to it is in every published partition. Partitions dirtied by
/// later ingestions (or by the daily roll-over) are **pending** until a worker publishes them.
public struct Freshness: Codable, Sendable, Hashable {
    /// Sequence of the last ingestion fully reflected in the rollups (0: none).
    public var watermarkSequence: Int64
    /// When that ingestion was committed (UTC).
    public var watermarkCommittedAt: Date?
    /// Sequence of the firm's last committed ingestion.
    public var lastSequence: Int64
    /// Partitions waiting for a worker (dirty), whole firm.
    public var pendingPartitions: Int
    /// When the oldest pending change was made (UTC): its ingestion's commit, or the daily
    /// roll-over; absent when nothing is pending.
    public var oldestPendingSince: Date?
    /// The firm's business date the rollups are materialised up to.
    public var today: CalendarDate

    /// Creates a value.
    public init(
        watermarkSequence: Int64,
        watermarkCommittedAt: Date?,
        lastSequence: Int64,
        pendingPartitions: Int,
        oldestPendingSince: Date?,
        today: CalendarDate
    ) {
        self.watermarkSequence = watermarkSequence
        self.watermarkCommittedAt = watermarkCommittedAt
        self.lastSequence = lastSequence
        self.pendingPartitions = pendingPartitions
        self.oldestPendingSince = oldestPendingSince
        self.today = today
    }

    enum CodingKeys: String, CodingKey {
        case watermarkSequence = "watermark_sequence"
        case watermarkCommittedAt = "watermark_committed_at"
        case lastSequence = "last_sequence"
        case pendingPartitions = "pending_partitions"
        case oldestPendingSince = "oldest_pending_since"
        case today
    }

    /// Whether every ingestion is reflected.
    public var isUpToDate: Bool { self.pendingPartitions == 0 }

    /// How long the oldest pending change has waited at `now` (zero when nothing is pending).
    public func lag(at now: Date) -> TimeInterval {
        guard let since = self.oldestPendingSince else { return 0 }
        return max(0, now.timeIntervalSince(since))
    }
}
