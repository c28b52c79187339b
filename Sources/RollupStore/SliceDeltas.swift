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
            try Self.applyMonths(slice.months, id: id, key: key, connection: connection)
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
        let days = Set(slice.snapshots.keys).union(slice.dayFlows.keys).sorted()
        guard let first = days.first, let last = days.last else { return }
        var stored: [CalendarDate: (snapshot: [UInt8], flow: [UInt8], contributors: Int)] = [:]
        try connection.query(
            "SELECT day, receivables_snapshot, receivables_flow, contributors FROM slice_days WHERE slice_id = ? AND day BETWEEN ? AND ?",
            id,
            first,
            last
        ) { row in
            stored[try row.decode(CalendarDate.self, at: 0)] = (
                try row.decode([UInt8].self, at: 1), try row.decode([UInt8].self, at: 2), try row.decode(Int.self, at: 3)
            )
        }
        for day in days {
            let delta = slice.snapshots[day] ?? Delta()
            var snapshot = delta.parts
            var flow = slice.dayFlows[day] ?? .zero
            var contributors = delta.contributors
            if let row = stored[day] {
                snapshot += try ReceivablesSnapshot(compactEncoded: row.snapshot)
                flow += try ReceivablesFlow(compactEncoded: row.flow)
                contributors += row.contributors
            }
            try Self.checkContributors(contributors, slice: key, row: "day \(day)")
            if contributors == 0 {
                try connection.execute("DELETE FROM slice_days WHERE slice_id = ? AND day = ?", id, day)
            } else {
                try connection.execute(
                    """
                    INSERT INTO slice_days (slice_id, day, receivables_snapshot, receivables_flow, contributors) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (slice_id, day) DO UPDATE SET receivables_snapshot = excluded.receivables_snapshot,
                        receivables_flow = excluded.receivables_flow, contributors = excluded.contributors
                    """,
                    id,
                    day,
                    snapshot.compactEncoded,
                    flow.compactEncoded,
                    contributors
                )
            }
        }
    }

    private static func applyMonths(_ months: [CalendarDate: Delta<ReceivablesFlow>], id: Int64, key: String, connection: SQLiteConnection) throws {
        guard let first = months.keys.min(), let last = months.keys.max() else { return }
        var stored: [CalendarDate: (parts: [UInt8], contributors: Int)] = [:]
        try connection.query(
            "SELECT month, receivables_flow, contributors FROM slice_months WHERE slice_id = ? AND month BETWEEN ? AND ?",
            id,
            first,
            last
        ) { row in
            stored[try row.decode(CalendarDate.self, at: 0)] = (try row.decode([UInt8].self, at: 1), try row.decode(Int.self, at: 2))
        }
        try Self.write(months, stored: stored, slice: key, label: { "month \($0)" }) { month, total in
            if let (flow, contributors) = total {
                try connection.execute(
                    """
                    INSERT INTO slice_months (slice_id, month, receivables_flow, contributors) VALUES (?, ?, ?, ?)
                    ON CONFLICT (slice_id, month) DO UPDATE SET receivables_flow = excluded.receivables_flow, contributors = excluded.contributors
                    """,
                    id,
                    month,
                    flow.compactEncoded,
                    contributors
                )
            } else {
                try connection.execute("DELETE FROM slice_months WHERE slice_id = ? AND month = ?", id, month)
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
        guard let first = periods.keys.map(\.start).min(), let last = periods.keys.map(\.start).max() else { return }
        var stored: [PeriodKey: (parts: [UInt8], contributors: Int)] = [:]
        try connection.query(
            """
            SELECT start_day, end_day, parts, contributors FROM slice_periods
            WHERE slice_id = ? AND kind = ? AND start_day BETWEEN ? AND ?
            """,
            id,
            kind.rawValue,
            first,
            last
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
