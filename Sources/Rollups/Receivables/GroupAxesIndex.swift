public import KPI

/// The filter axes of a firm's client groups (office, bookkeeping mode, frequency, deactivated,
/// collaborators), interned to small integers once per firm, so that selecting the groups of a
/// filter and counting the breakdown lines of a selection are passes over arrays of integers
/// instead of set and dictionary look-ups by name per group: a large firm's whole-team answer
/// selects thousands of groups.
///
/// ``positions(matching:)`` selects what `ClientFilter.matches(_:)` selects;
/// ``breakdown(positions:clients:limit:)`` equals
/// `ReceivablesSectionsReport.Breakdown(members:).limited(to:)` over the same groups (the
/// reference the verification mode uses), and only collects the members of the lines it keeps.
public struct GroupAxesIndex: Sendable {
    private let officeKeys: [String]
    private let modeKeys: [String]
    private let collaboratorKeys: [String]
    /// Per group: its office and mode numbers, and its collaborators'
    /// (`collaborators[collaboratorStart[g] ..< collaboratorStart[g + 1]]`).
    private let office: [Int32]
    private let mode: [Int32]
    private let collaboratorStart: [Int32]
    private let collaborators: [Int32]
    /// Per group: whether it has an office (`office` then holds the number of `-`), its
    /// frequency and whether it is deactivated.
    private let hasOffice: [Bool]
    private let frequency: [ClientFact.Frequency]
    private let deactivated: [Bool]

    /// Indexes the groups with `profiles`, in the order the positions of
    /// ``breakdown(positions:clients:limit:)`` refer to.
    public init(profiles: [ClientProfile]) {
        var offices = Interner()
        var modes = Interner()
        var people = Interner()
        var office: [Int32] = []
        var mode: [Int32] = []
        var start: [Int32] = [0]
        var collaborators: [Int32] = []
        office.reserveCapacity(profiles.count)
        mode.reserveCapacity(profiles.count)
        for profile in profiles {
            office.append(offices.number(profile.office ?? "-"))
            mode.append(modes.number(profile.bookkeepingMode.rawValue))
            for collaborator in profile.collaborators { collaborators.append(people.number(collaborator)) }
            start.append(Int32(collaborators.count))
        }
        (self.officeKeys, self.modeKeys, self.collaboratorKeys) = (offices.keys, modes.keys, people.keys)
        (self.office, self.mode, self.collaboratorStart, self.collaborators) = (office, mode, start, collaborators)
        self.hasOffice = profiles.map { $0.office != nil }
        self.frequency = profiles.map(\.frequency)
        self.deactivated = profiles.map(\.deactivated)
    }

    /// Positions of the groups `filter` selects, in order.
    public func positions(matching filter: ClientFilter) -> [Int] {
        let mode = filter.bookkeepingMode.map { self.modeKeys.firstIndex(of: $0.rawValue).map(Int32.init) ?? -1 }
        let offices = filter.offices.map { wanted in Set(wanted.compactMap { key in self.officeKeys.firstIndex(of: key).map(Int32.init) }) }
        let people = filter.collaborators.map { wanted in
            var selected = [Bool](repeating: false, count: self.collaboratorKeys.count)
            for (number, key) in self.collaboratorKeys.enumerated() where wanted.contains(key) { selected[number] = true }
            return selected
        }
        var result: [Int] = []
        result.reserveCapacity(self.office.count)
        for position in self.office.indices {
            if self.deactivated[position] && !filter.includeDeactivated { continue }
            if let mode, self.mode[position] != mode { continue }
            if let frequency = filter.frequency, self.frequency[position] != frequency { continue }
            if let offices, !(self.hasOffice[position] && offices.contains(self.office[position])) { continue }
            if let people {
                let range = Int(self.collaboratorStart[position])..<Int(self.collaboratorStart[position + 1])
                guard range.contains(where: { people[Int(self.collaborators[$0])] }) else { continue }
            }
            result.append(position)
        }
        return result
    }

