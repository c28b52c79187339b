// The records of `data-contract.md`, one type per entity. Field names on the wire, in JSON lines
// and in CSV headers are the snake_case names of the data contract (see each `CodingKeys`).
// Fields with a default may be absent on input; optional fields may be absent or null.

public import Foundation
public import Wire

/// The firm's own settings: identity, calendar and the KPI choices of kpi-definitions §6 and §7 (every KPI setting optional; the documented default applies when absent).
public struct FirmSettingsRecord: Codable, Sendable, Hashable {
    /// Display name of the firm.
    public var name: String
    /// IANA time zone in which business dates are expressed (`Europe/Paris`).
    public var timeZone: String
    /// Month (1–12) on which the fiscal year starts.
    public var fiscalYearStartMonth: Int
    /// Day of month (1–31) on which the fiscal year starts.
    public var fiscalYearStartDay: Int
    /// Rolling window of the DSO family (default 90).
    public var dsoWindowDays: Int?
    /// Exclude doubtful (416) receivables from DSO (default false).
    public var excludeDoubtfulFromDSO: Bool?
    /// Count customer prepayments (4191) as unapplied credits (default false).
    public var prepaymentsAsUnapplied: Bool?
    /// Ageing boundaries in days past due, strictly increasing (default [30, 60, 90, 120]).
    public var agedBucketBoundaries: [Int]?
    /// Days past due beyond which an item is at risk (default 90).
    public var riskDaysPastDue: Int?
    /// Grace days for AR-ONTIME (default 0).
    public var onTimeGraceDays: Int?
    /// AR-FCST: N most recent settled installments per client (default 12).
    public var forecastHistoryInstallments: Int?
    /// AR-FCST: M distinct installments needed for a client's own delay (default 2).
    public var forecastMinimumInstallments: Int?
    /// AR-FCST horizon after D (default 90).
    public var forecastHorizonDays: Int?
    /// AR-FCST: items older than this are not forecast (default 365).
    public var forecastMaxDaysPastDue: Int?
    /// AR-PROV-GRID rate per ageing bucket in basis points, NOT_DUE first (default all 0).
    public var provisionGridBasisPoints: [Int]?
    /// PR-INACTIVE window (default 30).
    public var inactivityDays: Int?
    /// PR-DECLINING threshold in % of the baseline (default 50).
    public var decliningRatioPercent: Int?
    /// PR-DECLINING minimum baseline per 30 days (default 4).
    public var decliningMinimumDocuments: Int?
    /// Supervisor: minimum days between two actions on the same client (default 1).
    public var minimumDaysBetweenActions: Int?

    /// Creates the record; defaults are those of the data contract.
    public init(
        name: String,
        timeZone: String,
        fiscalYearStartMonth: Int,
        fiscalYearStartDay: Int,
        dsoWindowDays: Int? = nil,
        excludeDoubtfulFromDSO: Bool? = nil,
        prepaymentsAsUnapplied: Bool? = nil,
        agedBucketBoundaries: [Int]? = nil,
        riskDaysPastDue: Int? = nil,
        onTimeGraceDays: Int? = nil,
        forecastHistoryInstallments: Int? = nil,
        forecastMinimumInstallments: Int? = nil,
        forecastHorizonDays: Int? = nil,
        forecastMaxDaysPastDue: Int? = nil,
        provisionGridBasisPoints: [Int]? = nil,
        inactivityDays: Int? = nil,
        decliningRatioPercent: Int? = nil,
        decliningMinimumDocuments: Int? = nil,
        minimumDaysBetweenActions: Int? = nil
    ) {
        self.name = name
        self.timeZone = timeZone
        self.fiscalYearStartMonth = fiscalYearStartMonth
        self.fiscalYearStartDay = fiscalYearStartDay
        self.dsoWindowDays = dsoWindowDays
        self.excludeDoubtfulFromDSO = excludeDoubtfulFromDSO
        self.prepaymentsAsUnapplied = prepaymentsAsUnapplied
        self.agedBucketBoundaries = agedBucketBoundaries
        self.riskDaysPastDue = riskDaysPastDue
        self.onTimeGraceDays = onTimeGraceDays
        self.forecastHistoryInstallments = forecastHistoryInstallments
        self.forecastMinimumInstallments = forecastMinimumInstallments
        self.forecastHorizonDays = forecastHorizonDays
        self.forecastMaxDaysPastDue = forecastMaxDaysPastDue
        self.provisionGridBasisPoints = provisionGridBasisPoints
        self.inactivityDays = inactivityDays
        self.decliningRatioPercent = decliningRatioPercent
        self.decliningMinimumDocuments = decliningMinimumDocuments
        self.minimumDaysBetweenActions = minimumDaysBetweenActions
    }

