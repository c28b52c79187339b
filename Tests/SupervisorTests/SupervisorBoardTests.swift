import Dashboards
import Foundation
import KPI
import PilotageProtocol
import Testing
import Wire
import ProcessTestSupport

/// A small portfolio for the pure tests: the seed's strategy, three clients, five installments.
enum BoardFixture {
    static let strategy = CollectionStrategyFact(
        id: "STD",
        actions: [
            .init(code: "C-APPEL", channel: .call, offsetDays: -10, paymentMode: "C"),
            .init(code: "C-MAIL", channel: .email, offsetDays: 5, paymentMode: "C"),
            .init(code: "V30-APPEL", channel: .call, offsetDays: 2, paymentMode: "V30"),
            .init(code: "N30-SMS", channel: .sms, offsetDays: 1, paymentMode: "N30"),
        ]
    )

    static func client(_ id: String, _ name: String, mode: String, agent: String, installments: [(String, String, Int64)]) -> ClientFacts {
        ClientFacts(
            client: ClientFact(id: id, name: name, collectionAgent: agent, strategy: "STD", paymentMode: mode),
            installments: installments.map { item, due, euros in
                InstallmentFact(id: item, client: id, invoiceDate: day(due).advanced(by: -30), dueDate: day(due), amount: eur(euros))
            }
        )
    }

    static let clients = [
        Self.client("K1", "Boulangerie Martin", mode: "C", agent: "alice", installments: [("I1", "2025-03-20", 1_200), ("I4", "2025-03-25", 600)]),
        Self.client("K2", "SARL Dupuis", mode: "V30", agent: "bob", installments: [("I2", "2025-03-20", 2_400), ("I5", "2025-03-01", 50)]),
        Self.client("K3", "SCI <Horizon> & Fils", mode: "N30", agent: "alice", installments: [("I3", "2025-03-20", 300)]),
    ]

    static func items(asOf date: String = "2025-03-22") -> [SupervisorItem] {
        Supervisor.items(of: Self.clients, strategies: ["STD": Self.strategy], settings: KPISettings(), asOf: day(date))
            .filter { $0.isDue(at: day(date)) }
    }
}

@Suite("SupervisorBoard")
struct SupervisorBoardTests {
    /// `key(count,subtotal€)[items]` or `{subgroups}`.
    static func render(_ groups: [SupervisorGroupMessage]) -> String {
        groups.map { group in
            let inner = group.subgroups.isEmpty ? "[\(group.items.map(\.id).joined(separator: ","))]" : "{\(Self.render(group.subgroups))}"
            return "\(group.key)(\(group.count),\(group.subtotal / 100))\(inner)"
        }.joined(separator: " ")
    }

    @Test(
        "each of the six groupings of the seed, with subtotals",
        arguments: [
            (SupervisorGroupingMessage.client, "K1(2,1800)[I1,I4] K2(2,2450)[I5,I2] K3(1,300)[I3]"),
            (.clientThenDueDate, "K1(2,1800)[I1,I4] K2(2,2450)[I5,I2] K3(1,300)[I3]"),
            (.action, "C-APPEL(2,1800)[I1,I4] N30-SMS(1,300)[I3] V30-APPEL(2,2450)[I5,I2]"),
            (.actionThenDueDate, "C-APPEL(2,1800)[I1,I4] N30-SMS(1,300)[I3] V30-APPEL(2,2450)[I5,I2]"),
            (.actionThenClient, "C-APPEL(2,1800){K1(2,1800)[I1,I4]} N30-SMS(1,300){K3(1,300)[I3]} V30-APPEL(2,2450){K2(2,2450)[I5,I2]}"),
            (.clientThenAction, "K1(2,1800){C-APPEL(2,1800)[I1,I4]} K2(2,2450){V30-APPEL(2,2450)[I5,I2]} K3(1,300){N30-SMS(1,300)[I3]}"),
        ]
    )
    func groupings(grouping: SupervisorGroupingMessage, expected: String) throws {
        let board = SupervisorBoard(items: BoardFixture.items(), grouping: SupervisorBoard.grouping(grouping))
        let page = try board.page(TableQuery(), pin: TablePin(watermark: 1, scope: "test"))
        #expect(Self.render(page.groups) == expected)
        #expect(page.totalItems == 5 && page.totalOpen == eur(4_550) && page.nextCursor == nil)
    }

