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
    }
}
