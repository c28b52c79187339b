public import PilotageProtocol
internal import Wire

/// A row that passed every check and will be written.
public struct AcceptedRecord: Sendable {
    /// Index of the row in the batch.
    public var index: Int
    /// Kind and id.
    public var key: RecordKey
    /// The record (due date filled in when it was inferred).
    public var record: any RecordRules
    /// Canonical wire encoding of `record`: equal content, equal bytes.
    public var payload: [UInt8]
    /// The client the record belongs to (`nil` for firm-wide records).
    public var owningClient: String?
}

/// A tombstone that will remove a stored record.
public struct AcceptedDeletion: Hashable, Sendable {
    /// Index of the row in the batch.
    public var index: Int
    /// Kind and id of the record to remove.
    public var key: RecordKey
}

/// The outcome of validating a batch: what to write, what to report.
public struct ValidatedBatch: Sendable {
    /// Rows to insert or replace, in index order.
    public var upserts: [AcceptedRecord] = []
    /// Stored records to delete, in index order.
    public var deletions: [AcceptedDeletion] = []
    /// Rows that change nothing: tombstones of unknown ids and exact repeats within the batch.
    public var noOps: Int = 0
    /// Rejected rows, in index order.
    public var rejections: [RowRejection] = []
    /// Installments whose due date was inferred.
    public var dueDatesInferred: Int = 0
}

/// Validates a whole batch against itself and the firm's stored records (`data-contract.md`):
/// per-row decoding and value rules, duplicates within the batch, references resolved within the
/// batch or the store (order within a batch does not matter, rejections cascade to the rows that
/// needed them), deletions of records still referenced, allocations exceeding an amount, and due
/// dates inferred from client terms (else 30 days).
public struct BatchValidator: Sendable {
    /// Default payment terms when neither the row nor the client gives any (art. L441-10 I).
    public static let defaultPaymentTermsDays = 30

    /// Limits on ids, strings and dates.
    public var limits: IngestLimits

    public init(limits: IngestLimits = .default) {
        self.limits = limits
    }

    /// Validates `rows` (numbered from 0) against `existing`.
    /// - Throws: only what `existing` throws (a storage failure fails the batch as a whole).
    public func validate(_ rows: [IngestRow], existing: some ExistingRecords) throws -> ValidatedBatch {
        var state = ValidationState(existing: existing)
        let decoder = RowDecoder(limits: self.limits)

        // 1. Decode each row on its own; apply value rules.
        for (index, row) in rows.enumerated() {
            switch decoder.decode(row, index: index) {
            case .failure(let error):
                state.reject(error.rejection)
            case .success(let decoded):
                if case .upsert(let record, _) = decoded, let problem = record.problems().first {
                    state.reject(index: index, kind: row.kind, id: decoded.id, field: problem.field, reason: problem.reason, message: problem.message)
                } else {
                    state.candidates.append(Candidate(index: index, key: RecordKey(row.kind, decoded.id), row: decoded))
                }
            }
        }

        // 2. Duplicates: identical repeats collapse, differing ones are all rejected.
        state.resolveDuplicates()

        // 3. References, deletions still referenced, to a fixed point (rejections cascade).
        try state.resolveReferences()

        // 4. Amount conflicts of allocations.
        try state.checkAllocationAmounts()

        // 5. Owning clients and inferred due dates.
        return try state.finish(encoder: WireEncoder())
    }
}

/// A row that is still in the running.
struct Candidate {
    var index: Int
    var key: RecordKey
    var row: DecodedRow
    var isRejected = false

    var record: (any RecordRules)? {
        if case .upsert(let record, _) = self.row { return record }
        return nil
    }

    var canonical: [UInt8]? {
        if case .upsert(_, let canonical) = self.row { return canonical }
        return nil
    }

    var isTombstone: Bool {
        if case .tombstone = self.row { return true }
        return false
    }
}

private struct ValidationState<Existing: ExistingRecords> {
    let existing: Existing
    var candidates: [Candidate] = []
    var rejections: [RowRejection] = []
    var noOps = 0
    private var existsCache: [RecordKey: Bool] = [:]

