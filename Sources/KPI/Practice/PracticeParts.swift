public import Wire

/// Snapshot parts of the practice KPIs at the end of a day D (kpi-definitions §7), for one
/// client or a merged group. Per-client rules (regularity periods, inactivity, decline) are
/// evaluated client by client and summed as counts.
public struct PracticeSnapshot: AdditiveParts {
    /// Clients in the parts.
    public var clients: Int64 = 0
    /// Active (not deactivated) clients.
    public var activeClients: Int64 = 0
    /// PR-TODO: documents whose status at the end of D is TO_REVIEW.
    public var toReview: Int64 = 0
    /// PR-TODO: documents whose status at the end of D is READY.
    public var ready: Int64 = 0
    /// PR-REGULARITY numerator: expected periods with at least one document.
    public var periodsWithDocuments: Int64 = 0
    /// PR-REGULARITY denominator: expected periods (12 per client).
    public var periodsExpected: Int64 = 0
    /// Earliest start of a regularity period (for `PARTIAL_HISTORY`); `nil` when none.
    public var earliestPeriodStart: CalendarDate? = nil
    /// PR-INACTIVE: active clients without a document in the inactivity window.
    public var inactiveClients: Int64 = 0
    /// PR-DECLINING: active clients whose recent count fell below the threshold of their baseline.
    public var decliningClients: Int64 = 0
    /// PR-RULES: supplier rules created on or before D.
    public var supplierRules: Int64 = 0

    /// Empty parts.
    public init() {}

    /// The neutral element.
    public static var zero: PracticeSnapshot { PracticeSnapshot() }

    /// Merge (sums; the earliest period start is the minimum).
    public static func + (lhs: PracticeSnapshot, rhs: PracticeSnapshot) -> PracticeSnapshot {
        var result = PracticeSnapshot()
        result.clients = lhs.clients + rhs.clients
        result.activeClients = lhs.activeClients + rhs.activeClients
        result.toReview = lhs.toReview + rhs.toReview
        result.ready = lhs.ready + rhs.ready
        result.periodsWithDocuments = lhs.periodsWithDocuments + rhs.periodsWithDocuments
        result.periodsExpected = lhs.periodsExpected + rhs.periodsExpected
        switch (lhs.earliestPeriodStart, rhs.earliestPeriodStart) {
        case (let a?, let b?): result.earliestPeriodStart = Swift.min(a, b)
        case (let a?, nil): result.earliestPeriodStart = a
        case (nil, let b): result.earliestPeriodStart = b
        }
        result.inactiveClients = lhs.inactiveClients + rhs.inactiveClients
        result.decliningClients = lhs.decliningClients + rhs.decliningClients
        result.supplierRules = lhs.supplierRules + rhs.supplierRules
        return result
    }
}

/// Flow parts of the practice KPIs for one day (merged: for a period P).
///
/// Median and p90 of processing ages are not additive, so the parts keep an exact histogram of
/// ages (days → count) whose merge is a key-wise sum.
public struct PracticeFlow: AdditiveParts {
    /// Documents received (by `received_on`).
    public var received: Int64 = 0
    /// Documents received per channel (wire spelling → count).
    public var receivedByChannel: [String: Int64] = [:]
    /// PR-PROCESSED: documents first published on the day.
    public var published: Int64 = 0
    /// Age in days (received → published) → number of documents published on the day.
    public var ageHistogram: [Int: Int64] = [:]
    /// Documents received that were auto-categorised by a supplier rule.
    public var autoCategorised: Int64 = 0
    /// Documents received that were auto-published by a supplier rule.
    public var autoPublished: Int64 = 0
    /// Documents received from a supplier that had a rule at `received_on`.
    public var coveredByRule: Int64 = 0

    /// Empty parts.
    public init() {}

    /// The neutral element.
    public static var zero: PracticeFlow { PracticeFlow() }

    /// Merge (sums; histograms and channel counts key-wise).
    public static func + (lhs: PracticeFlow, rhs: PracticeFlow) -> PracticeFlow {
        var result = lhs
        result += rhs
        return result
    }

    /// ``+(_:_:)`` in place: the dictionaries of `lhs` grow without being copied (a dashboard
    /// merges thousands of day rows into one period's parts).
    public static func += (lhs: inout PracticeFlow, rhs: PracticeFlow) {
        lhs.received = lhs.received + rhs.received
        mergeCounts(into: &lhs.receivedByChannel, rhs.receivedByChannel)
        lhs.published = lhs.published + rhs.published
        mergeCounts(into: &lhs.ageHistogram, rhs.ageHistogram)
        lhs.autoCategorised = lhs.autoCategorised + rhs.autoCategorised
        lhs.autoPublished = lhs.autoPublished + rhs.autoPublished
        lhs.coveredByRule = lhs.coveredByRule + rhs.coveredByRule
    }
}
