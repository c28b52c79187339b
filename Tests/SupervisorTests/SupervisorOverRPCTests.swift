import Foundation
import PilotageProtocol
import RPCCore
import Testing
import Wire
import ProcessTestSupport

/// The supervisor over a real gateway process and TCP, on the seed's example.
@Suite("Supervisor over RPC")
struct SupervisorOverRPCTests {
    /// Ingests the seed example, then creates the strategy and assigns it over RPC (as carla).
    static func prepare(_ gateway: TestGateway, minimumDaysBetweenActions: Int? = nil) async throws {
        let report = try await gateway.ingest(SeedExample.records(minimumDaysBetweenActions: minimumDaysBetweenActions))
        #expect(report.rejected == 0, "\(report.rejections)")
        let put = try await gateway.call(SupervisorService.putStrategy, PutStrategyRequest(strategy: SeedExample.strategy), as: "carla")
        #expect(put.landed == 1)
        let assigned = try await gateway.call(
            SupervisorService.assignStrategy,
            AssignStrategyRequest(clients: ["K1", "K2", "K3"], strategy: "STD"),
            as: "carla"
        )
        #expect(assigned.landed == 3)
    }

    /// Every item of a list (all pages), with its next action.
    static func items(
        _ gateway: TestGateway,
        to: String,
        as user: String? = "carla",
        filter: SupervisorFilterMessage? = nil
    ) async throws -> [String: SupervisorItemMessage] {
        let reply = try await gateway.call(
            SupervisorService.list,
            SupervisorListRequest(to: day(to), filter: filter, pageSize: 1_000),
            as: user
        )
        #expect(reply.nextCursor == nil)
        var items: [String: SupervisorItemMessage] = [:]
        func walk(_ groups: [SupervisorGroupMessage]) {
            for group in groups {
                for item in group.items { items[item.id] = item }
                walk(group.subgroups)
            }
        }
        walk(reply.groups)
        #expect(items.count == reply.totalItems)
        return items
    }

    /// `id:ACTION:COLOUR` of every item, sorted.
    static func summary(_ items: [String: SupervisorItemMessage]) -> [String] {
        items.values.map { "\($0.id):\($0.nextAction?.code ?? "-"):\($0.colour)" }.sorted()
    }

