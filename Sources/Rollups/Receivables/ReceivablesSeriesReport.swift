public import KPI
public import PilotageProtocol
public import Wire

/// Level 2 of the receivables dashboard (kpi-definitions §1.3): each KPI at the end of each
/// bucket of a periodicity over a range, from any ``KPI/ReceivablesPartsSource`` (merged
/// rollups, or parts computed from raw facts in verification mode).
///
/// - Snapshot KPIs (AR, aged shares, DBT, disputed) read the bucket's last day.
/// - The DSO family reads the bucket's last day with its default rolling window (AR-DSO-CB its
///   countback segments).
/// - Flow KPIs (CEI, collection delay, days to pay, matching, write-offs) use the bucket itself
///   as P.
/// - AR-REC-RATE is stored per month to date: a point is the month to date of the bucket's last
///   day (the calendar month for a MONTH bucket).
public enum ReceivablesSeriesReport {
    /// Every KPI id level 2 serves, in reply order.
    public static let kpis: [String] = [
        "AR-DSO-STD", "AR-DSO-CB", "AR-BPDSO", "AR-DSO-DELQ", "AR-CEI", "AR-DBT",
        "AR-ENC-NET", "AR-ENC-GROSS", "AR-ENC-OVERDUE", "AR-ENC-NOTDUE", "AR-AGED-PCTCUR", "AR-AGED-PCT90",
        "AR-DSP-AMOUNT", "AR-DSP-SHARE", "AR-REC-RATE", "AR-REC-DELAY", "AR-ADD", "AR-ADTP",
        "AR-MATCH-AUTO", "AR-WO-AMT",
    ]

    /// At most this many points per series.
    public static let maximumPoints = 400

    /// The bucket kind of a periodicity.
    public static func bucketKind(_ periodicity: Periodicity) -> BucketKind {
        switch periodicity {
        case .day: .day
        case .week: .isoWeek
        case .month: .month
        case .quarter: .quarter
        }
    }

    /// The default range start: the start of the bucket 11 buckets before the one of `to`
    /// (12 buckets in all).
    public static func defaultStart(to: CalendarDate, kind: BucketKind, calendar: FiscalCalendar) -> CalendarDate {
        let back: CalendarDate
        switch kind {
        case .day: back = to.clampedAdding(days: -11)
        case .isoWeek: back = to.clampedAdding(days: -77)
        case .month: back = CalendarDate.firstOfMonth(index: to.monthIndex - 11)
        case .quarter: back = CalendarDate.firstOfMonth(index: to.monthIndex - 33)
        default: back = CalendarDate.firstOfMonth(index: to.monthIndex - 11)
        }
        return calendar.buckets(kind, overlapping: Period(uncheckedStart: back, end: back)).first?.period.start ?? back
    }

    /// Every key the series read; the DSO window ending at each bucket's end is a stored
    /// `WINDOW_FLOW` row (``ReceivablesKeys/windowFlowDates``), not the window's daily rows.
    public static func keys(buckets: [Bucket], kpis: [String], settings: KPISettings) -> ReceivablesKeys {
        let settings = settings.clamped
        var keys = ReceivablesKeys()
        keys.windowDays = settings.dsoWindowDays
        for bucket in buckets {
            let end = bucket.period.end
            keys.snapshotDates.insert(end)
            keys.snapshotDates.insert(bucket.period.dayBeforeStart)
            keys.flowPeriods.insert(bucket.period)
            keys.windowFlowDates.insert(end)
            if kpis.contains("AR-DSO-CB") {
                for segment in ReceivablesFormulas.countbackSegments(asOf: end) { keys.flowPeriods.insert(segment) }
            }
            keys.collectionRatePeriods.insert(.monthToDate(end))
        }
        return keys
    }

    /// The value of `kpi` over `bucket`.
    public static func value(_ kpi: String, bucket: Bucket, evaluator e: some ReceivablesEvaluator) -> KPIValue {
        let end = bucket.period.end
        let period = bucket.period
        switch kpi {
        case "AR-DSO-STD": return e.dsoStandard(asOf: end, period: nil)
        case "AR-DSO-CB": return e.dsoCountback(asOf: end)
        case "AR-BPDSO": return e.bestPossibleDSO(asOf: end, period: nil)
        case "AR-DSO-DELQ": return e.delinquentDSO(asOf: end, period: nil)
        case "AR-CEI": return e.collectionEffectiveness(over: period)
        case "AR-DBT": return e.daysBeyondTerms(asOf: end)
        case "AR-ENC-NET": return e.outstanding(asOf: end).net
        case "AR-ENC-GROSS": return e.outstanding(asOf: end).gross
        case "AR-ENC-OVERDUE": return e.outstanding(asOf: end).overdue
        case "AR-ENC-NOTDUE": return e.outstanding(asOf: end).notDue
        case "AR-AGED-PCTCUR": return e.agedBalance(asOf: end).percentCurrent
        case "AR-AGED-PCT90": return e.agedBalance(asOf: end).percentOver90
        case "AR-DSP-AMOUNT": return e.outstanding(asOf: end).disputed
        case "AR-DSP-SHARE": return e.outstanding(asOf: end).disputedPercent
        case "AR-REC-RATE": return e.collectionRate(over: .monthToDate(end))
        case "AR-REC-DELAY": return e.collectionDelay(over: period)
        case "AR-ADD": return e.averageDaysDelinquent(over: period)
        case "AR-ADTP": return e.averageDaysToPay(over: period)
        case "AR-MATCH-AUTO": return e.automaticMatchingRate(over: period)
        case "AR-WO-AMT": return e.writeOffAmount(over: period)
        default: return .null(.noData, unit: .count, rounding: .r0)
        }
    }

