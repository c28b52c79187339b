/// A client file (dossier): the filter profile and the receivables attributes of kpi-definitions
/// §2 and §7. The gateway maps `ClientRecord` to this.
public struct ClientFact: Hashable, Sendable, Codable {
    /// Who keeps a client's books ("tenue").
    public enum BookkeepingMode: String, Hashable, Sendable, Codable, CaseIterable {
        /// The firm keeps the books.
        case firm = "FIRM"
        /// The client keeps the books.
        case client = "CLIENT"
    }

    /// Declared sending frequency (PR-REGULARITY).
    public enum Frequency: String, Hashable, Sendable, Codable, CaseIterable {
        /// Every calendar month.
        case monthly = "MONTHLY"
        /// Every calendar quarter.
        case quarterly = "QUARTERLY"
        /// Every fiscal year.
        case yearly = "YEARLY"
    }

    /// External id.
    public var id: String
    /// Display name.
    public var name: String
    /// Office (organisation unit id).
    public var office: String?
    /// Bookkeeping mode.
    public var bookkeepingMode: BookkeepingMode
    /// Declared frequency; `nil` means monthly (§7).
    public var frequency: Frequency?
    /// Collaborators who manage the file ("géré par").
    public var assignedCollaborators: [String]
    /// Collaborator in charge of collection (supervisor visibility, team KPIs).
    public var collectionAgent: String?
    /// Collection strategy id.
    public var strategy: String?
    /// Default payment mode of the client's installments.
    public var paymentMode: String?
    /// Credit limit in cents; `nil` or ≤ 0 means none.
    public var creditLimit: Int64?
    /// Collective customer account (supervisor filter).
    public var collectiveAccount: String?
    /// Doubtful client (416, collective proceedings).
    public var doubtful: Bool
    /// Deactivated file.
    public var deactivated: Bool

    /// Creates a client.
    public init(
        id: String,
        name: String = "",
        office: String? = nil,
        bookkeepingMode: BookkeepingMode = .firm,
        frequency: Frequency? = nil,
        assignedCollaborators: [String] = [],
        collectionAgent: String? = nil,
        strategy: String? = nil,
        paymentMode: String? = nil,
        creditLimit: Int64? = nil,
        collectiveAccount: String? = nil,
        doubtful: Bool = false,
        deactivated: Bool = false
    ) {
        self.id = id
        self.name = name
        self.office = office
        self.bookkeepingMode = bookkeepingMode
        self.frequency = frequency
        self.assignedCollaborators = assignedCollaborators
        self.collectionAgent = collectionAgent
        self.strategy = strategy
        self.paymentMode = paymentMode
        self.creditLimit = creditLimit
        self.collectiveAccount = collectiveAccount
        self.doubtful = doubtful
        self.deactivated = deactivated
    }

    /// The filter profile that decides which rollup group the client belongs to.
    public var profile: ClientProfile {
        ClientProfile(
            office: self.office,
            bookkeepingMode: self.bookkeepingMode,
            frequency: self.frequency ?? .monthly,
            deactivated: self.deactivated,
            collaborators: Set(self.assignedCollaborators)
        )
    }
}
