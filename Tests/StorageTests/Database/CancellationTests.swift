import Foundation
import ServerSupport
import Storage
import Testing

/// A statement that runs for tens of seconds unless interrupted.
private let longQuery = """
    WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 400000000)
    SELECT count(*) FROM c
    """

/// Runs `operation` in a child task, cancels it once `started` reports true, and returns how it ended.
private func cancelOnceStarted<T: Sendable>(
    started: LockedValueBox<Bool>,
    _ operation: @escaping @Sendable () async throws -> T
) async -> Result<T, any Error> {
    await withTaskGroup(of: Result<T, any Error>.self) { group in
        group.addTask {
            do {
                return .success(try await operation())
            } catch {
                return .failure(error)
            }
        }
        var polls = 0
        while !started.withLock({ $0 }), polls < 5_000 {
            try? await Task.sleep(for: .milliseconds(1))
            polls += 1
        }
        try? await Task.sleep(for: .milliseconds(20))  // let it get deep into SQLite
        group.cancelAll()
        return await group.next() ?? .failure(CancellationError())
    }
}

private func isCancellation<T>(_ result: Result<T, any Error>) -> Bool {
    if case .failure(let error) = result { return error is CancellationError }
    return false
}

@Suite("Database cancellation")
struct CancellationTests {
    @Test("cancelling a read interrupts its running statement; the reader serves the next read")
    func cancelRead() async throws {
        try await withTemporaryDirectory { directory in
            var configuration = Database.Configuration()
            configuration.maximumReaderCount = 1
            let db = try await Database.open(path: directory + "/db.sqlite", configuration: configuration)
            let started = LockedValueBox(false)
            let outcome = await cancelOnceStarted(started: started) {
                try await db.read { conn in
                    started.withLock { $0 = true }
                    return try conn.fetchValue(Int.self, longQuery)
                }
            }
            #expect(isCancellation(outcome), "\(outcome)")
            #expect(try await db.read { conn in try conn.fetchValue(Int.self, "SELECT 42") } == 42)
            #expect(db.readerCount == 1)
            await db.close()
        }
    }

    @Test("cancelling a write interrupts it and rolls the whole transaction back")
    func cancelWrite() async throws {
        try await withTemporaryDirectory { directory in
            let db = try await Database.open(path: directory + "/db.sqlite")
            try await db.write { conn in try conn.execute("CREATE TABLE t(x INTEGER)") }
            let started = LockedValueBox(false)
            let outcome = await cancelOnceStarted(started: started) {
                try await db.write { conn in
                    try conn.execute("INSERT INTO t VALUES (-1)")
                    started.withLock { $0 = true }
                    try conn.execute("INSERT INTO t \(longQuery.replacingOccurrences(of: "count(*)", with: "x"))")
                }
            }
            #expect(isCancellation(outcome), "\(outcome)")
            let (count, inTransaction) = try await db.write { conn in
                (try conn.fetchValue(Int.self, "SELECT count(*) FROM t"), conn.isInTransaction)
            }
            #expect(count == 0)
            #expect(inTransaction)  // the new write's own transaction, not a leftover
            #expect(try await db.writeWithoutTransaction { conn in conn.isInTransaction } == false)
            await db.close()
        }
    }

    @Test("a cancellation landing between two short statements still stops the write")
    func cancelBetweenStatements() async throws {
        try await withTemporaryDirectory { directory in
            let db = try await Database.open(path: directory + "/db.sqlite")
            try await db.write { conn in try conn.execute("CREATE TABLE t(x INTEGER)") }
            let started = LockedValueBox(false)
            let outcome = await cancelOnceStarted(started: started) {
                try await db.write { conn in
                    let insert = try conn.prepare("INSERT INTO t VALUES (?)")
                    for value in 0..<50_000_000 {
                        try insert.execute(value)
                        if value == 1_000 { started.withLock { $0 = true } }
                    }
                }
            }
            #expect(isCancellation(outcome), "\(outcome)")
            #expect(try await db.read { conn in try conn.fetchValue(Int.self, "SELECT count(*) FROM t") } == 0)
            await db.close()
        }
    }

    @Test("a task cancelled before its write starts does not run it")
    func cancelledBeforeStart() async throws {
        try await withTemporaryDirectory { directory in
            let db = try await Database.open(path: directory + "/db.sqlite")
            try await db.write { conn in try conn.execute("CREATE TABLE t(x INTEGER)") }
            let ran = LockedValueBox(false)
            let outcome = await withTaskGroup(of: Bool.self) { group in
                group.cancelAll()
                group.addTask {
                    do {
                        try await db.write { conn in
                            ran.withLock { $0 = true }
                            try conn.execute("INSERT INTO t VALUES (1)")
                        }
                        return true
                    } catch {
                        return false
                    }
                }
                return await group.next() ?? true
            }
            #expect(!outcome)
            #expect(!ran.withLock { $0 })
            await db.close()
        }
    }
}