    enum CodingKeys: String, CodingKey {
        case name
        case timeZone = "time_zone"
        case fiscalYearStartMonth = "fiscal_year_start_month"
        case fiscalYearStartDay = "fiscal_year_start_day"
        case dsoWindowDays = "dso_window_days"
        case excludeDoubtfulFromDSO = "exclude_doubtful_from_dso"
        case prepaymentsAsUnapplied = "prepayments_as_unapplied"
        case agedBucketBoundaries = "aged_bucket_boundaries"
        case riskDaysPastDue = "risk_days_past_due"
        case onTimeGraceDays = "on_time_grace_days"
        case forecastHistoryInstallments = "forecast_history_installments"
        case forecastMinimumInstallments = "forecast_minimum_installments"
        case forecastHorizonDays = "forecast_horizon_days"
        case forecastMaxDaysPastDue = "forecast_max_days_past_due"
        case provisionGridBasisPoints = "provision_grid_basis_points"
        case inactivityDays = "inactivity_days"
        case decliningRatioPercent = "declining_ratio_percent"
        case decliningMinimumDocuments = "declining_minimum_documents"
        case minimumDaysBetweenActions = "minimum_days_between_actions"
    }
}

extension FirmSettingsRecord: IngestibleRecord {
    public static var entityKind: EntityKind { .firmSettings }
    /// Firm settings are a single record per firm; its key is fixed.
    public var id: String { "settings" }
}

/// A region, agency or office of the firm.
public struct OrganisationUnitRecord: Codable, Sendable, Hashable {
    /// External id.
    public var id: String
    /// Display name.
    public var name: String
    /// Region, agency or office.
    public var kind: OrganisationUnitKind
    /// Id of the enclosing unit.
    public var parent: String?

    /// Creates the record; defaults are those of the data contract.
    public init(
        id: String,
        name: String,
        kind: OrganisationUnitKind,
        parent: String? = nil
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.parent = parent
    }

    enum CodingKeys: String, CodingKey {
        case id
        case name
        case kind
        case parent
    }
}

extension OrganisationUnitRecord: IngestibleRecord {
    public static var entityKind: EntityKind { .organisationUnit }
}

/// A member of the firm's staff.
public struct CollaboratorRecord: Codable, Sendable, Hashable {
    /// External id.
    public var id: String
    /// Display name.
    public var name: String
    /// Organisation unit (office) the collaborator belongs to.
    public var office: String?
    /// Roles; they drive visibility.
    public var roles: [CollaboratorRole]
    /// Confidentiality group (prospects visibility).
    public var confidentialityGroup: String?
    /// False for a collaborator who left.
    public var active: Bool

    /// Creates the record; defaults are those of the data contract.
    public init(
        id: String,
        name: String,
        office: String? = nil,
        roles: [CollaboratorRole] = [],
        confidentialityGroup: String? = nil,
        active: Bool = true
    ) {
        self.id = id
        self.name = name
        self.office = office
        self.roles = roles
        self.confidentialityGroup = confidentialityGroup
        self.active = active
    }

    enum CodingKeys: String, CodingKey {
        case id
        case name
        case office
        case roles
        case confidentialityGroup = "confidentiality_group"
        case active
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try container.decode(String.self, forKey: .id)
        self.name = try container.decode(String.self, forKey: .name)
        self.office = try container.decodeIfPresent(String.self, forKey: .office)
        self.roles = try container.decodeIfPresent([CollaboratorRole].self, forKey: .roles) ?? []
        self.confidentialityGroup = try container.decodeIfPresent(String.self, forKey: .confidentialityGroup)
        self.active = try container.decodeIfPresent(Bool.self, forKey: .active) ?? true
    }
}

extension CollaboratorRecord: IngestibleRecord {
    public static var entityKind: EntityKind { .collaborator }
}

