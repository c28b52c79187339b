public import PilotageProtocol
internal import Wire

/// ``ExistingRecords`` over a dictionary: the reference behaviour for tests and dry runs.
public struct InMemoryRecords: ExistingRecords, Sendable {
    private var records: [RecordKey: any RecordRules] = [:]

    public init() {}

    /// Stores or replaces `record`.
    public mutating func put(_ record: any RecordRules) {
        self.records[RecordKey(type(of: record).entityKind, record.id)] = record
    }

    /// Removes the record with `key`.
    public mutating func remove(_ key: RecordKey) {
        self.records[key] = nil
    }

    /// Applies a validated batch, as the store would.
    public mutating func apply(_ batch: ValidatedBatch) {
        for deletion in batch.deletions { self.records[deletion.key] = nil }
        for upsert in batch.upserts { self.records[upsert.key] = upsert.record }
    }

    /// Number of stored records.
    public var count: Int { self.records.count }

    public func contains(_ kind: EntityKind, id: String) -> Bool {
        self.records[RecordKey(kind, id)] != nil
    }

    public func record<R: IngestibleRecord>(_ type: R.Type, id: String) -> R? {
        self.records[RecordKey(R.entityKind, id)] as? R
    }

    public func allocations(toTarget kind: AllocationTargetKind, id: String) -> [AllocationRecord] {
        self.records.values.compactMap { $0 as? AllocationRecord }.filter { $0.target == id && $0.targetKind == kind }
    }

    public func allocations(fromSource id: String) -> [AllocationRecord] {
        self.records.values.compactMap { $0 as? AllocationRecord }.filter { $0.source == id }
    }

    public func referrers(of kind: EntityKind, id: String) -> [RecordKey] {
        let target = RecordKey(kind, id)
        return self.records.compactMap { key, record in
            record.references.contains { $0.target == target } ? key : nil
        }.sorted()
    }
}
