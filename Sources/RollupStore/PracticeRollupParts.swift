public import KPI
internal import Rollups
internal import Storage
public import Wire

/// The practice parts of a selection of client groups read from rollups (kpi-definitions §7):
/// snapshot parts at chosen days, and flows over chosen periods assembled from whole-month rows
/// and the day rows of the months a period only partly covers.
///
/// A group has day rows from its first record's date on (the worker computes a group's days
/// from the first change it saw). Before that day none of its clients has a document or a rule,
/// yet each still counts in the snapshot (expected regularity periods, inactive when active):
/// the reader adds those days from the group's profile and size alone
/// (`RollupReader.emptyPracticeSnapshot(clients:frequency:deactivated:at:calendar:)`). Flows of days
/// without a row are zero.
public struct PracticeRollupParts: Sendable {
    /// Merged snapshot parts by day.
    public var snapshots: [CalendarDate: PracticeSnapshot]
    /// Merged daily flows of the months read day by day.
    public var dailyFlows: [CalendarDate: PracticeFlow]
    /// Merged whole-month flows, by month index.
    public var monthlyFlows: [Int: PracticeFlow]
    /// Months whose days were read.
    public var dailyMonths: Set<Int>
    /// Months whose month rows were read: every month a period covers whole (some may also be
    /// read by days, for the periods that cover them partly).
    public var wholeMonths: Set<Int>

    /// Creates a value.
    public init(
        snapshots: [CalendarDate: PracticeSnapshot] = [:],
        dailyFlows: [CalendarDate: PracticeFlow] = [:],
        monthlyFlows: [Int: PracticeFlow] = [:],
        dailyMonths: Set<Int> = [],
        wholeMonths: Set<Int> = []
    ) {
        self.snapshots = snapshots
        self.dailyFlows = dailyFlows
        self.monthlyFlows = monthlyFlows
        self.dailyMonths = dailyMonths
        self.wholeMonths = wholeMonths
    }

    /// The snapshot parts at the end of `date` (zero when not read or before the first data).
    public func snapshot(at date: CalendarDate) -> PracticeSnapshot {
        self.snapshots[date] ?? .zero
    }

    /// The flow parts over `period`: the months it covers whole from month rows, the other days
    /// from day rows.
    /// A period must have been announced to ``RollupReader/practiceParts(selection:groups:firstDays:calendar:snapshotDates:flowPeriods:)``.
    public func flow(over period: Period) -> PracticeFlow {
        var total = PracticeFlow.zero
        var cursor = period.start
        while cursor <= period.end {
            let month = Period.month(containing: cursor)
            if cursor == month.start && month.end <= period.end && self.wholeMonths.contains(cursor.monthIndex) {
                total += self.monthlyFlows[cursor.monthIndex] ?? .zero
                guard month.end < period.end, month.end < .max else { break }
                cursor = month.end.clampedAdding(days: 1)
                continue
            }
            total += self.dailyFlows[cursor] ?? .zero
            guard cursor < period.end else { break }
            cursor = cursor.clampedAdding(days: 1)
        }
        return total
    }

    /// ``flow(over:)`` of each of `periods`. A period one day later than the one before it, of
    /// the same length, is that one plus its new last day minus the day it left behind, when both
    /// days were read (parts are invertible and merges drop cancelled entries, so the result is
    /// the same sum): a 30-day history of 90-day windows merges 2 days per window, not 90.
    public func flows(over periods: [Period]) -> [PracticeFlow] {
        var result: [PracticeFlow] = []
        result.reserveCapacity(periods.count)
        var previous: (period: Period, flow: PracticeFlow)?
        for period in periods {
            var flow: PracticeFlow
            if let (last, lastFlow) = previous, last.length == period.length, last.start.clampedAdding(days: 1) == period.start,
                last.end < .max, self.dailyMonths.contains(last.start.monthIndex), self.dailyMonths.contains(period.end.monthIndex)
            {
                flow = lastFlow
                flow += self.dailyFlows[period.end] ?? .zero
                flow += (self.dailyFlows[last.start] ?? .zero).negated
            } else {
                flow = self.flow(over: period)
            }
            result.append(flow)
            previous = (period, flow)
        }
        return result
    }

