internal import Dispatch
internal import Foundation
public import ServerSupport

/// The open tenant databases of a process: `<directory>/<firm-id>.sqlite`, opened lazily,
/// migrated on open with the tenant ``MigrationList``, and kept in a bounded LRU pool so one
/// gateway can serve thousands of firms with a few hundred open files.
///
/// Access is scoped: ``withTenant(_:_:)`` lends the firm's ``Database`` for the duration of
/// the closure. A lent database is **never** closed by eviction (its use count is non-zero), so
/// no write, read or transaction is ever cut short; when every database is in use the pool
/// may exceed its capacity for a while and shrinks back as uses end. Each file is opened once:
/// concurrent first uses of the same firm wait for the same open.
///
/// ```swift
/// let pool = try TenantPool(directory: root + "/tenants", migrations: TenantSchema.migrations, logger: logger)
/// let total = try await pool.withTenant(firmID) { db in
///     try await db.read { conn in try conn.fetchValue(Int64.self, "SELECT sum(amount) FROM installments") }
/// }
/// ```
public actor TenantPool {
    /// Pool settings.
    public struct Configuration: Sendable {
        /// Open databases kept at most (while idle ones can be closed).
        public var capacity = 256
        /// How each tenant database opens (reader count, cache size …).
        public var database: Database.Configuration

        /// Defaults: 256 databases, each with at most 2 readers and a 1 MB page cache per
        /// connection, reading through a memory map of up to 2 GiB − 64 KiB, SQLite's largest
        /// (address space, not memory: pages are the kernel's page cache, shared by the
        /// connections of a file; a large firm's file is gigabytes, and reads beyond the map go
        /// through `pread`, whose copies took 15 % of a firm-wide dashboard answer). A tenant's
        /// WAL is checkpointed from 10,000 pages (40 MB) on, not SQLite's 1,000: a firm's rollup
        /// commits rewrite the same slice and state pages again and again, and a checkpoint
        /// copies each page once, however many times the WAL holds it.
        public init() {
            var database = Database.Configuration()
            database.maximumReaderCount = 2
            database.connection.cacheSizeKiB = 1024
            database.connection.mmapSizeBytes = 0x7FFF_0000
            database.createsParentDirectories = true
            database.checkpointPages = 10_000
            self.database = database
        }
    }

    /// Counters, for `/metrics` and tests.
    public struct Metrics: Sendable, Hashable {
        /// Databases open now (in use or idle).
        public var openDatabases = 0
        /// Databases lent out now.
        public var databasesInUse = 0
        /// Sum of current uses (several callers can share one database).
        public var activeUses = 0
        /// Files opened since start.
        public var opens = 0
        /// Databases closed to stay within capacity or because they were idle.
        public var evictions = 0
        /// Uses served by an already open database.
        public var hits = 0
        /// Opens that failed (bad file, newer schema …).
        public var openFailures = 0
        /// Most databases open at once.
        public var peakOpenDatabases = 0
    }

    private struct OpenTenant {
        var database: Database
        var uses: Int
        var lastUse: UInt64
        var lastUsedAt: ContinuousClock.Instant
    }

    private enum Entry {
        /// The file is being opened; these callers wait for the same open.
        case opening(waiters: [CheckedContinuation<Database, any Error>])
        case open(OpenTenant)
        /// Being closed; these callers reopen it once the close finished.
        case closing(waiters: [CheckedContinuation<Void, Never>])
    }

    /// Directory holding the tenant files.
    public nonisolated let directory: String
    /// Schema of every tenant file.
    public nonisolated let migrations: MigrationList
    /// The settings given at creation.
    public nonisolated let configuration: Configuration
    private let logger: Logger
    private let fileQueue = DispatchQueue(label: "pilotage.storage.tenant-files")

    private var entries: [FirmID: Entry] = [:]
    private var closingCount = 0
    private var useClock: UInt64 = 0
    private var counters = Metrics()
    private var isShutDown = false

    /// Creates an empty pool; no file is touched until a tenant is used. Throws when
    /// `migrations` is malformed or the capacity is below 1.
    public init(
        directory: String,
        migrations: MigrationList,
        configuration: Configuration = Configuration(),
        logger: Logger
    )
        throws
    {
        try migrations.validate()
        guard configuration.capacity >= 1 else {
            throw StorageError(code: .invalidArgument, message: "tenant pool capacity must be at least 1")
        }
        self.directory = directory
        self.migrations = migrations
        self.configuration = configuration
        self.logger = logger
    }

    /// The file of `firm`: `<directory>/<firm-id>.sqlite`.
    public nonisolated func path(for firm: FirmID) -> String {
        self.directory + "/" + firm.rawValue + ".sqlite"
    }

    /// Lends `firm`'s database to `body`, opening (and migrating) it first if needed. The
    /// database stays open, and is never evicted, until `body` returns. Do not keep the
    /// `Database` beyond the closure: once evicted it throws ``StorageError/Code/closed``.
    public nonisolated func withTenant<T>(_ firm: FirmID, _ body: (Database) async throws -> T) async throws -> T {
        let database = try await self.checkOut(firm)
        let result: Result<T, any Error>
        do {
            result = .success(try await body(database))
        } catch {
            result = .failure(error)
        }
        await self.checkIn(firm)
        return try result.get()
    }

    /// Current counters.
    public var metrics: Metrics {
        var metrics = self.counters
        metrics.openDatabases = 0
        metrics.databasesInUse = 0
        metrics.activeUses = 0
        for case .open(let tenant) in self.entries.values {
            metrics.openDatabases += 1
            metrics.activeUses += tenant.uses
            if tenant.uses > 0 { metrics.databasesInUse += 1 }
        }
        return metrics
    }

    /// The firms whose database is open right now, sorted.
    public var openFirms: [FirmID] {
        self.entries.compactMap { firm, entry in
            if case .open = entry { firm } else { nil }
        }.sorted()
    }

    /// Whether `firm`'s database is open in the pool right now.
    public func isOpen(_ firm: FirmID) -> Bool {
        if case .open = self.entries[firm] { return true }
        return false
    }

    /// Closes every idle database unused for at least `age` ("closed when cold"); call it
    /// periodically. Returns how many were closed.
    @discardableResult
    public func closeIdle(unusedFor age: Duration) async -> Int {
        let now = ContinuousClock.now
        var cold: [FirmID] = []
        for (firm, entry) in self.entries {
            if case .open(let tenant) = entry, tenant.uses == 0, now - tenant.lastUsedAt >= age {
                cold.append(firm)
            }
        }
        var closed = 0
        for firm in cold where await self.evict(firm) {
            closed += 1
        }
        return closed
    }

    /// Refuses new uses and closes every idle database; databases in use close when their
    /// last use ends. Idempotent.
    public func shutdown() async {
        self.isShutDown = true
        for firm in Array(self.entries.keys) {
            await self.evict(firm)
        }
    }

    /// `PRAGMA user_version` of `firm`'s file: from the open database when it is in the pool,
    /// else by a short read-only peek that neither creates nor migrates the file. `nil` when
    /// the file does not exist.
    public func schemaVersion(of firm: FirmID) async throws -> Int? {
        if case .open(let tenant) = self.entries[firm] {
            return await tenant.database.schemaVersion
        }
        let path = self.path(for: firm)
        return try await runBlocking(on: self.fileQueue) {
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            var options = SQLiteConnection.Options()
            options.access = .readWrite(create: false)
            options.enablesWAL = false
            options.queryOnly = true
            let connection = try SQLiteConnection(path: path, options: options)
            defer { connection.close() }
            return try MigrationList.schemaVersion(of: connection)
        }
    }

    /// Bytes on disk of `firm`'s database (main file plus write-ahead log), `nil` when absent.
    public nonisolated func fileSize(of firm: FirmID) async throws -> Int64? {
        let path = self.path(for: firm)
        return try await runBlocking(on: self.fileQueue) {
            func size(_ path: String) -> Int64? {
                guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
                return (attributes[.size] as? NSNumber)?.int64Value
            }
            guard let main = size(path) else { return nil }
            return main + (size(path + "-wal") ?? 0)
        }
    }

    // MARK: - Leases on databases

    private func checkOut(_ firm: FirmID) async throws -> Database {
        while true {
            guard !self.isShutDown else {
                throw StorageError(code: .closed, message: "the tenant pool is shut down")
            }
            switch self.entries[firm] {
            case .open(var tenant):
                tenant.uses += 1
                self.touch(&tenant)
                self.entries[firm] = .open(tenant)
                self.counters.hits += 1
                return tenant.database
            case .opening(var waiters):
                return try await withCheckedThrowingContinuation { continuation in
                    waiters.append(continuation)
                    self.entries[firm] = .opening(waiters: waiters)
                }
            case .closing(var waiters):
                await withCheckedContinuation { continuation in
                    waiters.append(continuation)
                    self.entries[firm] = .closing(waiters: waiters)
                }
                // Closed now: loop and open it again.
                continue
            case nil:
                return try await self.open(firm)
            }
        }
    }

    private func open(_ firm: FirmID) async throws -> Database {
        self.entries[firm] = .opening(waiters: [])
        await self.evictWhileOverCapacity()
        let database: Database
        do {
            database = try await Database.open(
                path: self.path(for: firm),
                configuration: self.configuration.database,
                migrations: self.migrations
            )
        } catch {
            self.counters.openFailures += 1
            let waiters = self.takeOpeningWaiters(firm)
            self.entries[firm] = nil
            for waiter in waiters { waiter.resume(throwing: error) }
            self.logger.warning("cannot open tenant database", metadata: ["firm": firm.rawValue, "error": "\(error)"])
            throw error
        }
        let waiters = self.takeOpeningWaiters(firm)
        var tenant = OpenTenant(database: database, uses: 1 + waiters.count, lastUse: 0, lastUsedAt: .now)
        self.touch(&tenant)
        self.entries[firm] = .open(tenant)
        self.counters.opens += 1
        let open = self.entries.count - self.closingCount
        self.counters.peakOpenDatabases = max(self.counters.peakOpenDatabases, open)
        self.logger.debug("opened tenant database", metadata: ["firm": firm.rawValue, "open": "\(open)"])
        for waiter in waiters { waiter.resume(returning: database) }
        return database
    }

    private func takeOpeningWaiters(_ firm: FirmID) -> [CheckedContinuation<Database, any Error>] {
        guard case .opening(let waiters) = self.entries[firm] else { return [] }
        return waiters
    }

    private func checkIn(_ firm: FirmID) async {
        guard case .open(var tenant) = self.entries[firm] else { return }
        tenant.uses -= 1
        self.touch(&tenant)
        self.entries[firm] = .open(tenant)
        if self.isShutDown {
            await self.evict(firm)
        } else {
            await self.evictWhileOverCapacity()
        }
    }

    private func touch(_ tenant: inout OpenTenant) {
        self.useClock += 1
        tenant.lastUse = self.useClock
        tenant.lastUsedAt = .now
    }

    /// Closes least recently used idle databases until the pool is within capacity, or nothing
    /// idle is left (everything in use: the pool stays over capacity until uses end).
    private func evictWhileOverCapacity() async {
        while self.entries.count - self.closingCount > self.configuration.capacity {
            var victim: (firm: FirmID, lastUse: UInt64)?
            for (firm, entry) in self.entries {
                if case .open(let tenant) = entry, tenant.uses == 0, tenant.lastUse < victim?.lastUse ?? .max {
                    victim = (firm, tenant.lastUse)
                }
            }
            guard let victim else { return }
            await self.evict(victim.firm)
        }
    }

    /// Closes `firm`'s database if it is open and idle. Callers arriving meanwhile wait and reopen.
    @discardableResult
    private func evict(_ firm: FirmID) async -> Bool {
        guard case .open(let tenant) = self.entries[firm], tenant.uses == 0 else { return false }
        self.entries[firm] = .closing(waiters: [])
        self.closingCount += 1
        await tenant.database.close()
        self.closingCount -= 1
        self.counters.evictions += 1
        var waiters: [CheckedContinuation<Void, Never>] = []
        if case .closing(let waiting) = self.entries[firm] { waiters = waiting }
        self.entries[firm] = nil
        for waiter in waiters { waiter.resume() }
        return true
    }
}
