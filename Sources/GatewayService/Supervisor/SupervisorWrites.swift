internal import Foundation
internal import KPI
internal import PilotageProtocol
internal import RPCCore
internal import ServerSupport
internal import Storage
internal import TenantStore
internal import Wire

/// The supervisor's writes, inside the caller's write transaction: records go through the
/// ingestion ``TenantStore/BatchWriter`` (so validation, idempotent upserts, the ingestion
/// sequence and dirty rollup partitions are exactly those of an ingested batch), and `Record` /
/// `Print` replies are kept per request id in `supervisor_requests` so a retried call returns the
/// first reply and writes nothing.
struct SupervisorWrites: Sendable {
    /// Limits of the record writer (those of ingestion).
    let limits: IngestLimits
    /// The firm's business clock.
    let clock: FirmClock

    // MARK: - Request ids

    /// Characters a request id may hold.
    private static let requestIDCharacters = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-")

    /// Checks a request id: 1–64 of `A–Z a–z 0–9 . _ : -`.
    static func validate(requestID: String) throws {
        guard (1...64).contains(requestID.utf8.count), requestID.allSatisfy({ Self.requestIDCharacters.contains($0) }) else {
            throw RPCError(
                code: .invalidArgument,
                message: "request_id must be 1 to 64 characters among A-Z a-z 0-9 . _ : - (got '\(requestID.prefix(80))')"
            )
        }
    }

    /// The digest that tells a retry (same request, same actor) from a reuse of the id.
    static func digest<Request: Encodable>(_ request: Request, actor: String) throws -> String {
        var hasher = SHA256()
        hasher.update(try WireEncoder().encode(request))
        hasher.update(Array("\u{0}\(actor)".utf8))
        return hasher.finalize().map { String($0, radix: 16) }.joined()
    }

    /// The stored reply of `requestID`, marked as replayed; `nil` for a new request id.
    ///
    /// - Throws: `ALREADY_EXISTS` when the id was used by another method, actor or request.
    static func storedReply<Reply: Decodable>(
        _ type: Reply.Type,
        requestID: String,
        method: String,
        digest: String,
        connection: SQLiteConnection
    ) throws -> Reply? {
        var stored: (method: String, digest: String, reply: [UInt8])?
        try connection.query("SELECT method, digest, reply FROM supervisor_requests WHERE request_id = ?", requestID) { row in
            stored = (try row.decode(String.self, at: 0), try row.decode(String.self, at: 1), try row.decode([UInt8].self, at: 2))
        }
        guard let stored else { return nil }
        guard stored.method == method, stored.digest == digest else {
            throw RPCError(
                code: .alreadyExists,
                message: "request_id '\(requestID)' was already used for another request (\(stored.method)); use a new id"
            )
        }
        return try WireDecoder().decode(type, from: stored.reply)
    }

    /// Keeps the reply of a request.
    func store<Reply: Encodable>(
        _ reply: Reply,
        requestID: String,
        method: String,
        actor: String,
        digest: String,
        sequence: Int64,
        connection: SQLiteConnection
    ) throws {
        try connection.execute(
            "INSERT INTO supervisor_requests (request_id, method, actor, digest, reply, sequence, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            requestID, method, actor, digest, try WireEncoder().encode(reply), sequence, TenantTimestamp.format(Date())
        )
    }

    // MARK: - Records

    /// The instant an action is recorded at: now, or, on a gateway with a fixed business date
    /// (tests, demos), the fixed date at 12:00 UTC plus the minutes and seconds of now, so the
    /// event's business date is the firm's today in any time zone within ±11 h.
    func instant(now: Date = Date()) -> Date {
        guard let fixed = self.clock.fixedToday else { return now }
        let midday = Double(fixed.daysSinceEpoch) * 86_400 + 12 * 3_600
        return Date(timeIntervalSince1970: midday + now.timeIntervalSince1970.truncatingRemainder(dividingBy: 3_600))
    }

    /// The id of the event a request records on an installment: `<request_id>/<installment>`, or
    /// `<request_id>/#<hash>` when that would exceed the id limit.
    func eventID(requestID: String, installment: String) -> String {
        let id = "\(requestID)/\(installment)"
        guard id.utf8.count > self.limits.maxIDBytes else { return id }
        let hash = SHA256.hash(Array(installment.utf8)).prefix(12).map { String($0, radix: 16) }.joined()
        return "\(requestID)/#\(hash)"
    }

