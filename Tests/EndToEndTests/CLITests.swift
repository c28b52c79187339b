import Foundation
import Testing

/// The `pilotage` CLI against a real `pilotage-gateway` process over TCP.
@Suite("pilotage CLI over a real gateway")
struct CLITests {
    @Test("health, list, describe; exit codes 0, 1 and 64 with structured errors")
    func basics() async throws {
        try await withTemporaryDirectory { directory in
            let gateway = try await GatewayProcess.start(dataDirectory: directory)
            let address = ["--address", gateway.address]

            let health = try await pilotage(["health"] + address)
            #expect(health.status == 0 && health.stdout.contains("SERVING"))

            let list = try await pilotage(["list"] + address)
            #expect(list.status == 0)
            #expect(list.stdout.contains("pilotage.ingest.Ingestion/IngestBatch"))
            #expect(list.stdout.contains("pilotage.reflection.Reflection/DescribeMethod"))

            let describe = try await pilotage(["describe", "pilotage.ingest.Ingestion/IngestBatch"] + address)
            #expect(describe.status == 0 && describe.stdout.contains("clientStreaming"))
            #expect(describe.stdout.contains("all_or_nothing?: bool"), "\(describe.stdout)")

            // JSON in, JSON out through reflection: unary, client streaming, request validation.
            let operatorArguments = address + ["--token", gateway.operatorToken]
            let created = try await pilotage(["call", "pilotage.operator.Operator/CreateFirm", #"{"firm_id": "viajson", "name": "Via JSON"}"#] + operatorArguments)
            #expect(created.status == 0, "\(created.stderr)")
            let createdObject = try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any]
            #expect(createdObject?["firm_id"] as? String == "viajson")
            #expect(createdObject?["schema_version"] as? Int == createdObject?["latest_schema_version"] as? Int)
            let mismatch = try await pilotage(["call", "pilotage.operator.Operator/CreateFirm", #"{"firm_id": 3, "name": "x"}"#] + operatorArguments)
            #expect(mismatch.status == 64 && mismatch.stderr.contains("$.firm_id"))
            let issued = try await pilotage(["call", "pilotage.operator.Operator/IssueCredential", "-"] + operatorArguments,
                input: #"{"kind": "BACK_OFFICE", "firms": ["viajson"], "label": "json"}"#)
            let token = try #require((try JSONSerialization.jsonObject(with: Data(issued.stdout.utf8)) as? [String: Any])?["token"] as? String)
            let batch = try await pilotage(
                ["call", "pilotage.ingest.Ingestion/IngestBatch", #"[{"options": {"all_or_nothing": true}, "rows": []}, {"rows": []}]"#]
                    + address + ["--token", token, "--firm", "viajson"]
            )
            #expect(batch.status == 0, "\(batch.stderr)")
            #expect((try JSONSerialization.jsonObject(with: Data(batch.stdout.utf8)) as? [String: Any])?["received"] as? Int == 0)

            let usage = try await pilotage(["frobnicate"] + address)
            #expect(usage.status == 64 && usage.stderr.contains("unknown command"))
            let badOption = try await pilotage(["health", "--no-such-option"])
            #expect(badOption.status == 64)

            let unauthenticated = try await pilotage(["firm", "list"] + address)
            #expect(unauthenticated.status == 1)
            #expect(unauthenticated.stderr.contains("error: UNAUTHENTICATED (16)"))

            let json = try await pilotage(["firm", "list", "--json"] + address)
            #expect(json.status == 1)
            let object = try JSONSerialization.jsonObject(with: Data(json.stderr.utf8)) as? [String: [String: Any]]
            #expect(object?["error"]?["code"] as? String == "UNAUTHENTICATED")
            #expect(object?["error"]?["number"] as? Int == 16)

            let nobody = try await pilotage(["health", "--address", "127.0.0.1:1", "--deadline", "3s"])
            #expect(nobody.status == 1)
            #expect(nobody.stderr.contains("UNAVAILABLE") || nobody.stderr.contains("DEADLINE_EXCEEDED"))
            try await gateway.stop()
        }
    }

    @Test("operator flow and FEC import: both fixtures land, a re-import is unchanged, other firms are denied")
    func importFlow() async throws {
        try await withTemporaryDirectory { directory in
            let gateway = try await GatewayProcess.start(dataDirectory: directory, arguments: ["--today", "2025-03-31"])
            let operatorEnv = ["PILOTAGE_ADDRESS": gateway.address, "PILOTAGE_TOKEN": gateway.operatorToken]
            #expect(try await pilotage(["firm", "create", "demo", "Cabinet Démo"], environment: operatorEnv).status == 0)
            #expect(try await pilotage(["firm", "create", "other", "Autre"], environment: operatorEnv).status == 0)
            let issued = try await pilotage(["credential", "issue", "back-office", "--label", "erp", "--firm", "demo", "--json"], environment: operatorEnv)
            #expect(issued.status == 0)
            let token = try #require((try JSONSerialization.jsonObject(with: Data(issued.stdout.utf8)) as? [String: Any])?["token"] as? String)
            let firmEnv = ["PILOTAGE_ADDRESS": gateway.address, "PILOTAGE_TOKEN": token, "PILOTAGE_FIRM": "demo"]
            let files = ["999999999FEC20241231.txt", "999999999FEC20251231.txt"].map { Fixtures.fecDirectory.appendingPathComponent($0).path }

            let first = try await pilotage(["import", "fec"] + files + ["--json"], environment: firmEnv)
            #expect(first.status == 0, "\(first.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
            // 3 clients, 9 installments, 7 credit documents, 6 allocations.
            #expect(report["landed"] as? Int == 25)
            #expect(report["rejected"] as? Int == 0)

            let again = try await pilotage(["import", "fec"] + files + ["--json"], environment: firmEnv)
            let second = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
            #expect(second["landed"] as? Int == 0 && second["unchanged"] as? Int == 25)

            let supplement = try await pilotage(["import", "jsonl", Fixtures.supplement.path, "--json"], environment: firmEnv)
            #expect(supplement.status == 0, "\(supplement.stderr)")
            let third = try #require(try JSONSerialization.jsonObject(with: Data(supplement.stdout.utf8)) as? [String: Any])
            #expect(third["rejected"] as? Int == 0)

            var otherEnv = firmEnv
            otherEnv["PILOTAGE_FIRM"] = "other"
            let denied = try await pilotage(["ingestions"], environment: otherEnv)
            #expect(denied.status == 1 && denied.stderr.contains("PERMISSION_DENIED"))

            let history = try await pilotage(["ingestions", "--json"], environment: firmEnv)
            #expect(history.status == 0 && history.stdout.contains("\"sequence\""))
            try await gateway.stop()
        }
    }

    @Test("an import reports rows refused while reading and rows rejected by the gateway, with their lines")
    func rejectedRows() async throws {
        try await withTemporaryDirectory { directory in
            let gateway = try await GatewayProcess.start(dataDirectory: directory)
            let operatorEnv = ["PILOTAGE_ADDRESS": gateway.address, "PILOTAGE_TOKEN": gateway.operatorToken]
            _ = try await pilotage(["firm", "create", "f", "F"], environment: operatorEnv)
            let issued = try await pilotage(["credential", "issue", "back-office", "--label", "x", "--firm", "f", "--json"], environment: operatorEnv)
            let token = try #require((try JSONSerialization.jsonObject(with: Data(issued.stdout.utf8)) as? [String: Any])?["token"] as? String)
            let file = directory.appendingPathComponent("rows.jsonl")
            try """
            {"kind":"client","id":"A","name":"Alpha"}
            {"kind":"installment","id":"I1","client":"A","invoice_id":"F1","invoice_date":"2025-01-15","amount":1000}
            {"kind":"installment","id":"I2","client":"ZZ","invoice_id":"F2","invoice_date":"2025-01-15","amount":1000}
            not json at all
            {"kind":"installment","id":"I3","client":"A","invoice_id":"F3","invoice_date":"2025-01-15","amount":-4}
            """.write(to: file, atomically: true, encoding: .utf8)
            let result = try await pilotage(
                ["import", "jsonl", file.path, "--no-progress"],
                environment: ["PILOTAGE_ADDRESS": gateway.address, "PILOTAGE_TOKEN": token, "PILOTAGE_FIRM": "f"]
            )
            #expect(result.status == 0)
            #expect(result.stdout.contains("landed      2"))
            #expect(result.stdout.contains("rejected    3"))
            #expect(result.stdout.contains("line 3"))
            #expect(result.stdout.contains("UNKNOWN_REFERENCE"))
            #expect(result.stdout.contains("line 4"))
            try await gateway.stop()
        }
    }
}
