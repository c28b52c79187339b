// Dashboard benchmarks (tools/bench-dashboard, release build), over real processes on loopback:
// a pilotage-gateway and pilotage-worker children, this process as a back-office client.
//
//   large   the large demo firm (5,000 clients, 2,000,000 documents, 500,000 installments),
//           published by two workers: latency of level 1 (Receivables/Summary, its default
//           breakdown of 10 offices and 10 collaborators; then, apart and without target, the
//           same mix with every office and collaborator line) and level 2
//           (Receivables/Series, 12 months, monthly) for a random mix of filters and dates, one
//           call at a time; the practice dashboard's level 1 and level 2 (Practice/Summary and
//           Practice/Series) for the same mix, as many calls, same targets; practice and
//           receivables level 1 right after a commit (40 one-row ingestions, each published, then
//           one answer timed: `large-practice-level1-after-commit`, `large-level1-after-commit`,
//           no target); then the firm-wide answers recomputed from raw facts in the same run
//           (`verify: true`: the gateway times its raw-facts computation) and the ratio raw /
//           rollup latency of that same request. Targets: level 1 p99 <= 5 ms, level 2 p99 <= 10 ms, ratio >= 1,000.
//   firms   a gateway holding N small firms (default 1,000; 10 clients each): level-1 and level-2
//           latency for a random firm and filter per call, once the gateway has answered each
//           firm once (that first answer per firm is reported as `firms-level1-first-touch`).
//
// Prints `LATENCY name=… n=… p50_ms=… p99_ms=…`, `RAW …` and `RATIO …` lines, and `CODEC …`: the
// size of the firm-wide level-1 reply and what encoding and decoding it cost in this process.
//
// Usage: DashboardBenchmark --gateway PATH --worker PATH [--size small|medium|large] [--firms N]
//                           [--requests N] [--raw N] [--data DIR] [--keep] [--kind KIND]
//                           [--worker-idle-poll-ms N] [large] [firms]
// --kind draws only one kind of filter (none, office, collaborator, mode, frequency,
// with-deactivated, office+mode, collaborator+frequency, two-collaborators+deactivated).

internal import BenchmarkSupport
internal import Foundation
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
    var firms = 1_000
    var requests = 1_000
    var raw = 5
    var data: String?
    var keep = false
    /// Only this filter kind (for profiling one kind), or every kind.
    var kind: String?
    /// The workers' `--idle-poll-ms` (their default when not given).
    var workerIdlePoll: Int?
    var names: [String] = []
}

let usage = """
    usage: DashboardBenchmark --gateway PATH --worker PATH [--size small|medium|large] [--firms N]
                              [--requests N] [--raw N] [--data DIR] [--keep] [--kind KIND]
                              [--worker-idle-poll-ms N] [large] [firms]
    """

func parseOptions() -> Options {
    var options = Options()
    var common = ProcessBenchmarkOptions(size: options.size)
    var arguments = BenchmarkArguments(usage: usage)
    while let argument = arguments.next() {
        if common.take(argument, from: &arguments) { continue }
        switch argument {
        case "--firms": options.firms = arguments.count(of: argument)
        case "--requests": options.requests = arguments.count(of: argument)
        case "--raw": options.raw = arguments.count(of: argument)
        case "--kind": options.kind = arguments.value(of: argument)
        case "--worker-idle-poll-ms": options.workerIdlePoll = arguments.count(of: argument)
        case "large", "firms": options.names.append(argument)
        default: arguments.fail("unknown argument '\(argument)'")
        }
    }
    common = common.checked(arguments)
    (options.gateway, options.worker, options.size, options.data, options.keep) = (common.gateway, common.worker, common.size, common.data, common.keep)
    if options.names.isEmpty { options.names = ["large", "firms"] }
    return options
}

let today = CalendarDate(year: 2025, month: 6, day: 30) ?? CalendarDate.min
let series = ReceivablesDashboardService.series

/// A deterministic generator (SplitMix64) so every run asks the same mix.
struct Random {
    var state: UInt64

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(self.next() % UInt64(max(bound, 1))) }

    mutating func pick<T>(_ values: [T]) -> T? { values.isEmpty ? nil : values[self.below(values.count)] }
}

