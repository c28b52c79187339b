// Storage benchmarks: the raw SQLite baselines the ingestion benchmark compares against, and the
// cost of holding thousands of firms. Prints one line per run and one median line per benchmark:
//
//   RESULT name=<benchmark> ops=<n> secs=<s> rate=<ops/s> [extra=value …]
//
// Usage: StorageBenchmark [--runs N] [--directory DIR] [--pool-firms N] [insert-raw insert-actor cold-open pool-10k …]
// Run it through tools/bench-storage (release build).

internal import Foundation
internal import ServerSupport
internal import Storage

struct Options {
    var runs = 3
    var directory = FileManager.default.temporaryDirectory.path
    var names: [String] = []
    /// Firms touched by pool-10k (10,000 by default; smaller for quick checks).
    var poolFirms = 10_000
}

enum Bench {
    static let allNames = ["insert-raw", "insert-actor", "cold-open", "pool-10k"]

    /// A schema close to a tenant's: three small tables, so "migrate check" has something to check.
    static let migrations = MigrationList([
        Migration(
            version: 1,
            name: "facts",
            sql: """
                CREATE TABLE installments(
                    id INTEGER PRIMARY KEY, external_id TEXT NOT NULL UNIQUE, client TEXT NOT NULL,
                    due INTEGER NOT NULL, amount INTEGER NOT NULL
                ) STRICT;
                """
        ),
        Migration(
            version: 2,
            name: "clients",
            sql: "CREATE TABLE clients(id TEXT PRIMARY KEY, name TEXT NOT NULL) STRICT;"
        ),
        Migration(
            version: 3,
            name: "rollups",
            sql: "CREATE TABLE rollups(partition_key TEXT PRIMARY KEY, total INTEGER NOT NULL) STRICT;"
        ),
    ])

    static let insertSQL = "INSERT INTO installments(external_id, client, due, amount) VALUES (?, ?, ?, ?)"
    static let rowCount = 1_000_000
    static let rowsPerTransaction = 10_000

