public import Wire

/// A client document (pièce) received by the firm (kpi-definitions §7).
public struct DocumentFact: Hashable, Sendable, Codable {
    /// Channel the document came through.
    public enum Channel: String, Hashable, Sendable, Codable, CaseIterable {
        /// Sent by e-mail.
        case email = "EMAIL"
        /// Uploaded through the web application.
        case upload = "UPLOAD"
        /// Sent from the mobile application.
        case mobile = "MOBILE"
        /// Collected from a bank feed.
        case bankFeed = "BANK_FEED"
        /// Fetched from the supplier's portal.
        case supplierFetch = "SUPPLIER_FETCH"
        /// Received on paper and scanned.
        case paper = "PAPER"
        /// Pushed through the API.
        case api = "API"
    }

    /// Nature of the document.
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        /// A purchase invoice.
        case cost = "COST"
        /// A sales invoice.
        case sale = "SALE"
        /// An expense receipt.
        case expense = "EXPENSE"
    }

    /// Processing status: `TO_REVIEW` → `READY` → `PUBLISHED`, or `DELETED`.
    public enum Status: String, Hashable, Sendable, Codable, CaseIterable {
        /// Waiting for a review.
        case toReview = "TO_REVIEW"
        /// Reviewed, ready to publish.
        case ready = "READY"
        /// Published to the books (processed).
        case published = "PUBLISHED"
        /// Deleted.
        case deleted = "DELETED"
    }

    /// One status change.
    public struct StatusChange: Hashable, Sendable, Codable {
        /// New status.
        public var status: Status
        /// Date of the change.
        public var on: CalendarDate

        /// Creates a change.
        public init(_ status: Status, on: CalendarDate) {
            self.status = status
            self.on = on
        }
    }

    /// External id.
    public var id: String
    /// Client id.
    public var client: String
    /// Date received.
    public var receivedOn: CalendarDate
    /// Channel.
    public var channel: Channel
    /// Kind.
    public var kind: Kind
    /// Supplier, for supplier rules.
    public var supplier: String?
    /// Status changes, in any order.
    public var statusHistory: [StatusChange]
    /// A supplier rule categorised it.
    public var autoCategorised: Bool
    /// A supplier rule published it.
    public var autoPublished: Bool

    /// Creates a document.
    public init(
        id: String,
        client: String,
        receivedOn: CalendarDate,
        channel: Channel,
        kind: Kind = .cost,
        supplier: String? = nil,
        statusHistory: [StatusChange] = [],
        autoCategorised: Bool = false,
        autoPublished: Bool = false
    ) {
        self.id = id
        self.client = client
        self.receivedOn = receivedOn
        self.channel = channel
        self.kind = kind
        self.supplier = supplier
        self.statusHistory = statusHistory
        self.autoCategorised = autoCategorised
        self.autoPublished = autoPublished
    }

    /// Status at the end of `date`: the latest change dated on or before it (ties: the later
    /// entry of the history wins); `TO_REVIEW` when received but no change is recorded yet;
    /// `nil` before the document was received.
    public func status(at date: CalendarDate) -> Status? {
        guard self.receivedOn <= date else { return nil }
        var result: StatusChange? = nil
        for change in self.statusHistory where change.on <= date {
            if let current = result, change.on < current.on { continue }
            result = change
        }
        return result?.status ?? .toReview
    }

    /// The first day the document reached `PUBLISHED`, if it did.
    public var publishedOn: CalendarDate? {
        self.statusHistory.filter { $0.status == .published }.map(\.on).min()
    }
}

/// A supplier rule set up for a client.
public struct SupplierRuleFact: Hashable, Sendable, Codable {
    /// External id.
    public var id: String
    /// Client id.
    public var client: String
    /// Supplier the rule applies to.
    public var supplier: String
    /// Creation date.
    public var createdOn: CalendarDate
    /// The rule publishes without review.
    public var autoPublish: Bool

    /// Creates a rule.
    public init(id: String, client: String, supplier: String, createdOn: CalendarDate, autoPublish: Bool = false) {
        self.id = id
        self.client = client
        self.supplier = supplier
        self.createdOn = createdOn
        self.autoPublish = autoPublish
    }
}
