public import Wire

/// The final formulas of kpi-definitions §4, from merged additive values to a ``KPIValue``:
/// exact rational arithmetic, one rounding at the end, `null` and reasons exactly as specified.
///
/// They take plain sums so that parts from rollups (``ReceivablesKPI``) and the reference
/// computation from raw facts (``ReceivablesReference``) share the last step only.
public enum ReceivablesFormulas {
    /// `numerator / denominator × factor`, `nil` on overflow or zero denominator.
    static func ratio(_ numerator: WideInt, _ denominator: WideInt, times factor: Int) -> Rational? {
        Rational(numerator, over: denominator)?.multiplied(by: factor)
    }

    // MARK: - DSO family

    /// AR-DSO-STD = AR(D) / SALES(W) × L (days, R1). `SALES ≤ 0` → `null NO_SALES` (wins over a
    /// credit balance, §10.9); `AR ≤ 0` → `0.0 CREDIT_BALANCE`.
    public static func dsoStandard(
        balance: WideInt,
        sales: WideInt,
        windowDays: Int,
        flags: Set<KPIFlag> = []
    )
        -> KPIValue
    {
        guard sales > .zero else { return .null(.noSales, unit: .days, rounding: .r1, flags: flags) }
        guard balance > .zero else {
            return KPIValue(exact: .zero, unit: .days, rounding: .r1, reason: .creditBalance, flags: flags)
        }
        return .checked(self.ratio(balance, sales, times: windowDays), unit: .days, rounding: .r1, flags: flags)
    }

    /// AR-BPDSO = CUR(D) / SALES(W) × L (days, R1). `SALES ≤ 0` → `null NO_SALES`; CUR = 0 → 0.0.
    public static func bestPossibleDSO(
        current: WideInt,
        sales: WideInt,
        windowDays: Int,
        flags: Set<KPIFlag> = []
    )
        -> KPIValue
    {
        guard sales > .zero else { return .null(.noSales, unit: .days, rounding: .r1, flags: flags) }
        return .checked(self.ratio(current, sales, times: windowDays), unit: .days, rounding: .r1, flags: flags)
    }

    /// AR-DSO-DELQ = (AR − CUR) / SALES × L (days, R1). `SALES ≤ 0` → `null NO_SALES`; a negative
    /// value (unapplied credits above the overdue amount) → `0.0 CREDIT_BALANCE`.
    public static func delinquentDSO(
        balance: WideInt,
        current: WideInt,
        sales: WideInt,
        windowDays: Int,
        flags: Set<KPIFlag> = []
    ) -> KPIValue {
        guard sales > .zero else { return .null(.noSales, unit: .days, rounding: .r1, flags: flags) }
        let delinquent = balance - current
        guard delinquent >= .zero else {
            return KPIValue(exact: .zero, unit: .days, rounding: .r1, reason: .creditBalance, flags: flags)
        }
        return .checked(self.ratio(delinquent, sales, times: windowDays), unit: .days, rounding: .r1, flags: flags)
    }

    /// The countback segments at D, most recent first: `[first of D's month, D]`, then the
    /// previous full calendar months; 24 segments in all (the partial month counts as one, §10.7).
    public static func countbackSegments(asOf date: CalendarDate, count: Int = 24) -> [Period] {
        var segments = [Period.monthToDate(date)]
        var month = date.monthIndex
        while segments.count < count {
            month -= 1
            let first = CalendarDate.firstOfMonth(index: month)
            segments.append(Period.month(containing: first))
        }
        return segments
    }

    /// AR-DSO-CB, the countback algorithm of §4 on `segments` (most recent first) with their net
    /// sales. Negative monthly sales count as 0; months without sales add their full length; the
    /// walk stops after the given segments with flag `CAPPED` ("≥ value"). `AR ≤ 0` → `0.0
    /// CREDIT_BALANCE`. `PARTIAL_HISTORY` when a visited segment starts before `firstDataDate`.
    public static func countbackDSO(
        balance: WideInt,
        segments: [(period: Period, sales: WideInt)],
        firstDataDate: CalendarDate? = nil,
        flags: Set<KPIFlag> = []
    ) -> KPIValue {
        Self.countbackDSO(balance: balance, segments: segments.map(\.period), firstDataDate: firstDataDate, flags: flags) { segments[$0].sales }
    }

    /// ``countbackDSO(balance:segments:firstDataDate:flags:)`` with the net sales of segment `i`
    /// given by `sales(i)`, asked only for the segments the walk visits (a DSO of two months
    /// reads three of the 24 segments' flows).
    public static func countbackDSO(
        balance: WideInt,
        segments: [Period],
        firstDataDate: CalendarDate? = nil,
        flags: Set<KPIFlag> = [],
        sales: (Int) -> WideInt
    ) -> KPIValue {
        var flags = flags
        guard balance > .zero else {
            return KPIValue(exact: .zero, unit: .days, rounding: .r1, reason: .creditBalance, flags: flags)
        }
        var remaining = balance
        var days = Rational.zero
        for (index, period) in segments.enumerated() {
            let segment = (period: period, sales: sales(index))
            if let first = firstDataDate, segment.period.start < first { flags.insert(.partialHistory) }
            let sales = Swift.max(segment.sales, .zero)
            if sales > .zero && remaining <= sales {
                let fraction = Rational(remaining, over: sales)?.multiplied(by: segment.period.length)
                return .checked(fraction.flatMap { days.adding($0) }, unit: .days, rounding: .r1, flags: flags)
            }
            guard let next = days.adding(Rational(segment.period.length)) else {
                return .null(.overflow, unit: .days, rounding: .r1, flags: flags)
            }
            days = next
            remaining -= sales
        }
        flags.insert(.capped)
        return KPIValue(exact: days, unit: .days, rounding: .r1, flags: flags)
    }

