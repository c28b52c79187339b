/// The per-firm choices of kpi-definitions §6 and §7, with the documented defaults.
///
/// Settings that shape **parts** (ageing boundaries, risk days, grace, prepayments, forecast
/// and inactivity parameters) are summarised by ``partsFingerprint``: parts computed under
/// different fingerprints must not be merged, so the worker stores the fingerprint with each
/// partition and recomputes everything when it changes. The others (DSO window, doubtful
/// exclusion, provision grid) only enter formulas.
public struct KPISettings: Hashable, Sendable, Codable {
    /// Fiscal calendar of the firm (default: calendar year).
    public var fiscalCalendar: FiscalCalendar
    /// Rolling window of the DSO family, days (default 90).
    public var dsoWindowDays: Int
    /// Exclude doubtful clients' receivables from the DSO numerators (default false, §6.2).
    public var excludeDoubtfulFromDSO: Bool
    /// Count unallocated 4191 prepayments as unapplied credits (default false, §6.3).
    public var prepaymentsAsUnapplied: Bool
    /// Ageing boundaries, strictly increasing positive days (default [30, 60, 90, 120]).
    public var agedBucketBoundaries: [Int]
    /// AR-ENC-RISK: days past due beyond which an item is at risk (default 90).
    public var riskDaysPastDue: Int
    /// AR-ONTIME grace days (default 0).
    public var onTimeGraceDays: Int
    /// AR-FCST: N most recent settled installments per client (default 12).
    public var forecastHistoryInstallments: Int
    /// AR-FCST: M distinct installments needed for a client's own delay (default 2).
    public var forecastMinimumInstallments: Int
    /// AR-FCST: horizon after D, days (default 90).
    public var forecastHorizonDays: Int
    /// AR-FCST: items with more days past due are not forecast (default 365).
    public var forecastMaxDaysPastDue: Int
    /// AR-FCST: payment history lookback, days (365 in the contract).
    public var forecastLookbackDays: Int
    /// AR-PROV-GRID: rate per ageing bucket in basis points, NOT_DUE first (default all 0).
    public var provisionGridBasisPoints: [Int]
    /// PR-INACTIVE window W, days (default 30); PR-DECLINING compares [D−W+1, D] with six
    /// W-day blocks before it.
    public var inactivityDays: Int
    /// PR-DECLINING threshold, % of the client's baseline (default 50).
    public var decliningRatioPercent: Int
    /// PR-DECLINING minimum baseline average per window (default 4 documents).
    public var decliningMinimumDocuments: Int

    /// The defaults of the contract.
    public init() {
        self.fiscalCalendar = .calendarYear
        self.dsoWindowDays = 90
        self.excludeDoubtfulFromDSO = false
        self.prepaymentsAsUnapplied = false
        self.agedBucketBoundaries = [30, 60, 90, 120]
        self.riskDaysPastDue = 90
        self.onTimeGraceDays = 0
        self.forecastHistoryInstallments = 12
        self.forecastMinimumInstallments = 2
        self.forecastHorizonDays = 90
        self.forecastMaxDaysPastDue = 365
        self.forecastLookbackDays = 365
        self.provisionGridBasisPoints = [0, 0, 0, 0, 0, 0]
        self.inactivityDays = 30
        self.decliningRatioPercent = 50
        self.decliningMinimumDocuments = 4
    }

    /// Number of ageing buckets: NOT_DUE + one per boundary + the last open-ended one.
    public var agedBucketCount: Int {
        self.agedBucketBoundaries.count + 2
    }

    /// Checks every value; throws `invalidSettings` naming the first bad one.
    public func validate() throws {
        func fail(_ message: String) -> KPIError {
            KPIError(code: .invalidSettings, message: message)
        }
        guard (1...3660).contains(self.dsoWindowDays) else {
            throw fail("dso_window_days must be 1…3660, got \(self.dsoWindowDays)")
        }
        guard !self.agedBucketBoundaries.isEmpty, self.agedBucketBoundaries.count <= 20,
            self.agedBucketBoundaries.allSatisfy({ $0 >= 1 && $0 <= 36_600 }),
            zip(self.agedBucketBoundaries, self.agedBucketBoundaries.dropFirst()).allSatisfy({ $0 < $1 })
        else {
            throw fail(
                "aged_bucket_boundaries must be 1–20 strictly increasing positive days, got \(self.agedBucketBoundaries)"
            )
        }
        guard (0...36_600).contains(self.riskDaysPastDue) else {
            throw fail("risk_days_past_due must be 0…36600, got \(self.riskDaysPastDue)")
        }
        guard (0...3660).contains(self.onTimeGraceDays) else {
            throw fail("on_time_grace_days must be 0…3660, got \(self.onTimeGraceDays)")
        }
        guard (1...1000).contains(self.forecastHistoryInstallments) else {
            throw fail("forecast_history_installments must be 1…1000, got \(self.forecastHistoryInstallments)")
        }
        guard (1...self.forecastHistoryInstallments).contains(self.forecastMinimumInstallments) else {
            throw fail(
                "forecast_minimum_installments must be 1…forecast_history_installments, got \(self.forecastMinimumInstallments)"
            )
        }
        guard (1...3660).contains(self.forecastHorizonDays) else {
            throw fail("forecast_horizon_days must be 1…3660, got \(self.forecastHorizonDays)")
        }
        guard (0...36_600).contains(self.forecastMaxDaysPastDue) else {
            throw fail("forecast_max_days_past_due must be 0…36600, got \(self.forecastMaxDaysPastDue)")
        }
        guard (1...3660).contains(self.forecastLookbackDays) else {
            throw fail("forecast_lookback_days must be 1…3660, got \(self.forecastLookbackDays)")
        }
        guard self.provisionGridBasisPoints.count == self.agedBucketCount,
            self.provisionGridBasisPoints.allSatisfy({ (0...10_000).contains($0) })
        else {
            throw fail(
                "provision_grid_basis_points needs \(self.agedBucketCount) rates of 0…10000, got \(self.provisionGridBasisPoints)"
            )
        }
        guard (1...366).contains(self.inactivityDays) else {
            throw fail("inactivity_days must be 1…366, got \(self.inactivityDays)")
        }
        guard (1...100).contains(self.decliningRatioPercent) else {
            throw fail("declining_ratio_percent must be 1…100, got \(self.decliningRatioPercent)")
        }
        guard (0...1_000_000).contains(self.decliningMinimumDocuments) else {
            throw fail("declining_minimum_documents must be ≥ 0, got \(self.decliningMinimumDocuments)")
        }
    }