    /// The months read day by day for `periods`: those a period covers only partly.
    public static func dailyMonths(for periods: [Period]) -> Set<Int> {
        var months: Set<Int> = []
        for period in periods {
            let first = Period.month(containing: period.start)
            if period.start != first.start || period.end < first.end { months.insert(period.start.monthIndex) }
            let last = Period.month(containing: period.end)
            if period.end != last.end || period.start > last.start { months.insert(period.end.monthIndex) }
        }
        return months
    }

    /// The whole months some period covers entirely.
    public static func wholeMonths(for periods: [Period]) -> Set<Int> {
        var months: Set<Int> = []
        for period in periods {
            var cursor = period.start.firstOfMonth
            while cursor <= period.end {
                let month = Period.month(containing: cursor)
                if month.start >= period.start && month.end <= period.end { months.insert(cursor.monthIndex) }
                guard month.end < .max else { break }
                cursor = month.end.clampedAdding(days: 1)
            }
        }
        return months
    }
}

extension RollupReader {
    /// The snapshot parts of `clients` clients of one frequency and state at a day before any of
    /// their documents and rules: what the worker would compute for them (every client expected
    /// in its regularity periods, none with documents, every active one inactive, no rule).
    static func emptyPracticeSnapshot(
        clients: Int64,
        frequency: ClientFact.Frequency,
        deactivated: Bool,
        at date: CalendarDate,
        calendar: FiscalCalendar
    ) -> PracticeSnapshot {
        var parts = PracticeSnapshot()
        parts.clients = clients
        let periods = PracticeRules.regularityPeriods(frequency: frequency, asOf: date, calendar: calendar)
        parts.periodsExpected = clients * Int64(periods.count)
        parts.earliestPeriodStart = clients > 0 ? periods.map(\.start).min() : nil
        if !deactivated {
            parts.activeClients = clients
            parts.inactiveClients = clients
        }
        return parts
    }

    /// The first day of each client group's day rows. One index seek per group; gateways cache
    /// it until a commit changes one (``firstDayChanges()``).
    public func groupFirstDays() throws -> GroupFirstDays {
        var days: [Int64: CalendarDate] = [:]
        var everyGroupHasRows = true
        try self.connection.query(
            "SELECT g.group_id, (SELECT min(d.day) FROM rollup_days d WHERE d.group_id = g.group_id) FROM client_groups g"
        ) { row in
            if let day = try row.decode(CalendarDate?.self, at: 1) {
                days[try row.decode(Int64.self, at: 0)] = day
            } else {
                everyGroupHasRows = false
            }
        }
        return GroupFirstDays(days: days, latest: everyGroupHasRows ? days.values.max() : nil)
    }

    /// The number of commits that changed the first day of some group's rows (tenant schema
    /// v11): ``groupFirstDays()`` gives the same answer while it is unchanged.
    public func firstDayChanges() throws -> Int64 {
        try self.connection.fetchValue(Int64.self, "SELECT first_day_changes FROM rollup_commits WHERE singleton = 1") ?? 0
    }

