import Dashboards
import Foundation
import PilotageProtocol
import RPCCore
import Testing
import Wire
import ProcessTestSupport

/// `pilotage.dashboard.Clients` (level 3) over a real gateway and worker: rows from the
/// per-client rollup rows equal their raw-facts recomputation, cursor paging returns every row
/// once, sorting and search, visibility, the dates that have rows, and the CSV export (equal to
/// the pages; a pinned export refused once the rollups moved).
@Suite("Clients level 3")
struct ClientsTableTests {
    static let today = "2025-06-20"

    @Test("pages, sort, search, verification, visibility, dates, CSV export and pinning")
    func clients() async throws {
        try await Cluster.with(today: Self.today) { cluster in
            let records = try DemoFirm.records(today: Self.today, clients: 30, documents: 900, installments: 420)
            try await cluster.ingest(records)
            _ = try await cluster.startWorker(id: "w1", concurrency: 2)
            try await cluster.waitUntilPublished(timeout: .seconds(300))
            let clients = records.compactMap { $0 as? ClientRecord }
            let names = Dictionary(uniqueKeysWithValues: clients.map { ($0.id, $0.name) })

            // Every page verifies; every active client appears exactly once.
            let pages = try await cluster.allPages(TableRequest(pageSize: 7, verify: true))
            #expect(pages.count == (clients.filter { !$0.deactivated }.count + 6) / 7)
            for page in pages {
                #expect(page.verification?.equal == true, "\(page.verification?.differences.prefix(3) ?? [])")
                #expect(page.watermark == pages[0].watermark && page.view == "receivables" && page.asOf == day(Self.today))
            }
            let rows = pages.flatMap(\.rows)
            #expect(rows.map(\.key).sorted() == clients.filter { !$0.deactivated }.map(\.id).sorted())
            #expect(pages[0].totalRows == rows.count)
            let columns = pages[0].columns.map(\.name)
            func cell(_ row: TableRowMessage, _ column: String) -> String? {
                columns.firstIndex(of: column).flatMap { row.cells[$0] }
            }
            #expect(rows.allSatisfy { cell($0, "name") == names[$0.key] }, "names come from the client records")

            // The natural order is AR descending; the total AR is level 1's.
            let ar = rows.map { Int64(cell($0, "ar_cents") ?? "") ?? .min }
            #expect(ar == ar.sorted(by: >))
            let summary = try await cluster.summary(ReceivablesSummaryRequest(), user: nil)
            #expect(String(ar.reduce(0, +)) == summary.summary.outstanding.first { $0.name == "AR-ENC-NET" }?.value.exact)

            // Sort by any column, ascending or descending; nulls last.
            let byName = try await cluster.allPages(TableRequest(sort: [SortKeyMessage(column: "name")], pageSize: 1_000))
            let sortedNames = byName.flatMap(\.rows).compactMap { cell($0, "name")?.lowercased() }
            #expect(sortedNames == sortedNames.sorted() && sortedNames.count == rows.count)
            let byDSO = try await cluster.page(TableRequest(sort: [SortKeyMessage(column: "dso_days", descending: true)], pageSize: 1_000))
            let dso = byDSO.rows.map { cell($0, "dso_days").flatMap { Double($0) } }
            let present = dso.prefix { $0 != nil }.compactMap { $0 }
            #expect(present == present.sorted(by: >) && dso.dropFirst(present.count).allSatisfy { $0 == nil })
            let unknownColumn = await #expect(throws: RPCError.self) {
                _ = try await cluster.page(TableRequest(sort: [SortKeyMessage(column: "nope")]))
            }
            #expect(unknownColumn?.code == .invalidArgument)

            // Search by client id and by name.
            let target = try #require(clients.first { !$0.deactivated })
            let byID = try await cluster.page(TableRequest(search: target.id.lowercased()))
            #expect(byID.rows.contains { $0.key == target.id })
            #expect(byID.rows.allSatisfy { $0.key.lowercased().contains(target.id.lowercased()) || (names[$0.key] ?? "").lowercased().contains(target.id.lowercased()) })
            let word = try #require(target.name.split(separator: " ").max { $0.count < $1.count }).lowercased()
            let byWord = try await cluster.page(TableRequest(search: word, pageSize: 1_000))
            #expect(byWord.rows.contains { $0.key == target.id })
            #expect(byWord.rows.allSatisfy { ($0.key + (names[$0.key] ?? "")).lowercased().contains(word) })

            // The practice view, with the deactivated clients.
            let practice = try await cluster.allPages(
                TableRequest(view: "practice", filter: ClientFilterMessage(includeDeactivated: true), pageSize: 1_000, verify: true)
            )
            #expect(practice.allSatisfy { $0.verification?.equal == true })
            #expect(practice.flatMap(\.rows).count == clients.count)
            let unknownView = await #expect(throws: RPCError.self) { _ = try await cluster.page(TableRequest(view: "nope")) }
            #expect(unknownView?.code == .invalidArgument && unknownView?.message.contains("practice") == true)

            // Dates: a past month end and a day of the current month have rows; another day not.
            for date in ["2025-05-31", "2025-06-03", "2025-02-28"] {
                let page = try await cluster.page(TableRequest(asOf: day(date), pageSize: 1_000, verify: true))
                #expect(page.asOf == day(date) && page.verification?.equal == true, "\(date)")
                #expect(page.rows.count == rows.count, "\(date)")
            }
            let midMonth = await #expect(throws: RPCError.self) { _ = try await cluster.page(TableRequest(asOf: day("2025-05-15"))) }
            #expect(midMonth?.code == .invalidArgument && midMonth?.message.contains("2025-05-31") == true)

            // Visibility: an agent sees their clients, as with the collaborator filter.
            let following = Set(rows.compactMap { cell($0, "collaborators") }.flatMap { $0.split(separator: " ").map(String.init) })
            let candidates = records.compactMap { $0 as? CollaboratorRecord }.filter {
                $0.active && following.contains($0.id) && !$0.roles.contains(.admin) && !$0.roles.contains(.collectionManager)
            }
            let agent = try #require(candidates.first { $0.roles.contains(.agent) } ?? candidates.first)
            let asAgent = try await cluster.page(TableRequest(pageSize: 1_000), user: agent.id)
            let filtered = try await cluster.page(TableRequest(filter: ClientFilterMessage(collaborators: [agent.id]), pageSize: 1_000))
            #expect(asAgent.rows == filtered.rows && !asAgent.rows.isEmpty && asAgent.rows.count < rows.count)
            #expect(asAgent.rows.allSatisfy { cell($0, "collaborators")?.split(separator: " ").contains(Substring(agent.id)) == true })
            let stranger = await #expect(throws: RPCError.self) { _ = try await cluster.page(TableRequest(), user: "nobody") }
            #expect(stranger?.code == .permissionDenied)

            // CSV export: the header and every row of the pages, same order, whole lines.
            let sort = [SortKeyMessage(column: "client")]
            let sortedPages = try await cluster.allPages(TableRequest(sort: sort, pageSize: 9))
            let chunks = try await cluster.export(TableRequest(sort: sort, watermark: sortedPages[0].watermark))
            #expect(chunks.allSatisfy { $0.hasSuffix("\r\n") })
            let expected = CSVWriter.line(columns) + sortedPages.flatMap(\.rows).map { CSVWriter.line($0.cells) }.joined()
            #expect(chunks.joined() == expected)

            // A new ingestion moves the rollups: the pinned export and the old cursor are refused.
            let client = try #require(clients.first { !$0.deactivated })
            try await cluster.ingest([
                InstallmentRecord(
                    id: "NEW-1",
                    client: client.id,
                    invoiceID: "NEW-1",
                    invoiceDate: day(Self.today),
                    dueDate: day("2025-07-20"),
                    amount: 123_456,
                    amountHT: 102_880
                )
            ])
            try await cluster.waitUntilPublished(timeout: .seconds(300))
            let refused = await #expect(throws: RPCError.self) {
                _ = try await cluster.export(TableRequest(sort: sort, watermark: sortedPages[0].watermark))
            }
            #expect(refused?.code == .failedPrecondition)
            let staleCursor = await #expect(throws: RPCError.self) {
                _ = try await cluster.page(TableRequest(sort: sort, pageSize: 9, cursor: sortedPages[0].nextCursor))
            }
            #expect(staleCursor?.code == .failedPrecondition)
            let moved = try await cluster.page(TableRequest(search: client.id, verify: true))
            #expect(moved.watermark > sortedPages[0].watermark && moved.verification?.equal == true)
            let before = sortedPages.flatMap(\.rows).first { $0.key == client.id }
            let after = moved.rows.first { $0.key == client.id }
            #expect(after != nil && after.flatMap { cell($0, "not_due_cents") } != before.flatMap { cell($0, "not_due_cents") })
        }
    }
}
