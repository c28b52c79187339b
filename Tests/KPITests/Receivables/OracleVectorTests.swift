import KPI
import Testing
import Wire

/// One row of the oracle vector of kpi-definitions §5: how to compute it, the exact rational
/// and the returned (rounded) value.
struct OracleRow: Sendable, CustomTestStringConvertible {
    let name: String
    let exact: Rational?
    let display: String?
    let reason: KPIReason?
    let compute: @Sendable () -> KPIValue

    var testDescription: String { self.name }

    init(
        _ name: String,
        _ exact: (Int128, Int128)?,
        _ display: String?,
        reason: KPIReason? = nil,
        _ compute: @escaping @Sendable () -> KPIValue
    ) {
        self.name = name
        self.exact = exact.flatMap { Rational($0.0, $0.1) }
        self.display = display
        self.reason = reason
        self.compute = compute
    }
}

@Suite("Oracle vector of kpi-definitions §5 (D = 2025-03-31)")
struct OracleVectorTests {
    static let kpis = WorkedExample.kpis
    static let d = WorkedExample.asOf
    static let q1 = WorkedExample.q1

    static let rows: [OracleRow] = [
        // 21 700 / 24 000 × 90 = 81.375
        OracleRow("AR-DSO-STD", (651, 8), "81.4") { kpis.dsoStandard(asOf: d) },
        // 31 + 28 + 2 500 / 4 800 × 31 = 3 607 / 48 = 75.14583…
        OracleRow("AR-DSO-CB", (3607, 48), "75.1") { kpis.dsoCountback(asOf: d) },
        // 11 400 / 24 000 × 90 = 42.75
        OracleRow("AR-BPDSO", (171, 4), "42.8") { kpis.bestPossibleDSO(asOf: d) },
        // 10 300 / 24 000 × 90 = 38.625
        OracleRow("AR-DSO-DELQ", (309, 8), "38.6") { kpis.delinquentDSO(asOf: d) },
        // 81.375 − 93.6 = −12.225
        OracleRow("AR-DSO-TREND", (-489, 40), "-12.2") { kpis.trend(asOf: d) { kpis.dsoStandard(asOf: $0) } },
        // 5 300 / 15 600 × 100
        OracleRow("AR-CEI March", (1325, 39), "34.0") { kpis.collectionEffectiveness(over: WorkedExample.march) },
        // 3 000 / 10 800 × 100
        OracleRow("AR-CEI February", (250, 9), "27.8") { kpis.collectionEffectiveness(over: WorkedExample.february) },
        // 1 325/39 − 250/9 = 725/117 = 6.1965…
        OracleRow("AR-CEI-TREND", (725, 117), "6.2") {
            kpis.monthlyTrend(month: d) { kpis.collectionEffectiveness(over: $0) }
        },
        // 1 044 000 / 10 800
        OracleRow("AR-DBT", (290, 3), "96.7") { kpis.daysBeyondTerms(asOf: d) },
        // 123 600 / 11 400
        OracleRow("AR-ADD", (206, 19), "10.8") { kpis.averageDaysDelinquent(over: q1) },
        // 120 000 / 11 400
        OracleRow("AR-PAYDELAY", (200, 19), "10.5") { kpis.paymentDelay(over: q1) },
        // 462 000 / 11 400
        OracleRow("AR-ADTP all", (770, 19), "40.5") { kpis.averageDaysToPay(over: q1) },
        // 132 000 / 3 000
        OracleRow("AR-ADTP A", (44, 1), "44.0") { WorkedExample.client("A").averageDaysToPay(over: q1) },
        // 330 000 / 8 400
        OracleRow("AR-ADTP B", (275, 7), "39.3") { WorkedExample.client("B").averageDaysToPay(over: q1) },
        OracleRow("AR-ADTP C", nil, nil, reason: .noData) { WorkedExample.client("C").averageDaysToPay(over: q1) },
        // 2 / 4
        OracleRow("AR-ONTIME", (50, 1), "50.0") { kpis.onTime(over: q1) },
        // 3 600 / 9 600
        OracleRow("AR-ONTIME-AMT", (75, 2), "37.5") { kpis.onTimeAmount(over: q1) },
        // 24 000 / 15 650
        OracleRow("AR-TURN", (480, 313), "1.53") { kpis.turnover(over: q1) },
        // 15 650 / 24 000 × 90
        OracleRow("AR-ACP", (939, 16), "58.7") { kpis.averageCollectionPeriod(over: q1) },
        // 11 400 / 22 200
        OracleRow("AR-AGED-PCTCUR", (1900, 37), "51.4") { kpis.agedBalance(asOf: d).percentCurrent },
        // 6 000 / 22 200
        OracleRow("AR-AGED-PCT90", (1000, 37), "27.0") { kpis.agedBalance(asOf: d).percentOver90 },
        OracleRow("AR-ENC-RISK", (960_000, 1), "960000") { kpis.outstanding(asOf: d).risk },
        // 9 600 / 22 200
        OracleRow("AR-ENC-RISK-PCT", (1600, 37), "43.2") { kpis.outstanding(asOf: d).riskPercent },
        // 4 800 / 15 600
        OracleRow("AR-REC-RATE March", (400, 13), "30.8") { kpis.collectionRate(over: WorkedExample.march) },
        // 123 600 / 7 800
        OracleRow("AR-REC-DELAY", (206, 13), "15.8") { kpis.collectionDelay(over: q1) },
        // 2 / 3
        OracleRow("AR-DSP-RATE", (200, 3), "66.7") { kpis.disputeResolutionRate(over: q1) },
        // (13 + 3) / 2
        OracleRow("AR-DSP-TIME", (8, 1), "8.0") { kpis.disputeResolutionTime(over: q1) },
        // 6 000 / 22 200
        OracleRow("AR-DSP-SHARE", (1000, 37), "27.0") { kpis.outstanding(asOf: d).disputedPercent },
        // 2 500 / 5 000
        OracleRow("AR-PROV-RATE >120", (50, 1), "50.0") { kpis.provisionRates(asOf: d).byBucket[5] },
        // 2 500 / 18 500
        OracleRow("AR-PROV-RATE total", (500, 37), "13.5") { kpis.provisionRates(asOf: d).total },
        // 3 / 6
        OracleRow("AR-MATCH-AUTO", (50, 1), "50.0") { kpis.automaticMatchingRate(over: q1) },
        // 4 800 / 12 000
        OracleRow("AR-MATCH-AUTO-AMT", (40, 1), "40.0") { kpis.automaticMatchingAmountRate(over: q1) },
        OracleRow("AR-FCST April 2025", (1_620_000, 1), "1620000") {
            let april = kpis.forecast(asOf: d, grain: .month).buckets.first { $0.label == "2025-04" }
            return .cents(april?.amount ?? .zero)
        },
    ]

    @Test("exact and returned value", arguments: rows)
    func row(_ row: OracleRow) {
        let value = row.compute()
        #expect(value.exact == row.exact, "exact of \(row.name)")
        #expect(value.display == row.display, "display of \(row.name)")
        #expect(value.reason == row.reason, "reason of \(row.name)")
        #expect(value.flags.isEmpty, "flags of \(row.name)")
    }
}
