import Foundation
import Imports
import PilotageProtocol
import Testing
import Wire

@Suite("Demo firm generator")
struct DemoFirmGeneratorTests {
    static let today = day("2025-03-31")

    static func small(seed: UInt64 = 42, fiscalYearStartMonth: Int = 1, batchSize: Int = 5_000) -> DemoFirmParameters {
        var parameters = DemoFirmParameters(
            size: .small,
            today: Self.today,
            seed: seed,
            fiscalYearStartMonth: fiscalYearStartMonth
        )
        parameters.batchSize = batchSize
        return parameters
    }

    static func generate(_ parameters: DemoFirmParameters) throws -> [RecordBatch] {
        Array(try DemoFirmGenerator(parameters: parameters))
    }

    /// Records of one kind, flattened over the batches.
    static func records<R: IngestibleRecord>(_ type: R.Type, in batches: [RecordBatch]) -> [R] {
        batches.filter { $0.kind == R.entityKind }.flatMap { $0.records.compactMap { $0 as? R } }
    }

    @Test("same seed, same records and byte-identical JSON; another seed, other records; batch size does not matter")
    func determinism() throws {
        let first = try Self.generate(Self.small())
        let second = try Self.generate(Self.small())
        #expect(first == second)
        let writer = JSONLinesWriter()
        let bytes1 = try first.flatMap { try writer.lines(for: $0) }
        let bytes2 = try second.flatMap { try writer.lines(for: $0) }
        #expect(bytes1 == bytes2)
        let other = try Self.generate(Self.small(seed: 43))
        #expect(Self.records(DocumentRecord.self, in: other) != Self.records(DocumentRecord.self, in: first))
        let rebatched = try Self.generate(Self.small(batchSize: 777))
        #expect(rebatched.count > first.count)
        #expect(rebatched.allSatisfy { $0.count <= 777 })
        for kind in EntityKind.allCases {
            let a = first.filter { $0.kind == kind }.flatMap(\.records).map(\.id)
            let b = rebatched.filter { $0.kind == kind }.flatMap(\.records).map(\.id)
            #expect(a == b, "\(kind)")
        }
        #expect(Self.records(InstallmentRecord.self, in: rebatched) == Self.records(InstallmentRecord.self, in: first))
    }

    @Test("sizes are honoured: preset small and custom parameters")
    func sizes() throws {
        let batches = try Self.generate(Self.small())
        #expect(Self.records(ClientRecord.self, in: batches).count == 60)
        #expect(Self.records(CollaboratorRecord.self, in: batches).count == 12)
        #expect(Self.records(OrganisationUnitRecord.self, in: batches).filter { $0.kind == .office }.count == 3)
        #expect(Self.records(DocumentRecord.self, in: batches).count == 5_000)
        #expect(Self.records(InstallmentRecord.self, in: batches).count == 1_500)
        #expect(Self.records(DealRecord.self, in: batches).count == 40)
        #expect(Self.records(FirmSettingsRecord.self, in: batches).count == 1)

        var custom = Self.small(seed: 9)
        (custom.regions, custom.agencies, custom.offices, custom.collaborators) = (2, 3, 7, 9)
        (custom.clients, custom.documents, custom.installments, custom.deals) = (7, 123, 45, 3)
        let customBatches = try Self.generate(custom)
        #expect(Self.records(ClientRecord.self, in: customBatches).count == 7)
        #expect(Self.records(DocumentRecord.self, in: customBatches).count == 123)
        #expect(Self.records(InstallmentRecord.self, in: customBatches).count == 45)
        let units = Self.records(OrganisationUnitRecord.self, in: customBatches)
        #expect(units.map(\.kind).filter { $0 == .region }.count == 2)
        #expect(units.map(\.kind).filter { $0 == .office }.count == 7)

        var bad = Self.small()
        bad.offices = 1
        #expect(throws: ImportError.self) { try DemoFirmGenerator(parameters: bad) }
    }

