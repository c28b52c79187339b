internal import Dashboards
internal import Foundation
internal import KPI
public import PilotageProtocol
public import RPCCore
internal import Rollups
internal import ServerSupport
public import Storage
internal import TenantStore
internal import Wire

/// `pilotage.supervisor.Supervisor`: the collection supervisor (kpi-definitions §8, seed 004),
/// computed from the firm's stored records inside one transaction, with the acting user's
/// visibility (``SupervisorViewer``); actions and strategies are written through the ingestion
/// record writer (``SupervisorWrites``).
public struct SupervisorHandlers: Sendable {
    let catalog: Catalog
    let tenants: TenantPool
    let pending: PendingWork?
    let clock: FirmClock
    let writes: SupervisorWrites
    let cache: SupervisorCache

    /// Most items one `Record`/`Print` call may name.
    static let maximumSelection = 1_000

    /// Creates the handlers; `pending` learns about every write that dirties rollup partitions.
    public init(catalog: Catalog, tenants: TenantPool, limits: IngestLimits, clock: FirmClock, pending: PendingWork? = nil) {
        self.catalog = catalog
        self.tenants = tenants
        self.pending = pending
        self.clock = clock
        self.writes = SupervisorWrites(limits: limits, clock: clock)
        self.cache = SupervisorCache()
    }

    /// The service definition to register with the server.
    public var definition: ServiceDefinition {
        var service = ServiceDefinition(name: SupervisorService.name)
        service.unary(SupervisorService.list) { request, context in
            try await self.list(request, context: context)
        }
        service.serverStreaming(SupervisorService.export) { request, writer, context in
            for chunk in try await self.export(request, context: context) {
                try await writer.write(CSVChunkMessage(text: chunk))
            }
        }
        service.unary(SupervisorService.record) { request, context in
            try await self.record(request, context: context)
        }
        service.unary(SupervisorService.print) { request, context in
            try await self.print(request, context: context)
        }
        service.unary(SupervisorService.client) { request, context in
            try await self.client(request, context: context)
        }
        service.unary(SupervisorService.preview) { request, context in
            try await self.preview(request, context: context)
        }
        service.unary(SupervisorService.putStrategy) { request, context in
            try await self.putStrategy(request, context: context)
        }
        service.unary(SupervisorService.listStrategies) { _, context in
            let firm = try context.requireFirm()
            return try await self.tenants.withTenant(firm) { database in
                try await database.read { connection in
                    _ = try SupervisorViewer.resolve(actingUser: context.identity.actingUser, connection: connection)
                    return StrategyListReply(strategies: try TenantRecords(connection: connection).all(CollectionStrategyRecord.self))
                }
            }
        }
        service.unary(SupervisorService.assignStrategy) { request, context in
            try await self.assignStrategy(request, context: context)
        }
        return service
    }

    // MARK: - Reading

    /// The board of a list request, computed in one read transaction.
    private func board(_ request: SupervisorListRequest, context: ServerContext) async throws -> (SupervisorBoard, SupervisorSnapshot.Pin) {
        let firm = try context.requireFirm()
        let clock = self.clock
        let cache = self.cache
        let actingUser = context.identity.actingUser
        return try await self.tenants.withTenant(firm) { database in
            try await database.read { connection in
                let viewer = try SupervisorViewer.resolve(actingUser: actingUser, connection: connection)
                let snapshot = try SupervisorSnapshot(connection: connection, clock: clock)
                let to = request.to ?? snapshot.today
                if let from = request.from, from > to {
                    throw RPCError(code: .invalidArgument, message: "from (\(from)) is after to (\(to))")
                }
                let filter = SupervisorBoard.filter(request.filter)
                let (items, _) = try snapshot.items(viewer: viewer, filter: filter, asOf: to, firm: firm, cache: cache)
                let listed = items.filter { item in
                    guard item.kind == .installment, let next = item.nextAction, next.triggerDate <= to else { return false }
                    if let from = request.from, next.triggerDate < from { return false }
                    return filter.matches(item)
                }
                let board = SupervisorBoard(items: listed, grouping: SupervisorBoard.grouping(request.grouping))
                let scope = "supervisor|\(request.from?.description ?? "")|\(to)|\(String(describing: request.filter))|\(actingUser ?? "")"
                return (board, SupervisorSnapshot.Pin(to: to, pin: TablePin(watermark: snapshot.sequence, scope: scope)))
            }
        }
    }

