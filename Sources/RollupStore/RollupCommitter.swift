public import Foundation
public import PilotageProtocol
internal import Rollups
public import Storage
public import TenantStore
public import Wire

/// Publishes a worker's rollups into a firm's file, inside the caller's write transaction, so
/// that a reader sees every row of a batch or none of them (design.md "Rollups and freshness").
///
/// For each partition of the batch:
/// 1. **fencing**: `PartitionFence.advance` refuses a token older than one already committed
///    for the partition (`StorageError.staleFence`) — a stale holder can never overwrite a newer
///    holder's rows, whatever the catalog said a moment earlier;
/// 2. its rows are replaced (deleted and inserted) and `partition_state` records what was
///    published;
/// 3. its dirty mark is cleared **only if** its `dirty_sequence` and `generation` are still the
///    ones the lease saw; otherwise an ingestion (or the daily roll-over) dirtied it again while
///    it was computed: it stays dirty, and its `first_dirty_sequence` moves past what the
///    commit reflects.
///
/// Any error rolls the whole transaction back: nothing of the batch is published.
public enum RollupCommitter {
    /// A partition published and no longer dirty, with what the lag metrics need.
    public struct Published: Sendable, Hashable {
        /// The partition.
        public var partition: RollupPartition
        /// When the oldest change it now reflects was made.
        public var changedAt: Date
        /// Whether that change was an ingestion (not only the daily roll-over).
        public var isIngestion: Bool
    }

    /// What a commit did.
    public struct Outcome: Sendable, Hashable {
        /// Partitions published and clean.
        public var published: [Published] = []
        /// Partitions published but dirty again.
        public var stillDirty: [String] = []
        /// Rows written.
        public var rows = 0
    }

    /// Applies a commit. `rollups` holds the rows by partition key (chunks already merged).
    ///
    /// - Throws: `StorageError` `.staleFence` for a stale token, ``RollupStoreError``
    ///   `.invalidCommit` for rows that do not belong to their partition; SQLite errors.
    public static func apply(
        partitions: [LeasedPartition],
        rollups: [String: PartitionRollup],
        fingerprint: String,
        computedFor today: CalendarDate,
        now: Date,
        connection: SQLiteConnection
    ) throws -> Outcome {
        let keys = Set(partitions.map(\.key))
        if let stranger = rollups.keys.first(where: { !keys.contains($0) }) {
            throw RollupStoreError(code: .invalidCommit, message: "rows for partition \(stranger), which is not in the batch")
        }
        let rollupsView = TenantRollups(connection: connection)
        let lastSequence = try TenantRecords(connection: connection).lastSequence()
        var outcome = Outcome()
        let groups = Set(
            partitions.compactMap { leased -> Int64? in
                guard case .clientGroup(let group, _, _) = RollupPartition(key: leased.key) else { return nil }
                return group
            }
        )
        let sliceKeys = try rollupsView.profiles(ofGroups: groups).mapValues(RollupSlices.keys(of:))
        let firstDaysBefore = try Self.firstDays(of: groups, connection: connection)
        var slices = SliceDeltas()
        for leased in partitions {
            guard let partition = RollupPartition(key: leased.key) else {
                throw RollupStoreError(code: .invalidCommit, message: "\(leased.key) is not a partition key")
            }
            try PartitionFence.advance(connection, partition: leased.key, to: leased.fencingToken)
            let rollup = rollups[leased.key] ?? PartitionRollup(key: leased.key)
            try self.validate(rollup, of: partition, from: leased.from, today: today)
            try self.replaceRows(of: partition, with: rollup, from: leased.from, today: today, slices: &slices, sliceKeys: sliceKeys, connection: connection)
            outcome.rows += rollup.rowCount
            try connection.execute(
                """
                INSERT INTO partition_state (partition_key, published_sequence, published_at, fingerprint, fencing_token, computed_for, row_count)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (partition_key) DO UPDATE SET
                    published_sequence = excluded.published_sequence, published_at = excluded.published_at,
                    fingerprint = excluded.fingerprint, fencing_token = excluded.fencing_token,
                    computed_for = excluded.computed_for, row_count = excluded.row_count
                """,
                leased.key,
                leased.dirtySequence,
                now,
                fingerprint,
                leased.fencingToken,
                today,
                rollup.rowCount
            )
            guard let dirty = try rollupsView.dirty(keys: [leased.key])[leased.key] else {
                // Already clean (published by an earlier holder of the same changes).
                continue
            }
            if dirty.dirtySequence == leased.dirtySequence && dirty.generation == leased.generation {
                try connection.execute(
                    "DELETE FROM dirty_partitions WHERE partition_key = ? AND dirty_sequence = ? AND generation = ?",
                    leased.key,
                    leased.dirtySequence,
                    leased.generation
                )
                outcome.published.append(
                    Published(
                        partition: partition,
                        changedAt: dirty.dirtiedAt,
                        isIngestion: dirty.firstDirtySequence <= lastSequence
                    )
                )
            } else {
                // Dirtied again while computed: everything up to the lease's sequence is in now.
                let next = leased.dirtySequence + 1
                let changedAt: Date
                if dirty.dirtySequence > leased.dirtySequence, let committed = try rollupsView.committedAt(sequence: next) {
                    changedAt = Swift.max(committed, dirty.dirtiedAt)
                } else {
                    changedAt = now
                }
                try connection.execute(
                    "UPDATE dirty_partitions SET first_dirty_sequence = max(first_dirty_sequence, ?), dirtied_at = ? WHERE partition_key = ?",
                    next,
                    TenantTimestamp.format(changedAt),
                    leased.key
                )
                outcome.stillDirty.append(leased.key)
            }
        }
        try slices.apply(connection: connection)
        let firstDayChanged = try Self.firstDays(of: groups, connection: connection) != firstDaysBefore
        try connection.execute(
            "UPDATE rollup_commits SET commits = commits + 1, first_day_changes = first_day_changes + ?",
            firstDayChanged ? 1 : 0
        )
        return outcome
    }

