import Foundation
import KPI
import Testing
import Wire

@Suite("Collection supervisor (§8, seed 004)")
struct SupervisorTests {
    /// The seed's strategy: mode C — call 10 days before the due date, e-mail 5 days after,
    /// letter 10 days after; mode V30 — call 2 days after; mode N30 — SMS the day after.
    static let strategy = CollectionStrategyFact(
        id: "S",
        name: "Relances standard",
        actions: [
            .init(code: "CALL_C", channel: .call, offsetDays: -10, paymentMode: "C"),
            .init(code: "MAIL_C", channel: .email, offsetDays: 5, paymentMode: "C"),
            .init(code: "LETTER_C", channel: .letter, offsetDays: 10, paymentMode: "C"),
            .init(code: "CALL_V30", channel: .call, offsetDays: 2, paymentMode: "V30"),
            .init(code: "SMS_N30", channel: .sms, offsetDays: 1, paymentMode: "N30"),
        ]
    )
    static let strategies = ["S": strategy]
    static let agent1 = CollaboratorFact(id: "A1", roles: [.agent])
    static let agent2 = CollaboratorFact(id: "A2", roles: [.agent])
    static let manager = CollaboratorFact(id: "M", roles: [.collectionManager])
    static let admin = CollaboratorFact(id: "AD", roles: [.admin, .accountManager])

    static func portfolio(events: [CollectionEventFact] = [], payments: Bool = false) -> Portfolio {
        var credits = [CreditFact(id: "ADV", client: "K1", kind: .payment, date: day("2025-04-10"), amount: eur(100))]
        var allocations: [AllocationFact] = []
        if payments {
            credits.append(
                CreditFact(id: "PAY", client: "K1", kind: .payment, date: day("2025-05-06"), amount: eur(1_000))
            )
            allocations.append(
                AllocationFact(id: "L", source: "PAY", target: "I1", amount: eur(1_000), recordedOn: day("2025-05-06"))
            )
        }
        return Portfolio(
            clients: [
                ClientFact(
                    id: "K1",
                    name: "Durand",
                    collectionAgent: "A1",
                    strategy: "S",
                    paymentMode: "C",
                    collectiveAccount: "411000"
                ),
                ClientFact(
                    id: "K2",
                    name: "Petit",
                    collectionAgent: "A2",
                    strategy: "S",
                    paymentMode: "V30",
                    collectiveAccount: "411000"
                ),
                ClientFact(
                    id: "K3",
                    name: "Roux",
                    collectionAgent: "A1",
                    strategy: "S",
                    paymentMode: "N30",
                    collectiveAccount: "411100"
                ),
            ],
            installments: [
                InstallmentFact(
                    id: "I1",
                    client: "K1",
                    invoiceDate: day("2025-04-01"),
                    dueDate: day("2025-04-30"),
                    amount: eur(1_000)
                ),
                InstallmentFact(
                    id: "I2",
                    client: "K2",
                    invoiceDate: day("2025-04-01"),
                    dueDate: day("2025-04-30"),
                    amount: eur(2_000)
                ),
                InstallmentFact(
                    id: "I3",
                    client: "K3",
                    invoiceDate: day("2025-04-01"),
                    dueDate: day("2025-04-30"),
                    amount: eur(500)
                ),
                InstallmentFact(
                    id: "I4",
                    client: "K1",
                    invoiceDate: day("2025-04-01"),
                    dueDate: day("2025-05-15"),
                    amount: eur(300),
                    paymentMode: "V30"
                ),
            ],
            credits: credits,
            allocations: allocations,
            events: events
        )
    }

    static func items(_ portfolio: Portfolio, _ date: String) -> [SupervisorItem] {
        Supervisor.items(of: portfolio.clients, strategies: strategies, settings: KPISettings(), asOf: day(date))
    }

