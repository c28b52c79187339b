import KPI
import Testing
import Wire

@Suite("Prospects dashboard (§9, seed 003)")
struct ProspectsTests {
    static let p1 = CollaboratorFact(id: "P1", roles: [.offerValidator], confidentialityGroup: "G1")
    static let m1 = CollaboratorFact(id: "M1", roles: [.accountManager], confidentialityGroup: "G1")
    static let l1 = CollaboratorFact(id: "L1", confidentialityGroup: "G1")
    static let p2 = CollaboratorFact(id: "P2", roles: [.offerValidator], confidentialityGroup: "G2")

    static func offer(
        _ id: String,
        _ deal: String,
        _ history: [(OfferFact.Status, String)],
        recurring: Int64 = 0,
        exceptional: Int64 = 0,
        signatory: String? = nil
    ) -> OfferFact {
        OfferFact(
            id: id,
            deal: deal,
            type: "LETTRE_MISSION",
            template: "LM-TPE",
            statusHistory: history.map { OfferFact.StatusChange($0.0, on: day($0.1)) },
            signatory: signatory,
            feesRecurringHT: eur(recurring),
            feesExceptionalHT: eur(exceptional)
        )
    }

    static let prospects = Prospects(
        deals: [
            DealFact(
                id: "D1",
                prospectName: "Boulangerie Neuve",
                organisationUnit: "OFF-LYON",
                fiscalYear: 2025,
                team: .init(partner: "P1", manager: "M1")
            ),
            DealFact(
                id: "D2",
                prospectName: "Pharmacie Centrale",
                organisationUnit: "OFF-GRE",
                fiscalYear: 2025,
                team: .init(partner: "P1", clientLead: "L1"),
                statusHistory: [.init(.won, on: day("2025-04-20"))]
            ),
            DealFact(
                id: "D3",
                prospectName: "Menuiserie Roy",
                organisationUnit: "OFF-PAR",
                fiscalYear: 2025,
                team: .init(manager: "M1"),
                statusHistory: [.init(.abandoned, on: day("2025-05-02"))]
            ),
            DealFact(
                id: "D4",
                prospectName: "Garage du Lac",
                organisationUnit: "OFF-LYON",
                fiscalYear: 2025,
                team: .init(partner: "P2")
            ),
            DealFact(
                id: "D5",
                prospectName: "Ancienne affaire",
                organisationUnit: "OFF-LYON",
                fiscalYear: 2024,
                team: .init(partner: "P1")
            ),
        ],
        offers: [
            offer("O1", "D1", [(.draft, "2025-03-01"), (.sent, "2025-03-10")], recurring: 1_200, exceptional: 300),
            offer(
                "O2",
                "D2",
                [(.sent, "2025-03-01"), (.signed, "2025-04-15")],
                recurring: 2_400,
                signatory: "Mme Centrale"
            ),
            offer(
                "O3",
                "D2",
                [(.draft, "2025-04-01"), (.signed, "2025-05-10")],
                exceptional: 500,
                signatory: "Mme Centrale"
            ),
            offer("O4", "D3", [(.sent, "2025-02-01"), (.refused, "2025-04-30")], recurring: 900),
            offer("O5", "D4", [(.draft, "2025-06-01")], recurring: 600),
            offer("O6", "D5", [(.sent, "2024-09-01"), (.signed, "2024-11-01")], recurring: 1_000),
        ],
        collaborators: [p1, m1, l1, p2],
        units: [
            OrganisationUnitFact(id: "REG-SE", kind: .region), OrganisationUnitFact(id: "REG-IDF", kind: .region),
            OrganisationUnitFact(id: "AG-LYON", kind: .agency, parent: "REG-SE"),
            OrganisationUnitFact(id: "AG-GRE", kind: .agency, parent: "REG-SE"),
            OrganisationUnitFact(id: "AG-PAR", kind: .agency, parent: "REG-IDF"),
            OrganisationUnitFact(id: "OFF-LYON", kind: .office, parent: "AG-LYON"),
            OrganisationUnitFact(id: "OFF-GRE", kind: .office, parent: "AG-GRE"),
            OrganisationUnitFact(id: "OFF-PAR", kind: .office, parent: "AG-PAR"),
        ],
        calendar: .calendarYear
    )

    static let d = day("2025-06-30")

