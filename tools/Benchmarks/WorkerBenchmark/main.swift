// Aggregation-worker benchmarks (tools/bench-worker, release build), over real processes on
// loopback: a pilotage-gateway and pilotage-worker children, this process as the client.
//
//   rebuild-1, rebuild-2   full rebuild of a generated firm (large: 5,000 clients, 2,000,000
//                          documents, 500,000 installments) with 1 and 2 workers: partitions per
//                          second and facts (records streamed to workers) per second. Each run
//                          re-dirties every partition by re-sending the firm settings (a settings
//                          change invalidates every rollup).
//   lag                    with one worker running: 100 batches of 1,000 rows committed one after
//                          the other; for each, the time from the commit's reply to the moment the
//                          firm's watermark reaches its sequence (every partition it dirtied is
//                          published). Two compositions: `spread` (new documents, installments and
//                          payments of the day for random clients) and `one-client` (the same rows
//                          for one client, like the import of one client's file). The measured
//                          batches follow `--warmup N` batches of the same composition (default
//                          10), whose lags are printed apart: a worker that just started holds
//                          none of the firm's records and none of its clients' shares, and fills
//                          its caches over the first batches (see `LAG-WARMUP`).
//
// Prints `RESULT name=… ops=… secs=… rate=…` per run, `MEDIAN …` lines, and `LAG …` lines with
// p50/p99. The generated firm is ingested once per invocation (or reused with --data DIR --keep).
//
// Usage: WorkerBenchmark --gateway PATH --worker PATH [--size small|medium|large] [--runs N]
//                        [--batches N] [--warmup N] [--data DIR] [--keep] [--worker-concurrency N]
//                        [--worker-max-partitions N] [--worker-record-cache N] [names…]
// --worker-concurrency N: each worker process computes N batches in parallel (its --concurrency;
// default 2, the worker's own default); --worker-max-partitions N: its --max-partitions;
// --worker-record-cache N: its --record-cache (0: every batch streams its groups' whole history).
//
// `lag` also prints the warm-up batches' lags (`LAG-WARMUP`; `cold_ms` is the first one: the
// worker starts with an empty record cache, so that batch streams its groups' whole history),
// every measured batch's lag in order (`LAG-SERIES`), the CPU time a measured batch cost the
// gateway and the worker (`LAG-CPU`) and the worker's memory (`LAG-MEMORY`).

internal import BenchmarkSupport
internal import Foundation
internal import Glibc
internal import Imports
internal import PilotageProtocol
internal import RPCCore
internal import RPCTransportTCP
internal import ServerSupport
internal import Wire

struct Options {
    var gateway = ""
    var worker = ""
    var size = DemoFirmSize.large
    var runs = 3
    var batches = 100
    /// Batches of each `lag` composition run before the measured ones.
    var warmup = 10
    var data: String?
    var keep = false
    /// Batches each worker process computes in parallel (`pilotage-worker --concurrency`).
    var workerConcurrency = 2
    /// Partitions per batch of each worker (`pilotage-worker --max-partitions`; its default when `nil`).
    var workerMaxPartitions: Int?
    /// Records each worker keeps decoded between batches (`pilotage-worker --record-cache`; its default when `nil`).
    var workerRecordCache: Int?
    var names: [String] = []
}

let usage = """
    usage: WorkerBenchmark --gateway PATH --worker PATH [--size small|medium|large] [--runs N]
                           [--batches N] [--warmup N] [--data DIR] [--keep] [--worker-concurrency N] [--worker-max-partitions N]
                           [--worker-record-cache N] [rebuild-1] [rebuild-2] [lag]
    """