/// The firm's offices and collaborators, for filters.
struct Staff {
    var offices: [String] = []
    var collaborators: [String] = []

    /// A random filter among the dashboard's axes (and a few combinations).
    func filter(_ random: inout Random) -> ClientFilterMessage? { self.labelledFilter(&random).filter }

    /// Draws only this kind of filter when set (`--kind`).
    var only: String?

    /// A random filter and the name of its kind, for the per-kind figures.
    func labelledFilter(_ random: inout Random) -> (kind: String, filter: ClientFilterMessage?) {
        while let only = self.only {
            let drawn = self.anyFilter(&random)
            if drawn.kind == only { return drawn }
        }
        return self.anyFilter(&random)
    }

    private func anyFilter(_ random: inout Random) -> (kind: String, filter: ClientFilterMessage?) {
        switch random.below(9) {
        case 0: return ("none", nil)
        case 1: return ("office", ClientFilterMessage(offices: random.pick(self.offices).map { [$0] }))
        case 2: return ("collaborator", ClientFilterMessage(collaborators: random.pick(self.collaborators).map { [$0] }))
        case 3: return ("mode", ClientFilterMessage(bookkeepingMode: random.below(2) == 0 ? .firm : .client))
        case 4: return ("frequency", ClientFilterMessage(frequency: SendingFrequency.allCases[random.below(3)]))
        case 5: return ("with-deactivated", ClientFilterMessage(includeDeactivated: true))
        case 6: return ("office+mode", ClientFilterMessage(offices: random.pick(self.offices).map { [$0] }, bookkeepingMode: .firm))
        case 7: return ("collaborator+frequency", ClientFilterMessage(collaborators: random.pick(self.collaborators).map { [$0] }, frequency: .monthly))
        default:
            let two = [random.pick(self.collaborators), random.pick(self.collaborators)].compactMap { $0 }
            return ("two-collaborators+deactivated", ClientFilterMessage(collaborators: two, includeDeactivated: true))
        }
    }
}

/// Latencies labelled by filter kind, reported per kind after the overall figures.
struct KindLatencies {
    var values: [String: [Double]] = [:]

    mutating func add(_ kind: String, _ milliseconds: Double) { self.values[kind, default: []].append(milliseconds) }

    func report(_ name: String) {
        for (kind, values) in self.values.sorted(by: { $0.key < $1.key }) {
            output(String(format: "LATENCY-KIND name=%@ kind=%@ n=%d p50_ms=%.3f p99_ms=%.3f max_ms=%.3f", name, kind, values.count, percentile(values, 0.5), percentile(values, 0.99), values.max() ?? 0))
        }
    }
}

struct Gateway {
    let child: Child
    let client: RPCClient
    let operatorMetadata: Metadata
    let address: String
    let directory: URL

    func metadata(firm: String, token: String) -> Metadata {
        [MetadataKey.authorization: token, MetadataKey.tenant: firm]
    }

    func pending() async throws -> Int {
        let reply = try await self.client.unary(StatusService.get, StatusRequest(firmID: nil), metadata: self.operatorMetadata)
        return reply.firms.reduce(0) { $0 + $1.freshness.pendingPartitions }
    }

