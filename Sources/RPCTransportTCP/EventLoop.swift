internal import CRPCLinux
internal import Foundation
internal import Glibc
public import RPCCore
internal import Synchronization

/// Something registered with an ``EventLoop``'s epoll set; called on the loop thread.
protocol EventLoopRegistrant: AnyObject {
    /// The descriptor is readable / writable / hung up (an epoll event mask).
    func handleEvents(_ events: UInt32)
}

/// One thread running an epoll loop: socket readiness, timers, submitted closures and Swift
/// tasks that prefer it as their executor.
///
/// Each iteration: wait in `epoll_wait` (not at all when work is queued), dispatch socket
/// events, fire due timers, run queued jobs (closures and task jobs) until the queue is empty,
/// then run end-of-iteration callbacks (write flushes). Other threads wake it through an
/// eventfd, and only when it is actually sleeping.
public final class EventLoop: RPCEventLoop, TaskExecutor, @unchecked Sendable {  // Safe: `shared` under `lock`, the rest loop-only or immutable.
    // @unchecked Sendable: `shared` is only touched under `lock`; `registrants`,
    // `endOfIteration`, `scratch` and `events` only on the loop thread; the rest is immutable.
    // Those rules make runtime exclusivity checks redundant (hence `@exclusivity(unchecked)`).

    private enum Job {
        case closure(@Sendable () -> Void)
        case task(UnownedJob)
    }

    private struct Shared {
        var jobs: [Job] = []
        var timers = TimerHeap()
        var isSleeping = false
        var sleepUntil: UInt64 = .max
        var isWakePending = false
    }

    private let epollFD: CInt
    private let wakeFD: CInt
    private let lock = NSLock()
    @exclusivity(unchecked) private var shared = Shared()
    private var threadID: pthread_t?
    @exclusivity(unchecked) private var registrants: [UInt64: any EventLoopRegistrant] = [:]
    private var nextRegistrationID: UInt64 = 1
    @exclusivity(unchecked) private var endOfIteration: [any RPCEndOfIterationTask] = []
    /// The end-of-iteration tasks being run (double-buffered with `endOfIteration`).
    @exclusivity(unchecked) private var runningEndOfIteration: [any RPCEndOfIterationTask] = []
    /// The jobs being run (swapped with the queue under the lock).
    @exclusivity(unchecked) private var running: [Job] = []
    /// Receive buffer shared by every socket of this loop (reads copy out exactly what arrived).
    /// 64 KiB keeps each copy below malloc's mmap threshold (no page faults per read).
    let scratch: UnsafeMutableRawBufferPointer
    private let name: String

    private static let wakeRegistration: UInt64 = 0

    /// How long the loop keeps polling (without sleeping) after its last activity.
    private let spinNanoseconds: UInt64

