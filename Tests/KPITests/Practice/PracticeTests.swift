import KPI
import Testing
import Wire

@Suite("Practice KPIs (§7)")
struct PracticeTests {
    static let d = day("2025-03-31")
    static let march = period("2025-03-01", "2025-03-31")

    static func document(
        _ id: String,
        _ client: String,
        _ received: String,
        _ channel: DocumentFact.Channel,
        supplier: String? = nil,
        _ history: [(DocumentFact.Status, String)] = [],
        categorised: Bool = false,
        published: Bool = false
    ) -> DocumentFact {
        DocumentFact(
            id: id,
            client: client,
            receivedOn: day(received),
            channel: channel,
            supplier: supplier,
            statusHistory: history.map { DocumentFact.StatusChange($0.0, on: day($0.1)) },
            autoCategorised: categorised,
            autoPublished: published
        )
    }

    /// The hand-computed example (see the comments in `workedExample`).
    static var portfolio: Portfolio {
        Portfolio(
            clients: [
                ClientFact(id: "P1", name: "Garage Leroy", frequency: .monthly, assignedCollaborators: ["U1", "U2"]),
                ClientFact(id: "P2", name: "Cabinet Dentaire", frequency: .quarterly, assignedCollaborators: ["U1"]),
                ClientFact(id: "P3", name: "Ancien client", deactivated: true),
            ],
            documents: [
                document(
                    "d1",
                    "P1",
                    "2025-03-03",
                    .email,
                    supplier: "EDF",
                    [(.ready, "2025-03-05"), (.published, "2025-03-10")]
                ),
                document("d2", "P1", "2025-03-20", .upload, supplier: "Orange"),
                document(
                    "d3",
                    "P1",
                    "2025-03-25",
                    .mobile,
                    supplier: "EDF",
                    [(.ready, "2025-03-28")],
                    categorised: true
                ),
                document(
                    "d4",
                    "P1",
                    "2025-02-10",
                    .email,
                    supplier: "EDF",
                    [(.published, "2025-03-02")],
                    categorised: true,
                    published: true
                ),
                document("e1", "P2", "2025-01-15", .paper, [(.published, "2025-03-31")]),
                document("e2", "P2", "2025-03-31", .api, [(.deleted, "2025-03-31")]),
            ],
            supplierRules: [SupplierRuleFact(id: "R1", client: "P1", supplier: "EDF", createdOn: day("2025-03-01"))]
        )
    }