    /// The additive parts behind `kpi` over `bucket` (explain), read from `source`.
    public static func parts(_ kpi: String, bucket: Bucket, source: some ReceivablesPartsSource, settings: KPISettings) -> [PartMessage] {
        let end = bucket.period.end
        let snapshot = source.snapshot(at: end)
        let window = Period(uncheckedStart: end.clampedAdding(days: -(settings.clamped.dsoWindowDays - 1)), end: end)
        let flow = source.flow(over: bucket.period)
        func part(_ name: String, _ value: WideInt) -> PartMessage { PartMessage(name: name, value: value.description) }
        switch kpi {
        case "AR-DSO-STD", "AR-BPDSO", "AR-DSO-DELQ":
            return [
                part("AR(D)", snapshot.balance), part("CUR(D)", snapshot.current),
                part("SALES(W)", source.flow(over: window).sales), PartMessage(name: "L", value: String(window.length)),
            ]
        case "AR-DSO-CB":
            return [part("AR(D)", snapshot.balance)]
                + ReceivablesFormulas.countbackSegments(asOf: end).map {
                    part("SALES(\(String($0.start.description.prefix(7))))", source.flow(over: $0).sales)
                }
        case "AR-CEI":
            return [
                part("B", source.snapshot(at: bucket.period.dayBeforeStart).balance), part("S", flow.sales),
                part("E", snapshot.balance), part("EC", snapshot.current),
            ]
        case "AR-DBT": return [part("Σ open × dpd", snapshot.overdueDaysWeighted), part("Σ open", snapshot.overdue)]
        case "AR-ENC-NET": return [part("GROSS", snapshot.gross), part("UNAPPLIED", -snapshot.unapplied)]
        case "AR-ENC-GROSS", "AR-ENC-OVERDUE", "AR-ENC-NOTDUE", "AR-DSP-AMOUNT": return []
        case "AR-AGED-PCTCUR": return [part("NOT_DUE", snapshot.current), part("GROSS", snapshot.gross)]
        case "AR-AGED-PCT90": return [part("Σ open dpd ≥ 91", snapshot.over90), part("GROSS", snapshot.gross)]
        case "AR-DSP-SHARE": return [part("AR-DSP-AMOUNT", snapshot.disputed), part("GROSS", snapshot.gross)]
        case "AR-REC-RATE":
            let rate = source.collectionRate(over: .monthToDate(end))
            return [part("COLLECTED", rate.collected), part("COLLECTIBLE", rate.collectible)]
        case "AR-REC-DELAY": return [part("Σ amount × late days", flow.lateDaysWeighted), part("Σ amount (late)", flow.lateAllocated)]
        case "AR-ADD": return [part("Σ amount × max(0, late days)", flow.lateDaysWeighted), part("Σ amount", flow.cashAllocated)]
        case "AR-ADTP": return [part("Σ amount × days", flow.daysToPayWeighted), part("Σ amount", flow.cashAllocated)]
        case "AR-MATCH-AUTO":
            return [part("AUTO", WideInt(flow.matchedAuto)), part("ALL", WideInt(flow.matched))]
        case "AR-WO-AMT": return [part("AR-WO-AMT", flow.writeOffs)]
        default: return []
        }
    }

    /// The series of `kpis` over `buckets`.
    public static func series(
        kpis: [String],
        buckets: [Bucket],
        evaluator: some ReceivablesEvaluator,
        explain source: (any ReceivablesPartsSource)?,
        settings: KPISettings
    ) -> [SeriesMessage] {
        kpis.map { kpi in
            SeriesMessage(
                kpi: kpi,
                points: buckets.map { bucket in
                    SeriesPointMessage(
                        start: bucket.period.start,
                        end: bucket.period.end,
                        label: bucket.label,
                        value: Level1Report.value(Self.value(kpi, bucket: bucket, evaluator: evaluator)),
                        parts: source.map { Self.parts(kpi, bucket: bucket, source: $0, settings: settings) }
                    )
                }
            )
        }
    }

    /// Every point of `rollup` that differs from `reference`.
    public static func differences(rollup: [SeriesMessage], reference: [SeriesMessage]) -> [ValueDifference] {
        var differences: [ValueDifference] = []
        for (left, right) in zip(rollup, reference) {
            for (a, b) in zip(left.points, right.points) where a.value != b.value {
                differences.append(ValueDifference(kpi: left.kpi, date: a.end, rollup: a.value, reference: b.value, difference: nil))
            }
            if left.points.count != right.points.count {
                differences.append(ValueDifference(kpi: "\(left.kpi) points", date: nil, rollup: nil, reference: nil, difference: nil))
            }
        }
        return differences
    }
}
