internal import Dispatch
public import RPCCore

/// An ``RPCEventLoop`` over a private serial `DispatchQueue`: the in-process transport's loop.
///
/// Portable and simple rather than fast; jobs, callbacks and timers all run serially on the queue.
public final class DispatchEventLoop: RPCEventLoop, TaskExecutor, @unchecked Sendable {  // Safe: immutable; the queue is thread-safe.
    // @unchecked Sendable: all state is immutable; DispatchQueue is thread-safe.

    private let queue: DispatchQueue
    private let key = DispatchSpecificKey<ObjectIdentifier>()

    /// Creates a loop whose queue is labelled `label`.
    public init(label: String) {
        self.queue = DispatchQueue(label: label)
        self.queue.setSpecific(key: self.key, value: ObjectIdentifier(self))
    }

    public var inEventLoop: Bool {
        DispatchQueue.getSpecific(key: self.key) == ObjectIdentifier(self)
    }

    public func execute(_ work: @escaping @Sendable () -> Void) {
        self.queue.async(execute: work)
    }

    public func executeAtEndOfIteration(_ task: any RPCEndOfIterationTask) {
        self.queue.async { task.runAtEndOfIteration() }
    }

    public func scheduleTimer(after delay: Duration, _ work: @escaping @Sendable () -> Void) -> any RPCTimer {
        let item = DispatchWorkItem(block: work)
        let nanoseconds =
            max(0, delay.components.seconds) * 1_000_000_000 + delay.components.attoseconds / 1_000_000_000
        self.queue.asyncAfter(deadline: .now() + .nanoseconds(Int(clamping: nanoseconds)), execute: item)
        return DispatchTimer(item: item)
    }

    public var taskExecutor: any TaskExecutor { self }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        self.queue.async {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}

/// A cancellable dispatch work item.
private struct DispatchTimer: RPCTimer, @unchecked Sendable {  // Safe: `DispatchWorkItem.cancel()` is thread-safe.
    // @unchecked Sendable: DispatchWorkItem.cancel() is thread-safe.
    let item: DispatchWorkItem

    func cancel() {
        self.item.cancel()
    }
}