/// A client file (dossier) of the firm.
public struct ClientRecord: Codable, Sendable, Hashable {
    /// External id.
    public var id: String
    /// Display name.
    public var name: String
    /// The firm's own client code.
    public var practiceCode: String?
    /// Organisation unit (office) in charge.
    public var office: String?
    /// Who keeps the books (default FIRM).
    public var bookkeepingMode: BookkeepingMode
    /// Declared sending frequency.
    public var frequency: SendingFrequency?
    /// Collaborators who manage the file ("géré par").
    public var assignedCollaborators: [String]
    /// Collaborator in charge of collection.
    public var collectionAgent: String?
    /// Collection strategy id.
    public var strategy: String?
    /// Default payment mode code (C, V30, N30 …).
    public var paymentMode: String?
    /// Payment terms used to infer missing due dates.
    public var paymentTermsDays: Int?
    /// Credit limit in cents (TTC).
    public var creditLimit: Int64?
    /// Client category.
    public var category: String?
    /// Collective customer account (411000 …).
    public var collectiveAccount: String?
    /// Client in doubtful receivables (416) or collective proceedings.
    public var doubtful: Bool
    /// Deactivated client file.
    public var deactivated: Bool

    /// Creates the record; defaults are those of the data contract.
    public init(
        id: String,
        name: String,
        practiceCode: String? = nil,
        office: String? = nil,
        bookkeepingMode: BookkeepingMode = .firm,
        frequency: SendingFrequency? = nil,
        assignedCollaborators: [String] = [],
        collectionAgent: String? = nil,
        strategy: String? = nil,
        paymentMode: String? = nil,
        paymentTermsDays: Int? = nil,
        creditLimit: Int64? = nil,
        category: String? = nil,
        collectiveAccount: String? = nil,
        doubtful: Bool = false,
        deactivated: Bool = false
    ) {
        self.id = id
        self.name = name
        self.practiceCode = practiceCode
        self.office = office
        self.bookkeepingMode = bookkeepingMode
        self.frequency = frequency
        self.assignedCollaborators = assignedCollaborators
        self.collectionAgent = collectionAgent
        self.strategy = strategy
        self.paymentMode = paymentMode
        self.paymentTermsDays = paymentTermsDays
        self.creditLimit = creditLimit
        self.category = category
        self.collectiveAccount = collectiveAccount
        self.doubtful = doubtful
        self.deactivated = deactivated
    }

    enum CodingKeys: String, CodingKey {
        case id
        case name
        case practiceCode = "practice_code"
        case office
        case bookkeepingMode = "bookkeeping_mode"
        case frequency
        case assignedCollaborators = "assigned_collaborators"
        case collectionAgent = "collection_agent"
        case strategy
        case paymentMode = "payment_mode"
        case paymentTermsDays = "payment_terms_days"
        case creditLimit = "credit_limit"
        case category
        case collectiveAccount = "collective_account"
        case doubtful
        case deactivated
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try container.decode(String.self, forKey: .id)
        self.name = try container.decode(String.self, forKey: .name)
        self.practiceCode = try container.decodeIfPresent(String.self, forKey: .practiceCode)
        self.office = try container.decodeIfPresent(String.self, forKey: .office)
        self.bookkeepingMode = try container.decodeIfPresent(BookkeepingMode.self, forKey: .bookkeepingMode) ?? .firm
        self.frequency = try container.decodeIfPresent(SendingFrequency.self, forKey: .frequency)
        self.assignedCollaborators = try container.decodeIfPresent([String].self, forKey: .assignedCollaborators) ?? []
        self.collectionAgent = try container.decodeIfPresent(String.self, forKey: .collectionAgent)
        self.strategy = try container.decodeIfPresent(String.self, forKey: .strategy)
        self.paymentMode = try container.decodeIfPresent(String.self, forKey: .paymentMode)
        self.paymentTermsDays = try container.decodeIfPresent(Int.self, forKey: .paymentTermsDays)
        self.creditLimit = try container.decodeIfPresent(Int64.self, forKey: .creditLimit)
        self.category = try container.decodeIfPresent(String.self, forKey: .category)
        self.collectiveAccount = try container.decodeIfPresent(String.self, forKey: .collectiveAccount)
        self.doubtful = try container.decodeIfPresent(Bool.self, forKey: .doubtful) ?? false
        self.deactivated = try container.decodeIfPresent(Bool.self, forKey: .deactivated) ?? false
    }
}

extension ClientRecord: IngestibleRecord {
    public static var entityKind: EntityKind { .client }
}