    /// Starts a loop thread named `name`.
    ///
    /// - Parameters:
    ///   - name: the thread's name.
    ///   - spinDuration: how long to keep polling without sleeping after activity (default
    ///     zero: always sleep). On a dedicated machine a few tens of microseconds save a context
    ///     switch per round trip; on a shared one it slows everything down.
    /// - Throws: ``Errno`` when epoll or eventfd cannot be created.
    public init(name: String, spinDuration: Duration = .zero) throws {
        self.name = name
        self.spinNanoseconds = spinDuration.nanosecondsClamped
        self.epollFD = try Posix.epollCreate()
        self.wakeFD = try Posix.eventFD()
        try Posix.epollControl(
            self.epollFD,
            EPOLL_CTL_ADD,
            self.wakeFD,
            events: EPOLLIN.rawValue,
            data: Self.wakeRegistration
        )
        self.scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        let started = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in
            self.lock.withLock { self.threadID = pthread_self() }
            started.signal()
            self.run()
        }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
        started.wait()
    }

    public var inEventLoop: Bool {
        guard let threadID = self.threadID else { return false }
        return pthread_equal(threadID, pthread_self()) != 0
    }

    // MARK: - Submitting work

    public func execute(_ work: @escaping @Sendable () -> Void) {
        self.submit(.closure(work))
    }

    public func executeAtEndOfIteration(_ task: any RPCEndOfIterationTask) {
        if self.inEventLoop {
            self.endOfIteration.append(task)
        } else {
            self.submit(.closure { task.runAtEndOfIteration() })
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        self.submit(.task(UnownedJob(job)))
    }

    public var taskExecutor: any TaskExecutor { self }

    private func submit(_ job: Job) {
        self.lock.lock()
        self.shared.jobs.append(job)
        let shouldWake = self.shared.isSleeping && !self.shared.isWakePending
        if shouldWake { self.shared.isWakePending = true }
        self.lock.unlock()
        if shouldWake { Posix.eventFDSignal(self.wakeFD) }
    }

    public func scheduleTimer(after delay: Duration, _ work: @escaping @Sendable () -> Void) -> any RPCTimer {
        let deadline = monotonicNow() &+ delay.nanosecondsClamped
        let timer = LoopTimer(loop: self, work: work)
        self.lock.lock()
        self.shared.timers.push(deadline: deadline, timer: timer)
        let shouldWake = self.shared.isSleeping && !self.shared.isWakePending && deadline < self.shared.sleepUntil
        if shouldWake { self.shared.isWakePending = true }
        self.lock.unlock()
        if shouldWake { Posix.eventFDSignal(self.wakeFD) }
        return timer
    }

    fileprivate func cancel(_ timer: LoopTimer) {
        self.lock.withLock {
            guard !timer.isCancelled else { return }
            timer.isCancelled = true
            self.shared.timers.noteCancellation()
        }
    }

    // MARK: - Registrations (loop thread only)

    /// Adds `fd` to the epoll set for `events`; returns the registration id.
    func register(_ fd: CInt, events: UInt32, registrant: any EventLoopRegistrant) throws(Errno) -> UInt64 {
        precondition(self.inEventLoop)
        let id = self.nextRegistrationID
        self.nextRegistrationID += 1
        try Posix.epollControl(self.epollFD, EPOLL_CTL_ADD, fd, events: events, data: id)
        self.registrants[id] = registrant
        return id
    }

    /// Changes the events watched for `fd` (callable from any thread: `epoll_ctl` is thread-safe).
    func reregister(_ fd: CInt, id: UInt64, events: UInt32) throws(Errno) {
        try Posix.epollControl(self.epollFD, EPOLL_CTL_MOD, fd, events: events, data: id)
    }

    /// Removes `fd` from the epoll set; call before closing it.
    func deregister(_ fd: CInt, id: UInt64) {
        precondition(self.inEventLoop)
        try? Posix.epollControl(self.epollFD, EPOLL_CTL_DEL, fd, events: 0, data: id)
        self.registrants[id] = nil
    }

    /// Drops the bookkeeping of a registration whose descriptor was already closed (closing
    /// removed it from the epoll set).
    func forget(_ id: UInt64) {
        precondition(self.inEventLoop)
        self.registrants[id] = nil
    }

    // MARK: - The loop

    private func run() {
        let events = UnsafeMutableBufferPointer<epoll_event>.allocate(capacity: 256)
        var lastActivity: UInt64 = 0
        while true {
            // Optional busy-polling after activity (off by default: on a shared 2-core machine
            // spinning steals the CPU the peer needs, measured 2x slower round trips).
            let isSpinning = self.spinNanoseconds > 0 && monotonicNow() &- lastActivity < self.spinNanoseconds
            let timeout = isSpinning ? 0 : self.prepareToSleep()
            let count: Int
            do {
                count = try Posix.epollWait(self.epollFD, events, timeoutMilliseconds: timeout)
            } catch {
                // epoll_wait only fails on EBADF/EFAULT/EINVAL: a bug in this loop, not bad input.
                fatalError("\(self.name): epoll_wait failed: \(error)")
            }
            if !isSpinning {
                self.lock.withLock {
                    self.shared.isSleeping = false
                    self.shared.isWakePending = false
                    self.shared.sleepUntil = .max
                }
            }
            for index in 0..<count {
                let event = events[index]
                let id = event.data.u64
                if id == Self.wakeRegistration {
                    Posix.eventFDDrain(self.wakeFD)
                    continue
                }
                self.registrants[id]?.handleEvents(event.events)
            }
            self.runDueTimers()
            var isActive = self.runJobs() || count > 0
            var rounds = 0
            while !self.endOfIteration.isEmpty && rounds < 16 {
                swap(&self.runningEndOfIteration, &self.endOfIteration)
                for index in self.runningEndOfIteration.indices {
                    self.runningEndOfIteration[index].runAtEndOfIteration()
                }
                self.runningEndOfIteration.removeAll(keepingCapacity: true)
                _ = self.runJobs()
                rounds += 1
                isActive = true
            }
            if isActive { lastActivity = monotonicNow() }
        }
    }

    /// Decides how long `epoll_wait` may sleep: 0 when work is queued, else until the next timer.
    private func prepareToSleep() -> CInt {
        self.lock.lock()
        defer { self.lock.unlock() }
        if !self.shared.jobs.isEmpty || !self.endOfIteration.isEmpty { return 0 }
        self.shared.timers.dropCancelledTop()
        guard let next = self.shared.timers.nextDeadline else {
            self.shared.isSleeping = true
            self.shared.sleepUntil = .max
            return -1
        }
        let now = monotonicNow()
        if next <= now { return 0 }
        let milliseconds = (next - now + 999_999) / 1_000_000
        self.shared.isSleeping = true
        self.shared.sleepUntil = next
        return CInt(clamping: milliseconds)
    }

    private func runDueTimers() {
        let now = monotonicNow()
        while true {
            let timer = self.lock.withLock { self.shared.timers.popDue(now: now) }
            guard let timer else { return }
            timer.work()
        }
    }

    /// Runs queued jobs; returns whether there were any.
    private func runJobs() -> Bool {
        var didRun = false
        // Bounded so a task that keeps re-enqueuing itself cannot starve socket events.
        for _ in 0..<64 {
            // Double-buffered: the two arrays keep their capacity, no allocation per iteration.
            self.lock.withLock {
                swap(&self.running, &self.shared.jobs)
            }
            if self.running.isEmpty { return didRun }
            didRun = true
            for index in self.running.indices {
                switch self.running[index] {
                case .closure(let work): work()
                case .task(let job): job.runSynchronously(on: self.asUnownedTaskExecutor())
                }
            }
            self.running.removeAll(keepingCapacity: true)
        }
        return didRun
    }
}

