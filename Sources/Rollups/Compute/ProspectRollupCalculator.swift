internal import Foundation
public import KPI
public import PilotageProtocol
public import Wire

/// Computes the rows of a prospects partition (`p/fy<year>`): one row per deal of the fiscal
/// year and as-of date, holding that deal's ``ProspectCounts``, with its organisation unit and
/// team so that a dashboard sums the rows of the deals its user may see (kpi-definitions §9).
///
/// As-of dates: today; and, for the previous fiscal year, the same day of that year (the
/// "N vs N−1 at the same day" comparison).
public struct ProspectRollupCalculator: Sendable {
    /// The firm's fiscal calendar.
    public let calendar: FiscalCalendar
    /// The firm's business date.
    public let today: CalendarDate

    /// Creates a calculator.
    public init(calendar: FiscalCalendar, today: CalendarDate) {
        self.calendar = calendar
        self.today = today
    }

    /// The as-of dates stored for `fiscalYear`.
    public func asOfDates(fiscalYear: Int) -> [CalendarDate] {
        var dates = [self.today]
        if fiscalYear == self.calendar.fiscalYear(containing: self.today) - 1 {
            dates.append(self.calendar.sameDayPreviousFiscalYear(self.today))
        }
        return dates
    }

    /// The rows of partition `key` for `fiscalYear` from the firm's deals and offers: per as-of
    /// date, one deal row (counts, unit, team, prospect name, signatory) per deal and one
    /// document row per offer that exists at that date (its first status change is on or before).
    public func rollup(key: String, fiscalYear: Int, deals: [DealFact], offers: [OfferFact]) -> PartitionRollup {
        let inYear = deals.filter { $0.fiscalYear == fiscalYear }.sorted { $0.id < $1.id }
        let prospects = Prospects(deals: inYear, offers: offers, collaborators: [], units: [], calendar: self.calendar)
        let offersByDeal = Dictionary(grouping: offers.sorted { $0.id < $1.id }, by: \.deal)
        var rollup = PartitionRollup(key: key, prospectDocuments: [])
        for asOf in self.asOfDates(fiscalYear: fiscalYear) {
            for deal in inYear {
                let counts = ProspectCounts(prospects.dashboard(of: [deal], fiscalYear: fiscalYear, asOf: asOf))
                let signatory = Self.signatory(offersByDeal[deal.id] ?? [], asOf: asOf)
                rollup.prospects.append(
                    RollupProspect(
                        asOf: asOf,
                        deal: deal.id,
                        organisationUnit: deal.organisationUnit,
                        team: deal.team.members.sorted(),
                        parts: Data(counts.compactEncoded),
                        prospectName: deal.prospectName,
                        signatory: signatory
                    )
                )
                for offer in offersByDeal[deal.id] ?? [] {
                    guard let status = offer.status(at: asOf) else { continue }
                    rollup.prospectDocuments?.append(
                        RollupProspectDocument(
                            asOf: asOf,
                            offer: offer.id,
                            deal: deal.id,
                            type: offer.type,
                            template: offer.template,
                            status: status.rawValue,
                            feesRecurring: offer.feesRecurringHT,
                            feesExceptional: offer.feesExceptionalHT,
                            sentOn: offer.statusHistory.filter { $0.status == .sent && $0.on <= asOf }.map(\.on).min(),
                            signedOn: offer.signedOn(atOrBefore: asOf),
                            statusOn: offer.statusHistory.filter { $0.on <= asOf }.map(\.on).max()
                        )
                    )
                }
            }
        }
        return rollup
    }

    /// The signatory of a deal's signed offer at `asOf`, else of its latest offer (by id), as the
    /// drill-down by deal of kpi-definitions §9 shows it.
    static func signatory(_ offers: [OfferFact], asOf: CalendarDate) -> String? {
        (offers.first { $0.status(at: asOf) == .signed } ?? offers.last)?.signatory
    }
}