/// A supplier rule set up for a client (auto-categorisation, auto-publication).
public struct SupplierRuleRecord: Codable, Sendable, Hashable {
    /// External id.
    public var id: String
    /// Client id.
    public var client: String
    /// Supplier name or id the rule applies to.
    public var supplier: String
    /// Date the rule was created.
    public var createdOn: CalendarDate
    /// The rule publishes documents without review.
    public var autoPublish: Bool

    /// Creates the record; defaults are those of the data contract.
    public init(
        id: String,
        client: String,
        supplier: String,
        createdOn: CalendarDate,
        autoPublish: Bool = false
    ) {
        self.id = id
        self.client = client
        self.supplier = supplier
        self.createdOn = createdOn
        self.autoPublish = autoPublish
    }

    enum CodingKeys: String, CodingKey {
        case id
        case client
        case supplier
        case createdOn = "created_on"
        case autoPublish = "auto_publish"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try container.decode(String.self, forKey: .id)
        self.client = try container.decode(String.self, forKey: .client)
        self.supplier = try container.decode(String.self, forKey: .supplier)
        self.createdOn = try container.decode(CalendarDate.self, forKey: .createdOn)
        self.autoPublish = try container.decodeIfPresent(Bool.self, forKey: .autoPublish) ?? false
    }
}

extension SupplierRuleRecord: IngestibleRecord {
    public static var entityKind: EntityKind { .supplierRule }
}

/// A client document (pièce) received by the firm.
public struct DocumentRecord: Codable, Sendable, Hashable {
    /// External id.
    public var id: String
    /// Client id.
    public var client: String
    /// Date received.
    public var receivedOn: CalendarDate
    /// Channel it came through.
    public var channel: DocumentChannel
    /// Cost, sale or expense.
    public var kind: DocumentKind
    /// Supplier name or id.
    public var supplier: String?
    /// Status changes, in any order.
    public var statusHistory: [DocumentStatusChange]
    /// A supplier rule categorised it.
    public var autoCategorised: Bool
    /// A supplier rule published it.
    public var autoPublished: Bool
    /// Amount in cents, when known.
    public var amount: Int64?

    /// Creates the record; defaults are those of the data contract.
    public init(
        id: String,
        client: String,
        receivedOn: CalendarDate,
        channel: DocumentChannel,
        kind: DocumentKind,
        supplier: String? = nil,
        statusHistory: [DocumentStatusChange] = [],
        autoCategorised: Bool = false,
        autoPublished: Bool = false,
        amount: Int64? = nil
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
        self.amount = amount
    }

    enum CodingKeys: String, CodingKey {
        case id
        case client
        case receivedOn = "received_on"
        case channel
        case kind
        case supplier
        case statusHistory = "status_history"
        case autoCategorised = "auto_categorised"
        case autoPublished = "auto_published"
        case amount
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try container.decode(String.self, forKey: .id)
        self.client = try container.decode(String.self, forKey: .client)
        self.receivedOn = try container.decode(CalendarDate.self, forKey: .receivedOn)
        self.channel = try container.decode(DocumentChannel.self, forKey: .channel)
        self.kind = try container.decode(DocumentKind.self, forKey: .kind)
        self.supplier = try container.decodeIfPresent(String.self, forKey: .supplier)
        self.statusHistory = try container.decodeIfPresent([DocumentStatusChange].self, forKey: .statusHistory) ?? []
        self.autoCategorised = try container.decodeIfPresent(Bool.self, forKey: .autoCategorised) ?? false
        self.autoPublished = try container.decodeIfPresent(Bool.self, forKey: .autoPublished) ?? false
        self.amount = try container.decodeIfPresent(Int64.self, forKey: .amount)
    }
}

extension DocumentRecord: IngestibleRecord {
    public static var entityKind: EntityKind { .document }
}

/// An installment (échéance) of a customer invoice; most invoices have one.
public struct InstallmentRecord: Codable, Sendable, Hashable {
    /// External id.
    public var id: String
    /// Client id.
    public var client: String
    /// Invoice the installment belongs to.
    public var invoiceID: String
    /// Invoice date.
    public var invoiceDate: CalendarDate
    /// Due date; when absent it is inferred (client terms, else 30 days) and reported.
    public var dueDate: CalendarDate?
    /// Amount TTC in cents (> 0).
    public var amount: Int64
    /// Amount HT in cents.
    public var amountHT: Int64?
    /// Payment mode code; defaults to the client's.
    public var paymentMode: String?
    /// true when carried forward by an opening entry (AN): counts in AR, never in SALES (absent: a regular item).
    public var opening: Bool?

