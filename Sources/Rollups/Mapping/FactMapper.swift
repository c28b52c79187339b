public import Foundation
public import KPI
public import PilotageProtocol
public import Wire

/// Turns the records of the data contract into the KPI domain's facts: the one mapping shared by
/// the worker (parts) and the gateway's verification mode (reference), so both see the same facts.
///
/// Rules:
/// - an installment keeps its id; a debit document (refund, debit adjustment) becomes an
///   `InstallmentFact` whose id is prefixed (``debitDocumentFactID(_:)``), and allocations that
///   target it follow, so the two id spaces never clash inside the ledger;
/// - `opening: true` installments become `InstallmentFact.Kind.opening` and opening credits
///   `CreditFact.isOpening` (kpi-definitions §10.4);
/// - a collection event's `recorded_on` is the business date of its instant in the firm's time
///   zone (UTC when the firm sent none or an unknown zone);
/// - an installment stored without a due date (never after validation) falls back to 30 days.
public struct FactMapper: Sendable {
    /// The firm's time zone (collection events).
    public let timeZone: TimeZone
    private let calendar: Calendar

    /// A mapper for a firm with `settings` (`nil`: defaults, UTC).
    public init(settings: FirmSettingsRecord?) {
        let zone = settings.flatMap { TimeZone(identifier: $0.timeZone) } ?? TimeZone(secondsFromGMT: 0) ?? .current
        self.timeZone = zone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        self.calendar = calendar
    }

    /// Prefix of the facts made from debit documents.
    public static let debitDocumentPrefix = "DEBIT_DOCUMENT:"

    /// The fact id of debit document `id`.
    public static func debitDocumentFactID(_ id: String) -> String {
        Self.debitDocumentPrefix + id
    }

    /// The KPI settings of a firm (documented defaults for anything absent).
    public static func kpiSettings(_ record: FirmSettingsRecord?) -> KPISettings {
        var settings = KPISettings()
        guard let record else { return settings }
        if let calendar = try? FiscalCalendar(startMonth: record.fiscalYearStartMonth, startDay: record.fiscalYearStartDay) {
            settings.fiscalCalendar = calendar
        }
        if let value = record.dsoWindowDays { settings.dsoWindowDays = value }
        if let value = record.excludeDoubtfulFromDSO { settings.excludeDoubtfulFromDSO = value }
        if let value = record.prepaymentsAsUnapplied { settings.prepaymentsAsUnapplied = value }
        if let value = record.agedBucketBoundaries { settings.agedBucketBoundaries = value }
        if let value = record.riskDaysPastDue { settings.riskDaysPastDue = value }
        if let value = record.onTimeGraceDays { settings.onTimeGraceDays = value }
        if let value = record.forecastHistoryInstallments { settings.forecastHistoryInstallments = value }
        if let value = record.forecastMinimumInstallments { settings.forecastMinimumInstallments = value }
        if let value = record.forecastHorizonDays { settings.forecastHorizonDays = value }
        if let value = record.forecastMaxDaysPastDue { settings.forecastMaxDaysPastDue = value }
        if let value = record.inactivityDays { settings.inactivityDays = value }
        if let value = record.decliningRatioPercent { settings.decliningRatioPercent = value }
        if let value = record.decliningMinimumDocuments { settings.decliningMinimumDocuments = value }
        if let value = record.provisionGridBasisPoints {
            settings.provisionGridBasisPoints = value
        } else {
            settings.provisionGridBasisPoints = Array(repeating: 0, count: settings.clamped.agedBucketCount)
        }
        return settings.clamped
    }

    /// The business date of `instant` in the firm's time zone.
    public func businessDate(of instant: Date) -> CalendarDate {
        let components = self.calendar.dateComponents([.year, .month, .day], from: instant)
        return CalendarDate(year: components.year ?? 1970, month: components.month ?? 1, day: components.day ?? 1)
            ?? CalendarDate.min
    }

    // MARK: - Clients

    /// The facts of one client; `nil` when its client record is missing.
    public func facts(_ set: ClientRecordSet) -> ClientFacts? {
        guard let record = set.client else { return nil }
        return self.lists(set).facts(of: Self.client(record))
    }

    /// The facts of each record of `set` but the client's own, kind by kind, each at its
    /// record's position.
    public func lists(_ set: ClientRecordSet) -> FactLists {
        var lists = FactLists()
        lists.installments = set.installments.map(Self.installment)
        lists.debits = set.debitDocuments.map(Self.debit)
        lists.credits = set.creditDocuments.map(Self.credit)
        lists.allocations = set.allocations.map(Self.allocation)
        lists.disputes = set.disputes.map(Self.dispute)
        lists.provisions = set.provisions.map(Self.provision)
        lists.exposures = set.exposures.map(Self.exposure)
        lists.documents = set.documents.map(Self.document)
        lists.supplierRules = set.supplierRules.map(Self.supplierRule)
        lists.events = set.events.map { self.event($0) }
        return lists
    }

