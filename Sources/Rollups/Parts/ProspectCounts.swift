public import KPI
internal import Wire

/// One deal's contribution to the prospects dashboard of its fiscal year at an as-of date
/// (kpi-definitions §9), stored per deal so that any visibility (the deals a user may see) is a
/// sum of deal rows.
public struct ProspectCounts: AdditiveParts, CompactParts {
    /// PP-NODOC: open deals without an offer sent or signed.
    public var noDocument: Int64 = 0
    /// PP-OPEN: offers sent, not yet signed or refused.
    public var openOffers: Int64 = 0
    /// PP-POTENTIAL: their fees HT.
    public var potentialFees: WideInt = .zero
    /// PP-SIGNED: offers signed.
    public var signedOffers: Int64 = 0
    /// PP-BUDGET, recurring fees HT.
    public var signedRecurring: WideInt = .zero
    /// PP-BUDGET, exceptional fees HT.
    public var signedExceptional: WideInt = .zero
    /// PP-REFUSED: offers refused.
    public var refusedOffers: Int64 = 0
    /// PP-ABANDONED: deals abandoned.
    public var abandonedDeals: Int64 = 0
    /// PP-WON-MONTHLY: month index of the fiscal year (0 = first) → prospects won and their fees.
    public var wonByMonth: [Int: WonMonth] = [:]

    /// Prospects won in one month and the fees they bring.
    public struct WonMonth: Hashable, Sendable, Codable {
        /// Prospects won.
        public var prospects: Int64
        /// Their signed fees HT.
        public var fees: WideInt

        /// Creates a value.
        public init(prospects: Int64, fees: WideInt) {
            self.prospects = prospects
            self.fees = fees
        }
    }

    /// Empty counts.
    public init() {}

    /// The neutral element.
    public static var zero: ProspectCounts { ProspectCounts() }

    /// The counts of a one-deal dashboard.
    public init(_ dashboard: ProspectsDashboard) {
        self.noDocument = Int64(dashboard.noDocument)
        self.openOffers = Int64(dashboard.openOffers)
        self.potentialFees = dashboard.potentialFees
        self.signedOffers = Int64(dashboard.signedOffers)
        self.signedRecurring = dashboard.signedRecurring
        self.signedExceptional = dashboard.signedExceptional
        self.refusedOffers = Int64(dashboard.refusedOffers)
        self.abandonedDeals = Int64(dashboard.abandonedDeals)
        for (index, month) in dashboard.wonByMonth.enumerated() where month.prospects != 0 || month.fees != .zero {
            self.wonByMonth[index] = WonMonth(prospects: Int64(month.prospects), fees: month.fees)
        }
    }

    /// Merge (sums; months key-wise).
    public static func + (lhs: ProspectCounts, rhs: ProspectCounts) -> ProspectCounts {
        var result = lhs
        result.noDocument += rhs.noDocument
        result.openOffers += rhs.openOffers
        result.potentialFees += rhs.potentialFees
        result.signedOffers += rhs.signedOffers
        result.signedRecurring += rhs.signedRecurring
        result.signedExceptional += rhs.signedExceptional
        result.refusedOffers += rhs.refusedOffers
        result.abandonedDeals += rhs.abandonedDeals
        for (index, month) in rhs.wonByMonth {
            let current = result.wonByMonth[index] ?? WonMonth(prospects: 0, fees: .zero)
            result.wonByMonth[index] = WonMonth(prospects: current.prospects + month.prospects, fees: current.fees + month.fees)
        }
        return result
    }

    /// Layout 301: the eight counts and sums, then the won months (count, then index, prospects, fees).
    public static var compactLayout: Int64 { 301 }

    public func pack(into packer: inout IntegerPacker) {
        packer.append(self.noDocument)
        packer.append(self.openOffers)
        packer.append(self.potentialFees)
        packer.append(self.signedOffers)
        packer.append(self.signedRecurring)
        packer.append(self.signedExceptional)
        packer.append(self.refusedOffers)
        packer.append(self.abandonedDeals)
        packer.append(self.wonByMonth.count)
        for (index, month) in self.wonByMonth.sorted(by: { $0.key < $1.key }) {
            packer.append(index)
            packer.append(month.prospects)
            packer.append(month.fees)
        }
    }

    public init(unpacking unpacker: inout IntegerUnpacker) throws {
        self.init()
        self.noDocument = try unpacker.int64()
        self.openOffers = try unpacker.int64()
        self.potentialFees = try unpacker.wide()
        self.signedOffers = try unpacker.int64()
        self.signedRecurring = try unpacker.wide()
        self.signedExceptional = try unpacker.wide()
        self.refusedOffers = try unpacker.int64()
        self.abandonedDeals = try unpacker.int64()
        let months = try unpacker.count(perEntry: 3)
        for _ in 0..<months {
            let index = try unpacker.int()
            self.wonByMonth[index] = WonMonth(prospects: try unpacker.int64(), fees: try unpacker.wide())
        }
    }
}
