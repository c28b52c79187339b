import Foundation
import PilotageProtocol
import RPCCore
import Rollups
import Storage
import Testing
import Wire
import ProcessTestSupport

/// The rollup pipeline over real processes and TCP: a `pilotage-gateway` child process, real
/// `pilotage-worker` processes, and the test acting as a worker over RPC where timing must be
/// controlled.
@Suite("Rollup pipeline over real processes")
struct RollupPipelineTests {
    @Test("dirty → leased → published; the worked example answers the contract's oracle from rollups")
    func dirtyLeasedPublished() async throws {
        try await Cluster.with(today: WorkedExampleRecords.today) { cluster in
            let report = try await cluster.ingest(WorkedExampleRecords.records)
            #expect(report.committed && report.rejected == 0 && report.dirtyPartitions > 0)

            // Dirty: every partition the batch touched is pending, nothing is reflected yet.
            var status = try await cluster.status()
            #expect(status.freshness.pendingPartitions == report.dirtyPartitions)
            #expect(status.freshness.watermarkSequence == 0 && status.freshness.lastSequence == 1)
            #expect(status.leasedPartitions == 0)

            // Leased: a worker's batch shows as leased; given back, it is free again.
            let probe = try #require(try await cluster.lease(workerID: "probe", leaseSeconds: 600, maxPartitions: 3))
            #expect(probe.partitions.count == 3 && probe.family == .clientGroup)
            #expect(Set(probe.partitions.map(\.fencingToken)) == [1])
            status = try await cluster.status()
            #expect(status.leasedPartitions == 3)
            let released = try await cluster.client.unary(
                WorkerMethods.release,
                ReleaseRequest(workerID: "probe", firmID: cluster.firm, partitions: probe.references),
                metadata: cluster.workerMetadata
            )
            #expect(released.released == 3)
            #expect(try await cluster.status().leasedPartitions == 0)

            // Published by a real worker process.
            let worker = try await cluster.startWorker(id: "w1")
            try await cluster.waitUntilPublished()
            status = try await cluster.status()
            #expect(status.freshness.watermarkSequence == 1 && status.freshness.oldestPendingSince == nil)
            let lag = try #require(status.lag.first { $0.family == .clientGroup })
            #expect(lag.publications == report.dirtyPartitions && lag.p99Milliseconds >= lag.p50Milliseconds)

            // kpi-definitions §5, from rollups only, and the same from raw facts.
            let summary = try await cluster.summary(ReceivablesSummaryRequest(asOf: day("2025-03-31"), verify: true))
            let values = Dictionary(uniqueKeysWithValues: summary.summary.series.map { ($0.kpi, $0) })
            #expect(values["AR-DSO-STD"]?.current?.value == "81.4")
            #expect(values["AR-DSO-STD"]?.trend.value == "-12.2")
            #expect(values["AR-DSO-CB"]?.current?.value == "75.1")
            #expect(values["AR-BPDSO"]?.current?.value == "42.8")
            #expect(values["AR-DSO-DELQ"]?.current?.value == "38.6")
            #expect(values["AR-CEI"]?.current?.value == "34.0")
            #expect(values["AR-DBT"]?.current?.value == "96.7")
            #expect(values["AR-DSO-STD"]?.history.count == 30)
            let outstanding = Dictionary(uniqueKeysWithValues: summary.summary.outstanding.map { ($0.name, $0.value.value) })
            #expect(outstanding["AR-ENC-GROSS"] == "2220000" && outstanding["AR-ENC-RISK"] == "960000")
            #expect(summary.clients == 3 && summary.freshness.pendingPartitions == 0)
            #expect(summary.verification?.equal == true)
            #expect(summary.verification?.differences.isEmpty == true)

            // A filter is a union of client groups: the Paris office holds A and B.
            let paris = try await cluster.summary(ReceivablesSummaryRequest(asOf: day("2025-03-31"), filter: ClientFilterMessage(offices: ["PAR"]), verify: true))
            #expect(paris.clients == 2 && paris.verification?.equal == true)

            // `pilotage status` shows the firm, its watermark and the lag.
            let cli = try await pilotage(["status", "--address", cluster.address, "--token", cluster.operatorToken])
            #expect(cli.status == 0, "\(cli.stderr)")
            #expect(cli.stdout.contains("demo") && cli.stdout.contains("1/1") && cli.stdout.contains("CLIENT_GROUP"))

            // SIGTERM: the worker drains and exits cleanly.
            #expect(try await worker.stop(signal: SIGTERM) == 0)
        }
    }

    @Test("max_staleness: refused with FAILED_PRECONDITION while changes wait longer, answered once published")
    func maxStaleness() async throws {
        try await Cluster.with(today: WorkedExampleRecords.today) { cluster in
            try await cluster.ingest(WorkedExampleRecords.records)
            try await waitUntil("the pending change is older than 1 s") {
                let freshness = try await cluster.status().freshness
                return freshness.lag(at: Date()) > 1.2
            }
            do {
                _ = try await cluster.summary(ReceivablesSummaryRequest(maxStalenessSeconds: 1))
                Issue.record("a summary older than max_staleness was answered")
            } catch let error as RPCError {
                #expect(error.code == .failedPrecondition)
                #expect(error.message.contains("max_staleness") && error.message.contains("pending"))
            }
            // A laxer limit answers, saying how stale it is.
            let lax = try await cluster.summary(ReceivablesSummaryRequest(maxStalenessSeconds: 3_600))
            #expect(lax.freshness.pendingPartitions > 0 && lax.freshness.watermarkSequence == 0)

            _ = try await cluster.startWorker(id: "w1")
            try await cluster.waitUntilPublished()
            let fresh = try await cluster.summary(ReceivablesSummaryRequest(maxStalenessSeconds: 1))
            #expect(fresh.freshness.isUpToDate && fresh.freshness.watermarkSequence == 1)
        }
    }

