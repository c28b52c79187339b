// Collection-supervisor benchmark (tools/bench-supervisor, release build), over a real
// pilotage-gateway child on loopback with this process as the client.
//
// The generated demo firm (large: 5,000 clients, 500,000 installments with their payments,
// allocations and collection events) is ingested once; practice documents are left out by default
// (`--documents N` puts them back): the supervisor never reads them (its queries select the
// receivables kinds through the (client, kind) index), they only make the ingestion long.
//
//   list-cold     Supervisor/List of the whole firm right after a firm-level change (a new strategy):
//                 every client's receivables are read and decoded again
//   list-after-action  the same right after one action was recorded (one client recomputed)
//   list-firm     Supervisor/List for the whole firm (back-office), first page of 50, grouped by client,
//                 from the cache of today's items
//   list-agent    the same as one collection agent (only their clients are read)
//   list-action   whole firm, grouped by action then client, sorted by open amount
//   client        Supervisor/Client of one client
//   preview       Supervisor/Preview of the next 5 business days, whole firm
//
// Prints `RESULT name=… secs=…` per run and `MEDIAN name=… ms=… items=…`.
//
// Usage: SupervisorBenchmark --gateway PATH [--size small|medium|large] [--documents N] [--runs N]
//                            [--data DIR] [--keep]

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
    var size = DemoFirmSize.large
    var documents = 0
    var runs = 5
    var data: String?
    var keep = false
}

func parseOptions() -> Options {
    var options = Options()
    var arguments = Array(CommandLine.arguments.dropFirst())
    while !arguments.isEmpty {
        let argument = arguments.removeFirst()
        let value = arguments.isEmpty ? "" : arguments.removeFirst()
        switch argument {
        case "--gateway": options.gateway = value
        case "--size": options.size = DemoFirmSize(rawValue: value) ?? options.size
        case "--documents": options.documents = Int(value) ?? options.documents
        case "--runs": options.runs = max(Int(value) ?? options.runs, 1)
        case "--data": options.data = value
        case "--keep":
            options.keep = true
            if !value.isEmpty { arguments.insert(value, at: 0) }
        default:
            FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
            exit(64)
        }
    }
    return options
}




// The literal is a valid date.
let today = CalendarDate(year: 2025, month: 3, day: 31)!
let firm = "bench"

/// The gateway child process.
final class Gateway {
    let process = Process()
    var firstLine = ""

    init(executable: String, data: URL, log: URL) throws {
        self.process.executableURL = URL(fileURLWithPath: executable)
        self.process.arguments = ["--data", data.path, "--port", "0", "--today", "\(today)", "--log-level", "error"]
        let output = Pipe()
        self.process.standardOutput = output
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        self.process.standardError = try FileHandle(forWritingTo: log)
        try self.process.run()
        var buffer = Data()
        while true {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw CocoaError(.fileReadUnknown) }
            buffer.append(chunk)
            if let line = String(decoding: buffer, as: UTF8.self).split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }) {
                self.firstLine = String(line)
                break
            }
        }
        let reader = output.fileHandleForReading
        Thread.detachNewThread { while !reader.availableData.isEmpty {} }
    }

    func stop() {
        if self.process.isRunning { kill(self.process.processIdentifier, SIGTERM) }
        self.process.waitUntilExit()
    }
}

