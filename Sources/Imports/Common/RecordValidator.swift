public import Foundation
public import PilotageProtocol
public import Wire

/// Checks one decoded record against the value rules of the data contract that need no other
/// row: ids present and at most 128 bytes (`MISSING_FIELD`, `TOO_LONG`), strings within the
/// limit (`TOO_LONG`), amounts that must be positive or non-negative, dates within 1900–2200,
/// months and days in range (`BAD_VALUE`). References and duplicates are the server's checks.
public enum RecordValidator: Sendable {
    /// One rule a record breaks.
    public struct Violation: Hashable, Sendable {
        /// Contract field name.
        public var field: String
        /// Reason code.
        public var reason: RowReason
        /// A message for a human.
        public var message: String
    }

    /// Every rule `record` breaks (empty when it is valid).
    public static func violations(of record: any IngestibleRecord, limits: RecordLimits = RecordLimits()) -> [Violation]
    {
        var checker = RecordChecker(limits: limits)
        if let record = record as? any ValidatableRecord {
            record.validate(&checker)
        } else {
            checker.id(record.id)
        }
        return checker.violations
    }
}

/// Accumulates violations; one method per kind of field.
public struct RecordChecker: Sendable {
    /// The limits applied.
    public let limits: RecordLimits
    /// What was found so far.
    public private(set) var violations: [RecordValidator.Violation] = []

    /// Creates a checker.
    public init(limits: RecordLimits) {
        self.limits = limits
    }

    /// Records a violation found by a record's own rule.
    public mutating func flag(_ field: String, _ reason: RowReason, _ message: String) {
        self.add(field, reason, message)
    }

    private mutating func add(_ field: String, _ reason: RowReason, _ message: String) {
        self.violations.append(RecordValidator.Violation(field: field, reason: reason, message: message))
    }

    /// An external id: non-empty, at most ``RecordLimits/maximumIDBytes``.
    public mutating func id(_ value: String, field: String = "id") {
        if value.isEmpty {
            self.add(field, .missingField, "\(field) is empty")
        } else if value.utf8.count > self.limits.maximumIDBytes {
            self.add(field, .tooLong, "\(field) has \(value.utf8.count) bytes, more than \(self.limits.maximumIDBytes)")
        }
    }

    /// An optional reference to another record.
    public mutating func reference(_ value: String?, field: String) {
        guard let value else { return }
        self.id(value, field: field)
    }

    /// References in a list.
    public mutating func references(_ values: [String], field: String) {
        for (index, value) in values.enumerated() { self.id(value, field: "\(field)[\(index)]") }
    }

    /// A free string: at most ``RecordLimits/maximumStringBytes``; `isRequired` refuses empty.
    public mutating func text(_ value: String?, field: String, isRequired: Bool = false) {
        guard let value else { return }
        if isRequired, value.isEmpty {
            self.add(field, .missingField, "\(field) is empty")
        } else if value.utf8.count > self.limits.maximumStringBytes {
            self.add(
                field,
                .tooLong,
                "\(field) has \(value.utf8.count) bytes, more than \(self.limits.maximumStringBytes)"
            )
        }
    }

    /// An amount that must be > 0.
    public mutating func positive(_ value: Int64?, field: String) {
        if let value, value <= 0 { self.add(field, .badValue, "\(field) must be positive, got \(value)") }
    }

    /// An amount or count that must be ≥ 0.
    public mutating func nonNegative(_ value: Int64?, field: String) {
        if let value, value < 0 { self.add(field, .badValue, "\(field) must not be negative, got \(value)") }
    }

    /// An integer within `range`.
    public mutating func within(_ value: Int?, _ range: ClosedRange<Int>, field: String) {
        if let value, !range.contains(value) {
            self.add(field, .badValue, "\(field) must be within \(range.lowerBound)…\(range.upperBound), got \(value)")
        }
    }

    /// A business date within the year limits.
    public mutating func date(_ value: CalendarDate?, field: String) {
        guard let value else { return }
        if value.year < self.limits.earliestYear || value.year > self.limits.latestYear {
            self.add(
                field,
                .badValue,
                "\(field) \(value) is outside \(self.limits.earliestYear)–\(self.limits.latestYear)"
            )
        }
    }

    /// An instant within the year limits.
    public mutating func instant(_ value: Date, field: String) {
        let seconds = value.timeIntervalSince1970
        let earliest = Double(
            Int(CalendarDate(year: self.limits.earliestYear, month: 1, day: 1)?.daysSinceEpoch ?? 0) * 86_400
        )
        let latest = Double(
            Int(CalendarDate(year: self.limits.latestYear, month: 12, day: 31)?.daysSinceEpoch ?? 0) * 86_400 + 86_399
        )
        if seconds < earliest || seconds > latest {
            self.add(field, .badValue, "\(field) is outside \(self.limits.earliestYear)–\(self.limits.latestYear)")
        }
    }

