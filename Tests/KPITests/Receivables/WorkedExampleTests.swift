import KPI
import Testing
import Wire

/// Every worked example of kpi-definitions §3 and §4 beyond the §5 vector.
@Suite("Worked examples of §3–§4")
struct WorkedExampleTests {
    let kpis = WorkedExample.kpis
    let d = WorkedExample.asOf

    @Test("derived quantities at D (§3)")
    func derived() {
        let snapshot = self.kpis.source.snapshot(at: self.d)
        #expect(snapshot.balance == WideInt(eur(21_700)))
        #expect(snapshot.current == WideInt(eur(11_400)))
        #expect(snapshot.unapplied == WideInt(eur(500)))
        #expect(self.kpis.source.flow(over: WorkedExample.q1).sales == WideInt(eur(24_000)))
        #expect(self.kpis.source.flow(over: WorkedExample.q1).invoiced == WideInt(eur(24_600)))
        #expect(self.kpis.source.snapshot(at: day("2024-12-31")).balance == WideInt(eur(9_600)))
        #expect(self.kpis.source.snapshot(at: day("2025-01-31")).balance == WideInt(eur(10_800)))
        #expect(self.kpis.source.snapshot(at: day("2025-02-28")).balance == WideInt(eur(15_600)))
        let months = [
            "2024-10": 6_000, "2024-11": 1_200, "2024-12": 2_400, "2025-01": 4_800, "2025-02": 7_800, "2025-03": 11_400,
        ]
        let sales = MonthlySales.sum(
            WorkedExample.portfolio.clients.map {
                ReceivablesPartsCalculator($0, settings: KPISettings()).monthlySales(through: self.d)
            }
        )
        for (month, euros) in months {
            #expect(sales.sales(monthIndex: day(month + "-01").monthIndex) == WideInt(eur(Int64(euros))), "\(month)")
        }
        #expect(sales.byMonth.count == 6)
        // Open items and their days past due: C1 151, A2 45, C2 19, B3 −4, A3 −9.
        #expect(snapshot.openItems == 5 && snapshot.overdueItems == 3 && snapshot.unappliedItems == 1)
        #expect(snapshot.overdueDaysWeighted == WideInt(eur(6_000) * 151 + eur(1_800) * 45 + eur(3_000) * 19))
    }

    @Test("per-client DSO: A 60.0, B 52.5, C 270.0; the portfolio is 81.4, not their mean")
    func perClientDSO() {
        #expect(WorkedExample.client("A").dsoStandard(asOf: self.d).display == "60.0")
        #expect(WorkedExample.client("B").dsoStandard(asOf: self.d).display == "52.5")
        #expect(WorkedExample.client("C").dsoStandard(asOf: self.d).display == "270.0")
        #expect(self.kpis.dsoStandard(asOf: self.d).display == "81.4")
    }

    @Test("an explicit period is the window: W = P, L = len(P)")
    func explicitPeriod() {
        // Q1 given explicitly: same as the default 90-day window ending 2025-03-31.
        #expect(self.kpis.dsoStandard(asOf: self.d, period: WorkedExample.q1) == self.kpis.dsoStandard(asOf: self.d))
        // March alone: 21 700 / 11 400 × 31 = 59.008… → 59.0
        #expect(self.kpis.dsoStandard(asOf: self.d, period: WorkedExample.march).exact == Rational(21_700 * 31, 11_400))
    }

    @Test("countback for client C alone: 182.0 days")
    func countbackC() {
        // AR 9 000; Mar 0 (31), Feb 3 000 (28) → 6 000 left, Jan 0 (31), Dec 0 (31), Nov 0 (30),
        // Oct 6 000 ≥ 6 000 → 31: 31 + 28 + 31 + 31 + 30 + 31 = 182.
        let value = WorkedExample.client("C").dsoCountback(asOf: self.d)
        #expect(value.exact == Rational(182) && value.display == "182.0")
    }

    @Test("countback from a monthly sales vector equals countback from flows")
    func countbackVector() {
        let sales = MonthlySales.sum(
            WorkedExample.portfolio.clients.map {
                ReceivablesPartsCalculator($0, settings: KPISettings()).monthlySales(through: self.d)
            }
        )
        #expect(self.kpis.dsoCountback(asOf: self.d, monthlySales: sales) == self.kpis.dsoCountback(asOf: self.d))
    }

