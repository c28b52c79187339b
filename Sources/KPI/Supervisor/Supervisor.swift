public import Foundation
public import Wire

/// The collection supervisor of kpi-definitions §8 (seed 004), as pure functions over facts.
public enum Supervisor {
    // MARK: - Strategy logic

    /// The actions of `strategy` applicable to an installment with `paymentMode`: those without
    /// a payment mode or with the same one, ordered by offset (ties keep the strategy's order).
    public static func applicableActions(
        _ strategy: CollectionStrategyFact,
        paymentMode: String?
    ) -> [CollectionStrategyFact.Action] {
        strategy.actions.enumerated()
            .filter { $0.element.paymentMode == nil || $0.element.paymentMode == paymentMode }
            .sorted {
                $0.element.offsetDays != $1.element.offsetDays
                    ? $0.element.offsetDays < $1.element.offsetDays : $0.offset < $1.offset
            }
            .map(\.element)
    }

    /// Action codes settled on an installment: VALIDATED, MODIFIED (and the replacement, done
    /// instead) and IGNORED outcomes; PRINTED settles nothing.
    public static func settledCodes(_ events: some Sequence<CollectionEventFact>) -> Set<String> {
        var codes: Set<String> = []
        for event in events where event.outcome.settlesAction {
            codes.insert(event.actionCode)
            if event.outcome == .modified, let replacement = event.replacementCode { codes.insert(replacement) }
        }
        return codes
    }

    /// The next action of an installment: the first applicable action with no recorded outcome,
    /// with its trigger date `due_date + offset`.
    public static func nextAction(
        dueDate: CalendarDate,
        paymentMode: String?,
        strategy: CollectionStrategyFact?,
        events: some Sequence<CollectionEventFact>
    ) -> PlannedAction? {
        guard let strategy else { return nil }
        let settled = self.settledCodes(events)
        guard
            let action = self.applicableActions(strategy, paymentMode: paymentMode).first(where: {
                !settled.contains($0.code)
            })
        else {
            return nil
        }
        return PlannedAction(action: action, triggerDate: dueDate.clampedAdding(days: action.offsetDays))
    }

    // MARK: - Items

    /// Every open item of the clients at D: open installments (open > 0) with their next action,
    /// and unapplied credits (negative, red, no action). Sorted by client, due date, id.
    public static func items(
        of clients: some Sequence<ClientFacts>,
        strategies: [String: CollectionStrategyFact],
        settings: KPISettings,
        asOf date: CalendarDate
    ) -> [SupervisorItem] {
        var result: [SupervisorItem] = []
        for facts in clients {
            let ledger = ReceivablesLedger(CollectionOfOne(facts), settings: settings)
            let client = facts.client
            let strategy = client.strategy.flatMap { strategies[$0] }
            let eventsByItem = Dictionary(grouping: facts.events, by: \.installment)
            for item in ledger.items {
                guard let open = ledger.open(item, at: date), open > .zero else { continue }
                let mode = item.fact.paymentMode ?? client.paymentMode
                let dpd = item.fact.dueDate.days(until: date)
                result.append(
                    SupervisorItem(
                        id: item.fact.id,
                        kind: .installment,
                        client: client.id,
                        clientName: client.name,
                        agent: client.collectionAgent,
                        collectiveAccount: client.collectiveAccount,
                        reference: item.fact.invoiceID,
                        dueDate: item.fact.dueDate,
                        open: open,
                        paymentMode: mode,
                        daysPastDue: dpd,
                        colour: .of(open: open, daysPastDue: dpd),
                        nextAction: self.nextAction(
                            dueDate: item.fact.dueDate,
                            paymentMode: mode,
                            strategy: strategy,
                            events: eventsByItem[item.fact.id] ?? []
                        )
                    )
                )
            }
            for credit in ledger.credits {
                guard let remainder = ledger.unapplied(credit, at: date), remainder > .zero else { continue }
                result.append(
                    SupervisorItem(
                        id: credit.fact.id,
                        kind: .credit,
                        client: client.id,
                        clientName: client.name,
                        agent: client.collectionAgent,
                        collectiveAccount: client.collectiveAccount,
                        reference: credit.fact.id,
                        dueDate: credit.fact.date,
                        open: -remainder,
                        paymentMode: nil,
                        daysPastDue: credit.fact.date.days(until: date),
                        colour: .red,
                        nextAction: nil
                    )
                )
            }
        }
        return result.sorted { ($0.client, $0.dueDate, $0.id) < ($1.client, $1.dueDate, $1.id) }
    }

