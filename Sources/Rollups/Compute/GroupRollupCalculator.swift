internal import Foundation
public import KPI
public import PilotageProtocol
public import Wire

/// Computes the rows of client-group partitions (`g<group>/fy<year>/m<YYYY-MM>`) from the facts
/// of the group's clients: pure and deterministic, so any worker computes the same bytes.
///
/// For each month of the batch and each of its days from the firm's first data date through
/// "today" (earlier days hold nothing, later days do not exist yet):
/// - a **day row**: receivables and practice snapshot parts at the end of the day, and the
///   day's flow parts (absent without activity);
/// - a **month row**: the sum of the month's daily flows, so long periods read whole months;
/// - **period rows**: AR-REC-RATE parts of the month to date of each day (the month itself at
///   its last day), and AR-FCST parts at today in the month that contains today;
/// - **client rows**: each client's own parts (``ClientRollupCalculator``) at the month's last
///   day and at every day of the month that contains today (level-3 tables).
///
/// All months of a batch are computed in one sweep over the group's items (snapshots of every
/// day at once), which is why a worker leases a group's dirty months together.
public struct GroupRollupCalculator: Sendable {
    /// One partition of the batch.
    public struct Target: Sendable, Hashable {
        /// Partition key.
        public var key: String
        /// First day of its month.
        public var month: CalendarDate
        /// The first day whose rows are wanted (the earlier rows of the month are kept);
        /// `nil`: every day.
        public var from: CalendarDate?

        /// Creates a target.
        public init(key: String, month: CalendarDate, from: CalendarDate? = nil) {
            self.key = key
            self.month = month
            self.from = from
        }
    }

    /// Settings that shape the parts.
    public let settings: KPISettings
    /// The firm's business date.
    public let today: CalendarDate
    /// The firm's first data date (nothing is materialised before it).
    public let firstDataDate: CalendarDate?

    /// Creates a calculator.
    public init(settings: KPISettings, today: CalendarDate, firstDataDate: CalendarDate?) {
        self.settings = settings.clamped
        self.today = today
        self.firstDataDate = firstDataDate
    }

    /// The days of the month starting at `month` that get rows.
    public func days(ofMonth month: CalendarDate) -> [CalendarDate] {
        let period = Period.month(containing: month)
        let start = Swift.max(period.start, self.firstDataDate ?? period.start)
        let end = Swift.min(period.end, self.today)
        guard start <= end else { return [] }
        return Period(uncheckedStart: start, end: end).days
    }

