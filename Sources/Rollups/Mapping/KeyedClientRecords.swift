internal import Foundation
public import KPI
public import PilotageProtocol
public import Wire

/// One client's decoded records kept by key between batches (a worker's record cache), so that
/// the changes since the version it was read at — records added, rewritten or removed — apply
/// in place instead of the whole history being fetched and decoded again.
///
/// Records of a kind keep the tenant file's order (by id, compared byte by byte as SQLite's
/// `BINARY` collation does), so ``recordSet(through:)`` is exactly the ``ClientRecordSet`` a
/// complete facts stream of the client decodes to, whatever order the changes came in.
///
/// Once asked for its facts (``facts(through:mapper:)``), it also keeps them position for
/// position with the records, and ``apply(_:mapper:)`` maps only the records that change: a
/// client that gains a document is not mapped whole again at every batch.
///
/// ```swift
/// var cached = KeyedClientRecords(changes: wholeClient)   // a complete stream of the client
/// cached.apply(changesSinceThen, mapper: mapper)           // removals and upserts, by key
/// let set = cached.recordSet(through: header.through)
/// let facts = cached.facts(through: header.through, mapper: mapper)
/// ```
public struct KeyedClientRecords: Sendable {
    /// One record of a keyed facts stream, decoded, or its removal.
    public struct Change: Sendable {
        /// Entity kind.
        public var kind: EntityKind
        /// Record id.
        public var id: String
        /// Earliest business date (absent: undated).
        public var firstDate: CalendarDate?
        /// The record; `nil`: the record left the client.
        public var record: DecodedClientRecord?

        /// Creates a value.
        public init(kind: EntityKind, id: String, firstDate: CalendarDate?, record: DecodedClientRecord?) {
            self.kind = kind
            self.id = id
            self.firstDate = firstDate
            self.record = record
        }
    }

    /// The id and first date of a record, at the same position as the record in its kind's
    /// array of ``set``.
    private struct Key: Sendable {
        var id: String
        var firstDate: CalendarDate?
    }

    /// Every record held, by kind in stored order.
    public private(set) var set = ClientRecordSet()
    private var keys: [EntityKind: [Key]] = [:]
    /// The latest first date of the records held (`nil`: none is dated).
    public private(set) var latestFirstDate: CalendarDate?
    /// The client's share of its group's rows computed from these records, for the next batch;
    /// ``apply(_:mapper:)`` drops it when anything changes.
    public var memo: ClientShareMemo?
    /// The facts of the records held, position for position, once mapped.
    private var mapped: MappedFacts?

    /// The facts of every record held, each at its record's position in ``set``.
    private struct MappedFacts: Sendable {
        /// The time zone of the mapper (collection events' business dates depend on it).
        var timeZone: TimeZone
        var client: ClientFact?
        var lists: FactLists

        /// The facts of every record of `set`.
        init(_ set: ClientRecordSet, mapper: FactMapper) {
            self.timeZone = mapper.timeZone
            self.client = set.client.map(FactMapper.client)
            self.lists = mapper.lists(set)
        }
    }

    /// No records.
    public init() {}

    /// The records of a complete stream of the client, in any order.
    public init(changes: [Change]) {
        self.apply(changes)
    }

    /// Number of records held.
    public var count: Int { self.set.count }

