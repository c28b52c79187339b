public import Wire

/// A region, agency or office (region → agency → office).
public struct OrganisationUnitFact: Hashable, Sendable, Codable {
    /// Kind of unit.
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        /// A region.
        case region = "REGION"
        /// An agency inside a region.
        case agency = "AGENCY"
        /// An office inside an agency.
        case office = "OFFICE"
    }

    /// External id.
    public var id: String
    /// Display name.
    public var name: String
    /// Kind.
    public var kind: Kind
    /// Enclosing unit.
    public var parent: String?

    /// Creates a unit.
    public init(id: String, name: String = "", kind: Kind, parent: String? = nil) {
        self.id = id
        self.name = name
        self.kind = kind
        self.parent = parent
    }
}

/// A prospect deal (affaire) of kpi-definitions §9.
public struct DealFact: Hashable, Sendable, Codable {
    /// Deal status.
    public enum Status: String, Hashable, Sendable, Codable, CaseIterable {
        /// In progress.
        case open = "OPEN"
        /// Won.
        case won = "WON"
        /// Abandoned.
        case abandoned = "ABANDONED"
    }

    /// One status change.
    public struct StatusChange: Hashable, Sendable, Codable {
        /// New status.
        public var status: Status
        /// Date.
        public var on: CalendarDate

        /// Creates a change.
        public init(_ status: Status, on: CalendarDate) {
            self.status = status
            self.on = on
        }
    }

    /// The deal team.
    public struct Team: Hashable, Sendable, Codable {
        /// Partner (associé).
        public var partner: String?
        /// Manager.
        public var manager: String?
        /// Client lead.
        public var clientLead: String?

        /// Creates a team.
        public init(partner: String? = nil, manager: String? = nil, clientLead: String? = nil) {
            self.partner = partner
            self.manager = manager
            self.clientLead = clientLead
        }

        /// The members, without duplicates.
        public var members: Set<String> {
            Set([self.partner, self.manager, self.clientLead].compactMap { $0 })
        }
    }

    /// External id.
    public var id: String
    /// Prospect name.
    public var prospectName: String
    /// Organisation unit (usually an office).
    public var organisationUnit: String?
    /// Fiscal year (named by the calendar year it starts in).
    public var fiscalYear: Int
    /// Team.
    public var team: Team
    /// Status changes.
    public var statusHistory: [StatusChange]

    /// Creates a deal.
    public init(
        id: String,
        prospectName: String,
        organisationUnit: String? = nil,
        fiscalYear: Int,
        team: Team = Team(),
        statusHistory: [StatusChange] = []
    ) {
        self.id = id
        self.prospectName = prospectName
        self.organisationUnit = organisationUnit
        self.fiscalYear = fiscalYear
        self.team = team
        self.statusHistory = statusHistory
    }

    /// Status at the end of `date`: the latest change on or before it (later entry wins ties);
    /// `OPEN` when none.
    public func status(at date: CalendarDate) -> Status {
        var result: StatusChange? = nil
        for change in self.statusHistory where change.on <= date {
            if let current = result, change.on < current.on { continue }
            result = change
        }
        return result?.status ?? .open
    }
}

/// An offer document (lettre de mission, proposition) attached to a deal.
public struct OfferFact: Hashable, Sendable, Codable {
    /// Offer status.
    public enum Status: String, Hashable, Sendable, Codable, CaseIterable {
        /// Being written.
        case draft = "DRAFT"
        /// Sent, waiting for an answer (in progress).
        case sent = "SENT"
        /// Signed by the prospect.
        case signed = "SIGNED"
        /// Refused by the prospect.
        case refused = "REFUSED"
    }

    /// One status change.
    public struct StatusChange: Hashable, Sendable, Codable {
        /// New status.
        public var status: Status
        /// Date.
        public var on: CalendarDate

        /// Creates a change.
        public init(_ status: Status, on: CalendarDate) {
            self.status = status
            self.on = on
        }
    }

    /// External id.
    public var id: String
    /// Deal id.
    public var deal: String
    /// Document type.
    public var type: String
    /// Template.
    public var template: String?
    /// Status changes.
    public var statusHistory: [StatusChange]
    /// Signatory on the prospect side.
    public var signatory: String?
    /// Recurring fees HT, cents.
    public var feesRecurringHT: Int64
    /// Exceptional fees HT, cents.
    public var feesExceptionalHT: Int64

    /// Creates an offer.
    public init(
        id: String,
        deal: String,
        type: String = "",
        template: String? = nil,
        statusHistory: [StatusChange] = [],
        signatory: String? = nil,
        feesRecurringHT: Int64 = 0,
        feesExceptionalHT: Int64 = 0
    ) {
        self.id = id
        self.deal = deal
        self.type = type
        self.template = template
        self.statusHistory = statusHistory
        self.signatory = signatory
        self.feesRecurringHT = feesRecurringHT
        self.feesExceptionalHT = feesExceptionalHT
    }

    /// Status at the end of `date` (latest change on or before it, later entry wins ties);
    /// `nil` before the first change (the offer does not exist yet).
    public func status(at date: CalendarDate) -> Status? {
        var result: StatusChange? = nil
        for change in self.statusHistory where change.on <= date {
            if let current = result, change.on < current.on { continue }
            result = change
        }
        return result?.status
    }

    /// The first day the offer was signed, if on or before `date`.
    public func signedOn(atOrBefore date: CalendarDate) -> CalendarDate? {
        self.statusHistory.filter { $0.status == .signed && $0.on <= date }.map(\.on).min()
    }
}
