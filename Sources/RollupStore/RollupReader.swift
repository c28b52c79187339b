public import KPI
public import Rollups
public import Storage
internal import TenantStore
public import Wire

/// Reads published rollups and merges the selected client groups' parts into the KPI domain's
/// ``KPI/ReceivablesPartsSource`` shapes: the read path of every dashboard. Never touches raw
/// facts.
///
/// ```swift
/// let reader = RollupReader(connection: conn)
/// let groups = try reader.groups(matching: filter)
/// let parts = try reader.receivablesParts(groups: groups.map(\.id), snapshotDates: dates,
///                                         dailyMonths: months, flowRange: range)
/// let kpis = ReceivablesKPI(source: parts, context: context)
/// ```
public struct RollupReader {
    /// The connection, owned by the caller's read transaction (one snapshot for the whole answer).
    public let connection: SQLiteConnection

    /// Wraps a connection.
    public init(connection: SQLiteConnection) {
        self.connection = connection
    }

    /// The client groups a filter selects (each client is in exactly one group).
    public func groups(matching filter: ClientFilter) throws -> [StoredGroup] {
        try TenantRollups(connection: self.connection).groups().filter { filter.matches($0.profile) }
    }

    /// The settings fingerprints the published client-group partitions of `groups` were
    /// computed with (several values: a settings change is being rebuilt).
    ///
    /// The whole firm first: when the smallest and the largest fingerprint of the published
    /// group partitions are equal (the normal case), that is the answer for any selection — two
    /// lookups in the partial index `partition_state_group_fingerprints` (schema v6), whatever
    /// the number of partitions; only during a rebuild are the selected groups' partitions read
    /// one group at a time.
    public func fingerprints(groups: [Int64]) throws -> Set<String> {
        // Group partition keys are `g<id>/…`: the range ['g', 'h') holds exactly them.
        let range = "partition_key >= 'g' AND partition_key < 'h'"
        // `min()` would let the planner scan the primary key's range instead: name the index.
        func first(_ order: String) throws -> String? {
            try self.connection.fetchValue(
                String.self,
                """
                SELECT fingerprint FROM partition_state INDEXED BY partition_state_group_fingerprints
                WHERE \(range) ORDER BY fingerprint \(order) LIMIT 1
                """
            )
        }
        let lowest = try first("ASC")
        let highest = try first("DESC")
        let firmWide: Set<String>
        if let lowest, let highest, lowest != highest {
            firmWide = Set(try self.connection.fetchColumn(String.self, "SELECT DISTINCT fingerprint FROM partition_state WHERE \(range)"))
        } else {
            firmWide = Set([lowest].compactMap { $0 })
        }
        guard firmWide.count > 1 else { return groups.isEmpty ? [] : firmWide }
        var result: Set<String> = []
        for group in groups {
            for value in try self.connection.fetchColumn(
                String.self,
                "SELECT DISTINCT fingerprint FROM partition_state WHERE partition_key >= ? AND partition_key < ?",
                "g\(group)/",
                "g\(group)0"
            ) {
                result.insert(value)
            }
        }
        return result
    }

    /// Merged receivables parts of `groups`: snapshots at `snapshotDates`, daily flows of the
    /// days of `dailyMonths` (month indices) inside `flowRange`, and the flows of the whole
    /// months inside `flowRange`. Days without a row are zero (before the firm's first data).
    ///
    /// Every selected group is read by one statement per table (``RollupReader/inChunks``).
    public func receivablesParts(
        groups: [Int64],
        snapshotDates: [CalendarDate],
        dailyMonths: Set<Int>,
        flowRange: Period
    ) throws -> MaterializedReceivablesParts {
        try self.receivablesParts(selection: RowSelection(groups: groups), snapshotDates: snapshotDates, dailyMonths: dailyMonths, flowRange: flowRange)
    }

