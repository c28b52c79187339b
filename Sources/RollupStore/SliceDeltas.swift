internal import KPI
internal import PilotageProtocol
internal import Rollups
internal import Storage
internal import Wire

/// What one commit changes in its groups' rows, summed per slice, then added to the `slice_*`
/// tables in the commit's transaction (tenant schema v6; practice parts from v10;
/// ``Rollups/RollupSlices``).
///
/// The committer reports each group row it deletes (`sign` −1) and each one it inserts (+1);
/// every row counts in each slice of its group. A slice row's `contributors` counts the group
/// rows summed into it: it is deleted when that count reaches zero, so a slice has a row exactly
/// when one of its groups does (the forecast of a selection is absent, not zero, when no group
/// has one). Practice snapshots are kept without their earliest regularity-period start (a
/// minimum, which no subtraction can undo; readers derive it from the selection).
struct SliceDeltas {
    /// A delta of one keyed row: the parts to add and the change in contributing rows.
    struct Delta<Parts: InvertibleParts> {
        var parts: Parts = .zero
        var contributors = 0

        /// Adds a change already signed (computed once per group row, then added to each of
        /// its slices).
        mutating func add(_ change: Parts, contributors: Int) {
            self.parts += change
            self.contributors += contributors
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
        var practiceSnapshots: [CalendarDate: PracticeSnapshot] = [:]
        var practiceDayFlows: [CalendarDate: PracticeFlow] = [:]
        var months: [CalendarDate: Delta<ReceivablesFlow>] = [:]
        var practiceMonths: [CalendarDate: PracticeFlow] = [:]
        var rates: [PeriodKey: Delta<CollectionRateParts>] = [:]
        var forecasts: [PeriodKey: Delta<ForecastParts>] = [:]
        var windowFlows: [PeriodKey: Delta<ReceivablesFlow>] = [:]
    }

    private(set) var slices: [String: Slice] = [:]

    /// Whether nothing changed.
    var isEmpty: Bool { self.slices.isEmpty }

    /// The encoded columns of a group's day row that slices sum.
    struct DayRow: Equatable {
        var snapshot: [UInt8]
        var flow: [UInt8]?
        var practiceSnapshot: [UInt8]
        var practiceFlow: [UInt8]?
    }

    /// The encoded columns of a group's month row that slices sum.
    struct MonthRow: Equatable {
        var flow: [UInt8]
        var practiceFlow: [UInt8]
    }

    /// The change in contributing rows when `old` is replaced by `new` (either may be absent).
    private static func contributors(_ old: (some Any)?, _ new: (some Any)?) -> Int {
        (new == nil ? 0 : 1) - (old == nil ? 0 : 1)
    }

    /// `new − old` of one column (absent when neither row has it), decoded once.
    private static func change<Parts: InvertibleParts>(
        _ old: [UInt8]?,
        _ new: [UInt8]?,
        _ decode: ([UInt8]) throws -> Parts
    ) rethrows -> Parts? {
        switch (old, new) {
        case (nil, nil): nil
        case (let old?, nil): try decode(old).negated
        case (nil, let new?): try decode(new)
        case (let old?, let new?): try decode(new) + decode(old).negated
        }
    }

    /// A group's day row `old` replaced by `new` (deleted: no `new`; inserted: no `old`), in
    /// each of its `slices`: the difference is computed once and added to each slice.
    mutating func day(_ day: CalendarDate, old: DayRow?, new: DayRow?, slices: [String]) throws {
        guard !slices.isEmpty, old != nil || new != nil else { return }
        func practice(_ bytes: [UInt8]) throws -> PracticeSnapshot {
            var snapshot = try PracticeSnapshot(compactEncoded: bytes)
            snapshot.earliestPeriodStart = nil
            return snapshot
        }
        let snapshot = try Self.change(old?.snapshot, new?.snapshot) { try ReceivablesSnapshot(compactEncoded: $0) } ?? .zero
        let flow = try Self.change(old?.flow, new?.flow) { try ReceivablesFlow(compactEncoded: $0) }
        let practiceSnapshot = try Self.change(old?.practiceSnapshot, new?.practiceSnapshot, practice) ?? .zero
        let practiceFlow = try Self.change(old?.practiceFlow, new?.practiceFlow) { try PracticeFlow(compactEncoded: $0) }
        let contributors = Self.contributors(old, new)
        for key in slices {
            Self.update(&self.slices[key, default: Slice()]) { slice in
                slice.snapshots[day, default: Delta()].add(snapshot, contributors: contributors)
                slice.practiceSnapshots[day, default: .zero] += practiceSnapshot
                if let flow { slice.dayFlows[day, default: .zero] += flow }
                if let practiceFlow { slice.practiceDayFlows[day, default: .zero] += practiceFlow }
            }
        }
    }

