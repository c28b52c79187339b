// A child process for the storage crash tests: it writes to a tenant file through the real
// `Database` write path and is SIGKILLed by the test at a moment the test chooses.
//
//   StorageCrashChild <file> open-transaction   commit 1,000 baseline rows, then insert rows
//                                                into one never-ending write transaction, printing
//                                                `IN-TRANSACTION <rows> <wal bytes after baseline>`
//                                                once 5,000 uncommitted rows spilled to the WAL;
//   StorageCrashChild <file> commit-loop        commit batches of 2,000 rows, printing
//                                                `COMMITTED <batch>` after each.
//
// Both modes stop by themselves after 60 s so a forgotten child never lingers.

internal import Foundation
internal import Storage

let arguments = CommandLine.arguments
guard arguments.count == 3, ["open-transaction", "commit-loop"].contains(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: StorageCrashChild <file> open-transaction|commit-loop\n".utf8))
    exit(64)
}
let path = arguments[1]
let mode = arguments[2]
let deadline = Date().addingTimeInterval(60)

enum Child {
    /// Prints one line and flushes it to the pipe at once.
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// 200 bytes that do not compress, so the WAL grows quickly.
    static func payload(_ seed: Int) -> [UInt8] {
        var state = UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<200).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }
}

do {
    var configuration = Database.Configuration()
    configuration.connection.cacheSizeKiB = 64  // spill uncommitted pages to the WAL early
    let db = try await Database.open(
        path: path,
        configuration: configuration,
        migrations: MigrationList([
            Migration(
                version: 1,
                name: "rows",
                sql: "CREATE TABLE rows(id INTEGER PRIMARY KEY, batch INTEGER NOT NULL, payload BLOB NOT NULL) STRICT;"
            )
        ])
    )
    switch mode {
    case "open-transaction":
        try await db.write { conn in
            for index in 0..<1_000 {
                try conn.execute("INSERT INTO rows(batch, payload) VALUES (0, ?)", Child.payload(index))
            }
        }
        let walAfterBaseline = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        try await db.write { conn in
            var index = 0
            while Date() < deadline {
                try conn.execute("INSERT INTO rows(batch, payload) VALUES (1, ?)", Child.payload(1_000 + index))
                index += 1
                if index == 5_000 { Child.say("IN-TRANSACTION \(index) \(walAfterBaseline)") }
            }
            // Reached only if nobody killed us: refuse to commit, the test expects none of it.
            throw CancellationError()
        }
    default:
        var batch = 1
        while Date() < deadline {
            let current = batch
            try await db.write { conn in
                for index in 0..<2_000 {
                    try conn.execute(
                        "INSERT INTO rows(batch, payload) VALUES (?, ?)",
                        current,
                        Child.payload(current * 2_000 + index)
                    )
                }
            }
            Child.say("COMMITTED \(batch)")
            batch += 1
        }
    }
    await db.close()
} catch {
    FileHandle.standardError.write(Data("StorageCrashChild: \(error)\n".utf8))
    exit(1)
}