func parseOptions() -> Options {
    var options = Options()
    var common = ProcessBenchmarkOptions(size: options.size)
    var arguments = BenchmarkArguments(usage: usage)
    while let argument = arguments.next() {
        if common.take(argument, from: &arguments) { continue }
        switch argument {
        case "--runs": options.runs = arguments.count(of: argument)
        case "--batches": options.batches = arguments.count(of: argument)
        case "--warmup": options.warmup = arguments.count(of: argument)
        case "--worker-concurrency": options.workerConcurrency = max(1, arguments.count(of: argument))
        case "--worker-max-partitions": options.workerMaxPartitions = max(1, arguments.count(of: argument))
        case "--worker-record-cache": options.workerRecordCache = arguments.count(of: argument)
        case "rebuild-1", "rebuild-2", "lag": options.names.append(argument)
        default: arguments.fail("unknown argument '\(argument)'")
        }
    }
    common = common.checked(arguments)
    (options.gateway, options.worker, options.size, options.data, options.keep) = (common.gateway, common.worker, common.size, common.data, common.keep)
    if options.names.isEmpty { options.names = ["rebuild-1", "rebuild-2", "lag"] }
    return options
}

let today = CalendarDate(year: 2025, month: 6, day: 30) ?? CalendarDate.min

/// Records fetched, read from the `worker stopped … records=N` line of each worker's log.
func recordsFetched(_ workers: [Child]) -> Int {
    workers.reduce(0) { total, worker in
        let text = (try? String(contentsOf: worker.log, encoding: .utf8)) ?? ""
        let value = text.split(separator: "\n").last { $0.contains("worker stopped") }
            .flatMap { $0.split(separator: " ").first { $0.hasPrefix("records=") } }
            .flatMap { Int($0.dropFirst("records=".count)) } ?? 0
        return total + value
    }
}

/// Re-dirties every partition: a settings record with another name is a settings change.
func redirtyEverything(_ session: BenchmarkSession, parameters: DemoFirmParameters, run: Int) async throws -> Int {
    let settings = FirmSettingsRecord(
        // Unique per invocation too: a kept firm re-run with the same name would change nothing.
        name: "\(parameters.firmName) (run \(run), \(UUID().uuidString.prefix(8)))",
        timeZone: "Europe/Paris",
        fiscalYearStartMonth: parameters.fiscalYearStartMonth,
        fiscalYearStartDay: 1,
        dsoWindowDays: 90,
        agedBucketBoundaries: [30, 60, 90, 120],
        provisionGridBasisPoints: [0, 0, 0, 0, 2_500, 5_000]
    )
    return try await session.ingest([settings]).dirtyPartitions
}

// MARK: - Benchmarks

func rebuild(workers count: Int, _ options: Options, session: BenchmarkSession, parameters: DemoFirmParameters, directory: URL, run: Int, firstRun: Bool)
    async throws -> (partitions: Int, facts: Int, seconds: Double)
{
    var partitions = try await session.status().freshness.pendingPartitions
    if !firstRun || partitions == 0 {
        _ = try await redirtyEverything(session, parameters: parameters, run: run)
        partitions = try await session.status().freshness.pendingPartitions
    }
    let started = ContinuousClock.now
    let workers = try startWorkers(count, session: session, worker: options.worker, directory: directory, tag: "rebuild\(count)-run\(run)", concurrency: options.workerConcurrency,
        maxPartitions: options.workerMaxPartitions, recordCache: options.workerRecordCache)
    try await waitUntilPublished(session)
    let elapsed = seconds(ContinuousClock.now - started)
    for worker in workers { worker.stop() }
    return (partitions, recordsFetched(workers), elapsed)
}

/// One batch of 1,000 rows dated today: 500 documents, 250 installments, 250 payments, for
/// random clients (`spread`) or one client (`one-client`).
///
/// Ids and clients follow a fixed seed, so a run on a kept firm (`--data DIR --keep`) updates
/// the rows of the previous run instead of growing the firm; amounts follow `salt` (one per
/// invocation), so every row changes and dirties its partitions like a new one.
func lagBatch(index: Int, composition: String, parameters: DemoFirmParameters, random: inout UInt64, salt: inout UInt64) -> [any IngestibleRecord] {
    func next() -> Int {
        random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int(truncatingIfNeeded: random >> 33)
    }
    func amount(_ base: Int, _ range: Int) -> Int64 {
        _ = next()
        salt = salt &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int64(base + Int(truncatingIfNeeded: salt >> 33) % range)
    }
    let single = "CLI-\(String(format: "%05d", next() % parameters.clients + 1))"
    func client() -> String {
        composition == "one-client" ? single : "CLI-\(String(format: "%05d", next() % parameters.clients + 1))"
    }
    var records: [any IngestibleRecord] = []
    let prefix = "LAG-\(composition)-\(index)"
    for number in 0..<500 {
        records.append(
            DocumentRecord(id: "\(prefix)-D\(number)", client: client(), receivedOn: today, channel: .email, kind: .cost, amount: amount(100, 1_000_000))
        )
    }
    for number in 0..<250 {
        let amount = amount(10_000, 500_000)
        records.append(
            InstallmentRecord(
                id: "\(prefix)-I\(number)",
                client: client(),
                invoiceID: "\(prefix)-F\(number)",
                invoiceDate: today,
                dueDate: today.advanced(by: 30),
                amount: amount
            )
        )
    }
    for number in 0..<250 {
        records.append(CreditDocumentRecord(id: "\(prefix)-P\(number)", kind: .payment, client: client(), date: today, amount: amount(5_000, 100_000)))
    }
    return records
}

