internal import Foundation
internal import Ingestion
public import PilotageProtocol
public import RPCCore
public import Storage
internal import ServerSupport
internal import TenantStore
public import Wire

/// `pilotage.ingest.Ingestion`: batches into the caller's firm, one transaction each.
public struct IngestionHandlers: Sendable {
    let catalog: Catalog
    let tenants: TenantPool
    let limits: IngestLimits
    let fixedToday: CalendarDate?
    let pending: PendingWork?

    /// Creates the handlers; `pending` learns about every batch that dirties rollup partitions.
    public init(catalog: Catalog, tenants: TenantPool, limits: IngestLimits, fixedToday: CalendarDate?, pending: PendingWork? = nil) {
        self.catalog = catalog
        self.tenants = tenants
        self.limits = limits
        self.fixedToday = fixedToday
        self.pending = pending
    }

    /// The service definition to register with the server.
    public var definition: ServiceDefinition {
        var service = ServiceDefinition(name: IngestionService.name)
        service.clientStreaming(IngestionService.ingestBatch) { requests, context in
            let firm = try context.requireFirm()
            var options: IngestOptions?
            var rows: [IngestRow] = []
            for try await chunk in requests {
                if options == nil { options = chunk.options ?? IngestOptions() }
                rows.append(contentsOf: chunk.rows)
                guard rows.count <= self.limits.maxRowsPerBatch else {
                    throw RPCError(
                        code: .resourceExhausted,
                        message: "max_rows_per_batch is \(self.limits.maxRowsPerBatch); this batch has \(rows.count) rows so far"
                    )
                }
            }
            let batchOptions = options ?? IngestOptions()
            let batchRows = rows
            let limits = self.limits
            let fixedToday = self.fixedToday
            let started = ContinuousClock.now
            let report = try await self.tenants.withTenant(firm) { database in
                try await database.write { connection in
                    let settings = try TenantRecords(connection: connection).settings()
                    let today = fixedToday ?? BusinessCalendar.date(of: Date(), timeZoneID: settings?.timeZone)
                    return try BatchWriter(limits: limits, today: today).ingest(batchRows, options: batchOptions, connection: connection)
                }
            }
            if report.sequence > 0 {
                if report.dirtyPartitions > 0 { self.pending?.mark(firm) }
                try await self.catalog.recordIngestion(firm: firm)
            }
            context.logger.info(
                "batch ingested",
                metadata: [
                    "firm": firm.rawValue, "sequence": "\(report.sequence)", "received": "\(report.received)",
                    "landed": "\(report.landed)", "unchanged": "\(report.unchanged)", "rejected": "\(report.rejected)",
                    "elapsed_ms": "\((ContinuousClock.now - started).milliseconds)",
                ]
            )
            return report
        }
        service.unary(IngestionService.getLimits) { _, _ in self.limits }
        service.unary(IngestionService.listIngestions) { request, context in
            let firm = try context.requireFirm()
            let limit = min(max(request.limit ?? 20, 1), 1000)
            return try await self.tenants.withTenant(firm) { database in
                try await database.read { connection in
                    var list: [IngestionSummary] = []
                    try connection.query(
                        "SELECT sequence, committed_at, source, received, landed, unchanged, deleted, rejected FROM ingestions ORDER BY sequence DESC LIMIT ?",
                        limit
                    ) { row in
                        let stamp = try row.decode(String.self, at: 1)
                        list.append(
                            IngestionSummary(
                                sequence: try row.decode(Int64.self, at: 0),
                                committedAt: TenantTimestamp.parse(stamp) ?? Date(timeIntervalSince1970: 0),
                                source: try row.decode(String?.self, at: 2),
                                received: try row.decode(Int.self, at: 3),
                                landed: try row.decode(Int.self, at: 4),
                                unchanged: try row.decode(Int.self, at: 5),
                                deleted: try row.decode(Int.self, at: 6),
                                rejected: try row.decode(Int.self, at: 7)
                            )
                        )
                    }
                    return IngestionList(ingestions: list)
                }
            }
        }
        return service
    }
}

extension Duration {
    /// Whole milliseconds, for logs.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
