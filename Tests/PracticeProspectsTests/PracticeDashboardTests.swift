import Foundation
import PilotageProtocol
import RPCCore
import Testing
import Wire
import ProcessTestSupport

/// `pilotage.dashboard.Practice` over a real gateway and worker: a generated demo firm is
/// published by the worker, then every answer is checked against its verification-mode
/// recomputation from raw facts, and the filters and visibility against the generated records.
@Suite("Practice dashboard")
struct PracticeDashboardTests {
    static let today = "2025-06-30"

    /// The generated firm, its records by kind.
    struct Firm {
        var records: [any IngestibleRecord]
        var clients: [ClientRecord] { self.records.compactMap { $0 as? ClientRecord } }
        var documents: [DocumentRecord] { self.records.compactMap { $0 as? DocumentRecord } }
        var collaborators: [CollaboratorRecord] { self.records.compactMap { $0 as? CollaboratorRecord } }
    }

    static func value(_ reply: PracticeSummaryReply, _ kpi: String) throws -> DashboardValue {
        let series = try #require(reply.summary.series.first { $0.kpi == kpi })
        return try #require(series.current)
    }

    static func count(_ value: DashboardValue) -> Int64? {
        value.exact.flatMap { Int64($0) }
    }

    static func expectVerified(_ verification: DashboardVerification?, _ label: String) {
        #expect(verification?.equal == true, "\(label): \(verification?.differences.prefix(3).map { "\($0.kpi) \($0.date?.description ?? "") \($0.rollup?.text ?? "-") vs \($0.reference?.text ?? "-")" } ?? ["no verification"])")
    }