    /// The first day of each group's day rows (absent: no row), one index seek per group: a
    /// commit that changes one bumps `first_day_changes`, which keys what gateways cache of them.
    private static func firstDays(of groups: Set<Int64>, connection: SQLiteConnection) throws -> [Int64: CalendarDate] {
        var days: [Int64: CalendarDate] = [:]
        for group in groups {
            days[group] = try connection.fetchValue(CalendarDate?.self, "SELECT min(day) FROM rollup_days WHERE group_id = ?", group) ?? nil
        }
        return days
    }

    private static func validate(_ rollup: PartitionRollup, of partition: RollupPartition, from: CalendarDate?, today: CalendarDate) throws {
        func fail(_ message: String) -> RollupStoreError {
            RollupStoreError(code: .invalidCommit, message: "\(partition.key): \(message)")
        }
        switch partition {
        case .clientGroup(_, _, let month):
            let first = Swift.max(month.firstDay, from ?? month.firstDay)
            let last = month.firstDay.lastOfMonth
            guard rollup.prospects.isEmpty, (rollup.prospectDocuments ?? []).isEmpty else {
                throw fail("prospect rows in a client-group partition")
            }
            for day in rollup.days where day.day < first || day.day > last || day.day > today {
                throw fail("day row \(day.day) outside \(first)…\(last) up to \(today)")
            }
            for row in rollup.clients ?? [] where row.day < first || row.day > last || row.day > today {
                throw fail("client row \(row.client) at \(row.day) outside \(first)…\(last) up to \(today)")
            }
            for row in rollup.months where row.month != month.firstDay {
                throw fail("month row \(row.month) is not \(month.firstDay)")
            }
            for period in rollup.periods {
                switch period.kind {
                case .collectionRate:
                    guard period.start >= month.firstDay, period.start <= last, period.start <= period.end, period.end >= first,
                        period.end <= today
                    else {
                        throw fail("collection-rate period \(period.start)…\(period.end) outside \(month) up to \(today)")
                    }
                case .forecast:
                    guard period.start == today, period.end == today, today >= first, today <= last else {
                        throw fail("forecast at \(period.end) is not at today (\(today)) in \(month)")
                    }
                case .windowFlow:
                    guard period.start == period.end, period.end >= first, period.end <= last, period.end <= today else {
                        throw fail("window flow \(period.start)…\(period.end) is not one day of \(first)…\(last) up to \(today)")
                    }
                }
            }
            // Dashboards read the window flow of every day (sections): a worker that does not
            // write them (an older version) must not publish.
            let windowDays = Set(rollup.periods.filter { $0.kind == .windowFlow }.map(\.end))
            if let missing = rollup.days.first(where: { !windowDays.contains($0.day) }) {
                throw fail("no WINDOW_FLOW row for day \(missing.day) (a worker older than this gateway?)")
            }
        case .prospects:
            guard rollup.days.isEmpty, rollup.months.isEmpty, rollup.periods.isEmpty else {
                throw fail("client-group rows in a prospects partition")
            }
        }
    }

    /// Every period kind, as an SQL list: the conditions on `rollup_periods` name the kind so that
    /// its primary key `(group_id, kind, start_day, end_day)` seeks the days asked for (without
    /// it, every period row of the group — two per day of its history — was read).
    static let periodKinds = RollupPeriodKind.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")

