import KPI
import Testing
import Wire

/// The edge cases named in kpi-definitions §4 and §10.
@Suite("Receivables edge cases")
struct EdgeCaseTests {
    let d = day("2025-03-31")

    @Test("no sales in the window: DSO, BPDSO, DSO-DELQ, TURN, ACP, WO-RATE are null NO_SALES")
    func noSales() {
        var ledger = Ledger()
        ledger.invoice("OLD", "2024-06-01", due: "2024-07-01", 1_000)
        let kpis = ledger.kpis()
        for value in [
            kpis.dsoStandard(asOf: self.d), kpis.bestPossibleDSO(asOf: self.d), kpis.delinquentDSO(asOf: self.d),
            kpis.turnover(over: WorkedExample.q1), kpis.averageCollectionPeriod(over: WorkedExample.q1),
            kpis.writeOffRate(over: WorkedExample.q1),
        ] {
            #expect(value.isNull && value.reason == .noSales)
        }
    }

    @Test("credit notes exceeding invoices in the window are no sales either")
    func negativeSales() {
        var ledger = Ledger()
        ledger.invoice("I", "2025-02-01", due: "2025-03-01", 1_000)
        ledger.credit("CN", .creditNote, "2025-03-01", 1_500)
        #expect(ledger.kpis().dsoStandard(asOf: self.d).reason == .noSales)
    }

    @Test("credit balance: DSO and countback give 0.0 CREDIT_BALANCE; AR exactly 0 too")
    func creditBalance() {
        var ledger = Ledger()
        ledger.invoice("I", "2025-03-01", due: "2025-03-31", 1_000)
        ledger.credit("P", .payment, "2025-03-10", 1_200)
        let kpis = ledger.kpis()
        let dso = kpis.dsoStandard(asOf: self.d)
        #expect(dso.display == "0.0" && dso.reason == .creditBalance)
        let countback = kpis.dsoCountback(asOf: self.d)
        #expect(countback.display == "0.0" && countback.reason == .creditBalance)
        // AR exactly 0 (§10.9).
        var zero = Ledger()
        zero.invoice("I", "2025-03-01", due: "2025-03-31", 1_000)
        zero.credit("P", .payment, "2025-03-10", 1_000)
        #expect(zero.kpis().dsoStandard(asOf: self.d).reason == .creditBalance)
        // Turnover: AVG ≤ 0 → null CREDIT_BALANCE.
        let turnover = kpis.turnover(over: WorkedExample.march)
        #expect(turnover.isNull && turnover.reason == .creditBalance)
    }

    @Test("sales ≤ 0 and AR ≤ 0 together: NO_SALES wins (§10.9)")
    func precedence() {
        var ledger = Ledger()
        ledger.credit("P", .payment, "2025-03-10", 100)
        #expect(ledger.kpis().dsoStandard(asOf: self.d).reason == .noSales)
        #expect(ledger.kpis().turnover(over: WorkedExample.q1).reason == .noSales)
    }

    @Test("delinquent DSO below zero is 0.0 CREDIT_BALANCE; BPDSO with nothing current is 0.0")
    func delinquentNegative() {
        var ledger = Ledger()
        ledger.invoice("OVERDUE", "2025-02-01", due: "2025-03-01", 1_000)
        ledger.invoice("CURRENT", "2025-03-20", due: "2025-04-19", 1_000)
        ledger.credit("P", .payment, "2025-03-25", 1_500)  // unapplied 1 500 > overdue 1 000
        let kpis = ledger.kpis()
        let delinquent = kpis.delinquentDSO(asOf: self.d)
        #expect(delinquent.display == "0.0" && delinquent.reason == .creditBalance)
        var noCurrent = Ledger()
        noCurrent.invoice("OVERDUE", "2025-02-01", due: "2025-03-01", 1_000)
        let bpdso = noCurrent.kpis().bestPossibleDSO(asOf: self.d)
        #expect(bpdso.display == "0.0" && bpdso.reason == nil)
    }