/// A timer on an ``EventLoop``.
final class LoopTimer: RPCTimer, @unchecked Sendable {  // Safe: `isCancelled` under the loop's lock.
    // @unchecked Sendable: `isCancelled` is only touched under the loop's lock; `work` and
    // `loop` are immutable.
    let work: @Sendable () -> Void
    private weak var loop: EventLoop?
    var isCancelled = false

    init(loop: EventLoop, work: @escaping @Sendable () -> Void) {
        self.loop = loop
        self.work = work
    }

    func cancel() {
        self.loop?.cancel(self)
    }
}

/// A binary min-heap of timers by deadline, with lazy removal of cancelled ones.
struct TimerHeap {
    private var entries: [(deadline: UInt64, sequence: UInt64, timer: LoopTimer)] = []
    private var sequence: UInt64 = 0
    private var cancelledCount = 0

    var nextDeadline: UInt64? { self.entries.first?.deadline }

    mutating func push(deadline: UInt64, timer: LoopTimer) {
        self.sequence += 1
        self.entries.append((deadline, self.sequence, timer))
        self.siftUp(self.entries.count - 1)
    }

    mutating func noteCancellation() {
        self.cancelledCount += 1
        if self.cancelledCount > 1024 && self.cancelledCount * 2 > self.entries.count {
            // Rebuild without the cancelled timers so they cannot pile up.
            let live = self.entries.filter { !$0.timer.isCancelled }
            self.entries = []
            self.cancelledCount = 0
            for entry in live {
                self.entries.append(entry)
                self.siftUp(self.entries.count - 1)
            }
        }
    }

    mutating func dropCancelledTop() {
        while let first = self.entries.first, first.timer.isCancelled {
            self.removeFirst()
            self.cancelledCount -= 1
        }
    }

    /// Pops the first due, non-cancelled timer, marking it fired (cancelled) so it runs once.
    mutating func popDue(now: UInt64) -> LoopTimer? {
        while let first = self.entries.first, first.deadline <= now {
            self.removeFirst()
            if first.timer.isCancelled {
                self.cancelledCount -= 1
                continue
            }
            first.timer.isCancelled = true
            return first.timer
        }
        return nil
    }

    private func less(_ a: Int, _ b: Int) -> Bool {
        let lhs = self.entries[a]
        let rhs = self.entries[b]
        return lhs.deadline < rhs.deadline || (lhs.deadline == rhs.deadline && lhs.sequence < rhs.sequence)
    }

    private mutating func removeFirst() {
        let last = self.entries.removeLast()
        guard !self.entries.isEmpty else { return }
        self.entries[0] = last
        var index = 0
        while true {
            let left = 2 * index + 1
            let right = left + 1
            var smallest = index
            if left < self.entries.count && self.less(left, smallest) { smallest = left }
            if right < self.entries.count && self.less(right, smallest) { smallest = right }
            if smallest == index { return }
            self.entries.swapAt(index, smallest)
            index = smallest
        }
    }

    private mutating func siftUp(_ start: Int) {
        var index = start
        while index > 0 {
            let parent = (index - 1) / 2
            guard self.less(index, parent) else { return }
            self.entries.swapAt(index, parent)
            index = parent
        }
    }
}

/// Monotonic nanoseconds (`clock_gettime(CLOCK_MONOTONIC)`).
@inline(__always)
func monotonicNow() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
}

extension Duration {
    /// Whole nanoseconds, clamped to `0...UInt64.max / 2`.
    var nanosecondsClamped: UInt64 {
        let (seconds, attoseconds) = self.components
        guard seconds >= 0 else { return 0 }
        guard seconds < 1 << 32 else { return UInt64.max / 2 }
        return UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
    }
}

/// A fixed set of event loops; connections are spread over them round-robin.
public final class EventLoopGroup: Sendable {
    /// The loops.
    public let loops: [EventLoop]
    private let counter = Atomic<Int>(0)

    /// Starts `loopCount` loop threads (at least one).
    ///
    /// - Throws: ``Errno`` when a loop cannot be created.
    public init(loopCount: Int, name: String = "rpc.loop", spinDuration: Duration = .zero) throws {
        self.loops = try (0..<max(loopCount, 1)).map {
            try EventLoop(name: "\(name).\($0)", spinDuration: spinDuration)
        }
    }

    /// The next loop, round-robin.
    public func next() -> EventLoop {
        self.loops[self.counter.wrappingAdd(1, ordering: .relaxed).newValue % self.loops.count]
    }

    /// The process-wide group, one loop per core (created on first use, lives for the process).
    public static let shared: EventLoopGroup = {
        do {
            return try EventLoopGroup(loopCount: ProcessInfo.processInfo.activeProcessorCount, name: "rpc.shared")
        } catch {
            fatalError("cannot start the shared event loops: \(error)")
        }
    }()
}