    /// Applies changes in order: a record replaces the one of the same kind and id, or joins in
    /// its place by id; a removal drops it (removing a record not held changes nothing). With
    /// the `mapper` the facts were mapped with, the facts of the changed records are mapped
    /// and put in their place; without it, the facts are dropped (mapped again when asked for).
    public mutating func apply(_ changes: [Change], mapper: FactMapper? = nil) {
        guard !changes.isEmpty else { return }
        self.memo = nil
        if let mapped = self.mapped, mapper?.timeZone != mapped.timeZone { self.mapped = nil }
        var byKind: [EntityKind: [Change]] = [:]
        for change in changes { byKind[change.kind, default: []].append(change) }
        for (kind, changes) in byKind {
            switch kind {
            case .client: self.mergeClient(changes)
            case .installment:
                self.merge(\.installments, \.lists.installments, kind, changes, FactMapper.installment) { if case .installment(let value) = $0 { value } else { nil } }
            case .debitDocument:
                self.merge(\.debitDocuments, \.lists.debits, kind, changes, FactMapper.debit) { if case .debitDocument(let value) = $0 { value } else { nil } }
            case .creditDocument:
                self.merge(\.creditDocuments, \.lists.credits, kind, changes, FactMapper.credit) { if case .creditDocument(let value) = $0 { value } else { nil } }
            case .allocation:
                self.merge(\.allocations, \.lists.allocations, kind, changes, FactMapper.allocation) { if case .allocation(let value) = $0 { value } else { nil } }
            case .dispute: self.merge(\.disputes, \.lists.disputes, kind, changes, FactMapper.dispute) { if case .dispute(let value) = $0 { value } else { nil } }
            case .provision:
                self.merge(\.provisions, \.lists.provisions, kind, changes, FactMapper.provision) { if case .provision(let value) = $0 { value } else { nil } }
            case .offLedgerExposure:
                self.merge(\.exposures, \.lists.exposures, kind, changes, FactMapper.exposure) { if case .exposure(let value) = $0 { value } else { nil } }
            case .document: self.merge(\.documents, \.lists.documents, kind, changes, FactMapper.document) { if case .document(let value) = $0 { value } else { nil } }
            case .supplierRule:
                self.merge(\.supplierRules, \.lists.supplierRules, kind, changes, FactMapper.supplierRule) { if case .supplierRule(let value) = $0 { value } else { nil } }
            case .collectionEvent:
                // Facts are kept only when `mapper` is given (above): the fallback never maps.
                let event = { (record: CollectionEventRecord) in (mapper ?? FactMapper(settings: nil)).event(record) }
                self.merge(\.events, \.lists.events, kind, changes, event) { if case .event(let value) = $0 { value } else { nil } }
            case .firmSettings, .organisationUnit, .collaborator, .collectionStrategy, .deal, .offerDocument:
                continue
            }
        }
        self.latestFirstDate = self.keys.values.lazy.flatMap { $0 }.compactMap(\.firstDate).max()
    }

    /// The facts of ``recordSet(through:)`` (``FactMapper/facts(_:)`` of it, equal value), from
    /// the facts kept with the records: mapped whole the first time, or when `mapper` has
    /// another time zone than the facts kept; `nil` when the set has no client record.
    public mutating func facts(through: CalendarDate, mapper: FactMapper) -> ClientFacts? {
        if self.mapped?.timeZone != mapper.timeZone { self.mapped = MappedFacts(self.set, mapper: mapper) }
        guard let mapped = self.mapped, let client = mapped.client else { return nil }
        guard let latest = self.latestFirstDate, latest > through else { return mapped.lists.facts(of: client) }
        guard let key = self.keys[.client]?.first, Self.isOnOrBefore(key, through) else { return nil }
        var lists = FactLists()
        lists.installments = self.filtered(mapped.lists.installments, .installment, through)
        lists.debits = self.filtered(mapped.lists.debits, .debitDocument, through)
        lists.credits = self.filtered(mapped.lists.credits, .creditDocument, through)
        lists.allocations = self.filtered(mapped.lists.allocations, .allocation, through)
        lists.disputes = self.filtered(mapped.lists.disputes, .dispute, through)
        lists.provisions = self.filtered(mapped.lists.provisions, .provision, through)
        lists.exposures = self.filtered(mapped.lists.exposures, .offLedgerExposure, through)
        lists.documents = self.filtered(mapped.lists.documents, .document, through)
        lists.supplierRules = self.filtered(mapped.lists.supplierRules, .supplierRule, through)
        lists.events = self.filtered(mapped.lists.events, .collectionEvent, through)
        return lists.facts(of: client)
    }

