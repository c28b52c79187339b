import Foundation
import Imports
import PilotageProtocol
import Wire

/// Checks a stream of demo batches: every reference resolves to a record already handed out,
/// ids are unique, allocations never exceed their source or target, dates are ordered and never
/// after today.
struct DemoInvariantChecker {
    let parameters: DemoFirmParameters
    private(set) var problems: [String] = []
    private(set) var recordCount = 0
    private var ids: [EntityKind: Set<String>] = [:]
    private var amounts: [String: Int64] = [:]
    private var dates: [String: CalendarDate] = [:]
    private var allocatedTo: [String: Int64] = [:]
    private var allocatedFrom: [String: Int64] = [:]

    init(parameters: DemoFirmParameters) {
        self.parameters = parameters
    }

    private mutating func problem(_ text: String) {
        if self.problems.count < 100 { self.problems.append(text) }
    }

    private mutating func require(_ id: String?, _ kind: EntityKind, from: String) {
        guard let id else { return }
        if self.ids[kind]?.contains(id) != true { self.problem("\(from) refers to unknown \(kind.rawValue) \(id)") }
    }

    private mutating func date(_ date: CalendarDate?, _ what: String, notBefore: CalendarDate? = nil) {
        guard let date else { return }
        if date > self.parameters.today { self.problem("\(what) \(date) is after today") }
        if let notBefore, date < notBefore { self.problem("\(what) \(date) is before \(notBefore)") }
    }

    private mutating func ascending<S>(_ history: [(S, CalendarDate)], _ what: String) {
        for (previous, next) in zip(history, history.dropFirst()) where next.1 < previous.1 {
            self.problem("\(what) status history goes back in time")
        }
    }