    init(existing: Existing) {
        self.existing = existing
    }

    mutating func reject(_ rejection: RowRejection) {
        self.rejections.append(rejection)
    }

    mutating func reject(index: Int, kind: EntityKind, id: String?, field: String?, reason: RowReason, message: String) {
        self.rejections.append(RowRejection(index: index, kind: kind, id: id, field: field, reason: reason, message: message))
    }

    mutating func reject(candidate position: Int, field: String?, reason: RowReason, message: String) {
        let candidate = self.candidates[position]
        self.candidates[position].isRejected = true
        self.reject(index: candidate.index, kind: candidate.key.kind, id: candidate.key.id, field: field, reason: reason, message: message)
    }

    /// Positions of live candidates, by key (after duplicates are resolved there is one per key).
    var liveByKey: [RecordKey: Int] {
        var map: [RecordKey: Int] = [:]
        for (position, candidate) in self.candidates.enumerated() where !candidate.isRejected {
            map[candidate.key] = position
        }
        return map
    }

    mutating func resolveDuplicates() {
        var positionsByKey: [RecordKey: [Int]] = [:]
        for (position, candidate) in self.candidates.enumerated() {
            positionsByKey[candidate.key, default: []].append(position)
        }
        var collapsed: Set<Int> = []
        for (key, positions) in positionsByKey where positions.count > 1 {
            let first = self.candidates[positions[0]]
            let identical = positions.dropFirst().allSatisfy { position in
                let other = self.candidates[position]
                return other.isTombstone == first.isTombstone && other.canonical == first.canonical
            }
            if identical {
                collapsed.formUnion(positions.dropFirst())
                self.noOps += positions.count - 1
            } else {
                let indexes = positions.map { self.candidates[$0].index }
                for position in positions {
                    self.reject(candidate: position, field: "id", reason: .duplicateInBatch, message: "\(key) appears at rows \(indexes.map(String.init).joined(separator: ", ")) with different content")
                }
            }
        }
        if !collapsed.isEmpty {
            self.candidates = self.candidates.enumerated().filter { !collapsed.contains($0.offset) }.map(\.element)
        }
    }

    mutating func exists(_ key: RecordKey) throws -> Bool {
        if let known = self.existsCache[key] { return known }
        let found = try self.existing.contains(key.kind, id: key.id)
        self.existsCache[key] = found
        return found
    }

    mutating func resolveReferences() throws {
        var changed = true
        while changed {
            changed = false
            let live = self.liveByKey
            for position in self.candidates.indices where !self.candidates[position].isRejected {
                let candidate = self.candidates[position]
                if let record = candidate.record {
                    for reference in record.references {
                        if let target = live[reference.target] {
                            if self.candidates[target].isTombstone {
                                self.reject(candidate: position, field: reference.field, reason: .unknownReference, message: "\(reference.target) is deleted in the same batch")
                                changed = true
                                break
                            }
                            continue
                        }
                        if try !self.exists(reference.target) {
                            self.reject(candidate: position, field: reference.field, reason: .unknownReference, message: "\(reference.target) exists neither in the firm nor in the batch")
                            changed = true
                            break
                        }
                    }
                } else if try self.exists(candidate.key) {
                    // A deletion is refused while stored records still point at it, unless the
                    // batch deletes them too or replaces them by versions that no longer do.
                    for referrer in try self.existing.referrers(of: candidate.key.kind, id: candidate.key.id) {
                        if let other = live[referrer] {
                            if self.candidates[other].isTombstone { continue }
                            if let record = self.candidates[other].record, !record.references.contains(where: { $0.target == candidate.key }) {
                                continue
                            }
                        }
                        self.reject(candidate: position, field: "deleted", reason: .conflict, message: "\(candidate.key) is still referenced by \(referrer)")
                        changed = true
                        break
                    }
                }
            }
        }
    }