    func list(_ request: SupervisorListRequest, context: ServerContext) async throws -> SupervisorListReply {
        let (board, pin) = try await self.board(request, context: context)
        let page = try Self.rpc { () throws(DashboardError) in
            try board.page(
                TableQuery(search: request.search, sort: request.sort, pageSize: request.pageSize, cursor: request.cursor),
                pin: pin.pin
            )
        }
        return SupervisorListReply(
            from: request.from,
            to: pin.to,
            grouping: request.grouping ?? .client,
            watermark: pin.pin.watermark,
            totalItems: page.totalItems,
            totalOpen: page.totalOpen,
            groups: page.groups,
            nextCursor: page.nextCursor
        )
    }

    func export(_ request: SupervisorListRequest, context: ServerContext) async throws -> [String] {
        let (board, _) = try await self.board(request, context: context)
        return try Self.rpc { () throws(DashboardError) in try board.csv(search: request.search, sort: request.sort) }
    }

    func client(_ request: SupervisorClientRequest, context: ServerContext) async throws -> SupervisorClientReply {
        let firm = try context.requireFirm()
        let clock = self.clock
        let actingUser = context.identity.actingUser
        return try await self.tenants.withTenant(firm) { database in
            try await database.read { connection in
                let viewer = try SupervisorViewer.resolve(actingUser: actingUser, connection: connection)
                let snapshot = try SupervisorSnapshot(connection: connection, clock: clock)
                guard let record = try TenantRecords(connection: connection).record(ClientRecord.self, id: request.client) else {
                    throw RPCError(code: .notFound, message: "no client '\(request.client)'")
                }
                guard viewer.canSee(agent: record.collectionAgent) else {
                    throw RPCError(
                        code: .permissionDenied,
                        message: "'\(actingUser ?? "")' does not see the items of client \(record.id) (collection agent: \(record.collectionAgent ?? "none"))"
                    )
                }
                let asOf = request.asOf ?? snapshot.today
                guard let facts = try snapshot.facts(clients: [record.id]).first else {
                    throw RPCError(code: .notFound, message: "no client '\(request.client)'")
                }
                let view = ClientReceivablesView(facts: facts, strategies: snapshot.strategies, settings: snapshot.kpiSettings, asOf: asOf)
                return SupervisorClientReply(
                    client: view.client,
                    name: view.name,
                    agent: record.collectionAgent,
                    strategy: record.strategy,
                    asOf: asOf,
                    totalOpen: SupervisorBoard.cents(view.totalOpen),
                    totalOverdue: SupervisorBoard.cents(view.totalOverdue),
                    totalNotDue: SupervisorBoard.cents(view.totalNotDue),
                    totalCredits: SupervisorBoard.cents(view.totalCredits),
                    overdueShare: Level1Report.value(view.overdueShare),
                    notDueShare: Level1Report.value(view.notDueShare),
                    creditShare: Level1Report.value(view.creditShare),
                    items: view.items.map(SupervisorBoard.message),
                    events: view.events.map(SupervisorWrites.message)
                )
            }
        }
    }