    // MARK: - The supervisor list

    /// The supervisor list: open installments whose next action is due with a trigger date
    /// ≤ `to` (and ≥ `from` when given), filtered, restricted to what `user` may see.
    public static func list(
        _ items: [SupervisorItem],
        from: CalendarDate? = nil,
        to: CalendarDate,
        filter: SupervisorFilter = SupervisorFilter(),
        user: CollaboratorFact
    ) -> [SupervisorItem] {
        items.filter { item in
            guard item.kind == .installment, let next = item.nextAction, next.triggerDate <= to else { return false }
            if let from, next.triggerDate < from { return false }
            return filter.matches(item) && self.canSee(user: user, agent: item.agent)
        }
    }

    /// Visibility: a `COLLECTION_MANAGER` sees everyone's items; an `AGENT` the items of the
    /// clients they are agent of; any other role sees none.
    public static func canSee(user: CollaboratorFact, agent: String?) -> Bool {
        if user.roles.contains(.collectionManager) { return true }
        if user.roles.contains(.agent) { return agent == user.id }
        return false
    }

    /// Groups a list in one of the six modes of the seed, with subtotals per group.
    public static func group(_ items: [SupervisorItem], by mode: SupervisorGrouping) -> [SupervisorGroup] {
        func byClient(_ items: [SupervisorItem], inner: (([SupervisorItem]) -> [SupervisorGroup])?) -> [SupervisorGroup]
        {
            Dictionary(grouping: items, by: \.client).map { client, members in
                SupervisorGroup(
                    key: client,
                    label: members.first?.clientName ?? client,
                    items: members,
                    subgroups: inner?(members) ?? []
                )
            }.sorted { $0.key < $1.key }
        }
        func byAction(_ items: [SupervisorItem], inner: (([SupervisorItem]) -> [SupervisorGroup])?) -> [SupervisorGroup]
        {
            Dictionary(grouping: items, by: { $0.nextAction?.action.code ?? "" }).map { code, members in
                SupervisorGroup(key: code, label: code, items: members, subgroups: inner?(members) ?? [])
            }.sorted { $0.key < $1.key }
        }
        switch mode {
        case .client: return byClient(items, inner: nil)
        case .actionThenClient: return byAction(items) { byClient($0, inner: nil) }
        case .clientThenDueDate: return byClient(items, inner: nil)
        case .action: return byAction(items, inner: nil)
        case .clientThenAction: return byClient(items) { byAction($0, inner: nil) }
        case .actionThenDueDate: return byAction(items, inner: nil)
        }
    }

    // MARK: - Events

    /// The event recording `outcome` for the next action of `item` by `actor`. `MODIFIED`
    /// needs the replacement code; `PRINTED` is recorded by ``printEvents(for:actor:at:recordedOn:idPrefix:)``.
    public static func record(
        _ outcome: CollectionEventFact.Outcome,
        on item: SupervisorItem,
        replacementCode: String? = nil,
        actor: String,
        at instant: Date,
        recordedOn: CalendarDate,
        id: String,
        note: String? = nil
    ) throws -> CollectionEventFact {
        guard let next = item.nextAction else {
            throw KPIError(code: .invalidArgument, message: "item \(item.id) has no pending action")
        }
        switch outcome {
        case .modified:
            guard let replacementCode, !replacementCode.isEmpty else {
                throw KPIError(
                    code: .invalidArgument,
                    message: "MODIFIED on \(item.id) needs the code of the action done instead"
                )
            }
        case .printed:
            throw KPIError(code: .invalidArgument, message: "PRINTED is recorded by printing a selection")
        case .validated, .ignored:
            break
        }
        return CollectionEventFact(
            id: id,
            installment: item.id,
            actionCode: next.action.code,
            outcome: outcome,
            replacementCode: outcome == .modified ? replacementCode : nil,
            actor: actor,
            at: instant,
            recordedOn: recordedOn,
            note: note
        )
    }

