public import Rollups
internal import Storage

/// The tables a ``RollupReader`` reads receivables and practice rows from: the client groups'
/// own rows, or the slices' pre-merged ones (tenant schema v6; practice columns from v10). Both
/// have the same columns but the id.
public enum RowTable: Sendable, Hashable {
    /// `rollup_days`, `rollup_months`, `rollup_periods` by `group_id`.
    case groups
    /// `slice_days`, `slice_months`, `slice_periods` by `slice_id`.
    case slices

    var id: String { self == .groups ? "group_id" : "slice_id" }
    var days: String { self == .groups ? "rollup_days" : "slice_days" }
    var months: String { self == .groups ? "rollup_months" : "slice_months" }
    var periods: String { self == .groups ? "rollup_periods" : "slice_periods" }
}

/// The rows a selection of client groups is read from: slices (by id) standing for their
/// member groups, and the other selected groups; minus the groups the slices count too often
/// (``Rollups/SliceCover/subtracted``).
public struct RowSelection: Sendable, Hashable {
    /// Slice ids (`rollup_slices.slice_id`).
    public var slices: [Int64]
    /// Client group ids.
    public var groups: [Int64]
    /// Client group ids whose rows are subtracted, once per occurrence.
    public var subtracted: [Int64]

    /// A selection read from the groups' own rows.
    public init(groups: [Int64]) {
        self.init(slices: [], groups: groups)
    }

    /// A selection read from slices and groups, minus `subtracted`.
    public init(slices: [Int64], groups: [Int64], subtracted: [Int64] = []) {
        self.slices = slices
        self.groups = groups
        self.subtracted = subtracted
    }

    /// The non-empty sets of ids to read, and whether their rows are subtracted: a group
    /// subtracted twice is in two sets (one statement reads an id once).
    var sources: [(table: RowTable, ids: [Int64], negated: Bool)] {
        var sources = [(RowTable.slices, self.slices, false), (RowTable.groups, self.groups, false)]
        var times: [Int64: Int] = [:]
        for group in self.subtracted { times[group, default: 0] += 1 }
        var round = 1
        while case let ids = times.filter({ $0.value >= round }).keys.sorted(), !ids.isEmpty {
            sources.append((.groups, ids, true))
            round += 1
        }
        return sources.filter { !$0.1.isEmpty }
    }
}

extension RollupReader {
    /// The rows to read for `cover`: its slices by id when they have been written (a slice
    /// without any stored row yet has no id; its groups have no rows either, so nothing is
    /// read for them), and its other groups.
    public func selection(_ cover: SliceCover) throws -> RowSelection {
        try self.selections([cover])[0]
    }

    /// ``selection(_:)`` of each of `covers` (breakdown lines), their slice ids looked up at once.
    public func selections(_ covers: [SliceCover]) throws -> [RowSelection] {
        let ids = try self.sliceIDs(of: covers.flatMap(\.slices))
        return covers.map { cover in
            RowSelection(slices: cover.slices.compactMap { ids[$0] }, groups: cover.groups, subtracted: cover.subtracted)
        }
    }

    /// The ids of those of `keys` that have been written, by key: a firm has thousands of
    /// slices, an answer reads a few hundred (looked up in padded `IN` chunks, as group ids are).
    public func sliceIDs(of keys: some Collection<String>) throws -> [String: Int64] {
        var result: [String: Int64] = [:]
        try Self.inChunks(values: Set(keys).map { SQLiteValue.text($0) }) { placeholders, arguments in
            try self.connection.query("SELECT slice_key, slice_id FROM rollup_slices WHERE slice_key IN (\(placeholders))", arguments: arguments) { row in
                result[try row.decode(String.self, at: 0)] = try row.decode(Int64.self, at: 1)
            }
        }
        return result
    }
}