/// The `batch committed` lines (info level) of a worker's log from line `from` on: per batch,
/// its partitions, records and fetch / compute / commit milliseconds.
func batchLines(_ worker: Child, from: Int) -> (lines: Int, batches: [[String: Double]]) {
    let text = (try? String(contentsOf: worker.log, encoding: .utf8)) ?? ""
    let lines = text.split(separator: "\n")
    let batches = lines.dropFirst(from).filter { $0.contains("batch committed") }.map { line in
        var values: [String: Double] = [:]
        for field in line.split(separator: " ") {
            let pair = field.split(separator: "=", maxSplits: 1)
            if pair.count == 2, let value = Double(pair[1]) { values[String(pair[0])] = value }
        }
        return values
    }
    return (lines.count, batches)
}

func lag(_ options: Options, gateway: Child, session: BenchmarkSession, parameters: DemoFirmParameters, directory: URL) async throws {
    let workers = try startWorkers(1, session: session, worker: options.worker, directory: directory, tag: "lag", logLevel: "info", concurrency: options.workerConcurrency,
        maxPartitions: options.workerMaxPartitions, recordCache: options.workerRecordCache)
    defer { for worker in workers { worker.stop() } }
    try await waitUntilPublished(session)
    var salt = UInt64(truncatingIfNeeded: Int64(Date().timeIntervalSince1970 * 1000))
    for composition in ["one-client", "spread"] {
        // A seed per composition: batch i sends its rows to the same clients whatever --batches
        // was (a shared sequence moved the spread rows to other clients after a run of another length).
        var random: UInt64 = composition == "spread" ? 0x5EED_5B2E : 0x5EED
        var logStart = 0
        var cpuStart = (gateway: 0.0, worker: 0.0)
        var warmupLags: [Double] = []
        var lags: [Double] = []
        var partitions: [Double] = []
        for index in 0..<(options.warmup + options.batches) {
            if index == options.warmup {
                logStart = workers.first.map { batchLines($0, from: 0).lines } ?? 0
                cpuStart = (gateway.cpuSeconds, workers.first?.cpuSeconds ?? 0)
            }
            let batch = lagBatch(index: index, composition: composition, parameters: parameters, random: &random, salt: &salt)
            let report = try await session.ingest(batch)
            let committed = ContinuousClock.now
            guard report.committed, report.rejected == 0 else {
                output("WARNING lag batch \(index) rejected \(report.rejected): \(report.rejections.first.map { "\($0.reason) \($0.message)" } ?? "")")
                continue
            }
            while try await session.status().freshness.watermarkSequence < report.sequence {
                try await Task.sleep(for: .milliseconds(5))
            }
            let lag = seconds(ContinuousClock.now - committed) * 1000
            if index < options.warmup {
                warmupLags.append(lag)
            } else {
                lags.append(lag)
                partitions.append(Double(report.dirtyPartitions))
            }
        }
        output(
            "LAG composition=\(composition) warmup=\(warmupLags.count) batches=\(lags.count) rows=1000 partitions_per_batch=\(String(format: "%.0f", median(partitions))) "
                + "p50_ms=\(String(format: "%.0f", percentile(lags, 0.5))) p90_ms=\(String(format: "%.0f", percentile(lags, 0.9))) "
                + "p99_ms=\(String(format: "%.0f", percentile(lags, 0.99))) max_ms=\(String(format: "%.0f", lags.max() ?? 0))"
        )
        // What a measured batch cost each process in CPU (the two cores are shared: a batch's lag
        // is at least half their sum).
        let measured = Double(max(lags.count, 1))
        output(
            "LAG-CPU composition=\(composition) gateway_ms_per_batch=\(String(format: "%.0f", (gateway.cpuSeconds - cpuStart.gateway) * 1000 / measured)) "
                + "worker_ms_per_batch=\(String(format: "%.0f", ((workers.first?.cpuSeconds ?? 0) - cpuStart.worker) * 1000 / measured))"
        )
        // The warm-up batches: the first after the worker started finds nothing of this
        // composition's clients in its caches.
        output(
            "LAG-WARMUP composition=\(composition) batches=\(warmupLags.count) cold_ms=\(String(format: "%.0f", warmupLags.first ?? 0)) "
                + "ms=\(warmupLags.map { String(format: "%.0f", $0) }.joined(separator: ","))"
        )
        // Each measured batch's lag in order.
        output("LAG-SERIES composition=\(composition) ms=\(lags.map { String(format: "%.0f", $0) }.joined(separator: ","))")
        if let worker = workers.first {
            let memory = worker.memoryMiB
            output("LAG-MEMORY composition=\(composition) worker_rss_mib=\(String(format: "%.0f", memory.resident)) worker_peak_mib=\(String(format: "%.0f", memory.peak))")
        }
        // Where a worker batch's time goes (medians over the worker's batches of this composition).
        let batches = workers.first.map { batchLines($0, from: logStart).batches } ?? []
        func medianOf(_ key: String) -> String { String(format: "%.0f", median(batches.compactMap { $0[key] })) }
        output(
            "LAG-BATCHES composition=\(composition) worker_batches=\(batches.count) partitions=\(medianOf("partitions")) records=\(medianOf("records")) changed_clients=\(medianOf("changed_clients")) "
                + "shares_reused=\(medianOf("shares_reused")) shares_computed=\(medianOf("shares_computed")) "
                + "fetch_ms=\(medianOf("fetch_ms")) compute_ms=\(medianOf("compute_ms")) commit_ms=\(medianOf("commit_ms")) elapsed_ms=\(medianOf("elapsed_ms"))"
        )
    }
}

