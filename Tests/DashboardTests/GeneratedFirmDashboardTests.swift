import Foundation
import PilotageProtocol
import RPCCore
import Testing
import Wire
import ProcessTestSupport

/// Levels 1 and 2 of the receivables dashboard on one generated firm published by a real
/// worker: every answer equals its raw-facts recomputation (verify), each filter selects what it
/// says, visibility is applied server-side, level-2 defaults and limits.
@Suite("Receivables on a generated firm", .generatedFirm)
struct GeneratedFirmDashboardTests {
    // MARK: - Level 1

    @Test("level 1 and its sections equal raw facts, with and without deactivated clients")
    func level1Verifies() async throws {
        let firm = try GeneratedFirm.require()
        let all = try await firm.cluster.summary(
            ReceivablesSummaryRequest(
                filter: ClientFilterMessage(includeDeactivated: true),
                verify: true,
                breakdownLimit: ReceivablesSummaryRequest.maximumBreakdownLimit
            ),
            user: nil
        )
        #expect(all.verification?.equal == true)
        #expect(all.sectionsVerification?.equal == true, "\(all.sectionsVerification?.differences.prefix(5) ?? [])")
        #expect(all.clients == firm.clients.count)
        let sections = try #require(all.sections)
        #expect(!sections.team.isEmpty && sections.forecast != nil && sections.widget.count == 12)
        #expect(sections.widget.contains { $0.revenueCents != 0 }, "the generated firm has sales")
        for month in sections.widget {
            // ceil(cents / 100 000), toward +∞.
            for (cents, kiloEuros) in [
                (month.revenueCents, month.revenueKiloEuros), (month.expectedCents, month.expectedKiloEuros),
                (month.actualCents, month.actualKiloEuros),
            ] {
                let expected = cents > 0 ? (cents + 99_999) / 100_000 : cents / 100_000
                #expect(kiloEuros == expected, "\(month.month): \(cents) cents")
            }
        }
        #expect(sections.team.allSatisfy { $0.name != $0.collaborator }, "names from the collaborator records")
        #expect(sections.team.count == sections.collaboratorsTotal, "every collaborator line at the maximum limit")
    }

    @Test("breakdown_limit keeps the offices and collaborators with the most clients, and verifies")
    func breakdownLimit() async throws {
        let firm = try GeneratedFirm.require()
        let everyone = ClientFilterMessage(includeDeactivated: true)
        let whole = try #require(
            try await firm.cluster.summary(
                ReceivablesSummaryRequest(filter: everyone, breakdownLimit: ReceivablesSummaryRequest.maximumBreakdownLimit),
                user: nil
            ).sections
        )
        func largest<Line>(_ lines: [Line], _ limit: Int, key: (Line) -> String, clients: (Line) -> Int) -> [String] {
            lines.sorted { (clients($0), key($1)) > (clients($1), key($0)) }.prefix(limit).map(key).sorted()
        }
        let wholeOffices = whole.agedByAxis.filter { $0.axis == "OFFICE" }
        let wholeModes = whole.agedByAxis.filter { $0.axis == "BOOKKEEPING_MODE" }
        #expect(wholeOffices.count == 3 && whole.officesTotal == 3 && whole.collaboratorsTotal == whole.team.count)

        let limited = try await firm.cluster.summary(ReceivablesSummaryRequest(filter: everyone, verify: true, breakdownLimit: 2), user: nil)
        let sections = try #require(limited.sections)
        #expect(limited.sectionsVerification?.equal == true, "\(limited.sectionsVerification?.differences.prefix(5) ?? [])")
        #expect(sections.officesTotal == 3 && sections.collaboratorsTotal == whole.team.count)
        #expect(sections.team.map(\.collaborator) == largest(whole.team, 2, key: \.collaborator, clients: \.clients))
        #expect(sections.team.allSatisfy { member in whole.team.contains(member) }, "the kept lines are unchanged")
        let offices = sections.agedByAxis.filter { $0.axis == "OFFICE" }
        #expect(offices.map(\.key) == largest(wholeOffices, 2, key: \.key, clients: \.clients))
        #expect(offices.allSatisfy { line in wholeOffices.contains(line) })
        #expect(sections.agedByAxis.filter { $0.axis == "BOOKKEEPING_MODE" } == wholeModes, "modes are never limited")
        #expect(sections.agedByAxis.filter { $0.axis == "COLLABORATOR" }.map(\.key) == sections.team.map(\.collaborator))
        #expect(sections.disputes == whole.disputes && sections.widget == whole.widget, "the selection's sections do not depend on the limit")

