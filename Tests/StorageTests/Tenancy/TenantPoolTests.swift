import Dispatch
import Foundation
import ServerSupport
import Storage
import Testing

/// A small tenant schema standing in for the real fact schema.
private let tenantMigrations = MigrationList([
    Migration(
        version: 1,
        name: "create counters",
        sql: "CREATE TABLE counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;"
    ),
    Migration(
        version: 2,
        name: "create events",
        sql: "CREATE TABLE events(id INTEGER PRIMARY KEY, note TEXT NOT NULL) STRICT;"
    ),
])

private func firm(_ text: String) throws -> FirmID { try FirmID(text) }

private func makePool(_ directory: String, capacity: Int) throws -> TenantPool {
    var configuration = TenantPool.Configuration()
    configuration.capacity = capacity
    return try TenantPool(
        directory: directory + "/tenants",
        migrations: tenantMigrations,
        configuration: configuration,
        logger: .silent()
    )
}

/// Adds 1 to the firm's counter and returns the new value.
@discardableResult
private func increment(_ pool: TenantPool, _ id: FirmID) async throws -> Int {
    try await pool.withTenant(id) { db in
        try await db.write { conn in
            try conn.execute(
                "INSERT INTO counters(name, value) VALUES ('hits', 1) ON CONFLICT(name) DO UPDATE SET value = value + 1"
            )
            return try conn.fetchValue(Int.self, "SELECT value FROM counters WHERE name = 'hits'") ?? 0
        }
    }
}

@Suite("TenantPool")
struct TenantPoolTests {
    @Test("a tenant file is created lazily under tenants/<firm>.sqlite and migrated on open")
    func lazyOpenAndMigrate() async throws {
        try await withTemporaryDirectory { directory in
            let pool = try makePool(directory, capacity: 4)
            let acme = try firm("acme")
            #expect(!FileManager.default.fileExists(atPath: directory + "/tenants/acme.sqlite"))
            #expect(try await pool.schemaVersion(of: acme) == nil)
            let value = try await increment(pool, acme)
            #expect(value == 1)
            #expect(pool.path(for: acme) == directory + "/tenants/acme.sqlite")
            #expect(FileManager.default.fileExists(atPath: directory + "/tenants/acme.sqlite"))
            #expect(try await pool.schemaVersion(of: acme) == 2)
            #expect(try await pool.fileSize(of: acme) ?? 0 > 0)
            await pool.shutdown()
            // Closed: the version is read by a peek at the file, which is not created for unknown firms.
            #expect(try await pool.schemaVersion(of: acme) == 2)
            #expect(try await pool.schemaVersion(of: firm("ghost")) == nil)
            #expect(!FileManager.default.fileExists(atPath: directory + "/tenants/ghost.sqlite"))
        }
    }

    @Test("beyond its capacity the pool closes the least recently used idle tenant; data survives reopening")
    func lruEviction() async throws {
        try await withTemporaryDirectory { directory in
            let pool = try makePool(directory, capacity: 3)
            let (a, b, c, d, e) = try (firm("a"), firm("b"), firm("c"), firm("d"), firm("e"))
            for id in [a, b, c] { try await increment(pool, id) }
            #expect(await pool.metrics.evictions == 0)
            try await increment(pool, d)  // a is the least recently used
            #expect(await pool.openFirms == [b, c, d])
            try await increment(pool, b)  // now c is the least recently used
            try await increment(pool, e)
            #expect(await pool.openFirms == [b, d, e])
            // a was closed and comes back with its data.
            #expect(try await increment(pool, a) == 2)
            let metrics = await pool.metrics
            #expect(metrics.openDatabases == 3)
            #expect(metrics.opens == 6)
            #expect(metrics.evictions == 3)
            #expect(metrics.hits == 1)
            #expect(metrics.peakOpenDatabases == 3)
            #expect(metrics.activeUses == 0)
            await pool.shutdown()
        }
    }

