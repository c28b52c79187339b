public import Wire

/// Which deals a user asks to see on the prospects dashboard (§9, seed 003). Empty = the
/// default view (the deals whose team the user is on); any criterion needs `OFFER_VALIDATOR`.
public struct ProspectFilter: Hashable, Sendable, Codable {
    /// Organisation units (regions, agencies or offices): a deal matches when its unit or one of
    /// its ancestors is listed.
    public var organisationUnits: Set<String>?
    /// Collaborators ("équipe" / "collaborateur"): a deal matches when one of them is on its team.
    public var collaborators: Set<String>?

    /// Creates a filter.
    public init(organisationUnits: Set<String>? = nil, collaborators: Set<String>? = nil) {
        self.organisationUnits = organisationUnits
        self.collaborators = collaborators
    }

    /// Whether the filter asks for more than the default view.
    public var isEmpty: Bool {
        self.organisationUnits == nil && self.collaborators == nil
    }
}

/// A cell of the prospects table, for drill-downs.
public enum ProspectCell: Hashable, Sendable, Codable {
    /// PP-NODOC.
    case noDocument
    /// PP-OPEN / PP-POTENTIAL.
    case openOffers
    /// PP-SIGNED / PP-BUDGET.
    case signedOffers
    /// PP-REFUSED.
    case refusedOffers
    /// PP-ABANDONED.
    case abandonedDeals
    /// PP-WON-MONTHLY, month index 0–11 of the fiscal year.
    case wonInMonth(Int)
}

/// The prospects dashboard of one fiscal year as of a date (kpi-definitions §9).
public struct ProspectsDashboard: Hashable, Sendable, Codable {
    /// One month of PP-WON-MONTHLY.
    public struct WonMonth: Hashable, Sendable, Codable {
        /// The fiscal month.
        public var period: Period
        /// Prospects won (first offer signed in the month).
        public var prospects: Int
        /// Fees HT of their signed offers (recurring + exceptional), cents.
        public var fees: WideInt
    }

    /// The fiscal year (named by the calendar year it starts in).
    public var fiscalYear: Int
    /// Statuses are read at the end of this day.
    public var asOf: CalendarDate
    /// PP-NODOC: open deals with no offer in progress (sent) or signed.
    public var noDocument: Int
    /// PP-OPEN: offers sent, not signed or refused.
    public var openOffers: Int
    /// PP-POTENTIAL: fees of those offers, cents HT.
    public var potentialFees: WideInt
    /// PP-SIGNED: offers signed.
    public var signedOffers: Int
    /// PP-BUDGET recurring fees of signed offers.
    public var signedRecurring: WideInt
    /// PP-BUDGET exceptional fees of signed offers.
    public var signedExceptional: WideInt
    /// PP-REFUSED: offers refused.
    public var refusedOffers: Int
    /// PP-ABANDONED: deals abandoned.
    public var abandonedDeals: Int
    /// PP-WON-MONTHLY over the 12 fiscal months.
    public var wonByMonth: [WonMonth]
}

/// A drill-down row by deal.
public struct ProspectDealRow: Hashable, Sendable, Codable {
    /// Deal id.
    public var deal: String
    /// Prospect name.
    public var prospect: String
    /// Signatory of the deal's signed (else latest) offer.
    public var signatory: String?
    /// Organisation unit (entity).
    public var entity: String?

    /// Creates a row.
    public init(deal: String, prospect: String, signatory: String?, entity: String?) {
        self.deal = deal
        self.prospect = prospect
        self.signatory = signatory
        self.entity = entity
    }
}

/// A drill-down row by document.
public struct ProspectDocumentRow: Hashable, Sendable, Codable {
    /// Offer id.
    public var offer: String
    /// Document type.
    public var type: String
    /// Template.
    public var template: String?
    /// Deal id.
    public var deal: String
    /// Prospect name.
    public var prospect: String
    /// Status at the as-of date.
    public var status: OfferFact.Status?
    /// Recurring fees HT, cents.
    public var recurring: WideInt
    /// Exceptional fees HT, cents.
    public var exceptional: WideInt
}