    @Test("the seed's example over several dates, and each outcome moving the next action")
    func seedExampleOverDates() async throws {
        try await TestGateway.with(today: SeedExample.today) { gateway in
            try await Self.prepare(gateway)
            let expectations: [(String, [String])] = [
                ("2025-03-09", []),
                ("2025-03-10", ["I1:C-APPEL:BLUE"]),
                ("2025-03-15", ["I1:C-APPEL:BLUE", "I4:C-APPEL:BLUE"]),
                ("2025-03-20", ["I1:C-APPEL:BLUE", "I4:C-APPEL:BLUE"]),
                ("2025-03-21", ["I1:C-APPEL:BLACK", "I3:N30-SMS:BLACK", "I4:C-APPEL:BLUE"]),
                ("2025-03-22", ["I1:C-APPEL:BLACK", "I2:V30-APPEL:BLACK", "I3:N30-SMS:BLACK", "I4:C-APPEL:BLUE"]),
            ]
            for (to, expected) in expectations {
                #expect(Self.summary(try await Self.items(gateway, to: to)) == expected, "to = \(to)")
            }
            let trigger = try #require(try await Self.items(gateway, to: "2025-03-22")["I1"]?.nextAction?.triggerDate)
            #expect(trigger == day("2025-03-10"))

            // VALIDATED: the call is done, the e-mail (due + 5) is next.
            let validated = try await gateway.call(
                SupervisorService.record,
                SupervisorRecordRequest(requestID: "v-1", outcome: .validated, items: ["I1"], note: "appelé, promet de payer"),
                as: "carla"
            )
            #expect(validated.recorded.map(\.actionCode) == ["C-APPEL"])
            #expect(validated.recorded.first?.note == "appelé, promet de payer")
            #expect(validated.recorded.first?.actor == "carla")
            var next = try #require(try await Self.items(gateway, to: "2025-03-31")["I1"]?.nextAction)
            #expect(next.code == "C-MAIL" && next.triggerDate == day("2025-03-25"))
            #expect(try await Self.items(gateway, to: "2025-03-24")["I1"] == nil)

            // MODIFIED: an SMS was sent instead of the e-mail; the letter (due + 10) is next.
            let modified = try await gateway.call(
                SupervisorService.record,
                SupervisorRecordRequest(requestID: "m-1", outcome: .modified, items: ["I1"], replacementCode: "SMS-LIBRE"),
                as: "carla"
            )
            #expect(modified.recorded.first?.actionCode == "C-MAIL")
            #expect(modified.recorded.first?.replacementCode == "SMS-LIBRE")
            next = try #require(try await Self.items(gateway, to: "2025-03-31")["I1"]?.nextAction)
            #expect(next.code == "C-COURRIER" && next.triggerDate == day("2025-03-30"))

            // IGNORED: the letter is suspended; nothing is left for I1.
            let ignored = try await gateway.call(
                SupervisorService.record,
                SupervisorRecordRequest(requestID: "i-1", outcome: .ignored, items: ["I1"]),
                as: "carla"
            )
            #expect(ignored.recorded.first?.actionCode == "C-COURRIER")
            #expect(try await Self.items(gateway, to: "2025-12-31")["I1"] == nil)
            let again = try await gateway.call(
                SupervisorService.record,
                SupervisorRecordRequest(requestID: "v-2", outcome: .validated, items: ["I1", "I4", "I4", "NOPE"]),
                as: "carla"
            )
            #expect(again.recorded.map(\.installment) == ["I4"])
            #expect(again.refused.map(\.reason) == ["NO_PENDING_ACTION", "DUPLICATE", "NOT_FOUND"])
        }
    }