    /// AR-…-TREND = K(D) − K(D⁻) from the unrounded values (R1, signed); `null` when either is
    /// (reason of the current value first). Flags of both values are kept.
    public static func trend(current: KPIValue, previous: KPIValue, flags: Set<KPIFlag> = []) -> KPIValue {
        let unit: KPIUnit = current.unit == .percent ? .percentagePoints : current.unit
        let allFlags = flags.union(current.flags).union(previous.flags)
        guard let now = current.exact, let before = previous.exact else {
            let reason = current.exact == nil ? (current.reason ?? .noData) : (previous.reason ?? .noData)
            return .null(reason, unit: unit, rounding: .r1, flags: allFlags)
        }
        return .checked(now.subtracting(before), unit: unit, rounding: .r1, flags: allFlags)
    }

    // MARK: - CEI, DBT, payment timing

    /// AR-CEI = (B + S − E) / (B + S − EC) × 100 (%, R1, unclamped). Denominator ≤ 0 →
    /// `null ZERO_DENOMINATOR`.
    public static func collectionEffectiveness(
        opening: WideInt,
        sales: WideInt,
        closing: WideInt,
        closingCurrent: WideInt,
        flags: Set<KPIFlag> = []
    ) -> KPIValue {
        let denominator = opening + sales - closingCurrent
        guard denominator > .zero else { return .null(.zeroDenominator, unit: .percent, rounding: .r1, flags: flags) }
        return .checked(
            self.ratio(opening + sales - closing, denominator, times: 100),
            unit: .percent,
            rounding: .r1,
            flags: flags
        )
    }

    /// AR-DBT = Σ open × dpd / Σ open over overdue items (days, R1); none → `null NO_DATA`.
    public static func daysBeyondTerms(
        overdueDaysWeighted: WideInt,
        overdue: WideInt,
        flags: Set<KPIFlag> = []
    ) -> KPIValue {
        guard overdue > .zero else { return .null(.noData, unit: .days, rounding: .r1, flags: flags) }
        return .checked(Rational(overdueDaysWeighted, over: overdue), unit: .days, rounding: .r1, flags: flags)
    }

    /// A weighted average of days (AR-ADD, AR-PAYDELAY, AR-ADTP, AR-REC-DELAY, AR-DSP-TIME):
    /// `weighted / weight` (days, R1); weight ≤ 0 → `null NO_DATA`.
    public static func weightedDays(_ weighted: WideInt, over weight: WideInt, flags: Set<KPIFlag> = []) -> KPIValue {
        guard weight > .zero else { return .null(.noData, unit: .days, rounding: .r1, flags: flags) }
        return .checked(Rational(weighted, over: weight), unit: .days, rounding: .r1, flags: flags)
    }

    /// A share in percent `part / whole × 100` (R1); whole ≤ 0 → `null` with `reason`.
    public static func percent(
        _ part: WideInt,
        of whole: WideInt,
        reasonWhenEmpty reason: KPIReason = .noData,
        flags: Set<KPIFlag> = []
    ) -> KPIValue {
        guard whole > .zero else { return .null(reason, unit: .percent, rounding: .r1, flags: flags) }
        return .checked(self.ratio(part, whole, times: 100), unit: .percent, rounding: .r1, flags: flags)
    }

    // MARK: - Turnover

    /// AR-TURN = SALES(P) / AVG with AVG = (AR(s − 1) + AR(e)) / 2 (ratio, R2).
    /// `SALES ≤ 0` → `null NO_SALES` (first, §10.9); `AVG ≤ 0` → `null CREDIT_BALANCE`.
    public static func turnover(
        opening: WideInt,
        closing: WideInt,
        sales: WideInt,
        flags: Set<KPIFlag> = []
    ) -> KPIValue {
        guard sales > .zero else { return .null(.noSales, unit: .ratio, rounding: .r2, flags: flags) }
        let twiceAverage = opening + closing
        guard twiceAverage > .zero else { return .null(.creditBalance, unit: .ratio, rounding: .r2, flags: flags) }
        return .checked(self.ratio(sales, twiceAverage, times: 2), unit: .ratio, rounding: .r2, flags: flags)
    }