    /// The amount of a target or source after the batch: the batch's version if it lands, else the stored one.
    mutating func amount(of key: RecordKey, live: [RecordKey: Int]) throws -> Int64? {
        if let position = live[key], let record = self.candidates[position].record {
            return Self.amount(of: record)
        }
        switch key.kind {
        case .installment: return try self.existing.record(InstallmentRecord.self, id: key.id)?.amount
        case .debitDocument: return try self.existing.record(DebitDocumentRecord.self, id: key.id)?.amount
        case .creditDocument: return try self.existing.record(CreditDocumentRecord.self, id: key.id)?.amount
        default: return nil
        }
    }

    static func amount(of record: any RecordRules) -> Int64? {
        switch record {
        case let installment as InstallmentRecord: installment.amount
        case let debit as DebitDocumentRecord: debit.amount
        case let credit as CreditDocumentRecord: credit.amount
        default: nil
        }
    }

    static func client(of record: any RecordRules) -> String? {
        switch record {
        case let installment as InstallmentRecord: installment.client
        case let debit as DebitDocumentRecord: debit.client
        case let credit as CreditDocumentRecord: credit.client
        default: nil
        }
    }

    mutating func client(of key: RecordKey, live: [RecordKey: Int]) throws -> String? {
        if let position = live[key], let record = self.candidates[position].record {
            return Self.client(of: record)
        }
        switch key.kind {
        case .installment: return try self.existing.record(InstallmentRecord.self, id: key.id)?.client
        case .debitDocument: return try self.existing.record(DebitDocumentRecord.self, id: key.id)?.client
        case .creditDocument: return try self.existing.record(CreditDocumentRecord.self, id: key.id)?.client
        default: return nil
        }
    }

    /// Allocations must stay within both the target's and the source's amount, counting the
    /// stored allocations that the batch neither replaces nor deletes; source and target must
    /// belong to the same client.
    mutating func checkAllocationAmounts() throws {
        let live = self.liveByKey
        var batchAllocations: [Int] = []
        var touchedTargets: Set<RecordKey> = []
        var touchedSources: Set<String> = []
        for (position, candidate) in self.candidates.enumerated() where !candidate.isRejected {
            if let allocation = candidate.record as? AllocationRecord {
                batchAllocations.append(position)
                touchedTargets.insert(RecordKey(allocation.targetEntityKind, allocation.target))
                touchedSources.insert(allocation.source)
            } else if candidate.key.kind == .installment || candidate.key.kind == .debitDocument, candidate.record != nil {
                touchedTargets.insert(candidate.key)
            } else if candidate.key.kind == .creditDocument, candidate.record != nil {
                touchedSources.insert(candidate.key.id)
            }
        }
        // Same client on both sides.
        for position in batchAllocations {
            guard let allocation = self.candidates[position].record as? AllocationRecord else { continue }
            let sourceClient = try self.client(of: RecordKey(.creditDocument, allocation.source), live: live)
            let targetClient = try self.client(of: RecordKey(allocation.targetEntityKind, allocation.target), live: live)
            if let sourceClient, let targetClient, sourceClient != targetClient {
                self.reject(candidate: position, field: "target", reason: .conflict, message: "source belongs to client \(sourceClient) and target to client \(targetClient)")
            }
        }
        let stillLive = self.liveByKey
        let deleted = self.deletedAllocations
        func storedAllocations(_ stored: [AllocationRecord]) -> [AllocationRecord] {
            stored.filter { stillLive[RecordKey(.allocation, $0.id)] == nil && !deleted.contains($0.id) }
        }
        // The batch's allocations by target and by source, in batch order (one pass, so a batch
        // of n allocations costs O(n), not O(n × targets)).
        var byTarget: [RecordKey: [Int]] = [:]
        var bySource: [String: [Int]] = [:]
        for position in batchAllocations {
            guard let allocation = self.candidates[position].record as? AllocationRecord else { continue }
            byTarget[RecordKey(allocation.targetEntityKind, allocation.target), default: []].append(position)
            bySource[allocation.source, default: []].append(position)
        }
        for target in touchedTargets.sorted() {
            guard let amount = try self.amount(of: target, live: stillLive) else { continue }
            let kind: AllocationTargetKind = target.kind == .installment ? .installment : .debitDocument
            let kept = storedAllocations(try self.existing.allocations(toTarget: kind, id: target.id))
            var total = kept.reduce(Int64(0)) { $0 + $1.amount }
            if total > amount, let position = stillLive[target], self.candidates[position].record != nil {
                self.reject(candidate: position, field: "amount", reason: .conflict, message: "amount \(amount) is below the \(total) already allocated to it")
                continue
            }
            for position in byTarget[target] ?? [] where !self.candidates[position].isRejected {
                guard let allocation = self.candidates[position].record as? AllocationRecord,
                    allocation.target == target.id, allocation.targetKind == kind
                else { continue }
                if total + allocation.amount > amount {
                    self.reject(candidate: position, field: "amount", reason: .conflict, message: "allocations to \(target) would total \(total + allocation.amount), above its amount \(amount)")
                } else {
                    total += allocation.amount
                }
            }
        }
        // Rejections below only flip allocation candidates (and the source being checked), never
        // the position of a key: one map serves the whole loop.
        let liveForSources = self.liveByKey
        for source in touchedSources.sorted() {
            let key = RecordKey(.creditDocument, source)
            guard let amount = try self.amount(of: key, live: liveForSources) else { continue }
            let kept = storedAllocations(try self.existing.allocations(fromSource: source))
            var total = kept.reduce(Int64(0)) { $0 + $1.amount }
            if total > amount, let position = liveForSources[key], self.candidates[position].record != nil {
                self.reject(candidate: position, field: "amount", reason: .conflict, message: "amount \(amount) is below the \(total) already allocated from it")
                continue
            }
            for position in bySource[source] ?? [] where !self.candidates[position].isRejected {
                guard let allocation = self.candidates[position].record as? AllocationRecord, allocation.source == source else { continue }
                if total + allocation.amount > amount {
                    self.reject(candidate: position, field: "amount", reason: .conflict, message: "allocations from \(key) would total \(total + allocation.amount), above its amount \(amount)")
                } else {
                    total += allocation.amount
                }
            }
        }
    }

