internal import Foundation
public import PilotageProtocol
public import Wire

/// A semantic problem found in one record (the field and the reason).
public struct FieldProblem: Hashable, Sendable {
    /// Data-contract name of the field.
    public var field: String
    /// Reason code.
    public var reason: RowReason
    /// Explanation.
    public var message: String

    public init(field: String, reason: RowReason, message: String) {
        self.field = field
        self.reason = reason
        self.message = message
    }
}

/// Validation rules of a record type beyond its shape: value ranges, coherence, references.
public protocol RecordRules: IngestibleRecord {
    /// Value problems (negative amount, inverted dates …), empty when the record is valid.
    func problems() -> [FieldProblem]
    /// Records this one references; each must exist in the firm or in the batch.
    var references: [RecordReference] { get }
    /// The reference through which the owning client is found, or the client id itself.
    var ownership: Ownership { get }
    /// Business dates carried by the record (rollups from the earliest one on are affected).
    var businessDates: [CalendarDate] { get }
}

/// How a record belongs to a client (rollups are partitioned by client group).
public enum Ownership: Hashable, Sendable {
    /// Firm-wide record (settings, organisation, collaborators, strategies, prospects).
    case firm
    /// The record belongs to this client.
    case client(String)
    /// The record belongs to the client of the referenced record.
    case via(RecordKey)
}

// MARK: - Small helpers

private func positive(_ amount: Int64, _ field: String) -> [FieldProblem] {
    amount > 0 ? [] : [FieldProblem(field: field, reason: .badValue, message: "\(field) must be > 0 cents, got \(amount)")]
}

private func nonNegative(_ amount: Int64?, _ field: String) -> [FieldProblem] {
    guard let amount, amount < 0 else { return [] }
    return [FieldProblem(field: field, reason: .badValue, message: "\(field) must be ≥ 0, got \(amount)")]
}

private func inRange(_ value: Int?, _ field: String, _ range: ClosedRange<Int>) -> [FieldProblem] {
    guard let value, !range.contains(value) else { return [] }
    return [FieldProblem(field: field, reason: .badValue, message: "\(field) must be in \(range.lowerBound)...\(range.upperBound), got \(value)")]
}

private func notBefore(_ later: CalendarDate?, _ laterField: String, _ earlier: CalendarDate, _ earlierField: String) -> [FieldProblem] {
    guard let later, later < earlier else { return [] }
    return [FieldProblem(field: laterField, reason: .badValue, message: "\(laterField) \(later) is before \(earlierField) \(earlier)")]
}

private func reference(_ field: String, _ kind: EntityKind, _ id: String?) -> [RecordReference] {
    guard let id else { return [] }
    return [RecordReference(field: field, target: RecordKey(kind, id))]
}

// MARK: - Rules per record

extension FirmSettingsRecord: RecordRules {
    public func problems() -> [FieldProblem] {
        var problems: [FieldProblem] = []
        if TimeZone(identifier: self.timeZone) == nil {
            problems.append(FieldProblem(field: "time_zone", reason: .badValue, message: "unknown IANA time zone '\(self.timeZone)'"))
        }
        problems += inRange(self.fiscalYearStartMonth, "fiscal_year_start_month", 1...12)
        if (1...12).contains(self.fiscalYearStartMonth) {
            // Feb 29 cannot start every fiscal year: the longest day of a non-leap year's month is the limit.
            let longest = CalendarDate.daysInMonth(year: 2001, month: self.fiscalYearStartMonth)
            problems += inRange(self.fiscalYearStartDay, "fiscal_year_start_day", 1...longest)
        }
        problems += inRange(self.dsoWindowDays, "dso_window_days", 1...3660)
        if let boundaries = self.agedBucketBoundaries {
            let increasing = zip(boundaries, boundaries.dropFirst()).allSatisfy { $0 < $1 }
            if boundaries.isEmpty || !increasing || (boundaries.first ?? 0) <= 0 {
                problems.append(FieldProblem(field: "aged_bucket_boundaries", reason: .badValue, message: "boundaries must be strictly increasing positive integers, got \(boundaries)"))
            }
        }
        problems += inRange(self.riskDaysPastDue, "risk_days_past_due", 0...3660)
        problems += inRange(self.onTimeGraceDays, "on_time_grace_days", 0...365)
        problems += inRange(self.forecastHistoryInstallments, "forecast_history_installments", 1...1000)
        problems += inRange(self.forecastMinimumInstallments, "forecast_minimum_installments", 1...1000)
        problems += inRange(self.forecastHorizonDays, "forecast_horizon_days", 1...3660)
        problems += inRange(self.forecastMaxDaysPastDue, "forecast_max_days_past_due", 0...36600)
        if let grid = self.provisionGridBasisPoints {
            let expected = (self.agedBucketBoundaries?.count ?? 4) + 2
            if grid.count != expected || grid.contains(where: { !(0...10_000).contains($0) }) {
                problems.append(FieldProblem(field: "provision_grid_basis_points", reason: .badValue, message: "expected \(expected) rates in 0...10000 basis points (NOT_DUE first), got \(grid)"))
            }
        }
        problems += inRange(self.inactivityDays, "inactivity_days", 1...3660)
        problems += inRange(self.decliningRatioPercent, "declining_ratio_percent", 1...100)
        problems += inRange(self.decliningMinimumDocuments, "declining_minimum_documents", 0...1_000_000)
        problems += inRange(self.minimumDaysBetweenActions, "minimum_days_between_actions", 0...365)
        return problems
    }
    public var references: [RecordReference] { [] }
    public var ownership: Ownership { .firm }
    public var businessDates: [CalendarDate] { [] }
}

