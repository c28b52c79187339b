/// One read-only (`query_only`) connection of a ``Database``, on its own serial dispatch queue so
/// several reads of the same file run in parallel (WAL lets readers proceed while the writer
/// writes) without blocking the cooperative pool. Opened lazily on first use.
actor DatabaseReader {
    private let executor: DispatchQueueExecutor
    private var connection: LazyConnection
    private var isClosed = false
    /// Interrupts this reader's running statement when a reading task is cancelled.
    nonisolated let interrupt = InterruptHandle()

    nonisolated var unownedExecutor: UnownedSerialExecutor { unsafe self.executor.asUnownedSerialExecutor() }

    init(path: String, options: SQLiteConnection.Options, label: String) {
        self.executor = DispatchQueueExecutor(label: label)
        self.connection = LazyConnection(path: path, options: options, queryOnly: true, interrupt: self.interrupt)
    }

    /// Runs `body` in a deferred transaction: the snapshot is taken at its first read and holds
    /// until it returns, so everything it reads is mutually consistent.
    func read<T: Sendable>(operation id: UInt64, _ body: @Sendable (SQLiteConnection) throws -> T) throws -> T {
        guard !self.isClosed else {
            throw StorageError(code: .closed, message: "\(self.connection.path) is closed")
        }
        let connection = try self.connection.open()
        return try self.interrupt.run(operation: id) {
            try connection.transaction(.deferred) { try body(connection) }
        }
    }

    /// Closes the connection; later reads throw ``StorageError/Code/closed``.
    func close() {
        self.isClosed = true
        self.connection.close()
    }
}