        let byDefault = try #require(try await firm.cluster.summary(ReceivablesSummaryRequest(filter: everyone), user: nil).sections)
        #expect(byDefault.team.count == min(whole.team.count, ReceivablesSummaryRequest.defaultBreakdownLimit))
        let none = try #require(try await firm.cluster.summary(ReceivablesSummaryRequest(filter: everyone, breakdownLimit: 0), user: nil).sections)
        #expect(none.team.isEmpty && none.agedByAxis == wholeModes && none.collaboratorsTotal == whole.team.count)

        for wrong in [-1, ReceivablesSummaryRequest.maximumBreakdownLimit + 1] {
            let error = await #expect(throws: RPCError.self) {
                _ = try await firm.cluster.summary(ReceivablesSummaryRequest(breakdownLimit: wrong), user: nil)
            }
            #expect(error?.code == .invalidArgument && error?.message.contains("breakdown_limit") == true, "\(wrong)")
        }
    }

    /// A filter of the brief and what it must select.
    enum FilterCase: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case collaborator, office, mode, frequency, deactivated, period
        var testDescription: String { self.rawValue }
    }

    @Test("each filter selects what it says and verifies", arguments: FilterCase.allCases)
    func filter(_ filter: FilterCase) async throws {
        let firm = try GeneratedFirm.require()
        let cluster = firm.cluster
        let everyone = ClientFilterMessage(includeDeactivated: true)
        let all = try await cluster.summary(ReceivablesSummaryRequest(filter: everyone), user: nil)
        let sections = try #require(all.sections)
        func net(_ values: [NamedValue]) -> String? { values.first { $0.name == "NET" || $0.name == "AR-ENC-NET" }?.value.exact }
        switch filter {
        case .collaborator:
            // The filtered total is the collaborator's team line (a shared client counts for each).
            for member in sections.team.prefix(3) {
                var request = ReceivablesSummaryRequest(filter: everyone, verify: true)
                request.filter?.collaborators = [member.collaborator]
                let filtered = try await cluster.summary(request, user: nil)
                #expect(filtered.clients == member.clients && filtered.clients < all.clients)
                #expect(net(filtered.summary.outstanding) == net(member.values))
                #expect(filtered.verification?.equal == true && filtered.sectionsVerification?.equal == true)
            }
        case .office, .mode:
            // The filtered total is the axis line of the whole selection.
            let axis = filter == .office ? "OFFICE" : "BOOKKEEPING_MODE"
            let lines = sections.agedByAxis.filter { $0.axis == axis }
            #expect(lines.count > 1)
            #expect(lines.reduce(0) { $0 + $1.clients } == all.clients, "each client has one \(axis)")
            for line in lines.prefix(3) {
                var request = ReceivablesSummaryRequest(filter: everyone, verify: true)
                if filter == .office { request.filter?.offices = [line.key] } else { request.filter?.bookkeepingMode = BookkeepingMode(rawValue: line.key) }
                let filtered = try await cluster.summary(request, user: nil)
                #expect(filtered.clients == line.clients, "\(line.key)")
                #expect(net(filtered.summary.aged) == net(line.aged), "\(line.key)")
                #expect(filtered.sectionsVerification?.equal == true, "\(line.key)")
            }
        case .frequency:
            // The frequencies partition the clients and their AR.
            var clients = 0
            var total = 0 as Int64
            for frequency in SendingFrequency.allCases {
                var request = ReceivablesSummaryRequest(filter: everyone, verify: true)
                request.filter?.frequency = frequency
                let filtered = try await cluster.summary(request, user: nil)
                #expect(filtered.sectionsVerification?.equal == true, "\(frequency)")
                clients += filtered.clients
                total += Int64(net(filtered.summary.outstanding) ?? "") ?? 0
            }
            #expect(clients == all.clients && String(total) == net(all.summary.outstanding))
        case .deactivated:
            let active = try await cluster.summary(ReceivablesSummaryRequest(verify: true), user: nil)
            let deactivated = firm.clients.filter(\.deactivated).count
            #expect(deactivated > 0, "the generated firm has deactivated clients")
            #expect(active.clients == firm.clients.count - deactivated && all.clients == firm.clients.count)
            #expect(active.sectionsVerification?.equal == true)
        case .period:
            // Another D moves every dated section (and verifies); the forecast is kept at today.
            let earlier = day("2025-05-15")
            let past = try await cluster.summary(ReceivablesSummaryRequest(asOf: earlier, verify: true), user: nil)
            #expect(past.asOf == earlier && past.verification?.equal == true && past.sectionsVerification?.equal == true)
            #expect(past.sections?.widget.last?.end == earlier && past.sections?.widget.last?.month == "2025-05")
            #expect(past.sections?.forecast == nil)
            #expect(past.sections?.windowStart == day("2025-02-15"))
            #expect(past.summary.series.first?.history.last?.date == earlier)
        }
    }

    @Test("visibility: an agent sees their clients only, an admin everything, a stranger nothing")
    func visibility() async throws {
        let firm = try GeneratedFirm.require()
        let cluster = firm.cluster
        let active = try await cluster.summary(ReceivablesSummaryRequest(breakdownLimit: ReceivablesSummaryRequest.maximumBreakdownLimit), user: nil)
        // A collaborator without a firm-wide role who follows clients (an agent when one does).
        let following = Set(try #require(active.sections).team.filter { $0.clients > 0 }.map(\.collaborator))
        let candidates = firm.collaborators.filter {
            $0.active && following.contains($0.id) && !$0.roles.contains(.admin) && !$0.roles.contains(.collectionManager)
        }
        let agent = try #require(candidates.first { $0.roles.contains(.agent) } ?? candidates.first)
        let asAgent = try await cluster.summary(ReceivablesSummaryRequest(), user: agent.id)
        let filtered = try await cluster.summary(ReceivablesSummaryRequest(filter: ClientFilterMessage(collaborators: [agent.id])), user: nil)
        #expect(asAgent.clients == filtered.clients && asAgent.summary == filtered.summary && asAgent.sections == filtered.sections)
        #expect(asAgent.clients > 0 && asAgent.clients < active.clients)
        let asAgentSeries = try await cluster.series(SeriesRequest(kpis: ["AR-ENC-NET"]), user: agent.id)
        let filteredSeries = try await cluster.series(SeriesRequest(kpis: ["AR-ENC-NET"], filter: ClientFilterMessage(collaborators: [agent.id])))
        #expect(asAgentSeries.series == filteredSeries.series && asAgentSeries.selected == asAgent.clients)
        let admin = try #require(firm.collaborators.first { $0.roles.contains(.admin) && $0.active })
        let asAdmin = try await cluster.summary(ReceivablesSummaryRequest(), user: admin.id)
        #expect(asAdmin.clients == active.clients && asAdmin.summary == active.summary && asAdmin.sections == active.sections)
        let stranger = await #expect(throws: RPCError.self) { _ = try await cluster.series(SeriesRequest(), user: "nobody") }
        #expect(stranger?.code == .permissionDenied)
    }

    // MARK: - Level 2

    @Test("level 2 default: 12 months ending today, every KPI, equal to raw facts; its last point is level 1")
    func seriesDefault() async throws {
        let cluster = try GeneratedFirm.require().cluster
        let monthly = try await cluster.series(SeriesRequest(verify: true))
        #expect(monthly.periodicity == .month && monthly.to == day(GeneratedFirm.today) && monthly.from == day("2024-07-01"))
        #expect(monthly.verification?.equal == true, "\(monthly.verification?.differences.prefix(5) ?? [])")
        #expect(monthly.series.count > 10 && monthly.series.allSatisfy { $0.points.count == 12 })
        #expect(monthly.series.allSatisfy { $0.points.allSatisfy { $0.parts == nil } })
        let dso = try #require(monthly.series.first { $0.kpi == "AR-DSO-STD" })
        #expect(dso.points.first?.label == "2024-07" && dso.points.last?.label == "2025-06")
        #expect(dso.points.contains { $0.value.value != nil })
        let summary = try await cluster.summary(ReceivablesSummaryRequest(), user: nil)
        for kpi in ["AR-DSO-STD", "AR-DSO-CB", "AR-DBT"] {
            let last = monthly.series.first { $0.kpi == kpi }?.points.last?.value
            #expect(last != nil && last == summary.summary.series.first { $0.kpi == kpi }?.current, "\(kpi)")
        }
    }

    @Test(
        "level 2 at every periodicity equals raw facts, with explain parts",
        arguments: [(Periodicity.day, "2025-05-01", 61), (.week, "2025-03-03", 18), (.quarter, "2024-07-01", 4)]
    )
    func seriesPeriodicity(_ periodicity: Periodicity, from: String, points: Int) async throws {
        let cluster = try GeneratedFirm.require().cluster
        let reply = try await cluster.series(
            SeriesRequest(periodicity: periodicity, from: day(from), filter: ClientFilterMessage(includeDeactivated: true), explain: true, verify: true)
        )
        #expect(reply.verification?.equal == true, "\(reply.verification?.differences.prefix(5) ?? [])")
        #expect(reply.series.allSatisfy { $0.points.count == points })
        let dso = try #require(reply.series.first { $0.kpi == "AR-DSO-STD" }?.points)
        #expect(dso.allSatisfy { ($0.parts ?? []).contains { $0.name == "AR(D)" } })
        #expect(dso.last?.end == day(GeneratedFirm.today))
        let office = try await cluster.series(
            SeriesRequest(kpis: ["AR-CEI", "AR-REC-RATE"], periodicity: periodicity, from: day(from), filter: ClientFilterMessage(offices: ["BUR-001"]), verify: true)
        )
        #expect(office.series.map(\.kpi) == ["AR-CEI", "AR-REC-RATE"] && office.verification?.equal == true)
        #expect(office.selected < reply.selected)
    }

    @Test("level 2 limits: 400 points per series, unknown KPI, reversed or future range")
    func seriesLimits() async throws {
        let cluster = try GeneratedFirm.require().cluster
        let tooMany = await #expect(throws: RPCError.self) {
            _ = try await cluster.series(SeriesRequest(periodicity: .day, from: day("2024-05-26")))
        }
        #expect(tooMany?.code == .resourceExhausted)
        #expect(tooMany?.message.contains("400") == true && tooMany?.message.contains("401") == true, "\(tooMany?.message ?? "")")
        let atLimit = try await cluster.series(SeriesRequest(kpis: ["AR-ENC-NET"], periodicity: .day, from: day("2024-05-27")))
        #expect(atLimit.series.first?.points.count == 400)
        let unknown = await #expect(throws: RPCError.self) {
            _ = try await cluster.series(SeriesRequest(kpis: ["AR-DSO-STD", "AR-NOPE"]))
        }
        #expect(unknown?.code == .invalidArgument)
        #expect(unknown?.message.contains("AR-NOPE") == true && unknown?.message.contains("AR-DBT") == true)
        let reversed = await #expect(throws: RPCError.self) {
            _ = try await cluster.series(SeriesRequest(from: day("2025-06-01"), to: day("2025-05-01")))
        }
        #expect(reversed?.code == .invalidArgument)
        let future = await #expect(throws: (any Error).self) {
            _ = try await cluster.series(SeriesRequest(to: day("2025-07-01")))
        }
        #expect(future != nil)
    }
}