    @Test("worked example, computed by hand")
    func workedExample() {
        let active = Self.portfolio.selecting(ClientFilter())
        let calculator = PracticePartsCalculator(active.clients, settings: KPISettings())
        let snapshot = calculator.snapshot(at: Self.d)
        let flow = calculator.flow(over: Self.march)
        // PR-TODO at D: d2 has no status change → TO_REVIEW; d3 READY since 03-28; d1, d4, e1
        // published; e2 deleted → 1 + 1 = 2.
        #expect(snapshot.toReview == 1 && snapshot.ready == 1 && PracticeFormulas.toProcess(snapshot) == .count(2))
        // PR-PROCESSED in March: d4 (02-10 → 03-02, 20 d), d1 (03-03 → 03-10, 7 d), e1 (01-15 → 03-31,
        // 75 d): 3 documents, median 20.0, p90 = age at rank ⌈0.9 × 3⌉ = 3 → 75.0.
        #expect(PracticeFormulas.processed(flow) == .count(3))
        #expect(flow.ageHistogram == [7: 1, 20: 1, 75: 1])
        #expect(PracticeFormulas.medianAge(flow).display == "20.0")
        #expect(PracticeFormulas.percentile90Age(flow).display == "75.0")
        // PR-SENT in March: d1 EMAIL, d2 UPLOAD, d3 MOBILE, e2 API → 4, 25.0 % each.
        let shares = PracticeFormulas.sentByChannel(flow)
        #expect(shares.filter { $0.count > 0 }.map(\.channel) == [.email, .upload, .mobile, .api])
        #expect(shares.filter { $0.count > 0 }.allSatisfy { $0.share.display == "25.0" })
        #expect(shares.first { $0.channel == .paper }?.share.display == "0.0")
        // PR-REGULARITY: P1 monthly, 12 months 2024-04…2025-03, documents in Feb and Mar → 2;
        // P2 quarterly, 12 quarters 2022-Q2…2025-Q1, documents in 2025-Q1 only → 1 → 3 / 24 = 12.5 %.
        #expect(snapshot.periodsWithDocuments == 3 && snapshot.periodsExpected == 24)
        #expect(PracticeFormulas.regularity(snapshot).display == "12.5")
        // PR-INACTIVE: both active clients received something in [03-02, 03-31] → 0; P3 is
        // deactivated (never inactive) and excluded by the default filter anyway.
        #expect(snapshot.inactiveClients == 0 && snapshot.decliningClients == 0 && snapshot.activeClients == 2)
        // PR-RULES: 1 rule; coverage in March: d1 and d3 come from EDF, ruled since 03-01 → 2 / 4 = 50.0 %
        // (d4 came from EDF before the rule, in February anyway).
        #expect(snapshot.supplierRules == 1)
        #expect(PracticeFormulas.ruleCoverage(flow).display == "50.0")
        // PR-RULES-PERF in March: d3 auto-categorised → 1 / 4 = 25.0 %; auto-published 0 / 4 = 0.0 %.
        #expect(PracticeFormulas.autoCategorisedRate(flow).display == "25.0")
        #expect(PracticeFormulas.autoPublishedRate(flow).display == "0.0")
        // The same with the deactivated client included: 3 / 36 = 8.3 %.
        let all = PracticePartsCalculator(Self.portfolio.clients, settings: KPISettings()).snapshot(at: Self.d)
        #expect(PracticeFormulas.regularity(all).display == "8.3")
    }

    @Test("per-collaborator breakdown counts a client under each collaborator")
    func breakdown() {
        let settings = KPISettings()
        let clients = Self.portfolio.selecting(ClientFilter()).clients
        let total = PracticePartsCalculator(clients, settings: settings).snapshot(at: Self.d)
        let byCollaborator = ["U1", "U2"].map { collaborator in
            PracticePartsCalculator(
                clients.filter { $0.client.assignedCollaborators.contains(collaborator) },
                settings: settings
            )
            .snapshot(at: Self.d)
        }
        // U1: P1 (2 to process) + P2 (0) = 2; U2: P1 = 2; total 2: the breakdown sums to 4.
        #expect(byCollaborator.map { $0.toReview + $0.ready } == [2, 2])
        #expect(total.toReview + total.ready == 2)
    }

    @Test("level-3 rows: lowest regularity first, lowest coverage first")
    func rows() {
        let rows = PracticePartsCalculator(Self.portfolio.clients, settings: KPISettings()).clientRows(
            asOf: Self.d,
            period: Self.march
        )
        #expect(PracticeClientRow.byRegularity(rows).map(\.client) == ["P3", "P2", "P1"])
        // Coverage: P1 2 / 3 = 66.7 %, P2 0 / 1 = 0.0 %, P3 no document (null, last).
        #expect(PracticeClientRow.byRuleCoverage(rows).map(\.client) == ["P2", "P1", "P3"])
        #expect(rows.first { $0.client == "P1" }?.ruleCoverage.display == "66.7")
        #expect(rows.first { $0.client == "P3" }?.isInactive == false)
    }