    /// Replaces the partition's rows: the days from `from` (the whole month without it), their
    /// period rows, and the month row; what changes in the summed rows is added to the
    /// group's slices (`slices`).
    private static func replaceRows(
        of partition: RollupPartition,
        with rollup: PartitionRollup,
        from: CalendarDate?,
        today: CalendarDate,
        slices: inout SliceDeltas,
        sliceKeys: [Int64: [String]],
        connection: SQLiteConnection
    ) throws {
        switch partition {
        case .clientGroup(let group, _, let month):
            let first = Swift.max(month.firstDay, from ?? month.firstDay)
            let last = month.firstDay.lastOfMonth
            let isCurrentMonth = today >= month.firstDay && today <= last
            let keys = sliceKeys[group] ?? []
            if !keys.isEmpty {
                try self.noteReplacedRows(
                    group: group,
                    month: month.firstDay,
                    first: first,
                    last: last,
                    isCurrentMonth: isCurrentMonth,
                    rollup: rollup,
                    slices: &slices,
                    keys: keys,
                    connection: connection
                )
            }
            try connection.execute("DELETE FROM rollup_days WHERE group_id = ? AND day BETWEEN ? AND ?", group, first, last)
            try connection.execute("DELETE FROM rollup_months WHERE group_id = ? AND month = ?", group, month.firstDay)
            try connection.execute("DELETE FROM rollup_clients WHERE group_id = ? AND day BETWEEN ? AND ?", group, first, last)
            try connection.execute(
                "DELETE FROM rollup_periods WHERE group_id = ? AND kind IN (\(Self.periodKinds)) AND start_day BETWEEN ? AND ? AND end_day >= ?",
                group,
                month.firstDay,
                last,
                first
            )
            if isCurrentMonth {
                // Only the forecast at the current date is kept.
                try connection.execute("DELETE FROM rollup_periods WHERE group_id = ? AND kind = ?", group, RollupPeriodKind.forecast.rawValue)
                // Client rows of past months are kept at month ends only (the days of a month
                // were kept while it was the current one). A partition recomputed from a day of
                // the month looks at the previous month only (the months before were cleaned
                // when they were left); a whole month recomputed looks at every earlier day.
                let oldest = from == nil ? CalendarDate.min : month.firstDay.advanced(by: -1).firstOfMonth
                try connection.execute(
                    """
                    DELETE FROM rollup_clients WHERE group_id = ? AND day >= ? AND day < ?
                        AND strftime('%d', (day + 1) * 86400, 'unixepoch') <> '01'
                    """,
                    group,
                    oldest,
                    month.firstDay
                )
            }
            for day in rollup.days {
                try connection.execute(
                    """
                    INSERT INTO rollup_days (group_id, day, receivables_snapshot, receivables_flow, practice_snapshot, practice_flow)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                    group,
                    day.day,
                    [UInt8](day.receivablesSnapshot),
                    day.receivablesFlow.map { [UInt8]($0) },
                    [UInt8](day.practiceSnapshot),
                    day.practiceFlow.map { [UInt8]($0) }
                )
            }
            for row in rollup.clients ?? [] {
                try connection.execute(
                    "INSERT INTO rollup_clients (group_id, client, day, receivables, practice) VALUES (?, ?, ?, ?, ?)",
                    group,
                    row.client,
                    row.day,
                    [UInt8](row.receivables),
                    [UInt8](row.practice)
                )
            }
            for row in rollup.months {
                try connection.execute(
                    "INSERT INTO rollup_months (group_id, month, receivables_flow, practice_flow) VALUES (?, ?, ?, ?)",
                    group,
                    row.month,
                    [UInt8](row.receivablesFlow),
                    [UInt8](row.practiceFlow)
                )
            }
            for period in rollup.periods {
                try connection.execute(
                    "INSERT INTO rollup_periods (group_id, kind, start_day, end_day, parts) VALUES (?, ?, ?, ?, ?)",
                    group,
                    period.kind.rawValue,
                    period.start,
                    period.end,
                    [UInt8](period.parts)
                )
            }
        case .prospects(let fiscalYear):
            try connection.execute("DELETE FROM rollup_prospects WHERE fiscal_year = ?", fiscalYear)
            try connection.execute("DELETE FROM rollup_prospect_documents WHERE fiscal_year = ?", fiscalYear)
            for row in rollup.prospects {
                try connection.execute(
                    """
                    INSERT INTO rollup_prospects (fiscal_year, as_of, deal, organisation_unit, team, parts, prospect_name, signatory)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    fiscalYear,
                    row.asOf,
                    row.deal,
                    row.organisationUnit,
                    row.team.joined(separator: "\n"),
                    [UInt8](row.parts),
                    row.prospectName,
                    row.signatory
                )
            }
            for document in rollup.prospectDocuments ?? [] {
                try connection.execute(
                    """
                    INSERT INTO rollup_prospect_documents (fiscal_year, as_of, offer, deal, type, template, status,
                        fees_recurring, fees_exceptional, sent_on, signed_on, status_on)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    fiscalYear,
                    document.asOf,
                    document.offer,
                    document.deal,
                    document.type,
                    document.template,
                    document.status,
                    document.feesRecurring,
                    document.feesExceptional,
                    document.sentOn,
                    document.signedOn,
                    document.statusOn
                )
            }
        }
    }

    /// Reports to `slices` the day, month and period rows `replaceRows` is about to delete (exactly its
    /// `DELETE` conditions) and the ones it inserts. A row inserted with the same key and the
    /// same bytes as the row it replaces changes no slice and is reported on neither side: a
    /// recomputation mostly rewrites identical history (a month dirtied from today keeps its
    /// earlier days), and a slice row costs a read, a decode, an encode and a write per slice.
    private static func noteReplacedRows(
        group: Int64,
        month: CalendarDate,
        first: CalendarDate,
        last: CalendarDate,
        isCurrentMonth: Bool,
        rollup: PartitionRollup,
        slices: inout SliceDeltas,
        keys: [String],
        connection: SQLiteConnection
    ) throws {
        var oldDays: [CalendarDate: SliceDeltas.DayRow] = [:]
        try connection.query(
            """
            SELECT day, receivables_snapshot, receivables_flow, practice_snapshot, practice_flow FROM rollup_days
            WHERE group_id = ? AND day BETWEEN ? AND ?
            """,
            group,
            first,
            last
        ) { row in
            oldDays[try row.decode(CalendarDate.self, at: 0)] = SliceDeltas.DayRow(
                snapshot: try row.decode([UInt8].self, at: 1),
                flow: try row.decode([UInt8]?.self, at: 2),
                practiceSnapshot: try row.decode([UInt8].self, at: 3),
                practiceFlow: try row.decode([UInt8]?.self, at: 4)
            )
        }
        var oldMonth: SliceDeltas.MonthRow?
        try connection.query("SELECT receivables_flow, practice_flow FROM rollup_months WHERE group_id = ? AND month = ?", group, month) { row in
            oldMonth = SliceDeltas.MonthRow(flow: try row.decode([UInt8].self, at: 0), practiceFlow: try row.decode([UInt8].self, at: 1))
        }
        var oldPeriods: [SliceDeltas.PeriodKey: [UInt8]] = [:]
        try connection.query(
            """
            SELECT kind, start_day, end_day, parts FROM rollup_periods
            WHERE group_id = ? AND kind IN (\(Self.periodKinds)) AND start_day BETWEEN ? AND ? AND end_day >= ?
            UNION ALL
            SELECT kind, start_day, end_day, parts FROM rollup_periods WHERE group_id = ? AND kind = ? AND ?
            """,
            group,
            month,
            last,
            first,
            group,
            RollupPeriodKind.forecast.rawValue,
            isCurrentMonth
        ) { row in
            guard let kind = RollupPeriodKind(rawValue: try row.decode(String.self, at: 0)) else { return }
            let key = SliceDeltas.PeriodKey(kind: kind, start: try row.decode(CalendarDate.self, at: 1), end: try row.decode(CalendarDate.self, at: 2))
            oldPeriods[key] = try row.decode([UInt8].self, at: 3)
        }
        for day in rollup.days {
            let new = SliceDeltas.DayRow(
                snapshot: [UInt8](day.receivablesSnapshot),
                flow: day.receivablesFlow.map { [UInt8]($0) },
                practiceSnapshot: [UInt8](day.practiceSnapshot),
                practiceFlow: day.practiceFlow.map { [UInt8]($0) }
            )
            let old = oldDays.removeValue(forKey: day.day)
            if old == new { continue }
            try slices.day(day.day, old: old, new: new, slices: keys)
        }
        for (day, old) in oldDays {
            try slices.day(day, old: old, new: nil, slices: keys)
        }
        for row in rollup.months {
            let new = SliceDeltas.MonthRow(flow: [UInt8](row.receivablesFlow), practiceFlow: [UInt8](row.practiceFlow))
            var old: SliceDeltas.MonthRow?
            if row.month == month {
                old = oldMonth
                oldMonth = nil
            }
            if old == new { continue }
            try slices.month(row.month, old: old, new: new, slices: keys)
        }
        if let old = oldMonth {
            try slices.month(month, old: old, new: nil, slices: keys)
        }
        for period in rollup.periods {
            let key = SliceDeltas.PeriodKey(kind: period.kind, start: period.start, end: period.end)
            let parts = [UInt8](period.parts)
            let old = oldPeriods.removeValue(forKey: key)
            if old == parts { continue }
            try slices.period(key, old: old, new: parts, slices: keys)
        }
        for (key, old) in oldPeriods {
            try slices.period(key, old: old, new: nil, slices: keys)
        }
    }
}
