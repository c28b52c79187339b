/// AR-AGED: the aged balance of a selection at D (kpi-definitions §4).
public struct AgedBalance: Hashable, Sendable, Codable {
    /// One ageing column.
    public struct Column: Hashable, Sendable, Codable {
        /// `NOT_DUE`, `1-30`, …, `>120`.
        public var label: String
        /// Σ open of positive items, cents.
        public var amount: WideInt
    }

    /// The buckets, NOT_DUE first.
    public var buckets: [Column]
    /// UNAPPLIED = −Σ unapplied (≤ 0).
    public var unapplied: WideInt
    /// GROSS = Σ buckets.
    public var gross: WideInt
    /// NET = GROSS + UNAPPLIED (= AR(D) for consistent data).
    public var net: WideInt
    /// AR-AGED-PCTCUR = NOT_DUE / GROSS × 100 (`null NO_DATA` when GROSS = 0).
    public var percentCurrent: KPIValue
    /// AR-AGED-PCT90 = Σ open with dpd ≥ 91 / GROSS × 100.
    public var percentOver90: KPIValue

    /// Builds the table from merged snapshot parts.
    public init(snapshot: ReceivablesSnapshot, settings: KPISettings) {
        let labels = settings.agedBucketLabels
        let amounts = (0..<labels.count).map { $0 < snapshot.aged.count ? snapshot.aged[$0] : .zero }
        self.buckets = zip(labels, amounts).map { Column(label: $0, amount: $1) }
        self.unapplied = -snapshot.unapplied
        self.gross = snapshot.gross
        self.net = self.gross + self.unapplied
        self.percentCurrent = ReceivablesFormulas.percent(snapshot.current, of: snapshot.gross)
        self.percentOver90 = ReceivablesFormulas.percent(snapshot.over90, of: snapshot.gross)
    }
}

/// AR-ENC-*: outstanding amounts of a selection at D (kpi-definitions §4).
public struct Outstanding: Hashable, Sendable, Codable {
    /// AR-ENC-GROSS.
    public var gross: KPIValue
    /// AR-ENC-OVERDUE.
    public var overdue: KPIValue
    /// AR-ENC-NOTDUE (= CUR(D)).
    public var notDue: KPIValue
    /// AR-ENC-UNAPPLIED (≤ 0).
    public var unapplied: KPIValue
    /// AR-ENC-NET = GROSS + UNAPPLIED.
    public var net: KPIValue
    /// AR-ENC-REAL = NET + off-ledger exposure; flag `NO_OFF_LEDGER_DATA` when none was sent.
    public var real: KPIValue
    /// AR-ENC-RISK.
    public var risk: KPIValue
    /// AR-ENC-RISK-PCT = RISK / GROSS × 100.
    public var riskPercent: KPIValue
    /// AR-DSP-AMOUNT: open amount of items under an open dispute.
    public var disputed: KPIValue
    /// AR-DSP-SHARE = disputed / GROSS × 100.
    public var disputedPercent: KPIValue

    /// Builds the values from merged snapshot parts.
    public init(snapshot: ReceivablesSnapshot) {
        let gross = snapshot.gross
        let net = gross - snapshot.unapplied
        self.gross = .cents(gross)
        self.overdue = .cents(snapshot.overdue)
        self.notDue = .cents(snapshot.current)
        self.unapplied = .cents(-snapshot.unapplied)
        self.net = .cents(net)
        self.real = .cents(
            net + snapshot.offLedgerExposure,
            flags: snapshot.offLedgerRecords == 0 ? [.noOffLedgerData] : []
        )
        self.risk = .cents(snapshot.atRisk)
        self.riskPercent = ReceivablesFormulas.percent(snapshot.atRisk, of: gross)
        self.disputed = .cents(snapshot.disputed)
        self.disputedPercent = ReceivablesFormulas.percent(snapshot.disputed, of: gross)
    }
}

/// AR-PROV-RATE and AR-PROV-GRID of a selection at D.
public struct ProvisionRates: Hashable, Sendable, Codable {
    /// Rate per ageing bucket, NOT_DUE first (`null NO_DATA` for an empty bucket).
    public var byBucket: [KPIValue]
    /// Rate over all positive items.
    public var total: KPIValue
    /// Open HT per bucket, cents.
    public var openHTByBucket: [WideInt]
    /// Provision (capped) per bucket, cents.
    public var provisionByBucket: [WideInt]
    /// Provisions on items no longer open: to release.
    public var toRelease: WideInt
    /// AR-PROV-GRID: suggested provision from the firm's grid (R0 cents).
    public var suggested: KPIValue

    /// Builds the rates from merged snapshot parts.
    public init(snapshot: ReceivablesSnapshot, settings: KPISettings) {
        let count = settings.agedBucketCount
        let openHT = (0..<count).map { $0 < snapshot.openHTByBucket.count ? snapshot.openHTByBucket[$0] : .zero }
        let provision = (0..<count).map {
            $0 < snapshot.provisionByBucket.count ? snapshot.provisionByBucket[$0] : .zero
        }
        self.openHTByBucket = openHT
        self.provisionByBucket = provision
        self.byBucket = zip(provision, openHT).map { ReceivablesFormulas.percent($0, of: $1) }
        self.total = ReceivablesFormulas.percent(provision.reduce(.zero, +), of: openHT.reduce(.zero, +))
        self.toRelease = snapshot.provisionToRelease
        self.suggested = ReceivablesFormulas.suggestedProvision(
            openHTByBucket: openHT,
            gridBasisPoints: settings.provisionGridBasisPoints
        )
    }
}

/// One month of the AR-W12 widget: exact cents and the k€ display (ceiling).
public struct WidgetRow: Hashable, Sendable, Codable {
    /// The month (the last one stops at D).
    public var month: Period
    /// REVENUE = SALES(m).
    public var revenue: WideInt
    /// EXPECTED = invoices due in m − credit notes dated in m.
    public var expected: WideInt
    /// ACTUAL = cash received in m − refunds in m.
    public var actual: WideInt

    /// Builds a row from the month's merged flow.
    public init(month: Period, flow: ReceivablesFlow) {
        self.month = month
        self.revenue = flow.sales
        self.expected = flow.expected
        self.actual = flow.actual
    }

    /// REVENUE in k€, rounded up.
    public var revenueKiloEuros: Int128 { ReceivablesFormulas.kiloEurosCeiling(self.revenue) }
    /// EXPECTED in k€, rounded up.
    public var expectedKiloEuros: Int128 { ReceivablesFormulas.kiloEurosCeiling(self.expected) }
    /// ACTUAL in k€, rounded up.
    public var actualKiloEuros: Int128 { ReceivablesFormulas.kiloEurosCeiling(self.actual) }
}
