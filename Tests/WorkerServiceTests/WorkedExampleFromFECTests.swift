import Foundation
import PilotageProtocol
import Testing
import Wire
import ProcessTestSupport

/// kpi-definitions §3 and §5 end to end: the two FEC fixtures and the supplement imported with
/// the CLI into a real gateway, published by a real worker, read back from rollups.
@Suite("The worked example from the FEC fixtures")
struct WorkedExampleFromFECTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ImportsTests/Fixtures")

    @Test("both FEC files and the supplement, imported by `pilotage import`, answer the whole §5 vector from rollups over RPC, through `pilotage call` and `pilotage dashboard`")
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
            let sections = try #require(reply.sections)
            var named: [String: String?] = [:]
            for value in sections.disputes + sections.matching + sections.collection { named[value.name] = value.value.value }
            Self.expectOracle(sections: named)
            #expect(sections.forecast?.buckets.first { $0.name == "2025-04" }?.value.value == "1620000")

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

            // `pilotage dashboard`: the same numbers as JSON, readable tables otherwise, and the
            // per-client AR-ADTP of §5 (A 44.0, B 39.3, C null) at level 3.
            let dashboard = try await pilotage(["dashboard", "receivables", "--as-of", "2025-03-31", "--json"], environment: environment)
            #expect(dashboard.status == 0, "\(dashboard.stderr)")
            let level1 = try #require(try JSONSerialization.jsonObject(with: Data(dashboard.stdout.utf8)) as? [String: Any])
            var fromDashboard: [String: String?] = [:]
            for section in ["disputes", "matching", "collection"] {
                for entry in ((level1["sections"] as? [String: Any])?[section] as? [[String: Any]]) ?? [] {
                    if let name = entry["name"] as? String { fromDashboard[name] = (entry["value"] as? [String: Any])?["value"] as? String }
                }
            }
            Self.expectOracle(sections: fromDashboard)
            // `--breakdown N`: the breakdown lines by office and collaborator, counted in full.
            let level1Sections = try #require(level1["sections"] as? [String: Any])
            let offices = ((level1Sections["aged_by_axis"] as? [[String: Any]]) ?? []).filter { $0["axis"] as? String == "OFFICE" }
            #expect(!offices.isEmpty && offices.count == level1Sections["offices_total"] as? Int)
            let noLines = try await pilotage(["dashboard", "receivables", "--as-of", "2025-03-31", "--breakdown", "0", "--json"], environment: environment)
            let withoutLines = try #require(try JSONSerialization.jsonObject(with: Data(noLines.stdout.utf8)) as? [String: Any])
            let trimmed = try #require(withoutLines["sections"] as? [String: Any])
            #expect((trimmed["team"] as? [Any])?.isEmpty == true && trimmed["offices_total"] as? Int == offices.count)
            let axes = ((trimmed["aged_by_axis"] as? [[String: Any]]) ?? []).compactMap { $0["axis"] as? String }
            #expect(!axes.isEmpty && axes.allSatisfy { $0 == "BOOKKEEPING_MODE" }, "\(axes)")
            let wrong = try await pilotage(["dashboard", "receivables", "--breakdown", "some"], environment: environment)
            #expect(wrong.status == 64 && wrong.stderr.contains("--breakdown"), "\(wrong.status) \(wrong.stderr)")
            // §5 AR-CEI of February and March, at level 2 (monthly).
            let monthly = try await pilotage(
                ["dashboard", "receivables", "--level", "2", "--kpi", "AR-CEI", "--from", "2025-01-01", "--to", "2025-03-31", "--json"],
                environment: environment
            )
            #expect(monthly.status == 0, "\(monthly.stderr)")
            let level2 = try #require(try JSONSerialization.jsonObject(with: Data(monthly.stdout.utf8)) as? [String: Any])
            let points = (((level2["series"] as? [[String: Any]])?.first)?["points"] as? [[String: Any]]) ?? []
            var cei: [String: String] = [:]
            for point in points {
                if let label = point["label"] as? String, let value = (point["value"] as? [String: Any])?["value"] as? String { cei[label] = value }
            }
            #expect(cei["2025-02"] == "27.8" && cei["2025-03"] == "34.0", "\(cei)")
            let table = try await pilotage(["dashboard", "receivables", "--as-of", "2025-03-31"], environment: environment)
            #expect(table.status == 0 && table.stdout.contains("AR-DSO-STD") && table.stdout.contains("81.4"), "\(table.stdout)")
            let level3 = try await pilotage(["dashboard", "receivables", "--level", "3", "--as-of", "2025-03-31", "--json"], environment: environment)
            #expect(level3.status == 0, "\(level3.stderr)")
            let page = try #require(try JSONSerialization.jsonObject(with: Data(level3.stdout.utf8)) as? [String: Any])
            let columns = ((page["columns"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
            let adtp = try #require(columns.firstIndex(of: "adtp_days"))
            var perClient: [String: String] = [:]
            for row in (page["rows"] as? [[String: Any]]) ?? [] {
                let cells = row["cells"] as? [Any] ?? []
                perClient[row["key"] as? String ?? "?"] = adtp < cells.count ? (cells[adtp] as? String ?? "null") : "missing"
            }
            #expect(perClient == ["CLI-A": "44.0", "CLI-B": "39.3", "CLI-C": "null"])
            let csvFile = FileManager.default.temporaryDirectory.appendingPathComponent("fec-clients-\(UUID().uuidString).csv")
            defer { try? FileManager.default.removeItem(at: csvFile) }
            let export = try await pilotage(["dashboard", "receivables", "--level", "3", "--as-of", "2025-03-31", "--csv", csvFile.path], environment: environment)
            #expect(export.status == 0, "\(export.stderr)")
            let lines = try String(contentsOf: csvFile, encoding: .utf8).split(separator: "\r\n")
            #expect(lines.count == 4 && lines.first?.hasPrefix("client,") == true)
        }
    }

    /// The rows of kpi-definitions §5 that level 1 shows in its sections.
    static func expectOracle(sections: [String: String?]) {
        let expected: [String: String?] = [
            "AR-ADD": "10.8", "AR-PAYDELAY": "10.5", "AR-ADTP": "40.5", "AR-ONTIME": "50.0", "AR-ONTIME-AMT": "37.5",
            "AR-TURN": "1.53", "AR-ACP": "58.7", "AR-REC-RATE": "30.8", "AR-REC-DELAY": "15.8",
            "AR-DSP-RATE": "66.7", "AR-DSP-TIME": "8.0", "AR-DSP-SHARE": "27.0", "AR-PROV-RATE >120": "50.0", "AR-PROV-RATE": "13.5",
            "AR-MATCH-AUTO": "50.0", "AR-MATCH-AUTO-AMT": "40.0",
        ]
        for (name, value) in expected {
            #expect(sections[name] == .some(value), "\(name)")
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