    func preview(_ request: SupervisorPreviewRequest, context: ServerContext) async throws -> SupervisorPreviewReply {
        let firm = try context.requireFirm()
        let days = request.days ?? 1
        guard (1...20).contains(days) else {
            throw RPCError(code: .invalidArgument, message: "days must be between 1 and 20, got \(days)")
        }
        let clock = self.clock
        let cache = self.cache
        let actingUser = context.identity.actingUser
        return try await self.tenants.withTenant(firm) { database in
            try await database.read { connection in
                let viewer = try SupervisorViewer.resolve(actingUser: actingUser, connection: connection)
                let snapshot = try SupervisorSnapshot(connection: connection, clock: clock)
                let filter = SupervisorBoard.filter(request.filter)
                let (items, contacts) = try snapshot.items(viewer: viewer, filter: filter, asOf: snapshot.today, firm: firm, cache: cache)
                let plan = SupervisorPreview.plan(
                    items: items.filter(filter.matches),
                    lastContacts: contacts,
                    today: snapshot.today,
                    days: days,
                    minimumDaysBetweenActions: snapshot.minimumDaysBetweenActions
                )
                return SupervisorPreviewReply(
                    today: snapshot.today,
                    minimumDaysBetweenActions: snapshot.minimumDaysBetweenActions,
                    days: plan.map { day in
                        PreviewDayMessage(
                            date: day.date,
                            entries: day.entries.map { entry in
                                PreviewEntryMessage(
                                    client: entry.client,
                                    clientName: entry.clientName,
                                    agent: entry.agent,
                                    lastContact: entry.lastContact,
                                    postponedFrom: entry.postponedFrom,
                                    items: entry.items.map(SupervisorBoard.message)
                                )
                            }
                        )
                    }
                )
            }
        }
    }

    // MARK: - Actions

    func record(_ request: SupervisorRecordRequest, context: ServerContext) async throws -> SupervisorRecordReply {
        let firm = try context.requireFirm()
        try SupervisorWrites.validate(requestID: request.requestID)
        try Self.checkSelection(request.items)
        switch request.outcome {
        case .printed:
            throw RPCError(code: .invalidArgument, message: "PRINTED is recorded by Print, not by Record")
        case .modified:
            guard let code = request.replacementCode?.trimmingCharacters(in: .whitespaces), !code.isEmpty, code.utf8.count <= 64 else {
                throw RPCError(code: .invalidArgument, message: "MODIFIED needs replacement_code: the code (1–64 bytes) of the action done instead")
            }
        case .validated, .ignored:
            guard request.replacementCode == nil else {
                throw RPCError(code: .invalidArgument, message: "replacement_code only goes with MODIFIED")
            }
        }
        let writes = self.writes
        return try await self.idempotent(
            request,
            requestID: request.requestID,
            method: SupervisorService.record.fullName,
            source: "supervisor:record:\(request.requestID)",
            firm: firm,
            context: context
        ) { viewer, actor, snapshot in
            let selection = try snapshot.select(request.items, viewer: viewer, requireAction: true)
            let outcome = try Self.outcome(request.outcome)
            let instant = writes.instant()
            let recordedOn = FactMapper(settings: snapshot.settings).businessDate(of: instant)
            let events = try selection.items.map { item in
                try Supervisor.record(
                    outcome,
                    on: item,
                    replacementCode: request.replacementCode?.trimmingCharacters(in: .whitespaces),
                    actor: actor.id,
                    at: instant,
                    recordedOn: recordedOn,
                    id: writes.eventID(requestID: request.requestID, installment: item.id),
                    note: request.note
                )
            }
            return (
                events.map(SupervisorWrites.record),
                { sequence in
                    SupervisorRecordReply(
                        requestID: request.requestID,
                        replayed: false,
                        sequence: sequence,
                        recorded: events.map(SupervisorWrites.message),
                        refused: selection.refused
                    )
                }
            )
        }
    }

