public import Wire

/// A debit item: an invoice installment (échéance), or a refund / debit adjustment, which
/// kpi-definitions §2 treats as an installment with `invoice_date = due_date = date`, never in
/// sales. The gateway maps `InstallmentRecord` and `DebitDocumentRecord` to this; ids must be
/// unique across both (prefix debit-document ids if the firm reuses them).
///
/// An **opening** item (kind ``Kind/opening``) is an open invoice carried forward by an opening
/// entry (AN, kpi-definitions §10.4): it is an invoice everywhere (AR, ageing, DSO numerators,
/// collection rate, payment timing) except in SALES and in the widget's EXPECTED, because it was
/// invoiced in a fiscal year the firm did not send.
public struct InstallmentFact: Hashable, Sendable, Codable {
    /// What the debit is.
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        /// An invoice installment (counts in sales).
        case invoice = "INVOICE"
        /// Money paid back to the customer.
        case refund = "REFUND"
        /// Any other debit (never sales).
        case debitAdjustment = "DEBIT_ADJUSTMENT"
        /// An invoice carried forward by an opening entry (AN): an invoice except for SALES and
        /// the widget's EXPECTED (kpi-definitions §10.4).
        case opening = "OPENING"
    }

    /// External id.
    public var id: String
    /// Client id.
    public var client: String
    /// Invoice, refund or debit adjustment.
    public var kind: Kind
    /// Invoice the installment belongs to (the document id for debit documents).
    public var invoiceID: String
    /// Invoice date (the document date for debit documents).
    public var invoiceDate: CalendarDate
    /// Due date (inferred upstream when the source has none).
    public var dueDate: CalendarDate
    /// Amount TTC in cents (> 0).
    public var amount: Int64
    /// Amount HT in cents; `nil` uses the TTC amount (ratio 1) for AR-PROV-RATE.
    public var amountHT: Int64?
    /// Payment mode; `nil` uses the client's.
    public var paymentMode: String?

    /// Creates an invoice installment (an opening carry-forward when `isOpening`).
    public init(
        id: String,
        client: String,
        invoiceID: String? = nil,
        invoiceDate: CalendarDate,
        dueDate: CalendarDate,
        amount: Int64,
        amountHT: Int64? = nil,
        paymentMode: String? = nil,
        isOpening: Bool = false
    ) {
        self.id = id
        self.client = client
        self.kind = isOpening ? .opening : .invoice
        self.invoiceID = invoiceID ?? id
        self.invoiceDate = invoiceDate
        self.dueDate = dueDate
        self.amount = amount
        self.amountHT = amountHT
        self.paymentMode = paymentMode
    }

    /// Creates a refund or debit adjustment dated `date` (invoice and due date = `date`).
    public init(debitDocument id: String, kind: Kind, client: String, date: CalendarDate, amount: Int64) {
        self.id = id
        self.client = client
        self.kind = kind
        self.invoiceID = id
        self.invoiceDate = date
        self.dueDate = date
        self.amount = amount
        self.amountHT = nil
        self.paymentMode = nil
    }
}

/// A credit document: payment, credit note, write-off, adjustment or prepayment.
public struct CreditFact: Hashable, Sendable, Codable {
    /// Kind of credit.
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        /// Cash received.
        case payment = "PAYMENT"
        /// Credit note (avoir): reduces sales.
        case creditNote = "CREDIT_NOTE"
        /// Bad debt written off (654 / 6714).
        case writeOff = "WRITE_OFF"
        /// Any other credit (escompte, small differences, transfers between clients).
        case adjustment = "ADJUSTMENT"
        /// Customer prepayment (4191): cash, but not an unapplied credit unless the firm says so.
        case prepayment = "PREPAYMENT"

        /// Payment-timing KPIs use cash only: payments and prepayments (both are money received).
        public var isCash: Bool {
            self == .payment || self == .prepayment
        }
    }

    /// External id.
    public var id: String
    /// Client id.
    public var client: String
    /// Kind.
    public var kind: Kind
    /// Document date (cash received for a payment).
    public var date: CalendarDate
    /// Amount TTC in cents (> 0).
    public var amount: Int64
    /// Amount HT in cents (credit notes).
    public var amountHT: Int64?
    /// Carried forward by an opening entry (AN, kpi-definitions §10.4): the credit counts in AR
    /// (unapplied until allocated) and its allocations settle items, but it is never a document
    /// *of the period*: no credit note in SALES or EXPECTED, no write-off in AR-WO, no cash in
    /// the widget's ACTUAL.
    public var isOpening: Bool

    /// Creates a credit document.
    public init(
        id: String,
        client: String,
        kind: Kind,
        date: CalendarDate,
        amount: Int64,
        amountHT: Int64? = nil,
        isOpening: Bool = false
    ) {
        self.id = id
        self.client = client
        self.kind = kind
        self.date = date
        self.amount = amount
        self.amountHT = amountHT
        self.isOpening = isOpening
    }
}

