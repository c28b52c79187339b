internal import CSQLite

/// One SQLite connection (`sqlite3*`), owned: closed with `sqlite3_close_v2` in `deinit`.
///
/// Opened with `SQLITE_OPEN_NOMUTEX` (the owning ``Database`` actor's serial queue serializes
/// every use, so SQLite's own mutex is redundant) and `SQLITE_OPEN_EXRESCODE` (extended result
/// codes). At open it sets `busy_timeout`, `journal_mode=WAL`, `synchronous=NORMAL`,
/// `foreign_keys=ON`, disables double-quoted string literals and enables defensive mode.
///
/// Not `Sendable`: use it only inside the `write`/`read` closures of a ``Database`` (or a
/// single thread of your own). Prepared statements are cached per connection, keyed by SQL text.
///
/// ```swift
/// try conn.execute("INSERT INTO t(a, b) VALUES (?, ?)", 1, "x")
/// try conn.query("SELECT a, b FROM t WHERE a > ?", 0) { row in print(try row[0] as Int64) }
/// let total = try conn.fetchValue(Int64.self, "SELECT sum(a) FROM t")
/// ```
@safe public final class SQLiteConnection {
    /// How a connection opens its file.
    public struct Options: Sendable {
        /// How a connection may touch the file.
        public enum Access: Sendable, Hashable {
            /// Read and write; `create` makes the file when missing.
            case readWrite(create: Bool)
            /// `SQLITE_OPEN_READONLY`: never writes, never creates.
            case readOnly
        }

        /// How to open; default read-write, creating the file.
        public var access: Access = .readWrite(create: true)
        /// How long a locked file is retried before `SQLITE_BUSY` (`sqlite3_busy_timeout`).
        public var busyTimeout: Duration = .seconds(5)
        /// Switch the file to WAL at open (read-write only; the mode is persistent in the file).
        public var enablesWAL = true
        /// `PRAGMA query_only`: refuse writes on a read-write connection (pool readers).
        public var queryOnly = false
        /// `PRAGMA cache_size` in KiB of page cache (SQLite's default is 2000).
        public var cacheSizeKiB = 2000
        /// `PRAGMA mmap_size` in bytes: reads of the file map its pages instead of copying them
        /// through `pread` (0, SQLite's default, turns it off).
        public var mmapSizeBytes = 0
        /// Maximum number of cached prepared statements; the least recently used is finalized beyond.
        public var statementCacheCapacity = 128

        /// Defaults: read-write, create, 5 s busy timeout, WAL, 2 MB cache, 128 statements.
        public init() {}
    }

    /// What happens between `transaction` and the first statement (`BEGIN DEFERRED/IMMEDIATE/EXCLUSIVE`).
    public enum TransactionKind: Sendable, Hashable {
        /// Locks lazily: a read snapshot at the first read, the write lock at the first write.
        case deferred
        /// Takes the write lock at once: the right kind for writers (no `SQLITE_BUSY_SNAPSHOT` later).
        case immediate
        /// Like immediate in WAL mode.
        case exclusive
    }

    /// Counters for tests and metrics.
    package struct Statistics: Sendable, Hashable {
        /// Statements compiled with `sqlite3_prepare_v3`.
        package var prepared = 0
        /// `execute`/`query` calls served by an already-prepared cached statement.
        package var cacheHits = 0
    }

    /// `sqlite3*`; `nil` once closed.
    private var handle: OpaquePointer?
    /// The file path given at open.
    public let path: String
    /// The options given at open.
    public let options: Options
    private var statementCache: [String: Statement] = [:]
    private var useClock: UInt64 = 0
    private var savepointDepth = 0
    /// Prepare and cache-hit counters of this connection.
    package private(set) var statistics = Statistics()
    /// Interrupts this connection's running statement from another thread (cancellation).
    let interruptHandle: InterruptHandle
    /// Frames in the WAL after this connection's last commit, once ``trackWALFrames()`` registered
    /// the hook that writes it (on this connection's thread, during the commit).
    private let walFrames: UnsafeMutablePointer<Int32>

    /// Opens (and by default creates) the database at `path` (`sqlite3_open_v2`) and configures it.
    /// The handle is closed again if anything fails.
    public convenience init(path: String, options: Options = Options()) throws(SQLiteError) {
        try self.init(path: path, options: options, interruptHandle: InterruptHandle())
    }

