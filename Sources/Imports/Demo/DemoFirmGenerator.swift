internal import PilotageProtocol
internal import Wire

/// Generates a realistic demo firm, deterministically and in streaming: a sequence of
/// ``RecordBatch``es, each of one entity kind, every reference pointing to a record handed out
/// in an earlier batch (or the same one).
///
/// ```swift
/// var generator = try DemoFirmGenerator(parameters: DemoFirmParameters(size: .small, today: today, seed: 42))
/// while let batch = generator.next() { try await ingest(batch) }
/// ```
///
/// Order: firm settings, organisation units (regions → agencies → offices), collaborators,
/// collection strategies, clients; then, a run of clients at a time, their supplier rules,
/// documents, installments, debit and credit documents, allocations, disputes, provisions,
/// off-ledger exposures and collection events; finally deals and offer documents. Only one run
/// of clients is in memory at once (about four batches of documents), so the large firm
/// (5 000 clients, 2 000 000 documents, 500 000 installments) streams in bounded memory.
///
/// Every client's records come from its own PRNG stream (xoshiro256** seeded from the seed and
/// the client's number), so the same seed gives byte-identical output whatever the batch size.
public struct DemoFirmGenerator: Sequence, IteratorProtocol, Sendable {
    /// The parameters.
    public let parameters: DemoFirmParameters
    private let world: DemoWorld
    private var queue: [RecordBatch] = []
    private var queueHead = 0
    private var nextClient = 0
    private var clientsPerRun: Int
    private var stage = Stage.header

    private enum Stage {
        case header, clients, prospects, done
    }

    /// Prepares the generator (builds the organisation, staff and client profiles: small).
    ///
    /// - Throws: ``ImportError`` `.invalidParameter` when the parameters are inconsistent.
    public init(parameters: DemoFirmParameters) throws {
        try parameters.validate()
        self.parameters = parameters
        self.world = DemoWorld(parameters: parameters)
        let documentsPerClient = Swift.max(1, parameters.documents / Swift.max(1, parameters.clients))
        self.clientsPerRun = Swift.max(1, parameters.batchSize * 4 / documentsPerClient)
    }

    /// The next batch, or `nil` when the firm is complete.
    public mutating func next() -> RecordBatch? {
        while true {
            if self.queueHead < self.queue.count {
                let batch = self.queue[self.queueHead]
                self.queueHead += 1
                return batch
            }
            self.queue.removeAll(keepingCapacity: true)
            self.queueHead = 0
            switch self.stage {
            case .header:
                self.queueHeader()
                self.stage = .clients
            case .clients:
                guard self.nextClient < self.world.clients.count else {
                    self.stage = .prospects
                    continue
                }
                let end = Swift.min(self.world.clients.count, self.nextClient + self.clientsPerRun)
                var data = DemoClientData()
                for client in self.world.clients[self.nextClient..<end] {
                    data.addPractice(of: client, parameters: self.parameters)
                    data.addReceivables(of: client, world: self.world, parameters: self.parameters)
                }
                self.nextClient = end
                self.queue = data.batches(size: self.parameters.batchSize)
            case .prospects:
                self.queueProspects()
                self.stage = .done
            case .done:
                return nil
            }
        }
    }

    private mutating func queueHeader() {
        let size = self.parameters.batchSize
        self.queue.append(.firmSettings([self.world.settings]))
        self.queue += RecordBatch.chunks(self.world.units, maximumCount: size, RecordBatch.organisationUnits)
        self.queue += RecordBatch.chunks(self.world.collaborators, maximumCount: size, RecordBatch.collaborators)
        self.queue.append(.collectionStrategies(self.world.strategies))
        self.queue += RecordBatch.chunks(self.world.clients.map(\.record), maximumCount: size, RecordBatch.clients)
    }

    // MARK: - Prospects (deals and offers over two fiscal years)

