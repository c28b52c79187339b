internal import RollupStore
internal import ServerSupport
internal import Synchronization

/// The first day of each client group's day rows, per firm file, kept until a rollup commit
/// changes one (``RollupStore/RollupReader/firstDayChanges()``): practice answers add the empty
/// snapshots of the days before a group's first row, and finding those days costs one index
/// seek per group (7–13 ms on the large benchmark firm), while most commits (today's rows of
/// groups already published) leave them as they were.
///
/// Process-wide, keyed by file path (the entry also remembers the file's groups version and the
/// count of first-day changes it was read at); at most ``capacity`` files are kept, about 24
/// bytes a group.
final class GroupFirstDaysCache: Sendable {
    /// The gateway's cache.
    static let shared = GroupFirstDaysCache()

    /// Files kept before the cache is emptied.
    let capacity = 10_000

    private struct Entry: Sendable {
        var file: FirmGroupsCache.FileVersion
        var changes: Int64
        var firstDays: GroupFirstDays
    }

    private let entries: Mutex<ClearingCache<String, Entry>>

    init() {
        self.entries = Mutex(ClearingCache(capacity: self.capacity))
    }

    /// The first days of the groups of `file`, as of the reader's read transaction.
    func firstDays(reader: RollupReader, file: FirmGroupsCache.FileVersion) throws -> GroupFirstDays {
        let changes = try reader.firstDayChanges()
        if let entry = self.entries.withLock({ $0[file.path] }), entry.file == file, entry.changes == changes {
            return entry.firstDays
        }
        let entry = Entry(file: file, changes: changes, firstDays: try reader.groupFirstDays())
        self.entries.withLock { $0.insert(entry, for: file.path) }
        return entry.firstDays
    }
}
