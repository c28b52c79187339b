public import Foundation
public import TenantStore
public import Wire

/// A row of `dirty_partitions`: a rollup partition waiting for a worker.
public struct DirtyPartition: Sendable, Hashable {
    /// The partition.
    public var partition: RollupPartition
    /// The last ingestion that dirtied it.
    public var dirtySequence: Int64
    /// The first ingestion not reflected in its published rows (the roll-over uses the next
    /// sequence to come, so that it never lowers the watermark).
    public var firstDirtySequence: Int64
    /// Bumped by every daily roll-over.
    public var generation: Int64
    /// When the oldest change not reflected was made.
    public var dirtiedAt: Date
    /// The first day whose rows changed (`nil`: the whole partition).
    public var from: CalendarDate?

    /// Creates a value.
    public init(
        partition: RollupPartition,
        dirtySequence: Int64,
        firstDirtySequence: Int64,
        generation: Int64,
        dirtiedAt: Date,
        from: CalendarDate? = nil
    ) {
        self.partition = partition
        self.dirtySequence = dirtySequence
        self.firstDirtySequence = firstDirtySequence
        self.generation = generation
        self.dirtiedAt = dirtiedAt
        self.from = from
    }

    /// The stored key.
    public var key: String { self.partition.key }

    /// The client group of a client-group partition.
    public var group: Int64? {
        if case .clientGroup(let group, _, _) = self.partition { return group }
        return nil
    }
}

extension RollupPartition {
    /// The first day of the month of a client-group partition.
    public var monthStart: CalendarDate? {
        if case .clientGroup(_, _, let month) = self { return month.firstDay }
        return nil
    }
}
