public import KPI

/// Slices: fixed unions of client groups whose receivables parts are kept pre-merged (the
/// `slice_*` tables of the `RollupStore` module), so that a selection of hundreds of groups reads
/// a few slices' rows instead of every group's.
///
/// An active group belongs to the slice `all`; to `office=<id>` (when it has an office),
/// `mode=<mode>`, `frequency=<frequency>` and `collaborator=<id>` for each of its collaborators;
/// and to the pairs that the dashboards combine: each of its office and collaborators with its
/// mode (`office=<id>&mode=<mode>`, `collaborator=<id>&mode=<mode>`) and with its frequency
/// (`…&frequency=<frequency>`), and `mode=<mode>&frequency=<frequency>`. A deactivated group
/// belongs to the same keys prefixed with `deactivated:`, a family disjoint from the active one.
///
/// Every filter on one dimension, with or without deactivated clients, is then one or two
/// slices; so is each breakdown line of such a filter (a collaborator's, office's or mode's
/// clients within it) and the usual pairs (office and mode, collaborator and frequency). Other
/// combinations read a slice and their few remaining groups, or, where the parts subtract
/// exactly, slices that overlap or reach outside the selection minus the groups they count too
/// often (a collaborator within an office: their slice minus their groups of other offices).
///
/// Keys are names, not parsed back: an id containing `&` could make two sets of groups share a
/// key. Such a slice is the union of every group whose keys name it (the commit and the
/// ``SliceIndex`` use the same keys), and a cover counts each selected group exactly once from
/// the slices' actual members, so answers stay exact; only the preference among equal slices
/// could differ.
public enum RollupSlices {
    /// The prefix of the slices of deactivated groups.
    public static let deactivatedPrefix = "deactivated:"

    /// The slices of a group with `profile`.
    public static func keys(of profile: ClientProfile) -> [String] {
        let mode = "mode=\(profile.bookkeepingMode.rawValue)"
        let frequency = "frequency=\(profile.frequency.rawValue)"
        var keys = ["all", mode, frequency, "\(mode)&\(frequency)"]
        let axes = (profile.office.map { ["office=\($0)"] } ?? []) + profile.collaborators.sorted().map { "collaborator=\($0)" }
        for axis in axes {
            keys += [axis, "\(axis)&\(mode)", "\(axis)&\(frequency)"]
        }
        return profile.deactivated ? keys.map { Self.deactivatedPrefix + $0 } : keys
    }

    /// Order of preference among slices of equal size: fewer dimensions, then the broader
    /// dimension first (the firm, office, mode, frequency, collaborator), active before
    /// deactivated.
    static func rank(_ key: String) -> [Int] {
        let deactivated = key.hasPrefix(Self.deactivatedPrefix)
        let body = deactivated ? key.dropFirst(Self.deactivatedPrefix.count) : Substring(key)
        let dimensions = body.split(separator: "&")
        let order = dimensions.map { dimension in
            ["all", "office=", "mode=", "frequency=", "collaborator="].firstIndex { dimension.hasPrefix($0) } ?? 5
        }
        return [dimensions.count] + order + [deactivated ? 1 : 0]
    }
}

/// How a selection of client groups is read: disjoint slices (each with every member selected)
/// plus the selected groups outside them; or, when cheaper (``SliceIndex/covers(_:maximumSlices:subtracting:)``),
/// slices that may overlap or hold unselected groups, minus the groups they count too often.
public struct SliceCover: Sendable, Hashable {
    /// The slices read in place of their members, largest first.
    public var slices: [String]
    /// The selected groups that are not members of `slices`, in selection order.
    public var groups: [Int64]
    /// Groups `slices` count too often (unselected members, or selected ones in two slices):
    /// their parts are subtracted once per occurrence.
    public var subtracted: [Int64]

    /// Creates a value.
    public init(slices: [String], groups: [Int64], subtracted: [Int64] = []) {
        self.slices = slices
        self.groups = groups
        self.subtracted = subtracted
    }
}