    /// ``receivablesParts(groups:snapshotDates:dailyMonths:flowRange:)`` of a selection read
    /// through its slice.
    public func receivablesParts(
        selection: RowSelection,
        snapshotDates: [CalendarDate],
        dailyMonths: Set<Int>,
        flowRange: Period
    ) throws -> MaterializedReceivablesParts {
        var total = MaterializedReceivablesParts(
            snapshots: [:],
            dailyFlows: [:],
            monthlyFlows: [:],
            flowRange: flowRange,
            dailyMonths: dailyMonths
        )
        for (table, ids, negated) in selection.sources {
            try self.visitReceivablesRows(table: table, ids: ids, snapshotDates: snapshotDates, dailyMonths: dailyMonths, flowRange: flowRange) { _, row in
                switch row {
                case .snapshot(let day, let value): total.snapshots[day, default: .zero] += negated ? value.negated : value
                case .dailyFlow(let day, let value): total.dailyFlows[day, default: .zero] += negated ? value.negated : value
                case .monthlyFlow(let month, let value): total.monthlyFlows[month, default: .zero] += negated ? value.negated : value
                }
            }
        }
        return total
    }

    /// One decoded receivables row of a group (``RollupReader/visitReceivablesRows``).
    enum ReceivablesRow {
        /// Snapshot parts at the end of a day.
        case snapshot(CalendarDate, ReceivablesSnapshot)
        /// Flow parts of one day.
        case dailyFlow(CalendarDate, ReceivablesFlow)
        /// Flow parts of a whole month (month index).
        case monthlyFlow(Int, ReceivablesFlow)
    }

    /// Calls `body` with each stored row `receivablesParts` reads, group (or slice) by group as
    /// stored: one statement per table and chunk of ids, only the day range the keys need.
    func visitReceivablesRows(
        table: RowTable = .groups,
        ids groups: [Int64],
        snapshotDates: [CalendarDate],
        dailyMonths: Set<Int>,
        flowRange: Period,
        body: (Int64, ReceivablesRow) throws -> Void
    ) throws {
        let wanted = Set(snapshotDates)
        let dailyDays = dailyMonths.flatMap { month -> [CalendarDate] in
            let first = CalendarDate.firstOfMonth(index: month)
            let start = Swift.max(first, flowRange.start)
            let end = Swift.min(first.lastOfMonth, flowRange.end)
            guard start <= end else { return [] }
            return (0...start.days(until: end)).map { start.clampedAdding(days: $0) }
        }
        let days = wanted.union(dailyDays)
        if let low = days.min(), let high = days.max() {
            // Dense keys (level 1: every day of a few months) are one range per group; sparse
            // ones (level 2: month ends over a year) are point lookups, so that the rows between
            // them are never read.
            let sparse = days.count * 3 < low.days(until: high) + 1
            let dayPlaceholders = sparse ? Self.padded(days.sorted().map(\.sqliteValue)) : []
            let dayCondition =
                sparse ? "day IN (\(Array(repeating: "?", count: dayPlaceholders.count).joined(separator: ", ")))" : "day BETWEEN ? AND ?"
            let dayArguments = sparse ? dayPlaceholders : [low.sqliteValue, high.sqliteValue]
            try Self.inChunks(groups) { placeholders, arguments in
                try self.connection.query(
                    """
                    SELECT \(table.id), day, receivables_snapshot, receivables_flow FROM \(table.days)
                    WHERE \(table.id) IN (\(placeholders)) AND \(dayCondition)
                    """,
                    arguments: arguments + dayArguments
                ) { row in
                    let day = try row.decode(CalendarDate.self, at: 1)
                    guard days.contains(day) else { return }
                    let group = try row.decode(Int64.self, at: 0)
                    if wanted.contains(day) {
                        try body(group, .snapshot(day, try ReceivablesSnapshot(compactEncoded: try row.decode([UInt8].self, at: 2))))
                    }
                    if flowRange.contains(day), dailyMonths.contains(day.monthIndex), let blob = try row.decode([UInt8]?.self, at: 3) {
                        try body(group, .dailyFlow(day, try ReceivablesFlow(compactEncoded: blob)))
                    }
                }
            }
        }
        try Self.inChunks(groups) { placeholders, arguments in
            try self.connection.query(
                "SELECT \(table.id), month, receivables_flow FROM \(table.months) WHERE \(table.id) IN (\(placeholders)) AND month BETWEEN ? AND ?",
                arguments: arguments + [flowRange.start.sqliteValue, flowRange.end.sqliteValue]
            ) { row in
                let month = Period.month(containing: try row.decode(CalendarDate.self, at: 1))
                guard month.start >= flowRange.start, month.end <= flowRange.end else { return }
                try body(
                    try row.decode(Int64.self, at: 0),
                    .monthlyFlow(month.start.monthIndex, try ReceivablesFlow(compactEncoded: try row.decode([UInt8].self, at: 2)))
                )
            }
        }
    }

