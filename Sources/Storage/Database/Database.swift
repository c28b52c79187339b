internal import Foundation

/// One SQLite database file: a single writer connection owned by this actor, plus a small pool
/// of reader connections.
///
/// The actor's executor is a private serial `DispatchQueue`, so every blocking SQLite call runs
/// there and never on Swift's cooperative pool; each reader has its own queue too. Writes are
/// serialized (one writer per file, as SQLite wants) and each runs in a `BEGIN IMMEDIATE`
/// transaction; reads run concurrently with each other and with the writer (WAL), each inside
/// one snapshot.
///
/// ```swift
/// let db = try await Database.open(path: "/var/lib/pilotage/catalog.sqlite", migrations: schema)
/// try await db.write { conn in try conn.execute("INSERT INTO t(a) VALUES (?)", 1) }
/// let count = try await db.read { conn in try conn.fetchValue(Int.self, "SELECT count(*) FROM t") }
/// ```
///
/// Open each file once per process (the ``TenantPool`` does it for tenants): two `Database`
/// values on one file would be two writers contending for SQLite's lock.
public actor Database {
    /// How a database opens its connections.
    public struct Configuration: Sendable {
        /// Options of every connection (busy timeout, cache size …); readers are forced to
        /// `query_only`.
        public var connection = SQLiteConnection.Options()
        /// Maximum number of reader connections, opened on demand.
        public var maximumReaderCount = 2
        /// Create missing parent directories of the file at open.
        public var createsParentDirectories = false
        /// WAL size, in pages, from which a commit asks for a checkpoint on a background
        /// connection (SQLite's automatic checkpoints, inside the commit, are off); from
        /// ``synchronousCheckpointFactor`` times that (the background ones fall behind), the
        /// commit checkpoints itself, as SQLite would. 0: SQLite's automatic checkpoints.
        public var checkpointPages = 1000
        /// See ``checkpointPages``.
        public var synchronousCheckpointFactor = 8

        /// Defaults: standard connection options, two readers.
        public init() {}
    }

    /// The database file.
    public nonisolated let path: String
    /// The configuration given at open.
    public nonisolated let configuration: Configuration

    private let executor: DispatchQueueExecutor
    private let readers: ReaderPool
    private let checkpointer: BackgroundCheckpointer
    private var writer: SQLiteConnection?
    private var isClosed = false
    /// Interrupts the writer's running statement when a writing task is cancelled.
    private nonisolated let writerInterrupt = InterruptHandle()
    /// The schema version after the migrations run at open.
    public private(set) var schemaVersion = 0

    /// Runs the actor on its private dispatch queue.
    public nonisolated var unownedExecutor: UnownedSerialExecutor { unsafe self.executor.asUnownedSerialExecutor() }

    private init(path: String, configuration: Configuration) {
        self.path = path
        self.configuration = configuration
        let label = "pilotage.storage.\((path as NSString).lastPathComponent)"
        self.executor = DispatchQueueExecutor(label: label + ".writer")
        let options = configuration.connection
        self.readers = ReaderPool(capacity: configuration.maximumReaderCount, path: path) { number in
            DatabaseReader(path: path, options: options, label: label + ".reader\(number)")
        }
        self.checkpointer = BackgroundCheckpointer(path: path, options: options, label: label + ".checkpointer")
    }

    /// Opens the file (creating it unless the options say otherwise), switches it to WAL and
    /// brings its schema to `migrations.latestVersion`. All of it runs on the database's queue.
    public static func open(
        path: String,
        configuration: Configuration = Configuration(),
        migrations: MigrationList = .empty
    ) async throws -> Database {
        try migrations.validate()
        let database = Database(path: path, configuration: configuration)
        try await database.setUp(migrations: migrations)
        return database
    }

    private func setUp(migrations: MigrationList) throws {
        if self.configuration.createsParentDirectories {
            let directory = (self.path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
        }
        let connection = try SQLiteConnection(
            path: self.path,
            options: self.configuration.connection,
            interruptHandle: self.writerInterrupt
        )
        let outcome = try migrations.migrate(connection)
        self.schemaVersion = outcome.version
        if self.configuration.checkpointPages > 0 { try connection.trackWALFrames() }
        self.writer = connection
    }

    /// Runs `body` on the writer connection inside a `BEGIN IMMEDIATE` transaction: committed
    /// when it returns, rolled back when it throws. Writes are serialized. Nested
    /// `conn.transaction { }` calls inside become savepoints.
    ///
    /// Cancelling the calling task interrupts the write's SQL (`sqlite3_interrupt`): it rolls
    /// back and throws `CancellationError`.
    public nonisolated func write<T: Sendable>(_ body: @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        let id = InterruptHandle.nextOperationID()
        let handle = self.writerInterrupt
        return try await withTaskCancellationHandler {
            try await self.performWrite(operation: id, inTransaction: true, body)
        } onCancel: {
            handle.interrupt(operation: id)
        }
    }

    /// Runs `body` on the writer connection without opening a transaction, for the statements
    /// that refuse to run inside one (`VACUUM`, `PRAGMA wal_checkpoint(TRUNCATE)` …). A
    /// transaction `body` leaves open is rolled back and reported as `SQLITE_MISUSE`.
    public nonisolated func writeWithoutTransaction<T: Sendable>(
        _ body: @Sendable (SQLiteConnection) throws -> T
    ) async throws -> T {
        let id = InterruptHandle.nextOperationID()
        let handle = self.writerInterrupt
        return try await withTaskCancellationHandler {
            try await self.performWrite(operation: id, inTransaction: false, body)
        } onCancel: {
            handle.interrupt(operation: id)
        }
    }

    /// The write itself: synchronous on the actor's queue, so writes never interleave.
    private func performWrite<T: Sendable>(
        operation id: UInt64,
        inTransaction: Bool,
        _ body: @Sendable (SQLiteConnection) throws -> T
    ) throws -> T {
        let connection = try self.writerConnection()
        defer { self.checkpointIfDue(connection) }
        return try self.writerInterrupt.run(operation: id) {
            if inTransaction {
                return try connection.transaction(.immediate) { try body(connection) }
            }
            let result: T
            do {
                result = try body(connection)
            } catch {
                if connection.isInTransaction { try? connection.executeIgnoringInterrupt("ROLLBACK") }
                throw error
            }
            if connection.isInTransaction {
                try? connection.executeIgnoringInterrupt("ROLLBACK")
                throw SQLiteError(code: .misuse, message: "a write closure left a transaction open; it was rolled back")
            }
            return result
        }
    }

    /// After a write: asks for a background checkpoint past ``Configuration/checkpointPages``,
    /// checkpoints in place past ``Configuration/synchronousCheckpointFactor`` times that.
    private func checkpointIfDue(_ connection: SQLiteConnection) {
        let threshold = self.configuration.checkpointPages
        let frames = connection.framesInWAL
        guard threshold > 0, frames >= threshold else { return }
        if frames >= threshold * max(self.configuration.synchronousCheckpointFactor, 1) {
            // The background checkpoints fall behind: bound the WAL as SQLite would. A failure
            // here leaves the write committed; the next commits try again.
            try? connection.checkpointPassively()
        } else {
            self.checkpointer.request()
        }
    }

    /// Checkpoints run on the background connection so far (tests, metrics).
    public nonisolated var backgroundCheckpointCount: Int { self.checkpointer.checkpointCount }

    /// Background checkpoints that failed so far (the next commit past the threshold asks again).
    public nonisolated var backgroundCheckpointFailureCount: Int { self.checkpointer.failureCount }

    /// Runs `body` on a reader connection (`query_only`) inside one read transaction, so all it
    /// reads comes from a single snapshot, whatever the writer commits meanwhile. Reads run in
    /// parallel up to ``Configuration/maximumReaderCount``; beyond, they wait for a reader.
    /// Cancelling the calling task interrupts the read and throws `CancellationError`.
    public nonisolated func read<T: Sendable>(_ body: @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try Task.checkCancellation()
        let reader = try await self.readers.acquire()
        let result: Result<T, any Error>
        let id = InterruptHandle.nextOperationID()
        do {
            result = .success(
                try await withTaskCancellationHandler {
                    try await reader.read(operation: id, body)
                } onCancel: {
                    reader.interrupt.interrupt(operation: id)
                }
            )
        } catch {
            result = .failure(error)
        }
        if let toClose = self.readers.release(reader) {
            await toClose.close()
        }
        return try result.get()
    }

    /// Closes the writer and every idle reader; readers in use close when given back. Later
    /// calls throw ``StorageError/Code/closed``. Idempotent.
    public func close() async {
        guard !self.isClosed else { return }
        self.isClosed = true
        await self.checkpointer.close()
        self.writer?.close()
        self.writer = nil
        for reader in self.readers.close() {
            await reader.close()
        }
    }

    /// Whether ``close()`` was called.
    public var isOpen: Bool { !self.isClosed }

    /// Reader connections opened so far (tests, metrics).
    public nonisolated var readerCount: Int { self.readers.createdCount }

    /// Reads waiting for a free reader connection (tests, metrics).
    public nonisolated var waitingReadCount: Int { self.readers.waiterCount }

    private func writerConnection() throws -> SQLiteConnection {
        guard !self.isClosed, let writer = self.writer else {
            throw StorageError(code: .closed, message: "\(self.path) is closed")
        }
        return writer
    }
}