    static func event(
        _ id: String,
        _ code: String,
        _ outcome: CollectionEventFact.Outcome,
        _ on: String,
        replacement: String? = nil
    ) -> CollectionEventFact {
        CollectionEventFact(
            id: id,
            installment: "I1",
            actionCode: code,
            outcome: outcome,
            replacementCode: replacement,
            actor: "A1",
            at: Date(timeIntervalSince1970: TimeInterval(day(on).daysSinceEpoch) * 86_400 + 36_000),
            recordedOn: day(on)
        )
    }

    @Test(
        "mode C over several dates: call 10 days before, e-mail 5 after, letter 10 after",
        arguments: [
            // (as of, events recorded so far, expected next action, due?)
            ("2025-04-19", 0, "CALL_C", false),  // trigger 04-20
            ("2025-04-20", 0, "CALL_C", true),
            ("2025-05-06", 0, "CALL_C", true),  // nothing recorded: the call is still the next action
            ("2025-05-04", 1, "MAIL_C", false),  // call validated; e-mail on 05-05
            ("2025-05-05", 1, "MAIL_C", true),
            ("2025-05-09", 2, "LETTER_C", false),  // e-mail ignored; letter on 05-10
            ("2025-05-10", 2, "LETTER_C", true),
            ("2025-05-10", 3, nil, false),  // letter replaced by a call, done: nothing left
        ] as [(String, Int, String?, Bool)]
    )
    func modeC(date: String, recorded: Int, expected: String?, due: Bool) throws {
        let events = [
            Self.event("E1", "CALL_C", .validated, "2025-04-20"),
            Self.event("E2", "MAIL_C", .ignored, "2025-05-05"),
            Self.event("E3", "LETTER_C", .modified, "2025-05-10", replacement: "CALL_C"),
        ]
        let items = Self.items(Self.portfolio(events: Array(events.prefix(recorded))), date)
        let item = try #require(items.first { $0.id == "I1" })
        #expect(item.nextAction?.action.code == expected)
        #expect(item.isDue(at: day(date)) == due)
        #expect(Supervisor.list(items, to: day(date), user: Self.manager).contains { $0.id == "I1" } == due)
    }

