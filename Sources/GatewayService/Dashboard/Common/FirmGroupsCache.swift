internal import PilotageProtocol
internal import Rollups
internal import RollupStore
internal import Storage
internal import ServerSupport
internal import Synchronization
internal import TenantStore

/// The client groups of each firm file, their ``Rollups/SliceIndex``, their
/// ``Rollups/GroupAxesIndex`` and the collaborators' names, kept while the last ingestion that
/// changed the groups or a collaborator (``TenantStore/TenantRecords/lastGroupsChange()``, with
/// its commit instant) is unchanged: every dashboard answer needs them, rebuilding them and what
/// derives from them (selection plans, the groups' first days) cost ~20 ms on the large demo
/// firm, and most ingestions (documents, installments, payments) change none of them.
///
/// Process-wide (every handler's `context` reads through it), keyed by file path; at most
/// ``capacity`` files are kept (the cache is emptied when it is full: entries are rebuilt on
/// the next read).
final class FirmGroupsCache: Sendable {
    /// The gateway's cache.
    static let shared = FirmGroupsCache()

    /// Files kept before the cache is emptied.
    let capacity = 10_000

    /// What the cache holds for a file.
    struct FirmGroups: Sendable {
        /// The groups with clients.
        var groups: [StoredGroup]
        /// Their slices.
        var slices: SliceIndex
        /// Their filter axes (positions are those of `groups`).
        var axes: GroupAxesIndex
        /// Collaborator names by id.
        var names: [String: String]
        /// The file and the version of its groups.
        var file: FileVersion
    }

    /// A version of a file's groups: the last ingestion that changed them (its commit instant
    /// tells a re-created file from the old one).
    struct Version: Hashable, Sendable {
        var sequence: Int64
        var committedAt: String?
    }

    /// A file at one version of its groups (what derived caches key on).
    struct FileVersion: Hashable, Sendable {
        var path: String
        var version: Version
    }

    private let entries: Mutex<ClearingCache<String, FirmGroups>>

    init() {
        self.entries = Mutex(ClearingCache(capacity: self.capacity))
    }

    /// The groups of the connection's file, their slices, filter axes and collaborator names,
    /// as of the connection's read transaction.
    func groups(connection: SQLiteConnection) throws -> FirmGroups {
        let sequence = try TenantRecords(connection: connection).lastGroupsChange()
        let file = FileVersion(
            path: connection.path,
            version: Version(
                sequence: sequence,
                committedAt: try connection.fetchValue(String.self, "SELECT committed_at FROM ingestions WHERE sequence = ?", sequence)
            )
        )
        if let entry = self.entries.withLock({ $0[connection.path] }), entry.file == file {
            return entry
        }
        let groups = try TenantRollups(connection: connection).groups()
        let entry = FirmGroups(
            groups: groups,
            slices: SliceIndex(groups: groups.map { SliceIndex.Member(id: $0.id, profile: $0.profile) }),
            axes: GroupAxesIndex(profiles: groups.map(\.profile)),
            names: Dictionary(
                try TenantRecords(connection: connection).all(CollaboratorRecord.self).map { ($0.id, $0.name) },
                uniquingKeysWith: { first, _ in first }
            ),
            file: file
        )
        self.entries.withLock { $0.insert(entry, for: connection.path) }
        return entry
    }
}