    @Test("levels 1 and 2 equal their raw-facts recomputation; filters, period and visibility change the answer as §7 says")
    func practice() async throws {
        let firm = Firm(records: try DemoFirm.records(today: Self.today, clients: 16, documents: 1_000, installments: 30, deals: 10))
        try await Cluster.with(today: Self.today) { cluster in
            try await cluster.ingest(firm.records)
            _ = try await cluster.startWorker(id: "w1", concurrency: 2)
            try await cluster.waitUntilPublished()
            let active = firm.clients.filter { !$0.deactivated }

            // Level 1, whole firm, with verification and explain.
            let all = try await cluster.practice(PracticeSummaryRequest(verify: true, explain: true))
            Self.expectVerified(all.verification, "level 1")
            #expect(all.clients == active.count)
            #expect(all.asOf == day(Self.today) && all.to == day(Self.today) && all.from == day("2025-04-02"))
            #expect(all.definitions.hasPrefix("kpi-definitions"))
            #expect(all.thresholds.inactivityDays == 30)
            let series = try #require(all.summary.series.first { $0.kpi == "PR-TODO" })
            #expect(series.history.count == 30 && series.history.first?.date == day("2025-06-01"))
            // PR-SENT over the default 90 days, counted here from the generated documents.
            let activeIDs = Set(active.map(\.id))
            let period = day("2025-04-02")...day(Self.today)
            let sent = firm.documents.filter { activeIDs.contains($0.client) && period.contains($0.receivedOn) }
            #expect(try Self.count(Self.value(all, "PR-SENT")) == Int64(sent.count))
            #expect(sent.count > 0)
            for channel in DocumentChannel.allCases {
                let row = try #require(all.summary.channels.first { $0.channel == channel.rawValue })
                #expect(Self.count(row.count) == Int64(sent.filter { $0.channel == channel }.count), "\(channel)")
            }
            // Explain: the parts behind the values at D.
            let parts = try #require(all.parts)
            let toReview = try #require(parts.snapshot.first { $0.name == "TO_REVIEW" })
            #expect(try Self.value(all, "PR-TODO-REVIEW").exact == toReview.value)
            #expect(parts.flow.first { $0.name == "RECEIVED" }?.value == "\(sent.count)")
            // Per collaborator: each collaborator's clients, a shared client under each.
            let breakdown = all.summary.byCollaborator
            #expect(!breakdown.isEmpty)
            let assigned = Set(active.flatMap(\.assignedCollaborators))
            #expect(assigned.count <= 10 && Set(breakdown.map(\.collaborator)) == assigned)
            #expect(all.summary.collaboratorsTotal == assigned.count)
            // breakdown_limit: the collaborators with the most clients (ties: the smaller id),
            // with the values of the full breakdown, still verified; 0 leaves them out.
            let clientsOf = Dictionary(assigned.map { collaborator in (collaborator, active.filter { $0.assignedCollaborators.contains(collaborator) }.count) }, uniquingKeysWith: +)
            let largest = assigned.sorted { (clientsOf[$0] ?? 0, $1) > (clientsOf[$1] ?? 0, $0) }.prefix(2)
            let limited = try await cluster.practice(PracticeSummaryRequest(verify: true, breakdownLimit: 2))
            Self.expectVerified(limited.verification, "breakdown_limit 2")
            #expect(limited.summary.byCollaborator.map(\.collaborator) == largest.sorted())
            #expect(limited.summary.byCollaborator.allSatisfy { line in breakdown.contains(line) })
            #expect(limited.summary.collaboratorsTotal == assigned.count && limited.summary.series == all.summary.series)
            let none = try await cluster.practice(PracticeSummaryRequest(breakdownLimit: 0))
            #expect(none.summary.byCollaborator.isEmpty && none.summary.collaboratorsTotal == assigned.count)
            for wrong in [-1, 10_001] {
                do {
                    _ = try await cluster.practice(PracticeSummaryRequest(breakdownLimit: wrong))
                    Issue.record("breakdown_limit \(wrong) accepted")
                } catch let error as RPCError {
                    #expect(error.code == .invalidArgument && error.message.contains("breakdown_limit"))
                }
            }

            // Deactivated clients included.
            let withDeactivated = try await cluster.practice(
                PracticeSummaryRequest(filter: ClientFilterMessage(includeDeactivated: true), verify: true)
            )
            Self.expectVerified(withDeactivated.verification, "include_deactivated")
            #expect(withDeactivated.clients == firm.clients.count)
            let allIDs = Set(firm.clients.map(\.id))
            let sentAll = firm.documents.filter { allIDs.contains($0.client) && period.contains($0.receivedOn) }
            #expect(try Self.count(Self.value(withDeactivated, "PR-SENT")) == Int64(sentAll.count))

            // Each filter selects the clients the definitions say, and stays verified.
            let collaborator = try #require(assigned.sorted().first)
            let office = try #require(active.compactMap(\.office).sorted().first)
            let filters: [(String, ClientFilterMessage, [ClientRecord])] = [
                ("collaborator", ClientFilterMessage(collaborators: [collaborator]), active.filter { $0.assignedCollaborators.contains(collaborator) }),
                ("office", ClientFilterMessage(offices: [office]), active.filter { $0.office == office }),
                ("mode", ClientFilterMessage(bookkeepingMode: .client), active.filter { $0.bookkeepingMode == .client }),
                ("frequency", ClientFilterMessage(frequency: .quarterly), active.filter { $0.frequency == .quarterly }),
                ("monthly", ClientFilterMessage(frequency: .monthly), active.filter { ($0.frequency ?? .monthly) == .monthly }),
            ]
            for (label, filter, expected) in filters {
                let reply = try await cluster.practice(PracticeSummaryRequest(filter: filter, verify: true))
                Self.expectVerified(reply.verification, label)
                #expect(reply.clients == expected.count, "\(label)")
                let ids = Set(expected.map(\.id))
                let documents = firm.documents.filter { ids.contains($0.client) && period.contains($0.receivedOn) }
                #expect(try Self.count(Self.value(reply, "PR-SENT")) == Int64(documents.count), "\(label)")
            }
            // Two collaborators: a client of both counts once.
            let pair = Array(assigned.sorted().prefix(2))
            let union = active.filter { !Set($0.assignedCollaborators).isDisjoint(with: pair) }
            let both = try await cluster.practice(PracticeSummaryRequest(filter: ClientFilterMessage(collaborators: pair), verify: true))
            Self.expectVerified(both.verification, "two collaborators")
            #expect(both.clients == union.count)

            // An explicit period: D is its end, flows cover exactly it.
            let explicit = try await cluster.practice(PracticeSummaryRequest(from: day("2025-01-01"), to: day("2025-03-31"), verify: true))
            Self.expectVerified(explicit.verification, "period")
            #expect(explicit.asOf == day("2025-03-31"))
            let quarter = day("2025-01-01")...day("2025-03-31")
            #expect(
                try Self.count(Self.value(explicit, "PR-SENT"))
                    == Int64(firm.documents.filter { activeIDs.contains($0.client) && quarter.contains($0.receivedOn) }.count)
            )

            // Visibility: ADMIN sees the firm, an account manager their own clients, a stranger nothing.
            let admin = try #require(firm.collaborators.first { $0.roles.contains(.admin) && $0.active })
            let asAdmin = try await cluster.practice(user: admin.id)
            #expect(asAdmin.clients == active.count)
            #expect(asAdmin.summary == all.summary)
            let manager = try #require(
                firm.collaborators.first { collaborator in
                    collaborator.active && collaborator.roles == [.accountManager]
                        && active.contains { $0.assignedCollaborators.contains(collaborator.id) }
                }
            )
            let own = active.filter { $0.assignedCollaborators.contains(manager.id) }
            let asManager = try await cluster.practice(PracticeSummaryRequest(verify: true), user: manager.id)
            Self.expectVerified(asManager.verification, "own clients")
            #expect(asManager.clients == own.count && own.count < active.count)
            // Asking for another collaborator's clients gives nothing beyond their own.
            let other = try #require(assigned.first { $0 != manager.id })
            let narrowed = try await cluster.practice(
                PracticeSummaryRequest(filter: ClientFilterMessage(collaborators: [other])),
                user: manager.id
            )
            #expect(narrowed.clients == 0)
            await #expect(throws: RPCError.self) { try await cluster.practice(user: "nobody") }
            do {
                _ = try await cluster.practice(user: "nobody")
            } catch let error as RPCError {
                #expect(error.code == .permissionDenied)
            }