    /// The breakdown of the groups at `positions` (members of the lines: indices in
    /// `positions`), whose client counts are `clients`, with at most `limit` offices and `limit`
    /// collaborators (``ReceivablesSectionsReport/Breakdown/limited(to:)``).
    public func breakdown(positions: [Int], clients: [Int], limit: Int) -> ReceivablesSectionsReport.Breakdown {
        precondition(positions.count == clients.count, "one client count per position")
        var officeClients = [Int](repeating: -1, count: self.officeKeys.count)
        var modeClients = [Int](repeating: -1, count: self.modeKeys.count)
        var collaboratorClients = [Int](repeating: -1, count: self.collaboratorKeys.count)
        var total = 0
        // -1: no member; a line of groups without clients still exists (as in the reference).
        func count(_ counts: inout [Int], _ number: Int32, _ clients: Int) {
            counts[Int(number)] = max(counts[Int(number)], 0) + clients
        }
        for (position, clientCount) in zip(positions, clients) {
            total += clientCount
            count(&officeClients, self.office[position], clientCount)
            count(&modeClients, self.mode[position], clientCount)
            for index in Int(self.collaboratorStart[position])..<Int(self.collaboratorStart[position + 1]) {
                count(&collaboratorClients, self.collaborators[index], clientCount)
            }
        }
        let offices = Self.kept(officeClients, keys: self.officeKeys, limit: limit)
        let modes = Self.kept(modeClients, keys: self.modeKeys, limit: Int.max)
        let people = Self.kept(collaboratorClients, keys: self.collaboratorKeys, limit: limit)
        // Members of the kept lines only: slot of each kept number in its axis, or -1.
        var officeSlot = [Int](repeating: -1, count: self.officeKeys.count)
        var modeSlot = [Int](repeating: -1, count: self.modeKeys.count)
        var personSlot = [Int](repeating: -1, count: self.collaboratorKeys.count)
        for (slot, number) in offices.enumerated() { officeSlot[number] = slot }
        for (slot, number) in modes.enumerated() { modeSlot[number] = slot }
        for (slot, number) in people.enumerated() { personSlot[number] = slot }
        var officeMembers = [[Int]](repeating: [], count: offices.count)
        var modeMembers = [[Int]](repeating: [], count: modes.count)
        var personMembers = [[Int]](repeating: [], count: people.count)
        for (member, position) in positions.enumerated() {
            if case let slot = officeSlot[Int(self.office[position])], slot >= 0 { officeMembers[slot].append(member) }
            if case let slot = modeSlot[Int(self.mode[position])], slot >= 0 { modeMembers[slot].append(member) }
            for index in Int(self.collaboratorStart[position])..<Int(self.collaboratorStart[position + 1]) {
                if case let slot = personSlot[Int(self.collaborators[index])], slot >= 0 { personMembers[slot].append(member) }
            }
        }
        typealias Entry = ReceivablesSectionsReport.Breakdown.Entry
        return ReceivablesSectionsReport.Breakdown(
            offices: zip(offices, officeMembers).map { number, members in
                Entry(key: self.officeKeys[number], line: .office(self.officeKeys[number]), members: members, clients: officeClients[number])
            },
            modes: zip(modes, modeMembers).map { number, members in
                Entry(key: self.modeKeys[number], line: .bookkeepingMode(self.modeKeys[number]), members: members, clients: modeClients[number])
            },
            collaborators: zip(people, personMembers).map { number, members in
                Entry(
                    key: self.collaboratorKeys[number],
                    line: .collaborator(self.collaboratorKeys[number]),
                    members: members,
                    clients: collaboratorClients[number]
                )
            },
            clients: total,
            totalOffices: officeClients.count { $0 >= 0 },
            totalCollaborators: collaboratorClients.count { $0 >= 0 }
        )
    }

    /// The numbers of the lines kept (present, the `limit` with most clients, ties by the
    /// smaller key), in key order.
    private static func kept(_ clients: [Int], keys: [String], limit: Int) -> [Int] {
        var present = clients.indices.filter { clients[$0] >= 0 }
        if present.count > limit {
            present.sort { (clients[$0], keys[$1]) > (clients[$1], keys[$0]) }
            present.removeLast(present.count - max(0, limit))
        }
        return present.sorted { keys[$0] < keys[$1] }
    }

    /// Numbers for strings, in order of first appearance.
    private struct Interner {
        var keys: [String] = []
        var numbers: [String: Int32] = [:]

        mutating func number(_ key: String) -> Int32 {
            if let known = self.numbers[key] { return known }
            let number = Int32(self.keys.count)
            self.numbers[key] = number
            self.keys.append(key)
            return number
        }
    }
}
