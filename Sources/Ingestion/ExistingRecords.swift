public import PilotageProtocol

/// What a batch needs to know about the firm's records already stored.
///
/// The tenant store implements it with SQL inside the batch's write transaction; tests use
/// ``InMemoryRecords``. Calls are synchronous: they run on the database's own queue.
public protocol ExistingRecords {
    /// Whether a record of `kind` with `id` exists.
    func contains(_ kind: EntityKind, id: String) throws -> Bool

    /// The stored record of type `R` with `id`, if any.
    func record<R: IngestibleRecord>(_ type: R.Type, id: String) throws -> R?

    /// Stored allocations whose target is (`kind`, `id`).
    func allocations(toTarget kind: AllocationTargetKind, id: String) throws -> [AllocationRecord]

    /// Stored allocations whose source is the credit document `id`.
    func allocations(fromSource id: String) throws -> [AllocationRecord]

    /// Stored records that reference (`kind`, `id`).
    func referrers(of kind: EntityKind, id: String) throws -> [RecordKey]
}

/// The identity of a record in a firm: its entity kind and external id.
public struct RecordKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Entity kind.
    public var kind: EntityKind
    /// External id.
    public var id: String

    public init(_ kind: EntityKind, _ id: String) {
        self.kind = kind
        self.id = id
    }

    public static func < (lhs: RecordKey, rhs: RecordKey) -> Bool {
        (lhs.kind.rawValue, lhs.id) < (rhs.kind.rawValue, rhs.id)
    }

    public var description: String { "\(self.kind.rawValue) \(self.id)" }
}

/// A reference from one record to another, by external id (`data-contract.md`).
public struct RecordReference: Hashable, Sendable {
    /// Data-contract name of the referencing field (`client`, `assigned_collaborators.1` …).
    public var field: String
    /// The referenced record.
    public var target: RecordKey

    public init(field: String, target: RecordKey) {
        self.field = field
        self.target = target
    }
}
