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
        let decoder = WireDecoder()
        let kindList = Self.kinds.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        var result: [ClientFacts] = []
        var current: (client: String, set: ClientRecordSet)?
        func flush() {
            if let current, let facts = self.mapper.facts(current.set) { result.append(facts) }
        }
        let handle: (SQLiteRow) throws -> Void = { row in
            let client = try row.decode(String.self, at: 0)
            if current?.client != client {
                flush()
                current = (client, ClientRecordSet())
            }
            try current?.set.add(kind: try row.decode(EntityKind.self, at: 1), payload: try row.decode([UInt8].self, at: 2), decoder: decoder)
        }
        if let clients {
            for client in clients {
                try self.connection.query(
                    "SELECT client, kind, payload FROM records WHERE client = ? AND kind IN (\(kindList))",
                    client,
                    row: handle
                )
            }
        } else {
            try self.connection.query(
                "SELECT client, kind, payload FROM records WHERE client IS NOT NULL AND kind IN (\(kindList)) ORDER BY client",
                row: handle
            )
        }
        flush()
        return result
    }

    /// The supervisor items at `date` of the clients visible to `viewer` and selected by `filter`.
    func items(viewer: SupervisorViewer, filter: SupervisorFilter, asOf date: CalendarDate) throws -> (facts: [ClientFacts], items: [SupervisorItem]) {
        guard viewer.seesAnything else { return ([], []) }
        var agent = filter.agent
        if let restricted = viewer.restrictedToAgent {
            // An agent filtering on another agent selects nothing.
            if let requested = agent, requested != restricted { return ([], []) }
            agent = restricted
        }
        let facts = try self.facts(clients: try self.clientIDs(client: filter.client, agent: agent))
        let items = Supervisor.items(of: facts, strategies: self.strategies, settings: self.kpiSettings, asOf: date)
            .filter { viewer.canSee(agent: $0.agent) }
        return (facts, items)
    }
}
