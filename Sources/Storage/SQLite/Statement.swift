internal import CSQLite

/// A prepared statement (`sqlite3_stmt`), finalized when released.
///
/// Obtain one with ``SQLiteConnection/prepare(_:)`` for a hot loop you drive yourself, or let
/// the connection's `execute`/`query` methods use their per-connection cache. A statement
/// belongs to its connection's isolation domain: it is not `Sendable`.
///
/// ```swift
/// let insert = try conn.prepare("INSERT INTO t(a, b) VALUES (?, ?)")
/// for row in rows { try insert.execute(row.a, row.b) }
/// ```
@safe public final class Statement {
    /// `sqlite3_stmt*`, owned: finalized in `deinit`.
    let handle: OpaquePointer
    /// The owning `sqlite3*`, used only to read error messages. `sqlite3_close_v2` keeps it
    /// alive (as a "zombie") until every statement is finalized, so it outlives this statement.
    let database: OpaquePointer
    /// The SQL text this statement was prepared from.
    public let sql: String
    /// Number of `?` parameters.
    public let parameterCount: Int
    /// Number of result columns (0 for statements that return no rows).
    public let columnCount: Int

    /// Whether the last `step()` produced a row that columns can be read from.
    private(set) var hasRow = false
    /// Set while a cached statement is lent out, so a nested use of the same SQL gets a fresh one.
    var isInUse = false
    /// Recency stamp for the statement cache's eviction.
    var lastUse: UInt64 = 0
    /// The connection's interrupt state, checked before each step.
    private let interrupt: InterruptHandle

    init(handle: OpaquePointer, database: OpaquePointer, sql: String, interrupt: InterruptHandle) {
        unsafe self.handle = handle
        unsafe self.database = database
        self.sql = sql
        self.interrupt = interrupt
        self.parameterCount = Int(unsafe sqlite3_bind_parameter_count(handle))
        self.columnCount = Int(unsafe sqlite3_column_count(handle))
    }

    deinit {
        // sqlite3_finalize returns the last step's error again; it was already reported.
        _ = unsafe sqlite3_finalize(self.handle)
    }

    // MARK: - Binding

    /// Binds every parameter at once (`sqlite3_bind_*`); the count must match `parameterCount`.
    public func bind<each Argument: SQLiteBindable>(_ arguments: repeat each Argument) throws(SQLiteError) {
        var count = 0
        for _ in repeat each arguments {
            count += 1
        }
        try self.checkArgumentCount(count)
        var index = 1
        for argument in repeat each arguments {
            try self.bind(argument.sqliteValue, at: index)
            index += 1
        }
    }

    /// Binds a dynamic argument list; the count must match `parameterCount`.
    public func bind(arguments: [SQLiteValue]) throws(SQLiteError) {
        try self.checkArgumentCount(arguments.count)
        for (offset, value) in arguments.enumerated() {
            try self.bind(value, at: offset + 1)
        }
    }

