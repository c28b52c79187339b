// Ingestion benchmarks (tools/bench-ingest, release build):
//
//   ingest-stream   1,000,000 installment rows streamed over loopback into one firm of a real
//                   pilotage-gateway process, in batches of 10,000 (one transaction each), against
//                   raw-sqlite: the same rows inserted into a table of the same shape with one
//                   prepared statement, 10,000 per transaction, in this process. Ratio printed.
//   cold-open       open (migrate check) + close of a cold firm file through the tenant pool.
//   gateway-10k     RSS and descriptors of a gateway that has created and touched 10,000 firm
//                   files with its pool bound at 256.
//
// Prints `RESULT name=… ops=… secs=… rate=…` per run, a median line per benchmark, and
// `RATIO name=ingest-vs-raw-sqlite value=…` from the medians of the same invocation.
//
// Usage: IngestBenchmark --gateway PATH [--rows N] [--runs R] [--firms N] [names…]

internal import Foundation
internal import Glibc
internal import PilotageProtocol
internal import RPCCore
internal import RPCTransportTCP
internal import ServerSupport
internal import Storage
internal import TenantStore
internal import Wire

struct Options {
    var gateway = ""
    var rows = 1_000_000
    var runs = 3
    var firms = 10_000
    var names: [String] = []
}

func parseOptions() -> Options {
    var options = Options()
    var arguments = Array(CommandLine.arguments.dropFirst())
    while !arguments.isEmpty {
        let argument = arguments.removeFirst()
        switch argument {
        case "--gateway": options.gateway = arguments.removeFirst()
        case "--rows": options.rows = Int(arguments.removeFirst()) ?? options.rows
        case "--runs": options.runs = Int(arguments.removeFirst()) ?? options.runs
        case "--firms": options.firms = Int(arguments.removeFirst()) ?? options.firms
        default: options.names.append(argument)
        }
    }
    if options.names.isEmpty { options.names = ["ingest-stream", "cold-open", "gateway-10k"] }
    return options
}

func report(_ name: String, ops: Int, seconds: Double, extra: [(String, String)] = []) {
    var line = "RESULT name=\(name) ops=\(ops) secs=\(String(format: "%.3f", seconds)) rate=\(String(format: "%.0f", Double(ops) / seconds))"
    for (key, value) in extra { line += " \(key)=\(value)" }
    output(line)
}