func run() async throws {
    let options = parseOptions()
    guard !options.gateway.isEmpty else {
        FileHandle.standardError.write(Data("usage: SupervisorBenchmark --gateway PATH [--size S] [--documents N] [--runs N] [--data DIR] [--keep]\n".utf8))
        exit(64)
    }
    let directory = URL(fileURLWithPath: options.data ?? NSTemporaryDirectory() + "bench-supervisor-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { if !options.keep { try? FileManager.default.removeItem(at: directory) } }
    let data = directory.appendingPathComponent("data")
    let fresh = !FileManager.default.fileExists(atPath: data.appendingPathComponent("catalog.sqlite").path)
    let gateway = try Gateway(executable: options.gateway, data: data, log: directory.appendingPathComponent("gateway.log"))
    defer { gateway.stop() }
    guard let port = gateway.firstLine.split(separator: ":").last.flatMap({ Int($0) }) else { throw CocoaError(.fileReadUnknown) }
    let client = RPCClient(transport: TCPClientTransport(host: "127.0.0.1", port: port), logger: .silent())
    defer { client.close() }
    let operatorToken = try String(contentsOf: data.appendingPathComponent("operator.token"), encoding: .utf8)
        .trimmingCharacters(in: .whitespacesAndNewlines)
    let operatorMetadata: Metadata = [MetadataKey.authorization: operatorToken]
    if fresh {
        _ = try await client.unary(OperatorService.createFirm, CreateFirmRequest(firmID: firm, name: "Benchmark"), metadata: operatorMetadata)
    }
    let backOffice = try await client.unary(
        OperatorService.issueCredential,
        IssueCredentialRequest(kind: .backOffice, firms: [firm], label: "bench"),
        metadata: operatorMetadata
    )
    let metadata: Metadata = [MetadataKey.authorization: backOffice.token, MetadataKey.tenant: firm]
    let agentFile = directory.appendingPathComponent("agent.txt")
    let clientFile = directory.appendingPathComponent("client.txt")
    if fresh {
        var parameters = DemoFirmParameters(size: options.size, today: today, seed: 42)
        parameters.documents = options.documents
        let started = ContinuousClock.now
        var rows = 0
        var agent: String?
        var busiest: [String: Int] = [:]
        let encoder = WireEncoder()
        for batch in try DemoFirmGenerator(parameters: parameters) {
            for record in batch.records {
                if agent == nil, let collaborator = record as? CollaboratorRecord, collaborator.roles.contains(.agent) { agent = collaborator.id }
                if let installment = record as? InstallmentRecord { busiest[installment.client, default: 0] += 1 }
            }
            let payload = try batch.records.map { IngestRow(kind: type(of: $0).entityKind, payload: Data(try encoder.encode($0))) }
            let report = try await client.clientStreaming(IngestionService.ingestBatch, metadata: metadata) { writer in
                var start = 0
                while start < payload.count {
                    let end = min(start + 2_500, payload.count)
                    try await writer.write(IngestChunk(rows: Array(payload[start..<end])))
                    start = end
                }
            }
            rows += report.received
        }
        let elapsed = seconds(ContinuousClock.now - started)
        output("INGEST size=\(options.size.rawValue) documents=\(options.documents) rows=\(rows) secs=\(String(format: "%.1f", elapsed))")
        try Data((agent ?? "").utf8).write(to: agentFile)
        let client = busiest.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key ?? ""
        try Data(client.utf8).write(to: clientFile)
    }
    let agent = (try? String(contentsOf: agentFile, encoding: .utf8)) ?? ""
    let busiestClient = (try? String(contentsOf: clientFile, encoding: .utf8)) ?? ""
    var agentMetadata = metadata
    agentMetadata.add(MetadataKey.user, agent)

    func measure(_ name: String, _ body: () async throws -> Int) async throws {
        var times: [Double] = []
        var count = 0
        _ = try await body()  // warm-up (page cache, tenant open)
        for _ in 0..<options.runs {
            let started = ContinuousClock.now
            count = try await body()
            let elapsed = seconds(ContinuousClock.now - started)
            times.append(elapsed)
            output("RESULT name=\(name) secs=\(String(format: "%.4f", elapsed))")
        }
        output("MEDIAN name=\(name) ms=\(String(format: "%.1f", median(times) * 1000)) items=\(count)")
    }

    // Cold: a firm-level record (a new strategy) makes the next list recompute the whole firm.
    var coldRun = 0
    var coldTimes: [Double] = []
    var coldItems = 0
    for _ in 0..<options.runs {
        coldRun += 1
        let strategy = CollectionStrategyRecord(
            id: "BENCH-\(UUID().uuidString.prefix(8))",
            name: "bench \(coldRun)",
            actions: [StrategyAction(code: "B", channel: .call, offsetDays: 1)]
        )
        _ = try await client.unary(SupervisorService.putStrategy, PutStrategyRequest(strategy: strategy), metadata: metadata)
        let started = ContinuousClock.now
        coldItems = try await client.unary(SupervisorService.list, SupervisorListRequest(), metadata: metadata).totalItems
        let elapsed = seconds(ContinuousClock.now - started)
        coldTimes.append(elapsed)
        output("RESULT name=list-cold secs=\(String(format: "%.4f", elapsed))")
    }
    output("MEDIAN name=list-cold ms=\(String(format: "%.1f", median(coldTimes) * 1000)) items=\(coldItems)")

    // After an action: one client changed, the next list recomputes that client only.
    let first = try await client.unary(SupervisorService.list, SupervisorListRequest(pageSize: 1_000), metadata: metadata)
    let candidates = first.groups.flatMap(\.items).filter { $0.agent != nil }
    var actionTimes: [Double] = []
    for item in candidates.prefix(options.runs) {
        var actor = metadata
        actor.add(MetadataKey.user, item.agent ?? "")
        _ = try await client.unary(
            SupervisorService.record,
            SupervisorRecordRequest(requestID: "bench-\(UUID().uuidString.prefix(12))", outcome: .validated, items: [item.id]),
            metadata: actor
        )
        let started = ContinuousClock.now
        _ = try await client.unary(SupervisorService.list, SupervisorListRequest(), metadata: metadata)
        let elapsed = seconds(ContinuousClock.now - started)
        actionTimes.append(elapsed)
        output("RESULT name=list-after-action secs=\(String(format: "%.4f", elapsed))")
    }
    output("MEDIAN name=list-after-action ms=\(String(format: "%.1f", median(actionTimes) * 1000)) runs=\(actionTimes.count)")

    try await measure("list-firm") {
        try await client.unary(SupervisorService.list, SupervisorListRequest(), metadata: metadata).totalItems
    }
    if !agent.isEmpty {
        try await measure("list-agent") {
            try await client.unary(SupervisorService.list, SupervisorListRequest(), metadata: agentMetadata).totalItems
        }
    }
    try await measure("list-action") {
        try await client.unary(
            SupervisorService.list,
            SupervisorListRequest(grouping: .actionThenClient, sort: [SortKeyMessage(column: "open", descending: true)]),
            metadata: metadata
        ).totalItems
    }
    if !busiestClient.isEmpty {
        try await measure("client") {
            try await client.unary(SupervisorService.client, SupervisorClientRequest(client: busiestClient), metadata: metadata).items.count
        }
    }
    try await measure("preview") {
        try await client.unary(SupervisorService.preview, SupervisorPreviewRequest(days: 5), metadata: metadata).days.reduce(0) {
            $0 + $1.entries.count
        }
    }
}

do {
    try await run()
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
