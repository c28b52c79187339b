internal import KPI
internal import PilotageProtocol
internal import Rollups
internal import Wire

/// The prospects figures of kpi-definitions §9 from summed ``Rollups/ProspectCounts`` (the deal
/// rows of the rollups, or the raw-facts recomputation): named values, won months, messages and
/// the values verification compares.
struct ProspectsFigures: Sendable {
    var fiscalYear: Int
    var asOf: CalendarDate
    var deals: Int
    var counts: ProspectCounts
    /// The fiscal year's 12 months.
    var months: [Period]

    init(fiscalYear: Int, asOf: CalendarDate, deals: Int, counts: ProspectCounts, calendar: FiscalCalendar) {
        self.fiscalYear = fiscalYear
        self.asOf = asOf
        self.deals = deals
        self.counts = counts
        self.months = calendar.months(ofFiscalYear: fiscalYear)
    }

    /// The level-1 figures, in reply order.
    var values: [(name: String, value: KPIValue)] {
        let won = self.counts.wonByMonth.values.reduce(into: (prospects: Int64(0), fees: WideInt.zero)) {
            $0.prospects += $1.prospects
            $0.fees += $1.fees
        }
        return [
            ("PP-NODOC", .count(self.counts.noDocument)),
            ("PP-OPEN", .count(self.counts.openOffers)),
            ("PP-POTENTIAL", .cents(self.counts.potentialFees)),
            ("PP-SIGNED", .count(self.counts.signedOffers)),
            ("PP-BUDGET", .cents(self.counts.signedRecurring + self.counts.signedExceptional)),
            ("PP-BUDGET-RECURRING", .cents(self.counts.signedRecurring)),
            ("PP-BUDGET-EXCEPTIONAL", .cents(self.counts.signedExceptional)),
            ("PP-REFUSED", .count(self.counts.refusedOffers)),
            ("PP-ABANDONED", .count(self.counts.abandonedDeals)),
            ("PP-WON", .count(won.prospects)),
            ("PP-WON-FEES", .cents(won.fees)),
        ]
    }

    /// One value by name.
    func value(_ name: String) -> KPIValue? {
        self.values.first { $0.name == name }?.value
    }

    /// PP-WON-MONTHLY: (month, label, prospects, fees) for the 12 fiscal months.
    var wonMonths: [(period: Period, label: String, prospects: KPIValue, fees: KPIValue)] {
        self.months.enumerated().map { index, period in
            let month = self.counts.wonByMonth[index]
            return (
                period,
                String(period.start.description.prefix(7)),
                .count(month?.prospects ?? 0),
                .cents(month?.fees ?? .zero)
            )
        }
    }

    /// The contract message.
    var message: ProspectsFiguresMessage {
        ProspectsFiguresMessage(
            fiscalYear: self.fiscalYear,
            asOf: self.asOf,
            deals: self.deals,
            figures: self.values.map { NamedValue(name: $0.name, value: Level1Report.value($0.value)) },
            wonByMonth: self.wonMonths.map {
                WonMonthMessage(
                    label: $0.label,
                    start: $0.period.start,
                    end: $0.period.end,
                    prospects: Level1Report.value($0.prospects),
                    fees: Level1Report.value($0.fees)
                )
            }
        )
    }

    /// Every value, named `<prefix> <figure>` for verification.
    func compared(prefix: String) -> [ComparedValue] {
        var values = [ComparedValue(name: "\(prefix) deals", date: self.asOf, value: .count(Int64(self.deals)))]
        values += self.values.map { ComparedValue(name: "\(prefix) \($0.name)", date: self.asOf, value: $0.value) }
        for month in self.wonMonths {
            values.append(ComparedValue(name: "\(prefix) PP-WON-MONTHLY \(month.label)", date: self.asOf, value: month.prospects))
            values.append(ComparedValue(name: "\(prefix) PP-WON-FEES \(month.label)", date: self.asOf, value: month.fees))
        }
        return values
    }

    /// Explain: the summed counts as parts.
    var parts: [PartMessage] {
        var parts = [
            PartMessage(name: "DEAL_ROWS", value: "\(self.deals)"),
            PartMessage(name: "NO_DOCUMENT", value: "\(self.counts.noDocument)"),
            PartMessage(name: "OPEN_OFFERS", value: "\(self.counts.openOffers)"),
            PartMessage(name: "POTENTIAL_FEES", value: self.counts.potentialFees.description),
            PartMessage(name: "SIGNED_OFFERS", value: "\(self.counts.signedOffers)"),
            PartMessage(name: "SIGNED_RECURRING", value: self.counts.signedRecurring.description),
            PartMessage(name: "SIGNED_EXCEPTIONAL", value: self.counts.signedExceptional.description),
            PartMessage(name: "REFUSED_OFFERS", value: "\(self.counts.refusedOffers)"),
            PartMessage(name: "ABANDONED_DEALS", value: "\(self.counts.abandonedDeals)"),
        ]
        for (index, month) in self.counts.wonByMonth.sorted(by: { $0.key < $1.key }) {
            parts.append(PartMessage(name: "WON_MONTH_\(index)_PROSPECTS", value: "\(month.prospects)"))
            parts.append(PartMessage(name: "WON_MONTH_\(index)_FEES", value: month.fees.description))
        }
        return parts
    }
}