    @Test("pages cut inside groups keep whole-group subtotals; the cursor is bound to the query and the watermark")
    func pages() throws {
        let board = SupervisorBoard(items: BoardFixture.items(), grouping: .actionThenClient)
        let pin = TablePin(watermark: 7, scope: "test")
        var cursor: String?
        var pages: [String] = []
        repeat {
            let page = try board.page(TableQuery(pageSize: 2, cursor: cursor), pin: pin)
            pages.append(Self.render(page.groups))
            #expect(page.totalItems == 5)
            cursor = page.nextCursor
        } while cursor != nil && pages.count < 10
        #expect(
            pages == [
                "C-APPEL(2,1800){K1(2,1800)[I1,I4]}",
                "N30-SMS(1,300){K3(1,300)[I3]} V30-APPEL(2,2450){K2(2,2450)[I5]}",
                "V30-APPEL(2,2450){K2(2,2450)[I2]}",
            ]
        )
        let first = try #require(try board.page(TableQuery(pageSize: 2), pin: pin).nextCursor)
        do {
            _ = try board.page(TableQuery(search: "dupuis", pageSize: 2, cursor: first), pin: pin)
            Issue.record("a cursor of another query was accepted")
        } catch {
            #expect(error.code == .invalidArgument)
        }
        do {
            _ = try board.page(TableQuery(pageSize: 2, cursor: first), pin: TablePin(watermark: 8, scope: "test"))
            Issue.record("a cursor of another watermark was accepted")
        } catch {
            #expect(error.code == .failedPrecondition)
        }
        do {
            _ = try board.page(TableQuery(pageSize: 0), pin: pin)
            Issue.record("page size 0 was accepted")
        } catch {
            #expect(error.code == .invalidArgument)
        }
    }

    @Test("a page slice is the same as walking every item, at every offset and size", arguments: SupervisorGrouping.allCases)
    func slices(grouping: SupervisorGrouping) {
        let groups = Supervisor.group(BoardFixture.items(), by: grouping)
        let walked = SupervisorBoard.walk(groups)
        for offset in 0...walked.count {
            for size in 1...6 {
                let expected = walked[offset..<min(walked.count, offset + size)]
                let slice = SupervisorBoard.slice(groups, from: offset, count: size)
                #expect(slice.map(\.path) == expected.map(\.path) && slice.map(\.item.id) == expected.map(\.item.id), "\(offset) \(size)")
            }
        }
    }

    @Test("search and sort inside groups; unknown sort columns are refused")
    func searchAndSort() throws {
        let board = SupervisorBoard(items: BoardFixture.items(), grouping: .client)
        let pin = TablePin(watermark: 1, scope: "test")
        let searched = try board.page(TableQuery(search: "HORIZON"), pin: pin)
        #expect(Self.render(searched.groups) == "K3(1,300)[I3]")
        let byAction = try board.page(TableQuery(search: "v30-appel"), pin: pin)
        #expect(Self.render(byAction.groups) == "K2(2,2450)[I5,I2]")
        let sorted = try board.page(TableQuery(sort: [SortKeyMessage(column: "open", descending: true)]), pin: pin)
        #expect(Self.render(sorted.groups) == "K1(2,1800)[I1,I4] K2(2,2450)[I2,I5] K3(1,300)[I3]")
        let ascending = try board.page(TableQuery(sort: [SortKeyMessage(column: "days_past_due")]), pin: pin)
        #expect(Self.render(ascending.groups) == "K1(2,1800)[I4,I1] K2(2,2450)[I2,I5] K3(1,300)[I3]")
        do {
            _ = try board.page(TableQuery(sort: [SortKeyMessage(column: "nope")]), pin: pin)
            Issue.record("an unknown column was accepted")
        } catch {
            #expect(error.code == .invalidArgument && error.message.contains("nope"))
        }
    }

    @Test("colour classes: red credits, blue not yet due, black overdue")
    func colours() throws {
        let items = Supervisor.items(
            of: [
                ClientFacts(
                    client: ClientFact(id: "K9", name: "Client", strategy: "STD", paymentMode: "C"),
                    installments: [
                        InstallmentFact(id: "A", client: "K9", invoiceDate: day("2025-02-01"), dueDate: day("2025-03-22"), amount: 100),
                        InstallmentFact(id: "B", client: "K9", invoiceDate: day("2025-02-01"), dueDate: day("2025-03-21"), amount: 100),
                    ],
                    credits: [CreditFact(id: "P", client: "K9", kind: .payment, date: day("2025-03-01"), amount: 50)]
                )
            ],
            strategies: ["STD": BoardFixture.strategy],
            settings: KPISettings(),
            asOf: day("2025-03-22")
        )
        #expect(items.map { "\($0.id):\($0.colour.rawValue)" }.sorted() == ["A:BLUE", "B:BLACK", "P:RED"])
        let credit = try #require(items.first { $0.id == "P" })
        #expect(SupervisorBoard.message(credit).open == -50)
    }

    @Test("CSV export: header and one RFC 4180 line per item in list order")
    func csv() throws {
        let board = SupervisorBoard(items: BoardFixture.items(), grouping: .clientThenAction)
        let text = try board.csv(search: nil, sort: nil).joined()
        let lines = text.split(separator: "\r\n").map(String.init)
        #expect(lines.count == 6)
        #expect(lines[0] == SupervisorBoard.csvHeader.joined(separator: ","))
        #expect(lines[1] == "K1,C-APPEL,K1,Boulangerie Martin,alice,,I1,I1,2025-03-20,120000,C,2,BLACK,C-APPEL,CALL,2025-03-10")
        #expect(lines[5].hasPrefix("K3,N30-SMS,K3,SCI <Horizon> & Fils,alice,,I3,"))
        let small = try board.csv(search: nil, sort: nil, chunkBytes: 100)
        #expect(small.count > 1 && small.joined() == text)
    }

    @Test("the printed document escapes text and lists every item under its group with subtotals")
    func document() {
        let groups = Supervisor.group(BoardFixture.items(), by: .client)
        let html = SupervisorDocument(
            title: "Relances <mars>",
            firm: "Cabinet & Co",
            actor: "Carla",
            printedAt: Date(timeIntervalSince1970: 1_743_422_400),
            groups: groups
        ).html
        #expect(html.contains("<title>Relances &lt;mars&gt;</title>"))
        #expect(html.contains("Cabinet &amp; Co"))
        #expect(html.contains("SCI &lt;Horizon&gt; &amp; Fils"))
        #expect(!html.contains("<Horizon>"))
        #expect(html.contains("2025-03-31 12:00 UTC"))
        #expect(html.components(separatedBy: "<tr class=\"BLACK\"").count - 1 == 4)
        #expect(html.components(separatedBy: "<tr class=\"BLUE\" data-item=\"I4\"").count - 1 == 1)
        #expect(html.components(separatedBy: "class=\"subtotal\"").count - 1 == 3)
        #expect(html.contains("1\u{202F}800,00 €") && html.contains("4\u{202F}550,00 €"))
    }
}

