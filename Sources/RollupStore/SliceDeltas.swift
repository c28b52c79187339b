internal import KPI
internal import PilotageProtocol
internal import Rollups
internal import Storage
internal import Wire

/// What one commit changes in its groups' receivables rows, summed per slice, then added to the
/// `slice_*` tables in the commit's transaction (tenant schema v6; ``Rollups/RollupSlices``).
///
/// The committer reports each group row it deletes (`sign` −1) and each one it inserts (+1);
/// every row counts in each slice of its group. A slice row's `contributors` counts the group
/// rows summed into it: it is deleted when that count reaches zero, so a slice has a row exactly
/// when one of its groups does (the forecast of a selection is absent, not zero, when no group
/// has one).
struct SliceDeltas {
    /// A delta of one keyed row: the parts to add and the change in contributing rows.
    struct Delta<Parts: InvertibleParts> {
        var parts: Parts = .zero
        var contributors = 0

        mutating func add(_ parts: Parts, sign: Int) {
            self.parts += sign < 0 ? parts.negated : parts
            self.contributors += sign
        }
    }

    /// A `slice_periods` key.
    struct PeriodKey: Hashable {
        var kind: RollupPeriodKind
        var start: CalendarDate
        var end: CalendarDate
    }

    /// The deltas of one slice.
    struct Slice {
        var snapshots: [CalendarDate: Delta<ReceivablesSnapshot>] = [:]
        var dayFlows: [CalendarDate: ReceivablesFlow] = [:]
        var months: [CalendarDate: Delta<ReceivablesFlow>] = [:]
        var rates: [PeriodKey: Delta<CollectionRateParts>] = [:]
        var forecasts: [PeriodKey: Delta<ForecastParts>] = [:]
        var windowFlows: [PeriodKey: Delta<ReceivablesFlow>] = [:]
    }

    private(set) var slices: [String: Slice] = [:]

    /// Whether nothing changed.
    var isEmpty: Bool { self.slices.isEmpty }

    /// A day row of a group in `slices` deleted (−1) or inserted (+1).
    mutating func day(
        _ day: CalendarDate,
        snapshot: [UInt8],
        flow: [UInt8]?,
        sign: Int,
        slices: [String]
    ) throws {
        guard !slices.isEmpty else { return }
        let snapshot = try ReceivablesSnapshot(compactEncoded: snapshot)
        let flow = try flow.map { try ReceivablesFlow(compactEncoded: $0) }
        for key in slices {
            self.slices[key, default: Slice()].snapshots[day, default: Delta()].add(snapshot, sign: sign)
            if let flow {
                self.slices[key, default: Slice()].dayFlows[day, default: .zero] += sign < 0 ? flow.negated : flow
            }
        }
    }

    /// A month row of a group in `slices` deleted (−1) or inserted (+1).
    mutating func month(_ month: CalendarDate, flow: [UInt8], sign: Int, slices: [String]) throws {
        guard !slices.isEmpty else { return }
        let flow = try ReceivablesFlow(compactEncoded: flow)
        for key in slices {
            self.slices[key, default: Slice()].months[month, default: Delta()].add(flow, sign: sign)
        }
    }

    /// A period row of a group in `slices` deleted (−1) or inserted (+1).
    mutating func period(_ key: PeriodKey, parts: [UInt8], sign: Int, slices: [String]) throws {
        guard !slices.isEmpty else { return }
        switch key.kind {
        case .collectionRate:
            let parts = try CollectionRateParts(compactEncoded: parts)
            for slice in slices { self.slices[slice, default: Slice()].rates[key, default: Delta()].add(parts, sign: sign) }
        case .forecast:
            let parts = try ForecastParts(compactEncoded: parts)
            for slice in slices { self.slices[slice, default: Slice()].forecasts[key, default: Delta()].add(parts, sign: sign) }
        case .windowFlow:
            let parts = try ReceivablesFlow(compactEncoded: parts)
            for slice in slices { self.slices[slice, default: Slice()].windowFlows[key, default: Delta()].add(parts, sign: sign) }
        }
    }

    // MARK: - Applying

    /// Adds every delta to the stored slice rows (read, add, write back; delete at zero
    /// contributors).
    ///
    /// - Throws: ``RollupStoreError`` `.invalidCommit` when a slice row would be left with a
    ///   negative number of contributors (the slice tables disagree with the group rows); SQLite
    ///   errors.
    func apply(connection: SQLiteConnection) throws {
        for (key, slice) in self.slices.sorted(by: { $0.key < $1.key }) {
            let id = try Self.sliceID(key, connection: connection)
            let days = Set(slice.snapshots.keys).union(slice.dayFlows.keys)
            for day in days.sorted() {
                try self.applyDay(slice: id, key: key, day: day, snapshot: slice.snapshots[day] ?? Delta(), flow: slice.dayFlows[day], connection: connection)
            }
            for (month, delta) in slice.months.sorted(by: { $0.key < $1.key }) {
                try Self.applyRow(
                    table: "slice_months",
                    keyColumns: ["month"],
                    keyValues: [month.sqliteValue],
                    blobColumn: "receivables_flow",
                    slice: id,
                    sliceKey: key,
                    delta: delta,
                    connection: connection
                )
            }
            for (period, delta) in slice.rates { try Self.applyPeriod(period, delta: delta, slice: id, sliceKey: key, connection: connection) }
            for (period, delta) in slice.forecasts { try Self.applyPeriod(period, delta: delta, slice: id, sliceKey: key, connection: connection) }
            for (period, delta) in slice.windowFlows { try Self.applyPeriod(period, delta: delta, slice: id, sliceKey: key, connection: connection) }
        }
    }

