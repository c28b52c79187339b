public import KPI
public import PilotageProtocol
public import Wire

/// Explain mode: the additive parts behind each level-1 receivables value at D, named as
/// kpi-definitions §4 names them, read from the same merged parts the value was computed from.
public enum ReceivablesExplain {
    /// The parts of the level-1 values at D (the six series KPIs, the aged-balance shares, the
    /// risk and dispute shares).
    public static func values(source: some ReceivablesPartsSource, asOf date: CalendarDate, context: KPIContext) -> [ExplainedValueMessage] {
        let kpi = ReceivablesKPI(source: source, context: context)
        let settings = kpi.context.settings
        let window = kpi.dsoWindow(asOf: date)
        let snapshot = source.snapshot(at: date)
        let sales = source.flow(over: window).sales
        let doubtful = settings.excludeDoubtfulFromDSO
        let balance = doubtful ? snapshot.balance - snapshot.doubtfulBalance : snapshot.balance
        let current = doubtful ? snapshot.current - snapshot.doubtfulCurrent : snapshot.current
        let windowParts = [
            PartMessage(name: "SALES(W)", value: sales.description),
            PartMessage(name: "L", value: String(window.length)),
            PartMessage(name: "W", value: "\(window.start)..\(window.end)"),
        ]
        var result: [ExplainedValueMessage] = []
        func add(_ name: String, _ value: KPIValue, _ parts: [(String, String)]) {
            result.append(
                ExplainedValueMessage(
                    kpi: name,
                    value: Level1Report.value(value),
                    parts: parts.map { PartMessage(name: $0.0, value: $0.1) }
                )
            )
        }
        func add(_ name: String, _ value: KPIValue, _ parts: [PartMessage]) {
            result.append(ExplainedValueMessage(kpi: name, value: Level1Report.value(value), parts: parts))
        }
        add("AR-DSO-STD", kpi.dsoStandard(asOf: date), [PartMessage(name: "AR(D)", value: balance.description)] + windowParts)
        add("AR-BPDSO", kpi.bestPossibleDSO(asOf: date), [PartMessage(name: "CUR(D)", value: current.description)] + windowParts)
        add(
            "AR-DSO-DELQ",
            kpi.delinquentDSO(asOf: date),
            [PartMessage(name: "AR(D)", value: balance.description), PartMessage(name: "CUR(D)", value: current.description)] + windowParts
        )
        add(
            "AR-DSO-CB",
            kpi.dsoCountback(asOf: date),
            [PartMessage(name: "AR(D)", value: balance.description)]
                + ReceivablesFormulas.countbackSegments(asOf: date).map {
                    PartMessage(name: "SALES(\(String($0.start.description.prefix(7))))", value: source.flow(over: $0).sales.description)
                }
        )
        let month = Period.monthToDate(date)
        let opening = source.snapshot(at: month.dayBeforeStart)
        add(
            "AR-CEI",
            kpi.collectionEffectiveness(over: month),
            [
                ("B", opening.balance.description),
                ("S", source.flow(over: month).sales.description),
                ("E", snapshot.balance.description),
                ("EC", snapshot.current.description),
                ("P", "\(month.start)..\(month.end)"),
            ]
        )
        add(
            "AR-DBT",
            kpi.daysBeyondTerms(asOf: date),
            [("Σ open × dpd", snapshot.overdueDaysWeighted.description), ("Σ open", snapshot.overdue.description)]
        )
        let aged = kpi.agedBalance(asOf: date)
        add("AR-AGED-PCTCUR", aged.percentCurrent, [("NOT_DUE", snapshot.current.description), ("GROSS", snapshot.gross.description)])
        add("AR-AGED-PCT90", aged.percentOver90, [("Σ open dpd ≥ 91", snapshot.over90.description), ("GROSS", snapshot.gross.description)])
        let outstanding = kpi.outstanding(asOf: date)
        add("AR-ENC-RISK-PCT", outstanding.riskPercent, [("RISK", snapshot.atRisk.description), ("GROSS", snapshot.gross.description)])
        add("AR-DSP-SHARE", outstanding.disputedPercent, [("AR-DSP-AMOUNT", snapshot.disputed.description), ("GROSS", snapshot.gross.description)])
        return result
    }

    /// The parts of the section values at D (``ReceivablesSectionsReport``): rates and delays
    /// over the rolling window, the collection rate of the month to date, provisions at D.
    public static func sectionValues(source: some ReceivablesPartsSource, asOf date: CalendarDate, context: KPIContext) -> [ExplainedValueMessage] {
        let kpi = ReceivablesKPI(source: source, context: context)
        let settings = kpi.context.settings
        let window = ReceivablesSectionsReport.window(asOf: date, settings: settings)
        let flow = source.flow(over: window)
        let monthToDate = Period.monthToDate(date)
        let rate = source.collectionRate(over: monthToDate)
        let snapshot = source.snapshot(at: date)
        let opening = source.snapshot(at: window.dayBeforeStart)
        let w = ("W", "\(window.start)..\(window.end)")
        func explained(_ name: String, _ value: KPIValue, _ parts: [(String, String)]) -> ExplainedValueMessage {
            ExplainedValueMessage(kpi: name, value: Level1Report.value(value), parts: parts.map { PartMessage(name: $0.0, value: $0.1) })
        }
        return [
            explained(
                "AR-REC-RATE",
                kpi.collectionRate(over: monthToDate),
                [("COLLECTED", rate.collected.description), ("COLLECTIBLE", rate.collectible.description), ("P", "\(monthToDate.start)..\(monthToDate.end)")]
            ),
            explained(
                "AR-REC-DELAY",
                kpi.collectionDelay(over: window),
                [("Σ amount × late days", flow.lateDaysWeighted.description), ("Σ amount (late)", flow.lateAllocated.description), w]
            ),
            explained(
                "AR-DSP-RATE",
                kpi.disputeResolutionRate(over: window),
                [("resolved", String(flow.disputesResolved)), ("open at s − 1", String(opening.openDisputes)), ("opened", String(flow.disputesOpened)), w]
            ),
            explained(
                "AR-DSP-TIME",
                kpi.disputeResolutionTime(over: window),
                [("Σ resolution days", flow.resolutionDays.description), ("resolved", String(flow.disputesResolved)), w]
            ),
            explained(
                "AR-MATCH-AUTO",
                kpi.automaticMatchingRate(over: window),
                [("AUTO", String(flow.matchedAuto)), ("ALL", String(flow.matched)), w]
            ),
            explained(
                "AR-MATCH-AUTO-AMT",
                kpi.automaticMatchingAmountRate(over: window),
                [("AUTO", flow.matchedAutoAmount.description), ("ALL", flow.matchedAmount.description), w]
            ),
            explained(
                "AR-WO-RATE",
                kpi.writeOffRate(over: window),
                [("AR-WO-AMT", flow.writeOffs.description), ("SALES(P)", flow.sales.description), w]
            ),
            explained(
                "AR-PROV-RATE",
                kpi.provisionRates(asOf: date).total,
                [
                    ("Σ prov", snapshot.provisionByBucket.reduce(WideInt.zero, +).description),
                    ("Σ open_ht", snapshot.openHTByBucket.reduce(WideInt.zero, +).description),
                ]
            ),
        ]
    }
}
