import Dashboards
import Foundation
import PilotageProtocol
import RPCCore
import Testing
import Wire
import ProcessTestSupport

/// `pilotage.dashboard.Prospects` over a real gateway and worker: a worked example computed by
/// hand (figures, N vs N−1 at the same day, visibility per role), and a generated demo firm
/// whose every answer equals its verification-mode recomputation, with the deals table's sort,
/// search, cursor paging and CSV export.
@Suite("Prospects dashboard")
struct ProspectsDashboardTests {
    static let today = "2025-06-30"

    static func figure(_ figures: ProspectsFiguresMessage, _ name: String) -> String? {
        figures.figures.first { $0.name == name }?.value.exact
    }

    static func expectVerified(_ verification: DashboardVerification?, _ label: String) {
        #expect(verification?.equal == true, "\(label): \(verification?.differences.prefix(3).map { "\($0.kpi) \($0.rollup?.text ?? "-") vs \($0.reference?.text ?? "-")" } ?? ["no verification"])")
    }

    /// The worked example (fiscal year = calendar year, D = 2025-06-30). Units: REG-N → AG-1 →
    /// OFF-A, REG-S → OFF-B. alice (OFFER_VALIDATOR) and bob are in group G1, carol and dave
    /// (OFFER_VALIDATOR) in G2.
    ///
    /// FY2025 deals, statuses at D:
    /// - D1 (alice, bob; OFF-A): O1 sent 02-01, signed 03-15, 1,000 € + 200 € → signed; won in March (1,200 €).
    /// - D2 (bob; OFF-A): O2 sent 05-01, 500 € → open offer; O3 only drafted → nothing.
    /// - D3 (carol; OFF-B): no offer, open → no document.
    /// - D4 (carol, dave; OFF-B): O4 sent 02-10, refused 03-01, 300 €; deal abandoned 04-01.
    /// - D5 (alice; OFF-A): O5 sent 04-01, signed 06-20, 800 €; O6 sent 04-02, refused 04-15, 900 €
    ///   → won in June (800 €: the fees of its signed offers).
    ///
    /// Whole firm: PP-NODOC 1 (D3); PP-OPEN 1, PP-POTENTIAL 50,000 c (O2); PP-SIGNED 2 (O1, O5),
    /// PP-BUDGET recurring 180,000 c + exceptional 20,000 c = 200,000 c; PP-REFUSED 2 (O4, O6);
    /// PP-ABANDONED 1 (D4); PP-WON-MONTHLY March 1 / 120,000 c, June 1 / 80,000 c.
    ///
    /// FY2024 as of 2024-06-30 (N−1 at the same day): E1 (bob; OFF-A) P1 sent 2024-03-01, signed
    /// 2024-05-10, 400 € + 100 € → PP-SIGNED 1, budget 40,000 + 10,000 c, won in May 2024 (50,000 c);
    /// E2 (carol; OFF-B) P2 sent only on 2024-07-15 → at 2024-06-30 an open deal without
    /// document: PP-NODOC 1.
    static var workedExample: [any IngestibleRecord] {
        func date(_ text: String) -> CalendarDate { day(text) }
        return [
            OrganisationUnitRecord(id: "REG-N", name: "Nord", kind: .region),
            OrganisationUnitRecord(id: "AG-1", name: "Lille", kind: .agency, parent: "REG-N"),
            OrganisationUnitRecord(id: "OFF-A", name: "Lille centre", kind: .office, parent: "AG-1"),
            OrganisationUnitRecord(id: "REG-S", name: "Sud", kind: .region),
            OrganisationUnitRecord(id: "OFF-B", name: "Nice", kind: .office, parent: "REG-S"),
            CollaboratorRecord(id: "alice", name: "Alice", office: "OFF-A", roles: [.offerValidator], confidentialityGroup: "G1"),
            CollaboratorRecord(id: "bob", name: "Bob", office: "OFF-A", roles: [.accountManager], confidentialityGroup: "G1"),
            CollaboratorRecord(id: "carol", name: "Carol", office: "OFF-B", roles: [.accountManager], confidentialityGroup: "G2"),
            CollaboratorRecord(id: "dave", name: "Dave", office: "OFF-B", roles: [.offerValidator], confidentialityGroup: "G2"),
            CollaboratorRecord(id: "root", name: "Admin", office: "OFF-A", roles: [.admin], confidentialityGroup: "G1"),
            DealRecord(id: "D1", prospectName: "Alpha", organisationUnit: "OFF-A", fiscalYear: 2025,
                       team: DealTeam(partner: "alice", manager: "bob"), statusHistory: [DealStatusChange(status: .open, on: date("2025-01-10"))]),
            DealRecord(id: "D2", prospectName: "Beta", organisationUnit: "OFF-A", fiscalYear: 2025,
                       team: DealTeam(manager: "bob"), statusHistory: [DealStatusChange(status: .open, on: date("2025-04-20"))]),
            DealRecord(id: "D3", prospectName: "Gamma", organisationUnit: "OFF-B", fiscalYear: 2025,
                       team: DealTeam(clientLead: "carol"), statusHistory: [DealStatusChange(status: .open, on: date("2025-05-05"))]),
            DealRecord(id: "D4", prospectName: "Delta", organisationUnit: "OFF-B", fiscalYear: 2025,
                       team: DealTeam(partner: "dave", manager: "carol"),
                       statusHistory: [DealStatusChange(status: .open, on: date("2025-02-01")), DealStatusChange(status: .abandoned, on: date("2025-04-01"))]),
            DealRecord(id: "D5", prospectName: "Epsilon", organisationUnit: "OFF-A", fiscalYear: 2025,
                       team: DealTeam(partner: "alice"), statusHistory: [DealStatusChange(status: .open, on: date("2025-03-20"))]),
            DealRecord(id: "E1", prospectName: "Zeta", organisationUnit: "OFF-A", fiscalYear: 2024,
                       team: DealTeam(manager: "bob"), statusHistory: [DealStatusChange(status: .open, on: date("2024-02-01"))]),
            DealRecord(id: "E2", prospectName: "Eta", organisationUnit: "OFF-B", fiscalYear: 2024,
                       team: DealTeam(manager: "carol"), statusHistory: [DealStatusChange(status: .open, on: date("2024-06-01"))]),
            OfferDocumentRecord(id: "O1", deal: "D1", type: "LDM", template: "standard",
                                statusHistory: [OfferStatusChange(status: .sent, on: date("2025-02-01")), OfferStatusChange(status: .signed, on: date("2025-03-15"))],
                                signatory: "M. Alpha", feesRecurringHT: eur(1_000), feesExceptionalHT: eur(200)),
            OfferDocumentRecord(id: "O2", deal: "D2", type: "LDM",
                                statusHistory: [OfferStatusChange(status: .sent, on: date("2025-05-01"))], feesRecurringHT: eur(500)),
            OfferDocumentRecord(id: "O3", deal: "D2", type: "PROPOSAL",
                                statusHistory: [OfferStatusChange(status: .draft, on: date("2025-06-01"))], feesRecurringHT: eur(700)),
            OfferDocumentRecord(id: "O4", deal: "D4", type: "LDM",
                                statusHistory: [OfferStatusChange(status: .sent, on: date("2025-02-10")), OfferStatusChange(status: .refused, on: date("2025-03-01"))],
                                feesRecurringHT: eur(300)),
            OfferDocumentRecord(id: "O5", deal: "D5", type: "LDM",
                                statusHistory: [OfferStatusChange(status: .sent, on: date("2025-04-01")), OfferStatusChange(status: .signed, on: date("2025-06-20"))],
                                feesRecurringHT: eur(800)),
            OfferDocumentRecord(id: "O6", deal: "D5", type: "PROPOSAL",
                                statusHistory: [OfferStatusChange(status: .sent, on: date("2025-04-02")), OfferStatusChange(status: .refused, on: date("2025-04-15"))],
                                feesRecurringHT: eur(900)),
            OfferDocumentRecord(id: "P1", deal: "E1", type: "LDM",
                                statusHistory: [OfferStatusChange(status: .sent, on: date("2024-03-01")), OfferStatusChange(status: .signed, on: date("2024-05-10"))],
                                feesRecurringHT: eur(400), feesExceptionalHT: eur(100)),
            OfferDocumentRecord(id: "P2", deal: "E2", type: "LDM",
                                statusHistory: [OfferStatusChange(status: .sent, on: date("2024-07-15")), OfferStatusChange(status: .signed, on: date("2024-08-01"))],
                                feesRecurringHT: eur(700)),
        ]
    }