    /// The rows of every target, in target order. A target with `from` gets the day and period
    /// rows of the days from it only, and its full month row (flows are cheap, snapshots are not).
    public func rollups(facts: [ClientFacts], targets: [Target]) -> [PartitionRollup] {
        let daysByTarget = targets.map { self.days(ofMonth: $0.month) }
        let wantedByTarget = zip(targets, daysByTarget).map { target, days in
            target.from.map { from in days.filter { $0 >= from } } ?? days
        }
        let allDays = Array(Set(daysByTarget.joined())).sorted()
        let snapshotDays = Array(Set(wantedByTarget.joined())).sorted()
        guard let first = allDays.first, let last = allDays.last else {
            return targets.map { PartitionRollup(key: $0.key) }
        }
        let receivables = ReceivablesPartsCalculator(facts, settings: self.settings)
        let practice = PracticePartsCalculator(facts, settings: self.settings)
        let snapshots = Dictionary(uniqueKeysWithValues: zip(snapshotDays, receivables.snapshots(at: snapshotDays)))
        let practiceSnapshots = Dictionary(uniqueKeysWithValues: zip(snapshotDays, practice.snapshots(at: snapshotDays)))
        // One pass of daily flows serves the months and the DSO windows ending on their days.
        let windowDays = self.settings.clamped.dsoWindowDays
        let windowStart = snapshotDays.first.map { $0.clampedAdding(days: -(windowDays - 1)) } ?? first
        let flows = receivables.dailyFlows(in: Period(uncheckedStart: Swift.min(first, windowStart), end: last))
        let practiceFlows = practice.dailyFlows(in: Period(uncheckedStart: first, end: last))
        let windowFlows = Self.windowFlows(at: snapshotDays, daily: flows, windowDays: windowDays)

        let clientDays = Array(Set(snapshotDays.filter { ClientRollupCalculator.storesClientRow(day: $0, today: self.today) })).sorted()
        // A group of one client (most groups) computes its client's parts with the group's
        // calculators: they were built over exactly that client's facts.
        let clientParts = clientDays.isEmpty
            ? []
            : facts.map { client in
                (
                    client: client.client.id,
                    parts: facts.count == 1
                        ? ClientRollupCalculator.parts(of: client, at: clientDays, settings: self.settings, receivables: receivables, practice: practice)
                        : ClientRollupCalculator.parts(of: client, at: clientDays, settings: self.settings)
                )
            }

        var result: [PartitionRollup] = []
        result.reserveCapacity(targets.count)
        for ((target, days), wanted) in zip(zip(targets, daysByTarget), wantedByTarget) {
            var rollup = PartitionRollup(key: target.key)
            guard !days.isEmpty else {
                result.append(rollup)
                continue
            }
            var monthFlow = ReceivablesFlow.zero
            var monthPracticeFlow = PracticeFlow.zero
            for day in days {
                if let flow = flows[day] { monthFlow += flow }
                if let practiceFlow = practiceFlows[day] { monthPracticeFlow += practiceFlow }
            }
            for day in wanted {
                let flow = flows[day]
                let practiceFlow = practiceFlows[day]
                rollup.days.append(
                    RollupDay(
                        day: day,
                        receivablesSnapshot: Data((snapshots[day] ?? .zero).compactEncoded),
                        receivablesFlow: flow.map { Data($0.compactEncoded) },
                        practiceSnapshot: Data((practiceSnapshots[day] ?? .zero).compactEncoded),
                        practiceFlow: practiceFlow.map { Data($0.compactEncoded) }
                    )
                )
                let monthToDate = Period.monthToDate(day)
                rollup.periods.append(
                    RollupPeriod(
                        kind: .collectionRate,
                        start: monthToDate.start,
                        end: monthToDate.end,
                        parts: Data(receivables.collectionRate(over: monthToDate).compactEncoded)
                    )
                )
                rollup.periods.append(
                    RollupPeriod(kind: .windowFlow, start: day, end: day, parts: Data((windowFlows[day] ?? .zero).compactEncoded))
                )
                if day == self.today {
                    rollup.periods.append(
                        RollupPeriod(
                            kind: .forecast,
                            start: day,
                            end: day,
                            parts: Data(receivables.forecast(asOf: day).compactEncoded)
                        )
                    )
                }
            }
            var clients: [RollupClient] = []
            for day in wanted where ClientRollupCalculator.storesClientRow(day: day, today: self.today) {
                for client in clientParts {
                    guard let parts = client.parts[day] else { continue }
                    clients.append(
                        RollupClient(
                            client: client.client,
                            day: day,
                            receivables: Data(parts.receivables.compactEncoded),
                            practice: Data(parts.practice.compactEncoded)
                        )
                    )
                }
            }
            rollup.clients = clients
            rollup.months.append(
                RollupMonth(
                    month: target.month.firstOfMonth,
                    receivablesFlow: Data(monthFlow.compactEncoded),
                    practiceFlow: Data(monthPracticeFlow.compactEncoded)
                )
            )
            result.append(rollup)
        }
        return result
    }

    /// The flow parts over the DSO window ending at each of `days` (sorted), from `daily` (the
    /// daily flows from the first window's start on): a sliding sum (parts are exact integer
    /// sums, so removing the day that leaves the window is exact).
    static func windowFlows(at days: [CalendarDate], daily: [CalendarDate: ReceivablesFlow], windowDays: Int) -> [CalendarDate: ReceivablesFlow] {
        guard let first = days.first, let last = days.last, windowDays >= 1 else { return [:] }
        let start = first.clampedAdding(days: -(windowDays - 1))
        let wanted = Set(days)
        var result: [CalendarDate: ReceivablesFlow] = [:]
        var sum = ReceivablesFlow.zero
        var cursor = start
        while cursor <= last {
            if let flow = daily[cursor] { sum += flow }
            let leaving = cursor.clampedAdding(days: -windowDays)
            if leaving >= start, let flow = daily[leaving] { sum += flow.negated }
            if wanted.contains(cursor) { result[cursor] = sum }
            guard cursor < last else { break }
            cursor = cursor.clampedAdding(days: 1)
        }
        return result
    }
}
