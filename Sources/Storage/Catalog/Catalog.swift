public import Foundation

/// `catalog.sqlite`: the process-wide registry of firms, credentials, worker leases and
/// placement. Every method is one short transaction on the catalog's ``Database`` (writes
/// serialized on its queue, reads on reader connections).
///
/// ```swift
/// let catalog = try await Catalog.open(path: root + "/catalog.sqlite")
/// try await catalog.createFirm(id: FirmID("dupont"), name: "Cabinet Dupont")
/// let issued = try await catalog.issueCredential(.backOffice, label: "Dupont ERP", firms: [FirmID("dupont")])
/// print(issued.token)                                    // shown once
/// let principal = try await catalog.authenticate(token: issued.token)
/// ```
public final class Catalog: Sendable {
    /// The underlying database (for tools and tests; prefer the methods).
    public let database: Database

    private init(database: Database) {
        self.database = database
    }

    /// Opens (creating if needed) and migrates the catalog at `path`.
    public static func open(
        path: String,
        configuration: Database.Configuration = Database.Configuration()
    ) async throws
        -> Catalog
    {
        Catalog(
            database: try await Database.open(path: path, configuration: configuration, migrations: Self.migrations)
        )
    }

    /// Closes the catalog's connections.
    public func close() async {
        await self.database.close()
    }

    /// Column list matching ``Firm/init(row:)``.
    static let firmColumns = "id, name, created_at, status, placement, last_ingestion_at"

    // MARK: - Firms

    /// Registers a new active firm. Throws ``StorageError/Code/firmAlreadyExists`` for a taken id.
    @discardableResult
    public func createFirm(id: FirmID, name: String, placement: String? = nil, now: Date = Date()) async throws -> Firm
    {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else {
            throw StorageError(code: .invalidArgument, message: "a firm needs a non-empty name")
        }
        let firm = Firm(id: id, name: name, createdAt: now, status: .active, placement: placement, lastIngestionAt: nil)
        try await self.database.write { conn in
            do {
                try conn.execute(
                    "INSERT INTO firms(id, name, created_at, status, placement) VALUES (?, ?, ?, ?, ?)",
                    firm.id,
                    firm.name,
                    firm.createdAt,
                    firm.status,
                    firm.placement
                )
            } catch let error as SQLiteError where error.code ~= .constraintPrimaryKey {
                throw StorageError(code: .firmAlreadyExists, message: "firm \"\(id)\" already exists")
            }
        }
        return firm
    }

    /// The firm with this id, if any.
    public func firm(_ id: FirmID) async throws -> Firm? {
        try await self.database.read { conn in
            try conn.fetchOne(Firm.self, "SELECT \(Self.firmColumns) FROM firms WHERE id = ?", id)
        }
    }

    /// Every firm, by id.
    public func firms() async throws -> [Firm] {
        try await self.database.read { conn in
            try conn.fetchAll(Firm.self, "SELECT \(Self.firmColumns) FROM firms ORDER BY id")
        }
    }

    /// Suspends or reactivates a firm. A suspended firm drops out of every principal's allowed firms.
    public func setStatus(_ status: FirmStatus, of id: FirmID) async throws {
        try await self.updateFirm(id, "UPDATE firms SET status = ? WHERE id = ?", status.sqliteValue)
    }

    /// Sets or clears the placement / shard label.
    public func setPlacement(_ placement: String?, of id: FirmID) async throws {
        try await self.updateFirm(id, "UPDATE firms SET placement = ? WHERE id = ?", placement.sqliteValue)
    }

    /// Records that data was ingested for `firm` at `instant`; the stored value never moves back.
    public func recordIngestion(firm id: FirmID, at instant: Date = Date()) async throws {
        try await self.updateFirm(
            id,
            "UPDATE firms SET last_ingestion_at = max(coalesce(last_ingestion_at, ?1), ?1) WHERE id = ?2",
            instant.sqliteValue
        )
    }

    private func updateFirm(_ id: FirmID, _ sql: String, _ value: SQLiteValue) async throws {
        try await self.database.write { conn in
            try conn.execute(sql, arguments: [value, id.sqliteValue])
            guard conn.changes == 1 else {
                throw StorageError(code: .firmNotFound, message: "no firm \"\(id)\" in the catalog")
            }
        }
    }
}
