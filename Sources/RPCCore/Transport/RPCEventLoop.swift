/// A single thread that runs a connection's I/O callbacks, its timers, and (optionally) the tasks
/// of its calls: what a transport provides so the runtime never blocks Swift's cooperative pool.
///
/// Implementations: the epoll loop of `RPCTransportTCP` and the dispatch-queue loop of
/// `RPCInProcessTransport`. Everything submitted runs serially on the loop's thread.
public protocol RPCEventLoop: AnyObject, Sendable {
    /// Whether the caller is running on this loop's thread.
    var inEventLoop: Bool { get }

    /// Runs `work` on the loop as soon as possible (wakes the loop when called from elsewhere).
    func execute(_ work: @escaping @Sendable () -> Void)

    /// Runs `task` on the loop after the jobs already queued for the current iteration: used to
    /// coalesce writes produced during one iteration into one flush. Off the loop it behaves
    /// like ``execute(_:)``. An object rather than a closure: no allocation per flush.
    func executeAtEndOfIteration(_ task: any RPCEndOfIterationTask)

    /// Runs `work` on the loop once `delay` has elapsed, unless the returned timer is cancelled first.
    func scheduleTimer(after delay: Duration, _ work: @escaping @Sendable () -> Void) -> any RPCTimer

    /// An executor that runs tasks on this loop's thread (for `Task(executorPreference:)`).
    var taskExecutor: any TaskExecutor { get }
}

/// A timer scheduled on an ``RPCEventLoop``.
public protocol RPCTimer: Sendable {
    /// Prevents the timer from firing if it has not yet; harmless afterwards.
    func cancel()
}

/// Work an ``RPCEventLoop`` runs at the end of an iteration (a connection's write flush).
public protocol RPCEndOfIterationTask: AnyObject, Sendable {
    /// Called on the loop.
    func runAtEndOfIteration()
}