    func print(_ request: SupervisorPrintRequest, context: ServerContext) async throws -> SupervisorPrintReply {
        let firm = try context.requireFirm()
        try SupervisorWrites.validate(requestID: request.requestID)
        try Self.checkSelection(request.items)
        let writes = self.writes
        let firmName = try await self.catalog.firm(firm)?.name
        return try await self.idempotent(
            request,
            requestID: request.requestID,
            method: SupervisorService.print.fullName,
            source: "supervisor:print:\(request.requestID)",
            firm: firm,
            context: context
        ) { viewer, actor, snapshot in
            let selection = try snapshot.select(request.items, viewer: viewer, requireAction: true)
            let instant = writes.instant()
            let events = selection.items.map { item in
                CollectionEventRecord(
                    id: writes.eventID(requestID: request.requestID, installment: item.id),
                    installment: item.id,
                    actionCode: item.nextAction?.action.code ?? "",
                    outcome: .printed,
                    actor: actor.id,
                    at: instant
                )
            }
            let document = SupervisorDocument(
                title: request.title ?? "Superviseur de recouvrement — échéances imprimées",
                firm: firmName,
                actor: actor.name,
                printedAt: instant,
                groups: Supervisor.group(selection.items, by: SupervisorBoard.grouping(request.grouping))
            )
            return (
                events,
                { sequence in
                    SupervisorPrintReply(
                        requestID: request.requestID,
                        replayed: false,
                        sequence: sequence,
                        html: document.html,
                        printed: events.map(SupervisorWrites.message),
                        refused: selection.refused
                    )
                }
            )
        }
    }

    /// The skeleton of an idempotent action (`Record`, `Print`), in one write transaction: the
    /// actor is resolved; a retried request gets its stored reply back (`replayed`) and writes
    /// nothing; a new one writes `perform`'s events through the batch writer and stores its
    /// reply under the request id. The workers are woken once the transaction is committed.
    private func idempotent<Request: Encodable & Sendable, Reply: ReplayableReply>(
        _ request: Request,
        requestID: String,
        method: String,
        source: String,
        firm: FirmID,
        context: ServerContext,
        _ perform: @escaping @Sendable (SupervisorViewer, CollaboratorRecord, SupervisorSnapshot) throws
            -> (events: [any IngestibleRecord], reply: (Int64) -> Reply)
    ) async throws -> Reply {
        let clock = self.clock
        let writes = self.writes
        let actingUser = context.identity.actingUser
        let (reply, report) = try await self.tenants.withTenant(firm) { database in
            try await database.write { connection -> (Reply, IngestReport?) in
                let viewer = try SupervisorViewer.resolve(actingUser: actingUser, connection: connection)
                let actor = try viewer.requireActor()
                let digest = try SupervisorWrites.digest(request, actor: actor.id)
                if var stored = try SupervisorWrites.storedReply(
                    Reply.self,
                    requestID: requestID,
                    method: method,
                    digest: digest,
                    connection: connection
                ) {
                    stored.replayed = true
                    return (stored, nil)
                }
                let snapshot = try SupervisorSnapshot(connection: connection, clock: clock)
                let (events, makeReply) = try perform(viewer, actor, snapshot)
                var report: IngestReport?
                if !events.isEmpty {
                    report = try writes.write(events, source: source, today: snapshot.today, connection: connection)
                }
                let reply = makeReply(report?.sequence ?? 0)
                try writes.store(
                    reply,
                    requestID: requestID,
                    method: method,
                    actor: actor.id,
                    digest: digest,
                    sequence: report?.sequence ?? 0,
                    connection: connection
                )
                return (reply, report)
            }
        }
        try await self.published(report, firm: firm)
        return reply
    }

    // MARK: - Strategies

    func putStrategy(_ request: PutStrategyRequest, context: ServerContext) async throws -> SupervisorWriteReply {
        let firm = try context.requireFirm()
        let clock = self.clock
        let writes = self.writes
        let actingUser = context.identity.actingUser
        let report = try await self.tenants.withTenant(firm) { database in
            try await database.write { connection in
                try SupervisorViewer.resolve(actingUser: actingUser, connection: connection).requireStrategyManager()
                let settings = try TenantRecords(connection: connection).settings()
                return try writes.write(
                    [request.strategy],
                    source: "supervisor:strategy:\(request.strategy.id)",
                    today: clock.today(settings: settings),
                    connection: connection
                )
            }
        }
        try await self.published(report, firm: firm)
        return SupervisorWriteReply(sequence: report.sequence, landed: report.landed, unchanged: report.unchanged)
    }