    @Test("worked example for P1's own deals, computed by hand")
    func workedExample() throws {
        let deals = try Self.prospects.visibleDeals(for: Self.p1)
        // P1 is on the teams of D1, D2 (FY 2025) and D5 (FY 2024).
        #expect(deals.map(\.id) == ["D1", "D2", "D5"])
        let board = Self.prospects.dashboard(of: deals, fiscalYear: 2025, asOf: Self.d)
        // D1 is open with O1 sent → it has an offer in progress; D2 is won → PP-NODOC 0.
        #expect(board.noDocument == 0)
        // PP-OPEN: O1 (sent 03-10) → 1; PP-POTENTIAL 1 200 + 300 = 1 500.00.
        #expect(board.openOffers == 1 && board.potentialFees == WideInt(eur(1_500)))
        // PP-SIGNED: O2 and O3 → 2; PP-BUDGET recurring 2 400.00, exceptional 500.00.
        #expect(
            board.signedOffers == 2 && board.signedRecurring == WideInt(eur(2_400))
                && board.signedExceptional == WideInt(eur(500))
        )
        #expect(board.refusedOffers == 0 && board.abandonedDeals == 0)
        // PP-WON-MONTHLY: D2's first signature is 04-15 → April: 1 prospect bringing 2 400 + 500.
        #expect(board.wonByMonth.count == 12)
        #expect(board.wonByMonth[3].prospects == 1 && board.wonByMonth[3].fees == WideInt(eur(2_900)))
        #expect(board.wonByMonth.enumerated().allSatisfy { $0.offset == 3 || $0.element.prospects == 0 })
        // Earlier in the year (04-30) O3 is still a draft: one signed offer, 2 400.00.
        let april = Self.prospects.dashboard(of: deals, fiscalYear: 2025, asOf: day("2025-04-30"))
        #expect(april.signedOffers == 1 && april.wonByMonth[3].fees == WideInt(eur(2_400)))
    }

    @Test("N vs N−1 at the same day")
    func previousYear() throws {
        let deals = try Self.prospects.visibleDeals(for: Self.p1)
        let (current, previous) = Self.prospects.comparison(of: deals, asOf: Self.d)
        #expect(current.fiscalYear == 2025 && previous.fiscalYear == 2024 && previous.asOf == day("2024-06-30"))
        // On 2024-06-30, O6 had not been sent yet: nothing; D5 counts as a deal with no document.
        #expect(previous.signedOffers == 0 && previous.openOffers == 0 && previous.noDocument == 1)
        let yearEnd = Self.prospects.dashboard(of: deals, fiscalYear: 2024, asOf: day("2024-12-31"))
        #expect(yearEnd.signedOffers == 1 && yearEnd.wonByMonth[10].prospects == 1)
    }

    @Test("visibility: team members by default; validators filter within their confidentiality group")
    func visibility() throws {
        #expect(try Self.prospects.visibleDeals(for: Self.m1).map(\.id) == ["D1", "D3"])
        #expect(try Self.prospects.visibleDeals(for: Self.l1).map(\.id) == ["D2"])
        // Region south-east for P1 (group G1): D1, D2; D4 is in the region but its team is in G2.
        let southEast = try Self.prospects.visibleDeals(
            for: Self.p1,
            filter: ProspectFilter(organisationUnits: ["REG-SE"])
        )
        #expect(southEast.map(\.id) == ["D1", "D2", "D5"])
        #expect(
            try Self.prospects.visibleDeals(for: Self.p1, filter: ProspectFilter(organisationUnits: ["AG-GRE"])).map(
                \.id
            ) == ["D2"]
        )
        // Collaborator M1's deals, seen by P1 (same group).
        let ofM1 = try Self.prospects.visibleDeals(for: Self.p1, filter: ProspectFilter(collaborators: ["M1"]))
        #expect(ofM1.map(\.id) == ["D1", "D3"])
        let board = Self.prospects.dashboard(of: ofM1, fiscalYear: 2025, asOf: Self.d)
        // D1: O1 sent; D3: O4 refused on 04-30, deal abandoned on 05-02.
        #expect(board.openOffers == 1 && board.refusedOffers == 1 && board.abandonedDeals == 1 && board.noDocument == 0)
        // P2 (group G2) in the south-east sees only D4: open, a draft only → no document in progress.
        let ofP2 = try Self.prospects.visibleDeals(for: Self.p2, filter: ProspectFilter(organisationUnits: ["REG-SE"]))
        #expect(ofP2.map(\.id) == ["D4"])
        #expect(Self.prospects.dashboard(of: ofP2, fiscalYear: 2025, asOf: Self.d).noDocument == 1)
        // A user without the validator right cannot filter.
        #expect(throws: KPIError.self) {
            try Self.prospects.visibleDeals(for: Self.m1, filter: ProspectFilter(organisationUnits: ["REG-SE"]))
        }
    }

    @Test("drill-down by deal and by document")
    func drillDown() throws {
        let deals = try Self.prospects.visibleDeals(for: Self.p1)
        let documents = Self.prospects.documents(in: .signedOffers, of: deals, fiscalYear: 2025, asOf: Self.d)
        #expect(documents.map(\.offer) == ["O2", "O3"])
        #expect(documents.map(\.recurring) == [WideInt(eur(2_400)), .zero] && documents.first?.template == "LM-TPE")
        let byDeal = Self.prospects.deals(in: .wonInMonth(3), of: deals, fiscalYear: 2025, asOf: Self.d)
        #expect(
            byDeal == [
                ProspectDealRow(
                    deal: "D2",
                    prospect: "Pharmacie Centrale",
                    signatory: "Mme Centrale",
                    entity: "OFF-GRE"
                )
            ]
        )
        #expect(Self.prospects.deals(in: .openOffers, of: deals, fiscalYear: 2025, asOf: Self.d).map(\.deal) == ["D1"])
        #expect(Self.prospects.deals(in: .wonInMonth(12), of: deals, fiscalYear: 2025, asOf: Self.d).isEmpty)
    }

    @Test("fiscal years not starting on January 1: won months are fiscal months")
    func fiscalMonths() throws {
        let calendar = try FiscalCalendar(startMonth: 10, startDay: 1)
        let prospects = Prospects(
            deals: [DealFact(id: "X", prospectName: "X", fiscalYear: 2024, team: .init(partner: "P1"))],
            offers: [Self.offer("OX", "X", [(.signed, "2025-01-05")], recurring: 100)],
            collaborators: [Self.p1],
            units: [],
            calendar: calendar
        )
        let board = prospects.dashboard(
            of: try prospects.visibleDeals(for: Self.p1),
            fiscalYear: 2024,
            asOf: day("2025-09-30")
        )
        #expect(board.wonByMonth.first?.period.start == day("2024-10-01"))
        #expect(board.wonByMonth[3].period == period("2025-01-01", "2025-01-31") && board.wonByMonth[3].prospects == 1)
    }
}
