import Foundation
import KPI
import PilotageProtocol
import RPCCore
import Rollups
import Storage
import Testing
import Wire
import ProcessTestSupport

/// Worker death and verification over real processes: a SIGKILLed worker's leases expire and
/// another worker takes its partitions over; verification finds no difference on a generated
/// firm and finds the one a test plants in a rollup row.
@Suite("Worker takeover and verification")
struct TakeoverAndVerificationTests {
    static let today = "2025-06-30"

    @Test("a SIGKILLed worker loses its leases; another worker takes over and everything is published")
    func takeoverAfterKill() async throws {
        try await Cluster.with(today: Self.today) { cluster in
            try await cluster.ingest(try DemoFirm.records(today: Self.today, clients: 24, documents: 1_200, installments: 400))

            // Kill worker "doomed" while it holds leases on unpublished partitions (retry if it
            // happened to be between batches, or had just committed).
            var orphaned: [String: Int64] = [:]
            for attempt in 1...8 where orphaned.isEmpty {
                let doomed = try await cluster.startWorker(id: "doomed-\(attempt)", leaseSeconds: 2, maxPartitions: 2)
                try await waitUntil("worker doomed-\(attempt) holds a lease", timeout: .seconds(60), every: .milliseconds(20)) {
                    try cluster.withFile(cluster.catalogPath) { connection in
                        try connection.fetchValue(Int.self, "SELECT count(*) FROM worker_leases WHERE holder = ?", "doomed-\(attempt)") ?? 0
                    } > 0
                }
                try await doomed.stop(signal: SIGKILL)
                // Let its leases (2 s) lapse and any commit it had fully sent settle; the
                // partitions it held that are still dirty are the ones another worker must take over.
                try await Task.sleep(for: .seconds(3))
                let held = try cluster.withFile(cluster.catalogPath) { connection in
                    var held: [String: Int64] = [:]
                    try connection.query("SELECT partition_key, fencing_token FROM worker_leases WHERE holder = ?", "doomed-\(attempt)") { row in
                        held[try row.decode(String.self, at: 0)] = try row.decode(Int64.self, at: 1)
                    }
                    return held
                }
                let dirty = try cluster.withFile(cluster.tenantPath) { connection in
                    Set(try connection.fetchColumn(String.self, "SELECT partition_key FROM dirty_partitions"))
                }
                orphaned = held.filter { dirty.contains($0.key) }
            }
            #expect(!orphaned.isEmpty, "the worker was never killed while holding a lease")
            #expect(try await cluster.status().freshness.pendingPartitions > 0)

            // Two workers finish the job; the orphaned partitions wait for their leases to expire.
            // The first publication of a firm writes every slice row (practice parts included):
            // with the other process suites running beside it, 120 s was not always enough. On a
            // timeout, what is still pending and the logs are recorded.
            _ = try await cluster.startWorker(id: "rescuer", leaseSeconds: 2, maxPartitions: 24, concurrency: 2)
            do {
                try await cluster.waitUntilPublished(timeout: .seconds(300))
            } catch {
                let pending = try cluster.withFile(cluster.tenantPath) { connection in
                    try connection.fetchColumn(String.self, "SELECT partition_key || ' ' || dirty_sequence || ' ' || generation FROM dirty_partitions LIMIT 20")
                }
                let leases = try cluster.withFile(cluster.catalogPath) { connection in
                    try connection.fetchColumn(String.self, "SELECT partition_key || ' ' || coalesce(holder, '-') || ' ' || fencing_token || ' ' || coalesce(expires_at, '-') FROM worker_leases LIMIT 40")
                }
                let log = (try? String(contentsOfFile: cluster.workerLogPath("rescuer"), encoding: .utf8)) ?? "(no log)"
                let gateway = (try? String(contentsOf: cluster.directory.appendingPathComponent("gateway.log"), encoding: .utf8)) ?? "(no gateway log)"
                Issue.record("pending: \(pending)\nleases: \(leases)\nrescuer: \(log.suffix(3000))\ngateway: \(gateway.suffix(3000))")
                throw error
            }
            let (leases, fences) = try cluster.withFile(cluster.catalogPath) { catalog in
                let leases = try orphaned.keys.map { key in
                    try catalog.fetchValue(Int64.self, "SELECT fencing_token FROM worker_leases WHERE partition_key = ? AND holder IS NULL", key)
                }
                let fences = try cluster.withFile(cluster.tenantPath) { tenant in
                    try orphaned.keys.map { key in
                        try tenant.fetchValue(Int64.self, "SELECT fencing_token FROM partition_state WHERE partition_key = ?", key)
                    }
                }
                return (leases, fences)
            }
            for ((key, token), (lease, fence)) in zip(orphaned, zip(leases, fences)) {
                #expect((lease ?? 0) > token, "\(key): the lease was taken over with a newer token")
                #expect((fence ?? 0) > token, "\(key): published under a newer token than the dead worker's")
            }
            let summary = try await cluster.summary(ReceivablesSummaryRequest(filter: ClientFilterMessage(includeDeactivated: true), verify: true))
            #expect(summary.verification?.equal == true, "\(summary.verification?.differences.prefix(3) ?? [])")
        }
    }

