internal import ServerSupport

/// Lends the reader connections of one database: at most `capacity` readers, created on demand;
/// callers beyond that wait (cancellably) for one to come back.
final class ReaderPool: Sendable {
    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<DatabaseReader, any Error>
    }

    private struct State {
        var idle: [DatabaseReader] = []
        var created = 0
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var isClosed = false
    }

    private let state = LockedValueBox(State())
    private let capacity: Int
    private let makeReader: @Sendable (Int) -> DatabaseReader
    private let path: String

    init(capacity: Int, path: String, makeReader: @escaping @Sendable (Int) -> DatabaseReader) {
        self.capacity = max(capacity, 1)
        self.path = path
        self.makeReader = makeReader
    }

    /// An idle reader, a new one while under capacity, or the next one given back.
    func acquire() async throws -> DatabaseReader {
        let id = self.state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<DatabaseReader, any Error>) in
                enum Decision {
                    case ready(DatabaseReader)
                    case fail(any Error)
                    case wait
                }
                let decision: Decision = self.state.withLock { state in
                    if state.isClosed {
                        return .fail(StorageError(code: .closed, message: "\(self.path) is closed"))
                    }
                    if let reader = state.idle.popLast() {
                        return .ready(reader)
                    }
                    if state.created < self.capacity {
                        state.created += 1
                        return .ready(self.makeReader(state.created))
                    }
                    // Checked under the lock: a cancellation after this point finds the waiter.
                    if Task.isCancelled {
                        return .fail(CancellationError())
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return .wait
                }
                switch decision {
                case .ready(let reader): continuation.resume(returning: reader)
                case .fail(let error): continuation.resume(throwing: error)
                case .wait: break
                }
            }
        } onCancel: {
            let waiter = self.state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Gives a reader back: to the first waiter, else to the idle list. Returns the reader when
    /// the pool is closed, for the caller to close it.
    func release(_ reader: DatabaseReader) -> DatabaseReader? {
        enum Decision {
            case handOver(CheckedContinuation<DatabaseReader, any Error>)
            case close
            case kept
        }
        let decision: Decision = self.state.withLock { state in
            if state.isClosed { return .close }
            if !state.waiters.isEmpty { return .handOver(state.waiters.removeFirst().continuation) }
            state.idle.append(reader)
            return .kept
        }
        switch decision {
        case .handOver(let continuation):
            continuation.resume(returning: reader)
            return nil
        case .close:
            return reader
        case .kept:
            return nil
        }
    }

    /// Refuses further acquisitions, fails the waiters, and returns the idle readers to close.
    /// Readers still lent are returned by `release` for closing.
    func close() -> [DatabaseReader] {
        let (idle, waiters) = self.state.withLock { state in
            state.isClosed = true
            defer {
                state.idle = []
                state.waiters = []
            }
            return (state.idle, state.waiters)
        }
        for waiter in waiters {
            waiter.continuation.resume(throwing: StorageError(code: .closed, message: "\(self.path) is closed"))
        }
        return idle
    }

    /// Callers waiting for a reader (tests, metrics).
    var waiterCount: Int { self.state.withLock { $0.waiters.count } }

    /// Readers created so far (tests).
    var createdCount: Int { self.state.withLock { $0.created } }
}
