public import KPI
public import PilotageProtocol
internal import Wire

/// The level-1 receivables dashboard as a contract message, and the comparison of two of them
/// (verification mode: the rollup answer against the raw-facts answer, value by value).
public enum Level1Report {
    /// The contract version every reply states (kpi-definitions §6).
    public static let definitions = "kpi-definitions v1.1"

    /// A KPI value as the contract prints it.
    public static func value(_ value: KPIValue) -> DashboardValue {
        DashboardValue(
            value: value.display,
            exact: value.exact?.description,
            decimals: value.rounding.decimals,
            unit: value.unit.rawValue,
            reason: value.reason?.rawValue,
            flags: value.flags.isEmpty ? nil : value.flags.sorted().map(\.rawValue)
        )
    }

    /// An amount in cents as a value.
    public static func cents(_ amount: WideInt) -> DashboardValue {
        Self.value(.cents(amount))
    }

    /// The message of a computed dashboard.
    public static func message(_ level1: ReceivablesLevel1) -> ReceivablesLevel1Message {
        ReceivablesLevel1Message(
            series: Self.series(level1).map { name, series in
                KPISeriesMessage(
                    kpi: name,
                    history: series.history.map { DatedValue(date: $0.date, value: Self.value($0.value)) },
                    trend: Self.value(series.trend)
                )
            },
            aged: Self.aged(level1.aged).map { NamedValue(name: $0.name, value: Self.value($0.value)) },
            outstanding: Self.outstanding(level1.outstanding).map { NamedValue(name: $0.name, value: Self.value($0.value)) }
        )
    }

    /// Every value of `rollup` that differs from `reference` (exact value, reason or flags).
    public static func differences(rollup: ReceivablesLevel1, reference: ReceivablesLevel1) -> [ValueDifference] {
        var differences: [ValueDifference] = []
        func compare(_ name: String, _ date: CalendarDate?, _ left: KPIValue?, _ right: KPIValue?) {
            guard left != right else { return }
            var difference: String?
            if let a = left?.exact, let b = right?.exact, let delta = a.subtracting(b) {
                difference = delta.description
            }
            differences.append(
                ValueDifference(
                    kpi: name,
                    date: date,
                    rollup: left.map(Self.value),
                    reference: right.map(Self.value),
                    difference: difference
                )
            )
        }
        for ((name, left), (_, right)) in zip(Self.series(rollup), Self.series(reference)) {
            let rightByDate = Dictionary(right.history.map { ($0.date, $0.value) }, uniquingKeysWith: { first, _ in first })
            for point in left.history {
                compare(name, point.date, point.value, rightByDate[point.date])
            }
            if left.history.count != right.history.count {
                compare("\(name) history length", nil, .count(Int64(left.history.count)), .count(Int64(right.history.count)))
            }
            compare("\(name) trend", nil, left.trend, right.trend)
        }
        for ((name, left), (_, right)) in zip(Self.aged(rollup.aged), Self.aged(reference.aged)) {
            compare("aged \(name)", rollup.asOf, left, right)
        }
        for ((name, left), (_, right)) in zip(Self.outstanding(rollup.outstanding), Self.outstanding(reference.outstanding)) {
            compare(name, rollup.asOf, left, right)
        }
        return differences
    }

    /// Number of values a comparison looks at.
    public static func valueCount(_ level1: ReceivablesLevel1) -> Int {
        Self.series(level1).reduce(0) { $0 + $1.1.history.count + 1 } + Self.aged(level1.aged).count
            + Self.outstanding(level1.outstanding).count
    }

    private static func series(_ level1: ReceivablesLevel1) -> [(String, ReceivablesLevel1.Series)] {
        [
            ("AR-DSO-STD", level1.dsoStandard),
            ("AR-DSO-CB", level1.dsoCountback),
            ("AR-BPDSO", level1.bestPossibleDSO),
            ("AR-DSO-DELQ", level1.delinquentDSO),
            ("AR-CEI", level1.collectionEffectiveness),
            ("AR-DBT", level1.daysBeyondTerms),
        ]
    }

    /// AR-AGED as named values: the buckets, `UNAPPLIED`, `GROSS`, `NET`, `AR-AGED-PCTCUR`,
    /// `AR-AGED-PCT90`.
    public static func agedValues(_ aged: AgedBalance) -> [(name: String, value: KPIValue)] {
        Self.aged(aged)
    }

    private static func aged(_ aged: AgedBalance) -> [(name: String, value: KPIValue)] {
        aged.buckets.map { ($0.label, KPIValue.cents($0.amount)) } + [
            ("UNAPPLIED", .cents(aged.unapplied)),
            ("GROSS", .cents(aged.gross)),
            ("NET", .cents(aged.net)),
            ("AR-AGED-PCTCUR", aged.percentCurrent),
            ("AR-AGED-PCT90", aged.percentOver90),
        ]
    }

    private static func outstanding(_ outstanding: Outstanding) -> [(name: String, value: KPIValue)] {
        [
            ("AR-ENC-GROSS", outstanding.gross),
            ("AR-ENC-OVERDUE", outstanding.overdue),
            ("AR-ENC-NOTDUE", outstanding.notDue),
            ("AR-ENC-UNAPPLIED", outstanding.unapplied),
            ("AR-ENC-NET", outstanding.net),
            ("AR-ENC-REAL", outstanding.real),
            ("AR-ENC-RISK", outstanding.risk),
            ("AR-ENC-RISK-PCT", outstanding.riskPercent),
            ("AR-DSP-AMOUNT", outstanding.disputed),
            ("AR-DSP-SHARE", outstanding.disputedPercent),
        ]
    }
}