    private mutating func queueProspects() {
        let p = self.parameters
        let currentStart = p.currentFiscalYearStart
        let span = p.dataStart.days(until: p.today) + 1
        var deals: [DealRecord] = []
        var offers: [OfferDocumentRecord] = []
        for number in 0..<p.deals {
            var random = Xoshiro256(seed: p.seed, stream: 30, index: UInt64(number))
            let created = p.dataStart.advanced(by: random.below(span))
            let office = self.world.offices[random.below(self.world.offices.count)]
            let validators = self.world.validatorsByRegion[office.region]
            let officeStaff = self.world.collaboratorsByOffice[office.id] ?? self.world.allManagers
            let team = DealTeam(
                partner: validators.isEmpty ? nil : random.pick(validators),
                manager: random.pick(self.world.managersByOffice[office.id] ?? self.world.allManagers),
                clientLead: random.pick(officeStaff)
            )
            let offerCount = random.chance(0.15) ? 0 : 1 + random.below(3)
            let draw = random.unit()
            var outcome: DealStatus = offerCount > 0 && draw < 0.35 ? .won : draw < 0.55 ? .abandoned : .open
            var closed = created.advanced(by: 15 + random.below(120))
            if closed > p.today { outcome = .open }
            let dealID = DemoNames.id("AF", number + 1)
            // Offers: drafted, sent, then the last one signed (won) or refused.
            var offerDates = created
            for offerNumber in 0..<offerCount {
                let draft = offerDates.advanced(by: random.below(10))
                let sent = draft.advanced(by: 1 + random.below(10))
                offerDates = sent
                var history: [OfferStatusChange] = []
                if draft <= p.today { history.append(OfferStatusChange(status: .draft, on: draft)) }
                if sent <= p.today, random.chance(0.9) || outcome != .open {
                    history.append(OfferStatusChange(status: .sent, on: sent))
                    let isLast = offerNumber == offerCount - 1
                    if outcome == .won, isLast {
                        closed = Swift.max(closed, sent.advanced(by: 1))
                        if closed > p.today { closed = p.today }
                        if closed >= sent { history.append(OfferStatusChange(status: .signed, on: closed)) }
                    } else if outcome != .open || !isLast {
                        let refused = Swift.min(p.today, sent.advanced(by: 5 + random.below(30)))
                        history.append(OfferStatusChange(status: .refused, on: refused))
                    }
                }
                guard !history.isEmpty else { continue }
                offers.append(
                    OfferDocumentRecord(
                        id: "\(dealID)-\(offerNumber + 1)",
                        deal: dealID,
                        type: random.pick(DemoNames.offerTypes),
                        template: random.pick(DemoNames.offerTemplates),
                        statusHistory: history,
                        signatory: DemoNames.person(&random),
                        feesRecurringHT: Int64(12 + random.below(229)) * 10_000,
                        feesExceptionalHT: random.chance(0.6) ? 0 : Int64(3 + random.below(28)) * 10_000
                    )
                )
            }
            if outcome == .won, offers.last?.deal != dealID || offers.last?.statusHistory.last?.status != .signed {
                outcome = .open
            }
            var history = [DealStatusChange(status: .open, on: created)]
            if outcome != .open { history.append(DealStatusChange(status: outcome, on: Swift.max(created, closed))) }
            deals.append(
                DealRecord(
                    id: dealID,
                    prospectName: DemoNames.company(&random),
                    organisationUnit: office.id,
                    fiscalYear: created >= currentStart ? currentStart.year : currentStart.year - 1,
                    team: team,
                    statusHistory: history
                )
            )
        }
        self.queue += RecordBatch.chunks(deals, maximumCount: p.batchSize, RecordBatch.deals)
        self.queue += RecordBatch.chunks(offers, maximumCount: p.batchSize, RecordBatch.offerDocuments)
    }
}

extension DemoFirmGenerator {
    /// Every batch of a demo firm as an async sequence, generated on a private queue (the
    /// large firm takes seconds of CPU: keep it off the cooperative pool).
    public static func batches(parameters: DemoFirmParameters) -> BlockingBatchSequence<RecordBatch> {
        BlockingBatchSequence(label: "imports.demo") {
            var generator = try DemoFirmGenerator(parameters: parameters)
            return { generator.next() }
        }
    }
}
