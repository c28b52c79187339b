internal import Dashboards
internal import Foundation
internal import KPI
internal import PilotageProtocol
public import RPCCore
internal import RollupStore
internal import Rollups
public import Storage
internal import TenantStore
internal import Wire

/// `pilotage.dashboard.Clients`: the level-3 tables (one row per client) of the caller's firm,
/// from the per-client rollup rows only (`rollup_clients`); `verify` recomputes a page's rows
/// from raw facts.
public struct ClientsDashboardHandlers: Sendable {
    let tenants: TenantPool
    let clock: FirmClock

    /// Creates the handlers.
    public init(tenants: TenantPool, clock: FirmClock) {
        self.tenants = tenants
        self.clock = clock
    }

    /// The service definition to register with the server.
    public var definition: ServiceDefinition {
        var service = ServiceDefinition(name: ClientsDashboardService.name)
        service.unary(ClientsDashboardService.page) { request, context in
            let firm = try context.requireFirm()
            return try await ClientsTable(tenants: self.tenants, clock: self.clock).page(
                firm: firm,
                request: request,
                actingUser: context.identity.actingUser
            )
        }
        service.serverStreaming(ClientsDashboardService.export) { request, writer, context in
            let firm = try context.requireFirm()
            let chunks = try await ClientsTable(tenants: self.tenants, clock: self.clock).export(
                firm: firm,
                request: request,
                actingUser: context.identity.actingUser
            )
            for chunk in chunks {
                try await writer.write(CSVChunkMessage(text: chunk))
            }
        }
        return service
    }
}

/// Builds level-3 tables and answers pages and exports.
struct ClientsTable: Sendable {
    let tenants: TenantPool
    let clock: FirmClock

    /// A table read in one snapshot, with what its reply states.
    struct Built: Sendable {
        var view: String
        var asOf: CalendarDate
        var context: ReceivablesSummary.Context
        var table: DashboardTable
        var pin: TablePin
        var records: [String: ClientRecord]
    }

    /// One page.
    func page(firm: FirmID, request: TableRequest, actingUser: String?) async throws -> TableReply {
        let clock = self.clock
        return try await self.tenants.withTenant(firm) { database in
            let started = ContinuousClock.now
            let (built, page) = try await database.read { connection in
                let built = try Self.build(connection: connection, request: request, actingUser: actingUser, clock: clock)
                let page = try Self.mapping { () throws(DashboardError) in try built.table.page(TableQuery(request: request), pin: built.pin) }
                return (built, page)
            }
            let rollupTime = ContinuousClock.now - started
            var verification: DashboardVerification?
            if request.verify == true {
                let referenceStarted = ContinuousClock.now
                let clients = page.rows.map(\.key)
                // CPU-heavy: on the reader's queue, never on the cooperative pool.
                let reference = try await database.read { connection in
                    let facts = try FactRecords(connection: connection).clientFacts(clients, mapper: FactMapper(settings: built.context.settings))
                    let inputs = facts.compactMap { facts -> ClientTables.Input? in
                        guard let record = built.records[facts.client.id],
                            let parts = ClientRollupCalculator.parts(of: facts, at: [built.asOf], settings: built.context.kpi.settings)[built.asOf]
                        else { return nil }
                        return ClientTables.Input(record: record, receivables: parts.receivables, practice: parts.practice)
                    }
                    return ClientTables.table(view: built.view, asOf: built.asOf, context: built.context.kpi, inputs: inputs)
                }
                let differences = ClientTables.differences(
                    columns: built.table.columns,
                    rows: page.rows,
                    reference: reference.rows,
                    asOf: built.asOf
                )
                verification = DashboardVerification(
                    equal: differences.isEmpty,
                    differences: differences,
                    rollupMilliseconds: rollupTime.seconds * 1000,
                    referenceMilliseconds: (ContinuousClock.now - referenceStarted).seconds * 1000
                )
            }
            return TableReply(
                view: built.view,
                asOf: built.asOf,
                definitions: Level1Report.definitions,
                freshness: built.context.freshness,
                watermark: built.pin.watermark,
                columns: built.table.columns.map(\.message),
                rows: page.rows.map(\.message),
                totalRows: page.totalRows,
                nextCursor: page.nextCursor,
                verification: verification
            )
        }
    }

