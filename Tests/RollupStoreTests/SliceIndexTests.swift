import KPI
import Rollups
import Testing

/// Which slice covers which selection (pure).
@Suite("Slice index: the largest slice inside a selection, and the rest")
struct SliceIndexTests {
    static func profile(
        office: String? = "PAR",
        mode: ClientFact.BookkeepingMode = .firm,
        frequency: ClientFact.Frequency = .monthly,
        deactivated: Bool = false,
        collaborators: Set<String> = ["marie"]
    ) -> ClientProfile {
        ClientProfile(office: office, bookkeepingMode: mode, frequency: frequency, deactivated: deactivated, collaborators: collaborators)
    }

    /// 1: PAR marie; 2: PAR marie+paul, client-kept; 3: LYO paul quarterly; 4: LYO zoe;
    /// 5: PAR marie deactivated; 6: no office, zoe.
    static let groups: [SliceIndex.Member] = [
        .init(id: 1, profile: profile()),
        .init(id: 2, profile: profile(mode: .client, collaborators: ["marie", "paul"])),
        .init(id: 3, profile: profile(office: "LYO", frequency: .quarterly, collaborators: ["paul"])),
        .init(id: 4, profile: profile(office: "LYO", collaborators: ["zoe"])),
        .init(id: 5, profile: profile(deactivated: true)),
        .init(id: 6, profile: profile(office: nil, collaborators: ["zoe"])),
    ]

    static func selection(_ filter: ClientFilter) -> [Int64] {
        Self.groups.filter { filter.matches($0.profile) }.map(\.id)
    }

    @Test("slice keys of a profile; none for a deactivated group")
    func keys() {
        #expect(
            Set(RollupSlices.keys(of: Self.groups[1].profile))
                == ["all", "office=PAR", "mode=CLIENT", "frequency=MONTHLY", "collaborator=marie", "collaborator=paul"]
        )
        #expect(!RollupSlices.keys(of: Self.groups[5].profile).contains { $0.hasPrefix("office=") })
        #expect(RollupSlices.keys(of: Self.groups[4].profile).isEmpty)
    }

    @Test(
        "each one-dimension filter is one slice; deactivated groups are read beside it; combinations read their groups",
        arguments: [
            (ClientFilter(), "all", [Int64]()),
            (ClientFilter(includeDeactivated: true), "all", [5]),
            (ClientFilter(offices: ["PAR"]), "office=PAR", []),
            (ClientFilter(offices: ["PAR"], includeDeactivated: true), "office=PAR", [5]),
            (ClientFilter(offices: ["PAR", "LYO"]), "office=LYO", [1, 2]),
            (ClientFilter(bookkeepingMode: .firm), "mode=FIRM", []),
            (ClientFilter(frequency: .monthly), "frequency=MONTHLY", []),
            (ClientFilter(collaborators: ["zoe"]), "collaborator=zoe", []),
            (ClientFilter(collaborators: ["marie"], includeDeactivated: true), "office=PAR", [5]),
        ] as [(ClientFilter, String, [Int64])]
    )
    func covers(filter: ClientFilter, slice: String, rest: [Int64]) {
        let index = SliceIndex(groups: Self.groups)
        let cover = index.cover(Self.selection(filter))
        #expect(cover.slice == slice)
        #expect(cover.groups == rest)
    }

    @Test("among slices of the same size, the broader dimension wins")
    func tieBreak() {
        let index = SliceIndex(groups: Self.groups)
        // Groups 1 and 2 are both office=PAR and collaborator=marie (among active groups).
        #expect(index.cover([1, 2]).slice == "office=PAR")
        #expect(index.cover([2, 3]).slice == "collaborator=paul")
    }

    @Test("no slice when none lies inside the selection, or only one group would be replaced")
    func noSlice() {
        let index = SliceIndex(groups: Self.groups)
        let combined = Self.selection(ClientFilter(offices: ["LYO"], frequency: .quarterly))
        #expect(index.cover(combined) == SliceCover(slice: nil, groups: combined))
        // frequency=QUARTERLY has one member: reading it is no cheaper than reading group 3.
        #expect(index.cover([3]) == SliceCover(slice: nil, groups: [3]))
        #expect(index.cover([]) == SliceCover(slice: nil, groups: []))
        #expect(index.size(of: "all") == 5 && index.size(of: "office=LYO") == 2)
    }
}
