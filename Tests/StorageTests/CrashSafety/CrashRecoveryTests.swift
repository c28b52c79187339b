import Dispatch
import Foundation
import Storage
import Testing

/// What happened to a child that was SIGKILLed.
private struct KilledChild: Sendable {
    var lines: [String]
    var walBytesAtKill: Int
    var diedOfSIGKILL: Bool
}

/// The `StorageCrashChild` executable, built next to this test binary.
private func childExecutable() throws -> URL {
    let testBinary = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    let url = URL(fileURLWithPath: testBinary).deletingLastPathComponent().appendingPathComponent("StorageCrashChild")
    try #require(FileManager.default.isExecutableFile(atPath: url.path), "StorageCrashChild not built at \(url.path)")
    return url
}

/// Starts the child on `path` in `mode`, reads its output until `killWhen` accepts a line
/// (then waits `delay` more), and SIGKILLs it. A 30 s watchdog kills it anyway, so the test
/// always ends. Runs on a dispatch queue: it blocks on the pipe and on `waitpid`.
private func runAndKill(
    _ executable: URL,
    path: String,
    mode: String,
    delay: Duration = .zero,
    killWhen: @escaping @Sendable (String) -> Bool
) async throws -> KilledChild {
    try await onBlockingQueue {
        let process = Process()
        process.executableURL = executable
        process.arguments = [path, mode]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 30, execute: watchdog)

        var buffer = Data()
        var lines: [String] = []
        reading: while true {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }  // EOF: the child exited (or the watchdog fired)
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                lines.append(line)
                if killWhen(line) { break reading }
            }
        }
        if delay > .zero {
            usleep(UInt32(delay.components.attoseconds / 1_000_000_000_000 + delay.components.seconds * 1_000_000))
        }
        let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        kill(pid, SIGKILL)
        watchdog.cancel()
        process.waitUntilExit()
        return KilledChild(
            lines: lines,
            walBytesAtKill: wal,
            diedOfSIGKILL: process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
        )
    }
}

private let childMigrations = MigrationList([
    Migration(
        version: 1,
        name: "rows",
        sql: "CREATE TABLE rows(id INTEGER PRIMARY KEY, batch INTEGER NOT NULL, payload BLOB NOT NULL) STRICT;"
    )
])

/// Reopens the file (recovering the WAL) and returns rows per batch and the integrity check.
private func inspect(_ path: String) async throws -> (batches: [Int: Int], integrity: String) {
    let db = try await Database.open(path: path, migrations: childMigrations)
    let result = try await db.read { conn in
        var batches: [Int: Int] = [:]
        try conn.query("SELECT batch, count(*) FROM rows GROUP BY batch") { row in
            batches[try row[0]] = try row[1]
        }
        return (batches, try conn.fetchValue(String.self, "PRAGMA integrity_check") ?? "")
    }
    await db.close()
    return result
}

@Suite("Crash recovery")
struct CrashRecoveryTests {
    @Test("a process killed inside a large write transaction leaves none of it; committed data survives")
    func killedInsideTransaction() async throws {
        let executable = try childExecutable()
        try await withTemporaryDirectory { directory in
            let path = directory + "/tenant.sqlite"
            let child = try await runAndKill(executable, path: path, mode: "open-transaction") {
                $0.hasPrefix("IN-TRANSACTION")
            }
            let marker = try #require(child.lines.last)
            let walAfterBaseline = Int(marker.split(separator: " ").last ?? "") ?? .max
            #expect(child.diedOfSIGKILL)
            // Uncommitted pages really reached the WAL before the kill.
            #expect(child.walBytesAtKill > walAfterBaseline)
            let (batches, integrity) = try await inspect(path)
            #expect(batches == [0: 1_000])
            #expect(integrity == "ok")
        }
    }

    @Test(
        "a process killed at an arbitrary point of a commit loop leaves whole batches only",
        arguments: [0, 3, 11]
    )
    func killedDuringCommits(delayMilliseconds: Int) async throws {
        let executable = try childExecutable()
        try await withTemporaryDirectory { directory in
            let path = directory + "/tenant.sqlite"
            let child = try await runAndKill(
                executable,
                path: path,
                mode: "commit-loop",
                delay: .milliseconds(delayMilliseconds)
            ) { $0 == "COMMITTED 3" }
            #expect(child.diedOfSIGKILL)
            #expect(child.lines.contains("COMMITTED 3"))
            let (batches, integrity) = try await inspect(path)
            #expect(integrity == "ok")
            #expect(batches.keys.count >= 3)
            #expect(batches.values.allSatisfy { $0 == 2_000 }, "a batch landed partially: \(batches)")
            #expect(Set(batches.keys) == Set(1...batches.keys.count))
        }
    }
}
