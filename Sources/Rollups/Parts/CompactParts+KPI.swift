public import KPI
internal import Wire

// The stored layouts of the KPI parts. Each list is the type's fields in declaration order; a
// change of fields changes the layout number.

extension ReceivablesSnapshot: CompactParts {
    /// Layout 101: 18 scalars, then `aged`, `provisionByBucket`, `openHTByBucket` (count + values).
    public static var compactLayout: Int64 { 101 }

    public func pack(into packer: inout IntegerPacker) {
        packer.append(self.balance)
        packer.append(self.current)
        packer.append(self.overdue)
        packer.append(self.overdueDaysWeighted)
        packer.append(self.over90)
        packer.append(self.unapplied)
        packer.append(self.atRisk)
        packer.append(self.disputed)
        packer.append(self.openDisputes)
        packer.append(self.provisionToRelease)
        packer.append(self.provisionAboveOpen)
        packer.append(self.offLedgerExposure)
        packer.append(self.offLedgerRecords)
        packer.append(self.doubtfulBalance)
        packer.append(self.doubtfulCurrent)
        packer.append(self.openItems)
        packer.append(self.overdueItems)
        packer.append(self.unappliedItems)
        packer.append(vector: self.aged)
        packer.append(vector: self.provisionByBucket)
        packer.append(vector: self.openHTByBucket)
    }

    public init(unpacking unpacker: inout IntegerUnpacker) throws {
        self.init()
        self.balance = try unpacker.wide()
        self.current = try unpacker.wide()
        self.overdue = try unpacker.wide()
        self.overdueDaysWeighted = try unpacker.wide()
        self.over90 = try unpacker.wide()
        self.unapplied = try unpacker.wide()
        self.atRisk = try unpacker.wide()
        self.disputed = try unpacker.wide()
        self.openDisputes = try unpacker.int64()
        self.provisionToRelease = try unpacker.wide()
        self.provisionAboveOpen = try unpacker.wide()
        self.offLedgerExposure = try unpacker.wide()
        self.offLedgerRecords = try unpacker.int64()
        self.doubtfulBalance = try unpacker.wide()
        self.doubtfulCurrent = try unpacker.wide()
        self.openItems = try unpacker.int64()
        self.overdueItems = try unpacker.int64()
        self.unappliedItems = try unpacker.int64()
        self.aged = try unpacker.vector()
        self.provisionByBucket = try unpacker.vector()
        self.openHTByBucket = try unpacker.vector()
    }
}

extension ReceivablesFlow: CompactParts {
    /// Layout 102: the 22 sums and counts in declaration order.
    public static var compactLayout: Int64 { 102 }

    public func pack(into packer: inout IntegerPacker) {
        packer.append(self.invoiced)
        packer.append(self.creditNotes)
        packer.append(self.writeOffs)
        packer.append(self.cashReceived)
        packer.append(self.refunds)
        packer.append(self.invoicedByDueDate)
        packer.append(self.cashAllocated)
        packer.append(self.lateDaysWeighted)
        packer.append(self.signedDelayWeighted)
        packer.append(self.daysToPayWeighted)
        packer.append(self.lateAllocated)
        packer.append(self.paidInstallments)
        packer.append(self.onTimeInstallments)
        packer.append(self.paidAmount)
        packer.append(self.onTimeAmount)
        packer.append(self.matched)
        packer.append(self.matchedAuto)
        packer.append(self.matchedAmount)
        packer.append(self.matchedAutoAmount)
        packer.append(self.disputesOpened)
        packer.append(self.disputesResolved)
        packer.append(self.resolutionDays)
    }

    public init(unpacking unpacker: inout IntegerUnpacker) throws {
        self.init()
        self.invoiced = try unpacker.wide()
        self.creditNotes = try unpacker.wide()
        self.writeOffs = try unpacker.wide()
        self.cashReceived = try unpacker.wide()
        self.refunds = try unpacker.wide()
        self.invoicedByDueDate = try unpacker.wide()
        self.cashAllocated = try unpacker.wide()
        self.lateDaysWeighted = try unpacker.wide()
        self.signedDelayWeighted = try unpacker.wide()
        self.daysToPayWeighted = try unpacker.wide()
        self.lateAllocated = try unpacker.wide()
        self.paidInstallments = try unpacker.int64()
        self.onTimeInstallments = try unpacker.int64()
        self.paidAmount = try unpacker.wide()
        self.onTimeAmount = try unpacker.wide()
        self.matched = try unpacker.int64()
        self.matchedAuto = try unpacker.int64()
        self.matchedAmount = try unpacker.wide()
        self.matchedAutoAmount = try unpacker.wide()
        self.disputesOpened = try unpacker.int64()
        self.disputesResolved = try unpacker.int64()
        self.resolutionDays = try unpacker.wide()
    }
}

extension CollectionRateParts: CompactParts {
    /// Layout 103: collected, collectible.
    public static var compactLayout: Int64 { 103 }

    public func pack(into packer: inout IntegerPacker) {
        packer.append(self.collected)
        packer.append(self.collectible)
    }

    public init(unpacking unpacker: inout IntegerUnpacker) throws {
        self.init(collected: try unpacker.wide(), collectible: try unpacker.wide())
    }
}

