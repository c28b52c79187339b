public import Foundation
internal import Ingestion
public import PilotageProtocol
public import Storage
public import Wire

/// Applies one ingestion batch to a firm's file, inside the caller's write transaction:
/// validation against the stored records, idempotent upserts (equal canonical bytes ⇒ unchanged),
/// deletions, references, client-group membership, dirty rollup partitions and the ingestion log.
///
/// A batch is one transaction: the caller runs ``ingest(_:options:connection:)`` inside
/// `Database.write`, so either everything below lands or nothing does, whatever happens to the
/// process.
public struct BatchWriter: Sendable {
    /// Limits on rows, ids, strings and dates.
    public var limits: IngestLimits
    /// The firm's current business date (rollups are materialised up to it).
    public var today: CalendarDate
    /// The instant recorded in the ingestion log.
    public var now: Date

    public init(limits: IngestLimits = .default, today: CalendarDate, now: Date = Date()) {
        self.limits = limits
        self.today = today
        self.now = now
    }

    /// Validates and applies `rows`; returns the report sent back to the client.
    public func ingest(_ rows: [IngestRow], options: IngestOptions, connection: SQLiteConnection) throws -> IngestReport {
        let records = TenantRecords(connection: connection)
        let batch = try BatchValidator(limits: self.limits).validate(rows, existing: records)
        var report = IngestReport(
            received: rows.count,
            rejected: batch.rejections.count,
            rejections: batch.rejections,
            dueDatesInferred: batch.dueDatesInferred
        )
        if options.allOrNothing, !batch.rejections.isEmpty {
            report.unchanged = 0
            return report
        }
        report.committed = true
        let sequence = try records.lastSequence() + 1
        var dirty = DirtyCollector()
        var changedSettings = false
        // Whether what dashboards derive from the groups may have changed: a group's members (a
        // client added, moved or deleted) or a collaborator (their names).
        var changedGroups = false

        for deletion in batch.deletions {
            guard let old = try self.storedRow(deletion.key, connection: connection) else { continue }
            try connection.execute("DELETE FROM records WHERE kind = ? AND id = ?", deletion.key.kind, deletion.key.id)
            try connection.execute("DELETE FROM record_references WHERE from_kind = ? AND from_id = ?", deletion.key.kind, deletion.key.id)
            if deletion.key.kind == .client {
                try connection.execute("DELETE FROM client_group_members WHERE client = ?", deletion.key.id)
            }
            if deletion.key.kind == .client || deletion.key.kind == .collaborator { changedGroups = true }
            try self.noteRemoval(key: deletion.key, from: old.client, sequence: sequence, connection: connection)
            try self.noteChange(key: deletion.key, old: old, new: nil, dirty: &dirty, records: records)
            report.deleted += 1
        }

        // Clients first, so that every other record finds its client's group.
        let ordered = batch.upserts.filter { $0.key.kind == .client } + batch.upserts.filter { $0.key.kind != .client }
        for upsert in ordered {
            let firstDate = try self.firstDate(of: upsert, records: records)
            // New records (the bulk of a first load) take one statement; only an existing id is
            // read back, to compare contents and to know what its old version dirtied.
            try connection.execute(
                """
                INSERT INTO records (owner, kind, id, client, payload, first_date, sequence) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (kind, id) DO NOTHING
                """,
                upsert.owningClient ?? "", upsert.key.kind, upsert.key.id, upsert.owningClient, upsert.payload, firstDate, sequence
            )
            var old: StoredRow?
            if connection.changes == 0 {
                old = try self.storedRow(upsert.key, connection: connection)
                if let old, old.payload == upsert.payload {
                    report.unchanged += 1
                    continue
                }
                try connection.execute(
                    "UPDATE records SET owner = ?, client = ?, payload = ?, first_date = ?, sequence = ? WHERE kind = ? AND id = ?",
                    upsert.owningClient ?? "", upsert.owningClient, upsert.payload, firstDate, sequence, upsert.key.kind, upsert.key.id
                )
                try connection.execute("DELETE FROM record_references WHERE from_kind = ? AND from_id = ?", upsert.key.kind, upsert.key.id)
                if let old, old.client != upsert.owningClient {
                    try self.noteRemoval(key: upsert.key, from: old.client, sequence: sequence, connection: connection)
                }
            }
            for reference in upsert.record.references {
                // A reference to the record's own owning client is implied by `records.client`
                // (``TenantRecords/referrers(of:id:)`` reads it there): no row needed.
                if reference.target.kind == .client, reference.target.id == upsert.owningClient { continue }
                try connection.execute(
                    "INSERT OR IGNORE INTO record_references (to_kind, to_id, from_kind, from_id, field) VALUES (?, ?, ?, ?, ?)",
                    reference.target.kind, reference.target.id, upsert.key.kind, upsert.key.id, Self.referenceField(reference.field)
                )
            }
            if let client = upsert.record as? ClientRecord {
                if try self.assignGroup(client, dirty: &dirty, connection: connection) { changedGroups = true }
            }
            if upsert.key.kind == .collaborator { changedGroups = true }
            if upsert.key.kind == .firmSettings { changedSettings = true }
            let newRow = StoredRow(client: upsert.owningClient, payload: upsert.payload, firstDate: firstDate)
            try self.noteChange(key: upsert.key, old: old, new: newRow, dirty: &dirty, records: records)
            report.landed += 1
        }
        report.unchanged += batch.noOps

        guard report.landed + report.deleted > 0 else {
            return report
        }
        let fiscalStart = try records.settings().map { FiscalYearStart(month: $0.fiscalYearStartMonth, day: $0.fiscalYearStartDay) } ?? FiscalYearStart()
        if changedSettings { try dirty.everything(connection: connection) }
        let partitions = try dirty.partitions(fiscalStart: fiscalStart, today: self.today, connection: connection)
        let stamp = TenantTimestamp.format(self.now)
        for mark in partitions {
            // `dirty_from` (the first affected day; NULL = the whole partition) only moves earlier.
            try connection.execute(
                """
                INSERT INTO dirty_partitions (partition_key, dirty_sequence, first_dirty_sequence, dirtied_at, dirty_from)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (partition_key) DO UPDATE SET dirty_sequence = excluded.dirty_sequence,
                    dirty_from = CASE WHEN dirty_from IS NULL OR excluded.dirty_from IS NULL THEN NULL
                                      ELSE min(dirty_from, excluded.dirty_from) END
                """,
                mark.partition.key, sequence, sequence, stamp, mark.from
            )
        }
        try connection.execute(
            "INSERT INTO ingestions (sequence, committed_at, source, received, landed, unchanged, deleted, rejected) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            sequence, stamp, options.source, report.received, report.landed, report.unchanged, report.deleted, report.rejected
        )
        if changedGroups {
            try connection.execute("UPDATE groups_changes SET sequence = ?", sequence)
        }
        report.sequence = sequence
        report.dirtyPartitions = partitions.count
        return report
    }