    /// The practice parts of the selected `groups`, read through `selection` (their slices,
    /// other groups and subtracted groups): merged snapshots at `snapshotDates`, and what
    /// ``PracticeRollupParts/flow(over:)`` needs for `flowPeriods`.
    ///
    /// Two parts of a snapshot are not in the rows read: the days before a group's first row
    /// (`firstDays`, ``groupFirstDays()``; none when every day asked is on or after the firm's
    /// latest first day) get the empty snapshot of their clients (`emptyPracticeSnapshot`), and
    /// the earliest regularity-period start — a minimum, which slices do not keep — is derived
    /// from the groups' frequencies (``KPI/PracticeRules/earliestPeriodStarts(frequencies:at:calendar:)``).
    public func practiceParts(
        selection: RowSelection,
        groups: [StoredGroup],
        firstDays: GroupFirstDays,
        calendar: FiscalCalendar,
        snapshotDates: [CalendarDate],
        flowPeriods: [Period]
    ) throws -> PracticeRollupParts {
        let wanted = Set(snapshotDates)
        let dailyMonths = PracticeRollupParts.dailyMonths(for: flowPeriods)
        let wholeMonths = PracticeRollupParts.wholeMonths(for: flowPeriods)
        var parts = PracticeRollupParts(dailyMonths: dailyMonths, wholeMonths: wholeMonths)
        // Days outside every period are never summed: a daily month is read from the first
        // period's start to the last period's end only.
        let flowSpan = flowPeriods.isEmpty
            ? nil : Period(uncheckedStart: flowPeriods.map(\.start).min() ?? .min, end: flowPeriods.map(\.end).max() ?? .max)
        // The first row of a key is kept as decoded (most answers read one slice: no merge).
        func add<Key: Hashable, Parts: InvertibleParts>(_ value: Parts, to sums: inout [Key: Parts], at key: Key, negated: Bool) {
            let value = negated ? value.negated : value
            if sums[key] == nil { sums[key] = value } else { sums[key]! += value }
        }
        for (table, ids, negated) in selection.sources {
            try self.visitPracticeRows(
                table: table,
                ids: ids,
                snapshotDates: wanted,
                dailyMonths: dailyMonths,
                within: flowSpan,
                wholeMonths: wholeMonths
            ) { row in
                switch row {
                case .snapshot(let day, var value):
                    value.earliestPeriodStart = nil
                    add(value, to: &parts.snapshots, at: day, negated: negated)
                case .dailyFlow(let day, let value): add(value, to: &parts.dailyFlows, at: day, negated: negated)
                case .monthlyFlow(let month, let value): add(value, to: &parts.monthlyFlows, at: month, negated: negated)
                }
            }
        }
        guard !groups.isEmpty else { return parts }
        // Groups whose rows start after the earliest day asked (usually few): their clients at
        // the days before their first row, by frequency and state, then their empty snapshots.
        struct Late: Hashable {
            var frequency: ClientFact.Frequency
            var deactivated: Bool
            var day: CalendarDate
        }
        var late: [Late: Int64] = [:]
        if let earliest = wanted.min(), firstDays.latest.map({ earliest < $0 }) ?? true {
            for group in groups where firstDays.days[group.id].map({ earliest < $0 }) ?? true {
                for day in wanted where firstDays.days[group.id].map({ day < $0 }) ?? true {
                    late[Late(frequency: group.profile.frequency, deactivated: group.profile.deactivated, day: day), default: 0] += Int64(group.clients)
                }
            }
        }
        for (key, clients) in late {
            parts.snapshots[key.day, default: .zero] += Self.emptyPracticeSnapshot(
                clients: clients,
                frequency: key.frequency,
                deactivated: key.deactivated,
                at: key.day,
                calendar: calendar
            )
        }
        var frequencies: [ClientFact.Frequency] = []
        for group in groups where !frequencies.contains(group.profile.frequency) {
            frequencies.append(group.profile.frequency)
            if frequencies.count == ClientFact.Frequency.allCases.count { break }
        }
        let earliest = PracticeRules.earliestPeriodStarts(frequencies: frequencies, at: Array(wanted), calendar: calendar)
        for day in wanted {
            parts.snapshots[day, default: .zero].earliestPeriodStart = earliest[day]
        }
        return parts
    }

    /// The sum of the stored practice snapshot rows at `day` of each of `selections` (breakdown
    /// lines), read together: one statement per table and chunk of ids for all of them.
    ///
    /// Only stored rows are summed: the days before a group's first row add nothing. The counts
    /// that are zero on such days (documents to review and ready, periods with documents,
    /// declining clients, rules) are exact; the others are not, and the earliest period start is
    /// absent (use ``practiceParts(selection:groups:firstDays:calendar:snapshotDates:flowPeriods:)``
    /// for those).
    public func storedPracticeSnapshots(of selections: [RowSelection], at day: CalendarDate) throws -> [PracticeSnapshot] {
        var stored: [RowTable: [Int64: PracticeSnapshot]] = [:]
        for table in [RowTable.slices, .groups] {
            let ids = Set(selections.flatMap { table == .slices ? $0.slices : $0.groups + $0.subtracted }).sorted()
            try Self.inChunks(ids) { placeholders, arguments in
                try self.connection.query(
                    "SELECT \(table.id), practice_snapshot FROM \(table.days) WHERE \(table.id) IN (\(placeholders)) AND day = ?",
                    arguments: arguments + [day.sqliteValue]
                ) { row in
                    guard let blob = try row.decode([UInt8]?.self, at: 1) else { return }
                    var snapshot = try PracticeSnapshot(compactEncoded: blob)
                    snapshot.earliestPeriodStart = nil
                    stored[table, default: [:]][try row.decode(Int64.self, at: 0)] = snapshot
                }
            }
        }
        return selections.map { selection in
            var total = PracticeSnapshot.zero
            for (table, ids, negated) in selection.sources {
                for id in ids {
                    guard let snapshot = stored[table]?[id] else { continue }
                    total += negated ? snapshot.negated : snapshot
                }
            }
            return total
        }
    }

