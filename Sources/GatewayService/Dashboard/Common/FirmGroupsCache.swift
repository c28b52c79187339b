internal import PilotageProtocol
internal import Rollups
internal import RollupStore
internal import Storage
internal import Synchronization
internal import TenantStore

/// The client groups of each firm file, their ``Rollups/SliceIndex``, their
/// ``Rollups/GroupAxesIndex`` and the collaborators' names, kept while the file's last ingestion
/// (sequence and commit instant) is unchanged: every dashboard answer needs them, reading and
/// decoding them costs over a millisecond on a 600-client firm, and they only change in an
/// ingestion batch, which always records a new
/// sequence.
///
/// Process-wide (every handler's `context` reads through it), keyed by file path; at most
/// ``capacity`` files are kept (the cache is emptied when it is full: entries are rebuilt on
/// the next read).
final class FirmGroupsCache: Sendable {
    /// The gateway's cache.
    static let shared = FirmGroupsCache()

    /// Files kept before the cache is emptied.
    let capacity = 10_000

    private struct Entry {
        var version: Version
        var groups: [StoredGroup]
        var slices: SliceIndex
        var axes: GroupAxesIndex
        var names: [String: String]
    }

    /// A version of a file's groups: its last ingestion.
    struct Version: Hashable, Sendable {
        var sequence: Int64
        var committedAt: String?
    }

    /// A file at one version of its groups (what derived caches key on).
    struct FileVersion: Hashable, Sendable {
        var path: String
        var version: Version
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// The groups of the connection's file (with clients), their slices and their filter axes
    /// (positions are those of `groups`), as of the connection's read transaction.
    func groups(connection: SQLiteConnection) throws -> (groups: [StoredGroup], slices: SliceIndex, axes: GroupAxesIndex, file: FileVersion) {
        let entry = try self.entry(connection: connection)
        return (entry.groups, entry.slices, entry.axes, FileVersion(path: connection.path, version: entry.version))
    }

    /// Collaborator names by id, as of the connection's read transaction.
    func collaboratorNames(connection: SQLiteConnection) throws -> [String: String] {
        try self.entry(connection: connection).names
    }

    private func entry(connection: SQLiteConnection) throws -> Entry {
        let sequence = try TenantRecords(connection: connection).lastSequence()
        let version = Version(
            sequence: sequence,
            committedAt: try connection.fetchValue(String.self, "SELECT committed_at FROM ingestions WHERE sequence = ?", sequence)
        )
        if let entry = self.entries.withLock({ $0[connection.path] }), entry.version == version {
            return entry
        }
        let groups = try TenantRollups(connection: connection).groups()
        let entry = Entry(
            version: version,
            groups: groups,
            slices: SliceIndex(groups: groups.map { SliceIndex.Member(id: $0.id, profile: $0.profile) }),
            axes: GroupAxesIndex(profiles: groups.map(\.profile)),
            names: Dictionary(
                try TenantRecords(connection: connection).all(CollaboratorRecord.self).map { ($0.id, $0.name) },
                uniquingKeysWith: { first, _ in first }
            )
        )
        self.entries.withLock { entries in
            if entries.count >= self.capacity { entries.removeAll() }
            entries[connection.path] = entry
        }
        return entry
    }
}
