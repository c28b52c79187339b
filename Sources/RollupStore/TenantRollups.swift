public import Foundation
public import KPI
internal import Rollups
public import PilotageProtocol
public import Storage
public import TenantStore
public import Wire

/// The rollup side of a firm's file, read and written through one connection inside the
/// caller's transaction: freshness, dirty partitions, client groups, the daily roll-over.
///
/// ```swift
/// let freshness = try await database.read { conn in try TenantRollups(connection: conn).freshness(today: today) }
/// ```
public struct TenantRollups {
    /// The connection, owned by the database's queue for the duration of the caller's closure.
    public let connection: SQLiteConnection

    /// Wraps a connection.
    public init(connection: SQLiteConnection) {
        self.connection = connection
    }

    // MARK: - Firm context

    /// The firm's settings record.
    public func settings() throws -> FirmSettingsRecord? {
        try TenantRecords(connection: self.connection).settings()
    }

    /// The first date the firm has data for: the earliest business date of a record that
    /// belongs to a client.
    public func firstDataDate() throws -> CalendarDate? {
        try self.connection.fetchValue(CalendarDate?.self, "SELECT min(first_date) FROM records WHERE client IS NOT NULL") ?? nil
    }

    /// The firm's fiscal-year start (calendar year by default).
    public func fiscalYearStart() throws -> FiscalYearStart {
        try self.settings().map { FiscalYearStart(month: $0.fiscalYearStartMonth, day: $0.fiscalYearStartDay) } ?? FiscalYearStart()
    }

    // MARK: - Client groups

    /// Every client group with at least one client, by id.
    public func groups() throws -> [StoredGroup] {
        var groups: [StoredGroup] = []
        try self.connection.query(
            """
            SELECT g.group_id, g.office, g.bookkeeping_mode, g.frequency, g.deactivated, g.collaborators, count(m.client)
            FROM client_groups g JOIN client_group_members m ON m.group_id = g.group_id
            GROUP BY g.group_id ORDER BY g.group_id
            """
        ) { row in
            groups.append(StoredGroup(id: try row.decode(Int64.self, at: 0), profile: try Self.profile(row), clients: try row.decode(Int.self, at: 6)))
        }
        return groups
    }

    /// The filter profile of each of `ids` (with or without clients), by id.
    public func profiles(ofGroups ids: Set<Int64>) throws -> [Int64: ClientProfile] {
        var profiles: [Int64: ClientProfile] = [:]
        for id in ids {
            try self.connection.query(
                "SELECT group_id, office, bookkeeping_mode, frequency, deactivated, collaborators FROM client_groups WHERE group_id = ?",
                id
            ) { row in
                profiles[id] = try Self.profile(row)
            }
        }
        return profiles
    }

    /// The profile of a `client_groups` row read as columns 1…5 (office, bookkeeping mode,
    /// frequency, deactivated, collaborators).
    private static func profile(_ row: SQLiteRow) throws -> ClientProfile {
        let collaborators = try row.decode(String.self, at: 5)
        let frequency = try row.decode(String?.self, at: 3).flatMap(SendingFrequency.init(rawValue:))
        return ClientProfile(
            office: try row.decode(String?.self, at: 1),
            bookkeepingMode: try row.decode(String.self, at: 2) == BookkeepingMode.client.rawValue ? .client : .firm,
            frequency: frequency.map(FactMapper.frequency) ?? .monthly,
            deactivated: try row.decode(Bool.self, at: 4),
            collaborators: Set(collaborators.split(separator: "\n", omittingEmptySubsequences: true).map(String.init))
        )
    }

    /// The clients of a group, by id.
    public func members(ofGroup group: Int64) throws -> [String] {
        try self.connection.fetchColumn(String.self, "SELECT client FROM client_group_members WHERE group_id = ? ORDER BY client", group)
    }

    // MARK: - Dirty partitions

    /// Partitions waiting for a worker.
    public func pendingCount() throws -> Int {
        try self.connection.fetchValue(Int.self, "SELECT count(*) FROM dirty_partitions") ?? 0
    }

    /// The oldest dirty partitions (by the age of their oldest change, then key).
    public func oldestDirty(limit: Int) throws -> [DirtyPartition] {
        try self.dirtyRows(
            "SELECT \(Self.dirtyColumns) FROM dirty_partitions ORDER BY dirtied_at, partition_key LIMIT ?",
            [.integer(Int64(limit))]
        )
    }

    /// The dirty partitions of one client group, oldest month first.
    public func dirty(group: Int64) throws -> [DirtyPartition] {
        // Keys of group 12 are `g12/…`: the range ['g12/', 'g120') holds exactly them ('/' < '0').
        try self.dirtyRows(
            "SELECT \(Self.dirtyColumns) FROM dirty_partitions WHERE partition_key >= ? AND partition_key < ? ORDER BY partition_key",
            [.text("g\(group)/"), .text("g\(group)0")]
        )
    }

    /// The dirty rows of some partitions, by key.
    public func dirty(keys: [String]) throws -> [String: DirtyPartition] {
        var result: [String: DirtyPartition] = [:]
        for key in keys {
            if let row = try self.dirtyRows("SELECT \(Self.dirtyColumns) FROM dirty_partitions WHERE partition_key = ?", [.text(key)]).first {
                result[key] = row
            }
        }
        return result
    }

    private static let dirtyColumns = "partition_key, dirty_sequence, first_dirty_sequence, generation, dirtied_at, dirty_from"