/// A matching line (lettrage): part of a credit document applied to an installment.
public struct AllocationFact: Hashable, Sendable, Codable {
    /// How the matching was made.
    public enum Method: String, Hashable, Sendable, Codable, CaseIterable {
        /// By a matching engine.
        case auto = "AUTO"
        /// By a person.
        case manual = "MANUAL"
    }

    /// External id.
    public var id: String
    /// Credit document id.
    public var source: String
    /// Installment id.
    public var target: String
    /// Allocated amount in cents (> 0).
    public var amount: Int64
    /// Date the matching was recorded (only AR-MATCH-AUTO uses it).
    public var recordedOn: CalendarDate
    /// AUTO or MANUAL.
    public var method: Method

    /// Creates an allocation.
    public init(
        id: String,
        source: String,
        target: String,
        amount: Int64,
        recordedOn: CalendarDate,
        method: Method = .manual
    ) {
        self.id = id
        self.source = source
        self.target = target
        self.amount = amount
        self.recordedOn = recordedOn
        self.method = method
    }
}

/// A dispute (litige) on an installment.
public struct DisputeFact: Hashable, Sendable, Codable {
    /// External id.
    public var id: String
    /// Disputed installment id.
    public var installment: String
    /// Date opened.
    public var openedOn: CalendarDate
    /// Date resolved, if resolved.
    public var resolvedOn: CalendarDate?
    /// Outcome label.
    public var outcome: String?
    /// Reason (ageing rows can group by it).
    public var reason: String?

    /// Creates a dispute.
    public init(
        id: String,
        installment: String,
        openedOn: CalendarDate,
        resolvedOn: CalendarDate? = nil,
        outcome: String? = nil,
        reason: String? = nil
    ) {
        self.id = id
        self.installment = installment
        self.openedOn = openedOn
        self.resolvedOn = resolvedOn
        self.outcome = outcome
        self.reason = reason
    }

    /// Open at the end of `date`: opened on or before it, not resolved on or before it.
    public func isOpen(at date: CalendarDate) -> Bool {
        self.openedOn <= date && (self.resolvedOn.map { $0 > date } ?? true)
    }
}

/// A provision (dépréciation) on an installment, HT.
public struct ProvisionFact: Hashable, Sendable, Codable {
    /// External id.
    public var id: String
    /// Provisioned installment id.
    public var installment: String
    /// Provision HT in cents.
    public var amountHT: Int64
    /// Constitution date.
    public var date: CalendarDate
    /// Release date, if released.
    public var releasedOn: CalendarDate?

    /// Creates a provision.
    public init(id: String, installment: String, amountHT: Int64, date: CalendarDate, releasedOn: CalendarDate? = nil) {
        self.id = id
        self.installment = installment
        self.amountHT = amountHT
        self.date = date
        self.releasedOn = releasedOn
    }

    /// In force at the end of `date`: constituted on or before it and not released on or before it.
    public func isInForce(at date: CalendarDate) -> Bool {
        self.date <= date && (self.releasedOn.map { $0 > date } ?? true)
    }
}

/// Exposure still at the firm's risk but not on the ledger (discounted bills not yet matured,
/// receivables assigned with recourse), for AR-ENC-REAL.
public struct OffLedgerExposureFact: Hashable, Sendable, Codable {
    /// External id.
    public var id: String
    /// Client id.
    public var client: String
    /// First day of the exposure.
    public var date: CalendarDate
    /// Amount in cents.
    public var amount: Int64
    /// Maturity: the exposure no longer counts from this day on; `nil` = open-ended.
    public var endsOn: CalendarDate?

    /// Creates an exposure.
    public init(id: String, client: String, date: CalendarDate, amount: Int64, endsOn: CalendarDate? = nil) {
        self.id = id
        self.client = client
        self.date = date
        self.amount = amount
        self.endsOn = endsOn
    }

    /// Counts at the end of `date`: `date ≥ start` and before maturity.
    public func isInForce(at date: CalendarDate) -> Bool {
        self.date <= date && (self.endsOn.map { $0 > date } ?? true)
    }
}
