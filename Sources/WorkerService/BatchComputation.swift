internal import Dispatch
internal import Foundation
internal import KPI
public import PilotageProtocol
internal import Rollups
internal import Wire

/// Turns a leased batch's facts into its partitions' rows: records → facts (``Rollups/FactMapper``)
/// → parts (``Rollups/GroupRollupCalculator``, ``Rollups/ProspectRollupCalculator``). Pure and
/// CPU-bound: the worker runs it on its compute queue, never on the cooperative pool.
public enum BatchComputation {
    /// The rows of every partition of `work`, computed from the streamed header and records.
    ///
    /// - Throws: ``Rollups/RollupError`` when the batch or its records are not what the
    ///   protocol promises.
    public static func rollups(work: WorkAssignment, header: FactsHeader, records: [StoredRecord]) throws -> [PartitionRollup] {
        let decoder = WireDecoder()
        let settings = FactMapper.kpiSettings(header.settings)
        switch work.family {
        case .clientGroup:
            var sets: [String: ClientRecordSet] = [:]
            for record in records {
                guard let client = record.client else {
                    throw RollupError(code: .invalidFacts, message: "a \(record.kind.rawValue) record of a client-group batch has no client")
                }
                do {
                    try sets[client, default: ClientRecordSet()].add(kind: record.kind, payload: [UInt8](record.payload), decoder: decoder)
                } catch {
                    throw RollupError(code: .invalidFacts, message: "a \(record.kind.rawValue) record of client \(client) does not decode: \(error)")
                }
            }
            let mapper = FactMapper(settings: header.settings)
            let members = Dictionary(header.groups.map { ($0.groupID, $0.clients) }, uniquingKeysWith: { first, _ in first })
            var targetsByGroup: [Int64: [GroupRollupCalculator.Target]] = [:]
            for partition in work.partitions {
                guard let month = partition.month, let group = partition.groupID ?? work.groupID else {
                    throw RollupError(code: .invalidPartition, message: "\(partition.key) has no month or group")
                }
                targetsByGroup[group, default: []].append(GroupRollupCalculator.Target(key: partition.key, month: month, from: partition.from))
            }
            let calculator = GroupRollupCalculator(settings: settings, today: header.today, firstDataDate: header.firstDataDate)
            let jobs = targetsByGroup.sorted { $0.key < $1.key }.map { group, targets in
                (facts: (members[group] ?? []).compactMap { sets[$0].flatMap(mapper.facts) }, targets: targets)
            }
            // Groups are independent: spread them over the cores.
            let results = ResultSlots<[PartitionRollup]>(count: jobs.count)
            DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
                results.set(index, calculator.rollups(facts: jobs[index].facts, targets: jobs[index].targets))
            }
            return results.values.flatMap { $0 ?? [] }
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

/// Results written by concurrent iterations, one slot each.
// @unchecked Sendable: `slots` is only touched under `lock`.
final class ResultSlots<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]

    init(count: Int) {
        self.slots = Array(repeating: nil, count: count)
    }

    func set(_ index: Int, _ value: Value) {
        self.lock.withLock { self.slots[index] = value }
    }

    var values: [Value?] {
        self.lock.withLock { self.slots }
    }
}
