import Foundation
import PilotageProtocol
import Testing
import Wire

/// kpi-definitions §3 and §5 end to end: the two FEC fixtures and the supplement imported with
/// the CLI into a real gateway, published by a real worker, read back from rollups.
@Suite("The worked example from the FEC fixtures")
struct WorkedExampleFromFECTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ImportsTests/Fixtures")

    @Test("both FEC files and the supplement, imported by `pilotage import`, answer §5 from rollups over RPC and through `pilotage call`")
    func oracleFromFEC() async throws {
        try await Cluster.with(today: "2025-03-31") { cluster in
            let environment = ["PILOTAGE_ADDRESS": cluster.address, "PILOTAGE_TOKEN": cluster.backOfficeToken, "PILOTAGE_FIRM": cluster.firm]
            let fec = ["999999999FEC20241231.txt", "999999999FEC20251231.txt"].map { Self.fixtures.appendingPathComponent("fec/\($0)").path }
            let imported = try await pilotage(["import", "fec"] + fec + ["--json"], environment: environment)
            #expect(imported.status == 0, "\(imported.stderr)")
            let supplement = try await pilotage(["import", "jsonl", Self.fixtures.appendingPathComponent("worked-example-supplement.jsonl").path, "--json"], environment: environment)
            #expect(supplement.status == 0, "\(supplement.stderr)")

            _ = try await cluster.startWorker(id: "w1")
            try await cluster.waitUntilPublished()

            let reply = try await cluster.summary(ReceivablesSummaryRequest(asOf: day("2025-03-31"), verify: true))
            #expect(reply.clients == 3)
            #expect(reply.verification?.equal == true, "\(reply.verification?.differences ?? [])")
            Self.expectOracle(series: Dictionary(uniqueKeysWithValues: reply.summary.series.map { ($0.kpi, ($0.current?.value, $0.trend.value)) }))
            let aged = Dictionary(uniqueKeysWithValues: reply.summary.aged.map { ($0.name, $0.value.value) })
            #expect(aged["AR-AGED-PCTCUR"] == "51.4" && aged["AR-AGED-PCT90"] == "27.0")
            let outstanding = Dictionary(uniqueKeysWithValues: reply.summary.outstanding.map { ($0.name, $0.value.value) })
            #expect(outstanding["AR-ENC-RISK"] == "960000")
            #expect(outstanding["AR-ENC-RISK-PCT"] == "43.2")

            // The same through the CLI (JSON in, JSON out through reflection).
            let call = try await pilotage(["call", "pilotage.dashboard.Receivables/Summary", #"{"as_of":"2025-03-31"}"#], environment: environment)
            #expect(call.status == 0, "\(call.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(call.stdout.utf8)) as? [String: Any])
            let summary = try #require(json["summary"] as? [String: Any])
            let series = try #require(summary["series"] as? [[String: Any]])
            var fromCLI: [String: (String?, String?)] = [:]
            for entry in series {
                let name = try #require(entry["kpi"] as? String)
                let history = try #require(entry["history"] as? [[String: Any]])
                let current = (history.last?["value"] as? [String: Any])?["value"] as? String
                let trend = (entry["trend"] as? [String: Any])?["value"] as? String
                fromCLI[name] = (current, trend)
            }
            Self.expectOracle(series: fromCLI)
        }
    }

    /// The level-1 series rows of kpi-definitions §5 (value at D and trend where §5 gives one).
    static func expectOracle(series: [String: (String?, String?)]) {
        #expect(series["AR-DSO-STD"]?.0 == "81.4")
        #expect(series["AR-DSO-STD"]?.1 == "-12.2")
        #expect(series["AR-DSO-CB"]?.0 == "75.1")
        #expect(series["AR-BPDSO"]?.0 == "42.8")
        #expect(series["AR-DSO-DELQ"]?.0 == "38.6")
        #expect(series["AR-CEI"]?.0 == "34.0")
        #expect(series["AR-CEI"]?.1 == "6.2")
        #expect(series["AR-DBT"]?.0 == "96.7")
    }
}