    /// Calls `body` for `ids` in chunks, with the `?, ?, …` placeholders of a chunk and its
    /// arguments (``inChunks(values:body:)``).
    static func inChunks(_ ids: [Int64], body: (String, [SQLiteValue]) throws -> Void) throws {
        try Self.inChunks(values: ids.map { SQLiteValue.integer($0) }, body: body)
    }

    /// Calls `body` for `values` in chunks of at most 256, with the `?, ?, …` placeholders of a
    /// chunk and its arguments. Chunk lengths are padded to a power of two (repeating the last
    /// value, harmless in `IN`), so that the connection's statement cache holds a handful of
    /// shapes, never one per selection size.
    static func inChunks(values: [SQLiteValue], body: (String, [SQLiteValue]) throws -> Void) throws {
        let maximum = 256
        var start = 0
        while start < values.count {
            let end = Swift.min(start + maximum, values.count)
            let arguments = Self.padded(Array(values[start..<end]))
            try body(Array(repeating: "?", count: arguments.count).joined(separator: ", "), arguments)
            start = end
        }
    }

    /// `values` padded to a power-of-two length by repeating the last one (harmless in `IN`),
    /// so that statement texts come in a handful of shapes.
    static func padded(_ values: [SQLiteValue]) -> [SQLiteValue] {
        guard let last = values.last else { return values }
        var size = 1
        while size < values.count { size *= 2 }
        return values + Array(repeating: last, count: size - values.count)
    }

    /// Calls `body` with each stored period row of `kind` of `groups` for exactly `periods`:
    /// one primary-key lookup per group and period, batched as one statement per period and
    /// chunk of groups (a group stores a month-to-date row for every day, so a range scan would
    /// read dozens of rows per wanted one).
    func visitPeriodRows(
        table: RowTable = .groups,
        ids groups: [Int64],
        kind: String,
        periods: Set<Period>,
        body: (Int64, Period, [UInt8]) throws -> Void
    ) throws {
        // One-day periods (forecasts and DSO windows at a date) in one statement per chunk.
        let days = periods.filter { $0.start == $0.end }.map(\.start).sorted()
        if days.count > 1 {
            let dayArguments = Self.padded(days.map(\.sqliteValue))
            let dayPlaceholders = Array(repeating: "?", count: dayArguments.count).joined(separator: ", ")
            try Self.inChunks(groups) { placeholders, arguments in
                try self.connection.query(
                    """
                    SELECT \(table.id), start_day, parts FROM \(table.periods)
                    WHERE \(table.id) IN (\(placeholders)) AND kind = ? AND start_day IN (\(dayPlaceholders)) AND end_day = start_day
                    """,
                    arguments: arguments + [.text(kind)] + dayArguments
                ) { row in
                    let day = try row.decode(CalendarDate.self, at: 1)
                    try body(try row.decode(Int64.self, at: 0), Period(uncheckedStart: day, end: day), try row.decode([UInt8].self, at: 2))
                }
            }
        }
        let others = days.count > 1 ? periods.filter { $0.start != $0.end } : periods
        for period in others.sorted(by: { ($0.start, $0.end) < ($1.start, $1.end) }) {
            try Self.inChunks(groups) { placeholders, arguments in
                try self.connection.query(
                    """
                    SELECT \(table.id), parts FROM \(table.periods)
                    WHERE \(table.id) IN (\(placeholders)) AND kind = ? AND start_day = ? AND end_day = ?
                    """,
                    arguments: arguments + [.text(kind), period.start.sqliteValue, period.end.sqliteValue]
                ) { row in
                    try body(try row.decode(Int64.self, at: 0), period, try row.decode([UInt8].self, at: 1))
                }
            }
        }
    }

