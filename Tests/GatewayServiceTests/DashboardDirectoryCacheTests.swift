import Foundation
import GatewayService
import PilotageProtocol
import RPCCore
import Testing
import Wire

/// The gateway keeps each firm's groups, slices, collaborator names and the selection plans of
/// filters between dashboard calls; an ingestion that changes them is seen by the next call.
@Suite("Dashboard directory cache over a real gateway")
struct DashboardDirectoryCacheTests {
    @Test("a new client, a new collaborator and a renamed one appear in the next answer")
    func ingestionInvalidates() async throws {
        try await GatewayHarness.with { harness in
            let firm = try await harness.firm("f1")
            _ = try await harness.ingest(
                [
                    try row(OrganisationUnitRecord(id: "PAR", name: "Paris", kind: .office)),
                    try row(CollaboratorRecord(id: "marie", name: "Marie", office: "PAR")),
                    try row(ClientRecord(id: "A", name: "A", office: "PAR", assignedCollaborators: ["marie"])),
                ],
                metadata: firm
            )
            func summary(_ filter: ClientFilterMessage? = nil) async throws -> ReceivablesSummaryReply {
                try await harness.client.unary(ReceivablesDashboardService.summary, ReceivablesSummaryRequest(filter: filter), metadata: firm)
            }
            let paris = ClientFilterMessage(offices: ["PAR"])
            let before = try await summary()
            #expect(before.clients == 1 && before.groups == 1)
            #expect(before.sections?.team.map(\.name) == ["Marie"])
            // Same answer twice (from the cache).
            #expect(try await summary().sections?.team.map(\.name) == ["Marie"])
            #expect(try await summary(paris).clients == 1)

            _ = try await harness.ingest(
                [
                    try row(CollaboratorRecord(id: "marie", name: "Marie Curie", office: "PAR")),
                    try row(CollaboratorRecord(id: "paul", name: "Paul", office: "PAR")),
                    try row(ClientRecord(id: "B", name: "B", office: "PAR", assignedCollaborators: ["paul"])),
                ],
                metadata: firm
            )
            let after = try await summary()
            #expect(after.clients == 2 && after.groups == 2)
            #expect(after.sections?.team.map(\.name) == ["Marie Curie", "Paul"])
            let parisAfter = try await summary(paris)
            #expect(parisAfter.clients == 2 && parisAfter.sections?.team.map(\.collaborator) == ["marie", "paul"])

            // A client moving office leaves the office's plan.
            _ = try await harness.ingest(
                [
                    try row(OrganisationUnitRecord(id: "LYO", name: "Lyon", kind: .office)),
                    try row(ClientRecord(id: "A", name: "A", office: "LYO", assignedCollaborators: ["marie"])),
                ],
                metadata: firm
            )
            let moved = try await summary(paris)
            #expect(moved.clients == 1 && moved.sections?.team.map(\.collaborator) == ["paul"])
        }
    }
}
