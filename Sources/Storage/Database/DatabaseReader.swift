/// One read-only (`query_only`) connection of a ``Database``, on its own serial dispatch queue so
/// several reads of the same file run in parallel (WAL lets readers proceed while the writer
/// writes) without blocking the cooperative pool. Opened lazily on first use.
actor DatabaseReader {
    private let executor: DispatchQueueExecutor
    private let path: String
    private let options: SQLiteConnection.Options
    private var connection: SQLiteConnection?
    private var isClosed = false
    /// Interrupts this reader's running statement when a reading task is cancelled.
    nonisolated let interrupt = InterruptHandle()

    nonisolated var unownedExecutor: UnownedSerialExecutor { unsafe self.executor.asUnownedSerialExecutor() }

    init(path: String, options: SQLiteConnection.Options, label: String) {
        self.executor = DispatchQueueExecutor(label: label)
        self.path = path
        var options = options
        options.access = .readWrite(create: false)
        options.enablesWAL = false
        options.queryOnly = true
        self.options = options
    }

    /// Runs `body` in a deferred transaction: the snapshot is taken at its first read and holds
    /// until it returns, so everything it reads is mutually consistent.
    func read<T: Sendable>(operation id: UInt64, _ body: @Sendable (SQLiteConnection) throws -> T) throws -> T {
        guard !self.isClosed else {
            throw StorageError(code: .closed, message: "\(self.path) is closed")
        }
        let connection: SQLiteConnection
        if let open = self.connection {
            connection = open
        } else {
            connection = try SQLiteConnection(path: self.path, options: self.options, interruptHandle: self.interrupt)
            self.connection = connection
        }
        return try self.interrupt.run(operation: id) {
            try connection.transaction(.deferred) { try body(connection) }
        }
    }

    /// Closes the connection; later reads throw ``StorageError/Code/closed``.
    func close() {
        self.isClosed = true
        self.connection?.close()
        self.connection = nil
    }
}