    var deletedAllocations: Set<String> {
        Set(self.candidates.filter { !$0.isRejected && $0.isTombstone && $0.key.kind == .allocation }.map(\.key.id))
    }

    mutating func finish(encoder: WireEncoder) throws -> ValidatedBatch {
        var batch = ValidatedBatch()
        let live = self.liveByKey
        var clientTerms: [String: Int?] = [:]
        for candidate in self.candidates where !candidate.isRejected {
            guard var record = candidate.record, var payload = candidate.canonical else {
                if try self.exists(candidate.key) {
                    batch.deletions.append(AcceptedDeletion(index: candidate.index, key: candidate.key))
                } else {
                    batch.noOps += 1
                }
                continue
            }
            if var installment = record as? InstallmentRecord, installment.dueDate == nil {
                let terms: Int?
                if let cached = clientTerms[installment.client] {
                    terms = cached
                } else {
                    let clientKey = RecordKey(.client, installment.client)
                    if let position = live[clientKey], let client = self.candidates[position].record as? ClientRecord {
                        terms = client.paymentTermsDays
                    } else {
                        terms = try self.existing.record(ClientRecord.self, id: installment.client)?.paymentTermsDays
                    }
                    clientTerms[installment.client] = terms
                }
                installment.dueDate = installment.invoiceDate.adding(days: terms ?? BatchValidator.defaultPaymentTermsDays)
                record = installment
                payload = try encoder.encode(installment)
                batch.dueDatesInferred += 1
            }
            let owner: String?
            switch record.ownership {
            case .firm: owner = nil
            case .client(let id): owner = id
            case .via(let key): owner = try self.client(of: key, live: live)
            }
            batch.upserts.append(AcceptedRecord(index: candidate.index, key: candidate.key, record: record, payload: payload, owningClient: owner))
        }
        batch.noOps += self.noOps
        batch.rejections = self.rejections.sorted { $0.index < $1.index }
        return batch
    }
}