    static func report(_ name: String, ops: Int, seconds: Double, extra: [(String, String)] = []) {
        var line =
            "RESULT name=\(name) ops=\(ops) secs=\(String(format: "%.3f", seconds)) rate=\(String(format: "%.0f", Double(ops) / seconds))"
        for (key, value) in extra { line += " \(key)=\(value)" }
        // Unbuffered: lines appear as runs finish even when stdout is a file.
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func freshDirectory(_ options: Options, _ name: String) throws -> String {
        let path = options.directory + "/pilotage-storage-bench-\(name)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// 1,000,000 rows through one prepared statement on a bare connection (this thread, no actor),
    /// one transaction per 10,000 rows: the raw SQLite baseline.
    static func insertRaw(_ options: Options) throws -> Double {
        let directory = try freshDirectory(options, "insert-raw")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let connection = try SQLiteConnection(path: directory + "/firm.sqlite")
        defer { connection.close() }
        try migrations.migrate(connection)
        let start = ContinuousClock.now
        let insert = try connection.prepare(insertSQL)
        var row = 0
        while row < rowCount {
            try connection.transaction(.immediate) {
                for _ in 0..<rowsPerTransaction {
                    try insert.execute(
                        "ext-\(row)",
                        "client-\(row % 5_000)",
                        20_000 + row % 700,
                        Int64(row % 100_000) * 100
                    )
                    row += 1
                }
            }
        }
        return seconds(ContinuousClock.now - start)
    }

    /// The same rows through `Database.write` (the actor on its dispatch queue), one write per
    /// 10,000 rows: what the ingestion service will pay on top of raw SQLite.
    static func insertActor(_ options: Options) async throws -> Double {
        let directory = try freshDirectory(options, "insert-actor")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let db = try await Database.open(path: directory + "/firm.sqlite", migrations: migrations)
        let start = ContinuousClock.now
        for batch in 0..<(rowCount / rowsPerTransaction) {
            try await db.write { conn in
                let insert = try conn.prepare(insertSQL)
                for offset in 0..<rowsPerTransaction {
                    let row = batch * rowsPerTransaction + offset
                    try insert.execute(
                        "ext-\(row)",
                        "client-\(row % 5_000)",
                        20_000 + row % 700,
                        Int64(row % 100_000) * 100
                    )
                }
            }
        }
        let elapsed = seconds(ContinuousClock.now - start)
        await db.close()
        return elapsed
    }

    /// Open + migrate check + close of existing, cold firm files (each opened once per run).
    static func coldOpen(_ options: Options, files: Int) async throws -> Double {
        let directory = try freshDirectory(options, "cold-open")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for index in 0..<files {
            let db = try await Database.open(path: directory + "/firm\(index).sqlite", migrations: migrations)
            await db.close()
        }
        let start = ContinuousClock.now
        for index in 0..<files {
            let db = try await Database.open(path: directory + "/firm\(index).sqlite", migrations: migrations)
            await db.close()
        }
        return seconds(ContinuousClock.now - start)
    }

    /// Touches 10,000 firms (create + migrate + one small write + one read each) through a pool
    /// bounded at 256, then reports memory and open descriptors.
    static func pool(_ options: Options, firms: Int) async throws -> (Double, [(String, String)]) {
        let directory = try freshDirectory(options, "pool")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = TenantPool.Configuration()
        configuration.capacity = 256
        let pool = try TenantPool(
            directory: directory,
            migrations: migrations,
            configuration: configuration,
            logger: .silent()
        )
        let start = ContinuousClock.now
        for index in 0..<firms {
            try await pool.withTenant(try FirmID("firm-\(index)")) { db in
                try await db.write { conn in try conn.execute("INSERT INTO clients(id, name) VALUES ('c1', 'Client')") }
                _ = try await db.read { conn in try conn.fetchValue(Int.self, "SELECT count(*) FROM clients") }
            }
        }
        let elapsed = seconds(ContinuousClock.now - start)
        let metrics = await pool.metrics
        let status = processStatus()
        let extra = [
            ("rss_mb", status.rss), ("hwm_mb", status.hwm), ("fds", "\(openDescriptors())"),
            ("threads", status.threads),
            ("open_dbs", "\(metrics.openDatabases)"), ("evictions", "\(metrics.evictions)"),
        ]
        await pool.shutdown()
        return (elapsed, extra)
    }

    /// VmRSS and VmHWM from /proc/self/status, in MB.
    static func processStatus() -> (rss: String, hwm: String, threads: String) {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
            return ("?", "?", "?")
        }
        func threads() -> String {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Threads:") }) else { return "?" }
            return line.split(whereSeparator: { $0 == " " || $0 == "\t" }).last.map(String.init) ?? "?"
        }
        func field(_ name: String) -> String {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }),
                let kilobytes = line.split(separator: " ").compactMap({ Int($0) }).first
            else { return "?" }
            return String(format: "%.1f", Double(kilobytes) / 1024)
        }
        return (field("VmRSS"), field("VmHWM"), threads())
    }

    static func openDescriptors() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }
}

var options = Options()
var argumentIterator = CommandLine.arguments.dropFirst().makeIterator()
while let argument = argumentIterator.next() {
    switch argument {
    case "--runs": options.runs = Int(argumentIterator.next() ?? "") ?? options.runs
    case "--directory": options.directory = argumentIterator.next() ?? options.directory
    case "--pool-firms": options.poolFirms = Int(argumentIterator.next() ?? "") ?? options.poolFirms
    case let name where Bench.allNames.contains(name): options.names.append(name)
    default:
        print(
            "usage: StorageBenchmark [--runs N] [--directory DIR] [--pool-firms N] [\(Bench.allNames.joined(separator: " "))]"
        )
        exit(64)
    }
}
if options.names.isEmpty { options.names = Bench.allNames }

do {
    for name in options.names {
        var timings: [Double] = []
        var ops = 0
        var lastExtra: [(String, String)] = []
        for run in 1...max(options.runs, 1) {
            let seconds: Double
            switch name {
            case "insert-raw":
                ops = Bench.rowCount
                seconds = try Bench.insertRaw(options)
            case "insert-actor":
                ops = Bench.rowCount
                seconds = try await Bench.insertActor(options)
            case "cold-open":
                ops = 1_000
                seconds = try await Bench.coldOpen(options, files: ops)
            default:
                ops = options.poolFirms
                (seconds, lastExtra) = try await Bench.pool(options, firms: ops)
            }
            timings.append(seconds)
            Bench.report("\(name)#\(run)", ops: ops, seconds: seconds, extra: lastExtra)
        }
        let median = Bench.median(timings)
        var extra = lastExtra
        if name == "cold-open" { extra.append(("us_per_op", String(format: "%.0f", median / Double(ops) * 1e6))) }
        Bench.report(name, ops: ops, seconds: median, extra: extra)
    }
} catch {
    FileHandle.standardError.write(Data("StorageBenchmark: \(error)\n".utf8))
    exit(1)
}
