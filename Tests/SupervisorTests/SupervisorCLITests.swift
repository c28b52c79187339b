import Foundation
import PilotageProtocol
import Testing
import ProcessTestSupport

/// `pilotage supervisor …` against a real gateway.
@Suite("pilotage supervisor")
struct SupervisorCLITests {
    @Test("list (table, JSON, CSV), validate, modify, print, client and preview from the command line")
    func commandLine() async throws {
        try await TestGateway.with(today: SeedExample.today) { gateway in
            try await SupervisorOverRPCTests.prepare(gateway)
            let environment = gateway.cliEnvironment
            let scratch = gateway.directory

            let table = try await pilotage(["supervisor", "list", "--to", "2025-03-22", "--group", "action", "--user", "carla"], environment: environment)
            #expect(table.status == 0, "\(table.stderr)")
            #expect(table.stdout.contains("4 item(s), total 4 500,00 €"))
            #expect(table.stdout.contains("▸ C-APPEL — 2 item(s), subtotal 1 800,00 €"))
            #expect(table.stdout.contains("▸ V30-APPEL — 1 item(s), subtotal 2 400,00 €"))
            let lines = table.stdout.split(separator: "\n")
            let i2 = try #require(lines.first { $0.contains(" I2 ") })
            #expect(i2.contains("BLACK") && i2.contains("SARL Dupuis") && i2.contains("2025-03-22"))

            let agent = try await pilotage(["supervisor", "list", "--to", "2025-03-22", "--user", "bob", "--json"], environment: environment)
            #expect(agent.status == 0)
            let reply = try JSONDecoder().decode(SupervisorListReply.self, from: Data(agent.stdout.utf8))
            #expect(reply.totalItems == 1 && reply.groups.map(\.key) == ["K2"])

            let filtered = try await pilotage(
                ["supervisor", "list", "--to", "2025-03-22", "--min-amount", "1000", "--collective", "411000", "--user", "carla", "--json"],
                environment: environment
            )
            let selected = try JSONDecoder().decode(SupervisorListReply.self, from: Data(filtered.stdout.utf8))
            #expect(selected.groups.flatMap(\.items).map(\.id) == ["I1"])

            let csvPath = scratch.appendingPathComponent("list.csv").path
            let csv = try await pilotage(["supervisor", "list", "--to", "2025-03-22", "--csv", csvPath, "--user", "carla"], environment: environment)
            #expect(csv.status == 0, "\(csv.stderr)")
            let exported = try String(contentsOfFile: csvPath, encoding: .utf8)
            #expect(exported.split(separator: "\r\n").count == 5)

            let validate = ["supervisor", "validate", "I3", "--note", "SMS envoyé", "--request-id", "cli-1", "--user", "alice"]
            let validated = try await pilotage(validate, environment: environment)
            #expect(validated.status == 0, "\(validated.stderr)")
            #expect(validated.stdout.contains("VALIDATED: 1 recorded, 0 refused"))
            let retried = try await pilotage(validate, environment: environment)
            #expect(retried.stdout.contains("replayed"))

            let denied = try await pilotage(["supervisor", "ignore", "I2", "--user", "alice"], environment: environment)
            #expect(denied.status == 1 && denied.stderr.contains("PERMISSION_DENIED"))
            let noCode = try await pilotage(["supervisor", "modify", "I1", "--user", "carla"], environment: environment)
            #expect(noCode.status == 64)
            let modified = try await pilotage(["supervisor", "modify", "I1", "--code", "VISITE", "--user", "carla"], environment: environment)
            #expect(modified.status == 0 && modified.stdout.contains("I1: C-APPEL → VISITE by carla"))

            let htmlPath = scratch.appendingPathComponent("relances.html").path
            let printed = try await pilotage(
                ["supervisor", "print", "I1", "I4", "--out", htmlPath, "--group", "client", "--user", "carla"],
                environment: environment
            )
            #expect(printed.status == 0, "\(printed.stderr)")
            #expect(printed.stdout.contains("printed 2 item(s)"))
            let html = try String(contentsOfFile: htmlPath, encoding: .utf8)
            #expect(html.contains("data-item=\"I1\"") && html.contains("data-item=\"I4\"") && html.contains("Boulangerie Martin"))

            let client = try await pilotage(["supervisor", "client", "K1", "--user", "carla"], environment: environment)
            #expect(client.status == 0)
            #expect(client.stdout.contains("K1 Boulangerie Martin — agent alice, strategy STD"))
            #expect(client.stdout.contains("PRINTED") && client.stdout.contains("MODIFIED"))

            let preview = try await pilotage(["supervisor", "preview", "--days", "2", "--user", "carla"], environment: environment)
            #expect(preview.status == 0 && preview.stdout.contains("today 2025-03-31"))
            let strategies = try await pilotage(["supervisor", "strategies"], environment: environment)
            #expect(strategies.stdout.contains("C-APPEL") && strategies.stdout.contains("-10"))
        }
    }
}
