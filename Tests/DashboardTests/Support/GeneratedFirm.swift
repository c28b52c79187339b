import Foundation
import PilotageProtocol
import Testing
import ProcessTestSupport

/// One generated demo firm published by a real worker, shared by every test of a suite
/// (`@Suite(.generatedFirm)`): the gateway, the ingestion and the full rebuild run once, the
/// tests only read. Started before the suite's first test and stopped (processes killed, files
/// removed) after its last.
struct GeneratedFirm: Sendable {
    /// The firm's business date.
    static let today = "2025-06-30"

    /// The running cluster.
    let cluster: Cluster
    /// The generated client records.
    let clients: [ClientRecord]
    /// The generated collaborator records.
    let collaborators: [CollaboratorRecord]

    /// The firm of the running suite.
    @TaskLocal static var current: GeneratedFirm?

    /// The firm of the running suite (fails the test outside a `.generatedFirm` suite).
    static func require() throws -> GeneratedFirm {
        try #require(Self.current, "the suite needs the .generatedFirm trait")
    }
}

/// Starts a ``GeneratedFirm`` around a whole suite.
struct GeneratedFirmTrait: SuiteTrait, TestScoping {
    let isRecursive = false

    @concurrent func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @concurrent @Sendable () async throws -> Void
    ) async throws {
        try await Cluster.with(today: GeneratedFirm.today) { cluster in
            let records = try DemoFirm.records(today: GeneratedFirm.today, clients: 30, documents: 900, installments: 420)
            try await cluster.ingest(records)
            _ = try await cluster.startWorker(id: "w1", concurrency: 2)
            try await cluster.waitUntilPublished(timeout: .seconds(300))
            let firm = GeneratedFirm(
                cluster: cluster,
                clients: records.compactMap { $0 as? ClientRecord },
                collaborators: records.compactMap { $0 as? CollaboratorRecord }
            )
            try await GeneratedFirm.$current.withValue(firm) {
                try await function()
            }
        }
    }
}

extension Trait where Self == GeneratedFirmTrait {
    /// One generated, published firm shared by the suite's tests.
    static var generatedFirm: Self { Self() }
}