    func waitUntilPublished(timeout: Duration = .seconds(14_400)) async throws {
        let deadline = ContinuousClock.now + timeout
        var lastReport = ContinuousClock.now
        while true {
            let pending = try await self.pending()
            if pending == 0 { return }
            guard ContinuousClock.now < deadline else { throw BenchmarkError(message: "partitions still pending after \(timeout)") }
            if ContinuousClock.now - lastReport > .seconds(30) {
                output("WAIT pending=\(pending)")
                lastReport = .now
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    func ingest(_ records: [any IngestibleRecord], metadata: Metadata) async throws -> IngestReport {
        let encoder = WireEncoder()
        let rows = try records.map { IngestRow(kind: type(of: $0).entityKind, payload: Data(try encoder.encode($0))) }
        return try await self.client.clientStreaming(IngestionService.ingestBatch, metadata: metadata) { writer in
            var start = 0
            while start < rows.count {
                let end = min(start + 2_500, rows.count)
                try await writer.write(IngestChunk(rows: Array(rows[start..<end])))
                start = end
            }
        }
    }

    /// Creates `firm` (if new), a back-office credential for it; ingests the generated firm when
    /// new; returns the token and the firm's staff.
    func provision(firm: String, parameters: DemoFirmParameters, fresh: Bool, only: String? = nil) async throws -> (String, Staff) {
        if fresh {
            _ = try await self.client.unary(OperatorService.createFirm, CreateFirmRequest(firmID: firm, name: firm), metadata: self.operatorMetadata)
        }
        let credential = try await self.client.unary(
            OperatorService.issueCredential,
            IssueCredentialRequest(kind: .backOffice, firms: [firm], label: "bench-\(firm)"),
            metadata: self.operatorMetadata
        )
        var staff = Staff(only: only)
        for batch in try DemoFirmGenerator(parameters: parameters) {
            switch batch {
            case .organisationUnits(let units): staff.offices += units.filter { $0.kind == .office }.map(\.id)
            case .collaborators(let people): staff.collaborators += people.map(\.id)
            default: break
            }
            guard fresh else {
                if case .clients = batch { break }
                continue
            }
            let report = try await self.ingest(batch.records, metadata: self.metadata(firm: firm, token: credential.token))
            if report.rejected > 0 {
                output("WARNING \(firm): \(report.rejected) row(s) rejected: \(report.rejections.first.map { "\($0.reason) \($0.message)" } ?? "")")
            }
        }
        return (credential.token, staff)
    }

    func startWorkers(_ count: Int, executable: String, idlePoll: Int?) async throws -> [Child] {
        let worker = try await self.client.unary(OperatorService.issueCredential, IssueCredentialRequest(kind: .worker, label: "bench"), metadata: self.operatorMetadata)
        let tokenFile = self.directory.appendingPathComponent("worker.token")
        try Data(worker.token.utf8).write(to: tokenFile)
        return try (1...count).map { index in
            try Child(
                executable: executable,
                arguments: [
                    "--address", self.address, "--token-file", tokenFile.path, "--worker-id", "bench-\(index)",
                    "--lease-seconds", "30", "--log-level", "warning",
                ] + (idlePoll.map { ["--idle-poll-ms", "\($0)"] } ?? []),
                log: self.directory.appendingPathComponent("worker-\(index).log"),
                readyPrefix: "worker "
            )
        }
    }
}

func startGateway(_ options: Options, directory: URL) async throws -> (Gateway, fresh: Bool) {
    let data = directory.appendingPathComponent("data")
    let fresh = !FileManager.default.fileExists(atPath: data.appendingPathComponent("catalog.sqlite").path)
    let child = try Child(
        executable: options.gateway,
        // The tenant pool holds every firm of the run (1,000 small firms: each answer from an
        // open file, as a gateway sized for its firms would serve them).
        arguments: [
            "--data", data.path, "--port", "0", "--today", "\(today)", "--log-level", "error",
            "--pool-capacity", "\(max(256, options.firms + 16))",
        ],
        log: directory.appendingPathComponent("gateway.log"),
        readyPrefix: "listening on "
    )
    guard let port = child.firstLine.split(separator: ":").last.flatMap({ Int($0) }) else {
        throw BenchmarkError(message: "no port in the gateway's ready line '\(child.firstLine)'")
    }
    let client = RPCClient(transport: TCPClientTransport(host: "127.0.0.1", port: port), logger: .silent())
    let operatorToken = try String(contentsOf: data.appendingPathComponent("operator.token"), encoding: .utf8)
        .trimmingCharacters(in: .whitespacesAndNewlines)
    let gateway = Gateway(
        child: child,
        client: client,
        operatorMetadata: [MetadataKey.authorization: operatorToken],
        address: "127.0.0.1:\(port)",
        directory: directory
    )
    return (gateway, fresh)
}

/// Times `count` calls made one after the other; milliseconds per call.
func latencies(_ count: Int, _ call: (Int) async throws -> Void) async throws -> [Double] {
    var values: [Double] = []
    values.reserveCapacity(count)
    for index in 0..<count {
        let started = ContinuousClock.now
        try await call(index)
        values.append(seconds(ContinuousClock.now - started) * 1000)
    }
    return values
}

func report(_ name: String, _ values: [Double], target: Double? = nil) {
    let p99 = percentile(values, 0.99)
    let verdict = target.map { p99 <= $0 ? " target_p99_ms=\($0) MET" : " target_p99_ms=\($0) MISSED" } ?? ""
    output(String(format: "LATENCY name=%@ n=%d p50_ms=%.3f p99_ms=%.3f max_ms=%.3f", name, values.count, percentile(values, 0.5), p99, values.max() ?? 0) + verdict)
}

func level2Request(_ random: inout Random, staff: Staff) -> (kind: String, request: SeriesRequest) {
    let (kind, filter) = staff.labelledFilter(&random)
    return (kind, SeriesRequest(periodicity: .month, from: today.adding(months: -12).map { $0.advanced(by: 1) }, to: today, filter: filter))
}

func large(_ options: Options, gateway: Gateway, fresh: Bool) async throws {
    let firm = "bench-large"
    let parameters = DemoFirmParameters(size: options.size, today: today, seed: 42)
    let started = ContinuousClock.now
    let (token, staff) = try await gateway.provision(firm: firm, parameters: parameters, fresh: fresh, only: options.kind)
    if fresh { output(String(format: "INGEST firm=%@ size=%@ secs=%.1f", firm, options.size.rawValue, seconds(ContinuousClock.now - started))) }
    let workers = try await gateway.startWorkers(2, executable: options.worker, idlePoll: options.workerIdlePoll)
    defer { workers.forEach { $0.stop() } }
    let publishing = ContinuousClock.now
    try await gateway.waitUntilPublished()
    output(String(format: "PUBLISHED firm=%@ secs=%.1f", firm, seconds(ContinuousClock.now - publishing)))
    let metadata = gateway.metadata(firm: firm, token: token)

    var random = Random(state: 7)
    let warm = min(50, options.requests)
    _ = try await latencies(warm) { _ in
        _ = try await gateway.client.unary(ReceivablesDashboardService.summary, ReceivablesSummaryRequest(filter: staff.filter(&random)), metadata: metadata)
    }
    var kinds1 = KindLatencies()
    let level1 = try await latencies(options.requests) { _ in
        let asOf = today.advanced(by: -random.below(60))
        let (kind, filter) = staff.labelledFilter(&random)
        let started = ContinuousClock.now
        _ = try await gateway.client.unary(ReceivablesDashboardService.summary, ReceivablesSummaryRequest(asOf: asOf, filter: filter), metadata: metadata)
        kinds1.add(kind, seconds(ContinuousClock.now - started) * 1000)
    }
    report("large-level1", level1, target: 5)
    kinds1.report("large-level1")
    // The same mix with every office and collaborator line (`breakdown_limit` at its maximum
    // instead of the default 10): what the whole team table costs in one answer (no target).
    let wholeTeam = try await latencies(max(options.requests / 5, 1)) { _ in
        let asOf = today.advanced(by: -random.below(60))
        let request = ReceivablesSummaryRequest(asOf: asOf, filter: staff.filter(&random), breakdownLimit: ReceivablesSummaryRequest.maximumBreakdownLimit)
        _ = try await gateway.client.unary(ReceivablesDashboardService.summary, request, metadata: metadata)
    }
    report("large-level1-whole-team", wholeTeam)

    // The practice dashboard (kpi-definitions §7) with the same mix of filters and dates, as
    // many calls, and the same targets.
    var practiceKinds = KindLatencies()
    let practice1 = try await latencies(options.requests) { _ in
        let (kind, filter) = staff.labelledFilter(&random)
        let request = PracticeSummaryRequest(asOf: today.advanced(by: -random.below(60)), filter: filter)
        let started = ContinuousClock.now
        _ = try await gateway.client.unary(PracticeDashboardService.summary, request, metadata: metadata)
        practiceKinds.add(kind, seconds(ContinuousClock.now - started) * 1000)
    }
    report("large-practice-level1", practice1, target: 5)
    practiceKinds.report("large-practice-level1")
    let practice2 = try await latencies(options.requests) { _ in
        _ = try await gateway.client.unary(PracticeDashboardService.series, level2Request(&random, staff: staff).request, metadata: metadata)
    }
    report("large-practice-level2-12m-monthly", practice2, target: 10)

    // Level 1 right after a commit, as while a firm ingests: one installment of the day for a
    // random client, published by the workers, then one answer, practice and receivables in
    // turn (no target; what an ingestion and its commit cost the next answer: the gateway
    // rebuilds what it derives from the groups only when a batch changed them, and re-reads
    // their first days only when a commit moved one). The kept firm's BENCH-COMMIT-*
    // installments are rewritten each run.
    var salt = UInt64(truncatingIfNeeded: Int64(Date().timeIntervalSince1970 * 1000))
    var practiceAfterCommit: [Double] = []
    var receivablesAfterCommit: [Double] = []
    for index in 0..<40 {
        salt = salt &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let installment = InstallmentRecord(
            id: "BENCH-COMMIT-\(index)",
            client: "CLI-\(String(format: "%05d", random.below(parameters.clients) + 1))",
            invoiceID: "BENCH-COMMIT-F\(index)",
            invoiceDate: today,
            dueDate: today.advanced(by: 30),
            amount: Int64(1_000 + Int(truncatingIfNeeded: salt >> 33) % 100_000)
        )
        let report = try await gateway.ingest([installment], metadata: metadata)
        guard report.committed, report.rejected == 0 else { throw BenchmarkError(message: "commit batch \(index) rejected") }
        try await gateway.waitUntilPublished()
        let (_, filter) = staff.labelledFilter(&random)
        let asOf = today.advanced(by: -random.below(60))
        let started = ContinuousClock.now
        if index.isMultiple(of: 2) {
            _ = try await gateway.client.unary(PracticeDashboardService.summary, PracticeSummaryRequest(asOf: asOf, filter: filter), metadata: metadata)
            practiceAfterCommit.append(seconds(ContinuousClock.now - started) * 1000)
        } else {
            _ = try await gateway.client.unary(ReceivablesDashboardService.summary, ReceivablesSummaryRequest(asOf: asOf, filter: filter), metadata: metadata)
            receivablesAfterCommit.append(seconds(ContinuousClock.now - started) * 1000)
        }
    }
    report("large-practice-level1-after-commit", practiceAfterCommit)
    report("large-level1-after-commit", receivablesAfterCommit)

    var level2: [Double] = []
    do {
        var kinds2 = KindLatencies()
        level2 = try await latencies(options.requests) { _ in
            let (kind, request) = level2Request(&random, staff: staff)
            let started = ContinuousClock.now
            _ = try await gateway.client.unary(series, request, metadata: metadata)
            kinds2.add(kind, seconds(ContinuousClock.now - started) * 1000)
        }
        report("large-level2-12m-monthly", level2, target: 10)
        kinds2.report("large-level2-12m-monthly")
    } catch let error as RPCError where error.code == .unimplemented || error.code == .notFound {
        output("SKIP large-level2: \(error.message)")
    }

    // The same answers from raw facts, timed by the gateway in the same run: the whole firm
    // (the dashboards' default view and the costliest raw computation), against the rollup
    // latency of exactly that request (20 calls, median).
    let firmWide = ReceivablesSummaryRequest(asOf: today)
    let firmWideLevel1 = try await latencies(20) { _ in
        _ = try await gateway.client.unary(ReceivablesDashboardService.summary, firmWide, metadata: metadata)
    }
    // What the reply's size alone costs: encoding it (the gateway) and decoding it (the client)
    // in this process, 20 times each, medians; and the gateway's own time for it (`verify`).
    let firmWideReply = try await gateway.client.unary(ReceivablesDashboardService.summary, firmWide, metadata: metadata)
    let replyBytes = try WireEncoder().encode(firmWideReply)
    let encodeTimes = try await latencies(20) { _ in _ = try WireEncoder().encode(firmWideReply) }
    let decodeTimes = try await latencies(20) { _ in _ = try WireDecoder().decode(ReceivablesSummaryReply.self, from: replyBytes) }
    let sections = firmWideReply.sections
    output(
        String(
            format: "CODEC name=large-level1 filter=none bytes=%d team_lines=%d axis_lines=%d encode_median_ms=%.3f decode_median_ms=%.3f rollup_p50_ms=%.3f",
            replyBytes.count, sections?.team.count ?? 0, sections?.agedByAxis.count ?? 0, median(encodeTimes), median(decodeTimes), median(firmWideLevel1)
        )
    )
    // The same for the firm-wide practice answer.
    let practiceWide = PracticeSummaryRequest(asOf: today)
    let practiceWideLevel1 = try await latencies(20) { _ in
        _ = try await gateway.client.unary(PracticeDashboardService.summary, practiceWide, metadata: metadata)
    }
    let practiceReply = try await gateway.client.unary(PracticeDashboardService.summary, practiceWide, metadata: metadata)
    let practiceBytes = try WireEncoder().encode(practiceReply)
    let practiceEncode = try await latencies(20) { _ in _ = try WireEncoder().encode(practiceReply) }
    let practiceDecode = try await latencies(20) { _ in _ = try WireDecoder().decode(PracticeSummaryReply.self, from: practiceBytes) }
    output(
        String(
            format: "CODEC name=large-practice-level1 filter=none bytes=%d collaborator_lines=%d encode_median_ms=%.3f decode_median_ms=%.3f rollup_p50_ms=%.3f",
            practiceBytes.count, practiceReply.summary.byCollaborator.count, median(practiceEncode), median(practiceDecode), median(practiceWideLevel1)
        )
    )
    var raw1: [Double] = []
    var rollup1: [Double] = []
    var unequal = 0
    for _ in 0..<options.raw {
        var request = firmWide
        request.verify = true
        let reply = try await gateway.client.unary(ReceivablesDashboardService.summary, request, metadata: metadata, deadline: .now + .seconds(3_600))
        guard let verification = reply.verification else { continue }
        raw1.append(verification.referenceMilliseconds)
        rollup1.append(verification.rollupMilliseconds)
        if !verification.equal { unequal += 1 }
    }
    output(String(format: "RAW name=large-level1 filter=none n=%d raw_median_ms=%.1f rollup_server_median_ms=%.3f unequal=%d", raw1.count, median(raw1), median(rollup1), unequal))
    output(String(format: "RATIO name=large-level1 filter=none rollup_p50_ms=%.3f raw_median/rollup_p50=%.0f target=1000", median(firmWideLevel1), median(raw1) / max(median(firmWideLevel1), 0.001)))
    if !level2.isEmpty {
        let firmWideSeries = SeriesRequest(periodicity: .month, from: today.adding(months: -12).map { $0.advanced(by: 1) }, to: today)
        let firmWideLevel2 = try await latencies(20) { _ in
            _ = try await gateway.client.unary(series, firmWideSeries, metadata: metadata)
        }
        var raw2: [Double] = []
        for _ in 0..<options.raw {
            var request = firmWideSeries
            request.verify = true
            let reply = try await gateway.client.unary(series, request, metadata: metadata, deadline: .now + .seconds(3_600))
            if let verification = reply.verification {
                raw2.append(verification.referenceMilliseconds)
                if !verification.equal { unequal += 1 }
            }
        }
        output(String(format: "RAW name=large-level2 filter=none n=%d raw_median_ms=%.1f unequal=%d", raw2.count, median(raw2), unequal))
        output(String(format: "RATIO name=large-level2 filter=none rollup_p50_ms=%.3f raw_median/rollup_p50=%.0f", median(firmWideLevel2), median(raw2) / max(median(firmWideLevel2), 0.001)))
    }
    // The firm-wide practice answer from raw facts, against its rollup latency measured above.
    var rawPractice: [Double] = []
    var unequalPractice = 0
    for _ in 0..<options.raw {
        var request = practiceWide
        request.verify = true
        let reply = try await gateway.client.unary(PracticeDashboardService.summary, request, metadata: metadata, deadline: .now + .seconds(3_600))
        guard let verification = reply.verification else { continue }
        rawPractice.append(verification.referenceMilliseconds)
        if !verification.equal { unequalPractice += 1 }
    }
    output(String(format: "RAW name=large-practice-level1 filter=none n=%d raw_median_ms=%.1f unequal=%d", rawPractice.count, median(rawPractice), unequalPractice))
    output(
        String(
            format: "RATIO name=large-practice-level1 filter=none rollup_p50_ms=%.3f raw_median/rollup_p50=%.0f target=1000",
            median(practiceWideLevel1),
            median(rawPractice) / max(median(practiceWideLevel1), 0.001)
        )
    )
}

func smallFirms(_ options: Options, gateway: Gateway, fresh: Bool) async throws {
    var parameters = DemoFirmParameters(size: .small, today: today, seed: 1)
    (parameters.regions, parameters.agencies, parameters.offices, parameters.collaborators) = (1, 1, 2, 4)
    (parameters.clients, parameters.documents, parameters.installments, parameters.deals) = (10, 300, 100, 3)
    let started = ContinuousClock.now
    var firms: [(String, String, Staff)] = []
    for index in 0..<options.firms {
        parameters.seed = UInt64(index + 1)
        let firm = String(format: "small-%04d", index)
        let (token, staff) = try await gateway.provision(firm: firm, parameters: parameters, fresh: fresh, only: options.kind)
        firms.append((firm, token, staff))
    }
    if fresh { output(String(format: "INGEST firms=%d secs=%.1f", options.firms, seconds(ContinuousClock.now - started))) }
    let workers = try await gateway.startWorkers(2, executable: options.worker, idlePoll: options.workerIdlePoll)
    defer { workers.forEach { $0.stop() } }
    let publishing = ContinuousClock.now
    try await gateway.waitUntilPublished()
    output(String(format: "PUBLISHED firms=%d secs=%.1f", options.firms, seconds(ContinuousClock.now - publishing)))

    var random = Random(state: 11)
    // Steady state: a gateway that has answered each of its firms once (file open, statements
    // prepared, groups cached). That first answer per firm is measured and reported on its own.
    let firstTouch = try await latencies(firms.count) { index in
        let (firm, token, staff) = firms[index]
        let request = ReceivablesSummaryRequest(filter: staff.filter(&random))
        _ = try await gateway.client.unary(ReceivablesDashboardService.summary, request, metadata: gateway.metadata(firm: firm, token: token))
    }
    report("firms-level1-first-touch", firstTouch)
    let level1 = try await latencies(options.requests) { _ in
        guard let (firm, token, staff) = random.pick(firms) else { return }
        let request = ReceivablesSummaryRequest(asOf: today.advanced(by: -random.below(60)), filter: staff.filter(&random))
        _ = try await gateway.client.unary(ReceivablesDashboardService.summary, request, metadata: gateway.metadata(firm: firm, token: token))
    }
    report("firms-level1", level1, target: 5)
    do {
        let level2 = try await latencies(options.requests) { _ in
            guard let (firm, token, staff) = random.pick(firms) else { return }
            _ = try await gateway.client.unary(series, level2Request(&random, staff: staff).request, metadata: gateway.metadata(firm: firm, token: token))
        }
        report("firms-level2-12m-monthly", level2, target: 10)
    } catch let error as RPCError where error.code == .unimplemented || error.code == .notFound {
        output("SKIP firms-level2: \(error.message)")
    }
}

let options = parseOptions()
do {
    for name in options.names {
        let directory: URL
        if let data = options.data {
            directory = URL(fileURLWithPath: data).appendingPathComponent(name)
        } else {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-dashboard-\(name)-\(UUID().uuidString)")
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let (gateway, fresh) = try await startGateway(options, directory: directory)
        switch name {
        case "large": try await large(options, gateway: gateway, fresh: fresh)
        case "firms": try await smallFirms(options, gateway: gateway, fresh: fresh)
        default: break
        }
        gateway.client.close()
        gateway.child.stop()
        if !options.keep && options.data == nil { try? FileManager.default.removeItem(at: directory) }
    }
} catch {
    exitAfterFailure("DashboardBenchmark", error)
}