    /// Writes `records` as one all-or-nothing batch through the ingestion record writer.
    ///
    /// - Throws: `INVALID_ARGUMENT` naming the first rejected row (nothing is written then).
    func write(_ records: [any IngestibleRecord], source: String, today: CalendarDate, connection: SQLiteConnection) throws -> IngestReport {
        let encoder = WireEncoder()
        let rows = try records.map { record in
            IngestRow(kind: type(of: record).entityKind, payload: Data(try encoder.encode(record)))
        }
        let report = try BatchWriter(limits: self.limits, today: today).ingest(
            rows,
            options: IngestOptions(allOrNothing: true, source: source),
            connection: connection
        )
        if let rejection = report.rejections.first {
            let what = "\(rejection.kind.rawValue) \(rejection.id ?? "#\(rejection.index)")"
            throw RPCError(
                code: .invalidArgument,
                message: "\(what)\(rejection.field.map { " field \($0)" } ?? ""): \(rejection.reason.rawValue): \(rejection.message)"
            )
        }
        return report
    }

    /// The protocol record of a KPI event.
    static func record(_ event: CollectionEventFact) -> CollectionEventRecord {
        CollectionEventRecord(
            id: event.id,
            installment: event.installment,
            actionCode: event.actionCode,
            outcome: CollectionOutcome(rawValue: event.outcome.rawValue) ?? .validated,
            replacementCode: event.replacementCode,
            actor: event.actor,
            at: event.at,
            note: event.note
        )
    }

    /// The message of a stored event.
    static func message(_ record: CollectionEventRecord) -> CollectionEventMessage {
        CollectionEventMessage(
            id: record.id,
            installment: record.installment,
            actionCode: record.actionCode,
            outcome: record.outcome,
            replacementCode: record.replacementCode,
            actor: record.actor,
            at: record.at,
            note: record.note
        )
    }

    /// The message of an event fact.
    static func message(_ event: CollectionEventFact) -> CollectionEventMessage {
        Self.message(Self.record(event))
    }
}

// MARK: - Selections

extension SupervisorSnapshot {
    /// The items a `Record`/`Print` selection names, at today.
    struct Selection {
        /// Items to act on, in selection order.
        var items: [SupervisorItem] = []
        /// Items refused, with the reason.
        var refused: [RefusedItemMessage] = []
    }

    /// Resolves installment ids to today's items.
    ///
    /// - Throws: `PERMISSION_DENIED` when any selected installment belongs to a client the viewer
    ///   does not see (nothing is acted on then).
    func select(_ ids: [String], viewer: SupervisorViewer, requireAction: Bool) throws -> Selection {
        var owners: [String: String] = [:]
        for id in Set(ids) {
            if let client = try self.connection.fetchValue(String?.self, "SELECT client FROM records WHERE kind = 'installment' AND id = ?", id) ?? nil {
                owners[id] = client
            }
        }
        let clients = Array(Set(owners.values)).sorted()
        let facts = try self.facts(clients: clients)
        for client in facts.map(\.client) where !viewer.canSee(agent: client.collectionAgent) {
            let who = viewer.collaborator?.id ?? "?"
            throw RPCError(
                code: .permissionDenied,
                message: "'\(who)' may not act on the items of client \(client.id) (collection agent: \(client.collectionAgent ?? "none"))"
            )
        }
        var byID: [String: SupervisorItem] = [:]
        for item in Supervisor.items(of: facts, strategies: self.strategies, settings: self.kpiSettings, asOf: self.today)
        where item.kind == .installment {
            byID[item.id] = item
        }
        var selection = Selection()
        var seen: Set<String> = []
        for id in ids {
            guard seen.insert(id).inserted else {
                selection.refused.append(RefusedItemMessage(installment: id, reason: "DUPLICATE", message: "listed more than once"))
                continue
            }
            guard let item = byID[id] else {
                let message = owners[id] == nil ? "no installment with this id" : "the installment is not open at \(self.today)"
                selection.refused.append(RefusedItemMessage(installment: id, reason: "NOT_FOUND", message: message))
                continue
            }
            if requireAction, item.nextAction == nil {
                selection.refused.append(
                    RefusedItemMessage(installment: id, reason: "NO_PENDING_ACTION", message: "every applicable action already has an outcome")
                )
                continue
            }
            selection.items.append(item)
        }
        return selection
    }
}