    /// A group's month row `old` replaced by `new`, in each of its `slices`.
    mutating func month(_ month: CalendarDate, old: MonthRow?, new: MonthRow?, slices: [String]) throws {
        guard !slices.isEmpty, old != nil || new != nil else { return }
        let flow = try Self.change(old?.flow, new?.flow) { try ReceivablesFlow(compactEncoded: $0) } ?? .zero
        let practiceFlow = try Self.change(old?.practiceFlow, new?.practiceFlow) { try PracticeFlow(compactEncoded: $0) } ?? .zero
        let contributors = Self.contributors(old, new)
        for key in slices {
            Self.update(&self.slices[key, default: Slice()]) { slice in
                slice.months[month, default: Delta()].add(flow, contributors: contributors)
                slice.practiceMonths[month, default: .zero] += practiceFlow
            }
        }
    }

    /// A group's period row `old` replaced by `new`, in each of its `slices`.
    mutating func period(_ key: PeriodKey, old: [UInt8]?, new: [UInt8]?, slices: [String]) throws {
        guard !slices.isEmpty, old != nil || new != nil else { return }
        let contributors = Self.contributors(old, new)
        switch key.kind {
        case .collectionRate:
            let change = try Self.change(old, new) { try CollectionRateParts(compactEncoded: $0) } ?? .zero
            for slice in slices { Self.update(&self.slices[slice, default: Slice()]) { $0.rates[key, default: Delta()].add(change, contributors: contributors) } }
        case .forecast:
            let change = try Self.change(old, new) { try ForecastParts(compactEncoded: $0) } ?? .zero
            for slice in slices { Self.update(&self.slices[slice, default: Slice()]) { $0.forecasts[key, default: Delta()].add(change, contributors: contributors) } }
        case .windowFlow:
            let change = try Self.change(old, new) { try ReceivablesFlow(compactEncoded: $0) } ?? .zero
            for slice in slices { Self.update(&self.slices[slice, default: Slice()]) { $0.windowFlows[key, default: Delta()].add(change, contributors: contributors) } }
        }
    }

    /// Runs `body` on a slice in place (one dictionary access for all its updates).
    private static func update(_ slice: inout Slice, _ body: (inout Slice) -> Void) {
        body(&slice)
    }

    // MARK: - Applying

