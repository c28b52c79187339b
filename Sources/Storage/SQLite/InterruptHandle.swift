internal import CSQLite
internal import Foundation
internal import Synchronization

/// Lets another thread stop the statement a connection is running (`sqlite3_interrupt`), for
/// task cancellation and deadlines, without racing with `close()` and without hitting an
/// operation other than the one that was cancelled.
///
/// `sqlite3_interrupt` is the one SQLite call documented as safe from another thread, *provided
/// the connection is not closed meanwhile*: the lock here makes close and interrupt exclusive.
/// Operations are numbered so a late cancellation of a finished operation does nothing.
///
/// SQLite forgets an interrupt that arrives between two statements (the flag is reset when a
/// statement starts with none running), so the request is also kept in an atomic flag that
/// ``Statement/step()`` checks before each step: an interrupted operation stops at its next
/// step, whenever the cancellation came.
@safe final class InterruptHandle: @unchecked Sendable {  // Safe: state under `lock`, `requested` atomic.
    private let lock = NSLock()
    private var database: OpaquePointer?
    private var operation: UInt64 = 0
    private var isInvalidated = false
    private let requested = Atomic<Bool>(false)

    /// A handle not yet attached to a connection (owners create it before opening, so their
    /// cancellation handlers can hold it from any thread).
    init() {}

    /// Binds the handle to the connection just opened.
    func attach(_ database: OpaquePointer) {
        self.lock.withLock {
            guard !self.isInvalidated else { return }
            unsafe self.database = database
        }
    }

    /// Marks operation `id` as running on the connection.
    func begin(_ id: UInt64) {
        self.lock.withLock {
            self.operation = id
            self.requested.store(false, ordering: .relaxed)
        }
    }

    /// Marks the running operation as finished.
    func end() {
        self.lock.withLock {
            self.operation = 0
            self.requested.store(false, ordering: .relaxed)
        }
    }

    /// Whether the running operation was asked to stop (checked before each step).
    var isRequested: Bool { self.requested.load(ordering: .relaxed) }

    /// Interrupts the connection if operation `id` is still the one running.
    func interrupt(operation id: UInt64) {
        self.lock.withLock {
            guard self.operation == id, let database = unsafe self.database else { return }
            self.requested.store(true, ordering: .relaxed)
            unsafe sqlite3_interrupt(database)
        }
    }

    /// Called by `close()` before the handle goes away: later interrupts do nothing.
    func invalidate() {
        self.lock.withLock {
            unsafe self.database = nil
            self.isInvalidated = true
        }
    }
}

extension InterruptHandle {
    /// Source of operation ids, unique in the process.
    private static let operationIDs = Atomic<UInt64>(0)

    /// A fresh operation id.
    static func nextOperationID() -> UInt64 {
        Self.operationIDs.wrappingAdd(1, ordering: .relaxed).newValue
    }

    /// Runs `body` synchronously as operation `id`, on the thread that owns the connection.
    /// An interrupt aimed at `id` (from the caller's task-cancellation handler) stops its SQL,
    /// and the operation then ends with `CancellationError`. A cancellation that came before
    /// `begin` is caught by the `checkCancellation` right after it.
    func run<T>(operation id: UInt64, _ body: () throws -> T) throws -> T {
        self.begin(id)
        defer { self.end() }
        do {
            try Task.checkCancellation()
            return try body()
        } catch let error as SQLiteError where error.code ~= .interrupt && Task.isCancelled {
            throw CancellationError()
        }
    }
}
