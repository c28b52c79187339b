internal import ServerSupport
public import Storage

/// The firms that have rollup partitions waiting for a worker, kept in memory so that a lease
/// request does not open every firm's file: filled by a scan at start-up, marked by every
/// ingestion that dirties partitions (and by the daily roll-over), cleared when a lease request
/// finds nothing left.
///
/// Each mark bumps the firm's version; ``clear(_:ifUnchangedSince:)`` only removes a firm whose
/// version did not move since the caller looked, so an ingestion landing between "nothing is
/// dirty" and the removal is never lost.
public final class PendingWork: Sendable {
    private struct State {
        var versions: [FirmID: UInt64] = [:]
        var order: [FirmID] = []
        var counter: UInt64 = 0
        var cursor = 0
    }

    private let state = LockedValueBox(State())

    /// An empty set.
    public init() {}

    /// Records that `firm` has (or may have) pending partitions.
    public func mark(_ firm: FirmID) {
        self.state.withLock { state in
            state.counter += 1
            if state.versions[firm] == nil { state.order.append(firm) }
            state.versions[firm] = state.counter
        }
    }

    /// The firms to look at, each with its version, starting after the last one served so that
    /// firms take turns.
    public func snapshot() -> [(firm: FirmID, version: UInt64)] {
        self.state.withLock { state in
            guard !state.order.isEmpty else { return [] }
            let start = state.cursor % state.order.count
            state.cursor = start + 1
            let rotated = state.order[start...] + state.order[..<start]
            return rotated.compactMap { firm in state.versions[firm].map { (firm, $0) } }
        }
    }

    /// Forgets `firm` if nothing marked it since `version`.
    public func clear(_ firm: FirmID, ifUnchangedSince version: UInt64) {
        self.state.withLock { state in
            guard state.versions[firm] == version else { return }
            state.versions[firm] = nil
            state.order.removeAll { $0 == firm }
        }
    }

    /// The firms marked now.
    public var firms: [FirmID] {
        self.state.withLock { $0.order }
    }
}
