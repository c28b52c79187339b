// Dashboard latency benchmarks (tools/bench-practice-prospects, release build), over real processes on
// loopback: a pilotage-gateway and one pilotage-worker child publish a generated firm, then this
// process calls the practice and prospects dashboards (levels 1, 2 and 3) `--calls` times each
// and prints the median and p90 latency of every call as seen by the client, and, once per
// level-1 and level-2 method, the verification mode's rollup and raw-facts times.
//
// Prints `RESULT name=… calls=… median_ms=… p90_ms=… gateway_cpu_ms_per_call=…` and `VERIFY name=… equal=… rollup_ms=…
// reference_ms=…`.
//
// Usage: PracticeProspectsBenchmark --gateway PATH --worker PATH [--size small|medium|large] [--calls N]
//                                   [--data DIR] [--keep]

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
    var size = DemoFirmSize.small
    var calls = 30
    var data: String?
    var keep = false
}

let usage = """
    usage: PracticeProspectsBenchmark --gateway PATH --worker PATH [--size small|medium|large] [--calls N]
                                      [--data DIR] [--keep]
    """

func parseOptions() -> Options {
    var options = Options()
    var common = ProcessBenchmarkOptions(size: options.size)
    var arguments = BenchmarkArguments(usage: usage)
    while let argument = arguments.next() {
        if common.take(argument, from: &arguments) { continue }
        switch argument {
        case "--calls": options.calls = max(1, arguments.count(of: argument))
        default: arguments.fail("unknown argument '\(argument)'")
        }
    }
    common = common.checked(arguments)
    (options.gateway, options.worker, options.size, options.data, options.keep) = (common.gateway, common.worker, common.size, common.data, common.keep)
    return options
}

let today = CalendarDate(year: 2025, month: 6, day: 30) ?? CalendarDate.min

// MARK: - Benchmarks

/// CPU time (user + system) a process has used, milliseconds, from `/proc/<pid>/stat`: robust
/// to a machine shared with other work, unlike wall-clock latency.
func cpuMilliseconds(pid: Int32) -> Double {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = text.lastIndex(of: ")")
    else { return 0 }
    // Fields after the command name: state is field 3, utime 14, stime 15.
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) * 1000 / Double(sysconf(Int32(_SC_CLK_TCK)))
}

func measure(gateway: Int32, _ name: String, calls: Int, _ body: () async throws -> Void) async throws {
    try await body()  // warm-up (opens the firm, fills caches)
    var times: [Double] = []
    let cpuBefore = cpuMilliseconds(pid: gateway)
    for _ in 0..<calls {
        let started = ContinuousClock.now
        try await body()
        times.append(seconds(ContinuousClock.now - started) * 1000)
    }
    let cpu = (cpuMilliseconds(pid: gateway) - cpuBefore) / Double(max(calls, 1))
    output(
        "RESULT name=\(name) calls=\(calls) median_ms=\(String(format: "%.2f", percentile(times, 0.5))) "
            + "p90_ms=\(String(format: "%.2f", percentile(times, 0.9))) gateway_cpu_ms_per_call=\(String(format: "%.1f", cpu))"
    )
}

func report(_ name: String, _ verification: DashboardVerification?) {
    guard let verification else { return }
    output(
        "VERIFY name=\(name) equal=\(verification.equal) rollup_ms=\(String(format: "%.1f", verification.rollupMilliseconds)) "
            + "reference_ms=\(String(format: "%.1f", verification.referenceMilliseconds))"
    )
    for difference in verification.differences.prefix(40) {
        output(
            "DIFFERENCE name=\(name) kpi=\(difference.kpi) date=\(difference.date?.description ?? "-") "
                + "rollup=\(difference.rollup?.text ?? "-") reference=\(difference.reference?.text ?? "-")"
        )
    }
}

let options = parseOptions()
do {
    let directory = URL(fileURLWithPath: options.data ?? NSTemporaryDirectory() + "dashboard-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let (gateway, session, _) = try await setUpBenchmarkFirm(gateway: options.gateway, size: options.size, today: today, directory: directory)
    let started = ContinuousClock.now
    let workers = try startWorkers(1, session: session, worker: options.worker, directory: directory, tag: "bench")
    try await waitUntilPublished(session)
    output("PUBLISHED size=\(options.size.rawValue) secs=\(String(format: "%.1f", seconds(ContinuousClock.now - started)))")

    let client = session.client
    let gatewayPID = gateway.process.processIdentifier
    let metadata = session.tenantMetadata
    let calls = options.calls
    try await measure(gateway: gatewayPID, "practice-summary", calls: calls) {
        _ = try await client.unary(PracticeDashboardService.summary, PracticeSummaryRequest(), metadata: metadata)
    }
    try await measure(gateway: gatewayPID, "practice-summary-office", calls: calls) {
        _ = try await client.unary(PracticeDashboardService.summary, PracticeSummaryRequest(filter: ClientFilterMessage(offices: ["BUR-001"])), metadata: metadata)
    }
    try await measure(gateway: gatewayPID, "practice-series-12-months", calls: calls) {
        _ = try await client.unary(PracticeDashboardService.series, SeriesRequest(), metadata: metadata)
    }
    try await measure(gateway: gatewayPID, "practice-series-90-days", calls: calls) {
        _ = try await client.unary(PracticeDashboardService.series, SeriesRequest(periodicity: .day, from: CalendarDate(year: 2025, month: 4, day: 2)), metadata: metadata)
    }
    try await measure(gateway: gatewayPID, "prospects-summary", calls: calls) {
        _ = try await client.unary(ProspectsDashboardService.summary, ProspectsSummaryRequest(), metadata: metadata)
    }
    try await measure(gateway: gatewayPID, "prospects-series", calls: calls) {
        _ = try await client.unary(ProspectsDashboardService.series, SeriesRequest(), metadata: metadata)
    }
    try await measure(gateway: gatewayPID, "prospects-deals-page", calls: calls) {
        _ = try await client.unary(ProspectsDashboardService.deals, TableRequest(sort: [SortKeyMessage(column: "potential_cents", descending: true)]), metadata: metadata)
    }
    try await measure(gateway: gatewayPID, "prospects-documents-page", calls: calls) {
        _ = try await client.unary(ProspectsDashboardService.deals, TableRequest(view: "documents"), metadata: metadata)
    }
    report("practice-summary", try await client.unary(PracticeDashboardService.summary, PracticeSummaryRequest(verify: true), metadata: metadata).verification)
    report("practice-series-12-months", try await client.unary(PracticeDashboardService.series, SeriesRequest(verify: true), metadata: metadata).verification)
    report("prospects-summary", try await client.unary(ProspectsDashboardService.summary, ProspectsSummaryRequest(verify: true), metadata: metadata).verification)
    report("prospects-series", try await client.unary(ProspectsDashboardService.series, SeriesRequest(verify: true), metadata: metadata).verification)

    for worker in workers { worker.stop() }
    gateway.stop()
    client.close()
    if !options.keep { try? FileManager.default.removeItem(at: directory) }
} catch {
    exitAfterFailure("PracticeProspectsBenchmark", error)
}
