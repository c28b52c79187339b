import KPI
import Testing
import Wire

/// Bad input never crashes: odd facts and unvalidated settings give values or nulls, never a trap.
@Suite("Bad input does not crash")
struct BadInputTests {
    static var oddPortfolio: Portfolio {
        Portfolio(
            clients: [ClientFact(id: "X", creditLimit: -5, doubtful: true), ClientFact(id: "Y", creditLimit: .max)],
            installments: [
                InstallmentFact(
                    id: "HUGE",
                    client: "X",
                    invoiceDate: day("2025-01-01"),
                    dueDate: day("2025-01-31"),
                    amount: .max,
                    amountHT: .max
                ),
                InstallmentFact(
                    id: "ZERO",
                    client: "X",
                    invoiceDate: day("2025-02-01"),
                    dueDate: day("2025-01-01"),
                    amount: 0,
                    amountHT: 5
                ),
                InstallmentFact(
                    id: "NEG",
                    client: "Y",
                    invoiceDate: day("2025-02-01"),
                    dueDate: day("2025-03-01"),
                    amount: -100,
                    amountHT: -80
                ),
                InstallmentFact(id: "FAR", client: "Y", invoiceDate: .min, dueDate: .max, amount: 1_000),
                InstallmentFact(id: "FUTURE", client: "Y", invoiceDate: .max, dueDate: .min, amount: 1_000),
            ],
            credits: [
                CreditFact(id: "P", client: "X", kind: .payment, date: day("2025-03-01"), amount: .max),
                CreditFact(id: "Q", client: "Y", kind: .prepayment, date: .min, amount: -7),
                CreditFact(id: "W", client: "Y", kind: .writeOff, date: .max, amount: .max),
            ],
            allocations: [
                AllocationFact(id: "A1", source: "P", target: "HUGE", amount: .max, recordedOn: .max),
                AllocationFact(id: "A2", source: "P", target: "ZERO", amount: 50, recordedOn: .min),
                AllocationFact(id: "A3", source: "Q", target: "NEG", amount: -20, recordedOn: day("2025-03-01")),
                AllocationFact(id: "A4", source: "W", target: "FAR", amount: 5_000, recordedOn: day("2025-03-01")),
                AllocationFact(id: "A5", source: "P", target: "P", amount: 1, recordedOn: day("2025-03-01")),
            ],
            disputes: [DisputeFact(id: "D", installment: "HUGE", openedOn: .max, resolvedOn: .min)],
            provisions: [ProvisionFact(id: "PR", installment: "ZERO", amountHT: .max, date: .min, releasedOn: .min)],
            exposures: [OffLedgerExposureFact(id: "E", client: "X", date: .min, amount: .max, endsOn: .min)]
        )
    }

    static var absurdSettings: KPISettings {
        var settings = KPISettings()
        settings.dsoWindowDays = .min
        settings.agedBucketBoundaries = [50, 10]
        settings.riskDaysPastDue = .max
        settings.onTimeGraceDays = .max
        settings.forecastHistoryInstallments = -3
        settings.forecastMinimumInstallments = .max
        settings.forecastHorizonDays = .max
        settings.forecastMaxDaysPastDue = .min
        settings.forecastLookbackDays = .min
        settings.provisionGridBasisPoints = [.max]
        settings.inactivityDays = .max
        settings.decliningRatioPercent = .max
        settings.decliningMinimumDocuments = .min
        return settings
    }

    @Test(
        "odd facts, absurd settings, extreme dates",
        arguments: ["2025-03-31", "0001-01-01", "9999-12-31", "2000-02-29"]
    )
    func everything(asOf: String) {
        for settings in [KPISettings(), Self.absurdSettings] {
            let context = KPIContext(settings: settings, firstDataDate: .max)
            let source = ReceivablesPartsCalculator(Self.oddPortfolio.clients, settings: settings)
            let fromParts = AdditivityPropertyTests.evaluate(
                ReceivablesKPI(source: source, context: context),
                asOf: day(asOf),
                seed: 1
            )
            let direct = AdditivityPropertyTests.evaluate(
                ReceivablesReference(Self.oddPortfolio.clients, context: context),
                asOf: day(asOf),
                seed: 1
            )
            #expect(fromParts == direct, "\(asOf)")
            #expect(fromParts.values.values.allSatisfy { $0.isNull == ($0.exact == nil) })
            _ = ReceivablesLevel1(
                evaluator: ReceivablesKPI(source: source, context: context),
                asOf: day(asOf),
                historyDays: 3
            )
            _ = Supervisor.items(of: Self.oddPortfolio.clients, strategies: [:], settings: settings, asOf: day(asOf))
            _ = PracticePartsCalculator(Self.oddPortfolio.clients, settings: settings).snapshot(at: day(asOf))
            for kind in BucketKind.allCases {
                _ = FiscalCalendar.calendarYear.bucket(kind, containing: day(asOf))
            }
        }
        #expect(throws: KPIError.self) { try Self.absurdSettings.validate() }
        #expect(throws: Never.self) { try Self.absurdSettings.clamped.validate() }
    }

    @Test("organisation unit cycles and unknown references do not hang or crash")
    func cycles() throws {
        let prospects = Prospects(
            deals: [
                DealFact(id: "D", prospectName: "D", organisationUnit: "A", fiscalYear: 2025, team: .init(partner: "V"))
            ],
            offers: [OfferFact(id: "O", deal: "unknown")],
            collaborators: [CollaboratorFact(id: "V", roles: [.offerValidator], confidentialityGroup: "G")],
            units: [
                OrganisationUnitFact(id: "A", kind: .office, parent: "B"),
                OrganisationUnitFact(id: "B", kind: .agency, parent: "A"),
            ],
            calendar: .calendarYear
        )
        let deals = try prospects.visibleDeals(
            for: CollaboratorFact(id: "V", roles: [.offerValidator], confidentialityGroup: "G"),
            filter: ProspectFilter(organisationUnits: ["Z"])
        )
        #expect(deals.isEmpty)
    }
}
