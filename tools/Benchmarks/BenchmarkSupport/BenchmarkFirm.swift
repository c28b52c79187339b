// A generated demo firm behind a real gateway, and workers to publish it: what the worker and
// dashboard benchmarks share.

package import Foundation
package import Imports
package import PilotageProtocol
package import RPCCore
internal import RPCTransportTCP
internal import ServerSupport
package import Wire

/// The firm every process-level benchmark works on.
package let benchmarkFirm = "bench"

/// A gateway's client with the operator, back-office and worker credentials of the benchmark firm.
package struct BenchmarkSession {
    package let client: RPCClient
    package let operatorMetadata: Metadata
    package let tenantMetadata: Metadata
    package let workerToken: String
    package let address: String

    /// The benchmark firm's rollup status.
    package func status() async throws -> FirmRollupStatus {
        let reply = try await self.client.unary(StatusService.get, StatusRequest(firmID: benchmarkFirm), metadata: self.operatorMetadata)
        guard let status = reply.firms.first else { throw BenchmarkError(message: "the gateway reports no status for the benchmark firm") }
        return status
    }

    /// Ingests `records` as one batch.
    package func ingest(_ records: [any IngestibleRecord]) async throws -> IngestReport {
        let encoder = WireEncoder()
        let rows = try records.map { IngestRow(kind: type(of: $0).entityKind, payload: Data(try encoder.encode($0))) }
        return try await self.client.clientStreaming(IngestionService.ingestBatch, metadata: self.tenantMetadata) { writer in
            var start = 0
            while start < rows.count {
                let end = min(start + 2_500, rows.count)
                try await writer.write(IngestChunk(rows: Array(rows[start..<end])))
                start = end
            }
        }
    }
}

/// Starts `executable` (a gateway) over `directory/data`, creates the benchmark firm and its
/// credentials, and ingests a generated firm of `size` unless the directory already holds one.
package func setUpBenchmarkFirm(gateway executable: String, size: DemoFirmSize, today: CalendarDate, directory: URL) async throws
    -> (Child, BenchmarkSession, DemoFirmParameters)
{
    let data = directory.appendingPathComponent("data")
    let fresh = !FileManager.default.fileExists(atPath: data.appendingPathComponent("catalog.sqlite").path)
    let gateway = try Child(
        executable: executable,
        arguments: ["--data", data.path, "--port", "0", "--today", "\(today)", "--log-level", "error"],
        log: directory.appendingPathComponent("gateway.log"),
        readyPrefix: "listening on "
    )
    guard let port = gateway.firstLine.split(separator: ":").last.flatMap({ Int($0) }) else {
        throw BenchmarkError(message: "no port in the gateway's ready line '\(gateway.firstLine)'")
    }
    let client = RPCClient(transport: TCPClientTransport(host: "127.0.0.1", port: port), logger: .silent())
    let operatorToken = try String(contentsOf: data.appendingPathComponent("operator.token"), encoding: .utf8)
        .trimmingCharacters(in: .whitespacesAndNewlines)
    let operatorMetadata: Metadata = [MetadataKey.authorization: operatorToken]
    if fresh {
        _ = try await client.unary(OperatorService.createFirm, CreateFirmRequest(firmID: benchmarkFirm, name: "Benchmark"), metadata: operatorMetadata)
    }
    let backOffice = try await client.unary(
        OperatorService.issueCredential,
        IssueCredentialRequest(kind: .backOffice, firms: [benchmarkFirm], label: "bench"),
        metadata: operatorMetadata
    )
    let worker = try await client.unary(OperatorService.issueCredential, IssueCredentialRequest(kind: .worker, label: "bench"), metadata: operatorMetadata)
    let session = BenchmarkSession(
        client: client,
        operatorMetadata: operatorMetadata,
        tenantMetadata: [MetadataKey.authorization: backOffice.token, MetadataKey.tenant: benchmarkFirm],
        workerToken: worker.token,
        address: "127.0.0.1:\(port)"
    )
    let parameters = DemoFirmParameters(size: size, today: today, seed: 42)
    if fresh {
        let started = ContinuousClock.now
        var rows = 0
        for batch in try DemoFirmGenerator(parameters: parameters) {
            let report = try await session.ingest(batch.records)
            rows += report.received
            if report.rejected > 0 {
                output("WARNING batch of \(batch.kind) rejected \(report.rejected) row(s): \(report.rejections.first.map { "\($0.reason) \($0.message)" } ?? "")")
            }
        }
        let elapsed = seconds(ContinuousClock.now - started)
        output("INGEST size=\(size.rawValue) rows=\(rows) secs=\(String(format: "%.1f", elapsed)) rate=\(String(format: "%.0f", Double(rows) / elapsed))")
    }
    return (gateway, session, parameters)
}

