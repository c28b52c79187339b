public import Foundation
public import PilotageProtocol
internal import ServerSupport
public import Storage

/// Commit-to-publish latency of rollups, per firm and rollup family, over a sliding window (the
/// last 1,000 publications within 15 minutes): for every partition a commit publishes, the time
/// between the oldest change it now reflects (an ingestion's commit) and the publication.
public final class LagMetrics: Sendable {
    /// Publications kept per firm and family.
    public let capacity: Int
    /// Publications older than this are forgotten.
    public let window: TimeInterval

    private struct Sample {
        var at: Date
        var milliseconds: Double
    }

    private let samples = LockedValueBox<[FirmID: [RollupFamily: [Sample]]]>([:])

    /// Creates empty metrics.
    public init(capacity: Int = 1_000, window: TimeInterval = 15 * 60) {
        self.capacity = max(capacity, 1)
        self.window = window
    }

    /// Records one publication.
    public func record(firm: FirmID, family: RollupFamily, changedAt: Date, publishedAt: Date) {
        let milliseconds = max(0, publishedAt.timeIntervalSince(changedAt) * 1000)
        self.samples.withLock { samples in
            var list = samples[firm, default: [:]][family, default: []]
            list.append(Sample(at: publishedAt, milliseconds: milliseconds))
            if list.count > self.capacity { list.removeFirst(list.count - self.capacity) }
            samples[firm, default: [:]][family] = list
        }
    }

    /// The summaries of `firm` at `now`, one per family with publications in the window.
    public func summaries(firm: FirmID, now: Date = Date()) -> [LagSummary] {
        let cutoff = now.addingTimeInterval(-self.window)
        let byFamily = self.samples.withLock { samples in
            let families = samples[firm] ?? [:]
            return families.mapValues { $0.filter { $0.at >= cutoff }.map(\.milliseconds) }
        }
        return RollupFamily.allCases.compactMap { family in
            guard let values = byFamily[family], !values.isEmpty else { return nil }
            let sorted = values.sorted()
            return LagSummary(
                family: family,
                publications: sorted.count,
                p50Milliseconds: Self.percentile(sorted, 0.50),
                p99Milliseconds: Self.percentile(sorted, 0.99),
                maxMilliseconds: sorted.last ?? 0,
                windowSeconds: self.window
            )
        }
    }

    /// Nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
