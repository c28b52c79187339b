import Dispatch
import Foundation
import ServerSupport
import Storage
import Testing

@Suite("Database")
struct DatabaseTests {
    @Test("write commits in a transaction, rolls back on throw; read sees committed data")
    func writeAndRead() async throws {
        try await withTemporaryDirectory { directory in
            let db = try await Database.open(path: directory + "/db.sqlite")
            try await db.write { conn in
                try conn.execute("CREATE TABLE t(a INTEGER NOT NULL) STRICT")
                try conn.execute("INSERT INTO t VALUES (1), (2)")
            }
            await #expect(throws: WriteFailure.self) {
                try await db.write { conn in
                    try conn.execute("INSERT INTO t VALUES (100)")
                    throw WriteFailure()
                }
            }
            let inTransaction = try await db.write { conn in conn.isInTransaction }
            let values = try await db.read { conn in try conn.fetchColumn(Int.self, "SELECT a FROM t ORDER BY a") }
            #expect(inTransaction)
            #expect(values == [1, 2])
            await db.close()
        }
    }

    @Test("four databases blocked in SQLite at once do not starve the cooperative pool")
    func blockingDoesNotStarveCooperativePool() async throws {
        try await withTemporaryDirectory { directory in
            var databases: [Database] = []
            for index in 0..<4 {
                databases.append(try await Database.open(path: directory + "/tenant\(index).sqlite"))
            }
            let gate = DispatchSemaphore(value: 0)
            let blocked = LockedValueBox(0)
            let released = try await withThrowingTaskGroup(of: Bool.self) { group in
                for db in databases {
                    group.addTask {
                        try await db.write { conn in
                            try conn.execute("CREATE TABLE IF NOT EXISTS t(a INTEGER)")
                            blocked.withLock { $0 += 1 }
                            // A blocking call, like a long SQLite statement: parks this queue's thread.
                            return gate.wait(timeout: .now() + 60) == .success
                        }
                    }
                }
                // This loop runs on the cooperative pool (2 threads here). If the four blocked
                // writes sat on that pool, it could not run until their 5 s timeouts expired.
                var polls = 0
                while blocked.withLock({ $0 }) < 4, polls < 2_000 {
                    try await Task.sleep(for: .milliseconds(2))
                    polls += 1
                }
                let allBlockedTogether = blocked.withLock { $0 } == 4
                for _ in 0..<4 { gate.signal() }
                var results: [Bool] = []
                for try await result in group { results.append(result) }
                return allBlockedTogether && results == [true, true, true, true]
            }
            #expect(released, "all four writes must block at the same time and be released by the gate, not time out")
            for db in databases { await db.close() }
        }
    }

    @Test("a WAL reader keeps a consistent snapshot while the writer commits")
    func snapshotIsolation() async throws {
        try await withTemporaryDirectory { directory in
            let db = try await Database.open(path: directory + "/db.sqlite")
            try await db.write { conn in
                try conn.execute("CREATE TABLE t(a INTEGER)")
                for value in 1...10 { try conn.execute("INSERT INTO t VALUES (?)", value) }
            }
            let firstReadDone = DispatchSemaphore(value: 0)
            let writerDone = DispatchSemaphore(value: 0)
            async let snapshot = db.read { conn in
                let before = try conn.fetchValue(Int.self, "SELECT count(*) FROM t")
                firstReadDone.signal()
                let waited = writerDone.wait(timeout: .now() + 60) == .success
                let after = try conn.fetchValue(Int.self, "SELECT count(*) FROM t")
                let sum = try conn.fetchValue(Int.self, "SELECT sum(a) FROM t")
                return (before, after, sum, waited)
            }
            let readerStarted = try await onBlockingQueue { firstReadDone.wait(timeout: .now() + 60) == .success }
            // The writer commits while the reader's transaction is open: WAL does not block it.
            try await db.write { conn in
                for value in 11...15 { try conn.execute("INSERT INTO t VALUES (?)", value) }
            }
            writerDone.signal()
            let (before, after, sum, waited) = try await snapshot
            let fresh = try await db.read { conn in try conn.fetchValue(Int.self, "SELECT count(*) FROM t") }
            #expect(readerStarted && waited)
            #expect(before == 10)
            #expect(after == 10)
            #expect(sum == 55)
            #expect(fresh == 15)
            await db.close()
        }
    }

    @Test("concurrent reads share at most maximumReaderCount connections and all complete")
    func readerPoolBound() async throws {
        try await withTemporaryDirectory { directory in
            var configuration = Database.Configuration()
            configuration.maximumReaderCount = 2
            let db = try await Database.open(path: directory + "/db.sqlite", configuration: configuration)
            try await db.write { conn in
                try conn.execute("CREATE TABLE t(a INTEGER)")
                try conn.execute("INSERT INTO t VALUES (7)")
            }
            let inFlight = LockedValueBox((current: 0, peak: 0))
            let values = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        try await db.read { conn in
                            inFlight.withLock {
                                $0.current += 1
                                $0.peak = max($0.peak, $0.current)
                            }
                            defer { inFlight.withLock { $0.current -= 1 } }
                            usleep(10_000)
                            return try conn.fetchValue(Int.self, "SELECT a FROM t") ?? 0
                        }
                    }
                }
                var values: [Int] = []
                for try await value in group { values.append(value) }
                return values
            }
            #expect(values == Array(repeating: 7, count: 8))
            #expect(inFlight.withLock { $0.peak } <= 2)
            #expect(db.readerCount <= 2)
            await db.close()
        }
    }

    @Test("a read waiting for a reader can be cancelled")
    func cancelWaitingRead() async throws {
        try await withTemporaryDirectory { directory in
            var configuration = Database.Configuration()
            configuration.maximumReaderCount = 1
            let db = try await Database.open(path: directory + "/db.sqlite", configuration: configuration)
            let holding = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            async let first = db.read { _ in
                holding.signal()
                return release.wait(timeout: .now() + 60) == .success
            }
            let held = try await onBlockingQueue { holding.wait(timeout: .now() + 60) == .success }
            let outcome = await withTaskGroup(of: Result<Int, any Error>.self) { group in
                group.addTask {
                    do {
                        return .success(try await db.read { _ in 1 })
                    } catch {
                        return .failure(error)
                    }
                }
                // Cancel only once the read is really parked, waiting for the single reader.
                var polls = 0
                while db.waitingReadCount == 0, polls < 2_500 {
                    try? await Task.sleep(for: .milliseconds(2))
                    polls += 1
                }
                group.cancelAll()
                return await group.next() ?? .success(0)
            }
            release.signal()
            let firstReleased = try await first
            #expect(held && firstReleased)
            #expect(throws: CancellationError.self) { try outcome.get() }
            #expect(db.waitingReadCount == 0)
            // The reader came back to the pool and serves the next read.
            #expect(try await db.read { _ in 2 } == 2)
            await db.close()
        }
    }

    @Test("readers are query-only")
    func readersCannotWrite() async throws {
        try await withTemporaryDirectory { directory in
            let db = try await Database.open(path: directory + "/db.sqlite")
            try await db.write { conn in try conn.execute("CREATE TABLE t(a INTEGER)") }
            let error = await #expect(throws: SQLiteError.self) {
                try await db.read { conn in try conn.execute("INSERT INTO t VALUES (1)") }
            }
            #expect(error?.code ~= .readOnly)
            await db.close()
        }
    }

    @Test("a closed database refuses reads and writes with StorageError.closed")
    func closed() async throws {
        try await withTemporaryDirectory { directory in
            let db = try await Database.open(path: directory + "/db.sqlite")
            _ = try await db.read { conn in try conn.fetchValue(Int.self, "SELECT 1") }
            await db.close()
            await db.close()
            let writeError = await #expect(throws: StorageError.self) { try await db.write { _ in 1 } }
            let readError = await #expect(throws: StorageError.self) { try await db.read { _ in 1 } }
            #expect(writeError?.code == .closed)
            #expect(readError?.code == .closed)
            #expect(await !db.isOpen)
        }
    }

    @Test("past checkpointPages, the WAL is checkpointed on a background connection and restarts")
    func backgroundCheckpoints() async throws {
        try await withTemporaryDirectory { directory in
            var configuration = Database.Configuration()
            configuration.checkpointPages = 20
            let db = try await Database.open(path: directory + "/db.sqlite", configuration: configuration)
            try await db.write { conn in try conn.execute("CREATE TABLE t(a INTEGER NOT NULL, b BLOB NOT NULL) STRICT") }
            for value in 0..<40 {
                try await db.write { conn in try conn.execute("INSERT INTO t VALUES (?, randomblob(8000))", value) }
            }
            // 40 commits of 2-3 pages each went past 20 frames several times.
            let deadline = ContinuousClock.now + .seconds(20)
            while db.backgroundCheckpointCount == 0 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(db.backgroundCheckpointCount > 0)
            #expect(db.backgroundCheckpointFailureCount == 0)
            // Once a checkpoint copied every frame, the next commit starts the WAL over: the
            // commit after it sees a short WAL, not the 100+ frames of every write so far.
            var frames = Int.max
            while frames >= 20 && ContinuousClock.now < deadline {
                try await db.write { conn in try conn.execute("INSERT INTO t VALUES (-1, x'00')") }
                frames = try await db.write { conn in conn.framesInWAL }
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(frames < 20)
            await db.close()
            let reopened = try await Database.open(path: directory + "/db.sqlite")
            let rows = try await reopened.read { conn in try conn.fetchValue(Int.self, "SELECT count(*) FROM t WHERE a >= 0 AND length(b) = 8000") }
            #expect(rows == 40)
            await reopened.close()
        }
    }

    @Test("past synchronousCheckpointFactor × checkpointPages, the commit checkpoints itself")
    func synchronousCheckpoints() async throws {
        try await withTemporaryDirectory { directory in
            var configuration = Database.Configuration()
            configuration.checkpointPages = 10
            configuration.synchronousCheckpointFactor = 1
            let db = try await Database.open(path: directory + "/db.sqlite", configuration: configuration)
            try await db.write { conn in try conn.execute("CREATE TABLE t(a INTEGER NOT NULL, b BLOB NOT NULL) STRICT") }
            var largest = 0
            for value in 0..<30 {
                try await db.write { conn in try conn.execute("INSERT INTO t VALUES (?, randomblob(8000))", value) }
                largest = max(largest, try await db.write { conn in conn.framesInWAL })
            }
            // Each commit past 10 frames copied them, so the WAL restarted at the next one.
            #expect(largest >= 10 && largest < 20)
            #expect(db.backgroundCheckpointCount == 0)
            await db.close()
        }
    }

    @Test("writeWithoutTransaction refuses to leave a transaction open")
    func leakedTransaction() async throws {
        try await withTemporaryDirectory { directory in
            let db = try await Database.open(path: directory + "/db.sqlite")
            try await db.write { conn in try conn.execute("CREATE TABLE t(a INTEGER)") }
            let error = await #expect(throws: SQLiteError.self) {
                try await db.writeWithoutTransaction { conn in
                    try conn.execute("BEGIN")
                    try conn.execute("INSERT INTO t VALUES (1)")
                }
            }
            let count = try await db.writeWithoutTransaction { conn in
                (try conn.fetchValue(Int.self, "SELECT count(*) FROM t"), conn.isInTransaction)
            }
            #expect(error?.code == .misuse)
            #expect(count.0 == 0)
            #expect(!count.1)
            await db.close()
        }
    }
}

private struct WriteFailure: Error {}