    /// AR-ACP = AVG / SALES(P) × len(P) (days, R1), same nulls as AR-TURN.
    public static func averageCollectionPeriod(
        opening: WideInt,
        closing: WideInt,
        sales: WideInt,
        periodDays: Int,
        flags: Set<KPIFlag> = []
    ) -> KPIValue {
        guard sales > .zero else { return .null(.noSales, unit: .days, rounding: .r1, flags: flags) }
        let twiceAverage = opening + closing
        guard twiceAverage > .zero else { return .null(.creditBalance, unit: .days, rounding: .r1, flags: flags) }
        let value = Rational(twiceAverage, over: sales + sales)?.multiplied(by: periodDays)
        return .checked(value, unit: .days, rounding: .r1, flags: flags)
    }

    // MARK: - Provisions

    /// AR-PROV-GRID: Σ open HT × grid rate (basis points) per bucket, cents rounded once (R0).
    public static func suggestedProvision(openHTByBucket: [WideInt], gridBasisPoints: [Int]) -> KPIValue {
        var total = WideInt.zero
        for (index, openHT) in openHTByBucket.enumerated() where index < gridBasisPoints.count {
            total += WideInt(openHT.value * Int128(gridBasisPoints[index]))
        }
        return .checked(Rational(total, over: WideInt(10_000)), unit: .cents, rounding: .r0)
    }

    // MARK: - Widget

    /// `ceil(cents / 100 000)`: k€ rounded up to the next thousand, toward +∞ (AR-W12).
    public static func kiloEurosCeiling(_ cents: WideInt) -> Int128 {
        Rounding.ceilingDivision(cents.value, by: 100_000)
    }

    /// The 12 calendar months of AR-W12 ending with the month of `date`; the last one stops at
    /// `date` (partial month).
    public static func widgetMonths(asOf date: CalendarDate) -> [Period] {
        let last = date.monthIndex
        return (0..<12).map { offset in
            let first = CalendarDate.firstOfMonth(index: last - 11 + offset)
            return offset == 11 ? Period.monthToDate(date) : Period.month(containing: first)
        }
    }

    /// AR-FCST at D from merged parts: the portfolio delay `R0(Σ w / Σ a)` (0 when undefined)
    /// places the pending items at `max(due + delay, D + 1)`; amounts are bucketed by `grain`
    /// within the horizon `(D, D + H]`; the rest is "later".
    public static func forecast(
        _ parts: ForecastParts,
        asOf date: CalendarDate,
        settings: KPISettings,
        grain: BucketKind
    )
        -> ForecastResult
    {
        let settings = settings.clamped
        let delay = Rational(parts.historyDelayWeighted, over: parts.historyAmount).flatMap(Rounding.integer)
        let tomorrow = date.clampedAdding(days: 1)
        var byDate = parts.scheduled
        for (due, amount) in parts.pendingByDueDate {
            let expected = Swift.max(due.clampedAdding(days: delay ?? 0), tomorrow)
            byDate[expected, default: .zero] += amount
        }
        let horizonEnd = date.clampedAdding(days: settings.forecastHorizonDays)
        let horizon = Period(uncheckedStart: tomorrow, end: horizonEnd)
        let calendar = settings.fiscalCalendar
        var buckets = calendar.buckets(grain, overlapping: horizon).map {
            ForecastResult.Bucket(
                label: $0.label,
                period: Period(
                    uncheckedStart: Swift.max($0.period.start, horizon.start),
                    end: Swift.min($0.period.end, horizon.end)
                ),
                amount: .zero
            )
        }
        var later = WideInt.zero
        for (expected, amount) in byDate {
            if expected > horizonEnd {
                later += amount
            } else if let index = buckets.firstIndex(where: { $0.period.contains(expected) }) {
                buckets[index].amount += amount
            }
        }
        return ForecastResult(
            portfolioDelay: delay,
            buckets: buckets,
            later: later,
            notForecastDisputed: parts.disputed,
            notForecastDoubtful: parts.doubtful,
            notForecastTooOld: parts.tooOld,
            unapplied: -parts.unapplied
        )
    }
}

/// The cash-collection forecast (AR-FCST) of a selection at D.
public struct ForecastResult: Hashable, Sendable, Codable {
    /// One bucket of the horizon (clipped to it).
    public struct Bucket: Hashable, Sendable, Codable {
        /// Bucket label (`2025-04`, `2025-W14`, `2025-04-01`).
        public var label: String
        /// Days of the bucket inside the horizon.
        public var period: Period
        /// Expected amount, cents.
        public var amount: WideInt
    }

    /// The portfolio fallback delay in whole days (`nil`: no history, 0 was used).
    public var portfolioDelay: Int?
    /// Expected amounts over the horizon.
    public var buckets: [Bucket]
    /// Expected after the horizon.
    public var later: WideInt
    /// Not forecast: items under dispute.
    public var notForecastDisputed: WideInt
    /// Not forecast: items of doubtful clients.
    public var notForecastDoubtful: WideInt
    /// Not forecast: items older than the limit.
    public var notForecastTooOld: WideInt
    /// Not forecast: unapplied credits (≤ 0).
    public var unapplied: WideInt

    /// Total expected over the horizon.
    public var totalInHorizon: WideInt {
        self.buckets.reduce(.zero) { $0 + $1.amount }
    }
}
