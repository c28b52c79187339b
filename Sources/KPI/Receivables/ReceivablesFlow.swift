/// Flow parts of the receivables for **one day** (or, merged, for a period P): what happened on
/// the day, keyed by the date each definition uses (invoice date, document date, effective date
/// of an allocation, settlement date, recorded date, dispute dates).
///
/// Merging the daily parts of the days of P gives the parts of P, so the worker stores one value
/// per client group and day (sparse: days without activity are absent) and any period is a sum.
public struct ReceivablesFlow: AdditiveParts {
    /// Σ invoice installments by invoice date (refunds and debit adjustments are never sales).
    public var invoiced: WideInt = .zero
    /// Σ credit notes by date.
    public var creditNotes: WideInt = .zero
    /// Σ write-offs by date (AR-WO-AMT).
    public var writeOffs: WideInt = .zero
    /// Σ cash documents (payments, prepayments) by date: widget ACTUAL.
    public var cashReceived: WideInt = .zero
    /// Σ refunds by date: subtracted from widget ACTUAL.
    public var refunds: WideInt = .zero
    /// Σ invoice installments by **due** date: widget EXPECTED (before credit notes).
    public var invoicedByDueDate: WideInt = .zero
    /// Σ cash allocations by effective date (AR-ADD, AR-PAYDELAY, AR-ADTP denominators).
    public var cashAllocated: WideInt = .zero
    /// Σ amount × max(0, days(due, eff)) over cash allocations (AR-ADD; AR-REC-DELAY numerator).
    public var lateDaysWeighted: WideInt = .zero
    /// Σ amount × days(due, eff), signed (AR-PAYDELAY).
    public var signedDelayWeighted: WideInt = .zero
    /// Σ amount × days(invoice_date, eff) (AR-ADTP).
    public var daysToPayWeighted: WideInt = .zero
    /// Σ amount of late cash allocations, days(due, eff) ≥ 1 (AR-REC-DELAY denominator).
    public var lateAllocated: WideInt = .zero
    /// Installments paid (settlement date = this day) (AR-ONTIME).
    public var paidInstallments: Int64 = 0
    /// Of which paid on time (settlement ≤ due + grace).
    public var onTimeInstallments: Int64 = 0
    /// Σ amount of paid installments (AR-ONTIME-AMT).
    public var paidAmount: WideInt = .zero
    /// Σ amount of those paid on time.
    public var onTimeAmount: WideInt = .zero
    /// Allocations recorded on the day (AR-MATCH-AUTO).
    public var matched: Int64 = 0
    /// Of which AUTO.
    public var matchedAuto: Int64 = 0
    /// Σ amount of allocations recorded.
    public var matchedAmount: WideInt = .zero
    /// Σ amount of AUTO allocations recorded.
    public var matchedAutoAmount: WideInt = .zero
    /// Disputes opened (AR-DSP-RATE).
    public var disputesOpened: Int64 = 0
    /// Disputes resolved, whatever the outcome.
    public var disputesResolved: Int64 = 0
    /// Σ days(opened_on, resolved_on) of disputes resolved (AR-DSP-TIME).
    public var resolutionDays: WideInt = .zero

    /// Empty parts.
    public init() {}

    /// The neutral element.
    public static var zero: ReceivablesFlow { ReceivablesFlow() }

    /// SALES = invoiced − credit notes (kpi-definitions §2.1).
    public var sales: WideInt {
        self.invoiced - self.creditNotes
    }

    /// Widget EXPECTED = invoiced by due date − credit notes.
    public var expected: WideInt {
        self.invoicedByDueDate - self.creditNotes
    }

    /// Widget ACTUAL = cash received − refunds.
    public var actual: WideInt {
        self.cashReceived - self.refunds
    }

    /// Merge (sum of every field).
    public static func + (lhs: ReceivablesFlow, rhs: ReceivablesFlow) -> ReceivablesFlow {
        var result = lhs
        result += rhs
        return result
    }

    /// Merge in place.
    public static func += (lhs: inout ReceivablesFlow, rhs: ReceivablesFlow) {
        lhs.invoiced += rhs.invoiced
        lhs.creditNotes += rhs.creditNotes
        lhs.writeOffs += rhs.writeOffs
        lhs.cashReceived += rhs.cashReceived
        lhs.refunds += rhs.refunds
        lhs.invoicedByDueDate += rhs.invoicedByDueDate
        lhs.cashAllocated += rhs.cashAllocated
        lhs.lateDaysWeighted += rhs.lateDaysWeighted
        lhs.signedDelayWeighted += rhs.signedDelayWeighted
        lhs.daysToPayWeighted += rhs.daysToPayWeighted
        lhs.lateAllocated += rhs.lateAllocated
        lhs.paidInstallments += rhs.paidInstallments
        lhs.onTimeInstallments += rhs.onTimeInstallments
        lhs.paidAmount += rhs.paidAmount
        lhs.onTimeAmount += rhs.onTimeAmount
        lhs.matched += rhs.matched
        lhs.matchedAuto += rhs.matchedAuto
        lhs.matchedAmount += rhs.matchedAmount
        lhs.matchedAutoAmount += rhs.matchedAutoAmount
        lhs.disputesOpened += rhs.disputesOpened
        lhs.disputesResolved += rhs.disputesResolved
        lhs.resolutionDays += rhs.resolutionDays
    }
}
