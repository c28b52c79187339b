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

    @Test("subtracting: a collaborator's line within an office is their slice minus their groups of other offices")
    func subtractive() {
        // ana: eight groups in PAR (shared with c0…c7, FIRM/CLIENT × MONTHLY/QUARTERLY) and two
        // in LYO (one FIRM monthly, one CLIENT quarterly); four others in PAR, one per mode and
        // frequency, so that no slice lies inside ana's Paris groups.
        let modes: [ClientFact.BookkeepingMode] = [.firm, .client]
        let frequencies: [ClientFact.Frequency] = [.monthly, .quarterly]
        var groups = (0..<8).map { number in
            SliceIndex.Member(
                id: Int64(number + 1),
                profile: Self.profile(mode: modes[number % 2], frequency: frequencies[number / 2 % 2], collaborators: ["ana", "c\(number)"])
            )
        }
        groups += [
            .init(id: 9, profile: Self.profile(office: "LYO", collaborators: ["ana"])),
            .init(id: 10, profile: Self.profile(office: "LYO", mode: .client, frequency: .quarterly, collaborators: ["ana"])),
            .init(id: 11, profile: Self.profile(collaborators: ["bob"])),
            .init(id: 12, profile: Self.profile(mode: .client, frequency: .quarterly, collaborators: ["carl"])),
            .init(id: 13, profile: Self.profile(mode: .client, collaborators: ["dan"])),
            .init(id: 14, profile: Self.profile(frequency: .quarterly, collaborators: ["eve"])),
        ]
        let index = SliceIndex(groups: groups)
        let anaInParis = Array(Int64(1)...8)
        #expect(index.cover(anaInParis) == SliceCover(slices: [], groups: anaInParis), "no slice lies inside")
        #expect(index.covers([anaInParis], subtracting: true) == [SliceCover(slices: ["collaborator=ana"], groups: [], subtracted: [9, 10])])
        // Cheaper as it is: two slices, or a few groups; never with a group the index does not know.
        #expect(index.covers([[9, 10]], subtracting: true) == [index.cover([9, 10])])
        #expect(index.covers([[1, 2]], subtracting: true) == [index.cover([1, 2])])
        #expect(index.covers([anaInParis + [99]], subtracting: true) == [index.cover(anaInParis + [99])])
    }

    @Test("subtracting: two collaborators sharing a group are their two slices minus the shared group")
    func overlapping() {
        // xia: groups 21–24, yan: 24–27 (24 shared), each group in its own office; zoe's four
        // groups (28–31) keep the firm-wide slices out of the selection.
        let people: [Set<String>] = [["xia"], ["xia"], ["xia"], ["xia", "yan"], ["yan"], ["yan"], ["yan"], ["zoe"], ["zoe"], ["zoe"], ["zoe"]]
        let groups = people.enumerated().map { number, collaborators in
            SliceIndex.Member(id: Int64(21 + number), profile: Self.profile(office: "O\(number)", collaborators: collaborators))
        }
        let index = SliceIndex(groups: groups)
        let both = Array(Int64(21)...27)
        #expect(index.cover(both) == SliceCover(slices: ["collaborator=xia"], groups: [25, 26, 27]))
        #expect(index.covers([both], subtracting: true) == [SliceCover(slices: ["collaborator=xia", "collaborator=yan"], groups: [], subtracted: [24])])
        #expect(index.cover(both, subtracting: true) == index.covers([both], subtracting: true)[0])
    }

    @Test("every cover, with or without subtraction, reads each selected group exactly once (random firms)")
    func coversAreExact() {
        var random = SplitMix(seed: 0x51CE)
        let offices = ["PAR", "LYO", nil]
        let people = (0..<6).map { "c\($0)" }
        for _ in 0..<80 {
            var members: [SliceIndex.Member] = []
            var seen: Set<ClientProfile> = []
            for id in 1...(2 + random.below(30)) {
                let profile = ClientProfile(
                    office: offices[random.below(offices.count)],
                    bookkeepingMode: random.below(2) == 0 ? .firm : .client,
                    frequency: ClientFact.Frequency.allCases[random.below(3)],
                    deactivated: random.below(6) == 0,
                    collaborators: Set((0..<(1 + random.below(2))).map { _ in people[random.below(people.count)] })
                )
                if seen.insert(profile).inserted { members.append(.init(id: Int64(id), profile: profile)) }
            }
            let index = SliceIndex(groups: members)
            let sliceMembers = Dictionary(grouping: members.flatMap { member in RollupSlices.keys(of: member.profile).map { ($0, member.id) } }, by: \.0)
                .mapValues { $0.map(\.1) }
            let selections = (0..<6).map { _ in members.filter { _ in random.below(2) == 0 }.map(\.id) }
            for (cover, selection) in zip(index.covers(selections, subtracting: true), selections) {
                var count: [Int64: Int] = [:]
                for slice in cover.slices { for id in sliceMembers[slice] ?? [] { count[id, default: 0] += 1 } }
                for id in cover.groups { count[id, default: 0] += 1 }
                for id in cover.subtracted { count[id, default: 0] -= 1 }
                #expect(count.filter { $0.value != 0 } == Dictionary(uniqueKeysWithValues: selection.map { ($0, 1) }))
                #expect(cover.slices.count + cover.groups.count + cover.subtracted.count <= max(selection.count, 1))
            }
        }
    }
}