    /// Creates the record; defaults are those of the data contract.
    public init(
        id: String,
        client: String,
        invoiceID: String,
        invoiceDate: CalendarDate,
        dueDate: CalendarDate? = nil,
        amount: Int64,
        amountHT: Int64? = nil,
        paymentMode: String? = nil,
        opening: Bool? = nil
    ) {
        self.id = id
        self.client = client
        self.invoiceID = invoiceID
        self.invoiceDate = invoiceDate
        self.dueDate = dueDate
        self.amount = amount
        self.amountHT = amountHT
        self.paymentMode = paymentMode
        self.opening = opening
    }

    enum CodingKeys: String, CodingKey {
        case id
        case client
        case invoiceID = "invoice_id"
        case invoiceDate = "invoice_date"
        case dueDate = "due_date"
        case amount
        case amountHT = "amount_ht"
        case paymentMode = "payment_mode"
        case opening
    }
}

extension InstallmentRecord: IngestibleRecord {
    public static var entityKind: EntityKind { .installment }
}

/// A debit other than an invoice: a refund paid back to a customer or a debit adjustment.
public struct DebitDocumentRecord: Codable, Sendable, Hashable {
    /// External id.
    public var id: String
    /// Refund or debit adjustment.
    public var kind: DebitDocumentKind
    /// Client id.
    public var client: String
    /// Document date.
    public var date: CalendarDate
    /// Amount in cents (> 0).
    public var amount: Int64

    /// Creates the record; defaults are those of the data contract.
    public init(
        id: String,
        kind: DebitDocumentKind,
        client: String,
        date: CalendarDate,
        amount: Int64
    ) {
        self.id = id
        self.kind = kind
        self.client = client
        self.date = date
        self.amount = amount
    }

    enum CodingKeys: String, CodingKey {
        case id
        case kind
        case client
        case date
        case amount
    }
}

extension DebitDocumentRecord: IngestibleRecord {
    public static var entityKind: EntityKind { .debitDocument }
}

/// A payment, credit note, write-off, adjustment or prepayment.
public struct CreditDocumentRecord: Codable, Sendable, Hashable {
    /// External id.
    public var id: String
    /// Kind of credit.
    public var kind: CreditDocumentKind
    /// Client id.
    public var client: String
    /// Document date (cash received for a payment).
    public var date: CalendarDate
    /// Amount TTC in cents (> 0).
    public var amount: Int64
    /// Amount HT in cents (credit notes).
    public var amountHT: Int64?
    /// true when carried forward by an opening entry (AN): counts in AR, never in SALES (absent: a regular item).
    public var opening: Bool?

    /// Creates the record; defaults are those of the data contract.
    public init(
        id: String,
        kind: CreditDocumentKind,
        client: String,
        date: CalendarDate,
        amount: Int64,
        amountHT: Int64? = nil,
        opening: Bool? = nil
    ) {
        self.id = id
        self.kind = kind
        self.client = client
        self.date = date
        self.amount = amount
        self.amountHT = amountHT
        self.opening = opening
    }

    enum CodingKeys: String, CodingKey {
        case id
        case kind
        case client
        case date
        case amount
        case amountHT = "amount_ht"
        case opening
    }
}

extension CreditDocumentRecord: IngestibleRecord {
    public static var entityKind: EntityKind { .creditDocument }
}

/// A matching line (lettrage): part of a credit document applied to an installment or debit document.
public struct AllocationRecord: Codable, Sendable, Hashable {
    /// External id.
    public var id: String
    /// Credit document id.
    public var source: String
    /// Installment (or debit document) id.
    public var target: String
    /// What `target` names (default INSTALLMENT).
    public var targetKind: AllocationTargetKind
    /// Allocated amount in cents (> 0).
    public var amount: Int64
    /// Date the matching was recorded.
    public var recordedOn: CalendarDate
    /// AUTO or MANUAL (default MANUAL).
    public var method: AllocationMethod

