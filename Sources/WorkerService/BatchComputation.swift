internal import Dispatch
internal import Foundation
internal import KPI
public import PilotageProtocol
public import Rollups
internal import Wire

/// Turns a leased batch's facts into its partitions' rows: records → facts (``Rollups/FactMapper``)
/// → parts (``Rollups/GroupRollupCalculator``, ``Rollups/ProspectRollupCalculator``). Pure and
/// CPU-bound: the worker runs it on its compute queue, never on the cooperative pool.
///
/// A client-group batch is computed in two steps so that the first overlaps the facts stream:
/// ``decodeClientRecords(_:)`` decodes each chunk as it arrives (chunks in parallel), the
/// chunks' ``ClientRecordSets`` are appended in stream order, then
/// ``rollups(work:header:sets:)`` maps and computes the groups in parallel. The result is the
/// same as decoding every record in order (``rollups(work:header:records:)``).
public enum BatchComputation {
    /// The rows of every partition of `work`, computed from the streamed header and records.
    ///
    /// - Throws: ``Rollups/RollupError`` when the batch or its records are not what the
    ///   protocol promises.
    public static func rollups(work: WorkAssignment, header: FactsHeader, records: [StoredRecord]) throws -> [PartitionRollup] {
        switch work.family {
        case .clientGroup:
            return try Self.rollups(work: work, header: header, sets: Self.decodeClientRecords(records[...]))
        case .prospects:
            return try Self.prospects(work: work, header: header, records: records)
        }
    }

    /// Decodes records of a client-group batch (a chunk of the facts stream) into each client's
    /// ``Rollups/ClientRecordSet``, in order.
    ///
    /// - Throws: ``Rollups/RollupError`` (`invalidFacts`) for a record without a client or
    ///   whose payload does not decode as its kind.
    public static func decodeClientRecords(_ records: ArraySlice<StoredRecord>) throws(RollupError) -> ClientRecordSets {
        let decoder = WireDecoder()
        var sets = ClientRecordSets()
        for record in records {
            guard let client = record.client else {
                throw RollupError(code: .invalidFacts, message: "a \(record.kind.rawValue) record of a client-group batch has no client")
            }
            do {
                try record.payload.withUnsafeBytes { bytes in
                    try sets.add(client: client, kind: record.kind, bytes: bytes, decoder: decoder)
                }
            } catch {
                throw RollupError(code: .invalidFacts, message: "a \(record.kind.rawValue) record of client \(client) does not decode: \(error)")
            }
        }
        return sets
    }

    /// Decodes the records of a keyed facts stream's chunk (``PilotageProtocol/FetchFactsRequest/keyed``):
    /// each client's changes, clients in stream order. Kinds that belong to no client are skipped.
    ///
    /// - Throws: ``Rollups/RollupError`` (`invalidFacts`) for a record without a client or an
    ///   id, or whose payload does not decode as its kind.
    public static func decodeKeyedRecords(_ records: ArraySlice<StoredRecord>) throws(RollupError) -> [(client: String, changes: [KeyedClientRecords.Change])] {
        let decoder = WireDecoder()
        var result: [(client: String, changes: [KeyedClientRecords.Change])] = []
        for record in records {
            guard let client = record.client, let id = record.id else {
                throw RollupError(code: .invalidFacts, message: "a \(record.kind.rawValue) record of a keyed facts stream has no client or no id")
            }
            let decoded: DecodedClientRecord?
            if record.removed == true {
                decoded = nil
            } else {
                do {
                    decoded = try record.payload.withUnsafeBytes { bytes throws(WireError) in
                        try DecodedClientRecord(kind: record.kind, bytes: bytes, decoder: decoder)
                    }
                } catch {
                    throw RollupError(code: .invalidFacts, message: "\(record.kind.rawValue) \(id) of client \(client) does not decode: \(error)")
                }
                guard decoded != nil else { continue }
            }
            let change = KeyedClientRecords.Change(kind: record.kind, id: id, firstDate: record.firstDate, record: decoded)
            if result.last?.client == client {
                result[result.count - 1].changes.append(change)
            } else {
                result.append((client, [change]))
            }
        }
        return result
    }