    /// Every row (search and sort applied) as CSV chunks of whole lines; refused when
    /// `request.watermark` is given and the rollups have moved past it.
    func export(firm: FirmID, request: TableRequest, actingUser: String?) async throws -> [String] {
        let clock = self.clock
        return try await self.tenants.withTenant(firm) { database in
            return try await database.read { connection in
                let built = try Self.build(connection: connection, request: request, actingUser: actingUser, clock: clock)
                if let pinned = request.watermark, pinned != built.pin.watermark {
                    throw RPCError(
                        code: .failedPrecondition,
                        message: "the rollups moved since the export was pinned (watermark \(pinned) → \(built.pin.watermark)); read the first page again"
                    )
                }
                let rows = try Self.mapping { () throws(DashboardError) in try built.table.ordered(search: request.search, sort: request.sort) }
                return CSVWriter.chunks(columns: built.table.columns, rows: rows)
            }
        }
    }

    // MARK: - Steps (inside a read transaction)

    static func build(connection: SQLiteConnection, request: TableRequest, actingUser: String?, clock: FirmClock) throws -> Built {
        let view = request.view ?? ClientsDashboardService.receivablesView
        guard ClientsDashboardService.views.contains(view) else {
            throw RPCError(
                code: .invalidArgument,
                message: "unknown view '\(view)'; views: \(ClientsDashboardService.views.joined(separator: ", "))"
            )
        }
        let audience = try DashboardAudience.resolve(actingUser: actingUser, connection: connection)
        let restricted = audience.restrict(request.filter)
        let filter = restricted?.kpiFilter ?? ClientFilter()
        let context = try ReceivablesSummary.context(connection: connection, clock: clock)
        if let limit = request.maxStalenessSeconds {
            try ReceivablesSummary.checkStaleness(context.freshness, limit: limit)
        }
        let asOf = try ReceivablesSummary.asOf(request.asOf, today: context.today)
        guard ClientRollupCalculator.storesClientRow(day: asOf, today: context.today) else {
            throw RPCError(
                code: .invalidArgument,
                message: "no client rows at \(asOf): level 3 has them at today (\(context.today)), each day of the current month "
                    + "(\(context.today.firstOfMonth)…\(context.today)) and each month end (\(asOf.lastOfMonth) is one)"
            )
        }
        let groups = context.groups.filter { filter.matches($0.profile) }
        let reader = RollupReader(connection: connection)
        try ReceivablesSummary.checkFingerprints(reader, groups: groups, current: context.fingerprint)
        let rows = try reader.clientRows(groups: groups.map(\.id), day: asOf)
        let records = Dictionary(
            try TenantRecords(connection: connection).all(ClientRecord.self).map { ($0.id, $0) },
            uniquingKeysWith: { first, _ in first }
        )
        let inputs = rows.compactMap { row -> ClientTables.Input? in
            records[row.client].map { ClientTables.Input(record: $0, receivables: row.receivables, practice: row.practice) }
        }
        var selected = context
        selected.groups = groups
        return Built(
            view: view,
            asOf: asOf,
            context: selected,
            table: ClientTables.table(view: view, asOf: asOf, context: context.kpi, inputs: inputs),
            pin: TablePin(
                watermark: context.freshness.watermarkSequence,
                scope: "\(view)|\(asOf)|\(restricted?.label ?? "all")|\(actingUser ?? "")"
            ),
            records: records
        )
    }

    /// Runs `body`, turning a ``Dashboards/DashboardError`` into the RPC status it stands for.
    static func mapping<T>(_ body: () throws(DashboardError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw RPCError(error)
        }
    }
}