    @Test("countback: a month with negative sales counts as 0 and never increases what remains")
    func countbackNegativeMonth() {
        var ledger = Ledger()
        ledger.invoice("JAN", "2025-01-10", due: "2025-02-09", 3_100)
        ledger.invoice("MAR", "2025-03-10", due: "2025-04-09", 1_000)
        ledger.credit("CN", .creditNote, "2025-02-10", 500)  // February net −500
        // AR = 3 100 + 1 000 − 500 = 3 600. Mar 1 000 (31) → 2 600; Feb −500 → 0 (28), still 2 600;
        // Jan 3 100 ≥ 2 600 → 2 600 / 3 100 × 31 = 26: 31 + 28 + 26 = 85.
        let value = ledger.kpis().dsoCountback(asOf: self.d)
        #expect(value.exact == Rational(85) && value.flags.isEmpty)
        // The walk asks for the sales of the segments it visits only (March, February, January).
        let segments = ReceivablesFormulas.countbackSegments(asOf: self.d)
        let sales: [WideInt] = [1_000, -500, 3_100] + Array(repeating: 1_000_000, count: 21)
        var asked: [Int] = []
        let lazy = ReceivablesFormulas.countbackDSO(balance: 3_600, segments: segments) { index in
            asked.append(index)
            return sales[index]
        }
        #expect(lazy == value && asked == [0, 1, 2])
        #expect(ReceivablesFormulas.countbackDSO(balance: 3_600, segments: Array(zip(segments, sales)).map { (period: $0.0, sales: $0.1) }) == value)
    }

    @Test("countback is CAPPED after 24 segments (the partial month counting as one)")
    func countbackCapped() {
        var ledger = Ledger()
        ledger.invoice("ANCIENT", "2022-01-15", due: "2022-02-14", 10_000)
        ledger.invoice("RECENT", "2025-03-10", due: "2025-04-09", 100)
        // Mar 2025 … Apr 2023 = 24 segments; only March has sales (100 < AR 10 100).
        let value = ledger.kpis().dsoCountback(asOf: self.d)
        let days = ReceivablesFormulas.countbackSegments(asOf: self.d).reduce(0) { $0 + $1.length }
        #expect(ReceivablesFormulas.countbackSegments(asOf: self.d).count == 24)
        #expect(ReceivablesFormulas.countbackSegments(asOf: self.d).last?.start == day("2023-04-01"))
        #expect(value.exact == Rational(days) && value.flags == [.capped])
    }

    @Test("countback with a partial month of D: n₀ = day of month")
    func countbackPartialMonth() {
        var ledger = Ledger()
        ledger.invoice("I", "2025-03-05", due: "2025-04-04", 2_000)
        // D = 03-15: segment [03-01, 03-15] of 15 days with 2 000 of sales; AR 2 000 → 15.0.
        #expect(ledger.kpis().dsoCountback(asOf: day("2025-03-15")).exact == Rational(15))
    }

    @Test("zero denominators: CEI, REC-RATE, DBT, aged percentages, disputes, matching, on-time")
    func zeroDenominators() {
        let kpis = Ledger().kpis()
        #expect(kpis.collectionEffectiveness(over: WorkedExample.march).reason == .zeroDenominator)
        #expect(kpis.collectionRate(over: WorkedExample.march).reason == .zeroDenominator)
        #expect(kpis.daysBeyondTerms(asOf: self.d).reason == .noData)
        #expect(kpis.agedBalance(asOf: self.d).percentCurrent.reason == .noData)
        #expect(kpis.outstanding(asOf: self.d).riskPercent.reason == .noData)
        #expect(kpis.disputeResolutionRate(over: WorkedExample.q1).reason == .noData)
        #expect(kpis.disputeResolutionTime(over: WorkedExample.q1).reason == .noData)
        #expect(kpis.automaticMatchingRate(over: WorkedExample.q1).reason == .noData)
        #expect(kpis.onTime(over: WorkedExample.q1).reason == .noData)
        #expect(kpis.averageDaysDelinquent(over: WorkedExample.q1).reason == .noData)
        #expect(kpis.collectionDelay(over: WorkedExample.q1).reason == .noData)
        #expect(kpis.provisionRates(asOf: self.d).total.reason == .noData)
    }

    @Test("CEI may exceed 100 when unapplied cash makes E < EC; no invoices in P is fine")
    func ceiAbove100() {
        var ledger = Ledger()
        ledger.invoice("I", "2025-02-20", due: "2025-04-30", 1_000)  // not due at end of March
        ledger.credit("P", .payment, "2025-03-10", 600)  // unapplied
        // B 1 000, S 0, E 400, EC 1 000 → (1 000 − 400) / (1 000 − 1 000) → zero denominator.
        #expect(ledger.kpis().collectionEffectiveness(over: WorkedExample.march).reason == .zeroDenominator)
        ledger.invoice("J", "2025-01-10", due: "2025-02-09", 500)  // overdue
        // B 1 500, S 0, E 900, EC 1 000 → 600 / 500 = 120 %.
        #expect(ledger.kpis().collectionEffectiveness(over: WorkedExample.march).exact == Rational(120))
    }