    @Test("a commit under an expired lease, or after a takeover, is refused and changes nothing")
    func staleCommit() async throws {
        try await Cluster.with(today: WorkedExampleRecords.today) { cluster in
            try await cluster.ingest(WorkedExampleRecords.records)
            // Rows computed under a comfortable lease, given back; then "slow" holds the same
            // partitions for one second only (no timing race: "slow" never needs to fetch).
            let (reader, firstHeader, firstRows) = try await cluster.computeBatch(workerID: "reader", leaseSeconds: 600)
            _ = try await cluster.client.unary(
                WorkerMethods.release,
                ReleaseRequest(workerID: "reader", firmID: cluster.firm, partitions: reader.references),
                metadata: cluster.workerMetadata
            )
            let first = try #require(try await cluster.lease(workerID: "slow", leaseSeconds: 1))
            let keys = first.partitions.map(\.key)
            #expect(keys == reader.partitions.map(\.key))
            try await Task.sleep(for: .milliseconds(1_500))

            // Expired, nobody took over: still refused.
            await #expect(throws: RPCError.self) {
                _ = try await cluster.commit(first, header: firstHeader, rollups: firstRows, workerID: "slow")
            }
            let published = try cluster.withFile(cluster.tenantPath) { connection in
                try connection.fetchValue(Int.self, "SELECT count(*) FROM partition_state") ?? -1
            }
            #expect(published == 0)
            #expect(try await cluster.status().freshness.pendingPartitions > 0)

            // Taken over: the same partitions, newer tokens, published by the new holder.
            let (second, secondHeader, secondRows) = try await cluster.computeBatch(workerID: "fast", leaseSeconds: 600)
            #expect(second.partitions.map(\.key) == keys)
            #expect(zip(second.partitions, first.partitions).allSatisfy { $0.fencingToken > $1.fencingToken })
            let reply = try await cluster.commit(second, header: secondHeader, rollups: secondRows, workerID: "fast")
            #expect(Set(reply.published) == Set(keys) && reply.stillDirty.isEmpty)

            // The stale holder comes back: refused, and the newer rows stay.
            do {
                _ = try await cluster.commit(first, header: firstHeader, rollups: firstRows, workerID: "slow")
                Issue.record("a stale commit was accepted")
            } catch let error as RPCError {
                #expect(error.code == .failedPrecondition)
            }
            let tokens = try cluster.withFile(cluster.tenantPath) { connection in
                try keys.map { try connection.fetchValue(Int64.self, "SELECT fencing_token FROM partition_state WHERE partition_key = ?", $0) }
            }
            #expect(tokens == second.partitions.map { Optional($0.fencingToken) })
        }
    }

    @Test("an ingestion while a partition is computed: the commit publishes but the partition stays dirty")
    func concurrentIngestion() async throws {
        try await Cluster.with(today: WorkedExampleRecords.today) { cluster in
            try await cluster.ingest(WorkedExampleRecords.records)
            let (work, header, rows) = try await cluster.computeBatch(workerID: "busy", leaseSeconds: 600)
            // While "busy" computes, an invoice lands for one of its clients in the batch's last month.
            let client = try #require(try firstClient(of: work, cluster: cluster))
            let lastMonth = try #require(work.partitions.compactMap(\.month).max())
            let invoiceDate = min(lastMonth.adding(days: 10) ?? lastMonth, day(WorkedExampleRecords.today))
            try await cluster.ingest([
                InstallmentRecord(id: "LATE", client: client, invoiceID: "LATE", invoiceDate: invoiceDate, dueDate: invoiceDate, amount: eur(777))
            ])
            let reply = try await cluster.commit(work, header: header, rollups: rows, workerID: "busy")
            let lastKey = try #require(work.partitions.first { $0.month == lastMonth }?.key)
            #expect(reply.stillDirty.contains(lastKey))
            #expect(!reply.published.contains(lastKey))
            #expect(try cluster.withFile(cluster.tenantPath) { try $0.fetchValue(Int.self, "SELECT 1 FROM dirty_partitions WHERE partition_key = ?", lastKey) } == 1)

            _ = try await cluster.startWorker(id: "w1")
            try await cluster.waitUntilPublished()
            let after = try await cluster.summary(ReceivablesSummaryRequest(verify: true))
            #expect(after.verification?.equal == true)
            #expect(after.freshness.watermarkSequence == 2 && after.freshness.lastSequence == 2)
        }
    }
}

/// A client of the batch's group, read from the gateway's file (its group membership).
private func firstClient(of work: WorkAssignment, cluster: Cluster) throws -> String? {
    let group = try #require(work.groupID)
    return try cluster.withFile(cluster.tenantPath) { connection in
        try connection.fetchValue(String.self, "SELECT client FROM client_group_members WHERE group_id = ? ORDER BY client LIMIT 1", group)
    }
}