    /// Creates the record; defaults are those of the data contract.
    public init(
        id: String,
        source: String,
        target: String,
        targetKind: AllocationTargetKind = .installment,
        amount: Int64,
        recordedOn: CalendarDate,
        method: AllocationMethod = .manual
    ) {
        self.id = id
        self.source = source
        self.target = target
        self.targetKind = targetKind
        self.amount = amount
        self.recordedOn = recordedOn
        self.method = method
    }

    enum CodingKeys: String, CodingKey {
        case id
        case source
        case target
        case targetKind = "target_kind"
        case amount
        case recordedOn = "recorded_on"
        case method
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try container.decode(String.self, forKey: .id)
        self.source = try container.decode(String.self, forKey: .source)
        self.target = try container.decode(String.self, forKey: .target)
        self.targetKind = try container.decodeIfPresent(AllocationTargetKind.self, forKey: .targetKind) ?? .installment
        self.amount = try container.decode(Int64.self, forKey: .amount)
        self.recordedOn = try container.decode(CalendarDate.self, forKey: .recordedOn)
        self.method = try container.decodeIfPresent(AllocationMethod.self, forKey: .method) ?? .manual
    }
}

extension AllocationRecord: IngestibleRecord {
    public static var entityKind: EntityKind { .allocation }
}

/// A dispute (litige) on an installment.
public struct DisputeRecord: Codable, Sendable, Hashable {
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
    /// Dispute reason (ageing rows group by it).
    public var reason: String?

    /// Creates the record; defaults are those of the data contract.
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

    enum CodingKeys: String, CodingKey {
        case id
        case installment
        case openedOn = "opened_on"
        case resolvedOn = "resolved_on"
        case outcome
        case reason
    }
}

extension DisputeRecord: IngestibleRecord {
    public static var entityKind: EntityKind { .dispute }
}

/// A provision (dépréciation) on an installment, HT.
public struct ProvisionRecord: Codable, Sendable, Hashable {
    /// External id.
    public var id: String
    /// Provisioned installment id.
    public var installment: String
    /// Provision HT in cents (> 0).
    public var amountHT: Int64
    /// Constitution date.
    public var date: CalendarDate
    /// Release date, if released.
    public var releasedOn: CalendarDate?

    /// Creates the record; defaults are those of the data contract.
    public init(
        id: String,
        installment: String,
        amountHT: Int64,
        date: CalendarDate,
        releasedOn: CalendarDate? = nil
    ) {
        self.id = id
        self.installment = installment
        self.amountHT = amountHT
        self.date = date
        self.releasedOn = releasedOn
    }

    enum CodingKeys: String, CodingKey {
        case id
        case installment
        case amountHT = "amount_ht"
        case date
        case releasedOn = "released_on"
    }
}

extension ProvisionRecord: IngestibleRecord {
    public static var entityKind: EntityKind { .provision }
}

/// Exposure still at the firm's risk but not on the ledger (discounted bills not matured …).
public struct OffLedgerExposureRecord: Codable, Sendable, Hashable {
    /// External id.
    public var id: String
    /// Client id.
    public var client: String
    /// Date the exposure starts.
    public var date: CalendarDate
    /// Amount in cents (> 0).
    public var amount: Int64
    /// Free label (BILL_DISCOUNTED, FACTORING_RECOURSE …).
    public var kind: String
    /// Date the exposure ends (maturity), if known.
    public var endsOn: CalendarDate?

    /// Creates the record; defaults are those of the data contract.
    public init(
        id: String,
        client: String,
        date: CalendarDate,
        amount: Int64,
        kind: String,
        endsOn: CalendarDate? = nil
    ) {
        self.id = id
        self.client = client
        self.date = date
        self.amount = amount
        self.kind = kind
        self.endsOn = endsOn
    }

    enum CodingKeys: String, CodingKey {
        case id
        case client
        case date
        case amount
        case kind
        case endsOn = "ends_on"
    }
}

extension OffLedgerExposureRecord: IngestibleRecord {
    public static var entityKind: EntityKind { .offLedgerExposure }
}

/// A collection strategy: an ordered list of actions.
public struct CollectionStrategyRecord: Codable, Sendable, Hashable {
    /// External id.
    public var id: String
    /// Display name.
    public var name: String
    /// Actions of the strategy.
    public var actions: [StrategyAction]

    /// Creates the record; defaults are those of the data contract.
    public init(
        id: String,
        name: String,
        actions: [StrategyAction] = []
    ) {
        self.id = id
        self.name = name
        self.actions = actions
    }

