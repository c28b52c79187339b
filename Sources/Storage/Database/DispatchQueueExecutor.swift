internal import Dispatch

/// A serial executor that runs an actor's jobs on a private serial `DispatchQueue`, so blocking
/// SQLite calls made inside the actor never occupy a thread of Swift's cooperative pool (two
/// threads on our machines). GRDB's `DispatchQueueActor` pattern.
///
/// Private serial queues target libdispatch's overcommitting root queue, which adds threads when
/// queues block, so several databases blocked in SQLite at once really run in parallel.
final class DispatchQueueExecutor: SerialExecutor {
    /// The queue every job of the owning actor runs on.
    let queue: DispatchQueue

    init(label: String) {
        self.queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unownedJob = UnownedJob(job)
        let executor = unsafe self.asUnownedSerialExecutor()
        self.queue.async {
            unsafe unownedJob.runSynchronously(on: executor)
        }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        unsafe UnownedSerialExecutor(ordinary: self)
    }

    func checkIsolated() {
        dispatchPrecondition(condition: .onQueue(self.queue))
    }
}