extension ForecastParts: CompactParts {
    /// Layout 104: `scheduled` and `pendingByDueDate` (count, then day number and amount pairs
    /// in date order), then the six sums.
    public static var compactLayout: Int64 { 104 }

    public func pack(into packer: inout IntegerPacker) {
        for map in [self.scheduled, self.pendingByDueDate] {
            packer.append(map.count)
            for (date, amount) in map.sorted(by: { $0.key < $1.key }) {
                packer.append(Int64(date.daysSinceEpoch))
                packer.append(amount)
            }
        }
        packer.append(self.historyDelayWeighted)
        packer.append(self.historyAmount)
        packer.append(self.disputed)
        packer.append(self.doubtful)
        packer.append(self.tooOld)
        packer.append(self.unapplied)
    }

    public init(unpacking unpacker: inout IntegerUnpacker) throws {
        self.init()
        func dateMap(_ unpacker: inout IntegerUnpacker) throws -> [CalendarDate: WideInt] {
            let count = try unpacker.count(perEntry: 2)
            var map: [CalendarDate: WideInt] = [:]
            map.reserveCapacity(count)
            for _ in 0..<count {
                let date = try unpacker.date()
                map[date] = try unpacker.wide()
            }
            return map
        }
        self.scheduled = try dateMap(&unpacker)
        self.pendingByDueDate = try dateMap(&unpacker)
        self.historyDelayWeighted = try unpacker.wide()
        self.historyAmount = try unpacker.wide()
        self.disputed = try unpacker.wide()
        self.doubtful = try unpacker.wide()
        self.tooOld = try unpacker.wide()
        self.unapplied = try unpacker.wide()
    }
}

extension PracticeSnapshot: CompactParts {
    /// Layout 201: the counts in declaration order; `earliestPeriodStart` as a presence flag
    /// (0/1) followed by its day number when present.
    public static var compactLayout: Int64 { 201 }

    public func pack(into packer: inout IntegerPacker) {
        packer.append(self.clients)
        packer.append(self.activeClients)
        packer.append(self.toReview)
        packer.append(self.ready)
        packer.append(self.periodsWithDocuments)
        packer.append(self.periodsExpected)
        if let start = self.earliestPeriodStart {
            packer.append(1)
            packer.append(Int64(start.daysSinceEpoch))
        } else {
            packer.append(0)
        }
        packer.append(self.inactiveClients)
        packer.append(self.decliningClients)
        packer.append(self.supplierRules)
    }

    public init(unpacking unpacker: inout IntegerUnpacker) throws {
        self.init()
        self.clients = try unpacker.int64()
        self.activeClients = try unpacker.int64()
        self.toReview = try unpacker.int64()
        self.ready = try unpacker.int64()
        self.periodsWithDocuments = try unpacker.int64()
        self.periodsExpected = try unpacker.int64()
        self.earliestPeriodStart = try unpacker.int64() == 0 ? nil : try unpacker.date()
        self.inactiveClients = try unpacker.int64()
        self.decliningClients = try unpacker.int64()
        self.supplierRules = try unpacker.int64()
    }
}

extension PracticeFlow: CompactParts {
    /// Layout 202: received; channels (count, then channel index in `DocumentFact.Channel`
    /// order and count); published; age histogram (count, then age and count); the three counts.
    public static var compactLayout: Int64 { 202 }

    private static let channels = DocumentFact.Channel.allCases.map(\.rawValue)

    public func pack(into packer: inout IntegerPacker) {
        packer.append(self.received)
        let channels = self.receivedByChannel.compactMap { name, count in
            Self.channels.firstIndex(of: name).map { (index: $0, count: count) }
        }.sorted { $0.index < $1.index }
        packer.append(channels.count)
        for entry in channels {
            packer.append(entry.index)
            packer.append(entry.count)
        }
        packer.append(self.published)
        packer.append(self.ageHistogram.count)
        for (age, count) in self.ageHistogram.sorted(by: { $0.key < $1.key }) {
            packer.append(age)
            packer.append(count)
        }
        packer.append(self.autoCategorised)
        packer.append(self.autoPublished)
        packer.append(self.coveredByRule)
    }

    public init(unpacking unpacker: inout IntegerUnpacker) throws {
        self.init()
        self.received = try unpacker.int64()
        let channelCount = try unpacker.count(perEntry: 2)
        self.receivedByChannel.reserveCapacity(channelCount)
        for _ in 0..<channelCount {
            let index = try unpacker.int()
            guard Self.channels.indices.contains(index) else {
                throw RollupError(code: .malformedParts, message: "channel index \(index) out of range")
            }
            self.receivedByChannel[Self.channels[index]] = try unpacker.int64()
        }
        self.published = try unpacker.int64()
        let ages = try unpacker.count(perEntry: 2)
        self.ageHistogram.reserveCapacity(ages)
        for _ in 0..<ages {
            let age = try unpacker.int()
            self.ageHistogram[age] = try unpacker.int64()
        }
        self.autoCategorised = try unpacker.int64()
        self.autoPublished = try unpacker.int64()
        self.coveredByRule = try unpacker.int64()
    }
}
