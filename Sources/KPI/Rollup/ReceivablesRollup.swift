public import Wire

/// An in-memory rollup of receivables parts: the layout the worker stores, and what the
/// dashboards merge (kpi-definitions §1.5; design.md "Rollups and freshness").
///
/// Parts are kept per **client group** (clients sharing a ``ClientProfile``), so any
/// ``ClientFilter`` is a union of whole groups and every client counts once:
/// - snapshot parts for each day of the materialised range;
/// - flow parts per day over the range, and per calendar month (so a long period is a few
///   months plus the partial days at both ends);
/// - AR-REC-RATE parts for the periods asked at build time, and AR-FCST parts at the as-of
///   dates asked at build time.
/// ``selection(_:)`` merges the groups a filter selects into a ``ReceivablesPartsSource``.
public struct ReceivablesRollup: Sendable {
    /// The parts of one client group.
    public struct GroupParts: Sendable {
        /// The profile shared by the group's clients.
        public var profile: ClientProfile
        /// Number of clients in the group.
        public var clients: Int
        /// Snapshot parts at the end of each day of the range.
        public var snapshots: [CalendarDate: ReceivablesSnapshot]
        /// Flow parts of each active day of the range, by month index then day.
        public var dailyFlowsByMonth: [Int: [CalendarDate: ReceivablesFlow]]
        /// Flow parts of each calendar month fully inside the flow range, by month index.
        public var monthlyFlows: [Int: ReceivablesFlow]
        /// AR-REC-RATE parts by period.
        public var collectionRates: [Period: CollectionRateParts]
        /// AR-FCST parts by as-of date.
        public var forecasts: [CalendarDate: ForecastParts]
    }

    /// Groups by ``ClientProfile/groupKey``.
    public private(set) var groups: [String: GroupParts]
    /// Days with snapshot parts.
    public let snapshotRange: Period
    /// Days with flow parts.
    public let flowRange: Period

    /// Computes the rollup from facts: parts per client (one snapshot series per client), merged
    /// per group.
    public init(
        portfolio: Portfolio,
        settings: KPISettings,
        snapshotRange: Period,
        flowRange: Period,
        collectionRatePeriods: [Period] = [],
        forecastDates: [CalendarDate] = []
    ) {
        self.snapshotRange = snapshotRange
        self.flowRange = flowRange
        let days = snapshotRange.days
        let fullMonths = Self.monthsInside(flowRange)
        var groups: [String: GroupParts] = [:]
        for clientFacts in portfolio.clients {
            let profile = clientFacts.client.profile
            let key = profile.groupKey
            let calculator = ReceivablesPartsCalculator(clientFacts, settings: settings)
            var group =
                groups[key]
                ?? GroupParts(
                    profile: profile,
                    clients: 0,
                    snapshots: [:],
                    dailyFlowsByMonth: [:],
                    monthlyFlows: [:],
                    collectionRates: [:],
                    forecasts: [:]
                )
            group.clients += 1
            for (date, snapshot) in zip(days, calculator.snapshots(at: days)) {
                group.snapshots[date, default: .zero] += snapshot
            }
            for (date, flow) in calculator.dailyFlows(in: flowRange) {
                let month = date.monthIndex
                group.dailyFlowsByMonth[month, default: [:]][date, default: .zero] += flow
                if fullMonths.contains(month) { group.monthlyFlows[month, default: .zero] += flow }
            }
            for period in collectionRatePeriods {
                group.collectionRates[period, default: .zero] += calculator.collectionRate(over: period)
            }
            for date in forecastDates {
                group.forecasts[date, default: .zero] += calculator.forecast(asOf: date)
            }
            groups[key] = group
        }
        self.groups = groups
    }

    private static func monthsInside(_ range: Period) -> Set<Int> {
        var result: Set<Int> = []
        var month = range.start.monthIndex
        while month <= range.end.monthIndex {
            let period = Period.month(containing: CalendarDate.firstOfMonth(index: month))
            if period.start >= range.start && period.end <= range.end { result.insert(month) }
            month += 1
        }
        return result
    }

    /// Total number of clients.
    public var clientCount: Int {
        self.groups.values.reduce(0) { $0 + $1.clients }
    }

    /// The merged parts of the groups `filter` selects (each client once).
    public func selection(_ filter: ClientFilter) -> Selection {
        Selection(groups: self.groups.values.filter { filter.matches($0.profile) }, flowRange: self.flowRange)
    }

    /// The merged parts of the groups that contain `collaborator` (a per-collaborator breakdown:
    /// rows for several collaborators may count a client several times).
    public func breakdown(collaborator: String, filter: ClientFilter) -> Selection {
        Selection(
            groups: self.groups.values.filter {
                filter.matches($0.profile) && $0.profile.collaborators.contains(collaborator)
            },
            flowRange: self.flowRange
        )
    }

    /// A selection of groups, merged on demand; a ``ReceivablesPartsSource``.
    public struct Selection: ReceivablesPartsSource, Sendable {
        let groups: [GroupParts]
        let flowRange: Period

        /// Number of clients selected.
        public var clientCount: Int {
            self.groups.reduce(0) { $0 + $1.clients }
        }

        /// Σ of the groups' snapshots at `date` (zero outside the materialised range).
        public func snapshot(at date: CalendarDate) -> ReceivablesSnapshot {
            var total = ReceivablesSnapshot.zero
            for group in self.groups {
                if let parts = group.snapshots[date] { total += parts }
            }
            return total
        }

        /// Σ over the period: whole months from the monthly parts, the other days from daily parts.
        public func flow(over period: Period) -> ReceivablesFlow {
            var total = ReceivablesFlow.zero
            var cursor = period.start
            while cursor <= period.end {
                let month = Period.month(containing: cursor)
                if cursor == month.start && month.end <= period.end && month.start >= self.flowRange.start
                    && month.end <= self.flowRange.end
                {
                    let index = cursor.monthIndex
                    for group in self.groups {
                        if let parts = group.monthlyFlows[index] { total += parts }
                    }
                    guard month.end < .max else { break }
                    cursor = month.end.clampedAdding(days: 1)
                } else {
                    let index = cursor.monthIndex
                    for group in self.groups {
                        if let parts = group.dailyFlowsByMonth[index]?[cursor] { total += parts }
                    }
                    guard cursor < .max else { break }
                    cursor = cursor.clampedAdding(days: 1)
                }
            }
            return total
        }

        /// Σ of the groups' AR-REC-RATE parts for `period` (zero when not materialised).
        public func collectionRate(over period: Period) -> CollectionRateParts {
            .sum(self.groups.compactMap { $0.collectionRates[period] })
        }

        /// Σ of the groups' AR-FCST parts at `date` (zero when not materialised).
        public func forecast(asOf date: CalendarDate) -> ForecastParts {
            .sum(self.groups.compactMap { $0.forecasts[date] })
        }
    }
}