    @Test("the six groupings with subtotals, filters, pages pinned to the records, CSV export")
    func groupingsFiltersPagesAndExport() async throws {
        try await TestGateway.with(today: SeedExample.today) { gateway in
            try await Self.prepare(gateway)
            // key(count, subtotal in euros)[items] or {subgroups}
            let expected: [(SupervisorGroupingMessage, String)] = [
                (.client, "K1(2,1800)[I1,I4] K2(1,2400)[I2] K3(1,300)[I3]"),
                (.clientThenDueDate, "K1(2,1800)[I1,I4] K2(1,2400)[I2] K3(1,300)[I3]"),
                (.action, "C-APPEL(2,1800)[I1,I4] N30-SMS(1,300)[I3] V30-APPEL(1,2400)[I2]"),
                (.actionThenDueDate, "C-APPEL(2,1800)[I1,I4] N30-SMS(1,300)[I3] V30-APPEL(1,2400)[I2]"),
                (.actionThenClient, "C-APPEL(2,1800){K1(2,1800)[I1,I4]} N30-SMS(1,300){K3(1,300)[I3]} V30-APPEL(1,2400){K2(1,2400)[I2]}"),
                (.clientThenAction, "K1(2,1800){C-APPEL(2,1800)[I1,I4]} K2(1,2400){V30-APPEL(1,2400)[I2]} K3(1,300){N30-SMS(1,300)[I3]}"),
            ]
            func render(_ groups: [SupervisorGroupMessage]) -> String {
                groups.map { group in
                    let inner = group.subgroups.isEmpty ? "[\(group.items.map(\.id).joined(separator: ","))]" : "{\(render(group.subgroups))}"
                    return "\(group.key)(\(group.count),\(group.subtotal / 100))\(inner)"
                }.joined(separator: " ")
            }
            for (grouping, text) in expected {
                let reply = try await gateway.call(
                    SupervisorService.list,
                    SupervisorListRequest(to: day("2025-03-22"), grouping: grouping),
                    as: "carla"
                )
                #expect(render(reply.groups) == text, "\(grouping)")
                #expect(reply.totalItems == 4 && reply.totalOpen == eur(4_500))
            }

            // Filters of the seed's selection page.
            let filters: [(SupervisorFilterMessage, [String])] = [
                (SupervisorFilterMessage(agent: "alice"), ["I1", "I3", "I4"]),
                (SupervisorFilterMessage(client: "K2"), ["I2"]),
                (SupervisorFilterMessage(collectiveAccount: "411000"), ["I1", "I3", "I4"]),
                (SupervisorFilterMessage(minAmount: eur(1_000)), ["I1", "I2"]),
                (SupervisorFilterMessage(minAmount: eur(500), maxAmount: eur(1_000)), ["I4"]),
                (SupervisorFilterMessage(dueFrom: day("2025-03-21")), ["I4"]),
                (SupervisorFilterMessage(dueTo: day("2025-03-20")), ["I1", "I2", "I3"]),
            ]
            for (filter, ids) in filters {
                #expect(try await Self.items(gateway, to: "2025-03-22", filter: filter).keys.sorted() == ids, "\(filter)")
            }
            // A range: trigger dates from 2025-03-21 only.
            let ranged = try await gateway.call(
                SupervisorService.list,
                SupervisorListRequest(from: day("2025-03-21"), to: day("2025-03-22")),
                as: "carla"
            )
            #expect(render(ranged.groups) == "K2(1,2400)[I2] K3(1,300)[I3]")

            // Pages of 3 items: the first page ends inside K2's group... and K1's subtotal is whole.
            let first = try await gateway.call(
                SupervisorService.list,
                SupervisorListRequest(to: day("2025-03-22"), sort: [SortKeyMessage(column: "open", descending: true)], pageSize: 1),
                as: "carla"
            )
            #expect(render(first.groups) == "K1(2,1800)[I1]")
            let cursor = try #require(first.nextCursor)
            let second = try await gateway.call(
                SupervisorService.list,
                SupervisorListRequest(
                    to: day("2025-03-22"),
                    sort: [SortKeyMessage(column: "open", descending: true)],
                    pageSize: 3,
                    cursor: cursor
                ),
                as: "carla"
            )
            #expect(render(second.groups) == "K1(2,1800)[I4] K2(1,2400)[I2] K3(1,300)[I3]")
            #expect(second.nextCursor == nil)
            // Another query with that cursor, or records that moved, are refused.
            let otherQuery = await statusCode {
                _ = try await gateway.call(SupervisorService.list, SupervisorListRequest(to: day("2025-03-21"), cursor: cursor), as: "carla")
            }
            #expect(otherQuery == .invalidArgument)
            try await gateway.ingest([SeedExample.installment("I9", client: "K2", due: "2025-06-30", euros: 10)])
            let moved = await statusCode {
                _ = try await gateway.call(
                    SupervisorService.list,
                    SupervisorListRequest(to: day("2025-03-22"), sort: [SortKeyMessage(column: "open", descending: true)], pageSize: 1, cursor: cursor),
                    as: "carla"
                )
            }
            #expect(moved == .failedPrecondition)
            let badSort = await statusCode {
                _ = try await gateway.call(SupervisorService.list, SupervisorListRequest(sort: [SortKeyMessage(column: "colour")]))
            }
            #expect(badSort == .invalidArgument)

            // Export: the header, then one line per item in list order (grouped by action).
            var csv = ""
            let stream = try await gateway.client.serverStreaming(
                SupervisorService.export,
                SupervisorListRequest(to: day("2025-03-22"), grouping: .action),
                metadata: gateway.metadata(as: "carla")
            )
            for try await chunk in stream { csv += chunk.text }
            let lines = csv.split(separator: "\r\n").map(String.init)
            #expect(lines.count == 5)
            #expect(lines.first?.hasPrefix("group,subgroup,client,client_name") == true)
            #expect(lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[6] } == ["I1", "I4", "I3", "I2"])
            #expect(lines[1].contains(",120000,C,") && lines[1].contains(",C-APPEL,CALL,2025-03-10"))
        }
    }

