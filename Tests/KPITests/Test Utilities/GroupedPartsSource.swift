import KPI
import Wire

/// Emulates rollups: clients split at random into groups; parts are computed per client (for
/// snapshots, as one series over all the dates asked for), merged per group and per day, and a
/// query merges the groups, and for flows the days of the period, in a random order.
struct GroupedPartsSource: ReceivablesPartsSource {
    private var snapshotsByDate: [CalendarDate: [ReceivablesSnapshot]] = [:]
    private var dailyFlowsByGroup: [[CalendarDate: ReceivablesFlow]] = []
    private let groups: [[ReceivablesPartsCalculator]]
    private let seed: UInt64

    init(portfolio: Portfolio, settings: KPISettings, snapshotDates: [CalendarDate], flowRange: Period, seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        self.seed = seed
        var groups: [[ReceivablesPartsCalculator]] = []
        for clientFacts in portfolio.clients.shuffled(using: &rng) {
            let calculator = ReceivablesPartsCalculator(clientFacts, settings: settings)
            if groups.isEmpty || rng.chance(0.4) {
                groups.append([calculator])
            } else {
                groups[Int.random(in: 0..<groups.count, using: &rng)].append(calculator)
            }
        }
        self.groups = groups
        let dates = Array(Set(snapshotDates))
        // Per group: Σ over its clients of the client's snapshot series.
        for group in groups {
            var groupSeries = Array(repeating: ReceivablesSnapshot.zero, count: dates.count)
            for calculator in group {
                for (index, snapshot) in calculator.snapshots(at: dates).enumerated() {
                    groupSeries[index] += snapshot
                }
            }
            for (index, date) in dates.enumerated() {
                self.snapshotsByDate[date, default: []].append(groupSeries[index])
            }
            var daily: [CalendarDate: ReceivablesFlow] = [:]
            for calculator in group {
                for (date, flow) in calculator.dailyFlows(in: flowRange) {
                    daily[date, default: .zero] += flow
                }
            }
            self.dailyFlowsByGroup.append(daily)
        }
    }

    func snapshot(at date: CalendarDate) -> ReceivablesSnapshot {
        guard let stored = self.snapshotsByDate[date] else {
            preconditionFailure("snapshot at \(date) was not materialised")
        }
        var rng = SeededGenerator(seed: self.seed ^ UInt64(bitPattern: Int64(date.daysSinceEpoch)))
        return .sum(stored.shuffled(using: &rng))
    }

    func flow(over period: Period) -> ReceivablesFlow {
        var parts: [ReceivablesFlow] = []
        for daily in self.dailyFlowsByGroup {
            for date in period.days {
                if let flow = daily[date] { parts.append(flow) }
            }
        }
        var rng = SeededGenerator(seed: self.seed ^ UInt64(period.length))
        return .sum(parts.shuffled(using: &rng))
    }

    func collectionRate(over period: Period) -> CollectionRateParts {
        .sum(self.groups.flatMap { $0 }.map { $0.collectionRate(over: period) })
    }

    func forecast(asOf date: CalendarDate) -> ForecastParts {
        .sum(self.groups.flatMap { $0 }.map { $0.forecast(asOf: date) })
    }
}
