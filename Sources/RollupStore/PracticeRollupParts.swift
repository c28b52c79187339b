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
/// the reader fills those days from the group's profile and size alone
/// (``RollupReader/emptyPracticeSnapshot(_:at:calendar:)``). Flows of days without a row are zero.
public struct PracticeRollupParts: Sendable {
    /// Merged snapshot parts by day.
    public var snapshots: [CalendarDate: PracticeSnapshot]
    /// Snapshot parts by group, at the days asked per group (the per-collaborator breakdown).
    public var groupSnapshots: [Int64: [CalendarDate: PracticeSnapshot]]
    /// Merged daily flows of the months read day by day.
    public var dailyFlows: [CalendarDate: PracticeFlow]
    /// Merged whole-month flows, by month index.
    public var monthlyFlows: [Int: PracticeFlow]
    /// Months whose days were read.
    public var dailyMonths: Set<Int>

    /// Creates a value.
    public init(
        snapshots: [CalendarDate: PracticeSnapshot] = [:],
        groupSnapshots: [Int64: [CalendarDate: PracticeSnapshot]] = [:],
        dailyFlows: [CalendarDate: PracticeFlow] = [:],
        monthlyFlows: [Int: PracticeFlow] = [:],
        dailyMonths: Set<Int> = []
    ) {
        self.snapshots = snapshots
        self.groupSnapshots = groupSnapshots
        self.dailyFlows = dailyFlows
        self.monthlyFlows = monthlyFlows
        self.dailyMonths = dailyMonths
    }

    /// The snapshot parts at the end of `date` (zero when not read or before the first data).
    public func snapshot(at date: CalendarDate) -> PracticeSnapshot {
        self.snapshots[date] ?? .zero
    }

    /// The flow parts over `period`: whole months from month rows, the other days from day rows.
    /// A period must have been announced to ``RollupReader/practiceParts(groups:snapshotDates:flowPeriods:perGroupDates:)``.
    public func flow(over period: Period) -> PracticeFlow {
        var total = PracticeFlow.zero
        var cursor = period.start
        while cursor <= period.end {
            let month = Period.month(containing: cursor)
            if cursor == month.start && month.end <= period.end && !self.dailyMonths.contains(cursor.monthIndex) {
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
    /// The snapshot parts of a group's clients at a day before any of their documents and rules:
    /// what the worker would compute for them (every client expected in its regularity periods,
    /// none with documents, every active one inactive, no rule).
    public static func emptyPracticeSnapshot(_ group: StoredGroup, at date: CalendarDate, calendar: FiscalCalendar) -> PracticeSnapshot {
        var parts = PracticeSnapshot()
        let clients = Int64(group.clients)
        parts.clients = clients
        let periods = PracticeRules.regularityPeriods(frequency: group.profile.frequency, asOf: date, calendar: calendar)
        parts.periodsExpected = clients * Int64(periods.count)
        parts.earliestPeriodStart = clients > 0 ? periods.map(\.start).min() : nil
        if !group.profile.deactivated {
            parts.activeClients = clients
            parts.inactiveClients = clients
        }
        return parts
    }

    /// The practice parts of `groups`: merged snapshots at `snapshotDates`, each group's snapshot
    /// at `perGroupDates`, and what ``PracticeRollupParts/flow(over:)`` needs for `flowPeriods`.
    /// Days before a group's first day row get ``emptyPracticeSnapshot(_:at:calendar:)``.
    public func practiceParts(
        groups: [StoredGroup],
        calendar: FiscalCalendar,
        snapshotDates: [CalendarDate],
        flowPeriods: [Period],
        perGroupDates: [CalendarDate] = []
    ) throws -> PracticeRollupParts {
        let wanted = Set(snapshotDates)
        let perGroup = Set(perGroupDates)
        let dailyMonths = PracticeRollupParts.dailyMonths(for: flowPeriods)
        let wholeMonths = PracticeRollupParts.wholeMonths(for: flowPeriods).subtracting(dailyMonths)
        var parts = PracticeRollupParts(dailyMonths: dailyMonths)
        let allSnapshotDates = wanted.union(perGroup)
        // Day ranges to read: each snapshot day alone, each daily month whole; merged when they
        // touch, so a 12-month series reads 12 days per group, not the 335 between them.
        var ranges = allSnapshotDates.map { (start: $0, end: $0) }
        for month in dailyMonths {
            let start = CalendarDate.firstOfMonth(index: month)
            ranges.append((start, start.lastOfMonth))
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
        let months = wholeMonths.sorted()
        for stored in groups {
            let group = stored.id
            let firstRow = try self.connection.fetchValue(CalendarDate?.self, "SELECT min(day) FROM rollup_days WHERE group_id = ?", group) ?? nil
            for day in allSnapshotDates where firstRow.map({ day < $0 }) ?? true {
                let snapshot = Self.emptyPracticeSnapshot(stored, at: day, calendar: calendar)
                if wanted.contains(day) { parts.snapshots[day, default: .zero] += snapshot }
                if perGroup.contains(day) { parts.groupSnapshots[group, default: [:]][day] = snapshot }
            }
            for range in merged {
                try self.connection.query(
                    "SELECT day, practice_snapshot, practice_flow FROM rollup_days WHERE group_id = ? AND day BETWEEN ? AND ?",
                    group,
                    range.start,
                    range.end
                ) { row in
                    let day = try row.decode(CalendarDate.self, at: 0)
                    if allSnapshotDates.contains(day), let blob = try row.decode([UInt8]?.self, at: 1) {
                        let snapshot = try PracticeSnapshot(compactEncoded: blob)
                        if wanted.contains(day) { parts.snapshots[day, default: .zero] += snapshot }
                        if perGroup.contains(day) { parts.groupSnapshots[group, default: [:]][day] = snapshot }
                    }
                    if dailyMonths.contains(day.monthIndex), let blob = try row.decode([UInt8]?.self, at: 2) {
                        parts.dailyFlows[day, default: .zero] += try PracticeFlow(compactEncoded: blob)
                    }
                }
            }
            if let first = months.first, let last = months.last {
                let wholeSet = Set(months)
                try self.connection.query(
                    "SELECT month, practice_flow FROM rollup_months WHERE group_id = ? AND month BETWEEN ? AND ?",
                    group,
                    CalendarDate.firstOfMonth(index: first),
                    CalendarDate.firstOfMonth(index: last)
                ) { row in
                    let month = try row.decode(CalendarDate.self, at: 0).monthIndex
                    guard wholeSet.contains(month) else { return }
                    parts.monthlyFlows[month, default: .zero] += try PracticeFlow(compactEncoded: try row.decode([UInt8].self, at: 1))
                }
            }
        }
        return parts
    }
}