    mutating func check(_ batch: RecordBatch) {
        if batch.count > self.parameters.batchSize {
            self.problem("batch of \(batch.count) > \(self.parameters.batchSize)")
        }
        let start = self.parameters.dataStart.advanced(by: -400)
        for record in batch.records {
            self.recordCount += 1
            if !(self.ids[batch.kind, default: []].insert(record.id).inserted) {
                self.problem("duplicate \(batch.kind.rawValue) id \(record.id)")
            }
            if !RecordValidator.violations(of: record).isEmpty {
                self.problem("\(record.id): \(RecordValidator.violations(of: record))")
            }
            switch record {
            case let unit as OrganisationUnitRecord:
                self.require(unit.parent, .organisationUnit, from: unit.id)
            case let collaborator as CollaboratorRecord:
                self.require(collaborator.office, .organisationUnit, from: collaborator.id)
            case let client as ClientRecord:
                self.require(client.office, .organisationUnit, from: client.id)
                for collaborator in client.assignedCollaborators {
                    self.require(collaborator, .collaborator, from: client.id)
                }
                self.require(client.collectionAgent, .collaborator, from: client.id)
                self.require(client.strategy, .collectionStrategy, from: client.id)
            case let rule as SupplierRuleRecord:
                self.require(rule.client, .client, from: rule.id)
                self.date(rule.createdOn, rule.id)
            case let document as DocumentRecord:
                self.require(document.client, .client, from: document.id)
                self.date(document.receivedOn, document.id, notBefore: self.parameters.dataStart)
                self.ascending(document.statusHistory.map { ($0.status, $0.on) }, document.id)
                if document.statusHistory.first?.on != document.receivedOn {
                    self.problem("\(document.id) history does not start on reception")
                }
                for change in document.statusHistory { self.date(change.on, document.id) }
            case let installment as InstallmentRecord:
                self.require(installment.client, .client, from: installment.id)
                self.date(installment.invoiceDate, installment.id, notBefore: self.parameters.dataStart)
                if let due = installment.dueDate, due < installment.invoiceDate {
                    self.problem("\(installment.id) due before invoice")
                }
                if let ht = installment.amountHT, ht > installment.amount {
                    self.problem("\(installment.id) HT above TTC")
                }
                self.amounts[installment.id] = installment.amount
                self.dates[installment.id] = installment.invoiceDate
            case let debit as DebitDocumentRecord:
                self.require(debit.client, .client, from: debit.id)
                self.date(debit.date, debit.id, notBefore: start)
                self.amounts[debit.id] = debit.amount
                self.dates[debit.id] = debit.date
            case let credit as CreditDocumentRecord:
                self.require(credit.client, .client, from: credit.id)
                self.date(credit.date, credit.id, notBefore: start)
                self.amounts[credit.id] = credit.amount
                self.dates[credit.id] = credit.date
            case let allocation as AllocationRecord:
                self.require(allocation.source, .creditDocument, from: allocation.id)
                self.require(
                    allocation.target,
                    allocation.targetKind == .installment ? .installment : .debitDocument,
                    from: allocation.id
                )
                self.allocatedTo[allocation.target, default: 0] += allocation.amount
                self.allocatedFrom[allocation.source, default: 0] += allocation.amount
                if self.allocatedTo[allocation.target, default: 0] > self.amounts[allocation.target, default: 0] {
                    self.problem("\(allocation.target) over-allocated")
                }
                if self.allocatedFrom[allocation.source, default: 0] > self.amounts[allocation.source, default: 0] {
                    self.problem("\(allocation.source) allocated beyond its amount")
                }
                let earliest = max(self.dates[allocation.source] ?? .min, self.dates[allocation.target] ?? .min)
                self.date(allocation.recordedOn, allocation.id, notBefore: earliest)
            case let dispute as DisputeRecord:
                self.require(dispute.installment, .installment, from: dispute.id)
                self.date(dispute.openedOn, dispute.id, notBefore: self.dates[dispute.installment])
                self.date(dispute.resolvedOn, dispute.id, notBefore: dispute.openedOn)
            case let provision as ProvisionRecord:
                self.require(provision.installment, .installment, from: provision.id)
                self.date(provision.date, provision.id, notBefore: self.dates[provision.installment])
                self.date(provision.releasedOn, provision.id, notBefore: provision.date)
            case let exposure as OffLedgerExposureRecord:
                self.require(exposure.client, .client, from: exposure.id)
                self.date(exposure.date, exposure.id)
            case let event as CollectionEventRecord:
                self.require(event.installment, .installment, from: event.id)
                self.require(event.actor, .collaborator, from: event.id)
                let endOfToday = Date(
                    timeIntervalSince1970: Double(Int(self.parameters.today.daysSinceEpoch) + 1) * 86_400
                )
                if event.at >= endOfToday { self.problem("\(event.id) after today") }
            case let deal as DealRecord:
                self.require(deal.organisationUnit, .organisationUnit, from: deal.id)
                for member in [deal.team.partner, deal.team.manager, deal.team.clientLead] {
                    self.require(member, .collaborator, from: deal.id)
                }
                self.ascending(deal.statusHistory.map { ($0.status, $0.on) }, deal.id)
                for change in deal.statusHistory { self.date(change.on, deal.id, notBefore: self.parameters.dataStart) }
                let fiscalYears = [self.parameters.dataStart.year, self.parameters.currentFiscalYearStart.year]
                if !fiscalYears.contains(deal.fiscalYear) { self.problem("\(deal.id) fiscal year \(deal.fiscalYear)") }
            case let offer as OfferDocumentRecord:
                self.require(offer.deal, .deal, from: offer.id)
                self.ascending(offer.statusHistory.map { ($0.status, $0.on) }, offer.id)
                for change in offer.statusHistory { self.date(change.on, offer.id) }
            default:
                break
            }
        }
    }

    mutating func finish() {
        let sum = self.allocatedTo.values.reduce(0, +)
        if sum != self.allocatedFrom.values.reduce(0, +) { self.problem("allocation totals differ") }
    }
}
