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
///
/// Slice keys are interned to small integers, so that covering a selection is a pass over its
/// groups with array counters (dashboards cover a hundred breakdown lines per answer).
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

    private let keys: [String]
    private let slicesByGroup: [Int64: [Int]]
    private let sizes: [Int]
    /// Preference among slices of equal size: the broader dimension, then the key.
    private let preference: [Int]

    /// Indexes the firm's groups (every group with clients).
    public init(groups: [Member]) {
        var numbers: [String: Int] = [:]
        var keys: [String] = []
        var slicesByGroup: [Int64: [Int]] = [:]
        var sizes: [Int] = []
        for group in groups {
            var slices: [Int] = []
            for key in RollupSlices.keys(of: group.profile) {
                let number: Int
                if let known = numbers[key] {
                    number = known
                } else {
                    number = keys.count
                    numbers[key] = number
                    keys.append(key)
                    sizes.append(0)
                }
                sizes[number] += 1
                slices.append(number)
            }
            slicesByGroup[group.id] = slices
        }
        func rank(_ key: String) -> Int {
            ["all", "office=", "mode=", "frequency=", "collaborator="].firstIndex { key.hasPrefix($0) } ?? 5
        }
        let order = keys.indices.sorted { (rank(keys[$0]), keys[$0]) < (rank(keys[$1]), keys[$1]) }
        var preference = Array(repeating: 0, count: keys.count)
        for (position, number) in order.enumerated() { preference[number] = position }
        self.keys = keys
        self.slicesByGroup = slicesByGroup
        self.sizes = sizes
        self.preference = preference
    }

    /// Number of groups in `slice`.
    public func size(of slice: String) -> Int {
        self.keys.firstIndex(of: slice).map { self.sizes[$0] } ?? 0
    }

    /// The largest slice all of whose members are in `selection` (at least two of them: one
    /// group reads as cheaply as a slice), and the rest of the selection. Among slices of equal
    /// size the broader dimension wins (the firm, then office, mode, frequency, collaborator). A
    /// selection spanning several values of a dimension (two offices) reads one of them as a
    /// slice and the others' groups.
    public func cover(_ selection: [Int64]) -> SliceCover {
        var counts = Array(repeating: 0, count: self.keys.count)
        var seen = Set<Int64>(minimumCapacity: selection.count)
        for group in selection where seen.insert(group).inserted {
            for slice in self.slicesByGroup[group] ?? [] { counts[slice] += 1 }
        }
        var best: Int?
        for slice in counts.indices where counts[slice] >= 2 && counts[slice] == self.sizes[slice] {
            if let current = best,
                (-counts[slice], self.preference[slice]) >= (-counts[current], self.preference[current])
            {
                continue
            }
            best = slice
        }
        guard let best else { return SliceCover(slice: nil, groups: selection) }
        var kept = Set<Int64>(minimumCapacity: selection.count)
        let rest = selection.filter { group in
            kept.insert(group).inserted && !(self.slicesByGroup[group] ?? []).contains(best)
        }
        return SliceCover(slice: self.keys[best], groups: rest)
    }
}
