/// Additive parts with an inverse: `parts + parts.negated` is `zero` field by field.
///
/// Every stored receivables part is a plain sum, so the parts of a union of client groups can be
/// kept up to date by adding what a group's recomputation changed, `new + old.negated`, instead
/// of re-merging every group (the slice rollups of the `RollupStore` module). Vectors keep their
/// length (a vector of zeros merges like `[]`), and sparse dictionaries drop the entries that
/// cancel out, so a maintained sum compares equal to a fresh merge wherever formulas look.
public protocol InvertibleParts: AdditiveParts {
    /// The additive inverse.
    var negated: Self { get }
}

extension InvertibleParts {
    /// `lhs` minus `rhs`.
    public static func - (lhs: Self, rhs: Self) -> Self {
        lhs + rhs.negated
    }
}

extension ReceivablesSnapshot: InvertibleParts {
    /// Every field negated; vectors element-wise.
    public var negated: ReceivablesSnapshot {
        var result = ReceivablesSnapshot()
        result.balance = -self.balance
        result.current = -self.current
        result.overdue = -self.overdue
        result.overdueDaysWeighted = -self.overdueDaysWeighted
        result.over90 = -self.over90
        result.unapplied = -self.unapplied
        result.aged = self.aged.map { -$0 }
        result.atRisk = -self.atRisk
        result.disputed = -self.disputed
        result.openDisputes = 0 &- self.openDisputes
        result.provisionByBucket = self.provisionByBucket.map { -$0 }
        result.openHTByBucket = self.openHTByBucket.map { -$0 }
        result.provisionToRelease = -self.provisionToRelease
        result.provisionAboveOpen = -self.provisionAboveOpen
        result.offLedgerExposure = -self.offLedgerExposure
        result.offLedgerRecords = 0 &- self.offLedgerRecords
        result.doubtfulBalance = -self.doubtfulBalance
        result.doubtfulCurrent = -self.doubtfulCurrent
        result.openItems = 0 &- self.openItems
        result.overdueItems = 0 &- self.overdueItems
        result.unappliedItems = 0 &- self.unappliedItems
        return result
    }
}

extension ReceivablesFlow: InvertibleParts {
    /// Every field negated.
    public var negated: ReceivablesFlow {
        var result = ReceivablesFlow()
        result.invoiced = -self.invoiced
        result.creditNotes = -self.creditNotes
        result.writeOffs = -self.writeOffs
        result.cashReceived = -self.cashReceived
        result.refunds = -self.refunds
        result.invoicedByDueDate = -self.invoicedByDueDate
        result.cashAllocated = -self.cashAllocated
        result.lateDaysWeighted = -self.lateDaysWeighted
        result.signedDelayWeighted = -self.signedDelayWeighted
        result.daysToPayWeighted = -self.daysToPayWeighted
        result.lateAllocated = -self.lateAllocated
        result.paidInstallments = 0 &- self.paidInstallments
        result.onTimeInstallments = 0 &- self.onTimeInstallments
        result.paidAmount = -self.paidAmount
        result.onTimeAmount = -self.onTimeAmount
        result.matched = 0 &- self.matched
        result.matchedAuto = 0 &- self.matchedAuto
        result.matchedAmount = -self.matchedAmount
        result.matchedAutoAmount = -self.matchedAutoAmount
        result.disputesOpened = 0 &- self.disputesOpened
        result.disputesResolved = 0 &- self.disputesResolved
        result.resolutionDays = -self.resolutionDays
        return result
    }
}

extension CollectionRateParts: InvertibleParts {
    /// Both sums negated.
    public var negated: CollectionRateParts {
        CollectionRateParts(collected: -self.collected, collectible: -self.collectible)
    }
}

extension ForecastParts: InvertibleParts {
    /// Every sum and every dated amount negated.
    public var negated: ForecastParts {
        var result = ForecastParts()
        result.scheduled = self.scheduled.mapValues { -$0 }
        result.pendingByDueDate = self.pendingByDueDate.mapValues { -$0 }
        result.historyDelayWeighted = -self.historyDelayWeighted
        result.historyAmount = -self.historyAmount
        result.disputed = -self.disputed
        result.doubtful = -self.doubtful
        result.tooOld = -self.tooOld
        result.unapplied = -self.unapplied
        return result
    }
}

extension PracticeSnapshot: InvertibleParts {
    /// Every count negated. The earliest period start is a minimum, not a sum: it has no inverse
    /// and is left out (`nil`). Sums that are kept by adding and subtracting (slices) hold it
    /// nowhere; readers derive it from the selected groups' frequencies
    /// (``PracticeRules/earliestPeriodStarts(frequencies:at:calendar:)``).
    public var negated: PracticeSnapshot {
        var result = PracticeSnapshot()
        result.clients = 0 &- self.clients
        result.activeClients = 0 &- self.activeClients
        result.toReview = 0 &- self.toReview
        result.ready = 0 &- self.ready
        result.periodsWithDocuments = 0 &- self.periodsWithDocuments
        result.periodsExpected = 0 &- self.periodsExpected
        result.inactiveClients = 0 &- self.inactiveClients
        result.decliningClients = 0 &- self.decliningClients
        result.supplierRules = 0 &- self.supplierRules
        return result
    }
}

extension PracticeFlow: InvertibleParts {
    /// Every count negated; the channel counts and the age histogram key by key (entries that
    /// cancel out are dropped by the merge).
    public var negated: PracticeFlow {
        var result = PracticeFlow()
        result.received = 0 &- self.received
        result.receivedByChannel = self.receivedByChannel.mapValues { 0 &- $0 }
        result.published = 0 &- self.published
        result.ageHistogram = self.ageHistogram.mapValues { 0 &- $0 }
        result.autoCategorised = 0 &- self.autoCategorised
        result.autoPublished = 0 &- self.autoPublished
        result.coveredByRule = 0 &- self.coveredByRule
        return result
    }
}
