public import Wire

/// Computes the practice parts of one client (or a group) from its documents and supplier rules.
public struct PracticePartsCalculator: Sendable {
    private struct Client: Sendable {
        var fact: ClientFact
        /// Received dates, sorted.
        var receivedDates: [CalendarDate]
        var documents: [DocumentFact]
        /// Supplier → earliest rule creation date.
        var ruleSince: [String: CalendarDate]
        var ruleDates: [CalendarDate]
    }

    private let clients: [Client]
    private let settings: KPISettings

    /// Prepares one client.
    public init(_ facts: ClientFacts, settings: KPISettings) {
        self.init(CollectionOfOne(facts), settings: settings)
    }

    /// Prepares several clients (their parts are summed, each client evaluated on its own).
    public init(_ facts: some Sequence<ClientFacts>, settings: KPISettings) {
        self.settings = settings.clamped
        var seen: Set<String> = []
        self.clients = facts.compactMap { facts in
            guard seen.insert(facts.client.id).inserted else { return nil }
            let documents = facts.documents.filter { $0.client == facts.client.id }
            let rules = facts.supplierRules.filter { $0.client == facts.client.id }
            var since: [String: CalendarDate] = [:]
            for rule in rules {
                since[rule.supplier] = Swift.min(since[rule.supplier] ?? rule.createdOn, rule.createdOn)
            }
            return Client(
                fact: facts.client,
                receivedDates: documents.map(\.receivedOn).sorted(),
                documents: documents,
                ruleSince: since,
                ruleDates: rules.map(\.createdOn).sorted()
            )
        }
    }

    // MARK: - Snapshots

    /// Snapshot parts at the end of `date`.
    public func snapshot(at date: CalendarDate) -> PracticeSnapshot {
        var parts = PracticeSnapshot()
        for client in self.clients {
            parts += self.snapshot(of: client, at: date)
        }
        return parts
    }

    /// Snapshot parts at each of `dates`.
    public func snapshots(at dates: [CalendarDate]) -> [PracticeSnapshot] {
        dates.map(self.snapshot(at:))
    }

    private func snapshot(of client: Client, at date: CalendarDate) -> PracticeSnapshot {
        var parts = PracticeSnapshot()
        parts.clients = 1
        let active = !client.fact.deactivated
        if active { parts.activeClients = 1 }
        for document in client.documents {
            switch document.status(at: date) {
            case .toReview?: parts.toReview += 1
            case .ready?: parts.ready += 1
            default: break
            }
        }
        let periods = PracticeRules.regularityPeriods(
            frequency: client.fact.frequency ?? .monthly,
            asOf: date,
            calendar: self.settings.fiscalCalendar
        )
        parts.periodsExpected = Int64(periods.count)
        parts.periodsWithDocuments = Int64(periods.filter { Self.count(client.receivedDates, in: $0) > 0 }.count)
        parts.earliestPeriodStart = periods.map(\.start).min()
        if active {
            let activity = PracticeRules.activity(
                receivedDates: client.receivedDates,
                asOf: date,
                settings: self.settings
            )
            if activity.isInactive { parts.inactiveClients = 1 }
            if activity.decline != nil { parts.decliningClients = 1 }
        }
        parts.supplierRules = Int64(Self.count(client.ruleDates, in: Period(uncheckedStart: .min, end: date)))
        return parts
    }

    /// Number of sorted dates inside `period` (two binary searches).
    static func count(_ sorted: [CalendarDate], in period: Period) -> Int {
        func firstIndex(notBefore date: CalendarDate) -> Int {
            var low = 0
            var high = sorted.count
            while low < high {
                let middle = (low + high) / 2
                if sorted[middle] < date { low = middle + 1 } else { high = middle }
            }
            return low
        }
        let start = firstIndex(notBefore: period.start)
        let end = period.end == .max ? sorted.count : firstIndex(notBefore: period.end.clampedAdding(days: 1))
        return Swift.max(0, end - start)
    }

    // MARK: - Flows