    /// The id of slice `key`, created on first use.
    static func sliceID(_ key: String, connection: SQLiteConnection) throws -> Int64 {
        if let id = try connection.fetchValue(Int64.self, "SELECT slice_id FROM rollup_slices WHERE slice_key = ?", key) {
            return id
        }
        try connection.execute("INSERT INTO rollup_slices (slice_key) VALUES (?)", key)
        return connection.lastInsertRowID
    }

    private func applyDay(
        slice: Int64,
        key: String,
        day: CalendarDate,
        snapshot: Delta<ReceivablesSnapshot>,
        flow: ReceivablesFlow?,
        connection: SQLiteConnection
    ) throws {
        var total = (snapshot: ReceivablesSnapshot.zero, flow: ReceivablesFlow.zero, contributors: 0)
        try connection.query(
            "SELECT receivables_snapshot, receivables_flow, contributors FROM slice_days WHERE slice_id = ? AND day = ?",
            slice,
            day
        ) { row in
            total = (
                try ReceivablesSnapshot(compactEncoded: try row.decode([UInt8].self, at: 0)),
                try ReceivablesFlow(compactEncoded: try row.decode([UInt8].self, at: 1)),
                try row.decode(Int.self, at: 2)
            )
        }
        total.snapshot += snapshot.parts
        total.flow += flow ?? .zero
        total.contributors += snapshot.contributors
        try Self.checkContributors(total.contributors, slice: key, row: "day \(day)")
        if total.contributors == 0 {
            try connection.execute("DELETE FROM slice_days WHERE slice_id = ? AND day = ?", slice, day)
        } else {
            try connection.execute(
                """
                INSERT INTO slice_days (slice_id, day, receivables_snapshot, receivables_flow, contributors) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (slice_id, day) DO UPDATE SET receivables_snapshot = excluded.receivables_snapshot,
                    receivables_flow = excluded.receivables_flow, contributors = excluded.contributors
                """,
                slice,
                day,
                total.snapshot.compactEncoded,
                total.flow.compactEncoded,
                total.contributors
            )
        }
    }

    private static func applyPeriod<Parts: InvertibleParts & CompactParts>(
        _ period: PeriodKey,
        delta: Delta<Parts>,
        slice: Int64,
        sliceKey: String,
        connection: SQLiteConnection
    ) throws {
        try Self.applyRow(
            table: "slice_periods",
            keyColumns: ["kind", "start_day", "end_day"],
            keyValues: [.text(period.kind.rawValue), period.start.sqliteValue, period.end.sqliteValue],
            blobColumn: "parts",
            slice: slice,
            sliceKey: sliceKey,
            delta: delta,
            connection: connection
        )
    }

    /// Read, add, write back (or delete) one row of a slice table with a single parts blob.
    private static func applyRow<Parts: InvertibleParts & CompactParts>(
        table: String,
        keyColumns: [String],
        keyValues: [SQLiteValue],
        blobColumn: String,
        slice: Int64,
        sliceKey: String,
        delta: Delta<Parts>,
        connection: SQLiteConnection
    ) throws {
        let condition = (["slice_id"] + keyColumns).map { "\($0) = ?" }.joined(separator: " AND ")
        let keyArguments = [SQLiteValue.integer(slice)] + keyValues
        var total = (parts: Parts.zero, contributors: 0)
        try connection.query("SELECT \(blobColumn), contributors FROM \(table) WHERE \(condition)", arguments: keyArguments) { row in
            total = (try Parts(compactEncoded: try row.decode([UInt8].self, at: 0)), try row.decode(Int.self, at: 1))
        }
        total.parts += delta.parts
        total.contributors += delta.contributors
        let label = zip(keyColumns, keyValues).map { "\($0)=\($1)" }.joined(separator: " ")
        try Self.checkContributors(total.contributors, slice: sliceKey, row: "\(table) \(label)")
        if total.contributors == 0 {
            try connection.execute("DELETE FROM \(table) WHERE \(condition)", arguments: keyArguments)
        } else {
            let columns = ["slice_id"] + keyColumns + [blobColumn, "contributors"]
            try connection.execute(
                """
                INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))
                ON CONFLICT (\((["slice_id"] + keyColumns).joined(separator: ", ")))
                DO UPDATE SET \(blobColumn) = excluded.\(blobColumn), contributors = excluded.contributors
                """,
                arguments: keyArguments + [.blob(total.parts.compactEncoded), .integer(Int64(total.contributors))]
            )
        }
    }

    private static func checkContributors(_ count: Int, slice: String, row: String) throws {
        guard count >= 0 else {
            throw RollupStoreError(
                code: .invalidCommit,
                message: "slice \(slice), \(row): \(count) contributing rows; the slice tables disagree with the group rows"
            )
        }
    }
}