    /// `ClientRecord` → `ClientFact`.
    public static func client(_ record: ClientRecord) -> ClientFact {
        ClientFact(
            id: record.id,
            name: record.name,
            office: record.office,
            bookkeepingMode: record.bookkeepingMode == .firm ? .firm : .client,
            frequency: record.frequency.map(Self.frequency),
            assignedCollaborators: record.assignedCollaborators,
            collectionAgent: record.collectionAgent,
            strategy: record.strategy,
            paymentMode: record.paymentMode,
            creditLimit: record.creditLimit,
            collectiveAccount: record.collectiveAccount,
            doubtful: record.doubtful,
            deactivated: record.deactivated
        )
    }

    /// Protocol frequency → KPI frequency.
    public static func frequency(_ frequency: SendingFrequency) -> ClientFact.Frequency {
        switch frequency {
        case .monthly: .monthly
        case .quarterly: .quarterly
        case .yearly: .yearly
        }
    }

    /// `InstallmentRecord` → `InstallmentFact` (an opening item when flagged).
    public static func installment(_ record: InstallmentRecord) -> InstallmentFact {
        InstallmentFact(
            id: record.id,
            client: record.client,
            invoiceID: record.invoiceID,
            invoiceDate: record.invoiceDate,
            dueDate: record.dueDate ?? record.invoiceDate.adding(days: 30) ?? record.invoiceDate,
            amount: record.amount,
            amountHT: record.amountHT,
            paymentMode: record.paymentMode,
            isOpening: record.opening == true
        )
    }

    /// `DebitDocumentRecord` → `InstallmentFact` with a prefixed id.
    public static func debit(_ record: DebitDocumentRecord) -> InstallmentFact {
        InstallmentFact(
            debitDocument: Self.debitDocumentFactID(record.id),
            kind: record.kind == .refund ? .refund : .debitAdjustment,
            client: record.client,
            date: record.date,
            amount: record.amount
        )
    }

    /// `CreditDocumentRecord` → `CreditFact`.
    public static func credit(_ record: CreditDocumentRecord) -> CreditFact {
        let kind: CreditFact.Kind =
            switch record.kind {
            case .payment: .payment
            case .creditNote: .creditNote
            case .writeOff: .writeOff
            case .adjustment: .adjustment
            case .prepayment: .prepayment
            }
        return CreditFact(
            id: record.id,
            client: record.client,
            kind: kind,
            date: record.date,
            amount: record.amount,
            amountHT: record.amountHT,
            isOpening: record.opening == true
        )
    }

    /// `AllocationRecord` → `AllocationFact` (a debit-document target takes the prefixed id).
    public static func allocation(_ record: AllocationRecord) -> AllocationFact {
        AllocationFact(
            id: record.id,
            source: record.source,
            target: record.targetKind == .debitDocument ? Self.debitDocumentFactID(record.target) : record.target,
            amount: record.amount,
            recordedOn: record.recordedOn,
            method: record.method == .auto ? .auto : .manual
        )
    }

    /// `DisputeRecord` → `DisputeFact`.
    public static func dispute(_ record: DisputeRecord) -> DisputeFact {
        DisputeFact(
            id: record.id,
            installment: record.installment,
            openedOn: record.openedOn,
            resolvedOn: record.resolvedOn,
            outcome: record.outcome,
            reason: record.reason
        )
    }

    /// `ProvisionRecord` → `ProvisionFact`.
    public static func provision(_ record: ProvisionRecord) -> ProvisionFact {
        ProvisionFact(
            id: record.id,
            installment: record.installment,
            amountHT: record.amountHT,
            date: record.date,
            releasedOn: record.releasedOn
        )
    }

    /// `OffLedgerExposureRecord` → `OffLedgerExposureFact`.
    public static func exposure(_ record: OffLedgerExposureRecord) -> OffLedgerExposureFact {
        OffLedgerExposureFact(id: record.id, client: record.client, date: record.date, amount: record.amount, endsOn: record.endsOn)
    }

    /// `DocumentRecord` → `DocumentFact`.
    public static func document(_ record: DocumentRecord) -> DocumentFact {
        let channel: DocumentFact.Channel =
            switch record.channel {
            case .email: .email
            case .upload: .upload
            case .mobile: .mobile
            case .bankFeed: .bankFeed
            case .supplierFetch: .supplierFetch
            case .paper: .paper
            case .api: .api
            }
        let kind: DocumentFact.Kind =
            switch record.kind {
            case .cost: .cost
            case .sale: .sale
            case .expense: .expense
            }
        return DocumentFact(
            id: record.id,
            client: record.client,
            receivedOn: record.receivedOn,
            channel: channel,
            kind: kind,
            supplier: record.supplier,
            statusHistory: record.statusHistory.map { change in
                let status: DocumentFact.Status =
                    switch change.status {
                    case .toReview: .toReview
                    case .ready: .ready
                    case .published: .published
                    case .deleted: .deleted
                    }
                return DocumentFact.StatusChange(status, on: change.on)
            },
            autoCategorised: record.autoCategorised,
            autoPublished: record.autoPublished
        )
    }