    /// Binds one value to the 1-based parameter `index` (`sqlite3_bind_int64`, `_double`,
    /// `_text64`, `_blob64`, `_zeroblob`, `_null`). Text and blobs are copied (`SQLITE_TRANSIENT`).
    public func bind(_ value: SQLiteValue, at index: Int) throws(SQLiteError) {
        let position = Int32(clamping: index)
        let code: Int32
        switch value {
        case .null:
            code = unsafe sqlite3_bind_null(self.handle, position)
        case .integer(let integer):
            code = unsafe sqlite3_bind_int64(self.handle, position, integer)
        case .real(let real):
            guard !real.isNaN else {
                throw SQLiteError(
                    code: .mismatch,
                    message: "parameter \(index): NaN cannot be stored (SQLite would turn it into NULL)",
                    sql: self.sql
                )
            }
            code = unsafe sqlite3_bind_double(self.handle, position, real)
        case .text(var text):
            code = text.withUTF8 { buffer in
                guard let base = buffer.baseAddress else {
                    return unsafe sqlite3_bind_text(self.handle, position, "", 0, csqlite_transient())
                }
                return unsafe sqlite3_bind_text64(
                    self.handle,
                    position,
                    UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self),
                    UInt64(buffer.count),
                    csqlite_transient(),
                    UInt8(SQLITE_UTF8)
                )
            }
        case .blob(let bytes):
            if bytes.isEmpty {
                // A nil pointer would bind NULL; an empty blob is not NULL.
                code = unsafe sqlite3_bind_zeroblob(self.handle, position, 0)
            } else {
                code = unsafe bytes.withUnsafeBytes { buffer in
                    unsafe sqlite3_bind_blob64(
                        self.handle,
                        position,
                        buffer.baseAddress,
                        UInt64(buffer.count),
                        csqlite_transient()
                    )
                }
            }
        }
        try self.check(code)
    }

    /// Sets every parameter back to NULL (`sqlite3_clear_bindings`).
    public func clearBindings() {
        _ = unsafe sqlite3_clear_bindings(self.handle)
    }

    private func checkArgumentCount(_ count: Int) throws(SQLiteError) {
        guard count == self.parameterCount else {
            throw SQLiteError(
                code: .range,
                message: "statement takes \(self.parameterCount) argument(s), got \(count)",
                sql: self.sql
            )
        }
    }

    // MARK: - Running

    /// Advances to the next row (`sqlite3_step`): `true` when a row is available, `false` when done.
    public func step() throws(SQLiteError) -> Bool {
        try self.step(honoringInterrupt: true)
    }

    /// `step()`; rollbacks pass `false` so that cleaning up after a cancellation still runs.
    func step(honoringInterrupt: Bool) throws(SQLiteError) -> Bool {
        guard !honoringInterrupt || !self.interrupt.isRequested else {
            self.hasRow = false
            throw SQLiteError(code: .interrupt, message: "interrupted (the operation was cancelled)", sql: self.sql)
        }
        let code = unsafe sqlite3_step(self.handle)
        switch code {
        case SQLITE_ROW:
            self.hasRow = true
            return true
        case SQLITE_DONE:
            self.hasRow = false
            return false
        default:
            self.hasRow = false
            throw unsafe SQLiteError(resultCode: code, database: self.database, sql: self.sql)
        }
    }

    /// Steps until the statement is done, ignoring any rows.
    public func run() throws(SQLiteError) {
        while try self.step() {}
    }

    /// Rewinds the statement so it can run again (`sqlite3_reset`); bindings are kept. Also ends
    /// the read transaction an unfinished `SELECT` holds open.
    public func reset() {
        // sqlite3_reset repeats the last step's error code, which was already thrown.
        _ = unsafe sqlite3_reset(self.handle)
        self.hasRow = false
    }

    /// Hot-loop helper: reset, bind `arguments`, run to completion.
    public func execute<each Argument: SQLiteBindable>(_ arguments: repeat each Argument) throws(SQLiteError) {
        self.reset()
        try self.bind(repeat each arguments)
        try self.run()
    }

    /// Calls `body` once per result row, then resets the statement. The row is only valid inside
    /// `body`: copy what you need out of it.
    public func forEachRow(_ body: (SQLiteRow) throws -> Void) throws {
        defer { self.reset() }
        while try self.step() {
            try body(SQLiteRow(statement: self))
        }
    }

    /// The current row; valid until the next `step()` or `reset()`.
    public var row: SQLiteRow { SQLiteRow(statement: self) }

    private func check(_ code: Int32) throws(SQLiteError) {
        guard code == SQLITE_OK else {
            throw unsafe SQLiteError(resultCode: code, database: self.database, sql: self.sql)
        }
    }
}

@available(*, unavailable, message: "a statement belongs to its connection's isolation domain")
extension Statement: Sendable {}