    @Test(
        "consistency: references resolve when emitted, amounts balance, dates are ordered and never after today",
        arguments: [1, 7]
    )
    func consistency(fiscalYearStartMonth: Int) throws {
        let parameters = Self.small(seed: 5, fiscalYearStartMonth: fiscalYearStartMonth, batchSize: 500)
        var checker = DemoInvariantChecker(parameters: parameters)
        for batch in try DemoFirmGenerator(parameters: parameters) {
            checker.check(batch)
        }
        checker.finish()
        #expect(checker.problems.isEmpty, "\(checker.problems.prefix(10))")
        #expect(checker.recordCount > 10_000)
    }

    @Test("realistic proportions for the small firm")
    func proportions() throws {
        let batches = try Self.generate(Self.small())
        let today = Self.today
        let clients = Self.records(ClientRecord.self, in: batches)
        let collaborators = Self.records(CollaboratorRecord.self, in: batches)
        let documents = Self.records(DocumentRecord.self, in: batches)
        let installments = Self.records(InstallmentRecord.self, in: batches)
        let credits = Self.records(CreditDocumentRecord.self, in: batches)
        let debits = Self.records(DebitDocumentRecord.self, in: batches)
        let allocations = Self.records(AllocationRecord.self, in: batches)
        let disputes = Self.records(DisputeRecord.self, in: batches)
        let events = Self.records(CollectionEventRecord.self, in: batches)
        let deals = Self.records(DealRecord.self, in: batches)
        let offers = Self.records(OfferDocumentRecord.self, in: batches)
        let strategies = Self.records(CollectionStrategyRecord.self, in: batches)

        // Staff: every role; clients: modes, several collaborators, deactivated, doubtful.
        #expect(Set(collaborators.flatMap(\.roles)) == Set(CollaboratorRole.allCases))
        #expect(clients.contains { $0.assignedCollaborators.count >= 2 })
        #expect((1...8).contains(clients.filter(\.deactivated).count))
        #expect(Set(clients.compactMap(\.paymentMode)).isSuperset(of: ["C", "V30", "N30"]))
        #expect(Set(clients.map(\.bookkeepingMode)) == Set(BookkeepingMode.allCases))
        #expect(clients.filter { $0.creditLimit != nil }.count > 10)

        // Documents: every channel, statuses, rules at work, recent work still to do.
        #expect(Set(documents.map(\.channel)) == Set(DocumentChannel.allCases))
        let emailShare = Double(documents.filter { $0.channel == .email }.count) / Double(documents.count)
        #expect(emailShare > 0.15 && emailShare < 0.5)
        let current = documents.map { $0.statusHistory.max { $0.on < $1.on }?.status }
        #expect(current.filter { $0 == .published }.count > documents.count / 2)
        #expect(current.contains(.toReview) && current.contains(.ready) && current.contains(.deleted))
        #expect(documents.filter(\.autoPublished).count > 50)
        #expect(documents.filter(\.autoCategorised).count > documents.filter(\.autoPublished).count)

        // PR-INACTIVE and PR-DECLINING (kpi-definitions §7) both find clients.
        let recent = today.advanced(by: -29)
        let baselineStart = today.advanced(by: -209)
        let baselineEnd = today.advanced(by: -30)
        var inactive = 0
        var declining = 0
        for client in clients where !client.deactivated {
            let dates = documents.filter { $0.client == client.id }.map(\.receivedOn)
            let last30 = dates.filter { $0 >= recent }.count
            let baseline = Double(dates.filter { $0 >= baselineStart && $0 <= baselineEnd }.count) / 6
            if last30 == 0 { inactive += 1 } else if baseline >= 4, Double(last30) < baseline / 2 { declining += 1 }
        }
        #expect(inactive >= 1)
        #expect(declining >= 1)

        // Receivables: every document kind, invoices with several installments, open overdue items.
        #expect(Set(credits.map(\.kind)) == Set(CreditDocumentKind.allCases))
        #expect(Set(debits.map(\.kind)) == Set(DebitDocumentKind.allCases))
        #expect(Dictionary(grouping: installments, by: \.invoiceID).values.contains { $0.count >= 2 })
        let allocated = Dictionary(grouping: allocations.filter { $0.targetKind == .installment }, by: \.target)
            .mapValues { $0.reduce(Int64(0)) { $0 + $1.amount } }
        let open = installments.filter { $0.amount - (allocated[$0.id] ?? 0) > 0 }
        let overdue = open.filter { ($0.dueDate ?? today) < today }
        #expect(overdue.count > 20 && overdue.count < installments.count / 2)
        #expect(open.contains { ($0.dueDate ?? today) >= today })
        let partial = installments.filter { (allocated[$0.id] ?? 0) > 0 && (allocated[$0.id] ?? 0) < $0.amount }
        #expect(!partial.isEmpty)
        let paymentDates = Dictionary(uniqueKeysWithValues: credits.map { ($0.id, $0.date) })
        let byID = Dictionary(uniqueKeysWithValues: installments.map { ($0.id, $0) })
        let cash = allocations.filter { $0.source.hasPrefix("RG") && $0.targetKind == .installment }
        let late = cash.filter { allocation in
            guard let paid = paymentDates[allocation.source], let due = byID[allocation.target]?.dueDate else {
                return false
            }
            return paid > due
        }
        #expect(late.count > cash.count / 10 && late.count < cash.count * 9 / 10)
        let unapplied = credits.filter { credit in !allocations.contains { $0.source == credit.id } }
        #expect(unapplied.contains { $0.kind == .payment } && unapplied.contains { $0.kind == .prepayment })
        let autoShare = Double(allocations.filter { $0.method == .auto }.count) / Double(allocations.count)
        #expect(autoShare > 0.4 && autoShare < 0.85)
        #expect(disputes.contains { $0.resolvedOn == nil } && disputes.contains { $0.resolvedOn != nil })
        #expect(disputes.allSatisfy { $0.reason != nil })
        #expect(!Self.records(ProvisionRecord.self, in: batches).isEmpty)
        #expect(!Self.records(OffLedgerExposureRecord.self, in: batches).isEmpty)

        // Collection: the seed's strategy, events of every outcome.
        let seed = try #require(strategies.first { $0.id == "STRAT-SEED" })
        #expect(
            seed.actions.map { "\($0.channel.rawValue) \($0.offsetDays) \($0.paymentMode ?? "-")" } == [
                "CALL -10 C", "EMAIL 5 C", "LETTER 10 C", "CALL 2 V30", "SMS 1 N30",
            ]
        )
        #expect(Set(events.map(\.outcome)) == Set(CollectionOutcome.allCases))
        #expect(events.filter { $0.outcome == .modified }.allSatisfy { $0.replacementCode != nil })

        // Prospects over two fiscal years.
        #expect(Set(deals.map(\.fiscalYear)) == [2024, 2025])
        let finalStatus = deals.map { $0.statusHistory.last?.status }
        #expect(finalStatus.contains(.won) && finalStatus.contains(.abandoned) && finalStatus.contains(.open))
        #expect(deals.contains { deal in !offers.contains { $0.deal == deal.id } })
        let offerStatus = Set(offers.compactMap { $0.statusHistory.last?.status })
        #expect(offerStatus.isSuperset(of: [.sent, .signed, .refused]))
        #expect(offers.contains { $0.feesExceptionalHT > 0 } && offers.allSatisfy { $0.feesRecurringHT > 0 })
    }

    @Test("the async sequence generates off the cooperative pool and gives the same batches")
    func asyncBatches() async throws {
        var parameters = Self.small()
        parameters.documents = 500
        parameters.installments = 150
        var batches: [RecordBatch] = []
        for try await batch in DemoFirmGenerator.batches(parameters: parameters) {
            batches.append(batch)
        }
        #expect(batches == (try Self.generate(parameters)))
    }
}