    /// Opens with an interrupt handle created beforehand by the connection's owner.
    init(path: String, options: Options, interruptHandle: InterruptHandle) throws(SQLiteError) {
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        switch options.access {
        case .readWrite(let create):
            flags |= SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0)
        case .readOnly:
            flags |= SQLITE_OPEN_READONLY
        }
        var opened: OpaquePointer?
        let code = unsafe sqlite3_open_v2(path, &opened, flags, nil)
        guard code == SQLITE_OK, let database = unsafe opened else {
            let error = unsafe SQLiteError(
                resultCode: code == SQLITE_OK ? SQLITE_NOMEM : code,
                database: opened,
                sql: nil
            )
            // A handle is usually allocated even when opening fails; it must be closed.
            _ = unsafe sqlite3_close_v2(opened)
            throw SQLiteError(code: error.code, message: "cannot open \(path): \(error.message)")
        }
        do {
            try unsafe Self.configure(database, options: options)
        } catch {
            _ = unsafe sqlite3_close_v2(database)
            throw error
        }
        unsafe self.handle = database
        unsafe self.walFrames = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        unsafe self.walFrames.initialize(to: 0)
        unsafe interruptHandle.attach(database)
        self.interruptHandle = interruptHandle
        self.path = path
        self.options = options
    }

    deinit {
        self.close()
        unsafe self.walFrames.deallocate()
    }

    /// Finalizes cached statements and closes the handle (`sqlite3_close_v2`). Idempotent; every
    /// later call throws `SQLITE_MISUSE`. Statements you prepared yourself keep the underlying
    /// handle alive until they are released (close_v2's "zombie" state), so nothing dangles.
    public func close() {
        guard let database = unsafe self.handle else { return }
        self.statementCache.removeAll()
        self.interruptHandle.invalidate()
        // A zombie handle (statements still alive) must not write through the hook's pointer.
        unsafe sqlite3_wal_hook(database, nil, nil)
        _ = unsafe sqlite3_close_v2(database)
        unsafe self.handle = nil
    }

    /// Whether `close()` has been called.
    public var isClosed: Bool { unsafe self.handle == nil }

    private static func configure(_ database: OpaquePointer, options: Options) throws(SQLiteError) {
        func check(_ code: Int32, _ what: String) throws(SQLiteError) {
            guard code == SQLITE_OK else { throw unsafe SQLiteError(resultCode: code, database: database, sql: what) }
        }
        let milliseconds =
            options.busyTimeout.components.seconds * 1000
            + options.busyTimeout.components.attoseconds / 1_000_000_000_000_000
        try check(unsafe sqlite3_busy_timeout(database, Int32(clamping: milliseconds)), "sqlite3_busy_timeout")
        var ignored: Int32 = 0
        // Double-quoted string literals are a classic source of silent bugs ("col" typo = string).
        try check(
            unsafe csqlite_db_config_int(database, SQLITE_DBCONFIG_DQS_DML, 0, &ignored),
            "SQLITE_DBCONFIG_DQS_DML"
        )
        try check(
            unsafe csqlite_db_config_int(database, SQLITE_DBCONFIG_DQS_DDL, 0, &ignored),
            "SQLITE_DBCONFIG_DQS_DDL"
        )
        // Defensive mode forbids writable_schema and other ways to corrupt a file from SQL.
        try check(
            unsafe csqlite_db_config_int(database, SQLITE_DBCONFIG_DEFENSIVE, 1, &ignored),
            "SQLITE_DBCONFIG_DEFENSIVE"
        )

        var pragmas = ["PRAGMA foreign_keys = ON", "PRAGMA cache_size = -\(max(options.cacheSizeKiB, 64))"]
        if case .readWrite = options.access {
            if options.enablesWAL { pragmas.append("PRAGMA journal_mode = WAL") }
            pragmas.append("PRAGMA synchronous = NORMAL")
        }
        if options.mmapSizeBytes > 0 { pragmas.append("PRAGMA mmap_size = \(options.mmapSizeBytes)") }
        if options.queryOnly { pragmas.append("PRAGMA query_only = ON") }
        for pragma in pragmas {
            var statement: OpaquePointer?
            try check(unsafe sqlite3_prepare_v2(database, pragma, -1, &statement, nil), pragma)
            let code = unsafe sqlite3_step(statement)
            var walRefused = false
            if code == SQLITE_ROW, pragma.contains("journal_mode"), let text = unsafe sqlite3_column_text(statement, 0)
            {
                walRefused = unsafe String(cString: text) != "wal"
            }
            _ = unsafe sqlite3_finalize(statement)
            guard code == SQLITE_ROW || code == SQLITE_DONE else {
                throw unsafe SQLiteError(resultCode: code, database: database, sql: pragma)
            }
            if walRefused {
                throw SQLiteError(code: .cannotOpen, message: "the file refused WAL journal mode", sql: pragma)
            }
        }
    }

    // MARK: - Statements

    /// Compiles `sql` into a new statement that you own (`sqlite3_prepare_v3`). Exactly one
    /// statement: trailing SQL other than whitespace, `;` or comments is refused.
    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        try self.prepare(sql, persistent: false)
    }

    private func prepare(_ sql: String, persistent: Bool) throws(SQLiteError) -> Statement {
        let database = try unsafe self.liveHandle(for: sql)
        var prepared: OpaquePointer?
        var trailing = ""
        let code = unsafe sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            let flags = UInt32(persistent ? SQLITE_PREPARE_PERSISTENT : 0)
            let code = unsafe sqlite3_prepare_v3(database, text, -1, flags, &prepared, &tail)
            if code == SQLITE_OK, let tail = unsafe tail, unsafe tail.pointee != 0 {
                trailing = unsafe String(cString: tail)
            }
            return code
        }
        guard code == SQLITE_OK else {
            let error = unsafe SQLiteError(resultCode: code, database: database, sql: sql)
            _ = unsafe sqlite3_finalize(prepared)
            throw error
        }
        guard let handle = unsafe prepared else {
            throw SQLiteError(code: .misuse, message: "no SQL statement to prepare (empty or only comments)", sql: sql)
        }
        let statement = unsafe Statement(handle: handle, database: database, sql: sql, interrupt: self.interruptHandle)
        self.statistics.prepared += 1
        if !trailing.allSatisfy({ $0.isWhitespace || $0 == ";" }), try self.containsStatement(trailing) {
            throw SQLiteError(
                code: .misuse,
                message: "more than one statement; use executeScript for SQL scripts",
                sql: sql
            )
        }
        return statement
    }

    /// Whether `sql` holds at least one statement (not just comments).
    private func containsStatement(_ sql: String) throws(SQLiteError) -> Bool {
        let database = try unsafe self.liveHandle(for: sql)
        var prepared: OpaquePointer?
        let code = unsafe sqlite3_prepare_v2(database, sql, -1, &prepared, nil)
        defer { _ = unsafe sqlite3_finalize(prepared) }
        let hasStatement = unsafe prepared != nil
        return code != SQLITE_OK || hasStatement
    }

    /// Lends the cached statement for `sql`, preparing and caching it on first use. A statement
    /// already lent (a nested query with the same SQL) is not shared: a fresh one is prepared.
    /// Give it back with `release(_:)`.
    private func acquireStatement(_ sql: String) throws(SQLiteError) -> Statement {
        self.useClock &+= 1
        if let cached = self.statementCache[sql], !cached.isInUse {
            cached.isInUse = true
            cached.lastUse = self.useClock
            self.statistics.cacheHits += 1
            return cached
        }
        let statement = try self.prepare(sql, persistent: true)
        statement.isInUse = true
        statement.lastUse = self.useClock
        if self.statementCache[sql] == nil {
            if self.statementCache.count >= max(self.options.statementCacheCapacity, 1) {
                self.evictLeastRecentlyUsedStatement()
            }
            self.statementCache[sql] = statement
        }
        return statement
    }

    /// Resets the statement (ending any read it holds open) and clears its bindings.
    private func release(_ statement: Statement) {
        statement.reset()
        statement.clearBindings()
        statement.isInUse = false
    }

    private func evictLeastRecentlyUsedStatement() {
        let idle = self.statementCache.filter { !$0.value.isInUse }
        if let victim = idle.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            self.statementCache[victim.key] = nil
        }
    }

    /// Number of statements in the cache (tests).
    package var cachedStatementCount: Int { self.statementCache.count }

    // MARK: - Executing

    /// Runs one statement with positional arguments, using the statement cache.
    public func execute<each Argument: SQLiteBindable>(
        _ sql: String,
        _ arguments: repeat each Argument
    ) throws(SQLiteError) {
        let statement = try self.acquireStatement(sql)
        defer { self.release(statement) }
        try statement.bind(repeat each arguments)
        try statement.run()
    }

    /// Runs one statement with a dynamic argument list, using the statement cache.
    public func execute(_ sql: String, arguments: [SQLiteValue]) throws(SQLiteError) {
        let statement = try self.acquireStatement(sql)
        defer { self.release(statement) }
        try statement.bind(arguments: arguments)
        try statement.run()
    }

    /// Runs a script of several statements without arguments (schema, migrations). Not cached.
    public func executeScript(_ sql: String) throws(SQLiteError) {
        let database = try unsafe self.liveHandle(for: sql)
        let utf8 = sql.utf8CString
        try unsafe utf8.withUnsafeBufferPointer { (buffer) throws(SQLiteError) -> Void in
            guard var cursor = buffer.baseAddress else { return }
            while unsafe cursor.pointee != 0 {
                var prepared: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                let code = unsafe sqlite3_prepare_v2(database, cursor, -1, &prepared, &tail)
                guard code == SQLITE_OK else {
                    throw unsafe SQLiteError(resultCode: code, database: database, sql: String(cString: cursor))
                }
                guard let handle = unsafe prepared else { break }  // only comments/whitespace left
                let text = unsafe sqlite3_sql(handle).map { unsafe String(cString: $0) } ?? sql
                let statement = unsafe Statement(
                    handle: handle,
                    database: database,
                    sql: text,
                    interrupt: self.interruptHandle
                )
                try statement.run()
                guard let next = unsafe tail else { break }
                unsafe cursor = next
            }
        }
    }

    /// Runs a query and calls `body` for each row, with no intermediate array. The row is only
    /// valid inside `body`.
    public func query<each Argument: SQLiteBindable>(
        _ sql: String,
        _ arguments: repeat each Argument,
        row body: (SQLiteRow) throws -> Void
    ) throws {
        let statement = try self.acquireStatement(sql)
        defer { self.release(statement) }
        try statement.bind(repeat each arguments)
        while try statement.step() {
            try body(SQLiteRow(statement: statement))
        }
    }

    /// Runs a query with a dynamic argument list and calls `body` for each row.
    public func query(_ sql: String, arguments: [SQLiteValue], row body: (SQLiteRow) throws -> Void) throws {
        let statement = try self.acquireStatement(sql)
        defer { self.release(statement) }
        try statement.bind(arguments: arguments)
        while try statement.step() {
            try body(SQLiteRow(statement: statement))
        }
    }

    /// Every row decoded as `T`.
    public func fetchAll<T: SQLiteRowDecodable, each Argument: SQLiteBindable>(
        _ type: T.Type,
        _ sql: String,
        _ arguments: repeat each Argument
    ) throws -> [T] {
        var result: [T] = []
        try self.query(sql, repeat each arguments) { row in result.append(try T(row: row)) }
        return result
    }

    /// The first row decoded as `T`, or `nil` when there is none.
    public func fetchOne<T: SQLiteRowDecodable, each Argument: SQLiteBindable>(
        _ type: T.Type,
        _ sql: String,
        _ arguments: repeat each Argument
    ) throws -> T? {
        let statement = try self.acquireStatement(sql)
        defer { self.release(statement) }
        try statement.bind(repeat each arguments)
        guard try statement.step() else { return nil }
        return try T(row: SQLiteRow(statement: statement))
    }

    /// The first column of the first row as `T`, or `nil` when there is no row. For a column
    /// that may be `NULL`, ask for an optional type (`Int64?.self`).
    public func fetchValue<T: SQLiteColumnDecodable, each Argument: SQLiteBindable>(
        _ type: T.Type,
        _ sql: String,
        _ arguments: repeat each Argument
    ) throws(SQLiteError) -> T? {
        let statement = try self.acquireStatement(sql)
        defer { self.release(statement) }
        try statement.bind(repeat each arguments)
        guard try statement.step() else { return nil }
        return try T(sqliteColumn: 0, of: SQLiteRow(statement: statement))
    }

    /// The first column of every row as `T`.
    public func fetchColumn<T: SQLiteColumnDecodable, each Argument: SQLiteBindable>(
        _ type: T.Type,
        _ sql: String,
        _ arguments: repeat each Argument
    ) throws(SQLiteError) -> [T] {
        let statement = try self.acquireStatement(sql)
        defer { self.release(statement) }
        try statement.bind(repeat each arguments)
        var values: [T] = []
        while try statement.step() {
            values.append(try T(sqliteColumn: 0, of: SQLiteRow(statement: statement)))
        }
        return values
    }

    // MARK: - Transactions

    /// Runs `body` in a transaction: `BEGIN <kind>` … `COMMIT`, or `ROLLBACK` when `body` throws
    /// (the error is rethrown). Nested calls become savepoints (`SAVEPOINT` … `RELEASE`, or
    /// `ROLLBACK TO` on throw), so an inner failure undoes only the inner work.
    public func transaction<T>(_ kind: TransactionKind = .deferred, _ body: () throws -> T) throws -> T {
        if self.isInTransaction {
            return try self.savepoint(body)
        }
        let begin =
            switch kind {
            case .deferred: "BEGIN DEFERRED"
            case .immediate: "BEGIN IMMEDIATE"
            case .exclusive: "BEGIN EXCLUSIVE"
            }
        try self.execute(begin)
        let result: T
        do {
            result = try body()
        } catch {
            self.rollbackIgnoringErrors()
            throw error
        }
        do {
            try self.execute("COMMIT")
        } catch {
            self.rollbackIgnoringErrors()
            throw error
        }
        return result
    }

    private func savepoint<T>(_ body: () throws -> T) throws -> T {
        self.savepointDepth += 1
        defer { self.savepointDepth -= 1 }
        let name = "pilotage_savepoint_\(self.savepointDepth)"
        try self.execute("SAVEPOINT \(name)")
        let result: T
        do {
            result = try body()
        } catch {
            // Some errors (SQLITE_FULL, IOERR …) roll the whole transaction back by themselves.
            if self.isInTransaction {
                try? self.executeIgnoringInterrupt("ROLLBACK TO \(name)")
                try? self.executeIgnoringInterrupt("RELEASE \(name)")
            }
            throw error
        }
        try self.execute("RELEASE \(name)")
        return result
    }

    private func rollbackIgnoringErrors() {
        // After some errors SQLite has already rolled back by itself; ROLLBACK would then fail.
        if self.isInTransaction {
            try? self.executeIgnoringInterrupt("ROLLBACK")
        }
    }

    /// Runs a statement even when the current operation was interrupted (cleanup after cancellation).
    func executeIgnoringInterrupt(_ sql: String) throws(SQLiteError) {
        let statement = try self.acquireStatement(sql)
        defer { self.release(statement) }
        while try statement.step(honoringInterrupt: false) {}
    }

    /// Whether a transaction is open (`sqlite3_get_autocommit` is false).
    public var isInTransaction: Bool {
        guard let database = unsafe self.handle else { return false }
        return unsafe sqlite3_get_autocommit(database) == 0
    }

    /// Rowid of the last successful `INSERT` on this connection (`sqlite3_last_insert_rowid`).
    public var lastInsertRowID: Int64 {
        guard let database = unsafe self.handle else { return 0 }
        return unsafe sqlite3_last_insert_rowid(database)
    }

    /// Rows changed by the last `INSERT`/`UPDATE`/`DELETE` (`sqlite3_changes64`).
    public var changes: Int {
        guard let database = unsafe self.handle else { return 0 }
        return Int(unsafe sqlite3_changes64(database))
    }

    /// Rows changed since the connection opened (`sqlite3_total_changes64`).
    public var totalChanges: Int {
        guard let database = unsafe self.handle else { return 0 }
        return Int(unsafe sqlite3_total_changes64(database))
    }

    // MARK: - Checkpoints

    /// Makes every commit of this connection record the WAL's size in ``framesInWAL`` instead
    /// of checkpointing: SQLite's automatic checkpoints (which run inside the commit that
    /// crosses 1,000 frames) use the same hook and are turned off. The owner checkpoints, as
    /// ``Database`` does on a connection of its own.
    package func trackWALFrames() throws(SQLiteError) {
        let database = try unsafe self.liveHandle(for: nil)
        unsafe csqlite_track_wal_frames(database, self.walFrames)
    }

    /// Frames in the WAL after this connection's last commit (0 before the first one, or
    /// without ``trackWALFrames()``). A checkpoint does not lower it: the WAL restarts from
    /// its beginning at the next commit after a complete one.
    package var framesInWAL: Int { Int(unsafe self.walFrames.pointee) }

    /// Copies the WAL's frames into the database file as far as readers allow, without waiting
    /// for them or for the writer (`sqlite3_wal_checkpoint_v2`, `SQLITE_CHECKPOINT_PASSIVE`).
    /// Another connection checkpointing already (`SQLITE_BUSY`) is not an error: it does the work.
    package func checkpointPassively() throws(SQLiteError) {
        let database = try unsafe self.liveHandle(for: nil)
        let code = unsafe sqlite3_wal_checkpoint_v2(database, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        guard code == SQLITE_OK || code == SQLITE_BUSY else {
            throw unsafe SQLiteError(resultCode: code, database: database, sql: "sqlite3_wal_checkpoint_v2(PASSIVE)")
        }
    }

    private func liveHandle(for sql: String?) throws(SQLiteError) -> OpaquePointer {
        guard let database = unsafe self.handle else {
            throw SQLiteError(code: .misuse, message: "the connection is closed", sql: sql)
        }
        return unsafe database
    }
}

@available(*, unavailable, message: "a connection belongs to the actor or thread that owns it")
extension SQLiteConnection: Sendable {}