    func assignStrategy(_ request: AssignStrategyRequest, context: ServerContext) async throws -> SupervisorWriteReply {
        let firm = try context.requireFirm()
        guard !request.clients.isEmpty, request.clients.count <= Self.maximumSelection else {
            throw RPCError(code: .invalidArgument, message: "clients must name 1 to \(Self.maximumSelection) clients")
        }
        guard request.strategy != nil || request.agent != nil else {
            throw RPCError(code: .invalidArgument, message: "nothing to assign: give strategy and/or agent")
        }
        let clock = self.clock
        let writes = self.writes
        let actingUser = context.identity.actingUser
        let report = try await self.tenants.withTenant(firm) { database in
            try await database.write { connection in
                try SupervisorViewer.resolve(actingUser: actingUser, connection: connection).requireStrategyManager()
                let records = TenantRecords(connection: connection)
                var updated: [ClientRecord] = []
                for id in Set(request.clients).sorted() {
                    guard var client = try records.record(ClientRecord.self, id: id) else {
                        throw RPCError(code: .notFound, message: "no client '\(id)'")
                    }
                    if let strategy = request.strategy { client.strategy = strategy }
                    if let agent = request.agent { client.collectionAgent = agent }
                    updated.append(client)
                }
                return try writes.write(
                    updated,
                    source: "supervisor:assign",
                    today: clock.today(settings: try records.settings()),
                    connection: connection
                )
            }
        }
        try await self.published(report, firm: firm)
        return SupervisorWriteReply(sequence: report.sequence, landed: report.landed, unchanged: report.unchanged)
    }

    // MARK: - Helpers

    /// After a committed write: wakes the workers if partitions were dirtied and records the
    /// ingestion in the catalog, as the ingestion service does.
    private func published(_ report: IngestReport?, firm: FirmID) async throws {
        guard let report, report.sequence > 0 else { return }
        if report.dirtyPartitions > 0 { self.pending?.mark(firm) }
        try await self.catalog.recordIngestion(firm: firm)
    }

    private static func checkSelection(_ items: [String]) throws {
        guard !items.isEmpty, items.count <= Self.maximumSelection else {
            throw RPCError(code: .invalidArgument, message: "items must name 1 to \(Self.maximumSelection) installments, got \(items.count)")
        }
    }

    private static func outcome(_ outcome: CollectionOutcome) throws -> CollectionEventFact.Outcome {
        guard let value = CollectionEventFact.Outcome(rawValue: outcome.rawValue) else {
            throw RPCError(code: .invalidArgument, message: "unknown outcome \(outcome.rawValue)")
        }
        return value
    }

    /// Runs pure dashboard code, turning its typed error into the RPC status it names.
    static func rpc<T>(_ body: () throws(DashboardError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            let code: RPCError.Code =
                switch error.code {
                case .invalidArgument: .invalidArgument
                case .failedPrecondition: .failedPrecondition
                case .resourceExhausted: .resourceExhausted
                }
            throw RPCError(code: code, message: error.message)
        }
    }
}

extension SupervisorSnapshot {
    /// What a list page is pinned to.
    struct Pin: Sendable {
        /// D.
        var to: CalendarDate
        /// Watermark (ingestion sequence) and query scope of the cursor.
        var pin: TablePin
    }
}

/// A reply stored per request id and returned again, marked `replayed`, to a retried request.
protocol ReplayableReply: Codable, Sendable {
    /// The reply was stored by an earlier call with the same request id.
    var replayed: Bool { get set }
}

extension SupervisorRecordReply: ReplayableReply {}
extension SupervisorPrintReply: ReplayableReply {}