    @Test("worked example: figures, N vs N−1 at the same day, series, visibility per role, deals table")
    func workedExample() async throws {
        try await Cluster.with(today: Self.today) { cluster in
            try await cluster.ingest(Self.workedExample)
            let worker = try await cluster.startWorker(id: "w1")
            try await cluster.waitUntilPublished()

            let firm = try await cluster.prospects(ProspectsSummaryRequest(verify: true, explain: true))
            Self.expectVerified(firm.verification, "whole firm")
            let n = firm.current
            #expect(n.fiscalYear == 2025 && n.asOf == day(Self.today) && n.deals == 5)
            let expected: [(String, String)] = [
                ("PP-NODOC", "1"), ("PP-OPEN", "1"), ("PP-POTENTIAL", "50000"), ("PP-SIGNED", "2"),
                ("PP-BUDGET", "200000"), ("PP-BUDGET-RECURRING", "180000"), ("PP-BUDGET-EXCEPTIONAL", "20000"),
                ("PP-REFUSED", "2"), ("PP-ABANDONED", "1"), ("PP-WON", "2"), ("PP-WON-FEES", "200000"),
            ]
            for (name, value) in expected {
                #expect(Self.figure(n, name) == value, "\(name)")
            }
            #expect(n.wonByMonth.count == 12)
            let won = n.wonByMonth.filter { $0.prospects.exact != "0" }.map { "\($0.label) \($0.prospects.exact ?? "") \($0.fees.exact ?? "")" }
            #expect(won == ["2025-03 1 120000", "2025-06 1 80000"])
            #expect(firm.parts?.first { $0.name == "DEAL_ROWS" }?.value == "5")

            // N−1 as of the same day of the previous fiscal year.
            let previous = try #require(firm.previous)
            #expect(previous.fiscalYear == 2024 && previous.asOf == day("2024-06-30") && previous.deals == 2)
            #expect(Self.figure(previous, "PP-NODOC") == "1")
            #expect(Self.figure(previous, "PP-SIGNED") == "1")
            #expect(Self.figure(previous, "PP-BUDGET") == "50000")
            #expect(previous.wonByMonth.first { $0.label == "2024-05" }?.fees.exact == "50000")
            // FY2024 asked directly: as of today, E2 is signed too; no N−2.
            let fy2024 = try await cluster.prospects(ProspectsSummaryRequest(fiscalYear: 2024, verify: true))
            Self.expectVerified(fy2024.verification, "FY2024")
            #expect(Self.figure(fy2024.current, "PP-SIGNED") == "2" && Self.figure(fy2024.current, "PP-NODOC") == "0")
            #expect(fy2024.previous == nil && fy2024.previousUnavailable != nil)
            await Self.expectCode(.invalidArgument) { _ = try await cluster.prospects(ProspectsSummaryRequest(fiscalYear: 2022)) }

            // Visibility per role.
            let bob = try await cluster.prospects(ProspectsSummaryRequest(verify: true), user: "bob")
            Self.expectVerified(bob.verification, "bob")
            #expect(bob.current.deals == 2 && Self.figure(bob.current, "PP-OPEN") == "1" && Self.figure(bob.current, "PP-SIGNED") == "1")
            #expect(Self.figure(bob.current, "PP-BUDGET") == "120000" && Self.figure(bob.current, "PP-NODOC") == "0")
            #expect(bob.previous?.deals == 1 && bob.previous.flatMap { Self.figure($0, "PP-SIGNED") } == "1")
            let carol = try await cluster.prospects(ProspectsSummaryRequest(verify: true), user: "carol")
            #expect(carol.current.deals == 2 && Self.figure(carol.current, "PP-NODOC") == "1" && Self.figure(carol.current, "PP-ABANDONED") == "1")
            // Only offer validators filter, and only within their confidentiality group.
            await Self.expectCode(.permissionDenied) { _ = try await cluster.prospects(ProspectsSummaryRequest(units: ["REG-N"]), user: "carol") }
            await Self.expectCode(.permissionDenied) { _ = try await cluster.prospects(user: "mallory") }
            let north = try await cluster.prospects(ProspectsSummaryRequest(units: ["REG-N"], verify: true), user: "alice")
            Self.expectVerified(north.verification, "alice REG-N")
            #expect(north.current.deals == 3 && Self.figure(north.current, "PP-SIGNED") == "2" && Self.figure(north.current, "PP-REFUSED") == "1")
            let southForAlice = try await cluster.prospects(ProspectsSummaryRequest(units: ["REG-S"], verify: true), user: "alice")
            #expect(southForAlice.current.deals == 0)
            let carolForDave = try await cluster.prospects(ProspectsSummaryRequest(collaborators: ["carol"], verify: true), user: "dave")
            Self.expectVerified(carolForDave.verification, "dave carol")
            #expect(carolForDave.current.deals == 2)
            let agency = try await cluster.prospects(ProspectsSummaryRequest(units: ["AG-1"], verify: true))
            Self.expectVerified(agency.verification, "back-office AG-1")
            #expect(agency.current.deals == 3)
            let admin = try await cluster.prospects(user: "root")
            #expect(admin.current.deals == 0, "ADMIN is on no deal team: §9 has no firm-wide role")

            // Level 2: won per month up to June; open/signed at D only.
            let series = try await cluster.prospectsSeries(SeriesRequest(verify: true))
            Self.expectVerified(series.verification, "series")
            let wonSeries = try #require(series.series.first { $0.kpi == "PP-WON-MONTHLY" })
            #expect(wonSeries.points.map(\.label) == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"])
            #expect(wonSeries.points.map { $0.value.exact ?? "" } == ["0", "0", "1", "0", "0", "1"])
            let open = try #require(series.series.first { $0.kpi == "PP-OPEN" })
            #expect(open.points.count == 1 && open.points.first?.end == day(Self.today) && open.points.first?.value.exact == "1")
            await Self.expectCode(.invalidArgument) { _ = try await cluster.prospectsSeries(SeriesRequest(periodicity: .week)) }
            await Self.expectCode(.invalidArgument) { _ = try await cluster.prospectsSeries(SeriesRequest(kpis: ["PP-NOPE"])) }

            // Level 3: the deals table.
            let table = try await cluster.deals(TableRequest(sort: [SortKeyMessage(column: "signed_cents", descending: true)]))
            #expect(table.rows.map(\.key) == ["D1", "D5", "D2", "D3", "D4"])
            let status = try #require(table.columns.firstIndex { $0.name == "status" })
            #expect(table.rows.map { $0.cells[status] ?? "" } == ["SIGNED", "SIGNED", "OFFER_SENT", "NO_DOCUMENT", "ABANDONED"])
            let bobTable = try await cluster.deals(user: "bob")
            #expect(bobTable.rows.map(\.key) == ["D1", "D2"])
            let prospect = try #require(table.columns.firstIndex { $0.name == "prospect" })
            let signatory = try #require(table.columns.firstIndex { $0.name == "signatory" })
            #expect(table.rows.first?.cells[prospect] == "Alpha" && table.rows.first?.cells[signatory] == "M. Alpha")
            #expect(bobTable.rows.last?.cells[signatory] == .some(nil), "D2 has no signed offer; its latest (O3) has no signatory")

            // The documents view: every offer of the visible deals, with its status and dates at D.
            let documents = try await cluster.deals(TableRequest(view: "documents"))
            #expect(documents.rows.map(\.key) == ["O1", "O2", "O3", "O4", "O5", "O6"])
            func cell(_ reply: TableReply, _ row: String, _ column: String) -> String? {
                guard let index = reply.columns.firstIndex(where: { $0.name == column }),
                    let found = reply.rows.first(where: { $0.key == row })
                else { return nil }
                return found.cells[index]
            }
            #expect(cell(documents, "O1", "status") == "SIGNED" && cell(documents, "O1", "sent_on") == "2025-02-01")
            #expect(cell(documents, "O1", "signed_on") == "2025-03-15" && cell(documents, "O1", "fees_cents") == "120000")
            #expect(cell(documents, "O3", "status") == "DRAFT" && cell(documents, "O3", "prospect") == "Beta")
            let bobDocuments = try await cluster.deals(TableRequest(view: "documents", search: "ldm"), user: "bob")
            #expect(bobDocuments.rows.map(\.key) == ["O1", "O2"])
            let older = try await cluster.deals(TableRequest(view: "documents", fiscalYear: 2024))
            #expect(older.rows.map(\.key) == ["P1", "P2"] && cell(older, "P2", "status") == "SIGNED")
            let csv = try await cluster.exportDeals(TableRequest(view: "documents", sort: [SortKeyMessage(column: "fees_cents", descending: true)], watermark: documents.watermark))
            let lines = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.count == 7 && lines.first?.hasPrefix("offer,type,template,deal,prospect,status") == true)
            #expect(lines.dropFirst().map { String($0.prefix(2)) } == ["O1", "O6", "O5", "O3", "O2", "O4"])

            // Rollups only: with the worker gone, a new offer is not in the answer (the freshness
            // says so), verification sees it in the raw facts, and max_staleness refuses.
            try await worker.stop(signal: SIGKILL)
            try await cluster.ingest([
                OfferDocumentRecord(id: "O7", deal: "D3", type: "LDM", statusHistory: [OfferStatusChange(status: .sent, on: day("2025-06-25"))], feesRecurringHT: eur(100))
            ])
            let stale = try await cluster.prospects(ProspectsSummaryRequest(verify: true))
            #expect(stale.freshness.pendingPartitions > 0)
            #expect(Self.figure(stale.current, "PP-OPEN") == "1" && Self.figure(stale.current, "PP-NODOC") == "1")
            let differences = stale.verification?.differences.map(\.kpi) ?? []
            #expect(differences.contains("N PP-OPEN") && differences.contains("N PP-NODOC") && differences.contains("N PP-POTENTIAL"))
            await Self.expectCode(.failedPrecondition) { _ = try await cluster.prospects(ProspectsSummaryRequest(maxStalenessSeconds: 0)) }
            await Self.expectCode(.failedPrecondition) { _ = try await cluster.practice(PracticeSummaryRequest(maxStalenessSeconds: 0)) }
        }
    }

    @Test("generated firm: every answer equals its recomputation; deal table sort, search, paging and CSV export")
    func generatedFirm() async throws {
        let records = try DemoFirm.records(today: Self.today, clients: 4, documents: 40, installments: 20, deals: 120)
        let deals = records.compactMap { $0 as? DealRecord }
        let collaborators = records.compactMap { $0 as? CollaboratorRecord }
        try await Cluster.with(today: Self.today) { cluster in
            try await cluster.ingest(records)
            _ = try await cluster.startWorker(id: "w1")
            try await cluster.waitUntilPublished()

            let firm = try await cluster.prospects(ProspectsSummaryRequest(verify: true))
            Self.expectVerified(firm.verification, "firm")
            #expect(firm.current.deals == deals.filter { $0.fiscalYear == 2025 }.count)
            #expect(firm.previous?.deals == deals.filter { $0.fiscalYear == 2024 }.count)
            let fy2024 = try await cluster.prospects(ProspectsSummaryRequest(fiscalYear: 2024, verify: true))
            Self.expectVerified(fy2024.verification, "FY2024")

            // Team members and validators with filters, all verified.
            let member = try #require(collaborators.first { person in deals.contains { [$0.team.partner, $0.team.manager, $0.team.clientLead].contains(person.id) } })
            let asMember = try await cluster.prospects(ProspectsSummaryRequest(verify: true), user: member.id)
            Self.expectVerified(asMember.verification, "member")
            let memberDeals = deals.filter { $0.fiscalYear == 2025 && [$0.team.partner, $0.team.manager, $0.team.clientLead].contains(member.id) }
            #expect(asMember.current.deals == memberDeals.count)
            let validator = try #require(collaborators.first { $0.roles.contains(.offerValidator) && $0.active })
            let unit = try #require(deals.compactMap(\.organisationUnit).first)
            for request in [
                ProspectsSummaryRequest(units: [unit], verify: true),
                ProspectsSummaryRequest(collaborators: [member.id], verify: true),
                ProspectsSummaryRequest(fiscalYear: 2024, units: [unit], verify: true),
            ] {
                let reply = try await cluster.prospects(request, user: validator.id)
                Self.expectVerified(reply.verification, "validator \(request.units ?? []) \(request.collaborators ?? [])")
                let backOffice = try await cluster.prospects(request)
                Self.expectVerified(backOffice.verification, "back-office \(request.units ?? []) \(request.collaborators ?? [])")
                #expect(reply.current.deals <= backOffice.current.deals)
            }
            let series = try await cluster.prospectsSeries(SeriesRequest(explain: true, verify: true))
            Self.expectVerified(series.verification, "series")
            let memberSeries = try await cluster.prospectsSeries(SeriesRequest(fiscalYear: 2024, verify: true), user: member.id)
            Self.expectVerified(memberSeries.verification, "member series")
            #expect(memberSeries.series.first { $0.kpi == "PP-WON-MONTHLY" }?.points.count == 12)

            // Deals table: total order, search, cursor paging equal to one big page, CSV export.
            let sort = [SortKeyMessage(column: "potential_cents", descending: true), SortKeyMessage(column: "unit")]
            let whole = try await cluster.deals(TableRequest(sort: sort, pageSize: 1_000))
            #expect(whole.totalRows == firm.current.deals && whole.nextCursor == nil)
            let potential = try #require(whole.columns.firstIndex { $0.name == "potential_cents" })
            let amounts = whole.rows.map { Int64($0.cells[potential] ?? "") ?? -1 }
            #expect(amounts == amounts.sorted(by: >))
            var paged: [TableRowMessage] = []
            var cursor: String?
            for _ in 0..<100 {
                let page = try await cluster.deals(TableRequest(sort: sort, pageSize: 7, cursor: cursor))
                paged += page.rows
                cursor = page.nextCursor
                if cursor == nil { break }
            }
            #expect(paged == whole.rows)
            let needle = try #require(whole.rows.first).key
            let found = try await cluster.deals(TableRequest(search: needle.lowercased()))
            #expect(found.rows.map(\.key).contains(needle) && found.totalRows < whole.totalRows)
            let csv = try await cluster.exportDeals(TableRequest(sort: sort, watermark: whole.watermark))
            let lines = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.first == whole.columns.map(\.name).joined(separator: ","))
            #expect(lines.count == whole.rows.count + 1)
            #expect(csv == CSVWriter.line(whole.columns.map(\.name)) + whole.rows.map { CSVWriter.line($0.cells) }.joined())
            await Self.expectCode(.failedPrecondition) { _ = try await cluster.exportDeals(TableRequest(watermark: whole.watermark + 1)) }
            await Self.expectCode(.invalidArgument) { _ = try await cluster.deals(TableRequest(view: "nope")) }
        }
    }

    static func expectCode(_ code: RPCError.Code, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("expected \(code)")
        } catch let error as RPCError {
            #expect(error.code == code, "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