    /// The records whose first date is on or before `through` (undated ones included), as the
    /// facts stream sends them for a batch whose months end at `through`.
    public func recordSet(through: CalendarDate) -> ClientRecordSet {
        guard let latest = self.latestFirstDate, latest > through else { return self.set }
        var set = ClientRecordSet()
        if let key = self.keys[.client]?.first, Self.isOnOrBefore(key, through) { set.client = self.set.client }
        set.installments = self.filtered(\.installments, .installment, through)
        set.debitDocuments = self.filtered(\.debitDocuments, .debitDocument, through)
        set.creditDocuments = self.filtered(\.creditDocuments, .creditDocument, through)
        set.allocations = self.filtered(\.allocations, .allocation, through)
        set.disputes = self.filtered(\.disputes, .dispute, through)
        set.provisions = self.filtered(\.provisions, .provision, through)
        set.exposures = self.filtered(\.exposures, .offLedgerExposure, through)
        set.documents = self.filtered(\.documents, .document, through)
        set.supplierRules = self.filtered(\.supplierRules, .supplierRule, through)
        set.events = self.filtered(\.events, .collectionEvent, through)
        return set
    }

    // MARK: - Merging

    private static func isOnOrBefore(_ key: Key, _ through: CalendarDate) -> Bool {
        key.firstDate.map { $0 <= through } ?? true
    }

    /// SQLite's `BINARY` order of ids: their UTF-8 bytes compared one by one.
    private static func precedes(_ left: String, _ right: String) -> Bool {
        left.utf8.lexicographicallyPrecedes(right.utf8)
    }

    private func filtered<R>(_ path: KeyPath<ClientRecordSet, [R]>, _ kind: EntityKind, _ through: CalendarDate) -> [R] {
        self.filtered(self.set[keyPath: path], kind, through)
    }

    /// The elements of `values` (a kind's records, or their facts) whose record is on or before `through`.
    private func filtered<R>(_ values: [R], _ kind: EntityKind, _ through: CalendarDate) -> [R] {
        guard let keys = self.keys[kind] else { return [] }
        return values.indices.compactMap { Self.isOnOrBefore(keys[$0], through) ? values[$0] : nil }
    }

    private mutating func mergeClient(_ changes: [Change]) {
        guard let last = changes.last else { return }
        if let record = last.record, case .client(let value) = record {
            self.set.client = value
            self.keys[.client] = [Key(id: last.id, firstDate: last.firstDate)]
        } else {
            self.set.client = nil
            self.keys[.client] = nil
        }
        self.mapped?.client = self.set.client.map(FactMapper.client)
    }

    /// Applies one kind's changes, in order, to its array of ``set`` and its keys, keeping the
    /// id order: a change past the last id appends (a whole client arrives in id order), any
    /// other finds its place by binary search. The kept facts (`factPath`), if any, follow:
    /// `map` gives the fact of each record put in.
    private mutating func merge<R, F>(
        _ path: WritableKeyPath<ClientRecordSet, [R]>,
        _ factPath: WritableKeyPath<MappedFacts, [F]>,
        _ kind: EntityKind,
        _ changes: [Change],
        _ map: (R) -> F,
        _ extract: (DecodedClientRecord) -> R?
    ) {
        var keys = self.keys.removeValue(forKey: kind) ?? []
        var records = self.set[keyPath: path]
        self.set[keyPath: path] = []
        // Taken out while edited, so that the arrays stay uniquely referenced.
        var facts = self.mapped?[keyPath: factPath]
        if facts != nil { self.mapped?[keyPath: factPath] = [] }
        defer {
            if let facts { self.mapped?[keyPath: factPath] = facts }
        }
        for change in changes {
            let record = change.record.flatMap(extract)
            let key = Key(id: change.id, firstDate: change.firstDate)
            if keys.last.map({ Self.precedes($0.id, change.id) }) ?? true {
                if let record {
                    keys.append(key)
                    records.append(record)
                    facts?.append(map(record))
                }
                continue
            }
            var low = 0
            var high = keys.count
            while low < high {
                let middle = (low + high) / 2
                if Self.precedes(keys[middle].id, change.id) { low = middle + 1 } else { high = middle }
            }
            if low < keys.count, keys[low].id.utf8.elementsEqual(change.id.utf8) {
                if let record {
                    keys[low] = key
                    records[low] = record
                    facts?[low] = map(record)
                } else {
                    keys.remove(at: low)
                    records.remove(at: low)
                    facts?.remove(at: low)
                }
            } else if let record {
                keys.insert(key, at: low)
                records.insert(record, at: low)
                facts?.insert(map(record), at: low)
            }
        }
        if !keys.isEmpty { self.keys[kind] = keys }
        self.set[keyPath: path] = records
    }
}