    /// Flow parts of each active day of `period`.
    public func dailyFlows(in period: Period) -> [CalendarDate: PracticeFlow] {
        var result: [CalendarDate: PracticeFlow] = [:]
        self.accumulate(in: period) { date, update in update(&result[date, default: .zero]) }
        return result
    }

    /// Flow parts of `period`.
    public func flow(over period: Period) -> PracticeFlow {
        var total = PracticeFlow.zero
        self.accumulate(in: period) { _, update in update(&total) }
        return total
    }

    private func accumulate(in period: Period, _ add: (CalendarDate, (inout PracticeFlow) -> Void) -> Void) {
        for client in self.clients {
            for document in client.documents {
                if period.contains(document.receivedOn) {
                    let covered =
                        document.supplier.flatMap { client.ruleSince[$0] }.map { $0 <= document.receivedOn } ?? false
                    add(document.receivedOn) { flow in
                        flow.received += 1
                        flow.receivedByChannel[document.channel.rawValue, default: 0] += 1
                        if document.autoCategorised { flow.autoCategorised += 1 }
                        if document.autoPublished { flow.autoPublished += 1 }
                        if covered { flow.coveredByRule += 1 }
                    }
                }
                if let published = document.publishedOn, period.contains(published) {
                    let age = document.receivedOn.days(until: published)
                    add(published) { flow in
                        flow.published += 1
                        flow.ageHistogram[age, default: 0] += 1
                    }
                }
            }
        }
    }

    // MARK: - Level 3

    /// One row per client at D with the client's own values (level 3 of §7).
    public func clientRows(asOf date: CalendarDate, period: Period) -> [PracticeClientRow] {
        self.clients.map { client in
            let single = PracticePartsCalculator(clients: [client], settings: self.settings)
            let snapshot = single.snapshot(at: date)
            let flow = single.flow(over: period)
            let activity = PracticeRules.activity(
                receivedDates: client.receivedDates,
                asOf: date,
                settings: self.settings
            )
            return PracticeClientRow(
                client: client.fact.id,
                name: client.fact.name,
                toReview: snapshot.toReview,
                ready: snapshot.ready,
                regularity: PracticeFormulas.regularity(snapshot),
                isInactive: !client.fact.deactivated && activity.isInactive,
                decline: client.fact.deactivated ? nil : activity.decline,
                supplierRules: snapshot.supplierRules,
                ruleCoverage: PracticeFormulas.ruleCoverage(flow)
            )
        }
    }

    private init(clients: [Client], settings: KPISettings) {
        self.clients = clients
        self.settings = settings
    }
}

/// A level-3 row of the practice dashboard: one client's values.
public struct PracticeClientRow: Hashable, Sendable, Codable {
    /// Client id.
    public var client: String
    /// Client name.
    public var name: String
    /// Documents to review at D.
    public var toReview: Int64
    /// Documents ready at D.
    public var ready: Int64
    /// PR-REGULARITY of the client.
    public var regularity: KPIValue
    /// PR-INACTIVE.
    public var isInactive: Bool
    /// PR-DECLINING: the drop in % (R1) when declining, else `nil`.
    public var decline: KPIValue?
    /// PR-RULES: rules of the client.
    public var supplierRules: Int64
    /// PR-RULES coverage over P.
    public var ruleCoverage: KPIValue

    /// Rows sorted lowest regularity first (nulls last), then by client id.
    public static func byRegularity(_ rows: [PracticeClientRow]) -> [PracticeClientRow] {
        rows.sorted { Self.ascending($0.regularity, $1.regularity, $0.client, $1.client) }
    }

    /// Rows sorted lowest rule coverage first (nulls last), then by client id.
    public static func byRuleCoverage(_ rows: [PracticeClientRow]) -> [PracticeClientRow] {
        rows.sorted { Self.ascending($0.ruleCoverage, $1.ruleCoverage, $0.client, $1.client) }
    }

    private static func ascending(_ a: KPIValue, _ b: KPIValue, _ idA: String, _ idB: String) -> Bool {
        switch (a.exact, b.exact) {
        case (let x?, let y?): return x != y ? x < y : idA < idB
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): return idA < idB
        }
    }
}