/// Starts `count` workers against the session's gateway; logs go to `directory/<tag>-<n>.log`.
///
/// `logLevel` `info` makes each worker log a `batch committed` line per batch (fetch, compute
/// and commit times), which the lag benchmark summarises; `concurrency` is each worker's
/// `--concurrency` (batches computed in parallel), `maxPartitions` its `--max-partitions`,
/// `recordCache` its `--record-cache` (`nil`: the worker's defaults).
package func startWorkers(
    _ count: Int,
    session: BenchmarkSession,
    worker executable: String,
    directory: URL,
    tag: String,
    logLevel: String = "notice",
    concurrency: Int = 1,
    maxPartitions: Int? = nil,
    recordCache: Int? = nil
) throws -> [Child] {
    let tokenFile = directory.appendingPathComponent("worker.token")
    try Data(session.workerToken.utf8).write(to: tokenFile)
    return try (1...count).map { index in
        try Child(
            executable: executable,
            arguments: [
                "--address", session.address, "--token-file", tokenFile.path, "--worker-id", "\(tag)-\(index)",
                "--lease-seconds", "30", "--idle-poll-ms", "20", "--log-level", logLevel, "--concurrency", "\(concurrency)",
            ] + (maxPartitions.map { ["--max-partitions", "\($0)"] } ?? []) + (recordCache.map { ["--record-cache", "\($0)"] } ?? []),
            log: directory.appendingPathComponent("\(tag)-\(index).log"),
            readyPrefix: "worker "
        )
    }
}

/// Polls until no partition of the benchmark firm is pending.
package func waitUntilPublished(_ session: BenchmarkSession, timeout: Duration = .seconds(7_200)) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await session.status().freshness.pendingPartitions > 0 {
        guard ContinuousClock.now < deadline else { throw BenchmarkError(message: "partitions still pending after \(timeout)") }
        try await Task.sleep(for: .milliseconds(50))
    }
}

/// The options every benchmark over a gateway and workers takes: the two executables, the size of
/// the generated firm and where its files are kept.
package struct ProcessBenchmarkOptions {
    /// `pilotage-gateway`.
    package var gateway = ""
    /// `pilotage-worker`.
    package var worker = ""
    /// Size of the generated firm.
    package var size: DemoFirmSize
    /// Directory kept between runs (`--data`), or a temporary one.
    package var data: String?
    /// Keep the directory after the run.
    package var keep = false

    /// The defaults, with the benchmark's default firm size.
    package init(size: DemoFirmSize) {
        self.size = size
    }

    /// Takes `argument` (and its value) when it is one of these options; `false` otherwise.
    package mutating func take(_ argument: String, from arguments: inout BenchmarkArguments) -> Bool {
        switch argument {
        case "--gateway": self.gateway = arguments.value(of: argument)
        case "--worker": self.worker = arguments.value(of: argument)
        case "--size": self.size = arguments.choice(of: argument, as: DemoFirmSize.self)
        case "--data": self.data = arguments.value(of: argument)
        case "--keep": self.keep = true
        default: return false
        }
        return true
    }

    /// The options once both executables are checked (a usage error otherwise).
    package func checked(_ arguments: BenchmarkArguments) -> ProcessBenchmarkOptions {
        var checked = self
        checked.gateway = arguments.executable(self.gateway, flag: "--gateway")
        checked.worker = arguments.executable(self.worker, flag: "--worker")
        return checked
    }
}
