internal import KPI
internal import RollupStore
internal import Wire

/// The practice KPIs of kpi-definitions §7 by id, evaluated either from rollup parts
/// (``RollupPracticeValues``) or from raw facts (``ReferencePracticeValues``, verification
/// mode). Both give the same ids, so an answer and its verification compare value by value.
///
/// Snapshot KPIs are read at the end of a day; flow KPIs over a period.
protocol PracticeValues: Sendable {
    /// The snapshot KPIs at the end of `date`, by id.
    func snapshotValues(at date: CalendarDate) -> [String: KPIValue]
    /// The flow KPIs over `period`, by id.
    func flowValues(over period: Period) -> [String: KPIValue]
    /// The flow KPIs over each of `periods` (level 1 slides one window over 30 days: rollup
    /// values move it day by day instead of summing each window again).
    func flowValues(over periods: [Period]) -> [[String: KPIValue]]
}

extension PracticeValues {
    /// Each period on its own.
    func flowValues(over periods: [Period]) -> [[String: KPIValue]] {
        periods.map(self.flowValues(over:))
    }
}

/// The ids of the practice KPIs, in reply order.
enum PracticeKPI {
    /// Snapshot KPIs (at the end of a day).
    static let snapshotIDs = [
        "PR-TODO", "PR-TODO-REVIEW", "PR-TODO-READY", "PR-REGULARITY", "PR-INACTIVE", "PR-DECLINING", "PR-RULES",
    ]
    /// Flow KPIs (over a period).
    static let flowIDs = [
        "PR-PROCESSED", "PR-PROCESSED-MEDIAN", "PR-PROCESSED-P90", "PR-SENT", "PR-RULES-COVERAGE", "PR-RULES-PERF-CAT",
        "PR-RULES-PERF-PUB",
    ]
    /// Every series id.
    static let allIDs = snapshotIDs + flowIDs

    /// The id of a channel's count (`PR-SENT-EMAIL`) and share (`PR-SENT-EMAIL-SHARE`).
    static func channelIDs(_ channel: DocumentFact.Channel) -> (count: String, share: String) {
        Self.channelIDsByChannel[channel] ?? ("PR-SENT-\(channel.rawValue)", "PR-SENT-\(channel.rawValue)-SHARE")
    }

    /// ``channelIDs(_:)`` of every channel, built once (every flow value of every window asks).
    private static let channelIDsByChannel = Dictionary(
        uniqueKeysWithValues: DocumentFact.Channel.allCases.map { ($0, (count: "PR-SENT-\($0.rawValue)", share: "PR-SENT-\($0.rawValue)-SHARE")) }
    )

    /// Whether `id` is a flow KPI.
    static func isFlow(_ id: String) -> Bool {
        !self.snapshotIDs.contains(id)
    }

    /// The snapshot KPIs of merged parts.
    static func snapshotValues(_ parts: PracticeSnapshot, firstDataDate: CalendarDate?) -> [String: KPIValue] {
        [
            "PR-TODO": PracticeFormulas.toProcess(parts),
            "PR-TODO-REVIEW": .count(parts.toReview),
            "PR-TODO-READY": .count(parts.ready),
            "PR-REGULARITY": PracticeFormulas.regularity(parts, firstDataDate: firstDataDate),
            "PR-INACTIVE": .count(parts.inactiveClients),
            "PR-DECLINING": .count(parts.decliningClients),
            "PR-RULES": .count(parts.supplierRules),
        ]
    }

    /// The flow KPIs of merged parts.
    static func flowValues(_ flow: PracticeFlow) -> [String: KPIValue] {
        var values: [String: KPIValue] = [
            "PR-PROCESSED": PracticeFormulas.processed(flow),
            "PR-PROCESSED-MEDIAN": PracticeFormulas.medianAge(flow),
            "PR-PROCESSED-P90": PracticeFormulas.percentile90Age(flow),
            "PR-SENT": .count(flow.received),
            "PR-RULES-COVERAGE": PracticeFormulas.ruleCoverage(flow),
            "PR-RULES-PERF-CAT": PracticeFormulas.autoCategorisedRate(flow),
            "PR-RULES-PERF-PUB": PracticeFormulas.autoPublishedRate(flow),
        ]
        values.reserveCapacity(values.count + 2 * DocumentFact.Channel.allCases.count)
        for share in PracticeFormulas.sentByChannel(flow) {
            let ids = Self.channelIDs(share.channel)
            values[ids.count] = .count(share.count)
            values[ids.share] = share.share
        }
        return values
    }