    /// `later` must not be before `earlier`.
    public mutating func ordered(_ earlier: CalendarDate?, _ later: CalendarDate?, field: String, after other: String) {
        if let earlier, let later, later < earlier {
            self.add(field, .badValue, "\(field) \(later) is before \(other) \(earlier)")
        }
    }
}

/// A record that knows its own value rules.
public protocol ValidatableRecord: IngestibleRecord {
    /// Reports every rule the record breaks to `checker`.
    func validate(_ checker: inout RecordChecker)
}

extension FirmSettingsRecord: ValidatableRecord {
    public func validate(_ checker: inout RecordChecker) {
        checker.text(self.name, field: "name", isRequired: true)
        checker.text(self.timeZone, field: "time_zone", isRequired: true)
        if TimeZone(identifier: self.timeZone) == nil {
            checker.flag("time_zone", .badValue, "time_zone '\(self.timeZone.prefix(64))' is not an IANA time zone")
        }
        checker.within(self.fiscalYearStartMonth, 1...12, field: "fiscal_year_start_month")
        checker.within(self.fiscalYearStartDay, 1...31, field: "fiscal_year_start_day")
        checker.within(self.dsoWindowDays, 1...3_660, field: "dso_window_days")
        for (index, boundary) in (self.agedBucketBoundaries ?? []).enumerated() {
            checker.within(boundary, 0...36_600, field: "aged_bucket_boundaries[\(index)]")
        }
        if let boundaries = self.agedBucketBoundaries,
            zip(boundaries, boundaries.dropFirst()).contains(where: { $0 >= $1 })
        {
            checker.flag("aged_bucket_boundaries", .badValue, "aged_bucket_boundaries must be strictly increasing")
        }
        for (index, rate) in (self.provisionGridBasisPoints ?? []).enumerated() {
            checker.within(rate, 0...10_000, field: "provision_grid_basis_points[\(index)]")
        }
        for (value, field) in [
            (self.riskDaysPastDue, "risk_days_past_due"), (self.onTimeGraceDays, "on_time_grace_days"),
            (self.forecastHistoryInstallments, "forecast_history_installments"),
            (self.forecastMinimumInstallments, "forecast_minimum_installments"),
            (self.forecastHorizonDays, "forecast_horizon_days"),
            (self.forecastMaxDaysPastDue, "forecast_max_days_past_due"),
            (self.inactivityDays, "inactivity_days"), (self.decliningRatioPercent, "declining_ratio_percent"),
            (self.decliningMinimumDocuments, "declining_minimum_documents"),
            (self.minimumDaysBetweenActions, "minimum_days_between_actions"),
        ] {
            checker.within(value, 0...36_600, field: field)
        }
    }
}

extension OrganisationUnitRecord: ValidatableRecord {
    public func validate(_ checker: inout RecordChecker) {
        checker.id(self.id)
        checker.text(self.name, field: "name", isRequired: true)
        checker.reference(self.parent, field: "parent")
    }
}

extension CollaboratorRecord: ValidatableRecord {
    public func validate(_ checker: inout RecordChecker) {
        checker.id(self.id)
        checker.text(self.name, field: "name", isRequired: true)
        checker.reference(self.office, field: "office")
        checker.text(self.confidentialityGroup, field: "confidentiality_group")
    }
}

extension ClientRecord: ValidatableRecord {
    public func validate(_ checker: inout RecordChecker) {
        checker.id(self.id)
        checker.text(self.name, field: "name", isRequired: true)
        checker.text(self.practiceCode, field: "practice_code")
        checker.reference(self.office, field: "office")
        checker.references(self.assignedCollaborators, field: "assigned_collaborators")
        checker.reference(self.collectionAgent, field: "collection_agent")
        checker.reference(self.strategy, field: "strategy")
        checker.text(self.paymentMode, field: "payment_mode")
        checker.within(self.paymentTermsDays, 0...3_660, field: "payment_terms_days")
        checker.nonNegative(self.creditLimit, field: "credit_limit")
        checker.text(self.category, field: "category")
        checker.text(self.collectiveAccount, field: "collective_account")
    }
}

extension SupplierRuleRecord: ValidatableRecord {
    public func validate(_ checker: inout RecordChecker) {
        checker.id(self.id)
        checker.id(self.client, field: "client")
        checker.text(self.supplier, field: "supplier", isRequired: true)
        checker.date(self.createdOn, field: "created_on")
    }
}

extension DocumentRecord: ValidatableRecord {
    public func validate(_ checker: inout RecordChecker) {
        checker.id(self.id)
        checker.id(self.client, field: "client")
        checker.date(self.receivedOn, field: "received_on")
        checker.text(self.supplier, field: "supplier")
        for (index, change) in self.statusHistory.enumerated() {
            checker.date(change.on, field: "status_history[\(index)].on")
        }
        checker.nonNegative(self.amount, field: "amount")
    }
}

extension InstallmentRecord: ValidatableRecord {
    public func validate(_ checker: inout RecordChecker) {
        checker.id(self.id)
        checker.id(self.client, field: "client")
        checker.id(self.invoiceID, field: "invoice_id")
        checker.date(self.invoiceDate, field: "invoice_date")
        checker.date(self.dueDate, field: "due_date")
        checker.positive(self.amount, field: "amount")
        checker.nonNegative(self.amountHT, field: "amount_ht")
        checker.text(self.paymentMode, field: "payment_mode")
    }
}