    @Test("CEI at a D that is not a month end uses the month to date (§10.8)")
    func ceiMonthToDate() {
        let kpis = WorkedExample.kpis
        let mid = kpis.collectionEffectiveness(asOf: day("2025-03-20"))
        #expect(mid == kpis.collectionEffectiveness(over: period("2025-03-01", "2025-03-20")))
        // B 15 600, S (B3 9 600 + A3 2 400 − CN1 600) = 11 400, E = AR(03-20) = 21 600 + … computed exactly:
        let source = kpis.source
        let e = source.snapshot(at: day("2025-03-20"))
        let expected = Rational(
            WideInt(eur(15_600) + eur(11_400)) - e.balance,
            over: WideInt(eur(15_600) + eur(11_400)) - e.current
        )?.multiplied(by: 100)
        #expect(mid.exact == expected)
    }

    @Test("partial payments: only the open remainder weighs in DBT; ADD weighs the allocated part")
    func partialPayments() {
        var ledger = Ledger()
        ledger.invoice("I", "2025-01-01", due: "2025-01-31", 1_000)
        ledger.credit("P", .payment, "2025-02-10", 400)
        ledger.allocate("P", to: "I", 400)
        let kpis = ledger.kpis()
        let snapshot = kpis.source.snapshot(at: self.d)
        #expect(snapshot.overdue == WideInt(eur(600)))
        #expect(kpis.daysBeyondTerms(asOf: self.d).exact == Rational(59))  // 01-31 → 03-31
        #expect(kpis.averageDaysDelinquent(over: WorkedExample.q1).exact == Rational(10))
        // Not fully paid: not counted by AR-ONTIME.
        #expect(kpis.onTime(over: WorkedExample.q1).reason == .noData)
        // The last part late → the whole installment is late.
        ledger.credit("P2", .payment, "2025-03-05", 600)
        ledger.allocate("P2", to: "I", 600)
        let paid = ledger.kpis()
        #expect(paid.onTime(over: WorkedExample.q1).exact == .zero)
        #expect(paid.source.flow(over: WorkedExample.q1).paidAmount == WideInt(eur(1_000)))
    }

    @Test("prepayment before the invoice: eff = invoice date, so ADTP counts 0 days")
    func prepaymentBeforeInvoice() {
        var ledger = Ledger()
        ledger.credit("P", .payment, "2025-01-05", 1_000)
        ledger.invoice("I", "2025-01-20", due: "2025-02-19", 1_000)
        ledger.allocate("P", to: "I", 1_000)
        let kpis = ledger.kpis()
        #expect(kpis.averageDaysToPay(over: WorkedExample.q1).exact == .zero)
        // Before the invoice exists the payment is unapplied; after, nothing is open.
        #expect(kpis.source.snapshot(at: day("2025-01-10")).unapplied == WideInt(eur(1_000)))
        #expect(kpis.source.snapshot(at: day("2025-01-20")).balance == .zero)
        // Early payment: on time, and 0 in ADD while still in its denominator.
        #expect(kpis.onTime(over: WorkedExample.q1).exact == Rational(100))
        #expect(kpis.averageDaysDelinquent(over: WorkedExample.q1).exact == .zero)
        #expect(kpis.paymentDelay(over: WorkedExample.q1).exact == Rational(-30))
    }

    @Test("4191 prepayments are not unapplied credits unless the firm says so (§6.3); allocated, they are cash")
    func prepaymentDocuments() {
        var ledger = Ledger()
        ledger.invoice("I", "2025-03-01", due: "2025-03-31", 1_000)
        ledger.credit("ACOMPTE", .prepayment, "2025-02-01", 300)
        ledger.credit("ACOMPTE2", .prepayment, "2025-02-01", 200)
        ledger.allocate("ACOMPTE", to: "I", 300)
        let defaults = ledger.kpis().source.snapshot(at: self.d)
        #expect(defaults.balance == WideInt(eur(700)) && defaults.unapplied == .zero)
        var settings = KPISettings()
        settings.prepaymentsAsUnapplied = true
        let counted = ledger.kpis(settings: settings).source.snapshot(at: self.d)
        #expect(counted.balance == WideInt(eur(500)) && counted.unapplied == WideInt(eur(200)))
        #expect(ledger.kpis().source.flow(over: WorkedExample.q1).cashAllocated == WideInt(eur(300)))
    }

