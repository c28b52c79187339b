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
    /// 5: PAR marie deactivated; 6: no office, zoe; 7: LYO zoe deactivated.
    static let groups: [SliceIndex.Member] = [
        .init(id: 1, profile: profile()),
        .init(id: 2, profile: profile(mode: .client, collaborators: ["marie", "paul"])),
        .init(id: 3, profile: profile(office: "LYO", frequency: .quarterly, collaborators: ["paul"])),
        .init(id: 4, profile: profile(office: "LYO", collaborators: ["zoe"])),
        .init(id: 5, profile: profile(deactivated: true)),
        .init(id: 6, profile: profile(office: nil, collaborators: ["zoe"])),
        .init(id: 7, profile: profile(office: "LYO", deactivated: true, collaborators: ["zoe"])),
    ]

    static func selection(_ filter: ClientFilter) -> [Int64] {
        Self.groups.filter { filter.matches($0.profile) }.map(\.id)
    }

    @Test("slice keys of a profile: each dimension, the usual pairs; the deactivated family apart")
    func keys() {
        #expect(
            Set(RollupSlices.keys(of: Self.groups[1].profile)) == [
                "all", "mode=CLIENT", "frequency=MONTHLY", "mode=CLIENT&frequency=MONTHLY",
                "office=PAR", "office=PAR&mode=CLIENT", "office=PAR&frequency=MONTHLY",
                "collaborator=marie", "collaborator=marie&mode=CLIENT", "collaborator=marie&frequency=MONTHLY",
                "collaborator=paul", "collaborator=paul&mode=CLIENT", "collaborator=paul&frequency=MONTHLY",
            ]
        )
        #expect(!RollupSlices.keys(of: Self.groups[5].profile).contains { $0.hasPrefix("office=") })
        let deactivated = RollupSlices.keys(of: Self.groups[4].profile)
        #expect(deactivated.count == 10 && deactivated.allSatisfy { $0.hasPrefix("deactivated:") })
        #expect(deactivated.contains("deactivated:all") && deactivated.contains("deactivated:office=PAR&mode=FIRM"))
    }

    @Test(
        "one-dimension filters and the usual pairs are one slice; deactivated clients add their own slice or groups",
        arguments: [
            (ClientFilter(), ["all"], [Int64]()),
            (ClientFilter(includeDeactivated: true), ["all", "deactivated:all"], []),
            (ClientFilter(offices: ["PAR"]), ["office=PAR"], []),
            (ClientFilter(offices: ["PAR"], includeDeactivated: true), ["office=PAR"], [5]),
            (ClientFilter(offices: ["PAR", "LYO"]), ["office=LYO", "office=PAR"], []),
            (ClientFilter(bookkeepingMode: .firm), ["mode=FIRM"], []),
            (ClientFilter(frequency: .monthly), ["frequency=MONTHLY"], []),
            (ClientFilter(bookkeepingMode: .firm, frequency: .monthly), ["mode=FIRM&frequency=MONTHLY"], []),
            (ClientFilter(collaborators: ["zoe"]), ["collaborator=zoe"], []),
            (ClientFilter(collaborators: ["zoe"], includeDeactivated: true), ["collaborator=zoe"], [7]),
            (ClientFilter(collaborators: ["zoe"], frequency: .monthly), ["collaborator=zoe"], []),
            (ClientFilter(collaborators: ["marie"], includeDeactivated: true), ["office=PAR"], [5]),
        ] as [(ClientFilter, [String], [Int64])]
    )
    func covers(filter: ClientFilter, slices: [String], rest: [Int64]) {
        let index = SliceIndex(groups: Self.groups)
        let cover = index.cover(Self.selection(filter))
        #expect(cover.slices == slices)
        #expect(cover.groups == rest)
        #expect(index.covers([Self.selection(filter)]) == [cover])
    }

    @Test("among slices of the same size, fewer dimensions win, then the broader dimension")
    func tieBreak() {
        let index = SliceIndex(groups: Self.groups)
        // Groups 1 and 2 are both office=PAR and collaborator=marie (among active groups).
        #expect(index.cover([1, 2]).slices == ["office=PAR"])
        #expect(index.cover([2, 3]).slices == ["collaborator=paul"])
        // Groups 3 and 4 are office=LYO, and office=LYO&mode=FIRM.
        #expect(index.cover([3, 4]).slices == ["office=LYO"])
    }

    @Test("no slice when none lies inside the selection, or only one group would be replaced; at most maximumSlices")
    func noSlice() {
        let index = SliceIndex(groups: Self.groups)
        let combined = Self.selection(ClientFilter(offices: ["LYO"], frequency: .quarterly))
        #expect(index.cover(combined) == SliceCover(slices: [], groups: combined))
        // frequency=QUARTERLY has one member: reading it is no cheaper than reading group 3.
        #expect(index.cover([3]) == SliceCover(slices: [], groups: [3]))
        #expect(index.cover([]) == SliceCover(slices: [], groups: []))
        #expect(index.cover([1, 2, 3, 4], maximumSlices: 1) == SliceCover(slices: ["office=LYO"], groups: [1, 2]))
        #expect(index.size(of: "all") == 5 && index.size(of: "office=LYO") == 2 && index.size(of: "deactivated:all") == 2)
    }
}
