import PilotageCLI
import Testing
import Wire

@Suite("Dashboard rendering in the terminal")
struct DashboardRendererTests {
    static func value(_ text: String?, unit: String = "DAYS", reason: String? = nil) -> String {
        let value = text.map { "\"\($0)\"" } ?? "null"
        let reason = reason.map { "\"\($0)\"" } ?? "null"
        return #"{"value":\#(value),"exact":null,"decimals":1,"unit":"\#(unit)","reason":\#(reason),"flags":null}"#
    }

    @Test("level 1: header from scalars and freshness, a KPI line with value, trend and a 30-day sparkline, named values with euros")
    func level1() throws {
        let history = (1...30).map { day in
            #"{"date":"2025-03-\#(day < 10 ? "0" : "")\#(day)","value":\#(Self.value(String(day)))}"#
        }.joined(separator: ",")
        let json = """
            {"as_of":"2025-03-30","freshness":{"watermark_sequence":4,"last_sequence":5,"pending_partitions":2},
             "summary":{"series":[{"kpi":"AR-DSO-STD","history":[\(history)],"trend":\(Self.value("-12.2"))}],
                        "outstanding":[{"name":"AR-ENC-GROSS","value":\(Self.value("2220000", unit: "CENTS"))},
                                       {"name":"AR-ENC-RISK-PCT","value":\(Self.value(nil, unit: "PERCENT", reason: "NO_AR"))}]}}
            """
        let text = DashboardRenderer().render(try JSONParser.parse(json), title: "receivables")
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("receivables") && lines[0].contains("as_of=2025-03-30"))
        #expect(lines[0].contains("watermark 4/5, 2 partition(s) pending"))
        let kpi = try #require(lines.first { $0.contains("AR-DSO-STD") })
        #expect(kpi.contains("30") && kpi.contains("-12.2"))
        #expect(kpi.hasSuffix(DashboardRenderer.sparkline((1...30).map { Double($0) })))
        #expect(DashboardRenderer.sparkline((1...30).map { Double($0) }).first == "▁")
        #expect(DashboardRenderer.sparkline((1...30).map { Double($0) }).last == "█")
        #expect(lines.contains { $0.contains("AR-ENC-GROSS") && $0.hasSuffix("22 200.00") }, "\(text)")
        #expect(lines.contains { $0.contains("AR-ENC-RISK-PCT") && $0.hasSuffix("null NO_AR") })
    }

    @Test("level 2: one bar per bucket, proportional to the value; level 3: the page as a table and the next cursor")
    func levels2And3() throws {
        let series = """
            {"periodicity":"MONTH","series":[{"kpi":"AR-CEI","points":[
              {"start":"2025-01-01","end":"2025-01-31","label":"2025-01","value":\(Self.value("20.0", unit: "PERCENT"))},
              {"start":"2025-02-01","end":"2025-02-28","label":"2025-02","value":\(Self.value("40.0", unit: "PERCENT"))}]}]}
            """
        let chart = DashboardRenderer(barWidth: 10).render(try JSONParser.parse(series), title: "receivables")
        #expect(chart.contains("2025-01 │█████      20.0"))
        #expect(chart.contains("2025-02 │██████████ 40.0"))

        let table = """
            {"view":"receivables","columns":[{"name":"client","title":"Client","unit":"TEXT"},{"name":"ar_cents","title":"AR","unit":"CENTS"}],
             "rows":[{"key":"A","cells":["A","360000"]},{"key":"B","cells":["B",null]}],"total_rows":7,"next_cursor":"v1.5.ab.2"}
            """
        let page = DashboardRenderer().render(try JSONParser.parse(table), title: "receivables")
        #expect(page.contains("Client  AR"))
        #expect(page.contains("A       3 600.00"), "cents columns read as euros")
        #expect(page.split(separator: "\n").first?.contains("total_rows") == false, "paging is shown under the table")
        #expect(page.contains("2 of 7 rows; next page: --cursor v1.5.ab.2"))
    }

    @Test("cents read as euros with grouped thousands")
    func euros() {
        #expect(DashboardRenderer.euros(cents: "2220000") == "22 200.00")
        #expect(DashboardRenderer.euros(cents: "-50000") == "-500.00")
        #expect(DashboardRenderer.euros(cents: "5") == "0.05")
        #expect(DashboardRenderer.euros(cents: "123456789") == "1 234 567.89")
    }
}

@Suite("pilotage dashboard command line")
struct DashboardCommandLineTests {
    @Test("usage errors exit 64 before any call: unknown dashboard, bad level, bad flags, --csv without level 3")
    func usageErrors() async {
        let environment = ["PILOTAGE_ADDRESS": "127.0.0.1:9"]
        for arguments in [
            ["dashboard", "nope"],
            ["dashboard", "receivables", "--level", "4"],
            ["dashboard", "receivables", "--mode", "sometimes"],
            ["dashboard", "receivables", "--as-of", "2025-13-01"],
            ["dashboard", "receivables", "--csv", "out.csv"],
            ["dashboard", "prospects", "--level", "2", "--periodicity", "yearly"],
        ] {
            #expect(await PilotageCLI.run(arguments, environment: environment) == 64, "\(arguments)")
        }
    }
}
