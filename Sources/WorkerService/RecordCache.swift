package import PilotageProtocol
package import Rollups
internal import ServerSupport

/// The decoded records a worker keeps between batches, per firm and client, with the version of
/// the firm's records they reflect, so that the next batch over the same clients asks only for
/// what changed since (``PilotageProtocol/FetchFactsRequest/known``) instead of streaming and
/// decoding their whole history again.
///
/// Bounded by a number of records: past it, the clients used least recently are dropped (they
/// are fetched whole next time). The cache also remembers each group's clients from the last
/// facts header, to know which clients a batch of groups will need before asking.
///
/// Thread-safe: the worker's loops share it; every critical section is a dictionary look-up or
/// update (the records themselves are copy-on-write values).
package final class RecordCache: Sendable {
    private struct Entry {
        var records: KeyedClientRecords
        var asOf: RecordsVersion
        var lastUse: UInt64
    }

    private struct Firm {
        var clients: [String: Entry] = [:]
        var members: [Int64: [String]] = [:]
    }

    private struct State {
        var firms: [String: Firm] = [:]
        var records = 0
        var clock: UInt64 = 0
    }

    /// Most records held (0: the cache is off).
    package let capacity: Int
    private let state = LockedValueBox(State())

    /// A cache of at most `capacity` records (0: off, every batch fetches its clients whole).
    package init(capacity: Int) {
        self.capacity = max(capacity, 0)
    }

    /// Whether the cache keeps anything.
    package var isEnabled: Bool { self.capacity > 0 }

    /// Records held, and clients.
    package var size: (records: Int, clients: Int) {
        self.state.withLock { state in (state.records, state.firms.values.reduce(0) { $0 + $1.clients.count }) }
    }

    /// What the cache holds of the clients of `groups` (as their last header listed them): the
    /// request's ``PilotageProtocol/KnownRecords``, and the records themselves, by client, which
    /// the batch applies the changes to (taken now: a later eviction does not affect them).
    package func known(firm: String, groups: [Int64]) -> (known: [KnownRecords], records: [String: KeyedClientRecords]) {
        guard self.isEnabled else { return ([], [:]) }
        return self.state.withLock { state in
            state.clock += 1
            let now = state.clock
            // Read first, then touch in place (a local copy of the firm would copy its dictionaries).
            let (known, records) = Self.held(state.firms[firm], groups: groups)
            for client in records.keys { state.firms[firm]?.clients[client]?.lastUse = now }
            return (known, records)
        }
    }

    private static func held(_ firm: Firm?, groups: [Int64]) -> (known: [KnownRecords], records: [String: KeyedClientRecords]) {
        guard let firm else { return ([], [:]) }
        var byVersion: [RecordsVersion: [String]] = [:]
        var records: [String: KeyedClientRecords] = [:]
        for group in groups {
            for client in firm.members[group] ?? [] {
                guard let entry = firm.clients[client], records[client] == nil else { continue }
                records[client] = entry.records
                byVersion[entry.asOf, default: []].append(client)
            }
        }
        let known = byVersion.map { KnownRecords(asOf: $0.key, clients: $0.value) }.sorted { $0.asOf.sequence < $1.asOf.sequence }
        return (known, records)
    }

    /// Keeps the records of `clients` as of `asOf`, and the groups' members, then drops the
    /// least recently used clients while the cache holds more than its capacity. The last
    /// store of a client wins: two batches over the same client store versions that are both
    /// true, and the older one only makes the next changes larger.
    package func store(firm: String, groups: [GroupMembers], clients: [String: KeyedClientRecords], asOf: RecordsVersion) {
        guard self.isEnabled else { return }
        self.state.withLock { state in
            state.clock += 1
            let now = state.clock
            if state.firms[firm] == nil { state.firms[firm] = Firm() }
            for group in groups { state.firms[firm]?.members[group.groupID] = group.clients }
            for (client, records) in clients {
                if let existing = state.firms[firm]?.clients[client] { state.records -= existing.records.count }
                state.firms[firm]?.clients[client] = Entry(records: records, asOf: asOf, lastUse: now)
                state.records += records.count
            }
            if state.records > self.capacity { Self.evict(&state, to: self.capacity - self.capacity / 10) }
        }
    }

    /// Drops the clients used least recently, of any firm, until at most `target` records remain.
    private static func evict(_ state: inout State, to target: Int) {
        var candidates: [(lastUse: UInt64, firm: String, client: String, count: Int)] = []
        for (firm, cached) in state.firms {
            for (client, entry) in cached.clients { candidates.append((entry.lastUse, firm, client, entry.records.count)) }
        }
        candidates.sort { $0.lastUse < $1.lastUse }
        for candidate in candidates {
            guard state.records > target else { break }
            state.firms[candidate.firm]?.clients[candidate.client] = nil
            state.records -= candidate.count
        }
        for (firm, cached) in state.firms where cached.clients.isEmpty { state.firms[firm] = nil }
    }
}
