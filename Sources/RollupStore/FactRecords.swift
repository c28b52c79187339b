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
