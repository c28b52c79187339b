import KPI
import Rollups
import Testing

/// The breakdown lines of a level-1 selection (pure).
@Suite("Sections breakdown: one line per office, mode and collaborator, with members and clients")
struct SectionsBreakdownTests {
    @Test("lines sorted by key; a member with two collaborators in both lines; clients summed")
    func lines() {
        let members = [
            ReceivablesSectionsReport.Member(profile: SliceIndexTests.profile(collaborators: ["marie", "paul"]), clients: 3),
            ReceivablesSectionsReport.Member(profile: SliceIndexTests.profile(office: nil, mode: .client, collaborators: ["zoe"]), clients: 2),
            ReceivablesSectionsReport.Member(profile: SliceIndexTests.profile(office: "LYO", collaborators: ["paul"]), clients: 5),
            ReceivablesSectionsReport.Member(profile: SliceIndexTests.profile(collaborators: []), clients: 1),
        ]
        let breakdown = ReceivablesSectionsReport.Breakdown(members: members)
        #expect(breakdown.clients == 11)
        #expect(breakdown.offices.map(\.key) == ["-", "LYO", "PAR"])
        #expect(breakdown.offices.map(\.members) == [[1], [2], [0, 3]])
        #expect(breakdown.offices.map(\.clients) == [2, 5, 4])
        #expect(breakdown.offices.map(\.line) == [.office("-"), .office("LYO"), .office("PAR")])
        #expect(breakdown.modes.map(\.key) == ["CLIENT", "FIRM"])
        #expect(breakdown.modes.map(\.members) == [[1], [0, 2, 3]])
        #expect(breakdown.collaborators.map(\.key) == ["marie", "paul", "zoe"])
        #expect(breakdown.collaborators.map(\.members) == [[0], [0, 2], [1]])
        #expect(breakdown.collaborators.map(\.clients) == [3, 8, 2])
        #expect(breakdown.collaborators.map(\.line) == [.collaborator("marie"), .collaborator("paul"), .collaborator("zoe")])
        #expect(breakdown.entries.count == 8)
        // Every line holds exactly the members its `Line` includes.
        for entry in breakdown.entries {
            #expect(entry.members == members.indices.filter { entry.line.includes(members[$0].profile) })
        }
    }

    @Test("an empty selection has no line")
    func empty() {
        let breakdown = ReceivablesSectionsReport.Breakdown(members: [])
        #expect(breakdown.entries.isEmpty && breakdown.clients == 0)
        #expect(GroupAxesIndex(profiles: []).breakdown(positions: [], clients: [], limit: 10).entries.isEmpty)
    }

    @Test("limited(to:) keeps the offices and collaborators with the most clients (ties: smaller key), in key order")
    func limited() {
        let members = [
            ReceivablesSectionsReport.Member(profile: SliceIndexTests.profile(collaborators: ["marie", "paul"]), clients: 3),
            ReceivablesSectionsReport.Member(profile: SliceIndexTests.profile(office: nil, mode: .client, collaborators: ["zoe"]), clients: 2),
            ReceivablesSectionsReport.Member(profile: SliceIndexTests.profile(office: "LYO", collaborators: ["paul", "ana"]), clients: 5),
            ReceivablesSectionsReport.Member(profile: SliceIndexTests.profile(collaborators: ["ana"]), clients: 1),
        ]
        let whole = ReceivablesSectionsReport.Breakdown(members: members)
        let two = whole.limited(to: 2)
        // Offices: LYO 5, PAR 4, - 2; collaborators: paul 8, ana 6, marie 3, zoe 2.
        #expect(two.offices.map(\.key) == ["LYO", "PAR"] && two.collaborators.map(\.key) == ["ana", "paul"])
        #expect(two.collaborators.map(\.members) == [[2, 3], [0, 2]] && two.modes.count == 2)
        #expect(two.totalOffices == 3 && two.totalCollaborators == 4 && two.clients == 11)
        #expect(whole.limited(to: 0).entries.map(\.key) == ["CLIENT", "FIRM"], "modes are never limited")
        // A tie at the limit goes to the smaller key.
        let tied = ReceivablesSectionsReport.Breakdown(members: Array(members.prefix(2)))
        #expect(tied.limited(to: 1).collaborators.map(\.key) == ["marie"])
    }

    @Test("GroupAxesIndex selects what ClientFilter selects and equals Breakdown(members:).limited(to:), for random firms, filters and limits")
    func indexEqualsReference() {
        var random = SplitMix(seed: 0xB4EA)
        let offices = ["PAR", "LYO", "NAN", nil]
        let people = (0..<12).map { "c\($0)" }
        for _ in 0..<60 {
            let profiles = (0..<(1 + random.below(40))).map { _ in
                ClientProfile(
                    office: offices[random.below(offices.count)],
                    bookkeepingMode: random.below(2) == 0 ? .firm : .client,
                    frequency: random.below(3) == 0 ? .quarterly : .monthly,
                    deactivated: random.below(5) == 0,
                    collaborators: Set((0..<random.below(4)).map { _ in people[random.below(people.count)] })
                )
            }
            let clients = profiles.map { _ in 1 + random.below(9) }
            let index = GroupAxesIndex(profiles: profiles)
            for _ in 0..<8 {
                let filter = ClientFilter(
                    collaborators: random.below(2) == 0 ? nil : Set((0..<random.below(3)).map { _ in people[random.below(people.count)] } + ["nobody"]),
                    offices: random.below(3) == 0 ? Set([offices[random.below(offices.count)] ?? "-", "ELSEWHERE"]) : nil,
                    bookkeepingMode: random.below(3) == 0 ? .client : nil,
                    frequency: random.below(4) == 0 ? .quarterly : (random.below(4) == 0 ? .monthly : nil),
                    includeDeactivated: random.below(2) == 0
                )
                #expect(index.positions(matching: filter) == profiles.indices.filter { filter.matches(profiles[$0]) }, "\(filter)")
            }
            let positions = profiles.indices.filter { _ in random.below(3) > 0 }
            for limit in [0, 1, 2, 5, 1_000] {
                let reference = ReceivablesSectionsReport.Breakdown(
                    members: positions.map { ReceivablesSectionsReport.Member(profile: profiles[$0], clients: clients[$0]) }
                ).limited(to: limit)
                let fast = index.breakdown(positions: positions, clients: positions.map { clients[$0] }, limit: limit)
                #expect(fast.entries.map(\.key) == reference.entries.map(\.key))
                #expect(fast.entries.map(\.line) == reference.entries.map(\.line))
                #expect(fast.entries.map(\.members) == reference.entries.map(\.members))
                #expect(fast.entries.map(\.clients) == reference.entries.map(\.clients))
                #expect(fast.clients == reference.clients)
                #expect(fast.totalOffices == reference.totalOffices && fast.totalCollaborators == reference.totalCollaborators)
            }
        }
    }
}

extension SplitMix {
    /// A value in `0 ..< bound`.
    mutating func below(_ bound: Int) -> Int { Int(self.next() % UInt64(max(bound, 1))) }
}