extension OrganisationUnitRecord: RecordRules {
    public func problems() -> [FieldProblem] {
        self.parent == self.id ? [FieldProblem(field: "parent", reason: .badValue, message: "a unit cannot be its own parent")] : []
    }
    public var references: [RecordReference] { reference("parent", .organisationUnit, self.parent) }
    public var ownership: Ownership { .firm }
    public var businessDates: [CalendarDate] { [] }
}

extension CollaboratorRecord: RecordRules {
    public func problems() -> [FieldProblem] { [] }
    public var references: [RecordReference] { reference("office", .organisationUnit, self.office) }
    public var ownership: Ownership { .firm }
    public var businessDates: [CalendarDate] { [] }
}

extension ClientRecord: RecordRules {
    public func problems() -> [FieldProblem] {
        var problems = inRange(self.paymentTermsDays, "payment_terms_days", 0...3650)
        problems += nonNegative(self.creditLimit, "credit_limit")
        if Set(self.assignedCollaborators).count != self.assignedCollaborators.count {
            problems.append(FieldProblem(field: "assigned_collaborators", reason: .badValue, message: "a collaborator is listed twice"))
        }
        return problems
    }
    public var references: [RecordReference] {
        var references = reference("office", .organisationUnit, self.office)
        for (index, collaborator) in self.assignedCollaborators.enumerated() {
            references += reference("assigned_collaborators.\(index)", .collaborator, collaborator)
        }
        references += reference("collection_agent", .collaborator, self.collectionAgent)
        references += reference("strategy", .collectionStrategy, self.strategy)
        return references
    }
    public var ownership: Ownership { .client(self.id) }
    public var businessDates: [CalendarDate] { [] }
}

extension SupplierRuleRecord: RecordRules {
    public func problems() -> [FieldProblem] { [] }
    public var references: [RecordReference] { reference("client", .client, self.client) }
    public var ownership: Ownership { .client(self.client) }
    public var businessDates: [CalendarDate] { [self.createdOn] }
}

extension DocumentRecord: RecordRules {
    public func problems() -> [FieldProblem] {
        var problems = nonNegative(self.amount, "amount")
        for (index, change) in self.statusHistory.enumerated() where change.on < self.receivedOn {
            problems.append(FieldProblem(field: "status_history.\(index).on", reason: .badValue, message: "status \(change.status.rawValue) on \(change.on) is before received_on \(self.receivedOn)"))
        }
        return problems
    }
    public var references: [RecordReference] { reference("client", .client, self.client) }
    public var ownership: Ownership { .client(self.client) }
    public var businessDates: [CalendarDate] { [self.receivedOn] + self.statusHistory.map(\.on) }
}

extension InstallmentRecord: RecordRules {
    public func problems() -> [FieldProblem] {
        var problems = positive(self.amount, "amount")
        problems += nonNegative(self.amountHT, "amount_ht")
        if let amountHT, amountHT > self.amount {
            problems.append(FieldProblem(field: "amount_ht", reason: .badValue, message: "amount_ht \(amountHT) exceeds amount \(self.amount)"))
        }
        return problems
    }
    public var references: [RecordReference] { reference("client", .client, self.client) }
    public var ownership: Ownership { .client(self.client) }
    public var businessDates: [CalendarDate] { [self.invoiceDate] + (self.dueDate.map { [$0] } ?? []) }
}

extension DebitDocumentRecord: RecordRules {
    public func problems() -> [FieldProblem] { positive(self.amount, "amount") }
    public var references: [RecordReference] { reference("client", .client, self.client) }
    public var ownership: Ownership { .client(self.client) }
    public var businessDates: [CalendarDate] { [self.date] }
}

extension CreditDocumentRecord: RecordRules {
    public func problems() -> [FieldProblem] {
        var problems = positive(self.amount, "amount")
        problems += nonNegative(self.amountHT, "amount_ht")
        return problems
    }
    public var references: [RecordReference] { reference("client", .client, self.client) }
    public var ownership: Ownership { .client(self.client) }
    public var businessDates: [CalendarDate] { [self.date] }
}