    @Test("credit-note-only settlements are excluded from ONTIME and payment timing")
    func creditNoteOnly() {
        var ledger = Ledger()
        ledger.invoice("I", "2025-01-01", due: "2025-01-31", 1_000)
        ledger.credit("CN", .creditNote, "2025-01-15", 1_000)
        ledger.allocate("CN", to: "I", 1_000)
        let kpis = ledger.kpis()
        #expect(kpis.onTime(over: WorkedExample.q1).reason == .noData)
        #expect(kpis.averageDaysToPay(over: WorkedExample.q1).reason == .noData)
    }

    @Test("an item due today is NOT_DUE; the day after it is overdue (1–30)")
    func dueToday() {
        var ledger = Ledger()
        ledger.invoice("I", "2025-03-01", due: "2025-03-31", 1_000)
        let kpis = ledger.kpis()
        #expect(kpis.source.snapshot(at: self.d).current == WideInt(eur(1_000)))
        #expect(kpis.source.snapshot(at: day("2025-04-01")).aged[1] == WideInt(eur(1_000)))
        // ONTIME grace: paid 2 days late is late by default, on time with a 2-day grace.
        ledger.credit("P", .payment, "2025-04-02", 1_000)
        ledger.allocate("P", to: "I", 1_000)
        let april = period("2025-04-01", "2025-04-30")
        #expect(ledger.kpis().onTime(over: april).exact == .zero)
        var settings = KPISettings()
        settings.onTimeGraceDays = 2
        #expect(ledger.kpis(settings: settings).onTime(over: april).exact == Rational(100))
    }

    @Test("provisions: capped at the open HT, released when paid, ignored after release")
    func provisionCaps() {
        var ledger = Ledger()
        ledger.invoice("I", "2024-01-01", due: "2024-01-31", 1_200, ht: 1_000)
        ledger.invoice("PAID", "2024-01-01", due: "2024-01-31", 600, ht: 500)
        ledger.credit("P", .payment, "2024-06-01", 600)
        ledger.allocate("P", to: "PAID", 600)
        ledger.credit("PART", .payment, "2024-06-01", 600)
        ledger.allocate("PART", to: "I", 600)  // open 600 TTC → open HT 500
        ledger.provisions = [
            ProvisionFact(id: "PR1", installment: "I", amountHT: eur(800), date: day("2024-12-31")),
            ProvisionFact(id: "PR2", installment: "PAID", amountHT: eur(250), date: day("2024-12-31")),
            ProvisionFact(
                id: "PR3",
                installment: "I",
                amountHT: eur(100),
                date: day("2024-12-31"),
                releasedOn: day("2025-01-15")
            ),
        ]
        let rates = ledger.kpis().provisionRates(asOf: self.d)
        #expect(rates.provisionByBucket[5] == WideInt(eur(500)) && rates.byBucket[5].exact == Rational(100))
        #expect(rates.toRelease == WideInt(eur(250)))
        #expect(ledger.kpis().source.snapshot(at: self.d).provisionAboveOpen == WideInt(eur(300)))
        // Suggested provision with a 25 % grid on >120: 500 × 0.25 = 125.00.
        var settings = KPISettings()
        settings.provisionGridBasisPoints = [0, 0, 0, 0, 0, 2_500]
        #expect(ledger.kpis(settings: settings).provisionRates(asOf: self.d).suggested == .cents(WideInt(eur(125))))
    }

    @Test("open HT is rounded once per item, half away from zero, in cents")
    func openHTRounding() {
        var ledger = Ledger()
        // 1.00 TTC with 0.83 HT, half paid (0.50 open): 0.50 × 83 / 100 = 0.415 → 0.42.
        ledger.installments = [
            InstallmentFact(
                id: "I",
                client: "X",
                invoiceDate: day("2025-03-01"),
                dueDate: day("2025-04-01"),
                amount: 100,
                amountHT: 83
            )
        ]
        ledger.credits = [CreditFact(id: "P", client: "X", kind: .payment, date: day("2025-03-02"), amount: 50)]
        ledger.allocations = [
            AllocationFact(id: "L", source: "P", target: "I", amount: 50, recordedOn: day("2025-03-02"))
        ]
        #expect(ledger.kpis().source.snapshot(at: self.d).openHTByBucket[0] == WideInt(42))
    }