extension DebitDocumentRecord: ValidatableRecord {
    public func validate(_ checker: inout RecordChecker) {
        checker.id(self.id)
        checker.id(self.client, field: "client")
        checker.date(self.date, field: "date")
        checker.positive(self.amount, field: "amount")
    }
}

extension CreditDocumentRecord: ValidatableRecord {
    public func validate(_ checker: inout RecordChecker) {
        checker.id(self.id)
        checker.id(self.client, field: "client")
        checker.date(self.date, field: "date")
        checker.positive(self.amount, field: "amount")
        checker.nonNegative(self.amountHT, field: "amount_ht")
    }
}

extension AllocationRecord: ValidatableRecord {
    public func validate(_ checker: inout RecordChecker) {
        checker.id(self.id)
        checker.id(self.source, field: "source")
        checker.id(self.target, field: "target")
        checker.positive(self.amount, field: "amount")
        checker.date(self.recordedOn, field: "recorded_on")
    }
}

extension DisputeRecord: ValidatableRecord {
    public func validate(_ checker: inout RecordChecker) {
        checker.id(self.id)
        checker.id(self.installment, field: "installment")
        checker.date(self.openedOn, field: "opened_on")
        checker.date(self.resolvedOn, field: "resolved_on")
        checker.ordered(self.openedOn, self.resolvedOn, field: "resolved_on", after: "opened_on")
        checker.text(self.outcome, field: "outcome")
        checker.text(self.reason, field: "reason")
    }
}

extension ProvisionRecord: ValidatableRecord {
    public func validate(_ checker: inout RecordChecker) {
        checker.id(self.id)
        checker.id(self.installment, field: "installment")
        checker.positive(self.amountHT, field: "amount_ht")
        checker.date(self.date, field: "date")
        checker.date(self.releasedOn, field: "released_on")
        checker.ordered(self.date, self.releasedOn, field: "released_on", after: "date")
    }
}

extension OffLedgerExposureRecord: ValidatableRecord {
    public func validate(_ checker: inout RecordChecker) {
        checker.id(self.id)
        checker.id(self.client, field: "client")
        checker.date(self.date, field: "date")
        checker.positive(self.amount, field: "amount")
        checker.text(self.kind, field: "kind", isRequired: true)
        checker.date(self.endsOn, field: "ends_on")
    }
}

extension CollectionStrategyRecord: ValidatableRecord {
    public func validate(_ checker: inout RecordChecker) {
        checker.id(self.id)
        checker.text(self.name, field: "name", isRequired: true)
        for (index, action) in self.actions.enumerated() {
            checker.text(action.code, field: "actions[\(index)].code", isRequired: true)
            checker.within(action.offsetDays, -3_660...3_660, field: "actions[\(index)].offset_days")
            checker.text(action.paymentMode, field: "actions[\(index)].payment_mode")
        }
    }
}

extension CollectionEventRecord: ValidatableRecord {
    public func validate(_ checker: inout RecordChecker) {
        checker.id(self.id)
        checker.id(self.installment, field: "installment")
        checker.text(self.actionCode, field: "action_code", isRequired: true)
        checker.text(self.replacementCode, field: "replacement_code")
        checker.id(self.actor, field: "actor")
        checker.instant(self.at, field: "at")
        checker.text(self.note, field: "note")
    }
}

extension DealRecord: ValidatableRecord {
    public func validate(_ checker: inout RecordChecker) {
        checker.id(self.id)
        checker.text(self.prospectName, field: "prospect_name", isRequired: true)
        checker.reference(self.organisationUnit, field: "organisation_unit")
        checker.within(self.fiscalYear, self.limits(checker), field: "fiscal_year")
        checker.reference(self.team.partner, field: "team.partner")
        checker.reference(self.team.manager, field: "team.manager")
        checker.reference(self.team.clientLead, field: "team.client_lead")
        for (index, change) in self.statusHistory.enumerated() {
            checker.date(change.on, field: "status_history[\(index)].on")
        }
    }

    private func limits(_ checker: RecordChecker) -> ClosedRange<Int> {
        checker.limits.earliestYear...checker.limits.latestYear
    }
}

extension OfferDocumentRecord: ValidatableRecord {
    public func validate(_ checker: inout RecordChecker) {
        checker.id(self.id)
        checker.id(self.deal, field: "deal")
        checker.text(self.type, field: "type", isRequired: true)
        checker.text(self.template, field: "template")
        checker.text(self.signatory, field: "signatory")
        checker.nonNegative(self.feesRecurringHT, field: "fees_recurring_ht")
        checker.nonNegative(self.feesExceptionalHT, field: "fees_exceptional_ht")
        for (index, change) in self.statusHistory.enumerated() {
            checker.date(change.on, field: "status_history[\(index)].on")
        }
    }
}
