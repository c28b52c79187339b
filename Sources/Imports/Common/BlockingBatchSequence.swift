internal import Dispatch

/// An `AsyncSequence` over a blocking, pull-based producer (a file reader): every `next()` runs
/// one pull on a private serial `DispatchQueue`, never on the cooperative thread pool, and the
/// caller awaits the result. Memory stays bounded by one element, since nothing is read ahead.
///
/// ```swift
/// let batches = BlockingBatchSequence(label: "import.jsonl") {
///     var reader = try JSONLinesReader(source: FileByteSource(url: url))
///     return { try reader.nextBatch(maximumRows: 5_000) }
/// }
/// for try await batch in batches { … }
/// ```
public struct BlockingBatchSequence<Element: Sendable>: AsyncSequence, Sendable {
    public typealias Failure = any Error
    /// Pulls the next element; `nil` at the end.
    public typealias Producer = () throws -> Element?
    /// Creates the producer on the private queue.
    public typealias ProducerFactory = @Sendable () throws -> Producer
    private let label: String
    private let makeProducer: ProducerFactory

    /// Creates the sequence. `makeProducer` runs on the private queue at the first `next()` and
    /// returns the pull function, which owns all reader state from then on.
    public init(label: String, makeProducer: @escaping ProducerFactory) {
        self.label = label
        self.makeProducer = makeProducer
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(state: ProducerState(label: self.label, makeProducer: self.makeProducer))
    }

    /// Pulls one element per call on the private queue.
    public struct AsyncIterator: AsyncIteratorProtocol, Sendable {
        fileprivate let state: ProducerState<Element>

        public mutating func next() async throws -> Element? {
            try Task.checkCancellation()
            let state = self.state
            return try await withCheckedThrowingContinuation { continuation in
                state.queue.async {
                    continuation.resume(with: Result { try state.pull() })
                }
            }
        }
    }
}

/// The producer and its state. `@unchecked Sendable`: `producer` and `isFinished` are only
/// touched from `queue`, a serial queue, so no two threads ever access them at once.
private final class ProducerState<Element: Sendable>: @unchecked Sendable {  // Safe: mutable state only on serial `queue`.
    let queue: DispatchQueue
    // Not optional: an optional `@Sendable` closure returning a closure trips a 6.3 diagnostic.
    private let makeProducer: BlockingBatchSequence<Element>.ProducerFactory
    private var producer: BlockingBatchSequence<Element>.Producer?
    private var isFinished = false

    init(label: String, makeProducer: @escaping BlockingBatchSequence<Element>.ProducerFactory) {
        self.queue = DispatchQueue(label: label)
        self.makeProducer = makeProducer
    }

    /// Runs on `queue` only.
    func pull() throws -> Element? {
        guard !self.isFinished else { return nil }
        do {
            if self.producer == nil {
                self.producer = try self.makeProducer()
            }
            guard let producer = self.producer, let element = try producer() else {
                self.finish()
                return nil
            }
            return element
        } catch {
            self.finish()
            throw error
        }
    }

    private func finish() {
        self.isFinished = true
        self.producer = nil
    }
}

/// Runs blocking work on a fresh private queue and awaits its result, so the cooperative pool
/// is never blocked (used for whole-file operations such as the FEC import).
package func runOffCooperativePool<T: Sendable>(
    label: String,
    _ body: @escaping @Sendable () throws -> T
) async throws -> T {
    let queue = DispatchQueue(label: label)
    return try await withCheckedThrowingContinuation { continuation in
        queue.async {
            continuation.resume(with: Result { try body() })
        }
    }
}