    @Test("an agent sees and acts on their own items only; a collection manager on everyone's")
    func agentVersusManager() async throws {
        try await TestGateway.with(today: SeedExample.today) { gateway in
            try await Self.prepare(gateway)
            #expect(try await Self.items(gateway, to: "2025-03-22", as: "alice").keys.sorted() == ["I1", "I3", "I4"])
            #expect(try await Self.items(gateway, to: "2025-03-22", as: "bob").keys.sorted() == ["I2"])
            #expect(try await Self.items(gateway, to: "2025-03-22", as: "carla").keys.sorted() == ["I1", "I2", "I3", "I4"])
            #expect(try await Self.items(gateway, to: "2025-03-22", as: nil).keys.sorted() == ["I1", "I2", "I3", "I4"])
            #expect(try await Self.items(gateway, to: "2025-03-22", as: "dan").isEmpty)
            // An agent filtering on another agent selects nothing.
            #expect(try await Self.items(gateway, to: "2025-03-22", as: "alice", filter: SupervisorFilterMessage(agent: "bob")).isEmpty)

            let before = try await gateway.freshness().lastSequence
            // alice may not act on bob's client, even mixed with her own: nothing is recorded.
            let denied = await statusCode {
                _ = try await gateway.call(
                    SupervisorService.record,
                    SupervisorRecordRequest(requestID: "a-1", outcome: .validated, items: ["I1", "I2"]),
                    as: "alice"
                )
            }
            #expect(denied == .permissionDenied)
            let deniedPrint = await statusCode {
                _ = try await gateway.call(SupervisorService.print, SupervisorPrintRequest(requestID: "a-2", items: ["I2"]), as: "alice")
            }
            #expect(deniedPrint == .permissionDenied)
            let noRole = await statusCode {
                _ = try await gateway.call(
                    SupervisorService.record,
                    SupervisorRecordRequest(requestID: "d-1", outcome: .validated, items: ["I1"]),
                    as: "dan"
                )
            }
            #expect(noRole == .permissionDenied)
            let noActor = await statusCode {
                _ = try await gateway.call(SupervisorService.record, SupervisorRecordRequest(requestID: "n-1", outcome: .validated, items: ["I1"]))
            }
            #expect(noActor == .failedPrecondition)
            let stranger = await statusCode {
                _ = try await gateway.call(SupervisorService.list, SupervisorListRequest(), as: "zoe")
            }
            #expect(stranger == .permissionDenied)
            let clientView = await statusCode {
                _ = try await gateway.call(SupervisorService.client, SupervisorClientRequest(client: "K2"), as: "alice")
            }
            #expect(clientView == .permissionDenied)
            let strategy = await statusCode {
                _ = try await gateway.call(SupervisorService.putStrategy, PutStrategyRequest(strategy: SeedExample.strategy), as: "alice")
            }
            #expect(strategy == .permissionDenied)
            #expect(try await gateway.freshness().lastSequence == before)
            #expect(try await Self.items(gateway, to: "2025-03-22")["I2"]?.nextAction?.code == "V30-APPEL")

            // Her own item: recorded. The manager acts on bob's.
            let own = try await gateway.call(
                SupervisorService.record,
                SupervisorRecordRequest(requestID: "a-3", outcome: .validated, items: ["I3"]),
                as: "alice"
            )
            #expect(own.recorded.map(\.installment) == ["I3"])
            let managed = try await gateway.call(
                SupervisorService.record,
                SupervisorRecordRequest(requestID: "c-1", outcome: .ignored, items: ["I2"]),
                as: "carla"
            )
            #expect(managed.recorded.map(\.installment) == ["I2"])
            #expect(try await Self.items(gateway, to: "2025-12-31").keys.sorted() == ["I1", "I4"])
        }
    }