    enum CodingKeys: String, CodingKey {
        case id
        case name
        case actions
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try container.decode(String.self, forKey: .id)
        self.name = try container.decode(String.self, forKey: .name)
        self.actions = try container.decodeIfPresent([StrategyAction].self, forKey: .actions) ?? []
    }
}

extension CollectionStrategyRecord: IngestibleRecord {
    public static var entityKind: EntityKind { .collectionStrategy }
}

/// An outcome recorded for a collection action on an installment.
public struct CollectionEventRecord: Codable, Sendable, Hashable {
    /// External id.
    public var id: String
    /// Installment id.
    public var installment: String
    /// Action code of the strategy.
    public var actionCode: String
    /// What was done.
    public var outcome: CollectionOutcome
    /// For MODIFIED: the action done instead.
    public var replacementCode: String?
    /// Collaborator who recorded it.
    public var actor: String
    /// Instant (UTC) it was recorded.
    public var at: Date
    /// Free note.
    public var note: String?

    /// Creates the record; defaults are those of the data contract.
    public init(
        id: String,
        installment: String,
        actionCode: String,
        outcome: CollectionOutcome,
        replacementCode: String? = nil,
        actor: String,
        at: Date,
        note: String? = nil
    ) {
        self.id = id
        self.installment = installment
        self.actionCode = actionCode
        self.outcome = outcome
        self.replacementCode = replacementCode
        self.actor = actor
        self.at = at
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case id
        case installment
        case actionCode = "action_code"
        case outcome
        case replacementCode = "replacement_code"
        case actor
        case at
        case note
    }
}

extension CollectionEventRecord: IngestibleRecord {
    public static var entityKind: EntityKind { .collectionEvent }
}

/// A prospect deal (affaire prospect).
public struct DealRecord: Codable, Sendable, Hashable {
    /// External id.
    public var id: String
    /// Prospect name.
    public var prospectName: String
    /// Organisation unit (office) of the deal.
    public var organisationUnit: String?
    /// Fiscal year of the deal, named by the calendar year in which it starts.
    public var fiscalYear: Int
    /// Partner, manager and client lead.
    public var team: DealTeam
    /// Status changes.
    public var statusHistory: [DealStatusChange]

    /// Creates the record; defaults are those of the data contract.
    public init(
        id: String,
        prospectName: String,
        organisationUnit: String? = nil,
        fiscalYear: Int,
        team: DealTeam = DealTeam(),
        statusHistory: [DealStatusChange] = []
    ) {
        self.id = id
        self.prospectName = prospectName
        self.organisationUnit = organisationUnit
        self.fiscalYear = fiscalYear
        self.team = team
        self.statusHistory = statusHistory
    }

    enum CodingKeys: String, CodingKey {
        case id
        case prospectName = "prospect_name"
        case organisationUnit = "organisation_unit"
        case fiscalYear = "fiscal_year"
        case team
        case statusHistory = "status_history"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try container.decode(String.self, forKey: .id)
        self.prospectName = try container.decode(String.self, forKey: .prospectName)
        self.organisationUnit = try container.decodeIfPresent(String.self, forKey: .organisationUnit)
        self.fiscalYear = try container.decode(Int.self, forKey: .fiscalYear)
        self.team = try container.decodeIfPresent(DealTeam.self, forKey: .team) ?? DealTeam()
        self.statusHistory = try container.decodeIfPresent([DealStatusChange].self, forKey: .statusHistory) ?? []
    }
}

extension DealRecord: IngestibleRecord {
    public static var entityKind: EntityKind { .deal }
}

/// An offer document attached to a deal.
public struct OfferDocumentRecord: Codable, Sendable, Hashable {
    /// External id.
    public var id: String
    /// Deal id.
    public var deal: String
    /// Document type.
    public var type: String
    /// Template used.
    public var template: String?
    /// Status changes.
    public var statusHistory: [OfferStatusChange]
    /// Signatory on the prospect side.
    public var signatory: String?
    /// Recurring fees HT in cents.
    public var feesRecurringHT: Int64
    /// Exceptional fees HT in cents.
    public var feesExceptionalHT: Int64