    /// A copy with every value forced into its valid range (invalid boundaries fall back to the
    /// defaults, the grid is padded or cut to the bucket count). Calculators and evaluators use
    /// it, so unvalidated settings can give odd numbers but never a trap; the gateway still
    /// rejects bad settings with ``validate()``.
    public var clamped: KPISettings {
        func clamp(_ value: Int, _ range: ClosedRange<Int>) -> Int {
            Swift.min(Swift.max(value, range.lowerBound), range.upperBound)
        }
        var copy = self
        copy.dsoWindowDays = clamp(self.dsoWindowDays, 1...3660)
        let boundaries = self.agedBucketBoundaries
        if boundaries.isEmpty || boundaries.count > 20 || !boundaries.allSatisfy({ $0 >= 1 && $0 <= 36_600 })
            || !zip(boundaries, boundaries.dropFirst()).allSatisfy({ $0 < $1 })
        {
            copy.agedBucketBoundaries = KPISettings().agedBucketBoundaries
        }
        copy.riskDaysPastDue = clamp(self.riskDaysPastDue, 0...36_600)
        copy.onTimeGraceDays = clamp(self.onTimeGraceDays, 0...3660)
        copy.forecastHistoryInstallments = clamp(self.forecastHistoryInstallments, 1...1000)
        copy.forecastMinimumInstallments = clamp(self.forecastMinimumInstallments, 1...copy.forecastHistoryInstallments)
        copy.forecastHorizonDays = clamp(self.forecastHorizonDays, 1...3660)
        copy.forecastMaxDaysPastDue = clamp(self.forecastMaxDaysPastDue, 0...36_600)
        copy.forecastLookbackDays = clamp(self.forecastLookbackDays, 1...3660)
        var grid = self.provisionGridBasisPoints.prefix(copy.agedBucketCount).map { clamp($0, 0...10_000) }
        grid += Array(repeating: 0, count: copy.agedBucketCount - grid.count)
        copy.provisionGridBasisPoints = grid
        copy.inactivityDays = clamp(self.inactivityDays, 1...366)
        copy.decliningRatioPercent = clamp(self.decliningRatioPercent, 1...100)
        copy.decliningMinimumDocuments = clamp(self.decliningMinimumDocuments, 0...1_000_000)
        return copy
    }

    /// A stable text naming every setting that shapes parts (see the type's comment).
    public var partsFingerprint: String {
        [
            "fy=\(self.fiscalCalendar.startMonth)-\(self.fiscalCalendar.startDay)",
            "prepay=\(self.prepaymentsAsUnapplied)",
            "aged=\(self.agedBucketBoundaries.map(String.init).joined(separator: ","))",
            "risk=\(self.riskDaysPastDue)",
            "grace=\(self.onTimeGraceDays)",
            "fcst=\(self.forecastHistoryInstallments),\(self.forecastMinimumInstallments),\(self.forecastMaxDaysPastDue),\(self.forecastLookbackDays)",
            "inactive=\(self.inactivityDays),\(self.decliningRatioPercent),\(self.decliningMinimumDocuments)",
        ].joined(separator: ";")
    }

    /// Index of the ageing bucket of an item with `daysPastDue` (0 = NOT_DUE, last = over the
    /// last boundary). Bucket `[lo, hi]` holds `lo ≤ dpd ≤ hi`.
    public func agedBucketIndex(daysPastDue: Int) -> Int {
        if daysPastDue <= 0 { return 0 }
        for (index, boundary) in self.agedBucketBoundaries.enumerated() where daysPastDue <= boundary {
            return index + 1
        }
        return self.agedBucketBoundaries.count + 1
    }

    /// Labels of the ageing buckets: `NOT_DUE`, `1-30`, `31-60`, …, `>120`.
    public var agedBucketLabels: [String] {
        var labels = ["NOT_DUE"]
        var low = 1
        for boundary in self.agedBucketBoundaries {
            labels.append("\(low)-\(boundary)")
            low = boundary + 1
        }
        labels.append(">\(self.agedBucketBoundaries.last ?? 0)")
        return labels
    }
}
