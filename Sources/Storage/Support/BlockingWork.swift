internal import Dispatch

/// Runs short blocking work (a `stat`, a read-only peek at a file) on `queue` instead of a
/// cooperative-pool thread, and resumes the caller with its result.
func runBlocking<T: Sendable>(on queue: DispatchQueue, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        queue.async {
            continuation.resume(with: Result { try body() })
        }
    }
}
