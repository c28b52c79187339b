internal import Foundation
public import KPI
public import PilotageProtocol
public import Rollups
public import Storage
internal import TenantStore
public import Wire

/// Reads the raw records rollups are computed from: those of a set of clients (the facts stream
/// of a client-group batch, and verification mode), and the firm-level prospects records.
public struct FactRecords {
    /// The connection, owned by the caller's transaction.
    public let connection: SQLiteConnection

    /// Wraps a connection.
    public init(connection: SQLiteConnection) {
        self.connection = connection
    }

    /// The stored records of `client` whose earliest business date is on or before `through`
    /// (`nil`: all), the client's own record included.
    public func records(ofClient client: String, through: CalendarDate?) throws -> [StoredRecord] {
        var records: [StoredRecord] = []
        let sql =
            through == nil
            ? "SELECT kind, payload FROM records WHERE owner = ?1"
            : "SELECT kind, payload FROM records WHERE owner = ?1 AND (first_date IS NULL OR first_date <= ?2)"
        var arguments: [SQLiteValue] = [.text(client)]
        if let through { arguments.append(.integer(Int64(through.daysSinceEpoch))) }
        try self.connection.query(sql, arguments: arguments) { row in
            records.append(
                StoredRecord(kind: try row.decode(EntityKind.self, at: 0), client: client, payload: Data(try row.decode([UInt8].self, at: 1)))
            )
        }
        return records
    }

    /// Every stored record of `client` with its id and first date (a keyed facts stream), by
    /// kind then id.
    public func keyedRecords(ofClient client: String) throws -> [StoredRecord] {
        var records: [StoredRecord] = []
        try self.connection.query(
            "SELECT kind, id, payload, first_date FROM records WHERE owner = ? ORDER BY kind, id",
            arguments: [.text(client)]
        ) { row in
            records.append(
                StoredRecord(
                    kind: try row.decode(EntityKind.self, at: 0),
                    client: client,
                    payload: Data(try row.decode([UInt8].self, at: 2)),
                    id: try row.decode(String.self, at: 1),
                    firstDate: try row.decode(CalendarDate?.self, at: 3)
                )
            )
        }
        return records
    }

    /// The version of the firm's records this transaction reads: its last ingestion.
    public func recordsVersion() throws -> RecordsVersion {
        let last = try self.connection.fetchOne(
            VersionRow.self, "SELECT sequence, committed_at FROM ingestions ORDER BY sequence DESC LIMIT 1"
        )
        return RecordsVersion(sequence: last?.sequence ?? 0, committedAt: last?.committedAt ?? "")
    }

    /// Whether `version` is one of this file's versions: its ingestion is in the log with the
    /// same commit instant (sequence 0: before any ingestion). A version of another file — a
    /// restored copy, a firm deleted and created again — is not.
    public func hasVersion(_ version: RecordsVersion) throws -> Bool {
        guard version.sequence > 0 else { return version.sequence == 0 }
        let committedAt = try self.connection.fetchValue(String?.self, "SELECT committed_at FROM ingestions WHERE sequence = ?", version.sequence) ?? nil
        return committedAt == version.committedAt
    }

    /// Which member clients a worker holding `known` gets as changes, with the sequence of the
    /// version it holds each at, and those changes (``changes(since:limit:)``). A client held
    /// at a version that is not this file's (``hasVersion(_:)``) is sent whole; so are the
    /// clients with the most changes when the clients' changes add up to more than `limit`
    /// records (a client the worker has not needed for long, or that was re-imported, does not
    /// make the other clients of the batch whole).
    public func changes(known: [KnownRecords], members: [String], limit: Int) throws -> (since: [String: Int64], changes: [StoredRecord]) {
        let memberSet = Set(members)
        var held: [(client: String, sequence: Int64, changes: Int)] = []
        var seen: Set<String> = []
        for version in known.sorted(by: { $0.asOf.sequence > $1.asOf.sequence }) where try self.hasVersion(version.asOf) {
            for client in version.clients where memberSet.contains(client) && seen.insert(client).inserted {
                held.append((client, version.asOf.sequence, try self.changeCount(of: client, after: version.asOf.sequence)))
            }
        }
        var since: [String: Int64] = [:]
        var total = 0
        for client in held.sorted(by: { ($0.changes, $0.client) < ($1.changes, $1.client) }) {
            guard total + client.changes <= limit else { break }
            total += client.changes
            since[client.client] = client.sequence
        }
        guard !since.isEmpty, let changes = try self.changes(since: since, limit: limit) else { return ([:], []) }
        return (since, changes)
    }