@Suite("SupervisorPreview")
struct SupervisorPreviewTests {
    static func render(_ days: [SupervisorPreview.Day]) -> String {
        days.map { day in
            "\(day.date):" + day.entries.map { entry in
                "\(entry.client)[\(entry.items.map(\.id).joined(separator: ","))]" + (entry.postponedFrom.map { "<\($0)" } ?? "")
            }.joined(separator: ",")
        }.joined(separator: " ")
    }

    @Test("business days skip weekends")
    func businessDays() {
        // 2025-03-28 is a Friday.
        #expect(SupervisorPreview.businessDays(after: day("2025-03-28"), count: 3) == [day("2025-03-31"), day("2025-04-01"), day("2025-04-02")])
        #expect(SupervisorPreview.businessDay(onOrAfter: day("2025-03-29")) == day("2025-03-31"))
    }

    @Test(
        "actions of the next business days, one contact per client and day, the minimum delay moving contacts",
        arguments: [
            (0, nil as String?, "2025-03-24:K1[I1] 2025-03-25:K1[I4] 2025-03-26:"),
            (1, "2025-03-21", "2025-03-24:K1[I1] 2025-03-25:K1[I4] 2025-03-26:"),
            (2, "2025-03-21", "2025-03-24:K1[I1] 2025-03-25: 2025-03-26:K1[I4]<2025-03-25"),
            (4, "2025-03-21", "2025-03-24: 2025-03-25:K1[I1,I4]<2025-03-24 2025-03-26:"),
        ]
    )
    func plan(delay: Int, lastContact: String?, expected: String) {
        // Friday 2025-03-21: I1's call (due − 10) triggers on Sunday 23 → Monday; I4's on Tuesday 25.
        let clients = [
            BoardFixture.client("K1", "Boulangerie", mode: "C", agent: "alice", installments: [("I1", "2025-04-02", 100), ("I4", "2025-04-04", 100)])
        ]
        let items = Supervisor.items(of: clients, strategies: ["STD": BoardFixture.strategy], settings: KPISettings(), asOf: day("2025-03-21"))
        let plan = SupervisorPreview.plan(
            items: items,
            lastContacts: lastContact.map { ["K1": day($0)] } ?? [:],
            today: day("2025-03-21"),
            days: 3,
            minimumDaysBetweenActions: delay
        )
        #expect(Self.render(plan) == expected)
    }

    @Test("the last contact is the latest VALIDATED or MODIFIED outcome of the client")
    func lastContacts() {
        var facts = BoardFixture.clients[0]
        let at = Date(timeIntervalSince1970: 0)
        facts.events = [
            CollectionEventFact(id: "e1", installment: "I1", actionCode: "C-APPEL", outcome: .validated, actor: "a", at: at, recordedOn: day("2025-03-10")),
            CollectionEventFact(id: "e2", installment: "I1", actionCode: "C-MAIL", outcome: .ignored, actor: "a", at: at, recordedOn: day("2025-03-15")),
            CollectionEventFact(id: "e3", installment: "I4", actionCode: "C-APPEL", outcome: .printed, actor: "a", at: at, recordedOn: day("2025-03-16")),
            CollectionEventFact(
                id: "e4", installment: "I4", actionCode: "C-APPEL", outcome: .modified, replacementCode: "X", actor: "a", at: at,
                recordedOn: day("2025-03-12")
            ),
        ]
        #expect(SupervisorPreview.lastContacts([facts, BoardFixture.clients[1]]) == ["K1": day("2025-03-12")])
    }
}