    @Test("doubtful clients stay in DSO by default; the firm setting excludes them (§6.2)")
    func doubtful() {
        var ledger = Ledger(clients: [ClientFact(id: "X"), ClientFact(id: "Y", doubtful: true)])
        ledger.invoice("I", client: "X", "2025-03-01", due: "2025-03-31", 1_000)
        ledger.invoice("J", client: "Y", "2025-03-01", due: "2025-03-31", 1_000)
        #expect(ledger.kpis().dsoStandard(asOf: self.d).exact == Rational(90))
        var settings = KPISettings()
        settings.excludeDoubtfulFromDSO = true
        #expect(ledger.kpis(settings: settings).dsoStandard(asOf: self.d).exact == Rational(45))
        // A doubtful client's items are at risk and not forecast.
        #expect(ledger.kpis().outstanding(asOf: self.d).risk == .cents(WideInt(eur(1_000))))
        #expect(ledger.kpis().forecast(asOf: self.d).notForecastDoubtful == WideInt(eur(1_000)))
    }

    @Test("risk counts an item once even when several rules apply; credit limit uses the client's AR")
    func riskOnce() {
        var ledger = Ledger(clients: [ClientFact(id: "X", creditLimit: eur(500), doubtful: true)])
        ledger.invoice("I", "2024-01-01", due: "2024-01-31", 1_000)
        ledger.disputes = [DisputeFact(id: "D", installment: "I", openedOn: day("2024-02-01"))]
        #expect(ledger.kpis().outstanding(asOf: self.d).risk == .cents(WideInt(eur(1_000))))
        // Under the limit thanks to an unapplied payment: not at risk for the limit rule.
        var limit = Ledger(clients: [ClientFact(id: "X", creditLimit: eur(500))])
        limit.invoice("I", "2025-03-01", due: "2025-04-30", 1_000)
        limit.credit("P", .payment, "2025-03-10", 600)
        #expect(limit.kpis().outstanding(asOf: self.d).risk == .cents(.zero))
    }

    @Test("off-ledger exposure adds to ENC-REAL while in force")
    func offLedger() {
        var ledger = Ledger()
        ledger.invoice("I", "2025-03-01", due: "2025-03-31", 1_000)
        ledger.exposures = [
            OffLedgerExposureFact(
                id: "E",
                client: "X",
                date: day("2025-03-01"),
                amount: eur(300),
                endsOn: day("2025-04-15")
            )
        ]
        let kpis = ledger.kpis()
        #expect(kpis.outstanding(asOf: self.d).real == .cents(WideInt(eur(1_300))))
        #expect(kpis.outstanding(asOf: day("2025-04-15")).real == .cents(WideInt(eur(1_000))))
    }

    @Test("write-offs stay in the collection-rate base (a failure to collect)")
    func writeOffInBase() {
        var ledger = Ledger()
        ledger.invoice("I", "2025-01-01", due: "2025-01-31", 1_000)
        ledger.credit("WO", .writeOff, "2025-03-10", 1_000)
        ledger.allocate("WO", to: "I", 1_000)
        let parts = ledger.kpis().source.collectionRate(over: WorkedExample.march)
        #expect(parts.collectible == WideInt(eur(1_000)) && parts.collected == .zero)
        #expect(ledger.kpis().collectionRate(over: WorkedExample.march).exact == .zero)
    }

    @Test("PARTIAL_HISTORY when a window, countback or trend reaches before the first data date (§10.7)")
    func partialHistory() {
        let first = day("2025-01-15")
        let kpis = ReceivablesKPI(source: WorkedExample.kpis.source, context: KPIContext(firstDataDate: first))
        // The 90-day window starts 2025-01-01 < 2025-01-15: still computed, flagged.
        let dso = kpis.dsoStandard(asOf: self.d)
        #expect(dso.flags == [.partialHistory] && dso.display == "81.4")
        #expect(kpis.dsoStandard(asOf: self.d, period: WorkedExample.march).flags.isEmpty)
        // The countback stops in January, whose segment starts before the first data date.
        #expect(kpis.dsoCountback(asOf: self.d).flags == [.partialHistory])
        let early = ReceivablesKPI(
            source: WorkedExample.kpis.source,
            context: KPIContext(firstDataDate: day("2025-01-01"))
        )
        #expect(early.dsoCountback(asOf: self.d).flags.isEmpty)
        // Trend: D⁻ = 2025-01-15 is not before the first date; D⁻ = 2025-01-14 is.
        #expect(kpis.trend(asOf: day("2025-02-15")) { kpis.daysBeyondTerms(asOf: $0) }.flags.isEmpty)
        #expect(kpis.trend(asOf: day("2025-02-14")) { kpis.daysBeyondTerms(asOf: $0) }.flags == [.partialHistory])
        #expect(kpis.collectionEffectiveness(over: period("2025-01-01", "2025-01-31")).flags == [.partialHistory])
    }
}