    /// How many of `client`'s records were added, rewritten or removed by the ingestions after
    /// `after` (two index ranges of the client: `records_by_owner_sequence` and
    /// `record_removals_by_owner`, tenant schema v13).
    public func changeCount(of client: String, after: Int64) throws -> Int {
        let written = try self.connection.fetchValue(Int.self, "SELECT count(*) FROM records WHERE owner = ? AND sequence > ?", client, after) ?? 0
        let removed = try self.connection.fetchValue(Int.self, "SELECT count(*) FROM record_removals WHERE owner = ? AND sequence > ?", client, after) ?? 0
        return written + removed
    }

    /// What changed for each client of `since` after its sequence there: the records that left
    /// it (``StoredRecord/removed``), then those added or rewritten, with ids and first dates,
    /// clients in id order. Each client's changes are read from its own index ranges (tenant
    /// schema v13). `nil` when the clients' changes add up to more than `limit` records
    /// (sending the clients whole is then cheaper).
    public func changes(since: [String: Int64], limit: Int) throws -> [StoredRecord]? {
        var result: [StoredRecord] = []
        for (client, after) in since.sorted(by: { $0.key < $1.key }) {
            try self.connection.query(
                "SELECT kind, id FROM record_removals WHERE owner = ? AND sequence > ? ORDER BY sequence, kind, id",
                arguments: [.text(client), .integer(after)]
            ) { row in
                result.append(
                    StoredRecord(kind: try row.decode(EntityKind.self, at: 0), client: client, payload: Data(), id: try row.decode(String.self, at: 1), removed: true)
                )
            }
            guard result.count <= limit else { return nil }
            try self.connection.query(
                "SELECT kind, id, payload, first_date FROM records WHERE owner = ? AND sequence > ? ORDER BY sequence, kind, id",
                arguments: [.text(client), .integer(after)]
            ) { row in
                result.append(
                    StoredRecord(
                        kind: try row.decode(EntityKind.self, at: 0),
                        client: client,
                        payload: Data(try row.decode([UInt8].self, at: 2)),
                        id: try row.decode(String.self, at: 1),
                        firstDate: try row.decode(CalendarDate?.self, at: 3)
                    )
                )
            }
            guard result.count <= limit else { return nil }
        }
        return result
    }

    /// The facts of `clients` (every record, whatever its date), mapped with `mapper`; clients
    /// without a client record are skipped.
    public func clientFacts(_ clients: [String], mapper: FactMapper) throws -> [ClientFacts] {
        let decoder = WireDecoder()
        var result: [ClientFacts] = []
        result.reserveCapacity(clients.count)
        for client in clients {
            var set = ClientRecordSet()
            for record in try self.records(ofClient: client, through: nil) {
                try set.add(kind: record.kind, payload: [UInt8](record.payload), decoder: decoder)
            }
            if let facts = mapper.facts(set) { result.append(facts) }
        }
        return result
    }

    /// Every record of the given firm-level kinds (deals, offers, collaborators, units), by kind then id.
    public func firmRecords(kinds: [EntityKind]) throws -> [StoredRecord] {
        var records: [StoredRecord] = []
        for kind in kinds {
            try self.connection.query("SELECT payload FROM records WHERE kind = ? ORDER BY id", kind) { row in
                records.append(StoredRecord(kind: kind, client: nil, payload: Data(try row.decode([UInt8].self, at: 0))))
            }
        }
        return records
    }
}

/// The last row of the ingestion log.
private struct VersionRow: SQLiteRowDecodable {
    var sequence: Int64
    var committedAt: String

    init(row: SQLiteRow) throws {
        self.sequence = try row.decode(Int64.self, at: 0)
        self.committedAt = try row.decode(String.self, at: 1)
    }
}
