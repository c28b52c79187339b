import Foundation
import PilotageProtocol
import RPCCore
import Testing
import Wire

/// `Receivables/Series` (level 2) over a real gateway and worker: every KPI at every periodicity
/// equals its raw-facts recomputation, defaults and limits, explain parts.
@Suite("Receivables level 2")
struct ReceivablesSeriesTests {
    static let today = "2025-06-30"

    @Test("series equal raw facts at every periodicity; defaults, explain, limits and unknown KPIs")
    func series() async throws {
        try await Cluster.with(today: Self.today) { cluster in
            try await cluster.ingest(try DemoFirm.records(today: Self.today, clients: 24, documents: 700, installments: 360))
            _ = try await cluster.startWorker(id: "w1", concurrency: 2)
            try await cluster.waitUntilPublished()

            // Default: 12 months ending today, monthly, every KPI.
            let monthly = try await cluster.series(SeriesRequest(verify: true))
            #expect(monthly.periodicity == .month && monthly.to == day(Self.today) && monthly.from == day("2024-07-01"))
            #expect(monthly.verification?.equal == true, "\(monthly.verification?.differences.prefix(5) ?? [])")
            #expect(monthly.series.count > 10 && monthly.series.allSatisfy { $0.points.count == 12 })
            #expect(monthly.series.allSatisfy { $0.points.allSatisfy { $0.parts == nil } })
            let dso = try #require(monthly.series.first { $0.kpi == "AR-DSO-STD" })
            #expect(dso.points.map(\.label).first == "2024-07" && dso.points.last?.label == "2025-06")
            #expect(dso.points.contains { $0.value.value != nil }, "the generated firm has sales")

            // The last monthly point of a snapshot KPI is level 1 at today.
            let summary = try await cluster.summary(ReceivablesSummaryRequest(), user: nil)
            #expect(dso.points.last?.value == summary.summary.series.first { $0.kpi == "AR-DSO-STD" }?.current)

            // Other periodicities, with a filter and explain.
            let filter = ClientFilterMessage(includeDeactivated: true)
            for (periodicity, from, count) in [
                (Periodicity.day, "2025-05-01", 61), (.week, "2025-03-03", 18), (.quarter, "2024-07-01", 4),
            ] {
                let reply = try await cluster.series(
                    SeriesRequest(periodicity: periodicity, from: day(from), filter: filter, explain: true, verify: true)
                )
                #expect(reply.verification?.equal == true, "\(periodicity): \(reply.verification?.differences.prefix(5) ?? [])")
                #expect(reply.series.allSatisfy { $0.points.count == count }, "\(periodicity)")
                let points = try #require(reply.series.first { $0.kpi == "AR-DSO-STD" }?.points)
                #expect(points.allSatisfy { ($0.parts ?? []).contains { $0.name == "AR(D)" } })
                #expect(points.last?.end == day(Self.today))
            }

            // One KPI, one collaborator: fewer clients, still equal.
            let one = try await cluster.series(SeriesRequest(kpis: ["AR-CEI", "AR-REC-RATE"], filter: ClientFilterMessage(offices: ["BUR-001"]), verify: true))
            #expect(one.series.map(\.kpi) == ["AR-CEI", "AR-REC-RATE"])
            #expect(one.verification?.equal == true)
            #expect(one.selected < monthly.selected)

            // Limits.
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
            let future = await #expect(throws: RPCError.self) {
                _ = try await cluster.series(SeriesRequest(to: day("2025-07-01")))
            }
            #expect(future != nil)
        }
    }
}
