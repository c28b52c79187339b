internal import Foundation
internal import KPI
internal import PilotageProtocol
internal import Rollups
internal import Storage
internal import TenantStore
internal import Wire

/// What the supervisor computes from, read inside one transaction of the firm's file: settings,
/// today, strategies and the receivables facts of the selected clients (client record,
/// installments, debit and credit documents, allocations and collection events only: the
/// practice documents, the bulk of a firm, are never read).
struct SupervisorSnapshot {
    /// The connection, owned by the caller's transaction.
    let connection: SQLiteConnection
    /// The firm's settings, if sent.
    let settings: FirmSettingsRecord?
    /// The KPI settings derived from them.
    let kpiSettings: KPISettings
    /// The firm's business date.
    let today: CalendarDate
    /// Strategies by id.
    let strategies: [String: CollectionStrategyFact]
    /// The last committed ingestion (the list's watermark).
    let sequence: Int64
    private let mapper: FactMapper

    /// The record kinds the supervisor reads for a client.
    static let kinds: [EntityKind] = [.client, .installment, .debitDocument, .creditDocument, .allocation, .collectionEvent]

    /// Reads settings, today and strategies.
    init(connection: SQLiteConnection, clock: FirmClock) throws {
        self.connection = connection
        let records = TenantRecords(connection: connection)
        self.settings = try records.settings()
        self.kpiSettings = FactMapper.kpiSettings(self.settings)
        self.today = clock.today(settings: self.settings)
        self.mapper = FactMapper(settings: self.settings)
        var strategies: [String: CollectionStrategyFact] = [:]
        for record in try records.all(CollectionStrategyRecord.self) {
            strategies[record.id] = Self.strategy(record)
        }
        self.strategies = strategies
        self.sequence = try records.lastSequence()
    }

    /// The firm's minimum number of days between two actions on the same client (default 1).
    var minimumDaysBetweenActions: Int {
        max(self.settings?.minimumDaysBetweenActions ?? 1, 0)
    }

    /// `CollectionStrategyRecord` → `CollectionStrategyFact`.
    static func strategy(_ record: CollectionStrategyRecord) -> CollectionStrategyFact {
        CollectionStrategyFact(
            id: record.id,
            name: record.name,
            actions: record.actions.map { action in
                CollectionStrategyFact.Action(
                    code: action.code,
                    channel: CollectionStrategyFact.Channel(rawValue: action.channel.rawValue) ?? .call,
                    offsetDays: action.offsetDays,
                    paymentMode: action.paymentMode
                )
            }
        )
    }

    // MARK: - Clients

    /// The ids of the clients a query needs: one client, the clients of one agent, or all (`nil`).
    func clientIDs(client: String?, agent: String?) throws -> [String]? {
        if let client { return [client] }
        guard let agent else { return nil }
        var ids: [String] = []
        let decoder = WireDecoder()
        try self.connection.query("SELECT payload FROM records WHERE kind = 'client' ORDER BY id") { row in
            let record = try decoder.decode(ClientRecord.self, from: try row.decode([UInt8].self, at: 0))
            if record.collectionAgent == agent { ids.append(record.id) }
        }
        return ids
    }

    /// The receivables facts of `clients` (`nil`: every client).
    func facts(clients: [String]?) throws -> [ClientFacts] {
        var result: [ClientFacts] = []
        try self.forEachClient(clients) { result.append($0) }
        return result
    }

    /// Calls `body` with the receivables facts of each of `clients` (`nil`: every client, in id
    /// order), one client at a time so that a whole firm is never held in memory.
    func forEachClient(_ clients: [String]?, _ body: (ClientFacts) throws -> Void) throws {
        let decoder = WireDecoder()
        let kindList = Self.kinds.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        var current: (client: String, set: ClientRecordSet)?
        func flush() throws {
            if let current, let facts = self.mapper.facts(current.set) { try body(facts) }
        }
        let handle: (SQLiteRow) throws -> Void = { row in
            let client = try row.decode(String.self, at: 0)
            if current?.client != client {
                try flush()
                current = (client, ClientRecordSet())
            }
            try current?.set.add(kind: try row.decode(EntityKind.self, at: 1), payload: try row.decode([UInt8].self, at: 2), decoder: decoder)
        }
        if let clients {
            for client in clients {
                try self.connection.query(
                    "SELECT client, kind, payload FROM records WHERE owner = ? AND kind IN (\(kindList))",
                    client,
                    row: handle
                )
            }
        } else {
            try self.connection.query(
                "SELECT client, kind, payload FROM records WHERE owner > '' AND kind IN (\(kindList)) ORDER BY owner",
                row: handle
            )
        }
        try flush()
    }

