import KPI
import Wire

/// Random portfolios for property tests: valid facts (allocations never exceed what is open or
/// available), plus a few odd ones (a cross-client allocation, an allocation to an unknown item).
struct RandomPortfolio {
    let portfolio: Portfolio
    let settings: KPISettings
    let asOf: CalendarDate
    let firstDataDate: CalendarDate

    static let rangeStart = day("2024-03-01")
    static let rangeEnd = day("2025-06-30")

    init(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        func date(
            _ from: CalendarDate = RandomPortfolio.rangeStart,
            _ to: CalendarDate = RandomPortfolio.rangeEnd
        ) -> CalendarDate {
            from.advanced(by: Int.random(in: 0...max(0, from.days(until: to)), using: &rng))
        }
        func cents() -> Int64 {
            Int64.random(in: 1...500_000, using: &rng)
        }
        var settings = KPISettings()
        if rng.chance(0.3) { settings.agedBucketBoundaries = [15, 45] }
        settings.provisionGridBasisPoints = (0..<settings.agedBucketCount).map { _ in
            Int.random(in: 0...10_000, using: &rng)
        }
        settings.riskDaysPastDue = [30, 60, 90].randomElement(using: &rng) ?? 90
        settings.onTimeGraceDays = [0, 0, 3].randomElement(using: &rng) ?? 0
        settings.prepaymentsAsUnapplied = rng.chance(0.3)
        settings.excludeDoubtfulFromDSO = rng.chance(0.3)
        settings.forecastHistoryInstallments = Int.random(in: 1...4, using: &rng)
        settings.forecastMinimumInstallments = Int.random(in: 1...settings.forecastHistoryInstallments, using: &rng)
        settings.forecastHorizonDays = [30, 90].randomElement(using: &rng) ?? 90
        settings.forecastMaxDaysPastDue = [60, 365].randomElement(using: &rng) ?? 365
        self.settings = settings

        var clients: [ClientFact] = []
        var installments: [InstallmentFact] = []
        var credits: [CreditFact] = []
        var allocations: [AllocationFact] = []
        var disputes: [DisputeFact] = []
        var provisions: [ProvisionFact] = []
        var exposures: [OffLedgerExposureFact] = []
        let clientCount = Int.random(in: 1...6, using: &rng)
        for c in 0..<clientCount {
            let id = "C\(c)"
            clients.append(
                ClientFact(
                    id: id,
                    office: ["O1", "O2", nil].randomElement(using: &rng) ?? nil,
                    bookkeepingMode: rng.chance(0.5) ? .firm : .client,
                    assignedCollaborators: ["U1", "U2", "U3"].filter { _ in rng.chance(0.4) },
                    creditLimit: rng.chance(0.4) ? Int64.random(in: 0...800_000, using: &rng) : nil,
                    doubtful: rng.chance(0.15),
                    deactivated: rng.chance(0.1)
                )
            )
            var open: [(id: String, date: CalendarDate, remaining: Int64)] = []
            for i in 0..<Int.random(in: 0...8, using: &rng) {
                let invoiceDate = date()
                let amount = cents()
                let kindRoll = Int.random(in: 0..<20, using: &rng)
                let itemID = "\(id)-I\(i)"
                if kindRoll == 0 {
                    installments.append(
                        InstallmentFact(
                            debitDocument: itemID,
                            kind: .refund,
                            client: id,
                            date: invoiceDate,
                            amount: amount
                        )
                    )
                } else if kindRoll == 1 {
                    installments.append(
                        InstallmentFact(
                            debitDocument: itemID,
                            kind: .debitAdjustment,
                            client: id,
                            date: invoiceDate,
                            amount: amount
                        )
                    )
                } else {
                    installments.append(
                        InstallmentFact(
                            id: itemID,
                            client: id,
                            invoiceDate: invoiceDate,
                            dueDate: invoiceDate.advanced(by: [0, 15, 30, 45, 60].randomElement(using: &rng) ?? 30),
                            amount: amount,
                            amountHT: rng.chance(0.8) ? amount * 5 / 6 : nil,
                            paymentMode: nil
                        )
                    )
                }
                open.append((itemID, invoiceDate, amount))
                if rng.chance(0.25) {
                    let opened = date(invoiceDate)
                    let resolved: CalendarDate? = rng.chance(0.5) ? date(opened) : nil
                    disputes.append(
                        DisputeFact(id: "\(itemID)-D", installment: itemID, openedOn: opened, resolvedOn: resolved)
                    )
                }
                if rng.chance(0.2) {
                    let constituted = date(invoiceDate)
                    provisions.append(
                        ProvisionFact(
                            id: "\(itemID)-P",
                            installment: itemID,
                            amountHT: Int64.random(in: 1...amount, using: &rng),
                            date: constituted,
                            releasedOn: rng.chance(0.3) ? date(constituted) : nil
                        )
                    )
                }
            }
            let kinds: [CreditFact.Kind] = [
                .payment, .payment, .payment, .creditNote, .writeOff, .adjustment, .prepayment,
            ]
            for k in 0..<Int.random(in: 0...6, using: &rng) {
                let kind = kinds.randomElement(using: &rng) ?? .payment
                let creditDate = date()
                let amount = cents()
                let creditID = "\(id)-K\(k)"
                credits.append(
                    CreditFact(
                        id: creditID,
                        client: id,
                        kind: kind,
                        date: creditDate,
                        amount: amount,
                        amountHT: kind == .creditNote ? amount * 5 / 6 : nil
                    )
                )
                var available = amount
                for index in open.indices.shuffled(using: &rng)
                where available > 0 && open[index].remaining > 0 && rng.chance(0.5) {
                    let share = min(available, open[index].remaining, Int64.random(in: 1...max(1, amount), using: &rng))
                    available -= share
                    open[index].remaining -= share
                    let recorded = max(creditDate, open[index].date).advanced(by: Int.random(in: 0...10, using: &rng))
                    allocations.append(
                        AllocationFact(
                            id: "\(creditID)>\(open[index].id)",
                            source: creditID,
                            target: open[index].id,
                            amount: share,
                            recordedOn: recorded,
                            method: rng.chance(0.5) ? .auto : .manual
                        )
                    )
                }
            }
            if rng.chance(0.2) {
                let start = date()
                exposures.append(
                    OffLedgerExposureFact(
                        id: "\(id)-E",
                        client: id,
                        date: start,
                        amount: cents(),
                        endsOn: rng.chance(0.5) ? date(start) : nil
                    )
                )
            }
        }
        // Odd facts every implementation must ignore the same way.
        if clientCount >= 2, let credit = credits.first(where: { $0.client == "C0" }),
            let item = installments.first(where: { $0.client == "C1" })
        {
            allocations.append(
                AllocationFact(id: "cross", source: credit.id, target: item.id, amount: 1, recordedOn: credit.date)
            )
        }
        if let credit = credits.first {
            allocations.append(
                AllocationFact(id: "dangling", source: credit.id, target: "nowhere", amount: 1, recordedOn: credit.date)
            )
        }
        self.portfolio = Portfolio(
            clients: clients,
            installments: installments,
            credits: credits,
            allocations: allocations,
            disputes: disputes,
            provisions: provisions,
            exposures: exposures
        )
        self.asOf = date(day("2024-09-01"), Self.rangeEnd)
        self.firstDataDate = date(Self.rangeStart, day("2024-08-01"))
    }
}