    /// Creates the record; defaults are those of the data contract.
    public init(
        id: String,
        deal: String,
        type: String,
        template: String? = nil,
        statusHistory: [OfferStatusChange] = [],
        signatory: String? = nil,
        feesRecurringHT: Int64 = 0,
        feesExceptionalHT: Int64 = 0
    ) {
        self.id = id
        self.deal = deal
        self.type = type
        self.template = template
        self.statusHistory = statusHistory
        self.signatory = signatory
        self.feesRecurringHT = feesRecurringHT
        self.feesExceptionalHT = feesExceptionalHT
    }

    enum CodingKeys: String, CodingKey {
        case id
        case deal
        case type
        case template
        case statusHistory = "status_history"
        case signatory
        case feesRecurringHT = "fees_recurring_ht"
        case feesExceptionalHT = "fees_exceptional_ht"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try container.decode(String.self, forKey: .id)
        self.deal = try container.decode(String.self, forKey: .deal)
        self.type = try container.decode(String.self, forKey: .type)
        self.template = try container.decodeIfPresent(String.self, forKey: .template)
        self.statusHistory = try container.decodeIfPresent([OfferStatusChange].self, forKey: .statusHistory) ?? []
        self.signatory = try container.decodeIfPresent(String.self, forKey: .signatory)
        self.feesRecurringHT = try container.decodeIfPresent(Int64.self, forKey: .feesRecurringHT) ?? 0
        self.feesExceptionalHT = try container.decodeIfPresent(Int64.self, forKey: .feesExceptionalHT) ?? 0
    }
}

extension OfferDocumentRecord: IngestibleRecord {
    public static var entityKind: EntityKind { .offerDocument }
}

/// One status change of a document.
public struct DocumentStatusChange: Codable, Sendable, Hashable {
    /// New status.
    public var status: DocumentStatus
    /// Date of the change.
    public var on: CalendarDate

    /// Creates the record; defaults are those of the data contract.
    public init(status: DocumentStatus, on: CalendarDate) {
        self.status = status
        self.on = on
    }

    enum CodingKeys: String, CodingKey {
        case status
        case on
    }
}

/// One status change of a deal.
public struct DealStatusChange: Codable, Sendable, Hashable {
    /// New status.
    public var status: DealStatus
    /// Date of the change.
    public var on: CalendarDate

    /// Creates the record; defaults are those of the data contract.
    public init(status: DealStatus, on: CalendarDate) {
        self.status = status
        self.on = on
    }

    enum CodingKeys: String, CodingKey {
        case status
        case on
    }
}

/// One status change of an offer document.
public struct OfferStatusChange: Codable, Sendable, Hashable {
    /// New status.
    public var status: OfferStatus
    /// Date of the change.
    public var on: CalendarDate

    /// Creates the record; defaults are those of the data contract.
    public init(status: OfferStatus, on: CalendarDate) {
        self.status = status
        self.on = on
    }

    enum CodingKeys: String, CodingKey {
        case status
        case on
    }
}

/// One action of a collection strategy.
public struct StrategyAction: Codable, Sendable, Hashable {
    /// Action code, unique within the strategy.
    public var code: String
    /// Call, e-mail, SMS or letter.
    public var channel: ActionChannel
    /// Days from the due date (negative = before).
    public var offsetDays: Int
    /// Only for installments with this payment mode (absent = every mode).
    public var paymentMode: String?

    /// Creates the record; defaults are those of the data contract.
    public init(
        code: String,
        channel: ActionChannel,
        offsetDays: Int,
        paymentMode: String? = nil
    ) {
        self.code = code
        self.channel = channel
        self.offsetDays = offsetDays
        self.paymentMode = paymentMode
    }

    enum CodingKeys: String, CodingKey {
        case code
        case channel
        case offsetDays = "offset_days"
        case paymentMode = "payment_mode"
    }
}

/// The team of a deal.
public struct DealTeam: Codable, Sendable, Hashable {
    /// Partner (associé) collaborator id.
    public var partner: String?
    /// Manager collaborator id.
    public var manager: String?
    /// Client lead collaborator id.
    public var clientLead: String?

    /// Creates the record; defaults are those of the data contract.
    public init(
        partner: String? = nil,
        manager: String? = nil,
        clientLead: String? = nil
    ) {
        self.partner = partner
        self.manager = manager
        self.clientLead = clientLead
    }

    enum CodingKeys: String, CodingKey {
        case partner
        case manager
        case clientLead = "client_lead"
    }
}