// MARK: - Main

let options = parseOptions()
do {
    let directory = URL(fileURLWithPath: options.data ?? (NSTemporaryDirectory() + "pilotage-bench-worker-\(UUID().uuidString)"))
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let (gateway, session, parameters) = try await setUpBenchmarkFirm(gateway: options.gateway, size: options.size, today: today, directory: directory)
    var firstRun = true
    for name in options.names {
        switch name {
        case "rebuild-1", "rebuild-2":
            let count = name == "rebuild-1" ? 1 : 2
            var partitionRates: [Double] = []
            var factRates: [Double] = []
            for run in 1...max(options.runs, 1) {
                let result = try await rebuild(workers: count, options, session: session, parameters: parameters, directory: directory, run: run, firstRun: firstRun)
                firstRun = false
                partitionRates.append(Double(result.partitions) / result.seconds)
                factRates.append(Double(result.facts) / result.seconds)
                output(
                    "RESULT name=\(name) run=\(run) partitions=\(result.partitions) facts=\(result.facts) secs=\(String(format: "%.1f", result.seconds)) "
                        + "partitions_per_s=\(String(format: "%.0f", partitionRates.last ?? 0)) facts_per_s=\(String(format: "%.0f", factRates.last ?? 0))"
                )
            }
            output("MEDIAN name=\(name) partitions_per_s=\(String(format: "%.0f", median(partitionRates))) facts_per_s=\(String(format: "%.0f", median(factRates)))")
        case "lag":
            try await lag(options, gateway: gateway, session: session, parameters: parameters, directory: directory)
        default:
            break
        }
    }
    session.client.close()
    gateway.stop()
    if !options.keep { try? FileManager.default.removeItem(at: directory) }
} catch {
    exitAfterFailure("WorkerBenchmark", error)
}