            // Level 2: the default (12 months, monthly) and other periodicities, all verified.
            let monthly = try await cluster.practiceSeries(SeriesRequest(verify: true))
            Self.expectVerified(monthly.verification, "monthly series")
            #expect(monthly.periodicity == .month && monthly.from == day("2024-07-01") && monthly.to == day(Self.today))
            #expect(monthly.series.count == 14 && monthly.series.allSatisfy { $0.points.count == 12 })
            // The June flow point equals the June PR-SENT counted from the documents.
            let june = day("2025-06-01")...day(Self.today)
            let sentSeries = try #require(monthly.series.first { $0.kpi == "PR-SENT" })
            #expect(sentSeries.points.last?.value.exact == "\(firm.documents.filter { activeIDs.contains($0.client) && june.contains($0.receivedOn) }.count)")
            for periodicity in [Periodicity.day, .week, .quarter] {
                let reply = try await cluster.practiceSeries(
                    SeriesRequest(kpis: ["PR-TODO", "PR-SENT", "PR-PROCESSED-MEDIAN", "PR-REGULARITY"], periodicity: periodicity, from: day("2025-03-20"), explain: true, verify: true)
                )
                Self.expectVerified(reply.verification, periodicity.rawValue)
                #expect(reply.series.map(\.kpi) == ["PR-TODO", "PR-SENT", "PR-PROCESSED-MEDIAN", "PR-REGULARITY"])
                #expect(reply.series.allSatisfy { $0.points.allSatisfy { $0.parts?.isEmpty == false } })
            }
            // Before the firm's first data (2024-01-01) no group has rows, yet its clients count:
            // expected regularity periods, every active client inactive.
            let early = try await cluster.practiceSeries(
                SeriesRequest(kpis: ["PR-REGULARITY", "PR-INACTIVE", "PR-TODO"], from: day("2023-10-01"), to: day("2024-03-31"), verify: true)
            )
            Self.expectVerified(early.verification, "before the first data")
            #expect(early.series.first { $0.kpi == "PR-INACTIVE" }?.points.first?.value.exact == "\(active.count)")
            #expect(early.series.first { $0.kpi == "PR-REGULARITY" }?.points.first?.value.exact == "0")
            let filtered = try await cluster.practiceSeries(SeriesRequest(filter: ClientFilterMessage(offices: [office]), verify: true))
            Self.expectVerified(filtered.verification, "filtered series")

            // Errors: unknown KPI, too many points, a date after today.
            do {
                _ = try await cluster.practiceSeries(SeriesRequest(kpis: ["PR-NOPE"]))
                Issue.record("unknown KPI accepted")
            } catch let error as RPCError {
                #expect(error.code == .invalidArgument && error.message.contains("PR-TODO"))
            }
            do {
                _ = try await cluster.practiceSeries(SeriesRequest(periodicity: .day, from: day("2023-01-01")))
                Issue.record("900 points accepted")
            } catch let error as RPCError {
                #expect(error.code == .resourceExhausted)
            }
            do {
                _ = try await cluster.practice(PracticeSummaryRequest(asOf: day("2025-07-01")))
                Issue.record("a date after today accepted")
            } catch let error as RPCError {
                #expect(error.code == .invalidArgument)
            }
        }
    }
}
