public import KPI

/// Slices: fixed unions of **active** client groups whose receivables parts are kept pre-merged
/// (the `slice_*` tables of the `RollupStore` module), so that a selection of hundreds of groups
/// reads one slice's rows instead of every group's.
///
/// An active group belongs to the slice `all`, to `office=<id>` (when it has an office),
/// `mode=<mode>`, `frequency=<frequency>` and `collaborator=<id>` for each of its collaborators.
/// A deactivated group belongs to none: selections that include deactivated clients read those
/// few groups beside the slice. Every filter of one dimension (and the firm-wide selection, and a
/// collaborator's own clients) is then one slice plus, at most, some deactivated groups; a
/// combination of dimensions selects few groups and reads them directly.
public enum RollupSlices {
    /// The slices of a group with `profile` (none when it is deactivated).
    public static func keys(of profile: ClientProfile) -> [String] {
        guard !profile.deactivated else { return [] }
        var keys = ["all", "mode=\(profile.bookkeepingMode.rawValue)", "frequency=\(profile.frequency.rawValue)"]
        if let office = profile.office { keys.append("office=\(office)") }
        for collaborator in profile.collaborators.sorted() { keys.append("collaborator=\(collaborator)") }
        return keys
    }
}

/// How a selection of client groups is read: one slice (whose every member is selected) plus the
/// selected groups outside it.
public struct SliceCover: Sendable, Hashable {
    /// The slice read in place of its members, if any.
    public var slice: String?
    /// The selected groups that are not members of `slice`, in selection order.
    public var groups: [Int64]

    /// Creates a value.
    public init(slice: String?, groups: [Int64]) {
        self.slice = slice
        self.groups = groups
    }
}

/// The slices of a firm's current groups, and the best cover of any selection of them.
public struct SliceIndex: Sendable {
    /// A group as the index sees it.
    public struct Member: Sendable, Hashable {
        /// Group id.
        public var id: Int64
        /// Its filter profile.
        public var profile: ClientProfile

        /// Creates a value.
        public init(id: Int64, profile: ClientProfile) {
            self.id = id
            self.profile = profile
        }
    }

    private let keysByGroup: [Int64: [String]]
    private let sizes: [String: Int]

    /// Indexes the firm's groups (every group with clients).
    public init(groups: [Member]) {
        var keysByGroup: [Int64: [String]] = [:]
        var sizes: [String: Int] = [:]
        for group in groups {
            let keys = RollupSlices.keys(of: group.profile)
            keysByGroup[group.id] = keys
            for key in keys { sizes[key, default: 0] += 1 }
        }
        self.keysByGroup = keysByGroup
        self.sizes = sizes
    }

    /// Number of groups in `slice`.
    public func size(of slice: String) -> Int {
        self.sizes[slice] ?? 0
    }

    /// The largest slice all of whose members are in `selection` (at least two of them: one
    /// group reads as cheaply as a slice), and the rest of the selection. A selection spanning
    /// several values of a dimension (two offices) reads one of them as a slice and the others'
    /// groups.
    public func cover(_ selection: [Int64]) -> SliceCover {
        var counts: [String: Int] = [:]
        for group in Set(selection) {
            for key in self.keysByGroup[group] ?? [] { counts[key, default: 0] += 1 }
        }
        // Largest first; among equal sizes the broader dimension (the firm, then office, mode,
        // frequency, collaborator), then the key: deterministic.
        func rank(_ key: String) -> Int {
            ["all", "office=", "mode=", "frequency=", "collaborator="].firstIndex { key.hasPrefix($0) } ?? 5
        }
        var best: (key: String, size: Int)?
        for (key, count) in counts where count >= 2 && count == self.sizes[key] {
            if let current = best, (-count, rank(key), key) >= (-current.size, rank(current.key), current.key) { continue }
            best = (key, count)
        }
        guard let best else { return SliceCover(slice: nil, groups: selection) }
        var seen: Set<Int64> = []
        let rest = selection.filter { group in
            seen.insert(group).inserted && !(self.keysByGroup[group] ?? []).contains(best.key)
        }
        return SliceCover(slice: best.key, groups: rest)
    }
}
