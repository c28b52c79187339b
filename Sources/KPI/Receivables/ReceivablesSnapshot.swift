/// Snapshot parts of the receivables at the **end of one day D** (kpi-definitions §1.3), for one
/// client or a merged group of clients: everything the snapshot KPIs need, as sums.
///
/// Non-linear per-client rules are applied before summing: AR-ENC-RISK's "client over its credit
/// limit" compares the client's own AR(D), so RISK is computed per client at D and then added.
/// Vectors are indexed by ageing bucket (0 = NOT_DUE, see ``KPISettings/agedBucketIndex(daysPastDue:)``)
/// and depend on the ageing boundaries (see ``KPISettings/partsFingerprint``).
public struct ReceivablesSnapshot: AdditiveParts {
    /// AR(D) = Σ open − Σ unapplied (the customer-account balance).
    public var balance: WideInt = .zero
    /// CUR(D): Σ open of positive items not due (dpd ≤ 0); equals `aged[0]`.
    public var current: WideInt = .zero
    /// Σ open of positive overdue items (dpd ≥ 1): AR-ENC-OVERDUE, DBT denominator.
    public var overdue: WideInt = .zero
    /// Σ open × dpd over positive overdue items: DBT numerator.
    public var overdueDaysWeighted: WideInt = .zero
    /// Σ open of positive items with dpd ≥ 91: AR-AGED-PCT90 numerator.
    public var over90: WideInt = .zero
    /// Σ unapplied(k, D) (≥ 0 for valid data; shown negated as the UNAPPLIED column).
    public var unapplied: WideInt = .zero
    /// Σ open of positive items per ageing bucket.
    public var aged: [WideInt] = []
    /// AR-ENC-RISK: Σ open of positive items at risk, each counted once.
    public var atRisk: WideInt = .zero
    /// AR-DSP-AMOUNT: Σ open of positive items with a dispute open at D.
    public var disputed: WideInt = .zero
    /// Number of disputes open at D (AR-DSP-RATE uses it at s − 1).
    public var openDisputes: Int64 = 0
    /// AR-PROV-RATE: provision in force, capped at the open HT, per bucket.
    public var provisionByBucket: [WideInt] = []
    /// AR-PROV-RATE: open HT per bucket.
    public var openHTByBucket: [WideInt] = []
    /// Provisions in force on items no longer open ("provision to release").
    public var provisionToRelease: WideInt = .zero
    /// The part of provisions above the open HT of still-open items (removed by the cap).
    public var provisionAboveOpen: WideInt = .zero
    /// Off-ledger exposure in force at D (AR-ENC-REAL).
    public var offLedgerExposure: WideInt = .zero
    /// Number of exposure records already started at D (0 ⇒ ENC-REAL says "no data").
    public var offLedgerRecords: Int64 = 0
    /// AR(D) of doubtful clients (to exclude them from DSO when the firm asks, §6.2).
    public var doubtfulBalance: WideInt = .zero
    /// CUR(D) of doubtful clients.
    public var doubtfulCurrent: WideInt = .zero
    /// Number of positive open items.
    public var openItems: Int64 = 0
    /// Number of positive overdue items.
    public var overdueItems: Int64 = 0
    /// Number of credits with a positive unapplied remainder.
    public var unappliedItems: Int64 = 0

    /// Empty parts.
    public init() {}

    /// The neutral element.
    public static var zero: ReceivablesSnapshot { ReceivablesSnapshot() }

    /// GROSS = Σ buckets = AR-ENC-GROSS.
    public var gross: WideInt {
        self.aged.reduce(.zero, +)
    }

    /// Merge (sum of every field; vectors element-wise).
    public static func + (lhs: ReceivablesSnapshot, rhs: ReceivablesSnapshot) -> ReceivablesSnapshot {
        var result = lhs
        result += rhs
        return result
    }

    /// Merge in place: adds every field of `rhs`; vectors are extended with zeros when shorter,
    /// then added element by element without reallocating.
    public static func += (lhs: inout ReceivablesSnapshot, rhs: ReceivablesSnapshot) {
        func add(_ vector: inout [WideInt], _ other: [WideInt]) {
            if vector.count < other.count {
                vector.append(contentsOf: repeatElement(.zero, count: other.count - vector.count))
            }
            for index in other.indices {
                vector[index] += other[index]
            }
        }
        lhs.balance += rhs.balance
        lhs.current += rhs.current
        lhs.overdue += rhs.overdue
        lhs.overdueDaysWeighted += rhs.overdueDaysWeighted
        lhs.over90 += rhs.over90
        lhs.unapplied += rhs.unapplied
        add(&lhs.aged, rhs.aged)
        lhs.atRisk += rhs.atRisk
        lhs.disputed += rhs.disputed
        lhs.openDisputes += rhs.openDisputes
        add(&lhs.provisionByBucket, rhs.provisionByBucket)
        add(&lhs.openHTByBucket, rhs.openHTByBucket)
        lhs.provisionToRelease += rhs.provisionToRelease
        lhs.provisionAboveOpen += rhs.provisionAboveOpen
        lhs.offLedgerExposure += rhs.offLedgerExposure
        lhs.offLedgerRecords += rhs.offLedgerRecords
        lhs.doubtfulBalance += rhs.doubtfulBalance
        lhs.doubtfulCurrent += rhs.doubtfulCurrent
        lhs.openItems += rhs.openItems
        lhs.overdueItems += rhs.overdueItems
        lhs.unappliedItems += rhs.unappliedItems
    }

}