    /// Calls `body` with each stored `WINDOW_FLOW` row of `ids` at `dates`: the id, the DSO window
    /// ending at the row's date (``ReceivablesKeys/window(endingAt:)``) and its flow parts.
    func visitWindowFlowRows(
        table: RowTable,
        ids: [Int64],
        dates: some Sequence<CalendarDate>,
        keys: ReceivablesKeys,
        body: (Int64, Period, ReceivablesFlow) throws -> Void
    ) throws {
        try self.visitPeriodRows(table: table, ids: ids, kind: "WINDOW_FLOW", periods: Set(dates.map { Period(uncheckedStart: $0, end: $0) })) {
            id,
            period,
            blob in
            try body(id, keys.window(endingAt: period.end), try ReceivablesFlow(compactEncoded: blob))
        }
    }

    /// Merged AR-REC-RATE parts of `groups` for each period stored (month to date of a day,
    /// a whole month at its last day); absent periods are not in the result.
    public func collectionRates(groups: [Int64], periods: [Period]) throws -> [Period: CollectionRateParts] {
        try self.collectionRates(selection: RowSelection(groups: groups), periods: periods)
    }

    /// ``collectionRates(groups:periods:)`` of a selection read through its slice.
    public func collectionRates(selection: RowSelection, periods: [Period]) throws -> [Period: CollectionRateParts] {
        var result: [Period: CollectionRateParts] = [:]
        for (table, ids, negated) in selection.sources {
            try self.visitPeriodRows(table: table, ids: ids, kind: "COLLECTION_RATE", periods: Set(periods)) { _, period, blob in
                let parts = try CollectionRateParts(compactEncoded: blob)
                result[period, default: .zero] += negated ? parts.negated : parts
            }
        }
        return result
    }

    /// Merged AR-FCST parts of `groups` at `date` (stored at the firm's today only); `nil` when
    /// no group has them.
    public func forecast(groups: [Int64], asOf date: CalendarDate) throws -> ForecastParts? {
        try self.forecast(selection: RowSelection(groups: groups), asOf: date)
    }

    /// ``forecast(groups:asOf:)`` of a selection read through its slice.
    public func forecast(selection: RowSelection, asOf date: CalendarDate) throws -> ForecastParts? {
        var total: ForecastParts?
        for (table, ids, negated) in selection.sources {
            try self.visitPeriodRows(table: table, ids: ids, kind: "FORECAST", periods: [Period(uncheckedStart: date, end: date)]) { _, _, blob in
                let parts = try ForecastParts(compactEncoded: blob)
                total = (total ?? .zero) + (negated ? parts.negated : parts)
            }
        }
        return total
    }

    /// The level-1 receivables dashboard of `groups` at `date`, from rollups only.
    public func receivablesLevel1(groups: [Int64], asOf date: CalendarDate, context: KPIContext) throws -> ReceivablesLevel1 {
        let parts = try self.receivablesLevel1Parts(groups: groups, asOf: date, context: context)
        return ReceivablesLevel1(evaluator: ReceivablesKPI(source: parts, context: context), asOf: date)
    }

    /// The merged parts the level-1 receivables dashboard of `groups` at `date` reads (also
    /// what explain mode shows).
    public func receivablesLevel1Parts(groups: [Int64], asOf date: CalendarDate, context: KPIContext) throws -> MaterializedReceivablesParts {
        try self.receivablesLevel1Parts(selection: RowSelection(groups: groups), asOf: date, context: context)
    }