/// The slices of a firm's current groups, and the best cover of any selection of them.
///
/// Slice keys are interned to small integers and each group's slices are stored in one flat
/// array, so that covering a selection is a pass over its groups with array counters and no
/// allocation per group (dashboards cover a few hundred breakdown lines per answer).
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
    /// Position of each indexed group in `sliceStart`.
    private let positions: [Int64: Int]
    /// The slices of the group at position `p` are `slices[sliceStart[p]..<sliceStart[p + 1]]`.
    private let sliceStart: [Int]
    private let slices: [Int]
    private let sizes: [Int]
    /// Preference among slices of equal size (``RollupSlices/rank(_:)``, then the key).
    private let preference: [Int]
    /// The members of slice `s` are the groups at positions `members[memberStart[s]..<memberStart[s + 1]]`.
    private let memberStart: [Int]
    private let members: [Int]
    /// Group id at each position.
    private let ids: [Int64]

    /// Indexes the firm's groups (every group with clients).
    public init(groups: [Member]) {
        var numbers: [String: Int] = [:]
        var keys: [String] = []
        var positions: [Int64: Int] = [:]
        var sliceStart: [Int] = [0]
        var slices: [Int] = []
        var sizes: [Int] = []
        for group in groups where positions[group.id] == nil {
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
            positions[group.id] = sliceStart.count - 1
            sliceStart.append(slices.count)
        }
        let ranks = keys.map(RollupSlices.rank)
        let order = keys.indices.sorted { left, right in
            ranks[left] != ranks[right] ? ranks[left].lexicographicallyPrecedes(ranks[right]) : keys[left] < keys[right]
        }
        var preference = Array(repeating: 0, count: keys.count)
        for (position, number) in order.enumerated() { preference[number] = position }
        // The inverse of `slices`: members by slice, in position order.
        var memberStart = [0]
        var offset = 0
        for size in sizes {
            offset += size
            memberStart.append(offset)
        }
        var next = memberStart
        var members = Array(repeating: 0, count: offset)
        for position in 0..<(sliceStart.count - 1) {
            for slice in slices[sliceStart[position]..<sliceStart[position + 1]] {
                members[next[slice]] = position
                next[slice] += 1
            }
        }
        var ids = Array(repeating: Int64(0), count: positions.count)
        for (id, position) in positions { ids[position] = id }
        self.memberStart = memberStart
        self.members = members
        self.ids = ids
        self.keys = keys
        self.positions = positions
        self.sliceStart = sliceStart
        self.slices = slices
        self.sizes = sizes
        self.preference = preference
    }

    /// Number of groups in `slice`.
    public func size(of slice: String) -> Int {
        self.keys.firstIndex(of: slice).map { self.sizes[$0] } ?? 0
    }

    /// Slices inside `selection`, chosen greedily: the largest slice all of whose members are
    /// selected (at least two of them: one group reads as cheaply as a slice), then the largest
    /// inside what is left, and so on (at most `maximumSlices`); then the rest of the selection.
    /// Among slices of equal size the one with fewer dimensions wins, then the broader dimension
    /// (the firm, then office, mode, frequency, collaborator). The chosen slices are disjoint: each
    /// lies inside what the previous ones left. With `subtracting`, a signed cover when it reads
    /// fewer rows (``covers(_:maximumSlices:subtracting:)``).
    public func cover(_ selection: [Int64], maximumSlices: Int = 4, subtracting: Bool = false) -> SliceCover {
        if subtracting { return self.covers([selection], maximumSlices: maximumSlices, subtracting: true)[0] }
        var scratch = Scratch(index: self)
        return self.cover(selection, maximumSlices: maximumSlices, scratch: &scratch)
    }

    /// The covers of many selections (the breakdown lines of an answer), sharing one buffer.
    ///
    /// With `subtracting`, a selection is also covered by slices that overlap or reach outside
    /// it, the groups they count too often being subtracted (``SliceCover/subtracted``), when
    /// that reads fewer rows: a collaborator's line within an office is their slice minus their
    /// few groups of other offices; two collaborators sharing clients are their two slices minus
    /// the shared groups. Only for parts that subtract exactly (sums of integers key by key).
    public func covers(_ selections: [[Int64]], maximumSlices: Int = 4, subtracting: Bool = false) -> [SliceCover] {
        var scratch = Scratch(index: self)
        return selections.map { selection in
            let cover = self.cover(selection, maximumSlices: maximumSlices, scratch: &scratch)
            guard subtracting, cover.slices.count + cover.groups.count > 2,
                let signed = self.signedCover(selection, maximumSlices: maximumSlices, scratch: &scratch),
                signed.slices.count + signed.groups.count + signed.subtracted.count < cover.slices.count + cover.groups.count
            else { return cover }
            return signed
        }
    }

    /// A greedy signed cover of `selection`: repeatedly the slice that saves the most reads
    /// (its members counted fewer times than wanted, minus those it would count too often, minus
    /// its own read), at most `maximumSlices`; then the selected groups no slice counts are
    /// added and those counted more than once subtracted. `nil` when a group is not indexed.
    private func signedCover(_ selection: [Int64], maximumSlices: Int, scratch: inout Scratch) -> SliceCover? {
        var wanted: [Int] = []
        for group in selection {
            guard let position = self.positions[group] else {
                for position in wanted { scratch.selected[position] = false }
                return nil
            }
            guard !scratch.selected[position] else { continue }
            scratch.selected[position] = true
            wanted.append(position)
        }
        // Selected members per slice; a slice can save reads only when more than half of it is
        // selected (saving ≤ selected − unselected − 1): the others are never looked at.
        scratch.touched.removeAll(keepingCapacity: true)
        for position in wanted {
            for slice in self.slices[self.sliceStart[position]..<self.sliceStart[position + 1]] {
                if scratch.counts[slice] == 0 { scratch.touched.append(slice) }
                scratch.counts[slice] += 1
            }
        }
        let candidates = scratch.touched.filter { 2 * scratch.counts[$0] > self.sizes[$0] + 1 }
        for slice in scratch.touched { scratch.counts[slice] = 0 }
        var chosen: [Int] = []
        var counted: [Int] = []
        while chosen.count < maximumSlices {
            var best: (slice: Int, saving: Int)?
            for slice in candidates where !chosen.contains(slice) {
                var saving = -1
                for member in self.members[self.memberStart[slice]..<self.memberStart[slice + 1]] {
                    saving += scratch.times[member] < (scratch.selected[member] ? 1 : 0) ? 1 : -1
                }
                if saving > 0, best.map({ (saving, -self.preference[slice]) > ($0.saving, -self.preference[$0.slice]) }) ?? true {
                    best = (slice, saving)
                }
            }
            guard let best else { break }
            chosen.append(best.slice)
            for member in self.members[self.memberStart[best.slice]..<self.memberStart[best.slice + 1]] {
                if scratch.times[member] == 0 { counted.append(member) }
                scratch.times[member] += 1
            }
        }
        var result: SliceCover?
        if !chosen.isEmpty {
            var groups: [Int64] = []
            var subtracted: [Int64] = []
            for position in wanted where scratch.times[position] == 0 { groups.append(self.ids[position]) }
            for position in counted {
                let extra = scratch.times[position] - (scratch.selected[position] ? 1 : 0)
                for _ in 0..<max(extra, 0) { subtracted.append(self.ids[position]) }
            }
            result = SliceCover(slices: chosen.map { self.keys[$0] }, groups: groups, subtracted: subtracted)
        }
        for position in counted { scratch.times[position] = 0 }
        for position in wanted { scratch.selected[position] = false }
        return result
    }

    /// Buffers of a cover, all zeros (and `false`) between covers: only the entries of the
    /// selection's groups and slices are set and reset, so a small selection costs little in a
    /// firm of thousands of slices.
    private struct Scratch {
        var counts: [Int]
        var selected: [Bool]
        var touched: [Int] = []
        /// Times each group is counted by the slices of a signed cover.
        var times: [Int]

        init(index: SliceIndex) {
            self.counts = Array(repeating: 0, count: index.keys.count)
            self.selected = Array(repeating: false, count: index.sliceStart.count - 1)
            self.times = Array(repeating: 0, count: index.sliceStart.count - 1)
        }
    }

    private func cover(_ selection: [Int64], maximumSlices: Int, scratch: inout Scratch) -> SliceCover {
        // Each distinct selected group once (position -1: a group without slices).
        var remaining: [(id: Int64, position: Int)] = []
        remaining.reserveCapacity(selection.count)
        var unindexed = Set<Int64>()
        for group in selection {
            if let position = self.positions[group] {
                guard !scratch.selected[position] else { continue }
                scratch.selected[position] = true
                remaining.append((group, position))
            } else if unindexed.insert(group).inserted {
                remaining.append((group, -1))
            }
        }
        for member in remaining where member.position >= 0 { scratch.selected[member.position] = false }
        var chosen: [String] = []
        while chosen.count < maximumSlices, remaining.count >= 2 {
            let best = self.slices.withUnsafeBufferPointer { slices in
                self.sliceStart.withUnsafeBufferPointer { start in
                    scratch.counts.withUnsafeMutableBufferPointer { counts in
                        Self.largestInside(remaining, slices: slices, start: start, counts: counts, touched: &scratch.touched, sizes: self.sizes, preference: self.preference)
                    }
                }
            }
            guard let best else { break }
            chosen.append(self.keys[best])
            self.slices.withUnsafeBufferPointer { slices in
                self.sliceStart.withUnsafeBufferPointer { start in
                    remaining.removeAll { member in
                        member.position >= 0 && slices[start[member.position]..<start[member.position + 1]].contains(best)
                    }
                }
            }
        }
        return SliceCover(slices: chosen, groups: remaining.map(\.id))
    }

    /// The largest slice (then the preferred) all of whose members are in `remaining` and with
    /// at least two of them; `counts` is all zeros on entry and on return.
    private static func largestInside(
        _ remaining: [(id: Int64, position: Int)],
        slices: UnsafeBufferPointer<Int>,
        start: UnsafeBufferPointer<Int>,
        counts: UnsafeMutableBufferPointer<Int>,
        touched: inout [Int],
        sizes: [Int],
        preference: [Int]
    ) -> Int? {
        touched.removeAll(keepingCapacity: true)
        for member in remaining where member.position >= 0 {
            for slice in slices[start[member.position]..<start[member.position + 1]] {
                if counts[slice] == 0 { touched.append(slice) }
                counts[slice] += 1
            }
        }
        var best: Int?
        for slice in touched where counts[slice] >= 2 && counts[slice] == sizes[slice] {
            if let current = best, (-counts[slice], preference[slice]) >= (-counts[current], preference[current]) {
                continue
            }
            best = slice
        }
        for slice in touched { counts[slice] = 0 }
        return best
    }
}
