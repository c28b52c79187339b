import Foundation
import PilotageProtocol
import RPCCore
import Storage
import Testing
import Wire
import ProcessTestSupport

/// `Receivables/Summary` on the contract's worked example over a real gateway and worker: the
/// 12-month widget rounds up to k€ as the contract's table, explain shows the parts of the
/// oracle values, the sections match §5, visibility follows the roles.
@Suite("Receivables level 1 on the worked example")
struct ReceivablesSummaryTests {
    @Test("worked example: widget in k€ rounded up as the contract's table, explain parts, visibility by role")
    func workedExample() async throws {
        try await Cluster.with(today: WorkedExampleRecords.today) { cluster in
            try await cluster.ingest(
                WorkedExampleRecords.records + [
                    CollaboratorRecord(id: "boss", name: "Boss", office: "PAR", roles: [.admin]),
                    CollaboratorRecord(id: "gone", name: "Gone", office: "PAR", roles: [.admin], active: false),
                ]
            )
            _ = try await cluster.startWorker(id: "w1")
            try await cluster.waitUntilPublished(timeout: .seconds(300))

            let reply = try await cluster.summary(ReceivablesSummaryRequest(verify: true, explain: true), user: nil)
            #expect(reply.verification?.equal == true)
            #expect(reply.sectionsVerification?.equal == true, "\(reply.sectionsVerification?.differences.prefix(5) ?? [])")
            let sections = try #require(reply.sections)

            // AR-W12 (kpi-definitions §4, example table): exact cents and ceil(cents / 100 000).
            let widget = Dictionary(uniqueKeysWithValues: sections.widget.map { ($0.month, $0) })
            #expect(sections.widget.count == 12)
            #expect(sections.widget.last?.month == "2025-03" && sections.widget.first?.month == "2024-04")
            let expected: [(String, Int64, Int64, Int64, Int64, Int64, Int64)] = [
                ("2024-10", 600_000, 6, 600_000, 6, 0, 0),
                ("2024-11", 120_000, 2, 0, 0, 0, 0),
                ("2024-12", 240_000, 3, 120_000, 2, 0, 0),
                ("2025-01", 480_000, 5, 240_000, 3, 360_000, 4),
                ("2025-02", 780_000, 8, 480_000, 5, 300_000, 3),
                ("2025-03", 1_140_000, 12, 720_000, 8, 530_000, 6),
            ]
            for (month, revenue, revenueK, expectedCents, expectedK, actual, actualK) in expected {
                let row = try #require(widget[month])
                #expect(row.revenueCents == revenue && row.revenueKiloEuros == revenueK, "\(month) revenue")
                #expect(row.expectedCents == expectedCents && row.expectedKiloEuros == expectedK, "\(month) expected")
                #expect(row.actualCents == actual && row.actualKiloEuros == actualK, "\(month) actual")
            }
            #expect(widget["2024-04"]?.revenueCents == 0 && widget["2024-04"]?.revenueKiloEuros == 0)

            // Level-1 values of the oracle (§5) and the parts they come from.
            let explain = Dictionary(uniqueKeysWithValues: try #require(reply.explain).map { ($0.kpi, $0) })
            let dso = try #require(explain["AR-DSO-STD"])
            #expect(dso.value.value == "81.4")
            #expect(dso.parts.contains(PartMessage(name: "AR(D)", value: "2170000")))
            #expect(dso.parts.contains(PartMessage(name: "SALES(W)", value: "2400000")))
            #expect(dso.parts.contains(PartMessage(name: "L", value: "90")))
            let cei = try #require(explain["AR-CEI"])
            #expect(cei.value.value == "34.0")
            #expect(cei.parts.contains(PartMessage(name: "B", value: "1560000")) && cei.parts.contains(PartMessage(name: "EC", value: "1140000")))
            let dbt = try #require(explain["AR-DBT"])
            #expect(dbt.value.value == "96.7")
            #expect(dbt.parts.contains(PartMessage(name: "Σ open", value: "1080000")))
            #expect(reply.definitions.hasPrefix("kpi-definitions"))
            // §5: AR-REC-RATE March 2025 = 4 800 / 15 600.
            let rate = try #require(explain["AR-REC-RATE"])
            #expect(rate.value.value == "30.8")
            #expect(rate.parts.contains(PartMessage(name: "COLLECTED", value: "480000")))
            #expect(rate.parts.contains(PartMessage(name: "COLLECTIBLE", value: "1560000")))
            let plain = try await cluster.summary(ReceivablesSummaryRequest(), user: nil)
            #expect(plain.explain == nil)

            // Sections: §5 values at D over the window / the month to date.
            let collection = Dictionary(uniqueKeysWithValues: sections.collection.map { ($0.name, $0.value) })
            #expect(collection["AR-REC-RATE"]?.value == "30.8")
            let disputes = Dictionary(uniqueKeysWithValues: sections.disputes.map { ($0.name, $0.value) })
            #expect(disputes["AR-DSP-AMOUNT"]?.exact == "600000")
            #expect(disputes["AR-DSP-SHARE"]?.value == "27.0")
            #expect(disputes["AR-PROV-RATE"]?.value == "13.5")
            let forecast = try #require(sections.forecast)
            #expect(forecast.buckets.first { $0.name == "2025-04" }?.value.exact == "1620000")

            // Team performance: marie follows A and B, paul B and C (B counts for both).
            let team = Dictionary(uniqueKeysWithValues: sections.team.map { ($0.collaborator, $0) })
            #expect(team["marie"]?.clients == 2 && team["paul"]?.clients == 2)
            #expect(team["marie"]?.name == "Marie")
            let marieAR = team["marie"]?.values.first { $0.name == "AR-ENC-NET" }?.value.exact
            #expect(marieAR == "1270000")  // A 3 600 + B 9 100
            let byOffice = sections.agedByAxis.filter { $0.axis == "OFFICE" }
            #expect(Set(byOffice.map(\.key)) == ["PAR", "LYO"])
            #expect(byOffice.first { $0.key == "LYO" }?.aged.first { $0.name == "NET" }?.value.exact == "900000")

            // Visibility: an account manager sees their clients only; an admin sees all; an
            // inactive or unknown collaborator is refused.
            let marie = try await cluster.summary(ReceivablesSummaryRequest(), user: "marie")
            #expect(marie.clients == 2)
            #expect(marie.summary.outstanding.first { $0.name == "AR-ENC-NET" }?.value.exact == "1270000")
            let marieFiltered = try await cluster.summary(
                ReceivablesSummaryRequest(filter: ClientFilterMessage(collaborators: ["marie"])),
                user: nil
            )
            #expect(marie.summary == marieFiltered.summary && marie.sections == marieFiltered.sections)
            let marieAskingPaul = try await cluster.summary(
                ReceivablesSummaryRequest(filter: ClientFilterMessage(collaborators: ["paul"])),
                user: "marie"
            )
            #expect(marieAskingPaul.clients == 0)
            let boss = try await cluster.summary(ReceivablesSummaryRequest(), user: "boss")
            #expect(boss.clients == 3 && boss.summary == plain.summary && boss.sections == plain.sections)
            for user in ["gone", "nobody"] {
                let error = await #expect(throws: RPCError.self) {
                    _ = try await cluster.summary(ReceivablesSummaryRequest(), user: user)
                }
                #expect(error?.code == .permissionDenied, "\(user)")
            }
        }
    }
}