    /// The rows of every partition of a client-group batch from its clients' decoded records;
    /// the groups are mapped and computed in parallel over the cores.
    ///
    /// - Throws: ``Rollups/RollupError`` when a partition has no month or group.
    public static func rollups(work: WorkAssignment, header: FactsHeader, sets: ClientRecordSets) throws -> [PartitionRollup] {
        let plan = try GroupPlan(work: work, header: header)
        // Groups are independent: spread their mapping and computation over the cores.
        let results = ResultSlots<[PartitionRollup]>(count: plan.jobs.count)
        DispatchQueue.concurrentPerform(iterations: plan.jobs.count) { index in
            results.set(index, plan.rollups(plan.jobs[index]) { sets[$0] })
        }
        return results.values.flatMap { $0 ?? [] }
    }

    /// What a client-group batch computes, group by group: each group's clients (from the
    /// header) and targets (its partitions, in batch order), groups by id.
    public struct GroupPlan: Sendable {
        /// One group's share of the batch.
        public struct Job: Sendable {
            /// The client group.
            public var group: Int64
            /// Its clients when the facts were read.
            public var clients: [String]
            /// Its partitions.
            public var targets: [GroupRollupCalculator.Target]
        }

        /// The groups, by id.
        public let jobs: [Job]
        /// Maps the batch's records to facts (with the firm's time zone).
        let mapper: FactMapper
        private let calculator: GroupRollupCalculator
        /// What a client's share depends on besides its records and its group's targets.
        private let settings: FirmSettingsRecord?
        private let through: CalendarDate

        /// The plan of `work` with the facts stream's `header`.
        ///
        /// - Throws: ``Rollups/RollupError`` (`invalidPartition`) when a partition has no month or group.
        public init(work: WorkAssignment, header: FactsHeader) throws(RollupError) {
            let members = Dictionary(header.groups.map { ($0.groupID, $0.clients) }, uniquingKeysWith: { first, _ in first })
            var targetsByGroup: [Int64: [GroupRollupCalculator.Target]] = [:]
            for partition in work.partitions {
                guard let month = partition.month, let group = partition.groupID ?? work.groupID else {
                    throw RollupError(code: .invalidPartition, message: "\(partition.key) has no month or group")
                }
                targetsByGroup[group, default: []].append(GroupRollupCalculator.Target(key: partition.key, month: month, from: partition.from))
            }
            self.jobs = targetsByGroup.sorted { $0.key < $1.key }.map { group, targets in
                Job(group: group, clients: members[group] ?? [], targets: targets)
            }
            self.mapper = FactMapper(settings: header.settings)
            self.calculator = GroupRollupCalculator(
                settings: FactMapper.kpiSettings(header.settings),
                today: header.today,
                firstDataDate: header.firstDataDate
            )
            self.settings = header.settings
            self.through = header.through
        }

        /// The rows of `job`'s partitions from its clients' records (`records(client)`).
        public func rollups(_ job: Job, records: (String) -> ClientRecordSet?) -> [PartitionRollup] {
            let facts = job.clients.compactMap { records($0).flatMap(self.mapper.facts) }
            return self.calculator.rollups(facts: facts, targets: job.targets)
        }