    @Test("a tenant in use, inside a write transaction, is never evicted")
    func inUseNotEvicted() async throws {
        try await withTemporaryDirectory { directory in
            let pool = try makePool(directory, capacity: 2)
            let held = try firm("held")
            let inTransaction = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await pool.withTenant(held) { db in
                        try await db.write { conn in
                            try conn.execute("INSERT INTO events(note) VALUES ('before')")
                            inTransaction.signal()
                            _ = release.wait(timeout: .now() + 60)
                            try conn.execute("INSERT INTO events(note) VALUES ('after')")
                        }
                    }
                }
                let entered = try await onBlockingQueue { inTransaction.wait(timeout: .now() + 60) == .success }
                #expect(entered)
                // Churn through more firms than the pool holds while `held` sits in its transaction.
                for index in 0..<6 {
                    try await increment(pool, try firm("churn\(index)"))
                    #expect(await pool.isOpen(held))
                }
                let during = await pool.metrics
                #expect(during.databasesInUse == 1)
                #expect(during.openDatabases == 2)
                release.signal()
                try await group.waitForAll()
            }
            let notes = try await pool.withTenant(held) { db in
                try await db.read { conn in try conn.fetchColumn(String.self, "SELECT note FROM events ORDER BY id") }
            }
            #expect(notes == ["before", "after"])
            await pool.shutdown()
        }
    }

    @Test("when every tenant is in use the pool goes over capacity, then shrinks back as uses end")
    func overCapacityWhileAllInUse() async throws {
        try await withTemporaryDirectory { directory in
            let pool = try makePool(directory, capacity: 2)
            let (a, b, c) = try (firm("a"), firm("b"), firm("c"))
            let peak = try await pool.withTenant(a) { _ in
                try await pool.withTenant(b) { _ in
                    try await pool.withTenant(c) { _ in await pool.metrics.openDatabases }
                }
            }
            #expect(peak == 3)
            let after = await pool.metrics
            #expect(after.openDatabases == 2)
            #expect(after.evictions == 1)
            #expect(after.activeUses == 0)
            await pool.shutdown()
        }
    }

    @Test("concurrent first uses of one firm share a single open; every write lands")
    func concurrentSameFirm() async throws {
        try await withTemporaryDirectory { directory in
            let pool = try makePool(directory, capacity: 4)
            let shared = try firm("shared")
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await increment(pool, shared) }
                }
                var seen: [Int] = []
                for try await value in group { seen.append(value) }
                #expect(seen.sorted() == Array(1...20))
            }
            let metrics = await pool.metrics
            #expect(metrics.opens == 1)
            #expect(metrics.evictions == 0)
            await pool.shutdown()
        }
    }

    @Test("many tasks over more firms than the capacity: counts exact, pool bounded, evictions happen")
    func concurrentChurn() async throws {
        try await withTemporaryDirectory { directory in
            let pool = try makePool(directory, capacity: 3)
            let firms = try (0..<8).map { try firm("f\($0)") }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for round in 0..<5 {
                    for (index, id) in firms.enumerated() where (index + round) % 2 == 0 || round < 3 {
                        group.addTask { try await increment(pool, id) }
                    }
                }
                try await group.waitForAll()
            }
            var expected: [Int] = []
            for index in firms.indices {
                expected.append((0..<5).filter { (index + $0) % 2 == 0 || $0 < 3 }.count)
            }
            var actual: [Int] = []
            for id in firms {
                actual.append(
                    try await pool.withTenant(id) { db in
                        try await db.read { conn in try conn.fetchValue(Int.self, "SELECT value FROM counters") ?? 0 }
                    }
                )
            }
            #expect(actual == expected)
            let metrics = await pool.metrics
            #expect(metrics.openDatabases <= 3)
            #expect(metrics.evictions > 0)
            #expect(metrics.activeUses == 0)
            await pool.shutdown()
        }
    }

    @Test("closeIdle closes cold tenants; shutdown refuses new uses")
    func coldAndShutdown() async throws {
        try await withTemporaryDirectory { directory in
            let pool = try makePool(directory, capacity: 8)
            for index in 0..<3 { try await increment(pool, try firm("t\(index)")) }
            #expect(await pool.closeIdle(unusedFor: .seconds(3600)) == 0)
            #expect(await pool.closeIdle(unusedFor: .zero) == 3)
            #expect(await pool.metrics.openDatabases == 0)
            try await increment(pool, try firm("t0"))
            await pool.shutdown()
            #expect(await pool.metrics.openDatabases == 0)
            let error = await #expect(throws: StorageError.self) { try await increment(pool, try firm("t0")) }
            #expect(error?.code == .closed)
        }
    }

    @Test("a tenant that fails to open reports the error and leaves the pool usable")
    func openFailure() async throws {
        try await withTemporaryDirectory { directory in
            let pool = try makePool(directory, capacity: 2)
            // A file from a newer release (schema version 9).
            try await onBlockingQueue {
                try FileManager.default.createDirectory(
                    atPath: directory + "/tenants",
                    withIntermediateDirectories: true
                )
                let conn = try SQLiteConnection(path: directory + "/tenants/future.sqlite")
                defer { conn.close() }
                try conn.execute("PRAGMA user_version = 9")
            }
            let error = await #expect(throws: StorageError.self) { try await increment(pool, try firm("future")) }
            #expect(error?.code == .schemaTooNew)
            #expect(try await increment(pool, try firm("present")) == 1)
            let metrics = await pool.metrics
            #expect(metrics.openFailures == 1)
            #expect(metrics.openDatabases == 1)
            await pool.shutdown()
        }
    }
}

@Suite("FirmID")
struct FirmIDTests {
    @Test(
        "invalid ids are refused with a clear error",
        arguments: [
            "", ".", "..", "../etc/passwd", "a/b", "a.b", "a b", "é", "a\u{0}b", "tenant.sqlite",
            String(repeating: "x", count: 65),
        ]
    )
    func invalid(text: String) {
        let error = #expect(throws: StorageError.self) { try FirmID(text) }
        #expect(error?.code == .invalidFirmID)
        #expect(error?.message.contains("A-Z a-z 0-9 _ -") == true)
    }

    @Test("valid ids", arguments: ["a", "Cabinet_Dupont-75", "0", "-", String(repeating: "Z", count: 64)])
    func valid(text: String) throws {
        #expect(try FirmID(text).rawValue == text)
    }

    @Test("JSON decoding validates")
    func codable() throws {
        let decoded = try JSONDecoder().decode([FirmID].self, from: Data(#"["ok-1"]"#.utf8))
        #expect(decoded.map(\.rawValue) == ["ok-1"])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([FirmID].self, from: Data(#"["../x"]"#.utf8)) }
    }
}