/// The prospects logic of §9 as pure functions.
public struct Prospects: Sendable {
    private let deals: [DealFact]
    private let offersByDeal: [String: [OfferFact]]
    private let collaborators: [String: CollaboratorFact]
    private let units: [String: OrganisationUnitFact]
    private let calendar: FiscalCalendar

    /// Indexes the firm's deals, offers, collaborators and organisation units.
    public init(
        deals: [DealFact],
        offers: [OfferFact],
        collaborators: [CollaboratorFact],
        units: [OrganisationUnitFact],
        calendar: FiscalCalendar
    ) {
        self.deals = deals.sorted { $0.id < $1.id }
        self.offersByDeal = Dictionary(grouping: offers.sorted { $0.id < $1.id }, by: \.deal)
        self.collaborators = Dictionary(collaborators.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.units = Dictionary(units.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.calendar = calendar
    }

    // MARK: - Visibility

    /// The deals `user` may see with `filter`: by default the deals whose team they are on; with
    /// a filter (offer validators only, else `permissionDenied`), the deals of their
    /// confidentiality group (a team member in the same group, or the user on the team) that
    /// match the filter.
    public func visibleDeals(for user: CollaboratorFact, filter: ProspectFilter = ProspectFilter()) throws -> [DealFact]
    {
        guard !filter.isEmpty else {
            return self.deals.filter { $0.team.members.contains(user.id) }
        }
        guard user.roles.contains(.offerValidator) else {
            throw KPIError(
                code: .permissionDenied,
                message: "only offer validators may filter prospects by organisation or collaborator (user \(user.id))"
            )
        }
        return self.deals.filter { deal in
            let members = deal.team.members
            let inGroup =
                members.contains(user.id)
                || (user.confidentialityGroup != nil
                    && members.contains { self.collaborators[$0]?.confidentialityGroup == user.confidentialityGroup })
            guard inGroup else { return false }
            if let units = filter.organisationUnits,
                !self.unitChain(deal.organisationUnit).contains(where: units.contains)
            {
                return false
            }
            if let wanted = filter.collaborators, members.isDisjoint(with: wanted) { return false }
            return true
        }
    }

    /// A unit and its ancestors (cycles stop the walk).
    private func unitChain(_ unit: String?) -> [String] {
        var chain: [String] = []
        var cursor = unit
        while let id = cursor, !chain.contains(id) {
            chain.append(id)
            cursor = self.units[id]?.parent
        }
        return chain
    }

    // MARK: - Dashboard

    /// The dashboard of fiscal year `year` over `deals` (already visible), statuses at `date`.
    public func dashboard(of deals: [DealFact], fiscalYear year: Int, asOf date: CalendarDate) -> ProspectsDashboard {
        let inYear = deals.filter { $0.fiscalYear == year }
        var result = ProspectsDashboard(
            fiscalYear: year,
            asOf: date,
            noDocument: 0,
            openOffers: 0,
            potentialFees: .zero,
            signedOffers: 0,
            signedRecurring: .zero,
            signedExceptional: .zero,
            refusedOffers: 0,
            abandonedDeals: 0,
            wonByMonth: self.calendar.months(ofFiscalYear: year).map {
                ProspectsDashboard.WonMonth(period: $0, prospects: 0, fees: .zero)
            }
        )
        for deal in inYear {
            let offers = self.offersByDeal[deal.id] ?? []
            let statuses = offers.map { $0.status(at: date) }
            if deal.status(at: date) == .abandoned { result.abandonedDeals += 1 }
            if deal.status(at: date) == .open && !statuses.contains(where: { $0 == .sent || $0 == .signed }) {
                result.noDocument += 1
            }
            var dealFees = WideInt.zero
            for (offer, status) in zip(offers, statuses) {
                let fees = WideInt(offer.feesRecurringHT) + WideInt(offer.feesExceptionalHT)
                switch status {
                case .sent?:
                    result.openOffers += 1
                    result.potentialFees += fees
                case .signed?:
                    result.signedOffers += 1
                    result.signedRecurring += WideInt(offer.feesRecurringHT)
                    result.signedExceptional += WideInt(offer.feesExceptionalHT)
                    dealFees += fees
                case .refused?:
                    result.refusedOffers += 1
                case .draft?, nil:
                    break
                }
            }
            if let won = offers.compactMap({ $0.signedOn(atOrBefore: date) }).min(),
                let month = result.wonByMonth.firstIndex(where: { $0.period.contains(won) })
            {
                result.wonByMonth[month].prospects += 1
                result.wonByMonth[month].fees += dealFees
            }
        }
        return result
    }

    /// N vs N−1 at the same day: the dashboard of the fiscal year containing `date` as of `date`,
    /// and that of the previous fiscal year as of the same day of it.
    public func comparison(
        of deals: [DealFact],
        asOf date: CalendarDate
    ) -> (current: ProspectsDashboard, previous: ProspectsDashboard) {
        let year = self.calendar.fiscalYear(containing: date)
        return (
            self.dashboard(of: deals, fiscalYear: year, asOf: date),
            self.dashboard(of: deals, fiscalYear: year - 1, asOf: self.calendar.sameDayPreviousFiscalYear(date))
        )
    }

    // MARK: - Drill-down

    /// The offers behind a cell (by document); deal cells list the deals' offers.
    public func documents(
        in cell: ProspectCell,
        of deals: [DealFact],
        fiscalYear year: Int,
        asOf date: CalendarDate
    ) -> [ProspectDocumentRow] {
        self.members(of: cell, deals: deals, year: year, date: date).flatMap { deal, offers in
            offers.map { offer in
                ProspectDocumentRow(
                    offer: offer.id,
                    type: offer.type,
                    template: offer.template,
                    deal: deal.id,
                    prospect: deal.prospectName,
                    status: offer.status(at: date),
                    recurring: WideInt(offer.feesRecurringHT),
                    exceptional: WideInt(offer.feesExceptionalHT)
                )
            }
        }
    }

    /// The deals behind a cell (by deal).
    public func deals(
        in cell: ProspectCell,
        of deals: [DealFact],
        fiscalYear year: Int,
        asOf date: CalendarDate
    ) -> [ProspectDealRow] {
        self.members(of: cell, deals: deals, year: year, date: date).map { deal, _ in
            let offers = self.offersByDeal[deal.id] ?? []
            let signed = offers.first { $0.status(at: date) == .signed }
            return ProspectDealRow(
                deal: deal.id,
                prospect: deal.prospectName,
                signatory: (signed ?? offers.last)?.signatory,
                entity: deal.organisationUnit
            )
        }
    }

    /// For each deal of the cell, the offers that make it count.
    private func members(
        of cell: ProspectCell,
        deals: [DealFact],
        year: Int,
        date: CalendarDate
    ) -> [(DealFact, [OfferFact])] {
        let months = self.calendar.months(ofFiscalYear: year)
        return deals.filter { $0.fiscalYear == year }.compactMap { deal in
            let offers = self.offersByDeal[deal.id] ?? []
            func with(_ status: OfferFact.Status) -> [OfferFact] { offers.filter { $0.status(at: date) == status } }
            switch cell {
            case .noDocument:
                let counts = deal.status(at: date) == .open && with(.sent).isEmpty && with(.signed).isEmpty
                return counts ? (deal, offers) : nil
            case .openOffers:
                return with(.sent).isEmpty ? nil : (deal, with(.sent))
            case .signedOffers:
                return with(.signed).isEmpty ? nil : (deal, with(.signed))
            case .refusedOffers:
                return with(.refused).isEmpty ? nil : (deal, with(.refused))
            case .abandonedDeals:
                return deal.status(at: date) == .abandoned ? (deal, offers) : nil
            case .wonInMonth(let index):
                guard months.indices.contains(index),
                    let won = offers.compactMap({ $0.signedOn(atOrBefore: date) }).min(),
                    months[index].contains(won)
                else { return nil }
                return (deal, with(.signed))
            }
        }
    }
}