    /// References to array elements (`assigned_collaborators.2`) are stored under the array's name.
    static func referenceField(_ field: String) -> String {
        guard let dot = field.lastIndex(of: "."), field[field.index(after: dot)...].allSatisfy(\.isNumber) else { return field }
        return String(field[..<dot])
    }

    struct StoredRow: Equatable {
        var client: String?
        var payload: [UInt8]
        var firstDate: CalendarDate?
    }

    /// Logs that the record `key` left client `owner` (`nil`: a firm-level record, logged by no
    /// one) at ingestion `sequence`: a worker's cached copy of that client drops it.
    private func noteRemoval(key: RecordKey, from owner: String?, sequence: Int64, connection: SQLiteConnection) throws {
        guard let owner else { return }
        try connection.execute(
            "INSERT OR IGNORE INTO record_removals (sequence, owner, kind, id) VALUES (?, ?, ?, ?)",
            sequence, owner, key.kind, key.id
        )
    }

    private func storedRow(_ key: RecordKey, connection: SQLiteConnection) throws -> StoredRow? {
        try connection.fetchOne(StoredRowDecoding.self, "SELECT client, payload, first_date FROM records WHERE kind = ? AND id = ?", key.kind, key.id)?.row
    }

    /// The earliest business date a record affects. An allocation counts from the earlier of its
    /// matching date and its target's and source's own dates (its effective date is the later of
    /// the payment and the invoice, which may precede the day the matching was recorded).
    private func firstDate(of upsert: AcceptedRecord, records: TenantRecords) throws -> CalendarDate? {
        var dates = upsert.record.businessDates
        if let allocation = upsert.record as? AllocationRecord {
            for key in [RecordKey(allocation.targetEntityKind, allocation.target), RecordKey(.creditDocument, allocation.source)] {
                if let date = try records.connection.fetchValue(CalendarDate?.self, "SELECT first_date FROM records WHERE kind = ? AND id = ?", key.kind, key.id) ?? nil {
                    dates.append(date)
                }
            }
        }
        return dates.min()
    }