    /// ``receivablesLevel1Parts(groups:asOf:context:)`` of a selection read through its slice.
    public func receivablesLevel1Parts(selection: RowSelection, asOf date: CalendarDate, context: KPIContext) throws
        -> MaterializedReceivablesParts
    {
        let settings = context.settings.clamped
        var parts = try self.receivablesParts(
            selection: selection,
            snapshotDates: ReceivablesLevel1.snapshotDates(asOf: date),
            dailyMonths: ReceivablesLevel1.dailyMonths(asOf: date, settings: settings, storedWindows: true),
            flowRange: ReceivablesLevel1.flowRange(asOf: date, settings: settings)
        )
        // The DSO windows of the history from `WINDOW_FLOW` rows, not from their days.
        var keys = ReceivablesKeys()
        keys.windowDays = settings.dsoWindowDays
        let dates = ReceivablesLevel1.windowDates(asOf: date)
        for window in dates.map(keys.window(endingAt:)) { parts.periodFlows[window] = .zero }
        for (table, ids, negated) in selection.sources {
            try self.visitWindowFlowRows(table: table, ids: ids, dates: dates, keys: keys) { _, window, flow in
                parts.periodFlows[window, default: .zero] += negated ? flow.negated : flow
            }
        }
        return parts
    }

    /// The merged parts of a whole selection for exactly `keys` (``keyedParts(groups:keys:)``
    /// summed), its slices read in place of their members.
    public func mergedKeyedParts(selection: RowSelection, keys: ReceivablesKeys) throws -> KeyedReceivablesParts {
        var total = KeyedReceivablesParts(source: KeyedReceivablesParts.zero, keys: keys)
        for (table, ids, negated) in selection.sources {
            for parts in try self.keyedParts(table: table, ids: ids, keys: keys).values {
                if negated { total -= parts } else { total += parts }
            }
        }
        return total
    }

    /// Each slice's parts for exactly `keys`, by slice id: breakdown lines read many slices at
    /// once.
    public func keyedParts(slices: [Int64], keys: ReceivablesKeys) throws -> [Int64: KeyedReceivablesParts] {
        try self.keyedParts(table: .slices, ids: slices, keys: keys)
    }

    /// Each group's parts for exactly `keys` (snapshots, flows, AR-REC-RATE periods and AR-FCST
    /// dates as stored), so that any subset can be summed (breakdowns). Every group is read by
    /// the same few statements; a group without any row is absent (zero).
    public func keyedParts(groups: [Int64], keys: ReceivablesKeys) throws -> [Int64: KeyedReceivablesParts] {
        try self.keyedParts(table: .groups, ids: groups, keys: keys)
    }

