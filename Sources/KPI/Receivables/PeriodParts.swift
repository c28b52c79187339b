public import Wire

/// Net sales per calendar month, as of a date D (the month of D holds sales up to D only): the
/// input of the countback DSO (AR-DSO-CB). Vectors of clients are summed key-wise, then the
/// algorithm runs once on the sum (countback of a group ≠ mean of client countbacks).
public struct MonthlySales: AdditiveParts {
    /// Net sales by ``Wire/CalendarDate/monthIndex``; months without sales are absent.
    public var byMonth: [Int: WideInt]

    /// Creates a vector.
    public init(byMonth: [Int: WideInt] = [:]) {
        self.byMonth = byMonth.filter { $0.value != .zero }
    }

    /// The neutral element.
    public static var zero: MonthlySales { MonthlySales() }

    /// Sales of the month with ``Wire/CalendarDate/monthIndex`` `index` (0 when absent).
    public func sales(monthIndex index: Int) -> WideInt {
        self.byMonth[index] ?? .zero
    }

    /// Merge (key-wise sum).
    public static func + (lhs: MonthlySales, rhs: MonthlySales) -> MonthlySales {
        MonthlySales(byMonth: mergeSparse(lhs.byMonth, rhs.byMonth))
    }
}

/// AR-REC-RATE parts of one period P = [s, e] (kpi-definitions §4): not a sum of daily parts,
/// because the collectible base depends on both ends of P.
///
/// The worker materialises them per client group for every bucket it serves as a period:
/// calendar months (the default P), the month to date of each day of the level-1 history, and
/// the buckets of each level-2 periodicity (ISO week, quarter, fiscal year).
public struct CollectionRateParts: AdditiveParts {
    /// Σ cash allocations with eff ∈ P to the collectible items.
    public var collected: WideInt = .zero
    /// Σ base(i) − Σ non-cash allocations (credit notes, adjustments) in P, over items with base > 0.
    public var collectible: WideInt = .zero

    /// Creates parts.
    public init(collected: WideInt = .zero, collectible: WideInt = .zero) {
        self.collected = collected
        self.collectible = collectible
    }

    /// The neutral element.
    public static var zero: CollectionRateParts { CollectionRateParts() }

    /// Merge.
    public static func + (lhs: CollectionRateParts, rhs: CollectionRateParts) -> CollectionRateParts {
        CollectionRateParts(collected: lhs.collected + rhs.collected, collectible: lhs.collectible + rhs.collectible)
    }
}

/// AR-FCST parts at an as-of date D (kpi-definitions §4): the per-client delays are non-linear,
/// so each client's open items are placed at D already (`scheduled`), except for clients without
/// enough history, whose items wait for the portfolio delay (`pendingByDueDate`), which is itself
/// additive (`historyDelayWeighted` / `historyAmount` over the selected clients).
///
/// The worker materialises them for each as-of date it serves (today; optionally each day of the
/// level-1 history).
public struct ForecastParts: AdditiveParts {
    /// Expected date → Σ open, for clients with their own delay (dates ≥ D + 1).
    public var scheduled: [CalendarDate: WideInt] = [:]
    /// Due date → Σ open, for clients that fall back to the portfolio delay.
    public var pendingByDueDate: [CalendarDate: WideInt] = [:]
    /// Σ amount × days(due, eff) over every cash allocation with eff ∈ (D − 365, D].
    public var historyDelayWeighted: WideInt = .zero
    /// Σ amount of those allocations.
    public var historyAmount: WideInt = .zero
    /// Not forecast: open items with a dispute open at D.
    public var disputed: WideInt = .zero
    /// Not forecast: open items of doubtful clients.
    public var doubtful: WideInt = .zero
    /// Not forecast: open items with dpd above the limit (365).
    public var tooOld: WideInt = .zero
    /// Not forecast: unapplied credits (≥ 0, reported negated).
    public var unapplied: WideInt = .zero

    /// Empty parts.
    public init() {}

    /// The neutral element.
    public static var zero: ForecastParts { ForecastParts() }

    /// Merge.
    public static func + (lhs: ForecastParts, rhs: ForecastParts) -> ForecastParts {
        var result = ForecastParts()
        result.scheduled = mergeSparse(lhs.scheduled, rhs.scheduled)
        result.pendingByDueDate = mergeSparse(lhs.pendingByDueDate, rhs.pendingByDueDate)
        result.historyDelayWeighted = lhs.historyDelayWeighted + rhs.historyDelayWeighted
        result.historyAmount = lhs.historyAmount + rhs.historyAmount
        result.disputed = lhs.disputed + rhs.disputed
        result.doubtful = lhs.doubtful + rhs.doubtful
        result.tooOld = lhs.tooOld + rhs.tooOld
        result.unapplied = lhs.unapplied + rhs.unapplied
        return result
    }
}