    @Test("modes V30 (call 2 days after) and N30 (SMS the day after); the installment's mode wins over the client's")
    func otherModes() throws {
        let before = Self.items(Self.portfolio(), "2025-04-30")
        #expect(
            before.first { $0.id == "I2" }?.nextAction
                == PlannedAction(action: Self.strategy.actions[3], triggerDate: day("2025-05-02"))
        )
        #expect(before.first { $0.id == "I3" }?.nextAction?.triggerDate == day("2025-05-01"))
        #expect(before.first { $0.id == "I4" }?.nextAction?.action.code == "CALL_V30")
        #expect(before.first { $0.id == "I4" }?.nextAction?.triggerDate == day("2025-05-17"))
        let due = { (date: String) in
            Supervisor.list(Self.items(Self.portfolio(), date), to: day(date), user: Self.manager).map(\.id)
        }
        #expect(due("2025-04-30") == ["I1"])
        #expect(due("2025-05-01") == ["I1", "I3"])
        #expect(due("2025-05-02") == ["I1", "I2", "I3"])
        #expect(due("2025-05-17") == ["I1", "I4", "I2", "I3"])
        // A range [from, to]: only triggers on or after `from`.
        let items = Self.items(Self.portfolio(), "2025-05-02")
        #expect(
            Supervisor.list(items, from: day("2025-05-01"), to: day("2025-05-02"), user: Self.manager).map(\.id) == [
                "I2", "I3",
            ]
        )
    }

    @Test("an action without payment mode applies to every mode, ordered by offset")
    func allModes() {
        var strategy = Self.strategy
        strategy.actions.append(.init(code: "FIRST", channel: .email, offsetDays: -20))
        #expect(Supervisor.applicableActions(strategy, paymentMode: "V30").map(\.code) == ["FIRST", "CALL_V30"])
        #expect(Supervisor.applicableActions(strategy, paymentMode: nil).map(\.code) == ["FIRST"])
        #expect(
            Supervisor.applicableActions(strategy, paymentMode: "C").map(\.code) == [
                "FIRST", "CALL_C", "MAIL_C", "LETTER_C",
            ]
        )
    }

    @Test("visibility: agents see their clients' items, the collection manager everyone's, others none")
    func visibility() {
        let items = Self.items(Self.portfolio(), "2025-05-02")
        #expect(Supervisor.list(items, to: day("2025-05-02"), user: Self.agent1).map(\.id) == ["I1", "I3"])
        #expect(Supervisor.list(items, to: day("2025-05-02"), user: Self.agent2).map(\.id) == ["I2"])
        #expect(Supervisor.list(items, to: day("2025-05-02"), user: Self.manager).count == 3)
        #expect(Supervisor.list(items, to: day("2025-05-02"), user: Self.admin).isEmpty)
    }

    @Test("filters: agent, client, collective account, amount range, due-date range")
    func filters() {
        let items = Self.items(Self.portfolio(), "2025-05-17")
        let list = { (filter: SupervisorFilter) in
            Supervisor.list(items, to: day("2025-05-17"), filter: filter, user: Self.manager).map(\.id)
        }
        #expect(list(SupervisorFilter(agent: "A1")) == ["I1", "I4", "I3"])
        #expect(list(SupervisorFilter(client: "K2")) == ["I2"])
        #expect(list(SupervisorFilter(collectiveAccount: "411100")) == ["I3"])
        #expect(list(SupervisorFilter(minimumAmount: eur(500), maximumAmount: eur(1_000))) == ["I1", "I3"])
        #expect(list(SupervisorFilter(dueFrom: day("2025-05-01"))) == ["I4"])
    }

    @Test("the six groupings, with subtotals")
    func groupings() {
        let list = Supervisor.list(
            Self.items(Self.portfolio(), "2025-05-17"),
            to: day("2025-05-17"),
            user: Self.manager
        )
        let byClient = Supervisor.group(list, by: .client)
        #expect(byClient.map(\.key) == ["K1", "K2", "K3"] && byClient.map(\.count) == [2, 1, 1])
        #expect(byClient.map(\.subtotal) == [1_300, 2_000, 500].map { WideInt(eur($0)) })
        let byAction = Supervisor.group(list, by: .action)
        #expect(byAction.map(\.key) == ["CALL_C", "CALL_V30", "SMS_N30"])
        #expect(byAction[1].subtotal == WideInt(eur(2_300)) && byAction[1].items.map(\.id) == ["I2", "I4"])
        let actionThenClient = Supervisor.group(list, by: .actionThenClient)
        #expect(actionThenClient[1].subgroups.map(\.key) == ["K1", "K2"])
        #expect(actionThenClient[1].subgroups.map(\.subtotal) == [WideInt(eur(300)), WideInt(eur(2_000))])
        let clientThenAction = Supervisor.group(list, by: .clientThenAction)
        #expect(clientThenAction[0].subgroups.map(\.key) == ["CALL_C", "CALL_V30"])
        let clientThenDueDate = Supervisor.group(list, by: .clientThenDueDate)
        #expect(clientThenDueDate[0].items.map(\.dueDate) == [day("2025-04-30"), day("2025-05-15")])
        let actionThenDueDate = Supervisor.group(list, by: .actionThenDueDate)
        #expect(actionThenDueDate[1].items.map(\.dueDate) == [day("2025-04-30"), day("2025-05-15")])
        #expect(SupervisorGrouping.allCases.count == 6)
    }

    @Test("colours: blue before the due date, black after, red for unapplied credits; paid items leave the list")
    func colours() throws {
        #expect(try #require(Self.items(Self.portfolio(), "2025-04-30").first { $0.id == "I1" }).colour == .blue)
        #expect(try #require(Self.items(Self.portfolio(), "2025-05-01").first { $0.id == "I1" }).colour == .black)
        let credit = try #require(Self.items(Self.portfolio(), "2025-05-01").first { $0.kind == .credit })
        #expect(credit.colour == .red && credit.open == WideInt(eur(-100)))
        #expect(Self.items(Self.portfolio(payments: true), "2025-05-06").contains { $0.id == "I1" } == false)
        #expect(SupervisorColour.of(open: WideInt(-1), daysPastDue: 10) == .red)
    }

    @Test("client receivables view: header split by count, items with next action, their events")
    func clientView() throws {
        let portfolio = Self.portfolio(events: [Self.event("E1", "CALL_C", .validated, "2025-04-20")])
        let facts = try #require(portfolio.clients.first { $0.client.id == "K1" })
        let view = ClientReceivablesView(
            facts: facts,
            strategies: Self.strategies,
            settings: KPISettings(),
            asOf: day("2025-05-05")
        )
        // I1 overdue (1 000), I4 not due (300), ADV unapplied (−100): one third each.
        #expect(view.items.map(\.id) == ["ADV", "I1", "I4"])
        #expect(view.totalOpen == WideInt(eur(1_300)) && view.totalOverdue == WideInt(eur(1_000)))
        #expect(view.totalNotDue == WideInt(eur(300)) && view.totalCredits == WideInt(eur(-100)))
        #expect([view.overdueShare, view.notDueShare, view.creditShare].map(\.display) == ["33.3", "33.3", "33.3"])
        #expect(view.items.first { $0.id == "I1" }?.nextAction?.action.code == "MAIL_C")
        #expect(view.events.map(\.id) == ["E1"])
    }

    @Test("recording outcomes: validate, modify (needs a replacement), ignore; printing records one event per item")
    func recording() throws {
        let items = Self.items(Self.portfolio(), "2025-05-17")
        let i1 = try #require(items.first { $0.id == "I1" })
        let now = Date(timeIntervalSince1970: 1_747_000_000)
        let validated = try Supervisor.record(
            .validated,
            on: i1,
            actor: "A1",
            at: now,
            recordedOn: day("2025-05-17"),
            id: "V"
        )
        #expect(validated.actionCode == "CALL_C" && validated.outcome == .validated)
        #expect(throws: KPIError.self) {
            try Supervisor.record(.modified, on: i1, actor: "A1", at: now, recordedOn: day("2025-05-17"), id: "M")
        }
        #expect(throws: KPIError.self) {
            try Supervisor.record(.printed, on: i1, actor: "A1", at: now, recordedOn: day("2025-05-17"), id: "P")
        }
        let credit = try #require(items.first { $0.kind == .credit })
        #expect(throws: KPIError.self) {
            try Supervisor.record(.ignored, on: credit, actor: "A1", at: now, recordedOn: day("2025-05-17"), id: "X")
        }
        let printed = Supervisor.printEvents(
            for: items,
            actor: "A1",
            at: now,
            recordedOn: day("2025-05-17"),
            idPrefix: "PR"
        )
        #expect(printed.count == 4 && printed.allSatisfy { $0.outcome == .printed })
        // Printing does not move the next action.
        let after = Self.items(Self.portfolio(events: printed), "2025-05-17")
        #expect(after.first { $0.id == "I1" }?.nextAction?.action.code == "CALL_C")
    }

    @Test("team KPIs of an agent: actions by outcome and collection restricted to the agent's clients")
    func teamKPIs() {
        let events = [
            Self.event("E1", "CALL_C", .validated, "2025-04-20"), Self.event("E2", "MAIL_C", .ignored, "2025-05-05"),
            Self.event("E3", "LETTER_C", .printed, "2025-05-06"),
        ]
        let portfolio = Self.portfolio(events: events, payments: true)
        let may = period("2025-05-01", "2025-05-31")
        let kpis = AgentKPIs(agent: "A1", portfolio: portfolio, context: KPIContext(), period: may)
        #expect(kpis.actionsByOutcome == ["IGNORED": 1, "PRINTED": 1])
        // A1's clients K1, K3: collectible in May = I1 1 000 + I3 500 (due 04-30; I4 due 05-15: 300);
        // collected: I1 1 000 on 05-06 → 1 000 / 1 800 = 55.6 %; delay 6 days.
        #expect(kpis.collectionRate.display == "55.6")
        #expect(kpis.collectionDelay.display == "6.0")
        #expect(kpis.disputeResolutionRate.reason == .noData)
    }
}