    /// ``keyedParts(groups:keys:)`` of the groups or slices of `table`, by id.
    func keyedParts(table: RowTable, ids groups: [Int64], keys: ReceivablesKeys) throws -> [Int64: KeyedReceivablesParts] {
        let snapshotDates = Array(keys.snapshotDates)
        guard !keys.flowPeriods.isEmpty else {
            // No flow period to sum from daily rows (the breakdown lines): each snapshot goes
            // straight to its key, without materialising daily parts first.
            var result: [Int64: KeyedReceivablesParts] = [:]
            if let first = snapshotDates.min(), let last = snapshotDates.max() {
                try self.visitReceivablesRows(table: table, ids: groups, snapshotDates: snapshotDates, dailyMonths: [], flowRange: Period(uncheckedStart: first, end: last)) {
                    group,
                    row in
                    if case .snapshot(let day, let value) = row { result[group, default: .zero].snapshots[day, default: .zero] += value }
                }
            }
            try self.visitOtherKeyedRows(table: table, ids: groups, keys: keys, into: &result)
            return result
        }
        let flowRange = keys.flowRange ?? Period(uncheckedStart: snapshotDates.min() ?? .min, end: snapshotDates.max() ?? .min)
        var materialized: [Int64: MaterializedReceivablesParts] = [:]
        let empty = MaterializedReceivablesParts(
            snapshots: [:],
            dailyFlows: [:],
            monthlyFlows: [:],
            flowRange: flowRange,
            dailyMonths: keys.partialMonths
        )
        try self.visitReceivablesRows(
            table: table,
            ids: groups,
            snapshotDates: snapshotDates,
            dailyMonths: keys.partialMonths,
            flowRange: flowRange
        ) { group, row in
            switch row {
            case .snapshot(let day, let value): materialized[group, default: empty].snapshots[day, default: .zero] += value
            case .dailyFlow(let day, let value): materialized[group, default: empty].dailyFlows[day, default: .zero] += value
            case .monthlyFlow(let month, let value): materialized[group, default: empty].monthlyFlows[month, default: .zero] += value
            }
        }
        var result: [Int64: KeyedReceivablesParts] = [:]
        for (group, parts) in materialized {
            result[group] = KeyedReceivablesParts(
                snapshots: Dictionary(uniqueKeysWithValues: snapshotDates.map { ($0, parts.snapshot(at: $0)) }),
                flows: Dictionary(uniqueKeysWithValues: keys.flowPeriods.map { ($0, parts.flow(over: $0)) })
            )
        }
        try self.visitOtherKeyedRows(table: table, ids: groups, keys: keys, into: &result)
        return result
    }

    /// Adds to `result` the keys of `keys` stored in their own rows: AR-REC-RATE periods, DSO
    /// windows (`WINDOW_FLOW`) and AR-FCST dates.
    private func visitOtherKeyedRows(table: RowTable, ids groups: [Int64], keys: ReceivablesKeys, into result: inout [Int64: KeyedReceivablesParts]) throws {
        try self.visitPeriodRows(table: table, ids: groups, kind: "COLLECTION_RATE", periods: keys.collectionRatePeriods) { group, period, blob in
            result[group, default: .zero].collectionRates[period, default: .zero] += try CollectionRateParts(compactEncoded: blob)
        }
        try self.visitWindowFlowRows(table: table, ids: groups, dates: keys.storedWindowDates, keys: keys) { group, window, flow in
            result[group, default: .zero].flows[window, default: .zero] += flow
        }
        let forecastPeriods = Set(keys.forecastDates.map { Period(uncheckedStart: $0, end: $0) })
        try self.visitPeriodRows(table: table, ids: groups, kind: "FORECAST", periods: forecastPeriods) { group, period, blob in
            result[group, default: .zero].forecasts[period.end] =
                (result[group]?.forecasts[period.end] ?? .zero) + (try ForecastParts(compactEncoded: blob))
        }
    }

    /// One client's stored row (`rollup_clients`) at a day.
    public struct ClientRow: Sendable, Hashable {
        /// The client's group.
        public var group: Int64
        /// Client id.
        public var client: String
        /// Its receivables parts at the day.
        public var receivables: ClientReceivablesParts
        /// Its practice parts at the day.
        public var practice: ClientPracticeParts
    }

    /// The client rows of `groups` at `day`, for the clients that are members of those groups
    /// now (a client that moved to another group is read from its new group only), by client.
    public func clientRows(groups: [Int64], day: CalendarDate) throws -> [ClientRow] {
        var rows: [ClientRow] = []
        for group in groups {
            try self.connection.query(
                """
                SELECT r.client, r.receivables, r.practice FROM rollup_clients r
                JOIN client_group_members m ON m.client = r.client AND m.group_id = r.group_id
                WHERE r.group_id = ? AND r.day = ?
                """,
                group,
                day
            ) { row in
                rows.append(
                    ClientRow(
                        group: group,
                        client: try row.decode(String.self, at: 0),
                        receivables: try ClientReceivablesParts(compactEncoded: try row.decode([UInt8].self, at: 1)),
                        practice: try ClientPracticeParts(compactEncoded: try row.decode([UInt8].self, at: 2))
                    )
                )
            }
        }
        return rows.sorted { $0.client < $1.client }
    }
}