/// Writes one line to standard output at once (the script's reader sees results as they come).
func output(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

func temporaryDirectory(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("pilotage-bench-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

// MARK: - A gateway child process

final class GatewayChild {
    let process = Process()
    let port: Int
    let directory: URL

    init(executable: String, directory: URL, extra: [String] = []) throws {
        self.directory = directory
        self.process.executableURL = URL(fileURLWithPath: executable)
        self.process.arguments = ["--data", directory.path, "--port", "0", "--log-level", "error", "--today", "2025-12-31"] + extra
        let output = Pipe()
        self.process.standardOutput = output
        try self.process.run()
        var buffer = Data()
        var found: Int?
        while found == nil {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            buffer.append(chunk)
            found = String(decoding: buffer, as: UTF8.self).split(separator: "\n")
                .first { $0.hasPrefix("listening on ") }.flatMap { $0.split(separator: ":").last }.flatMap { Int($0) }
        }
        guard let found else { throw CocoaError(.fileReadUnknown) }
        self.port = found
    }

    var operatorToken: String {
        ((try? String(contentsOf: self.directory.appendingPathComponent("operator.token"), encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// (VmHWM, VmRSS) in KiB and open descriptors.
    var memoryAndDescriptors: (peakKiB: Int, rssKiB: Int, descriptors: Int) {
        let pid = self.process.processIdentifier
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        func field(_ name: String) -> Int {
            status.split(separator: "\n").first { $0.hasPrefix(name + ":") }
                .flatMap { $0.split(separator: " ").dropFirst().first { !$0.isEmpty }.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } } ?? 0
        }
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
        return (field("VmHWM"), field("VmRSS"), descriptors)
    }

    func stop() {
        if self.process.isRunning { kill(self.process.processIdentifier, SIGTERM) }
        self.process.waitUntilExit()
    }
}

func firmMetadata(client: RPCClient, operatorToken: String, firm: String) async throws -> Metadata {
    let operatorMetadata: Metadata = [MetadataKey.authorization: operatorToken]
    _ = try await client.unary(OperatorService.createFirm, CreateFirmRequest(firmID: firm, name: firm), metadata: operatorMetadata)
    let issued = try await client.unary(
        OperatorService.issueCredential,
        IssueCredentialRequest(kind: .backOffice, firms: [firm], label: "bench"),
        metadata: operatorMetadata
    )
    return [MetadataKey.authorization: issued.token, MetadataKey.tenant: firm]
}

func send(_ rows: ArraySlice<IngestRow>, client: RPCClient, metadata: Metadata) async throws -> IngestReport {
    try await client.clientStreaming(IngestionService.ingestBatch, metadata: metadata) { writer in
        var start = rows.startIndex
        while start < rows.endIndex {
            let end = min(start + 2_500, rows.endIndex)
            try await writer.write(IngestChunk(rows: Array(rows[start..<end])))
            start = end
        }
    }
}

// MARK: - Rows

struct Workload {
    static let clients = 1_000
    var clientRows: [IngestRow] = []
    var installmentRows: [IngestRow] = []
    var installments: [(id: String, client: String, payload: [UInt8], firstDate: CalendarDate)] = []

    init(rows: Int) throws {
        let encoder = WireEncoder()
        for index in 0..<Self.clients {
            let record = ClientRecord(id: "C\(index)", name: "Client \(index)", paymentTermsDays: 30)
            self.clientRows.append(IngestRow(kind: .client, payload: Data(try encoder.encode(record))))
        }
        guard let start = CalendarDate("2024-01-01") else { preconditionFailure("literal date") }
        for index in 0..<rows {
            let invoiceDate = start.advanced(by: index % 700)
            let record = InstallmentRecord(
                id: "I\(index)", client: "C\(index % Self.clients)", invoiceID: "F\(index / 2)", invoiceDate: invoiceDate,
                dueDate: invoiceDate.advanced(by: 30), amount: Int64(12_000 + index % 90_000), amountHT: Int64(12_000 + index % 90_000) * 5 / 6
            )
            let payload = try encoder.encode(record)
            self.installmentRows.append(IngestRow(kind: .installment, payload: Data(payload)))
            self.installments.append((record.id, record.client, payload, invoiceDate))
        }
    }
}

// MARK: - Benchmarks

func ingestStream(_ options: Options, workload: Workload) async throws -> Double {
    let directory = try temporaryDirectory("ingest")
    defer { try? FileManager.default.removeItem(at: directory) }
    let gateway = try GatewayChild(executable: options.gateway, directory: directory)
    defer { gateway.stop() }
    let client = RPCClient(transport: TCPClientTransport(host: "127.0.0.1", port: gateway.port), logger: .silent())
    defer { client.close() }
    let metadata = try await firmMetadata(client: client, operatorToken: gateway.operatorToken, firm: "bench")
    _ = try await send(workload.clientRows[...], client: client, metadata: metadata)
    let started = ContinuousClock.now
    var landed = 0
    var start = 0
    while start < workload.installmentRows.count {
        let end = min(start + 10_000, workload.installmentRows.count)
        let result = try await send(workload.installmentRows[start..<end], client: client, metadata: metadata)
        landed += result.landed
        if result.landed != end - start {
            FileHandle.standardError.write(Data("batch \(start): \(result.landed) landed, \(result.rejected) rejected, first: \(result.rejections.first.map { "\($0.reason) \($0.message)" } ?? "-")\n".utf8))
        }
        start = end
    }
    let elapsed = seconds(ContinuousClock.now - started)
    guard landed == workload.installmentRows.count else {
        throw CocoaError(.coderInvalidValue, userInfo: [NSDebugDescriptionErrorKey: "only \(landed) rows landed"])
    }
    report("ingest-stream", ops: landed, seconds: elapsed, extra: [("batch", "10000")])
    return Double(landed) / elapsed
}

func rawSQLite(_ workload: Workload) throws -> Double {
    let directory = try temporaryDirectory("raw")
    defer { try? FileManager.default.removeItem(at: directory) }
    let connection = try SQLiteConnection(path: directory.appendingPathComponent("raw.sqlite").path)
    defer { connection.close() }
    try connection.executeScript(
        """
        CREATE TABLE records (kind TEXT NOT NULL, id TEXT NOT NULL, client TEXT, payload BLOB NOT NULL,
            first_date INTEGER, sequence INTEGER NOT NULL, PRIMARY KEY (kind, id)) STRICT, WITHOUT ROWID;
        CREATE INDEX records_by_client ON records (client, kind) WHERE client IS NOT NULL;
        """
    )
    let insert = try connection.prepare("INSERT INTO records (kind, id, client, payload, first_date, sequence) VALUES (?, ?, ?, ?, ?, ?)")
    let started = ContinuousClock.now
    var row = 0
    while row < workload.installments.count {
        try connection.transaction(.immediate) {
            let end = min(row + 10_000, workload.installments.count)
            while row < end {
                let item = workload.installments[row]
                try insert.execute("installment", item.id, item.client, item.payload, item.firstDate, Int64(1))
                row += 1
            }
        }
    }
    let elapsed = seconds(ContinuousClock.now - started)
    report("raw-sqlite", ops: row, seconds: elapsed, extra: [("batch", "10000")])
    return Double(row) / elapsed
}

func coldOpen(_ options: Options) async throws -> Double {
    let directory = try temporaryDirectory("cold")
    defer { try? FileManager.default.removeItem(at: directory) }
    var configuration = TenantPool.Configuration()
    configuration.capacity = 1
    let pool = try TenantPool(directory: directory.path, migrations: TenantSchema.migrations, configuration: configuration, logger: .silent())
    let firms = try (0..<100).map { try FirmID("f\($0)") }
    for firm in firms { try await pool.withTenant(firm) { _ in } }  // create and migrate once
    let rounds = 5
    let started = ContinuousClock.now
    for _ in 0..<rounds {
        for firm in firms {
            try await pool.withTenant(firm) { database in
                _ = try await database.read { connection in try connection.fetchValue(Int.self, "SELECT count(*) FROM records") }
            }
        }
    }
    let elapsed = seconds(ContinuousClock.now - started)
    await pool.shutdown()
    let opens = rounds * firms.count
    report("cold-open", ops: opens, seconds: elapsed, extra: [("us_per_open_close", String(format: "%.0f", elapsed / Double(opens) * 1e6))])
    return Double(opens) / elapsed
}

func gatewayManyFirms(_ options: Options) async throws {
    let directory = try temporaryDirectory("manyfirms")
    defer { try? FileManager.default.removeItem(at: directory) }
    let gateway = try GatewayChild(executable: options.gateway, directory: directory, extra: ["--pool-capacity", "256"])
    defer { gateway.stop() }
    let client = RPCClient(transport: TCPClientTransport(host: "127.0.0.1", port: gateway.port), logger: .silent())
    defer { client.close() }
    let operatorMetadata: Metadata = [MetadataKey.authorization: gateway.operatorToken]
    let firms = (0..<options.firms).map { "f\($0)" }
    let started = ContinuousClock.now
    // Create every firm (its file is created and migrated), then issue one credential for all of
    // them and touch each with a one-row batch, 16 calls at a time.
    for chunk in stride(from: 0, to: firms.count, by: 16) {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for firm in firms[chunk..<min(chunk + 16, firms.count)] {
                group.addTask {
                    _ = try await client.unary(OperatorService.createFirm, CreateFirmRequest(firmID: firm, name: firm), metadata: operatorMetadata)
                }
            }
            try await group.waitForAll()
        }
    }
    let issued = try await client.unary(
        OperatorService.issueCredential,
        IssueCredentialRequest(kind: .backOffice, firms: firms, label: "bench-10k"),
        metadata: operatorMetadata
    )
    let row = IngestRow(kind: .client, payload: Data(try WireEncoder().encode(ClientRecord(id: "C", name: "C"))))
    for chunk in stride(from: 0, to: firms.count, by: 16) {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for firm in firms[chunk..<min(chunk + 16, firms.count)] {
                group.addTask {
                    let metadata: Metadata = [MetadataKey.authorization: issued.token, MetadataKey.tenant: firm]
                    _ = try await send([row][...], client: client, metadata: metadata)
                }
            }
            try await group.waitForAll()
        }
    }
    let elapsed = seconds(ContinuousClock.now - started)
    let (peak, rss, descriptors) = gateway.memoryAndDescriptors
    report(
        "gateway-10k",
        ops: firms.count,
        seconds: elapsed,
        extra: [("pool", "256"), ("peak_rss_mb", String(format: "%.1f", Double(peak) / 1024)), ("rss_mb", String(format: "%.1f", Double(rss) / 1024)), ("open_fds", "\(descriptors)")]
    )
}

// MARK: - Main

let options = parseOptions()
guard !options.gateway.isEmpty else {
    FileHandle.standardError.write(Data("usage: IngestBenchmark --gateway PATH [--rows N] [--runs R] [--firms N] [ingest-stream cold-open gateway-10k]\n".utf8))
    exit(64)
}
do {
    if options.names.contains("ingest-stream") {
        let workload = try Workload(rows: options.rows)
        var ingest: [Double] = []
        var raw: [Double] = []
        for _ in 0..<options.runs {
            ingest.append(try await ingestStream(options, workload: workload))
            raw.append(try rawSQLite(workload))
        }
        output("RESULT name=ingest-stream-median rate=\(String(format: "%.0f", median(ingest)))")
        output("RESULT name=raw-sqlite-median rate=\(String(format: "%.0f", median(raw)))")
        output("RATIO name=ingest-vs-raw-sqlite value=\(String(format: "%.3f", median(ingest) / median(raw))) target=0.3")
    }
    if options.names.contains("cold-open") {
        var rates: [Double] = []
        for _ in 0..<options.runs { rates.append(try await coldOpen(options)) }
        output("RESULT name=cold-open-median rate=\(String(format: "%.0f", median(rates))) us_per_open_close=\(String(format: "%.0f", 1e6 / median(rates)))")
    }
    if options.names.contains("gateway-10k") {
        try await gatewayManyFirms(options)
    }
} catch {
    FileHandle.standardError.write(Data("IngestBenchmark: \(error)\n".utf8))
    exit(1)
}
