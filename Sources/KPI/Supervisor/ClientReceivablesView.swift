public import Wire

/// The client receivables view of the supervisor (§8): header with totals and the split of open
/// items by count, the open items with their next action, and the events of those items.
public struct ClientReceivablesView: Hashable, Sendable, Codable {
    /// Client id.
    public var client: String
    /// Client name.
    public var name: String
    /// Σ open of positive items.
    public var totalOpen: WideInt
    /// Σ open of overdue items.
    public var totalOverdue: WideInt
    /// Σ open of items not yet due.
    public var totalNotDue: WideInt
    /// Σ of negative items (unapplied credits, prepayments), ≤ 0.
    public var totalCredits: WideInt
    /// Share of overdue items among all open items, by count (%, R1).
    public var overdueShare: KPIValue
    /// Share of not-due items, by count.
    public var notDueShare: KPIValue
    /// Share of negative items (prepayments, unapplied credits), by count.
    public var creditShare: KPIValue
    /// Open items, installments then credits by due date.
    public var items: [SupervisorItem]
    /// Events recorded on those items, oldest first.
    public var events: [CollectionEventFact]

    /// Builds the view of one client at D.
    public init(
        facts: ClientFacts,
        strategies: [String: CollectionStrategyFact],
        settings: KPISettings,
        asOf date: CalendarDate
    ) {
        let items = Supervisor.items(of: CollectionOfOne(facts), strategies: strategies, settings: settings, asOf: date)
        self.client = facts.client.id
        self.name = facts.client.name
        self.items = items
        let installments = items.filter { $0.kind == .installment }
        let overdue = installments.filter { $0.colour == .black }
        let notDue = installments.filter { $0.colour == .blue }
        let credits = items.filter { $0.kind == .credit }
        self.totalOpen = installments.reduce(.zero) { $0 + $1.open }
        self.totalOverdue = overdue.reduce(.zero) { $0 + $1.open }
        self.totalNotDue = notDue.reduce(.zero) { $0 + $1.open }
        self.totalCredits = credits.reduce(.zero) { $0 + $1.open }
        let count = WideInt(items.count)
        self.overdueShare = ReceivablesFormulas.percent(WideInt(overdue.count), of: count)
        self.notDueShare = ReceivablesFormulas.percent(WideInt(notDue.count), of: count)
        self.creditShare = ReceivablesFormulas.percent(WideInt(credits.count), of: count)
        let ids = Set(installments.map(\.id))
        self.events = facts.events.filter { ids.contains($0.installment) }.sorted { ($0.at, $0.id) < ($1.at, $1.id) }
    }
}

/// Team KPIs of a collection agent over P (§8, seed 002): actions recorded by outcome, and the
/// collection rate, collection delay and dispute resolution rate restricted to the agent's clients.
public struct AgentKPIs: Hashable, Sendable, Codable {
    /// The agent.
    public var agent: String
    /// Events recorded by the agent in P, per outcome (wire spelling → count).
    public var actionsByOutcome: [String: Int64]
    /// AR-REC-RATE over the agent's clients.
    public var collectionRate: KPIValue
    /// AR-REC-DELAY over the agent's clients.
    public var collectionDelay: KPIValue
    /// AR-DSP-RATE over the agent's clients.
    public var disputeResolutionRate: KPIValue

    /// Computes the KPIs of `agent` over `period` from the firm's facts.
    public init(agent: String, portfolio: Portfolio, context: KPIContext, period: Period) {
        self.agent = agent
        var outcomes: [String: Int64] = [:]
        for facts in portfolio.clients {
            for event in facts.events where event.actor == agent && period.contains(event.recordedOn) {
                outcomes[event.outcome.rawValue, default: 0] += 1
            }
        }
        self.actionsByOutcome = outcomes
        let own = portfolio.clients.filter { $0.client.collectionAgent == agent }
        let kpis = ReceivablesKPI(source: ReceivablesPartsCalculator(own, settings: context.settings), context: context)
        self.collectionRate = kpis.collectionRate(over: period)
        self.collectionDelay = kpis.collectionDelay(over: period)
        self.disputeResolutionRate = kpis.disputeResolutionRate(over: period)
    }
}
