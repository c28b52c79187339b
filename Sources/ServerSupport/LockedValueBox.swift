internal import Foundation

/// A value protected by a lock, for short synchronous critical sections.
///
/// Backed by `NSLock` rather than `Synchronization.Mutex`: on Swift 6.3.1 Linux, `Mutex` makes
/// ThreadSanitizer report false races, while `NSLock` is clean. The method is named `withLock`
/// so a later switch to `Mutex` is a one-line change.
///
/// ```swift
/// let counter = LockedValueBox(0)
/// counter.withLock { $0 += 1 }
/// ```
public final class LockedValueBox<Value>: @unchecked Sendable {  // Safe: `value` only under `lock`.
    // @unchecked Sendable: `value` is only read or written while `lock` is held.
    private let lock = NSLock()
    private var value: Value

    /// Creates a box holding `value`.
    public init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` with exclusive access to the value.
    @inlinable
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try self.lockedAccess(body)
    }

    @usableFromInline
    func lockedAccess<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        self.lock.lock()
        defer { self.lock.unlock() }
        return try body(&self.value)
    }
}