    private func dirtyRows(_ sql: String, _ arguments: [SQLiteValue]) throws -> [DirtyPartition] {
        var rows: [DirtyPartition] = []
        try self.connection.query(sql, arguments: arguments) { row in
            let key = try row.decode(String.self, at: 0)
            // A key this code did not write (a newer release, a manual edit) is skipped, never leased.
            guard let partition = RollupPartition(key: key) else { return }
            rows.append(
                DirtyPartition(
                    partition: partition,
                    dirtySequence: try row.decode(Int64.self, at: 1),
                    firstDirtySequence: try row.decode(Int64.self, at: 2),
                    generation: try row.decode(Int64.self, at: 3),
                    dirtiedAt: TenantTimestamp.parse(try row.decode(String.self, at: 4)) ?? Date(timeIntervalSince1970: 0),
                    from: try row.decode(CalendarDate?.self, at: 5)
                )
            )
        }
        return rows
    }

    /// The daily roll-over: for every client group, marks dirty the days its rows do not cover
    /// yet — from the day after the last business date its partitions were computed for, through
    /// `today` (normally just today; after a gateway downtime, every missed day, across months) —
    /// and the prospects partitions of the current and previous fiscal years computed for an
    /// earlier day (their as-of date moved). Bumps the generation of partitions already dirty,
    /// so that a commit computed for an earlier day does not clear them. Returns the number of
    /// partitions marked.
    @discardableResult
    public func rollOver(today: CalendarDate, now: Date = Date()) throws -> Int {
        let fiscalStart = try self.fiscalYearStart()
        let current = YearMonth(today)
        var marks: [(key: String, from: CalendarDate?)] = []
        for group in try self.connection.fetchColumn(Int64.self, "SELECT DISTINCT group_id FROM client_group_members ORDER BY group_id") {
            let computed = try self.connection.fetchValue(
                CalendarDate?.self,
                "SELECT max(computed_for) FROM partition_state WHERE partition_key >= ? AND partition_key < ?",
                "g\(group)/",
                "g\(group)0"
            ) ?? nil
            guard let computed else {
                // Never published: its dirty partitions (if any) cover it; make today's month exist.
                let key = RollupPartition.clientGroup(group: group, fiscalYear: fiscalStart.fiscalYear(of: current.firstDay), month: current).key
                marks.append((key, nil))
                continue
            }
            guard computed < today else { continue }
            let from = computed.adding(days: 1) ?? today
            for month in YearMonth.range(from: YearMonth(from), through: current) {
                let key = RollupPartition.clientGroup(group: group, fiscalYear: fiscalStart.fiscalYear(of: month.firstDay), month: month).key
                marks.append((key, month == YearMonth(from) ? from : nil))
            }
        }
        let currentYear = fiscalStart.fiscalYear(of: today)
        for year in [currentYear - 1, currentYear] {
            let key = RollupPartition.prospects(fiscalYear: year).key
            let computed = try self.connection.fetchValue(CalendarDate.self, "SELECT computed_for FROM partition_state WHERE partition_key = ?", key)
            if let computed, computed < today { marks.append((key, nil)) }
        }
        let last = try TenantRecords(connection: self.connection).lastSequence()
        let stamp = TenantTimestamp.format(now)
        for mark in marks {
            try self.connection.execute(
                """
                INSERT INTO dirty_partitions (partition_key, dirty_sequence, first_dirty_sequence, dirtied_at, generation, dirty_from)
                VALUES (?, ?, ?, ?, 1, ?)
                ON CONFLICT (partition_key) DO UPDATE SET generation = generation + 1,
                    dirty_from = CASE WHEN dirty_from IS NULL OR excluded.dirty_from IS NULL THEN NULL
                                      ELSE min(dirty_from, excluded.dirty_from) END
                """,
                mark.key,
                last,
                last + 1,
                stamp,
                mark.from
            )
        }
        return marks.count
    }

    // MARK: - Freshness

    /// The firm's freshness now (`today`: the firm's business date).
    public func freshness(today: CalendarDate) throws -> Freshness {
        let last = try TenantRecords(connection: self.connection).lastSequence()
        var pending = 0
        var firstDirty: Int64?
        var oldest: String?
        try self.connection.query("SELECT count(*), min(first_dirty_sequence), min(dirtied_at) FROM dirty_partitions") { row in
            pending = try row.decode(Int.self, at: 0)
            firstDirty = try row.decode(Int64?.self, at: 1)
            oldest = try row.decode(String?.self, at: 2)
        }
        let watermark = firstDirty.map { Swift.min(last, $0 - 1) } ?? last
        let committedAt =
            watermark > 0
            ? try self.connection.fetchValue(String.self, "SELECT committed_at FROM ingestions WHERE sequence = ?", watermark)
                .flatMap(TenantTimestamp.parse) : nil
        return Freshness(
            watermarkSequence: Swift.max(watermark, 0),
            watermarkCommittedAt: committedAt,
            lastSequence: last,
            pendingPartitions: pending,
            oldestPendingSince: oldest.flatMap(TenantTimestamp.parse),
            today: today
        )
    }

    /// The instant ingestion `sequence` was committed.
    public func committedAt(sequence: Int64) throws -> Date? {
        try self.connection.fetchValue(String.self, "SELECT committed_at FROM ingestions WHERE sequence = ?", sequence)
            .flatMap(TenantTimestamp.parse)
    }
}

/// A client group as a dashboard selects it.
public struct StoredGroup: Sendable, Hashable {
    /// `client_groups.group_id`.
    public var id: Int64
    /// The filter profile its clients share.
    public var profile: ClientProfile
    /// Number of clients.
    public var clients: Int

    /// Creates a value.
    public init(id: Int64, profile: ClientProfile, clients: Int) {
        self.id = id
        self.profile = profile
        self.clients = clients
    }
}