    @Test("trend example: DSO at 2025-02-28 is 93.6 (AR 15 600, sales 15 000), trend −12.2")
    func trendExample() {
        let february = self.kpis.dsoStandard(asOf: day("2025-02-28"))
        #expect(self.kpis.dsoWindow(asOf: day("2025-02-28")) == period("2024-12-01", "2025-02-28"))
        #expect(february.exact == Rational(468, 5) && february.display == "93.6")
        #expect(self.kpis.trend(asOf: self.d) { self.kpis.dsoStandard(asOf: $0) }.display == "-12.2")
    }

    @Test("CEI components for March and February")
    func ceiComponents() {
        let source = self.kpis.source
        // March: B 15 600, S 11 400, E 21 700, EC 11 400.
        #expect(source.snapshot(at: day("2025-02-28")).balance == WideInt(eur(15_600)))
        #expect(source.flow(over: WorkedExample.march).sales == WideInt(eur(11_400)))
        #expect(source.snapshot(at: self.d).current == WideInt(eur(11_400)))
        // February: B 10 800, S 7 800, E 15 600, EC 7 800.
        #expect(source.snapshot(at: day("2025-01-31")).balance == WideInt(eur(10_800)))
        #expect(source.flow(over: WorkedExample.february).sales == WideInt(eur(7_800)))
        #expect(source.snapshot(at: day("2025-02-28")).current == WideInt(eur(7_800)))
        // At a month end, CEI at D is the calendar month.
        #expect(
            self.kpis.collectionEffectiveness(asOf: self.d)
                == self.kpis.collectionEffectiveness(over: WorkedExample.march)
        )
        // Check identity: B + S − E = cash received (net of refunds) + write-offs + adjustments in P.
        #expect(source.flow(over: WorkedExample.march).actual == WideInt(eur(5_300)))
    }

    @Test("aged balance at 2025-03-31")
    func agedBalance() {
        let aged = self.kpis.agedBalance(asOf: self.d)
        #expect(aged.buckets.map(\.label) == ["NOT_DUE", "1-30", "31-60", "61-90", "91-120", ">120"])
        #expect(aged.buckets.map(\.amount) == [11_400, 3_000, 1_800, 0, 0, 6_000].map { WideInt(eur($0)) })
        #expect(aged.unapplied == WideInt(eur(-500)))
        #expect(aged.gross == WideInt(eur(22_200)) && aged.net == WideInt(eur(21_700)))
    }

    @Test("outstanding (encours) table")
    func outstanding() {
        let encours = self.kpis.outstanding(asOf: self.d)
        #expect(encours.gross == .cents(WideInt(eur(22_200))))
        #expect(encours.overdue == .cents(WideInt(eur(10_800))))
        #expect(encours.notDue == .cents(WideInt(eur(11_400))))
        #expect(encours.unapplied == .cents(WideInt(eur(-500))))
        #expect(encours.net == .cents(WideInt(eur(21_700))))
        // No off-ledger exposure was sent: REAL = NET and the reply says so.
        #expect(encours.real.exact == Rational(WideInt(eur(21_700))) && encours.real.flags == [.noOffLedgerData])
        #expect(encours.risk == .cents(WideInt(eur(9_600))))
        #expect(encours.disputed == .cents(WideInt(eur(6_000))))
    }

    @Test("per-bucket provision rates and open HT")
    func provisions() {
        let rates = self.kpis.provisionRates(asOf: self.d)
        #expect(rates.openHTByBucket == [9_500, 2_500, 1_500, 0, 0, 5_000].map { WideInt(eur($0)) })
        #expect(rates.byBucket.map(\.display) == ["0.0", "0.0", "0.0", nil, nil, "50.0"])
        #expect(rates.byBucket[3].reason == .noData)
        #expect(rates.toRelease == .zero)
        #expect(rates.suggested == .cents(.zero))
    }

    @Test("cash-collection forecast: client delays, expected dates and the April total")
    func forecast() throws {
        let delays = ReceivablesPartsCalculator(WorkedExample.portfolio.clients, settings: KPISettings())
            .forecastDelays(asOf: self.d)
        // A = (1 200 × 26 + 1 800 × 6) / 3 000 = 14.0; B = (0 − 3 600 + 81 600) / 8 400 = 9.29 → 9; C: none.
        #expect(delays["A"] == .some(14) && delays["B"] == .some(9) && delays["C"] == .some(nil))
        let daily = self.kpis.forecast(asOf: self.d, grain: .day)
        // C falls back to the portfolio delay 120 000 / 11 400 = 10.53 → 11.
        #expect(daily.portfolioDelay == 11)
        let expected: [String: Int64] = ["2025-04-01": 4_800, "2025-04-13": 9_600, "2025-04-23": 1_800]
        let nonZero = daily.buckets.filter { $0.amount != .zero }
        #expect(
            Dictionary(uniqueKeysWithValues: nonZero.map { ($0.label, $0.amount) })
                == expected.mapValues { WideInt(eur($0)) }
        )
        #expect(daily.buckets.count == 90 && daily.later == .zero)
        #expect(daily.notForecastDisputed == WideInt(eur(6_000)) && daily.unapplied == WideInt(eur(-500)))
        let monthly = self.kpis.forecast(asOf: self.d, grain: .month)
        #expect(monthly.buckets.map(\.label) == ["2025-04", "2025-05", "2025-06"])
        #expect(monthly.buckets.last?.period.end == day("2025-06-29"))
        #expect(monthly.totalInHorizon == WideInt(eur(16_200)))
    }

    @Test("12-month widget with the k€ ceiling")
    func widget() {
        let rows = self.kpis.revenueAndPayments(asOf: self.d)
        #expect(
            rows.count == 12 && rows.first?.month.start == day("2024-04-01") && rows.last?.month == WorkedExample.march
        )
        let table = rows.suffix(6).map { [$0.revenue, $0.expected, $0.actual].map { $0.value / 100 } }
        #expect(
            table == [
                [6_000, 6_000, 0], [1_200, 0, 0], [2_400, 1_200, 0], [4_800, 2_400, 3_600], [7_800, 4_800, 3_000],
                [11_400, 7_200, 5_300],
            ]
        )
        let kilo = rows.suffix(6).map { [$0.revenueKiloEuros, $0.expectedKiloEuros, $0.actualKiloEuros] }
        #expect(kilo == [[6, 6, 0], [2, 0, 0], [3, 2, 0], [5, 3, 4], [8, 5, 3], [12, 8, 6]])
        #expect(rows.prefix(6).allSatisfy { $0.revenue == .zero && $0.expected == .zero && $0.actual == .zero })
    }

    @Test("widget: a month whose credit notes exceed its invoices shows −1 500.00 € as −1 k€")
    func widgetNegative() {
        var ledger = Ledger()
        ledger.invoice("I1", "2025-01-10", due: "2025-02-09", 1_000)
        ledger.credit("CN", .creditNote, "2025-02-05", 1_500)
        let rows = ledger.kpis().revenueAndPayments(asOf: day("2025-02-28"))
        #expect(rows.last?.revenue == WideInt(eur(-1_500)) && rows.last?.revenueKiloEuros == -1)
        // EXPECTED of February: invoice due 02-09 (1 000) − credit note (1 500) = −500 → 0 k€.
        #expect(rows.last?.expected == WideInt(eur(-500)) && rows.last?.expectedKiloEuros == 0)
    }

    @Test("write-offs: Q1 has none (0.00, 0.0 %); a 1 200 write-off on 24 000 sales is 5.0 %")
    func writeOffs() {
        #expect(self.kpis.writeOffAmount(over: WorkedExample.q1) == .cents(.zero))
        #expect(self.kpis.writeOffRate(over: WorkedExample.q1).display == "0.0")
        var ledger = Ledger()
        ledger.invoice("I1", "2025-01-10", due: "2025-02-09", 24_000)
        ledger.credit("WO", .writeOff, "2025-03-01", 1_200)
        ledger.allocate("WO", to: "I1", 1_200)
        let kpis = ledger.kpis()
        #expect(kpis.writeOffAmount(over: WorkedExample.q1) == .cents(WideInt(eur(1_200))))
        #expect(kpis.writeOffRate(over: WorkedExample.q1).display == "5.0")
    }

    @Test("collection rate base for March: C1 + A2 + B2 + C2 = 15 600")
    func collectionRateBase() {
        let parts = self.kpis.source.collectionRate(over: WorkedExample.march)
        #expect(parts.collectible == WideInt(eur(15_600)) && parts.collected == WideInt(eur(4_800)))
    }

    @Test("DBT and DSO trends use unrounded operands")
    func otherTrends() {
        // DBT at 2025-02-28: C1 6 000 × 120 + A2 1 800 × 14 = 745 200 / 7 800.
        let february = self.kpis.daysBeyondTerms(asOf: day("2025-02-28"))
        #expect(february.exact == Rational(WideInt(eur(6_000) * 120 + eur(1_800) * 14), over: WideInt(eur(7_800))))
        let trend = self.kpis.trend(asOf: self.d) { self.kpis.daysBeyondTerms(asOf: $0) }
        #expect(trend.exact == Rational(290, 3)?.subtracting(february.exact ?? .zero))
    }
}