    /// `SupplierRuleRecord` → `SupplierRuleFact`.
    public static func supplierRule(_ record: SupplierRuleRecord) -> SupplierRuleFact {
        SupplierRuleFact(
            id: record.id,
            client: record.client,
            supplier: record.supplier,
            createdOn: record.createdOn,
            autoPublish: record.autoPublish
        )
    }

    /// `CollectionEventRecord` → `CollectionEventFact`, dated in the firm's time zone.
    public func event(_ record: CollectionEventRecord) -> CollectionEventFact {
        let outcome: CollectionEventFact.Outcome =
            switch record.outcome {
            case .validated: .validated
            case .modified: .modified
            case .ignored: .ignored
            case .printed: .printed
            }
        return CollectionEventFact(
            id: record.id,
            installment: record.installment,
            actionCode: record.actionCode,
            outcome: outcome,
            replacementCode: record.replacementCode,
            actor: record.actor,
            at: record.at,
            recordedOn: self.businessDate(of: record.at),
            note: record.note
        )
    }

    // MARK: - Prospects

    /// `DealRecord` → `DealFact`.
    public static func deal(_ record: DealRecord) -> DealFact {
        DealFact(
            id: record.id,
            prospectName: record.prospectName,
            organisationUnit: record.organisationUnit,
            fiscalYear: record.fiscalYear,
            team: DealFact.Team(partner: record.team.partner, manager: record.team.manager, clientLead: record.team.clientLead),
            statusHistory: record.statusHistory.map { change in
                let status: DealFact.Status =
                    switch change.status {
                    case .open: .open
                    case .won: .won
                    case .abandoned: .abandoned
                    }
                return DealFact.StatusChange(status, on: change.on)
            }
        )
    }

    /// `OfferDocumentRecord` → `OfferFact`.
    public static func offer(_ record: OfferDocumentRecord) -> OfferFact {
        OfferFact(
            id: record.id,
            deal: record.deal,
            type: record.type,
            template: record.template,
            statusHistory: record.statusHistory.map { change in
                let status: OfferFact.Status =
                    switch change.status {
                    case .draft: .draft
                    case .sent: .sent
                    case .signed: .signed
                    case .refused: .refused
                    }
                return OfferFact.StatusChange(status, on: change.on)
            },
            signatory: record.signatory,
            feesRecurringHT: record.feesRecurringHT,
            feesExceptionalHT: record.feesExceptionalHT
        )
    }

    /// `CollaboratorRecord` → `CollaboratorFact`.
    public static func collaborator(_ record: CollaboratorRecord) -> CollaboratorFact {
        CollaboratorFact(
            id: record.id,
            name: record.name,
            office: record.office,
            roles: Set(
                record.roles.map { role -> CollaboratorFact.Role in
                    switch role {
                    case .admin: .admin
                    case .accountManager: .accountManager
                    case .agent: .agent
                    case .collectionManager: .collectionManager
                    case .offerValidator: .offerValidator
                    }
                }
            ),
            confidentialityGroup: record.confidentialityGroup
        )
    }

    /// `OrganisationUnitRecord` → `OrganisationUnitFact`.
    public static func organisationUnit(_ record: OrganisationUnitRecord) -> OrganisationUnitFact {
        let kind: OrganisationUnitFact.Kind =
            switch record.kind {
            case .region: .region
            case .agency: .agency
            case .office: .office
            }
        return OrganisationUnitFact(id: record.id, name: record.name, kind: kind, parent: record.parent)
    }
}

/// The facts of a client's records kind by kind, each list in the order of its records in the
/// ``ClientRecordSet`` (``FactMapper/lists(_:)``); debit documents apart from installments,
/// which a client's facts list first.
public struct FactLists: Sendable {
    /// Of the installment records.
    public var installments: [InstallmentFact] = []
    /// Of the debit documents (refunds, debit adjustments).
    public var debits: [InstallmentFact] = []
    /// Of the credit documents.
    public var credits: [CreditFact] = []
    /// Of the allocations.
    public var allocations: [AllocationFact] = []
    /// Of the disputes.
    public var disputes: [DisputeFact] = []
    /// Of the provisions.
    public var provisions: [ProvisionFact] = []
    /// Of the off-ledger exposures.
    public var exposures: [OffLedgerExposureFact] = []
    /// Of the practice documents.
    public var documents: [DocumentFact] = []
    /// Of the supplier rules.
    public var supplierRules: [SupplierRuleFact] = []
    /// Of the collection events (business dates in the mapper's time zone).
    public var events: [CollectionEventFact] = []

    /// Empty lists.
    public init() {}

    /// The facts of `client` made of these lists (installments, then debit documents).
    public func facts(of client: ClientFact) -> ClientFacts {
        ClientFacts(
            client: client,
            installments: self.installments + self.debits,
            credits: self.credits,
            allocations: self.allocations,
            disputes: self.disputes,
            provisions: self.provisions,
            exposures: self.exposures,
            documents: self.documents,
            supplierRules: self.supplierRules,
            events: self.events
        )
    }
}
