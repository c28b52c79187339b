/// One line of the operator's report: a firm with the state of its tenant file.
public struct FirmReport: Sendable, Hashable, Codable {
    /// The catalog's record (status, placement, last ingestion …).
    public var firm: Firm
    /// `PRAGMA user_version` of the tenant file; `nil` when the file does not exist yet.
    public var schemaVersion: Int?
    /// The schema version this release migrates tenants to.
    public var latestSchemaVersion: Int
    /// Bytes on disk (database plus write-ahead log); `nil` when absent.
    public var fileBytes: Int64?
    /// Whether the tenant is open in the pool right now.
    public var isOpen: Bool

    /// Whether the file lags behind this release's schema (it migrates on next open).
    public var needsMigration: Bool { (self.schemaVersion ?? 0) < self.latestSchemaVersion }
}

extension Catalog {
    /// The report line of one firm, or `nil` for an unknown id (cost independent of the number of firms).
    public func operatorReport(firm id: FirmID, tenants: TenantPool) async throws -> FirmReport? {
        guard let firm = try await self.firm(id) else { return nil }
        return FirmReport(
            firm: firm,
            schemaVersion: try await tenants.schemaVersion(of: id),
            latestSchemaVersion: tenants.migrations.latestVersion,
            fileBytes: try await tenants.fileSize(of: id),
            isOpen: await tenants.isOpen(id)
        )
    }
}

extension Catalog {
    /// Every firm with its tenant file's schema version, size and last ingestion. Closed
    /// tenant files are peeked at read-only (never created, never migrated).
    public func operatorReport(tenants: TenantPool) async throws -> [FirmReport] {
        var reports: [FirmReport] = []
        for firm in try await self.firms() {
            reports.append(
                FirmReport(
                    firm: firm,
                    schemaVersion: try await tenants.schemaVersion(of: firm.id),
                    latestSchemaVersion: tenants.migrations.latestVersion,
                    fileBytes: try await tenants.fileSize(of: firm.id),
                    isOpen: await tenants.isOpen(firm.id)
                )
            )
        }
        return reports
    }
}