extension AllocationRecord: RecordRules {
    public func problems() -> [FieldProblem] { positive(self.amount, "amount") }
    public var references: [RecordReference] {
        reference("source", .creditDocument, self.source) + reference("target", self.targetEntityKind, self.target)
    }
    public var ownership: Ownership { .via(RecordKey(self.targetEntityKind, self.target)) }
    public var businessDates: [CalendarDate] { [self.recordedOn] }

    /// The entity kind named by `target_kind`.
    public var targetEntityKind: EntityKind {
        switch self.targetKind {
        case .installment: .installment
        case .debitDocument: .debitDocument
        }
    }
}

extension DisputeRecord: RecordRules {
    public func problems() -> [FieldProblem] { notBefore(self.resolvedOn, "resolved_on", self.openedOn, "opened_on") }
    public var references: [RecordReference] { reference("installment", .installment, self.installment) }
    public var ownership: Ownership { .via(RecordKey(.installment, self.installment)) }
    public var businessDates: [CalendarDate] { [self.openedOn] + (self.resolvedOn.map { [$0] } ?? []) }
}

extension ProvisionRecord: RecordRules {
    public func problems() -> [FieldProblem] {
        positive(self.amountHT, "amount_ht") + notBefore(self.releasedOn, "released_on", self.date, "date")
    }
    public var references: [RecordReference] { reference("installment", .installment, self.installment) }
    public var ownership: Ownership { .via(RecordKey(.installment, self.installment)) }
    public var businessDates: [CalendarDate] { [self.date] + (self.releasedOn.map { [$0] } ?? []) }
}

extension OffLedgerExposureRecord: RecordRules {
    public func problems() -> [FieldProblem] {
        positive(self.amount, "amount") + notBefore(self.endsOn, "ends_on", self.date, "date")
    }
    public var references: [RecordReference] { reference("client", .client, self.client) }
    public var ownership: Ownership { .client(self.client) }
    public var businessDates: [CalendarDate] { [self.date] + (self.endsOn.map { [$0] } ?? []) }
}

extension CollectionStrategyRecord: RecordRules {
    public func problems() -> [FieldProblem] {
        var problems: [FieldProblem] = []
        var seen: Set<String> = []
        for (index, action) in self.actions.enumerated() {
            if !seen.insert(action.code).inserted {
                problems.append(FieldProblem(field: "actions.\(index).code", reason: .badValue, message: "action code '\(action.code)' appears twice"))
            }
            problems += inRange(action.offsetDays, "actions.\(index).offset_days", -3650...3650)
        }
        return problems
    }
    public var references: [RecordReference] { [] }
    public var ownership: Ownership { .firm }
    public var businessDates: [CalendarDate] { [] }
}

extension CollectionEventRecord: RecordRules {
    public func problems() -> [FieldProblem] {
        if self.outcome == .modified, self.replacementCode == nil {
            return [FieldProblem(field: "replacement_code", reason: .missingField, message: "a MODIFIED outcome needs the replacement action code")]
        }
        return []
    }
    public var references: [RecordReference] {
        reference("installment", .installment, self.installment) + reference("actor", .collaborator, self.actor)
    }
    public var ownership: Ownership { .via(RecordKey(.installment, self.installment)) }
    /// The day before the UTC date of `at`, so that the firm's local date is covered whatever its time zone.
    public var businessDates: [CalendarDate] {
        let utcDay = Int((self.at.timeIntervalSince1970 / 86_400).rounded(.down))
        return CalendarDate(daysSinceEpoch: Int32(clamping: utcDay - 1)).map { [$0] } ?? []
    }
}

extension DealRecord: RecordRules {
    public func problems() -> [FieldProblem] { inRange(self.fiscalYear, "fiscal_year", 1900...2200) }
    public var references: [RecordReference] {
        reference("organisation_unit", .organisationUnit, self.organisationUnit)
            + reference("team.partner", .collaborator, self.team.partner)
            + reference("team.manager", .collaborator, self.team.manager)
            + reference("team.client_lead", .collaborator, self.team.clientLead)
    }
    public var ownership: Ownership { .firm }
    public var businessDates: [CalendarDate] { self.statusHistory.map(\.on) }
}

extension OfferDocumentRecord: RecordRules {
    public func problems() -> [FieldProblem] {
        nonNegative(self.feesRecurringHT, "fees_recurring_ht") + nonNegative(self.feesExceptionalHT, "fees_exceptional_ht")
    }
    public var references: [RecordReference] { reference("deal", .deal, self.deal) }
    public var ownership: Ownership { .firm }
    public var businessDates: [CalendarDate] { self.statusHistory.map(\.on) }
}