    // MARK: - Today's items, cached

    /// The clients whose records changed after `sequence`, or `nil` when a deletion or a
    /// firm-level record (settings, strategies, collaborators …) changed since: then everything
    /// must be recomputed.
    /// (`+client` keeps the planner on the sequence index: without statistics it would scan the
    /// client index instead.)
    func changedClients(since sequence: Int64) throws -> [String]? {
        let deleted = try self.connection.fetchValue(Int64?.self, "SELECT sum(deleted) FROM ingestions WHERE sequence > ?", sequence) ?? nil
        guard (deleted ?? 0) == 0 else { return nil }
        let firmLevel = try self.connection.fetchValue(Int.self, "SELECT 1 FROM records WHERE sequence > ? AND +client IS NULL LIMIT 1", sequence)
        guard firmLevel == nil else { return nil }
        var clients: [String] = []
        try self.connection.query("SELECT DISTINCT client FROM records WHERE sequence > ? AND +client IS NOT NULL", sequence) { row in
            clients.append(try row.decode(String.self, at: 0))
        }
        return clients
    }

    /// The cache part of each client of `facts`.
    private func cached(_ facts: ClientFacts) -> SupervisorCache.Client {
        SupervisorCache.Client(
            items: Supervisor.items(of: CollectionOfOne(facts), strategies: self.strategies, settings: self.kpiSettings, asOf: self.today),
            lastContact: SupervisorPreview.lastContacts(CollectionOfOne(facts))[facts.client.id]
        )
    }

    /// Today's entry of `firm`: from `cache` when it is current, updated for the clients that
    /// changed since it was computed, or computed from the records; stored back in `cache`.
    func todayEntry(firm: FirmID, cache: SupervisorCache) throws -> SupervisorCache.Entry {
        if let entry = cache.entry(firm), entry.today == self.today, entry.sequence <= self.sequence {
            if entry.sequence == self.sequence { return entry }
            if let changed = try self.changedClients(since: entry.sequence) {
                var updated = entry
                updated.sequence = self.sequence
                for client in changed { updated.clients[client] = nil }
                try self.forEachClient(changed) { updated.clients[$0.client.id] = self.cached($0) }
                cache.store(updated, for: firm)
                return updated
            }
        }
        var entry = SupervisorCache.Entry(sequence: self.sequence, today: self.today, clients: [:])
        try self.forEachClient(nil) { entry.clients[$0.client.id] = self.cached($0) }
        cache.store(entry, for: firm)
        return entry
    }

    /// The supervisor items at `date` of the clients visible to `viewer` and selected by `filter`
    /// (by agent and client; the caller applies the rest of the filter), with the last contact of
    /// each of those clients. Items at today come from `cache` (whole firm) when given, unless
    /// the cache holds nothing for today and the selection is one agent's; other dates, or no
    /// cache, read only the selected clients.
    func items(
        viewer: SupervisorViewer,
        filter: SupervisorFilter,
        asOf date: CalendarDate,
        firm: FirmID,
        cache: SupervisorCache?
    ) throws -> (items: [SupervisorItem], lastContacts: [String: CalendarDate]) {
        guard viewer.seesAnything else { return ([], [:]) }
        var agent = filter.agent
        if let restricted = viewer.restrictedToAgent {
            // An agent filtering on another agent selects nothing.
            if let requested = agent, requested != restricted { return ([], [:]) }
            agent = restricted
        }
        var items: [SupervisorItem] = []
        var contacts: [String: CalendarDate] = [:]
        // One agent's clients are cheap to read; the whole firm is read once into the cache.
        if let cache, date == self.today, filter.client == nil, agent == nil || cache.entry(firm)?.today == self.today {
            let entry = try self.todayEntry(firm: firm, cache: cache)
            for client in entry.clients.keys.sorted() {
                // Every item of a client carries the client's agent.
                guard let part = entry.clients[client], let first = part.items.first else { continue }
                if let agent, first.agent != agent { continue }
                guard viewer.canSee(agent: first.agent) else { continue }
                items += part.items
                if let contact = part.lastContact { contacts[client] = contact }
            }
            return (items, contacts)
        }
        try self.forEachClient(try self.clientIDs(client: filter.client, agent: agent)) { facts in
            guard viewer.canSee(agent: facts.client.collectionAgent) else { return }
            if let agent, facts.client.collectionAgent != agent { return }
            items += Supervisor.items(of: CollectionOfOne(facts), strategies: self.strategies, settings: self.kpiSettings, asOf: date)
            if let contact = SupervisorPreview.lastContacts(CollectionOfOne(facts))[facts.client.id] { contacts[facts.client.id] = contact }
        }
        return (items, contacts)
    }
}
