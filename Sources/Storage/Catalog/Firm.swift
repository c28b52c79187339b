public import Foundation

/// Whether a firm's tenant may be reached.
public enum FirmStatus: String, Sendable, Hashable, Codable, CaseIterable, SQLiteBindable, SQLiteColumnDecodable {
    /// Normal operation.
    case active
    /// No credential reaches the tenant (unpaid, offboarding …); its data stays on disk.
    case suspended
}

/// A firm (tenant) as the catalog knows it.
public struct Firm: Sendable, Hashable, Codable {
    /// Its id, which also names its file.
    public var id: FirmID
    /// Display name.
    public var name: String
    /// When it was provisioned.
    public var createdAt: Date
    /// Active or suspended.
    public var status: FirmStatus
    /// Optional placement / shard label (which gateway or disk holds the tenant).
    public var placement: String?
    /// When its data was last ingested, if ever.
    public var lastIngestionAt: Date?

    /// Creates a value (the catalog builds these; tests may too).
    public init(
        id: FirmID,
        name: String,
        createdAt: Date,
        status: FirmStatus,
        placement: String?,
        lastIngestionAt: Date?
    ) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
        self.status = status
        self.placement = placement
        self.lastIngestionAt = lastIngestionAt
    }
}

extension Firm: SQLiteRowDecodable {
    /// Columns: id, name, created_at, status, placement, last_ingestion_at (``Catalog/firmColumns``).
    public init(row: SQLiteRow) throws {
        self.id = try row[0]
        self.name = try row[1]
        self.createdAt = try row[2]
        self.status = try row[3]
        self.placement = try row[4]
        self.lastIngestionAt = try row[5]
    }
}