    private func noteChange(key: RecordKey, old: StoredRow?, new: StoredRow?, dirty: inout DirtyCollector, records: TenantRecords) throws {
        switch key.kind {
        case .deal, .offerDocument:
            for payload in [old?.payload, new?.payload].compactMap({ $0 }) {
                if let year = try self.fiscalYear(ofProspect: key.kind, payload: payload, records: records) {
                    dirty.prospectYears.insert(year)
                }
            }
        case .client:
            break  // handled by assignGroup
        default:
            for row in [old, new].compactMap({ $0 }) {
                guard let client = row.client else { continue }
                dirty.noteClient(client, from: row.firstDate ?? self.today)
            }
        }
    }

    private func fiscalYear(ofProspect kind: EntityKind, payload: [UInt8], records: TenantRecords) throws -> Int? {
        let decoder = WireDecoder()
        if kind == .deal {
            return try decoder.decode(DealRecord.self, from: payload).fiscalYear
        }
        let offer = try decoder.decode(OfferDocumentRecord.self, from: payload)
        return try records.record(DealRecord.self, id: offer.deal)?.fiscalYear
    }

    /// Puts `client` in the group of its profile (creating the group), and marks the old and new
    /// groups dirty from the client's earliest fact when the client changed; returns whether the
    /// client joined another group (a new client, or a new profile).
    private func assignGroup(_ client: ClientRecord, dirty: inout DirtyCollector, connection: SQLiteConnection) throws -> Bool {
        let profile = ClientGroupProfile(client)
        let text = profile.canonicalText
        try connection.execute(
            """
            INSERT OR IGNORE INTO client_groups (profile, office, bookkeeping_mode, frequency, deactivated, collaborators)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            text, profile.office, profile.bookkeepingMode.rawValue, profile.frequency?.rawValue, profile.deactivated,
            profile.collaborators.joined(separator: "\n")
        )
        guard let group = try connection.fetchValue(Int64.self, "SELECT group_id FROM client_groups WHERE profile = ?", text) else {
            throw TenantStoreError(code: .inconsistent, message: "client group for profile of client \(client.id) vanished")
        }
        let previous = try connection.fetchValue(Int64.self, "SELECT group_id FROM client_group_members WHERE client = ?", client.id)
        try connection.execute(
            "INSERT INTO client_group_members (client, group_id) VALUES (?, ?) ON CONFLICT (client) DO UPDATE SET group_id = excluded.group_id",
            client.id, group
        )
        let earliest = try connection.fetchValue(CalendarDate?.self, "SELECT min(first_date) FROM records WHERE owner = ?", client.id) ?? nil
        let from = earliest ?? self.today
        dirty.noteGroup(group, from: from)
        if let previous, previous != group { dirty.noteGroup(previous, from: from) }
        return previous != group
    }
}

private struct StoredRowDecoding: SQLiteRowDecodable {
    var row: BatchWriter.StoredRow

    init(row: SQLiteRow) throws {
        self.row = BatchWriter.StoredRow(
            client: try row.decode(String?.self, at: 0),
            payload: try row.decode([UInt8].self, at: 1),
            firstDate: try row.decode(CalendarDate?.self, at: 2)
        )
    }
}