    @Test("a retried request is not recorded twice; printing records one event per item and the document lists them")
    func retriesAndPrinting() async throws {
        try await TestGateway.with(today: SeedExample.today) { gateway in
            try await Self.prepare(gateway)
            let start = try await gateway.freshness()
            let request = SupervisorRecordRequest(requestID: "retry-1", outcome: .validated, items: ["I3"], note: "SMS envoyé")
            let first = try await gateway.call(SupervisorService.record, request, as: "alice")
            #expect(!first.replayed && first.recorded.count == 1 && first.sequence == start.lastSequence + 1)
            // The write marks the client's rollup partitions dirty with its sequence.
            let afterFirst = try await gateway.freshness()
            #expect(afterFirst.lastSequence == start.lastSequence + 1 && afterFirst.pendingPartitions > 0)
            #expect(try gateway.dirtyPartitions(sequence: first.sequence) > 0)
            let retried = try await gateway.call(SupervisorService.record, request, as: "alice")
            #expect(retried.replayed)
            #expect(retried.recorded == first.recorded && retried.sequence == first.sequence)
            #expect(try await gateway.freshness().lastSequence == afterFirst.lastSequence)
            let view = try await gateway.call(SupervisorService.client, SupervisorClientRequest(client: "K3"), as: "alice")
            #expect(view.events.map(\.id) == ["retry-1/I3"])
            // The same id for another request (or another actor) is refused.
            let reused = await statusCode {
                _ = try await gateway.call(
                    SupervisorService.record,
                    SupervisorRecordRequest(requestID: "retry-1", outcome: .ignored, items: ["I3"]),
                    as: "alice"
                )
            }
            #expect(reused == .alreadyExists)
            let badID = await statusCode {
                _ = try await gateway.call(
                    SupervisorService.record,
                    SupervisorRecordRequest(requestID: "bad id!", outcome: .ignored, items: ["I3"]),
                    as: "alice"
                )
            }
            #expect(badID == .invalidArgument)

            // Printing a selection grouped by client.
            let print = SupervisorPrintRequest(requestID: "print-1", items: ["I2", "I1", "I4"], grouping: .client, title: "Relances <mars>")
            let printed = try await gateway.call(SupervisorService.print, print, as: "carla")
            #expect(printed.printed.map(\.installment) == ["I2", "I1", "I4"])
            #expect(printed.printed.allSatisfy { $0.outcome == .printed && $0.actor == "carla" })
            #expect(printed.printed.map(\.actionCode) == ["V30-APPEL", "C-APPEL", "C-APPEL"])
            let html = printed.html
            #expect(html.hasPrefix("<!DOCTYPE html>"))
            #expect(html.contains("Relances &lt;mars&gt;"))
            for id in ["I1", "I2", "I4"] { #expect(html.contains("data-item=\"\(id)\"")) }
            #expect(!html.contains("data-item=\"I3\""))
            let k1 = try #require(html.range(of: "data-key=\"K1\""))
            let k2 = try #require(html.range(of: "data-key=\"K2\""))
            #expect(k1.lowerBound < k2.lowerBound)
            let i1 = try #require(html.range(of: "data-item=\"I1\""))
            #expect(k1.lowerBound < i1.lowerBound && i1.lowerBound < k2.lowerBound)
            // PRINTED does not move the next action; a retried print writes nothing more.
            #expect(try await Self.items(gateway, to: "2025-03-31")["I1"]?.nextAction?.code == "C-APPEL")
            let sequence = try await gateway.freshness().lastSequence
            let reprinted = try await gateway.call(SupervisorService.print, print, as: "carla")
            #expect(reprinted.replayed && reprinted.html == html && reprinted.printed == printed.printed)
            #expect(try await gateway.freshness().lastSequence == sequence)
            let events = try await gateway.call(SupervisorService.client, SupervisorClientRequest(client: "K1"), as: "carla").events
            #expect(events.map(\.id).sorted() == ["print-1/I1", "print-1/I4"])
        }
    }

    @Test("today's list follows payments, deletions, strategy changes and actions (cached and recomputed lists agree)")
    func todayFollowsChanges() async throws {
        struct Tombstone: Codable {
            var id: String
            var deleted: Bool
        }
        try await TestGateway.with(today: SeedExample.today) { gateway in
            try await Self.prepare(gateway)
            /// Today's list of the whole firm (served from the cache), and the same list assembled
            /// client by client (a client filter reads that client's records).
            func both() async throws -> ([String], [String]) {
                let firm = Self.summary(try await Self.items(gateway, to: SeedExample.today))
                var perClient: [String] = []
                for client in ["K1", "K2", "K3"] {
                    perClient += Self.summary(try await Self.items(gateway, to: SeedExample.today, filter: SupervisorFilterMessage(client: client)))
                }
                return (firm, perClient.sorted())
            }
            var (firm, perClient) = try await both()
            #expect(firm == ["I1:C-APPEL:BLACK", "I2:V30-APPEL:BLACK", "I3:N30-SMS:BLACK", "I4:C-APPEL:BLACK"])
            #expect(firm == perClient)

            // A payment of I2 (one client changed).
            try await gateway.ingest([
                CreditDocumentRecord(id: "P2", kind: .payment, client: "K2", date: day("2025-03-28"), amount: eur(2_400)),
                AllocationRecord(id: "L2", source: "P2", target: "I2", amount: eur(2_400), recordedOn: day("2025-03-28"), method: .manual),
            ])
            (firm, perClient) = try await both()
            #expect(firm == ["I1:C-APPEL:BLACK", "I3:N30-SMS:BLACK", "I4:C-APPEL:BLACK"])
            #expect(firm == perClient)

            // An action (one client changed).
            _ = try await gateway.call(
                SupervisorService.record,
                SupervisorRecordRequest(requestID: "t-1", outcome: .validated, items: ["I4"]),
                as: "carla"
            )
            (firm, perClient) = try await both()
            #expect(firm == ["I1:C-APPEL:BLACK", "I3:N30-SMS:BLACK", "I4:C-MAIL:BLACK"])
            #expect(firm == perClient)

            // A deletion (everything recomputed).
            let tombstone = try WireEncoder().encode(Tombstone(id: "I3", deleted: true))
            let report = try await gateway.client.clientStreaming(IngestionService.ingestBatch, metadata: gateway.metadata()) { writer in
                try await writer.write(IngestChunk(rows: [IngestRow(kind: .installment, payload: Data(tombstone))]))
            }
            #expect(report.deleted == 1, "\(report.rejections)")
            (firm, perClient) = try await both()
            #expect(firm == ["I1:C-APPEL:BLACK", "I4:C-MAIL:BLACK"])
            #expect(firm == perClient)

            // A strategy change (a firm-level record: everything recomputed).
            var strategy = SeedExample.strategy
            strategy.actions[0].code = "C-TELEPHONE"
            _ = try await gateway.call(SupervisorService.putStrategy, PutStrategyRequest(strategy: strategy), as: "carla")
            (firm, perClient) = try await both()
            #expect(firm == ["I1:C-TELEPHONE:BLACK", "I4:C-TELEPHONE:BLACK"])
            #expect(firm == perClient)
        }
    }

    @Test("the client receivables view: header, open items with their next action, events")
    func clientView() async throws {
        try await TestGateway.with(today: SeedExample.today) { gateway in
            try await Self.prepare(gateway)
            _ = try await gateway.call(
                SupervisorService.record,
                SupervisorRecordRequest(requestID: "cv-1", outcome: .validated, items: ["I1"], note: "ok"),
                as: "alice"
            )
            let view = try await gateway.call(SupervisorService.client, SupervisorClientRequest(client: "K1"), as: "alice")
            #expect(view.name == "Boulangerie Martin" && view.agent == "alice" && view.strategy == "STD")
            // By date: the payment of 2025-03-01 first.
            #expect(view.items.map(\.id) == ["P1", "I1", "I4"])
            #expect(view.items.map(\.colour) == ["RED", "BLACK", "BLACK"])
            #expect(view.items.map { $0.nextAction?.code } == [nil, "C-MAIL", "C-APPEL"])
            #expect(view.totalOpen == eur(1_800) && view.totalOverdue == eur(1_800) && view.totalNotDue == 0)
            #expect(view.totalCredits == -eur(100))
            #expect(view.overdueShare.exact == "200/3" && view.creditShare.exact == "100/3" && view.notDueShare.exact == "0")
            #expect(view.events.map(\.actionCode) == ["C-APPEL"] && view.events.first?.note == "ok")
            // At an earlier date both installments are not yet due (blue).
            let early = try await gateway.call(SupervisorService.client, SupervisorClientRequest(client: "K1", asOf: day("2025-03-05")), as: "alice")
            #expect(early.items.map(\.colour) == ["RED", "BLUE", "BLUE"])
            let missing = await statusCode {
                _ = try await gateway.call(SupervisorService.client, SupervisorClientRequest(client: "NOPE"), as: "carla")
            }
            #expect(missing == .notFound)
            let strategies = try await gateway.call(SupervisorService.listStrategies, ListStrategiesRequest(), as: "bob")
            #expect(strategies.strategies == [SeedExample.strategy])
        }
    }

    @Test("the preview of the next business days applies the firm's minimum delay between two actions")
    func preview() async throws {
        try await TestGateway.with(today: SeedExample.today) { gateway in
            try await Self.prepare(gateway, minimumDaysBetweenActions: 2)
            try await gateway.ingest([
                // K1, mode C: call on 2025-04-01 (due − 10); K2, mode V30: call on 2025-04-02 (due + 2).
                SeedExample.installment("I7", client: "K1", due: "2025-04-11", euros: 500),
                SeedExample.installment("I8", client: "K2", due: "2025-03-31", euros: 700),
            ])
            _ = try await gateway.call(
                SupervisorService.record,
                SupervisorRecordRequest(requestID: "p-1", outcome: .validated, items: ["I1"]),
                as: "carla"
            )
            func render(_ reply: SupervisorPreviewReply) -> String {
                reply.days.map { day in
                    "\(day.date):" + day.entries.map { entry in
                        "\(entry.client)[\(entry.items.map(\.id).joined(separator: ","))]" + (entry.postponedFrom.map { "<\($0)" } ?? "")
                    }.joined(separator: ",")
                }.joined(separator: " ")
            }
            let delayed = try await gateway.call(SupervisorService.preview, SupervisorPreviewRequest(days: 3), as: "carla")
            #expect(delayed.minimumDaysBetweenActions == 2)
            #expect(render(delayed) == "2025-04-01: 2025-04-02:K1[I7]<2025-04-01,K2[I8] 2025-04-03:")
            let bob = try await gateway.call(SupervisorService.preview, SupervisorPreviewRequest(days: 3), as: "bob")
            #expect(render(bob) == "2025-04-01: 2025-04-02:K2[I8] 2025-04-03:")

            try await gateway.ingest([
                FirmSettingsRecord(name: "Cabinet Démo", timeZone: "Europe/Paris", fiscalYearStartMonth: 1, fiscalYearStartDay: 1)
            ])
            let byDefault = try await gateway.call(SupervisorService.preview, SupervisorPreviewRequest(days: 2), as: "carla")
            #expect(byDefault.minimumDaysBetweenActions == 1)
            #expect(render(byDefault) == "2025-04-01:K1[I7] 2025-04-02:K2[I8]")
        }
    }
}
