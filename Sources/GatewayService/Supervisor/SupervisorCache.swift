internal import KPI
internal import ServerSupport
internal import Storage
internal import Wire

/// Today's supervisor items of recently used firms, kept between calls so that paging, sorting,
/// regrouping and re-filtering the list, other viewers and the preview do not decode the firm's
/// receivables again.
///
/// An entry is stamped with the firm's ingestion sequence and business date it was computed at
/// (inside a read transaction). A later call at a higher sequence recomputes only the clients
/// whose records changed since (`records.sequence`, indexed by schema v3), unless a deletion or a
/// firm-level record (settings, strategies, collaborators) changed, which recomputes everything;
/// a new business date recomputes everything too. Only items at today are cached: a list for
/// another date is computed from the records.
final class SupervisorCache: Sendable {
    /// One client's part of an entry.
    struct Client: Sendable {
        /// Open items at today (installments and credits), with their next action.
        var items: [SupervisorItem]
        /// Last contact (`VALIDATED`/`MODIFIED` event), if any.
        var lastContact: CalendarDate?
    }

    /// A firm's items at one sequence and business date.
    struct Entry: Sendable {
        /// Ingestion sequence the entry reflects.
        var sequence: Int64
        /// Business date the items are computed at.
        var today: CalendarDate
        /// Per client id.
        var clients: [String: Client]
    }

    /// How many firms are kept (least recently used first out).
    let capacity: Int
    private let state = LockedValueBox<(entries: [FirmID: Entry], order: [FirmID])>(([:], []))

    /// Creates a cache of `capacity` firms.
    init(capacity: Int = 4) {
        self.capacity = max(capacity, 1)
    }

    /// The entry of `firm`, if kept.
    func entry(_ firm: FirmID) -> Entry? {
        self.state.withLock { state in
            guard let entry = state.entries[firm] else { return nil }
            state.order.removeAll { $0 == firm }
            state.order.append(firm)
            return entry
        }
    }

    /// Keeps `entry` for `firm` unless a newer one is already there.
    func store(_ entry: Entry, for firm: FirmID) {
        self.state.withLock { state in
            if let current = state.entries[firm], current.today == entry.today, current.sequence > entry.sequence { return }
            state.entries[firm] = entry
            state.order.removeAll { $0 == firm }
            state.order.append(firm)
            while state.order.count > self.capacity {
                state.entries[state.order.removeFirst()] = nil
            }
        }
    }
}
