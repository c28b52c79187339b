/// Why a KPI has no value, or why its value is a conventional 0 (kpi-definitions §1.4, §10.9).
///
/// A string-backed struct rather than an enum so new reasons are additive on the wire.
public struct KPIReason: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The wire spelling (`NO_SALES` …).
    public let rawValue: String

    /// Wraps a wire spelling.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Sales of the window are ≤ 0.
    public static let noSales = KPIReason(rawValue: "NO_SALES")
    /// Nothing to measure (no overdue item, no payment, nothing paid in P …).
    public static let noData = KPIReason(rawValue: "NO_DATA")
    /// A denominator other than sales is ≤ 0 (CEI: nothing was collectible).
    public static let zeroDenominator = KPIReason(rawValue: "ZERO_DENOMINATOR")
    /// Customers are in credit overall: value 0.0 (DSO family) or `null` (turnover).
    public static let creditBalance = KPIReason(rawValue: "CREDIT_BALANCE")
    /// Extension of the contract: the exact computation exceeded 128 bits (absurd inputs only).
    public static let overflow = KPIReason(rawValue: "OVERFLOW")

    public var description: String { self.rawValue }

    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.rawValue)
    }
}

/// A qualifier attached to a value that is still returned (kpi-definitions §4, §10.7).
public struct KPIFlag: RawRepresentable, Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The wire spelling (`CAPPED` …).
    public let rawValue: String

    /// Wraps a wire spelling.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Countback DSO reached its 24-segment limit: the value means "≥".
    public static let capped = KPIFlag(rawValue: "CAPPED")
    /// A window, countback or trend reaches before the firm's first data date (§10.7).
    public static let partialHistory = KPIFlag(rawValue: "PARTIAL_HISTORY")
    /// AR-ENC-REAL: the firm sent no off-ledger exposure, so the value equals AR-ENC-NET (§6.5).
    public static let noOffLedgerData = KPIFlag(rawValue: "NO_OFF_LEDGER_DATA")
    /// A per-collaborator breakdown counts a client once under each of its collaborators, so the
    /// rows may sum to more than the total (§7). The service sets it on breakdown replies
    /// (``ReceivablesRollup/breakdown(collaborator:filter:)``); formulas never do.
    public static let breakdownOverlaps = KPIFlag(rawValue: "BREAKDOWN_OVERLAPS")

    public var description: String { self.rawValue }

    public static func < (lhs: KPIFlag, rhs: KPIFlag) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.rawValue)
    }
}

/// The unit of a KPI value.
public enum KPIUnit: String, Hashable, Sendable, Codable, CaseIterable {
    /// Calendar days.
    case days = "DAYS"
    /// Percent (0–100, may exceed 100 where the KPI says so).
    case percent = "PERCENT"
    /// Percentage points (difference of two percentages).
    case percentagePoints = "PERCENTAGE_POINTS"
    /// A ratio without unit (turnover).
    case ratio = "RATIO"
    /// Money in cents.
    case cents = "CENTS"
    /// A count of things.
    case count = "COUNT"
}