        /// The rows of `job`'s partitions from its clients' records held by key (`records`,
        /// by client), and how many clients gave their kept share and how many were computed.
        /// The records of the clients computed keep their facts (``Rollups/KeyedClientRecords/facts(through:mapper:)``)
        /// and, for a day's rows, their new share (``Rollups/ClientShareMemo``).
        ///
        /// When every target starts at a day, the rows are the sum of the clients' shares
        /// (``Rollups/GroupRollupCalculator/rollups(summing:targets:)``, the same bytes as
        /// ``rollups(_:records:)``): a client whose records carry a memo computed from this
        /// batch's inputs gives it without being mapped or computed again. Whole months are
        /// computed over all the facts, without shares.
        public func rollups(
            _ job: Job,
            keyed records: inout [String: KeyedClientRecords]
        ) -> (rows: [PartitionRollup], reused: Int, computed: Int) {
            let held = job.clients.filter { (records[$0]?.count ?? 0) > 0 }
            guard job.targets.allSatisfy({ $0.from != nil }) else {
                let facts = held.compactMap { records[$0]?.facts(through: self.through, mapper: self.mapper) }
                return (self.calculator.rollups(facts: facts, targets: job.targets), 0, 0)
            }
            let inputs = ClientShareMemo.Inputs(
                settings: self.settings,
                today: self.calculator.today,
                firstDataDate: self.calculator.firstDataDate,
                through: self.through,
                targets: job.targets
            )
            var shares: [GroupRollupCalculator.ClientShare] = []
            var reused = 0
            var computed = 0
            for client in held {
                if let memo = records[client]?.memo, memo.inputs == inputs {
                    shares.append(memo.share)
                    reused += 1
                    continue
                }
                guard let facts = records[client]?.facts(through: self.through, mapper: self.mapper) else { continue }
                let share = self.calculator.share(of: facts, targets: job.targets)
                shares.append(share)
                records[client]?.memo = ClientShareMemo(inputs: inputs, share: share)
                computed += 1
            }
            // A group without facts still gets its (empty) day and month rows.
            guard !shares.isEmpty else { return (self.calculator.rollups(facts: [], targets: job.targets), reused, computed) }
            return (self.calculator.rollups(summing: shares, targets: job.targets), reused, computed)
        }
    }

    /// The rows of a prospects batch (one fiscal year) from its deal and offer records.
    static func prospects(work: WorkAssignment, header: FactsHeader, records: [StoredRecord]) throws -> [PartitionRollup] {
        let decoder = WireDecoder()
        let settings = FactMapper.kpiSettings(header.settings)
        switch work.family {
        case .clientGroup:
            throw RollupError(code: .invalidPartition, message: "a client-group batch is not a prospects batch")
        case .prospects:
            guard let fiscalYear = work.fiscalYear, let partition = work.partitions.first, work.partitions.count == 1 else {
                throw RollupError(code: .invalidPartition, message: "a prospects batch holds exactly one fiscal year")
            }
            var deals: [DealFact] = []
            var offers: [OfferFact] = []
            for record in records {
                do {
                    switch record.kind {
                    case .deal: deals.append(FactMapper.deal(try decoder.decode(DealRecord.self, from: [UInt8](record.payload))))
                    case .offerDocument:
                        offers.append(FactMapper.offer(try decoder.decode(OfferDocumentRecord.self, from: [UInt8](record.payload))))
                    default: break
                    }
                } catch {
                    throw RollupError(code: .invalidFacts, message: "a \(record.kind.rawValue) record does not decode: \(error)")
                }
            }
            let calculator = ProspectRollupCalculator(calendar: settings.fiscalCalendar, today: header.today)
            return [calculator.rollup(key: partition.key, fiscalYear: fiscalYear, deals: deals, offers: offers)]
        }
    }
}

/// Results written by concurrent iterations, one slot each (also used by the tests that
/// decode chunks concurrently as the worker does).
package final class ResultSlots<Value: Sendable>: @unchecked Sendable {  // Safe: `slots` is only touched under `lock`.
    private let lock = NSLock()
    private var slots: [Value?]

    /// `count` empty slots.
    package init(count: Int) {
        self.slots = Array(repeating: nil, count: count)
    }

    /// Fills slot `index`.
    package func set(_ index: Int, _ value: Value) {
        self.lock.withLock { self.slots[index] = value }
    }

    /// Every slot, in order.
    package var values: [Value?] {
        self.lock.withLock { self.slots }
    }
}