    /// One decoded practice row (``visitPracticeRows(table:ids:snapshotDates:dailyMonths:within:wholeMonths:body:)``).
    enum PracticeRow {
        /// Snapshot parts at the end of a day.
        case snapshot(CalendarDate, PracticeSnapshot)
        /// Flow parts of one day.
        case dailyFlow(CalendarDate, PracticeFlow)
        /// Flow parts of a whole month (month index).
        case monthlyFlow(Int, PracticeFlow)
    }

    /// Calls `body` with each stored practice row of `ids` that the keys need: the snapshots at
    /// `snapshotDates`, the daily flows of the days of `dailyMonths` inside `span` and the flows
    /// of `wholeMonths`. Day rows
    /// are read by ranges (each snapshot day, each daily month; merged when they touch, so that a
    /// 12-month series reads 12 days per id, not the 335 between them), each range one statement
    /// per chunk of ids.
    func visitPracticeRows(
        table: RowTable,
        ids: [Int64],
        snapshotDates: Set<CalendarDate>,
        dailyMonths: Set<Int>,
        within span: Period?,
        wholeMonths: Set<Int>,
        body: (PracticeRow) throws -> Void
    ) throws {
        var ranges = snapshotDates.map { (start: $0, end: $0) }
        for month in dailyMonths {
            let first = CalendarDate.firstOfMonth(index: month)
            let start = Swift.max(first, span?.start ?? first)
            let end = Swift.min(first.lastOfMonth, span?.end ?? first.lastOfMonth)
            if start <= end { ranges.append((start, end)) }
        }
        ranges.sort { $0.start < $1.start }
        var merged: [(start: CalendarDate, end: CalendarDate)] = []
        for range in ranges {
            if let last = merged.last, range.start <= last.end.clampedAdding(days: 1) {
                merged[merged.count - 1].end = Swift.max(last.end, range.end)
            } else {
                merged.append(range)
            }
        }
        try Self.inChunks(ids) { placeholders, arguments in
            for range in merged {
                try self.connection.query(
                    """
                    SELECT day, practice_snapshot, practice_flow FROM \(table.days)
                    WHERE \(table.id) IN (\(placeholders)) AND day BETWEEN ? AND ?
                    """,
                    arguments: arguments + [range.start.sqliteValue, range.end.sqliteValue]
                ) { row in
                    let day = try row.decode(CalendarDate.self, at: 0)
                    if snapshotDates.contains(day), let blob = try row.decode([UInt8]?.self, at: 1) {
                        try body(.snapshot(day, try PracticeSnapshot(compactEncoded: blob)))
                    }
                    if dailyMonths.contains(day.monthIndex), span?.contains(day) ?? true, let blob = try row.decode([UInt8]?.self, at: 2) {
                        try body(.dailyFlow(day, try PracticeFlow(compactEncoded: blob)))
                    }
                }
            }
            guard let first = wholeMonths.min(), let last = wholeMonths.max() else { return }
            try self.connection.query(
                """
                SELECT month, practice_flow FROM \(table.months)
                WHERE \(table.id) IN (\(placeholders)) AND month BETWEEN ? AND ?
                """,
                arguments: arguments + [CalendarDate.firstOfMonth(index: first).sqliteValue, CalendarDate.firstOfMonth(index: last).sqliteValue]
            ) { row in
                let month = try row.decode(CalendarDate.self, at: 0).monthIndex
                guard wholeMonths.contains(month), let blob = try row.decode([UInt8]?.self, at: 1) else { return }
                try body(.monthlyFlow(month, try PracticeFlow(compactEncoded: blob)))
            }
        }
    }
}

/// The first day of each client group's day rows (``RollupReader/groupFirstDays()``): before it,
/// a group's clients count as empty snapshots.
public struct GroupFirstDays: Sendable {
    /// By group id; a group without any row is absent.
    public var days: [Int64: CalendarDate]
    /// The latest first day when every group of the firm has rows: no group is empty on or after
    /// it, so answers about those days need no look-up per group. `nil` otherwise.
    public var latest: CalendarDate?

    /// Creates a value (`latest` `nil`: every selected group is looked up).
    public init(days: [Int64: CalendarDate], latest: CalendarDate? = nil) {
        self.days = days
        self.latest = latest
    }
}