    /// Explain: the snapshot parts as named exact values.
    static func parts(_ snapshot: PracticeSnapshot) -> [PartMessageValue] {
        var parts: [PartMessageValue] = [
            ("CLIENTS", "\(snapshot.clients)"), ("ACTIVE_CLIENTS", "\(snapshot.activeClients)"),
            ("TO_REVIEW", "\(snapshot.toReview)"), ("READY", "\(snapshot.ready)"),
            ("PERIODS_WITH_DOCUMENTS", "\(snapshot.periodsWithDocuments)"), ("PERIODS_EXPECTED", "\(snapshot.periodsExpected)"),
            ("INACTIVE_CLIENTS", "\(snapshot.inactiveClients)"), ("DECLINING_CLIENTS", "\(snapshot.decliningClients)"),
            ("SUPPLIER_RULES", "\(snapshot.supplierRules)"),
        ]
        if let earliest = snapshot.earliestPeriodStart { parts.append(("EARLIEST_PERIOD_START", earliest.description)) }
        return parts
    }

    /// Explain: the flow parts as named exact values (`AGE_<days>` per histogram entry).
    static func parts(_ flow: PracticeFlow) -> [PartMessageValue] {
        var parts: [PartMessageValue] = [("RECEIVED", "\(flow.received)")]
        for (channel, count) in flow.receivedByChannel.sorted(by: { $0.key < $1.key }) {
            parts.append(("RECEIVED_\(channel)", "\(count)"))
        }
        parts.append(("PUBLISHED", "\(flow.published)"))
        for (age, count) in flow.ageHistogram.sorted(by: { $0.key < $1.key }) {
            parts.append(("AGE_\(age)", "\(count)"))
        }
        parts += [
            ("AUTO_CATEGORISED", "\(flow.autoCategorised)"), ("AUTO_PUBLISHED", "\(flow.autoPublished)"),
            ("COVERED_BY_RULE", "\(flow.coveredByRule)"),
        ]
        return parts
    }
}

/// A part name and its exact value.
typealias PartMessageValue = (name: String, value: String)

/// Practice KPIs from the rollups' parts.
struct RollupPracticeValues: PracticeValues {
    let parts: PracticeRollupParts
    let firstDataDate: CalendarDate?

    func snapshotValues(at date: CalendarDate) -> [String: KPIValue] {
        PracticeKPI.snapshotValues(self.parts.snapshot(at: date), firstDataDate: self.firstDataDate)
    }

    func flowValues(over period: Period) -> [String: KPIValue] {
        PracticeKPI.flowValues(self.parts.flow(over: period))
    }

    func flowValues(over periods: [Period]) -> [[String: KPIValue]] {
        self.parts.flows(over: periods).map(PracticeKPI.flowValues)
    }
}

/// Practice KPIs computed directly from the selected clients' raw documents and rules with
/// ``KPI/PracticeReference`` (no parts): the verification of the rollup answer.
struct ReferencePracticeValues: PracticeValues {
    let facts: [ClientFacts]
    let settings: KPISettings
    let firstDataDate: CalendarDate?

    func snapshotValues(at date: CalendarDate) -> [String: KPIValue] {
        let reference = PracticeReference(self.facts, settings: self.settings)
        let todo = reference.toProcess(asOf: date)
        let activity = reference.activity(asOf: date)
        var rules: Int64 = 0
        for facts in self.facts {
            rules += Int64(facts.supplierRules.filter { $0.client == facts.client.id && $0.createdOn <= date }.count)
        }
        return [
            "PR-TODO": .count(todo.toReview + todo.ready),
            "PR-TODO-REVIEW": .count(todo.toReview),
            "PR-TODO-READY": .count(todo.ready),
            "PR-REGULARITY": reference.regularity(asOf: date, firstDataDate: self.firstDataDate),
            "PR-INACTIVE": .count(activity.inactive),
            "PR-DECLINING": .count(activity.declining),
            "PR-RULES": .count(rules),
        ]
    }

    func flowValues(over period: Period) -> [String: KPIValue] {
        let reference = PracticeReference(self.facts, settings: self.settings)
        let processed = reference.processed(over: period)
        let rules = reference.rules(over: period)
        var values: [String: KPIValue] = [
            "PR-PROCESSED": processed.count,
            "PR-PROCESSED-MEDIAN": processed.median,
            "PR-PROCESSED-P90": processed.p90,
            "PR-RULES-COVERAGE": rules.coverage,
            "PR-RULES-PERF-CAT": rules.autoCategorised,
            "PR-RULES-PERF-PUB": rules.autoPublished,
        ]
        var received: Int64 = 0
        for share in reference.sentByChannel(over: period) {
            let ids = PracticeKPI.channelIDs(share.channel)
            values[ids.count] = .count(share.count)
            values[ids.share] = share.share
            received += share.count
        }
        values["PR-SENT"] = .count(received)
        return values
    }
}