    /// Adds every delta to the stored slice rows: per slice and table, one range read of the
    /// rows the deltas touch, then one write per touched row (deleted at zero contributors).
    ///
    /// - Throws: ``RollupStoreError`` `.invalidCommit` when a slice row would be left with a
    ///   negative number of contributors (the slice tables disagree with the group rows); SQLite
    ///   errors.
    func apply(connection: SQLiteConnection) throws {
        for (key, slice) in self.slices.sorted(by: { $0.key < $1.key }) {
            let id = try Self.sliceID(key, connection: connection)
            try Self.applyDays(slice, id: id, key: key, connection: connection)
            try Self.applyMonths(slice, id: id, key: key, connection: connection)
            try Self.applyPeriods(slice.rates, kind: .collectionRate, id: id, key: key, connection: connection)
            try Self.applyPeriods(slice.forecasts, kind: .forecast, id: id, key: key, connection: connection)
            try Self.applyPeriods(slice.windowFlows, kind: .windowFlow, id: id, key: key, connection: connection)
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

    private static func applyDays(_ slice: Slice, id: Int64, key: String, connection: SQLiteConnection) throws {
        // Every reported day row adds to `snapshots` (flows only when the row has them).
        let days = slice.snapshots.keys.sorted()
        guard let first = days.first, let last = days.last else { return }
        var stored: [CalendarDate: (row: DayRow, contributors: Int)] = [:]
        try connection.query(
            """
            SELECT day, receivables_snapshot, receivables_flow, practice_snapshot, practice_flow, contributors FROM slice_days
            WHERE slice_id = ? AND day BETWEEN ? AND ?
            """,
            id,
            first,
            last
        ) { row in
            stored[try row.decode(CalendarDate.self, at: 0)] = (
                DayRow(
                    snapshot: try row.decode([UInt8].self, at: 1),
                    flow: try row.decode([UInt8].self, at: 2),
                    practiceSnapshot: try row.decode([UInt8]?.self, at: 3) ?? [],
                    practiceFlow: try row.decode([UInt8]?.self, at: 4)
                ),
                try row.decode(Int.self, at: 5)
            )
        }
        for day in days {
            let delta = slice.snapshots[day] ?? Delta()
            var snapshot = delta.parts
            var flow = slice.dayFlows[day] ?? .zero
            var practiceSnapshot = slice.practiceSnapshots[day] ?? .zero
            var practiceFlow = slice.practiceDayFlows[day] ?? .zero
            var contributors = delta.contributors
            if let (row, count) = stored[day] {
                snapshot += try ReceivablesSnapshot(compactEncoded: row.snapshot)
                if let blob = row.flow { flow += try ReceivablesFlow(compactEncoded: blob) }
                if !row.practiceSnapshot.isEmpty { practiceSnapshot += try PracticeSnapshot(compactEncoded: row.practiceSnapshot) }
                if let blob = row.practiceFlow { practiceFlow += try PracticeFlow(compactEncoded: blob) }
                contributors += count
            }
            try Self.checkContributors(contributors, slice: key, row: "day \(day)")
            if contributors == 0 {
                try connection.execute("DELETE FROM slice_days WHERE slice_id = ? AND day = ?", id, day)
            } else {
                try connection.execute(
                    """
                    INSERT INTO slice_days (slice_id, day, receivables_snapshot, receivables_flow, practice_snapshot, practice_flow, contributors)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (slice_id, day) DO UPDATE SET receivables_snapshot = excluded.receivables_snapshot,
                        receivables_flow = excluded.receivables_flow, practice_snapshot = excluded.practice_snapshot,
                        practice_flow = excluded.practice_flow, contributors = excluded.contributors
                    """,
                    id,
                    day,
                    snapshot.compactEncoded,
                    flow.compactEncoded,
                    practiceSnapshot.compactEncoded,
                    practiceFlow.compactEncoded,
                    contributors
                )
            }
        }
    }

    private static func applyMonths(_ slice: Slice, id: Int64, key: String, connection: SQLiteConnection) throws {
        // Every reported month row adds to both `months` and `practiceMonths`.
        let months = slice.months.keys.sorted()
        guard let first = months.first, let last = months.last else { return }
        var stored: [CalendarDate: (row: MonthRow, contributors: Int)] = [:]
        try connection.query(
            "SELECT month, receivables_flow, practice_flow, contributors FROM slice_months WHERE slice_id = ? AND month BETWEEN ? AND ?",
            id,
            first,
            last
        ) { row in
            stored[try row.decode(CalendarDate.self, at: 0)] = (
                MonthRow(flow: try row.decode([UInt8].self, at: 1), practiceFlow: try row.decode([UInt8]?.self, at: 2) ?? []),
                try row.decode(Int.self, at: 3)
            )
        }
        for month in months {
            let delta = slice.months[month] ?? Delta()
            var flow = delta.parts
            var practiceFlow = slice.practiceMonths[month] ?? .zero
            var contributors = delta.contributors
            if let (row, count) = stored[month] {
                flow += try ReceivablesFlow(compactEncoded: row.flow)
                if !row.practiceFlow.isEmpty { practiceFlow += try PracticeFlow(compactEncoded: row.practiceFlow) }
                contributors += count
            }
            try Self.checkContributors(contributors, slice: key, row: "month \(month)")
            if contributors == 0 {
                try connection.execute("DELETE FROM slice_months WHERE slice_id = ? AND month = ?", id, month)
            } else {
                try connection.execute(
                    """
                    INSERT INTO slice_months (slice_id, month, receivables_flow, practice_flow, contributors) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (slice_id, month) DO UPDATE SET receivables_flow = excluded.receivables_flow,
                        practice_flow = excluded.practice_flow, contributors = excluded.contributors
                    """,
                    id,
                    month,
                    flow.compactEncoded,
                    practiceFlow.compactEncoded,
                    contributors
                )
            }
        }
    }

    private static func applyPeriods<Parts: InvertibleParts & CompactParts>(
        _ periods: [PeriodKey: Delta<Parts>],
        kind: RollupPeriodKind,
        id: Int64,
        key: String,
        connection: SQLiteConnection
    ) throws {
        guard let first = periods.keys.map(\.start).min(), let last = periods.keys.map(\.start).max(),
            let firstEnd = periods.keys.map(\.end).min(), let lastEnd = periods.keys.map(\.end).max()
        else { return }
        var stored: [PeriodKey: (parts: [UInt8], contributors: Int)] = [:]
        // The end days bound the rows too: a month's AR-REC-RATE rows all start on its first
        // day, and a commit of today's rows needs only today's, not every day's of the month.
        try connection.query(
            """
            SELECT start_day, end_day, parts, contributors FROM slice_periods
            WHERE slice_id = ? AND kind = ? AND start_day BETWEEN ? AND ? AND end_day BETWEEN ? AND ?
            """,
            id,
            kind.rawValue,
            first,
            last,
            firstEnd,
            lastEnd
        ) { row in
            let period = PeriodKey(kind: kind, start: try row.decode(CalendarDate.self, at: 0), end: try row.decode(CalendarDate.self, at: 1))
            guard periods[period] != nil else { return }
            stored[period] = (try row.decode([UInt8].self, at: 2), try row.decode(Int.self, at: 3))
        }
        try Self.write(periods, stored: stored, slice: key, label: { "\(kind.rawValue) \($0.start)…\($0.end)" }) { period, total in
            if let (parts, contributors) = total {
                try connection.execute(
                    """
                    INSERT INTO slice_periods (slice_id, kind, start_day, end_day, parts, contributors) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (slice_id, kind, start_day, end_day) DO UPDATE SET parts = excluded.parts, contributors = excluded.contributors
                    """,
                    id,
                    kind.rawValue,
                    period.start,
                    period.end,
                    parts.compactEncoded,
                    contributors
                )
            } else {
                try connection.execute(
                    "DELETE FROM slice_periods WHERE slice_id = ? AND kind = ? AND start_day = ? AND end_day = ?",
                    id,
                    kind.rawValue,
                    period.start,
                    period.end
                )
            }
        }
    }

    /// Adds each delta to its stored row (`stored`: encoded parts and contributors) and hands
    /// `save` the new total, or `nil` when no contributing row is left (the row goes).
    private static func write<Key: Hashable, Parts: InvertibleParts & CompactParts>(
        _ deltas: [Key: Delta<Parts>],
        stored: [Key: (parts: [UInt8], contributors: Int)],
        slice: String,
        label: (Key) -> String,
        save: (Key, (Parts, Int)?) throws -> Void
    ) throws {
        for (key, delta) in deltas {
            var parts = delta.parts
            var contributors = delta.contributors
            if let row = stored[key] {
                parts += try Parts(compactEncoded: row.parts)
                contributors += row.contributors
            }
            try Self.checkContributors(contributors, slice: slice, row: label(key))
            try save(key, contributors == 0 ? nil : (parts, contributors))
        }
    }

    private static func checkContributors(_ count: Int, slice: String, row: @autoclosure () -> String) throws {
        guard count >= 0 else {
            throw RollupStoreError(
                code: .invalidCommit,
                message: "slice \(slice), \(row()): \(count) contributing rows; the slice tables disagree with the group rows"
            )
        }
    }
}