    @Test("declining: baseline average ≥ 4 per 30 days and recent count below 50 % of it")
    func declining() {
        // 30 documents in the baseline [D − 209, D − 30] (average 5 per 30 days).
        func portfolio(recent: Int) -> Portfolio {
            var documents = (0..<30).map { i in
                DocumentFact(
                    id: "b\(i)",
                    client: "K",
                    receivedOn: day("2025-03-01").advanced(by: -6 * i),
                    channel: .email
                )
            }
            documents += (0..<recent).map { i in
                DocumentFact(id: "r\(i)", client: "K", receivedOn: Self.d.advanced(by: -i), channel: .email)
            }
            return Portfolio(clients: [ClientFact(id: "K")], documents: documents)
        }
        let settings = KPISettings()
        // 2 < 2.5 → declining, drop (30 − 6 × 2) / 30 = 60.0 %.
        let two = portfolio(recent: 2)
        let activity = PracticeRules.activity(
            receivedDates: two.clients[0].documents.map(\.receivedOn).sorted(),
            asOf: Self.d,
            settings: settings
        )
        #expect(activity.recent == 2 && activity.baseline == 30 && activity.decline?.display == "60.0")
        #expect(PracticePartsCalculator(two.clients, settings: settings).snapshot(at: Self.d).decliningClients == 1)
        // 3 ≥ 2.5 → not declining.
        #expect(
            PracticePartsCalculator(portfolio(recent: 3).clients, settings: settings).snapshot(at: Self.d)
                .decliningClients == 0
        )
        // 0 recent: inactive and declining (drop 100.0 %).
        let none = PracticePartsCalculator(portfolio(recent: 0).clients, settings: settings).snapshot(at: Self.d)
        #expect(none.inactiveClients == 1 && none.decliningClients == 1)
        // A baseline below the minimum (23 documents, average 3.83 < 4) never declines.
        var small = settings
        small.decliningMinimumDocuments = 6
        #expect(PracticePartsCalculator(two.clients, settings: small).snapshot(at: Self.d).decliningClients == 0)
    }

    @Test("regularity periods: completed periods ending on or before D")
    func regularityPeriods() {
        let calendar = FiscalCalendar.calendarYear
        let mid = PracticeRules.regularityPeriods(frequency: .monthly, asOf: day("2025-03-15"), calendar: calendar)
        #expect(
            mid.count == 12 && mid.last == period("2025-02-01", "2025-02-28")
                && mid.first == period("2024-03-01", "2024-03-31")
        )
        let end = PracticeRules.regularityPeriods(frequency: .monthly, asOf: day("2025-03-31"), calendar: calendar)
        #expect(end.last == period("2025-03-01", "2025-03-31"))
        let yearly = PracticeRules.regularityPeriods(
            frequency: .yearly,
            asOf: day("2025-03-31"),
            calendar: (try? FiscalCalendar(startMonth: 7, startDay: 1)) ?? calendar
        )
        #expect(yearly.last == period("2023-07-01", "2024-06-30") && yearly.count == 12)
    }

    @Test("merging flows in place equals their sum: channel and age counts key-wise, zeros dropped")
    func mergeInPlace() {
        var a = PracticeFlow()
        a.received = 5
        a.receivedByChannel = ["EMAIL": 3, "SCAN": 2]
        a.ageHistogram = [1: 2, 4: 1]
        a.published = 3
        a.coveredByRule = 1
        var b = PracticeFlow()
        b.received = 2
        b.receivedByChannel = ["EMAIL": -3, "API": 2]
        b.ageHistogram = [4: 2, 9: 1]
        b.autoCategorised = 1
        var merged = a
        merged += b
        #expect(merged == a + b)
        #expect(merged.receivedByChannel == ["SCAN": 2, "API": 2] && merged.ageHistogram == [1: 2, 4: 3, 9: 1])
        #expect(merged.received == 7 && merged.published == 3 && merged.autoCategorised == 1 && merged.coveredByRule == 1)
        var total = PracticeFlow.zero
        for flow in [a, b, a] { total += flow }
        #expect(total == a + b + a && PracticeFlow.sum([a, b, a]) == total)
    }

    @Test("median of an even count is the mean of the two middle ages")
    func evenMedian() {
        var flow = PracticeFlow()
        flow.ageHistogram = [1: 1, 4: 1, 10: 2]
        flow.published = 4
        #expect(PracticeFormulas.medianAge(flow).display == "7.0")  // (4 + 10) / 2
        #expect(PracticeFormulas.percentile90Age(flow).display == "10.0")  // rank ⌈3.6⌉ = 4
        #expect(PracticeFormulas.medianAge(PracticeFlow()).reason == .noData)
    }

    @Test("earliest period starts: per bucket, equal to the first of the 12 regularity periods at each day")
    func earliestPeriodStarts() throws {
        let calendars = [FiscalCalendar.calendarYear, try FiscalCalendar(startMonth: 7, startDay: 1), try FiscalCalendar(startMonth: 4, startDay: 6)]
        let days = (0..<800).map { day("2023-11-15").advanced(by: $0) }
        let subsets: [[ClientFact.Frequency]] = [[], [.monthly], [.quarterly], [.yearly], [.quarterly, .monthly], [.yearly, .quarterly, .monthly]]
        for calendar in calendars {
            for frequencies in subsets {
                let starts = PracticeRules.earliestPeriodStarts(frequencies: frequencies, at: days, calendar: calendar)
                for date in days {
                    let expected = frequencies.compactMap { PracticeRules.regularityPeriods(frequency: $0, asOf: date, calendar: calendar).first?.start }.min()
                    #expect(starts[date] == expected, "\(frequencies) at \(date)")
                }
            }
        }
    }

    @Test("property: practice parts merged across clients and days equal the direct computation", arguments: 0..<60)
    func property(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(seed))
        let start = RandomPracticePortfolio.start
        let (clients, documents, rules) = RandomPracticePortfolio.facts(using: &rng)
        func date() -> CalendarDate { start.advanced(by: Int.random(in: 0...520, using: &rng)) }
        var settings = KPISettings()
        settings.decliningMinimumDocuments = Int.random(in: 0...3, using: &rng)
        let portfolio = Portfolio(clients: clients, documents: documents, supplierRules: rules)
        let d = date()
        let p = Period(uncheckedStart: d.advanced(by: -Int.random(in: 0...120, using: &rng)), end: d)
        // Parts per client, merged in random groups; flows per day merged over P.
        let perClient = portfolio.clients.shuffled(using: &rng).map { PracticePartsCalculator($0, settings: settings) }
        let snapshot = PracticeSnapshot.sum(perClient.map { $0.snapshot(at: d) })
        let flow = PracticeFlow.sum(perClient.flatMap { $0.dailyFlows(in: p).values }.shuffled(using: &rng))
        let direct = PracticeReference(portfolio.clients, settings: settings)
        let todo = direct.toProcess(asOf: d)
        #expect(snapshot.toReview == todo.toReview && snapshot.ready == todo.ready, "seed \(seed)")
        let processed = direct.processed(over: p)
        #expect(PracticeFormulas.processed(flow) == processed.count, "seed \(seed)")
        #expect(PracticeFormulas.medianAge(flow) == processed.median, "seed \(seed)")
        #expect(PracticeFormulas.percentile90Age(flow) == processed.p90, "seed \(seed)")
        #expect(PracticeFormulas.sentByChannel(flow) == direct.sentByChannel(over: p), "seed \(seed)")
        #expect(
            PracticeFormulas.regularity(snapshot, firstDataDate: start)
                == direct.regularity(asOf: d, firstDataDate: start),
            "seed \(seed)"
        )
        let activity = direct.activity(asOf: d)
        #expect(
            snapshot.inactiveClients == activity.inactive && snapshot.decliningClients == activity.declining,
            "seed \(seed)"
        )
        let ruleKPIs = direct.rules(over: p)
        #expect(PracticeFormulas.ruleCoverage(flow) == ruleKPIs.coverage, "seed \(seed)")
        #expect(PracticeFormulas.autoCategorisedRate(flow) == ruleKPIs.autoCategorised, "seed \(seed)")
        #expect(PracticeFormulas.autoPublishedRate(flow) == ruleKPIs.autoPublished, "seed \(seed)")
    }
}