    /// Ingests a generated firm, publishes it with one worker and runs `pilotage verify` on it
    /// (expected clean); returns the operator's environment for the CLI and that run.
    static func publishAndVerify(
        _ cluster: Cluster,
        clients: Int,
        documents: Int,
        installments: Int
    ) async throws -> (environment: [String: String], clean: CLIResult) {
        try await cluster.ingest(try DemoFirm.records(today: Self.today, clients: clients, documents: documents, installments: installments))
        _ = try await cluster.startWorker(id: "w1")
        try await cluster.waitUntilPublished()
        let environment = ["PILOTAGE_ADDRESS": cluster.address, "PILOTAGE_TOKEN": cluster.operatorToken]
        let clean = try await pilotage(["verify", "--firm", cluster.firm, "--date", Self.today], environment: environment)
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        return (environment, clean)
    }

    /// Adds `amount` to the balance of a stored snapshot of today (`blob`, the row's current
    /// one), behind the gateway's back.
    static func addToTodaysBalance(
        _ amount: Int64,
        table: String,
        idColumn: String,
        id: Int64,
        blob: [UInt8],
        _ connection: SQLiteConnection
    ) throws {
        var snapshot = try ReceivablesSnapshot(compactEncoded: blob)
        snapshot.balance += WideInt(amount)
        try connection.execute(
            "UPDATE \(table) SET receivables_snapshot = ? WHERE \(idColumn) = ? AND day = ?",
            snapshot.compactEncoded,
            id,
            day(Self.today)
        )
    }

