internal import Dispatch
#if canImport(Glibc)
internal import Glibc
#endif

/// Termination signals (SIGTERM, SIGINT) as an async sequence, for graceful shutdown at the
/// process edge (swift-service-lifecycle's `UnixSignalsSequence`, reduced to what we need).
///
/// The signals' default action is disabled (`SIG_IGN`) while the sequence exists and a
/// `DispatchSource` per signal delivers them; the dispatch sources live on their own queue, never
/// on the cooperative pool.
///
/// ```swift
/// for await signal in TerminationSignals() {
///     logger.notice("received \(signal), shutting down")
///     server.beginGracefulShutdown()
///     break
/// }
/// ```
public struct TerminationSignals: AsyncSequence, Sendable {
    /// A signal this sequence delivers.
    public enum Signal: Sendable, Hashable, CustomStringConvertible {
        case terminate
        case interrupt

        public var description: String {
            switch self {
            case .terminate: "SIGTERM"
            case .interrupt: "SIGINT"
            }
        }
    }

    public typealias Element = Signal
    private let stream: AsyncStream<Signal>

    /// Starts listening for SIGTERM and SIGINT.
    public init() {
        let queue = DispatchQueue(label: "pilotage.signals")
        let (stream, continuation) = AsyncStream<Signal>.makeStream()
        let sources = [(SIGTERM, Signal.terminate), (SIGINT, Signal.interrupt)].map { number, signal in
            Glibc.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(signal) }
            source.resume()
            return source
        }
        let holder = SourceHolder(sources: sources)
        continuation.onTermination = { _ in holder.cancel() }
        self.stream = stream
    }

    public func makeAsyncIterator() -> AsyncStream<Signal>.AsyncIterator {
        self.stream.makeAsyncIterator()
    }
}

/// Keeps the dispatch sources alive until the stream ends.
private final class SourceHolder: @unchecked Sendable {  // Safe: `sources` is immutable; DispatchSource is thread-safe.
    private let sources: [any DispatchSourceSignal]

    init(sources: [any DispatchSourceSignal]) {
        self.sources = sources
    }

    func cancel() {
        for source in self.sources { source.cancel() }
    }
}
