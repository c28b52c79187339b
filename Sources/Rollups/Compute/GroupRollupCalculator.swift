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
    ///
    /// When every target starts at a day (`from`: an incremental change, such as the rows of the
    /// day), a group of several clients is computed client by client and summed
    /// (``rollupsSummingClients(facts:targets:)``): each client's calculators give its part of
    /// the group rows and its level-3 client rows, where calculators over the whole group would
    /// process every fact twice. Whole months (a rebuild) are computed over all the facts at once
    /// (``rollupsOverAllFacts(facts:targets:)``): summing every day of a history client by client
    /// costs more than it saves. Both give the same bytes.
    public func rollups(facts: [ClientFacts], targets: [Target]) -> [PartitionRollup] {
        if facts.count > 1, targets.allSatisfy({ $0.from != nil }) {
            return self.rollupsSummingClients(facts: facts, targets: targets)
        }
        return self.rollupsOverAllFacts(facts: facts, targets: targets)
    }

    /// The rows computed with one set of calculators over all of `facts`.
    public func rollupsOverAllFacts(facts: [ClientFacts], targets: [Target]) -> [PartitionRollup] {
        zip(targets, self.parts(facts: facts, targets: targets)).map { target, parts in parts.rollup(key: target.key) }
    }

    /// The rows computed client by client and summed: every part is a sum over clients (the
    /// slices rely on the same property over groups), so they are byte for byte those of
    /// ``rollupsOverAllFacts(facts:targets:)`` (tests hold them to that).
    public func rollupsSummingClients(facts: [ClientFacts], targets: [Target]) -> [PartitionRollup] {
        self.rollups(summing: facts.map { self.share(of: $0, targets: targets) }, targets: targets)
    }

    /// One client's share of its group's rows: its parts of each target and its level-3 rows,
    /// computed alone, to be summed with the other clients' shares
    /// (``rollups(summing:targets:)``). It depends only on the client's facts, the targets and
    /// the calculator, so a worker keeps it for the next batch over an unchanged client
    /// (``ClientShareMemo``).
    public struct ClientShare: Sendable {
        let parts: [Parts]
    }

    /// `client`'s share of the rows of `targets`.
    public func share(of client: ClientFacts, targets: [Target]) -> ClientShare {
        ClientShare(parts: self.parts(facts: [client], targets: targets))
    }

    /// The rows of `targets` as the sum of the clients' shares (computed for the same targets),
    /// client rows in the shares' order within a day: with the shares of every client of the
    /// group, the rows of ``rollupsSummingClients(facts:targets:)``.
    public func rollups(summing shares: [ClientShare], targets: [Target]) -> [PartitionRollup] {
        targets.indices.map { index in Parts.sum(shares.map { $0.parts[index] }).rollup(key: targets[index].key) }
    }

    /// The rows of one target as parts values, before they are encoded.
    struct Parts: Sendable {
        /// One day: its day row and its period rows.
        struct Day: Sendable {
            var day: CalendarDate
            var snapshot: ReceivablesSnapshot
            var flow: ReceivablesFlow?
            var practiceSnapshot: PracticeSnapshot
            var practiceFlow: PracticeFlow?
            /// AR-REC-RATE parts of the month to date.
            var collectionRate: CollectionRateParts
            /// The flow over the DSO window ending at the day.
            var windowFlow: ReceivablesFlow
            /// AR-FCST parts, at today only.
            var forecast: ForecastParts?

            /// Adds another client's parts of the same day.
            mutating func add(_ other: Day) {
                self.snapshot += other.snapshot
                self.practiceSnapshot = self.practiceSnapshot + other.practiceSnapshot
                if let flow = other.flow { self.flow = (self.flow ?? .zero) + flow }
                if let flow = other.practiceFlow { self.practiceFlow = (self.practiceFlow ?? .zero) + flow }
                self.collectionRate = self.collectionRate + other.collectionRate
                self.windowFlow += other.windowFlow
                if let forecast = other.forecast { self.forecast = (self.forecast ?? .zero) + forecast }
            }
        }

        var days: [Day] = []
        /// The month row (absent for a month without days).
        var month: (start: CalendarDate, flow: ReceivablesFlow, practiceFlow: PracticeFlow)?
        var clients: [RollupClient] = []

        /// The sum of several clients' parts of the same target (computed for the same days: the
        /// days depend on the target and the firm, not on the facts); a flow is present when any
        /// client has one; client rows by day, then in the clients' order.
        static func sum(_ parts: [Parts]) -> Parts {
            guard var total = parts.first else { return Parts() }
            for other in parts.dropFirst() {
                for (index, day) in zip(total.days.indices, other.days) { total.days[index].add(day) }
                if let month = other.month, let sum = total.month {
                    total.month = (sum.start, sum.flow + month.flow, sum.practiceFlow + month.practiceFlow)
                }
            }
            // Stable: within a day, the clients keep the order of `parts`.
            total.clients = parts.flatMap(\.clients).enumerated()
                .sorted { ($0.element.day, $0.offset) < ($1.element.day, $1.offset) }
                .map(\.element)
            return total
        }

        /// The encoded rows: per day its day row, then its AR-REC-RATE, window-flow and (at
        /// today) AR-FCST period rows.
        func rollup(key: String) -> PartitionRollup {
            var rollup = PartitionRollup(key: key)
            guard let month = self.month else { return rollup }
            for day in self.days {
                rollup.days.append(
                    RollupDay(
                        day: day.day,
                        receivablesSnapshot: Data(day.snapshot.compactEncoded),
                        receivablesFlow: day.flow.map { Data($0.compactEncoded) },
                        practiceSnapshot: Data(day.practiceSnapshot.compactEncoded),
                        practiceFlow: day.practiceFlow.map { Data($0.compactEncoded) }
                    )
                )
                let monthToDate = KPI.Period.monthToDate(day.day)
                rollup.periods.append(
                    RollupPeriod(kind: .collectionRate, start: monthToDate.start, end: monthToDate.end, parts: Data(day.collectionRate.compactEncoded))
                )
                rollup.periods.append(RollupPeriod(kind: .windowFlow, start: day.day, end: day.day, parts: Data(day.windowFlow.compactEncoded)))
                if let forecast = day.forecast {
                    rollup.periods.append(RollupPeriod(kind: .forecast, start: day.day, end: day.day, parts: Data(forecast.compactEncoded)))
                }
            }
            rollup.clients = self.clients
            rollup.months = [RollupMonth(month: month.start, receivablesFlow: Data(month.flow.compactEncoded), practiceFlow: Data(month.practiceFlow.compactEncoded))]
            return rollup
        }
    }

    /// The parts of every target computed over `facts` at once (one set of calculators).
    func parts(facts: [ClientFacts], targets: [Target]) -> [Parts] {
        let daysByTarget = targets.map { self.days(ofMonth: $0.month) }
        let wantedByTarget = zip(targets, daysByTarget).map { target, days in
            target.from.map { from in days.filter { $0 >= from } } ?? days
        }
        let allDays = Array(Set(daysByTarget.joined())).sorted()
        let snapshotDays = Array(Set(wantedByTarget.joined())).sorted()
        guard let first = allDays.first, let last = allDays.last else {
            return targets.map { _ in Parts() }
        }
        let receivables = ReceivablesPartsCalculator(facts, settings: self.settings)
        let practice = PracticePartsCalculator(facts, settings: self.settings)
        let snapshots = Dictionary(uniqueKeysWithValues: zip(snapshotDays, receivables.snapshots(at: snapshotDays)))
        let practiceSnapshots = Dictionary(uniqueKeysWithValues: zip(snapshotDays, practice.snapshots(at: snapshotDays)))
        // One pass of daily flows serves the months and the DSO windows ending on their days.
        let windowDays = self.settings.clamped.dsoWindowDays
        let windowStart = snapshotDays.first.map { $0.clampedAdding(days: -(windowDays - 1)) } ?? first
        let flows = receivables.dailyFlows(in: KPI.Period(uncheckedStart: Swift.min(first, windowStart), end: last))
        let practiceFlows = practice.dailyFlows(in: KPI.Period(uncheckedStart: first, end: last))
        let windowFlows = Self.windowFlows(at: snapshotDays, daily: flows, windowDays: windowDays)
        let collectionRates = Dictionary(
            uniqueKeysWithValues: snapshotDays.map { ($0, receivables.collectionRate(over: KPI.Period.monthToDate($0))) }
        )

        let clientDays = Array(Set(snapshotDays.filter { ClientRollupCalculator.storesClientRow(day: $0, today: self.today) })).sorted()
        // A group of one client (most groups, and every one `rollupsSummingClients` computes)
        // computes its client's parts with the group's calculators (they were built over exactly
        // that client's facts) and with the snapshots, flows and AR-REC-RATE parts computed
        // above: the client days are among the snapshot days, and the flows cover their windows
        // and months.
        let clientParts = clientDays.isEmpty
            ? []
            : facts.map { client in
                (
                    client: client.client.id,
                    parts: facts.count == 1
                        ? ClientRollupCalculator.parts(
                            of: client,
                            at: clientDays,
                            settings: self.settings,
                            receivables: receivables,
                            practice: practice,
                            computed: ClientRollupCalculator.Computed(
                                snapshots: snapshots,
                                practiceSnapshots: practiceSnapshots,
                                flows: flows,
                                practiceFlows: practiceFlows,
                                windowFlows: windowFlows,
                                collectionRates: collectionRates
                            )
                        )
                        : ClientRollupCalculator.parts(of: client, at: clientDays, settings: self.settings)
                )
            }

        var result: [Parts] = []
        result.reserveCapacity(targets.count)
        for ((target, days), wanted) in zip(zip(targets, daysByTarget), wantedByTarget) {
            var parts = Parts()
            guard !days.isEmpty else {
                result.append(parts)
                continue
            }
            var monthFlow = ReceivablesFlow.zero
            var monthPracticeFlow = PracticeFlow.zero
            for day in days {
                if let flow = flows[day] { monthFlow += flow }
                if let practiceFlow = practiceFlows[day] { monthPracticeFlow += practiceFlow }
            }
            for day in wanted {
                parts.days.append(
                    Parts.Day(
                        day: day,
                        snapshot: snapshots[day] ?? .zero,
                        flow: flows[day],
                        practiceSnapshot: practiceSnapshots[day] ?? .zero,
                        practiceFlow: practiceFlows[day],
                        collectionRate: collectionRates[day] ?? .zero,
                        windowFlow: windowFlows[day] ?? .zero,
                        forecast: day == self.today ? receivables.forecast(asOf: day) : nil
                    )
                )
            }
            for day in wanted where ClientRollupCalculator.storesClientRow(day: day, today: self.today) {
                for client in clientParts {
                    guard let clientDay = client.parts[day] else { continue }
                    parts.clients.append(
                        RollupClient(
                            client: client.client,
                            day: day,
                            receivables: Data(clientDay.receivables.compactEncoded),
                            practice: Data(clientDay.practice.compactEncoded)
                        )
                    )
                }
            }
            parts.month = (target.month.firstOfMonth, monthFlow, monthPracticeFlow)
            result.append(parts)
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
