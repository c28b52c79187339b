public import Ingestion
public import PilotageProtocol
public import Storage
internal import Wire

extension EntityKind: SQLiteBindable, SQLiteColumnDecodable {}

/// The firm's stored records, read through one connection (inside a transaction of the caller).
///
/// Implements ``ExistingRecords`` for batch validation, and the reads the services need.
public struct TenantRecords: ExistingRecords {
    /// The connection, owned by the database's queue for the duration of the caller's closure.
    public let connection: SQLiteConnection
    private let decoder = WireDecoder()

    public init(connection: SQLiteConnection) {
        self.connection = connection
    }

    public func contains(_ kind: EntityKind, id: String) throws -> Bool {
        try self.connection.fetchValue(Int.self, "SELECT 1 FROM records WHERE kind = ? AND id = ?", kind, id) != nil
    }

    public func record<R: IngestibleRecord>(_ type: R.Type, id: String) throws -> R? {
        guard let payload = try self.payload(R.entityKind, id: id) else { return nil }
        return try self.decoder.decode(type, from: payload)
    }

    /// The canonical payload of a record, if stored.
    public func payload(_ kind: EntityKind, id: String) throws -> [UInt8]? {
        try self.connection.fetchValue([UInt8].self, "SELECT payload FROM records WHERE kind = ? AND id = ?", kind, id)
    }

    public func allocations(toTarget kind: AllocationTargetKind, id: String) throws -> [AllocationRecord] {
        let targetKind: EntityKind = kind == .installment ? .installment : .debitDocument
        return try self.referringAllocations(to: targetKind, id: id, field: "target")
    }

    public func allocations(fromSource id: String) throws -> [AllocationRecord] {
        try self.referringAllocations(to: .creditDocument, id: id, field: "source")
    }

    private func referringAllocations(to kind: EntityKind, id: String, field: String) throws -> [AllocationRecord] {
        var allocations: [AllocationRecord] = []
        try self.connection.query(
            """
            SELECT r.payload FROM record_references f
            JOIN records r ON r.kind = 'allocation' AND r.id = f.from_id
            WHERE f.to_kind = ? AND f.to_id = ? AND f.from_kind = 'allocation' AND f.field = ?
            """,
            kind, id, field
        ) { row in
            allocations.append(try self.decoder.decode(AllocationRecord.self, from: try row.decode([UInt8].self, at: 0)))
        }
        return allocations
    }

    public func referrers(of kind: EntityKind, id: String) throws -> [RecordKey] {
        var keys: [RecordKey] = []
        if kind == .client {
            // Records owned by a client point at it through `records.owner` (no reference row).
            try self.connection.query("SELECT kind, id FROM records WHERE owner = ? AND kind <> 'client'", id) { row in
                keys.append(RecordKey(try row.decode(EntityKind.self, at: 0), try row.decode(String.self, at: 1)))
            }
        }
        try self.connection.query(
            "SELECT DISTINCT from_kind, from_id FROM record_references WHERE to_kind = ? AND to_id = ? ORDER BY from_kind, from_id",
            kind, id
        ) { row in
            keys.append(RecordKey(try row.decode(EntityKind.self, at: 0), try row.decode(String.self, at: 1)))
        }
        return Array(Set(keys)).sorted()
    }

    /// Number of stored records of `kind`.
    public func count(_ kind: EntityKind) throws -> Int {
        try self.connection.fetchValue(Int.self, "SELECT count(*) FROM records WHERE kind = ?", kind) ?? 0
    }

    /// Every stored record of type `R`, in id order.
    public func all<R: IngestibleRecord>(_ type: R.Type) throws -> [R] {
        var records: [R] = []
        try self.connection.query("SELECT payload FROM records WHERE kind = ? ORDER BY id", R.entityKind) { row in
            records.append(try self.decoder.decode(type, from: try row.decode([UInt8].self, at: 0)))
        }
        return records
    }

    /// The firm settings, if sent.
    public func settings() throws -> FirmSettingsRecord? {
        try self.record(FirmSettingsRecord.self, id: "settings")
    }

    /// The sequence of the last committed ingestion (0 before any).
    public func lastSequence() throws -> Int64 {
        (try self.connection.fetchValue(Int64?.self, "SELECT max(sequence) FROM ingestions") ?? nil) ?? 0
    }

    /// The last ingestion that changed the client groups' members or a collaborator (tenant
    /// schema v12; 0 before any): what is derived from the groups and the collaborators' names
    /// is unchanged while it is.
    public func lastGroupsChange() throws -> Int64 {
        try self.connection.fetchValue(Int64.self, "SELECT sequence FROM groups_changes WHERE singleton = 1") ?? 0
    }
}