    @Test("verification: equal on a generated firm; a tampered rollup row is reported and `pilotage verify` exits 1")
    func verification() async throws {
        try await Cluster.with(today: Self.today) { cluster in
            let (operatorEnvironment, clean) = try await Self.publishAndVerify(cluster, clients: 12, documents: 600, installments: 240)
            #expect(clean.stdout.contains("0 difference(s)"))
            let summary = try await cluster.summary(ReceivablesSummaryRequest(verify: true))
            #expect(summary.verification?.equal == true)

            // Tamper with one group's snapshot of today, behind the gateway's back, and with the
            // firm-wide slice that holds it (what a firm-wide answer reads).
            let tampered = try cluster.withFile(cluster.tenantPath, readOnly: false) { connection -> Int64 in
                let slice = try #require(try connection.fetchValue(Int64.self, "SELECT slice_id FROM rollup_slices WHERE slice_key = 'all'"))
                var sliceBlob: [UInt8]?
                try connection.query("SELECT receivables_snapshot FROM slice_days WHERE slice_id = ? AND day = ?", slice, day(Self.today)) { row in
                    sliceBlob = try row.decode([UInt8].self, at: 0)
                }
                try Self.addToTodaysBalance(123_456, table: "slice_days", idColumn: "slice_id", id: slice, blob: try #require(sliceBlob), connection)
                var target: (group: Int64, blob: [UInt8])?
                try connection.query(
                    "SELECT group_id, receivables_snapshot FROM rollup_days WHERE day = ? ORDER BY group_id",
                    day(Self.today)
                ) { row in
                    if target == nil { target = (try row.decode(Int64.self, at: 0), try row.decode([UInt8].self, at: 1)) }
                }
                let (group, blob) = try #require(target)
                try Self.addToTodaysBalance(123_456, table: "rollup_days", idColumn: "group_id", id: group, blob: blob, connection)
                return group
            }
            #expect(tampered > 0)
            let detected = try await cluster.summary(ReceivablesSummaryRequest(filter: ClientFilterMessage(includeDeactivated: true), verify: true))
            let verification = try #require(detected.verification)
            #expect(!verification.equal)
            let dso = try #require(verification.differences.first { $0.kpi == "AR-DSO-STD" && $0.date == day(Self.today) })
            #expect(dso.rollup != dso.reference && dso.difference != nil)

            let dirty = try await pilotage(["verify", "--firm", cluster.firm, "--date", Self.today], environment: operatorEnvironment)
            #expect(dirty.status == 1)
            #expect(dirty.stdout.contains("AR-DSO-STD") && dirty.stderr.contains("FAILED_PRECONDITION"))
        }
    }

    @Test("firm verification covers the sections: a tampered breakdown-line slice is reported, the level-1 KPIs stay equal")
    func verificationOfSections() async throws {
        try await Cluster.with(today: Self.today) { cluster in
            let (operatorEnvironment, _) = try await Self.publishAndVerify(cluster, clients: 40, documents: 1_200, installments: 400)

            // A collaborator's firm-managed clients of two groups or more (a cover reads a slice
            // only then): only the breakdown lines of the `mode FIRM` answer read it (no verified
            // filter's level-1 selection does).
            let key = try cluster.withFile(cluster.tenantPath, readOnly: false) { connection -> String in
                var target: (id: Int64, key: String, blob: [UInt8])?
                try connection.query(
                    """
                    SELECT s.slice_id, s.slice_key, d.receivables_snapshot FROM rollup_slices s
                    JOIN slice_days d ON d.slice_id = s.slice_id AND d.day = ?
                    WHERE s.slice_key LIKE 'collaborator=%&mode=FIRM' AND d.contributors >= 2 ORDER BY s.slice_key
                    """,
                    day(Self.today)
                ) { row in
                    if target == nil {
                        target = (try row.decode(Int64.self, at: 0), try row.decode(String.self, at: 1), try row.decode([UInt8].self, at: 2))
                    }
                }
                let (slice, key, blob) = try #require(target)
                try Self.addToTodaysBalance(654_321, table: "slice_days", idColumn: "slice_id", id: slice, blob: blob, connection)
                return key
            }
            let dirty = try await pilotage(["verify", "--firm", cluster.firm, "--date", Self.today], environment: operatorEnvironment)
            #expect(dirty.status == 1, "\(key): \(dirty.stdout)")
            // Findings print as `[filter] D=… section/line/KPI …`: only the sections of `mode=FIRM`,
            // on the tampered collaborator's team line.
            let findings = dirty.stdout.split(separator: "\n").filter { $0.contains("] D=") }
            let collaborator = key.dropFirst("collaborator=".count).prefix { $0 != "&" }
            #expect(!findings.isEmpty, "\(dirty.stdout)")
            #expect(findings.allSatisfy { $0.contains("[mode=FIRM (sections)]") }, "\(dirty.stdout)")
            #expect(findings.contains { $0.contains("team/\(collaborator)/") }, "\(dirty.stdout)")
        }
    }

    @Test("firm verification covers the practice dashboard: a tampered practice slice row is reported under (practice)")
    func verificationOfPractice() async throws {
        try await Cluster.with(today: Self.today) { cluster in
            let (operatorEnvironment, clean) = try await Self.publishAndVerify(cluster, clients: 30, documents: 1_500, installments: 200)
            #expect(clean.stdout.contains("0 difference(s)"))
            // Two more documents to review today in the firm-wide slice only (the groups' own
            // rows are untouched): what every firm-wide practice answer reads.
            try cluster.withFile(cluster.tenantPath, readOnly: false) { connection in
                let slice = try #require(try connection.fetchValue(Int64.self, "SELECT slice_id FROM rollup_slices WHERE slice_key = 'all'"))
                var blob: [UInt8]?
                try connection.query("SELECT practice_snapshot FROM slice_days WHERE slice_id = ? AND day = ?", slice, day(Self.today)) { row in
                    blob = try row.decode([UInt8].self, at: 0)
                }
                var snapshot = try PracticeSnapshot(compactEncoded: try #require(blob))
                snapshot.toReview += 2
                try connection.execute(
                    "UPDATE slice_days SET practice_snapshot = ? WHERE slice_id = ? AND day = ?",
                    snapshot.compactEncoded,
                    slice,
                    day(Self.today)
                )
            }
            let dirty = try await pilotage(["verify", "--firm", cluster.firm, "--date", Self.today], environment: operatorEnvironment)
            #expect(dirty.status == 1, "\(dirty.stdout)")
            let findings = dirty.stdout.split(separator: "\n").filter { $0.contains("] D=") }
            #expect(!findings.isEmpty && findings.allSatisfy { $0.contains("(practice)") }, "\(dirty.stdout)")
            #expect(findings.contains { $0.contains("PR-TODO-REVIEW") }, "\(dirty.stdout)")
            // The practice answer itself shows the same difference when verified.
            let answer = try await cluster.client.unary(PracticeDashboardService.summary, PracticeSummaryRequest(verify: true), metadata: cluster.tenantMetadata)
            #expect(answer.verification?.differences.contains { $0.kpi == "PR-TODO-REVIEW" && $0.difference == "2" } == true)
        }
    }
}
