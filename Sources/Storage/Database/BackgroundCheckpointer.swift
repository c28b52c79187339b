internal import Synchronization

/// Checkpoints a ``Database``'s WAL on a connection and serial queue of its own, so that the
/// writer's commits never wait for one.
///
/// With SQLite's automatic checkpoints, the commit that takes the WAL past 1,000 frames copies
/// them into the database file and syncs it before it returns: on a large firm's rollup commits
/// that was a sixth of the gateway's time, on the writer's path. The writer now only records the
/// WAL's size after each commit (``SQLiteConnection/trackWALFrames()``) and, past the
/// threshold, calls ``request()``; a checkpoint already under way absorbs the request. The
/// checkpoint is passive: it copies what no reader still needs, without waiting, and the next
/// commit after a complete one restarts the WAL from its beginning.
actor BackgroundCheckpointer {
    private let executor: DispatchQueueExecutor
    private var connection: LazyConnection
    private var isClosed = false
    private nonisolated let isRequested = Atomic<Bool>(false)
    private nonisolated let completed = Atomic<Int>(0)
    private nonisolated let failed = Atomic<Int>(0)

    nonisolated var unownedExecutor: UnownedSerialExecutor { unsafe self.executor.asUnownedSerialExecutor() }

    init(path: String, options: SQLiteConnection.Options, label: String) {
        self.executor = DispatchQueueExecutor(label: label)
        self.connection = LazyConnection(path: path, options: options, queryOnly: false)
    }

    /// Checkpoints ran to their end (whatever they could copy).
    nonisolated var checkpointCount: Int { self.completed.load(ordering: .relaxed) }

    /// Checkpoints that failed (the file could not be opened or written); the next request tries again.
    nonisolated var failureCount: Int { self.failed.load(ordering: .relaxed) }

    /// Asks for a checkpoint soon, unless one is already asked for or under way.
    nonisolated func request() {
        guard self.isRequested.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        Task { await self.run() }
    }

    private func run() {
        defer { self.isRequested.store(false, ordering: .releasing) }
        guard !self.isClosed else { return }
        do {
            try self.connection.open().checkpointPassively()
            self.completed.add(1, ordering: .relaxed)
        } catch {
            self.failed.add(1, ordering: .relaxed)
            self.connection.close()
        }
    }

    /// Waits for a checkpoint under way and closes the connection; later requests do nothing.
    func close() {
        self.isClosed = true
        self.connection.close()
    }
}