    /// Printing a selection records one `PRINTED` event per installment printed.
    public static func printEvents(
        for items: [SupervisorItem],
        actor: String,
        at instant: Date,
        recordedOn: CalendarDate,
        idPrefix: String
    ) -> [CollectionEventFact] {
        items.filter { $0.kind == .installment }.enumerated().map { index, item in
            CollectionEventFact(
                id: "\(idPrefix)-\(index)",
                installment: item.id,
                actionCode: item.nextAction?.action.code ?? "",
                outcome: .printed,
                actor: actor,
                at: instant,
                recordedOn: recordedOn
            )
        }
    }
}

/// The six grouping modes of the supervisor (seed 004).
public enum SupervisorGrouping: String, Hashable, Sendable, Codable, CaseIterable {
    /// "Par client": by client.
    case client = "CLIENT"
    /// "Action par client": by action, then by client inside an action.
    case actionThenClient = "ACTION_THEN_CLIENT"
    /// "Date d'échéance par client": by client, items by ascending due date.
    case clientThenDueDate = "CLIENT_THEN_DUE_DATE"
    /// "Par action": by action.
    case action = "ACTION"
    /// "Client par action": by client, then by action inside a client.
    case clientThenAction = "CLIENT_THEN_ACTION"
    /// "Date d'échéance par action": by action, items by ascending due date.
    case actionThenDueDate = "ACTION_THEN_DUE_DATE"
}

/// A group of the supervisor list with its subtotal.
public struct SupervisorGroup: Hashable, Sendable, Codable {
    /// Client id or action code.
    public var key: String
    /// Client name or action code.
    public var label: String
    /// Number of items.
    public var count: Int
    /// Σ open of the items, cents.
    public var subtotal: WideInt
    /// Items by ascending due date, then id.
    public var items: [SupervisorItem]
    /// Second-level groups (the "then" modes), empty otherwise.
    public var subgroups: [SupervisorGroup]

    init(key: String, label: String, items: [SupervisorItem], subgroups: [SupervisorGroup]) {
        self.key = key
        self.label = label
        self.items = items.sorted { ($0.dueDate, $0.id) < ($1.dueDate, $1.id) }
        self.count = items.count
        self.subtotal = items.reduce(.zero) { $0 + $1.open }
        self.subgroups = subgroups
    }
}

/// The selection filters of the supervisor page; `nil` does not filter.
public struct SupervisorFilter: Hashable, Sendable, Codable {
    /// Collection agent.
    public var agent: String?
    /// Client id.
    public var client: String?
    /// Collective account.
    public var collectiveAccount: String?
    /// Minimum open amount, cents (inclusive).
    public var minimumAmount: Int64?
    /// Maximum open amount, cents (inclusive).
    public var maximumAmount: Int64?
    /// Due date range.
    public var dueFrom: CalendarDate?
    /// Due date range end (inclusive).
    public var dueTo: CalendarDate?

    /// Creates a filter.
    public init(
        agent: String? = nil,
        client: String? = nil,
        collectiveAccount: String? = nil,
        minimumAmount: Int64? = nil,
        maximumAmount: Int64? = nil,
        dueFrom: CalendarDate? = nil,
        dueTo: CalendarDate? = nil
    ) {
        self.agent = agent
        self.client = client
        self.collectiveAccount = collectiveAccount
        self.minimumAmount = minimumAmount
        self.maximumAmount = maximumAmount
        self.dueFrom = dueFrom
        self.dueTo = dueTo
    }

    /// Whether `item` passes the filter.
    public func matches(_ item: SupervisorItem) -> Bool {
        if let agent = self.agent, item.agent != agent { return false }
        if let client = self.client, item.client != client { return false }
        if let account = self.collectiveAccount, item.collectiveAccount != account { return false }
        if let minimum = self.minimumAmount, item.open < WideInt(minimum) { return false }
        if let maximum = self.maximumAmount, item.open > WideInt(maximum) { return false }
        if let from = self.dueFrom, item.dueDate < from { return false }
        if let to = self.dueTo, item.dueDate > to { return false }
        return true
    }
}
