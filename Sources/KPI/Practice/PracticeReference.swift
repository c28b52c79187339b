public import Wire

/// The practice KPIs computed directly from the raw documents and rules of the selected clients
/// (no parts): the reference of the property tests and of the verification mode.
public struct PracticeReference: Sendable {
    private let clients: [ClientFacts]
    private let settings: KPISettings

    /// Collects the selected clients' facts (a client listed twice counts once).
    public init(_ facts: some Sequence<ClientFacts>, settings: KPISettings) {
        var seen: Set<String> = []
        self.clients = facts.filter { seen.insert($0.client.id).inserted }
        self.settings = settings.clamped
    }

    private var documents: [DocumentFact] {
        self.clients.flatMap { facts in facts.documents.filter { $0.client == facts.client.id } }
    }

    /// PR-TODO at D: (to review, ready).
    public func toProcess(asOf date: CalendarDate) -> (toReview: Int64, ready: Int64) {
        let statuses = self.documents.compactMap { $0.status(at: date) }
        return (Int64(statuses.filter { $0 == .toReview }.count), Int64(statuses.filter { $0 == .ready }.count))
    }

    /// PR-PROCESSED over P: count, median age and p90 age, from the sorted list of ages.
    public func processed(over period: Period) -> (count: KPIValue, median: KPIValue, p90: KPIValue) {
        let ages = self.documents.compactMap { document -> Int? in
            guard let on = document.publishedOn, period.contains(on) else { return nil }
            return document.receivedOn.days(until: on)
        }.sorted()
        guard !ages.isEmpty else {
            return (.count(0), .null(.noData, unit: .days, rounding: .r1), .null(.noData, unit: .days, rounding: .r1))
        }
        let n = ages.count
        let median = n % 2 == 1 ? Rational(ages[n / 2]) : Rational(Int128(ages[n / 2 - 1] + ages[n / 2]), 2)
        let rank = Int((9 * n + 9) / 10)
        return (
            .count(Int64(n)),
            .checked(median, unit: .days, rounding: .r1),
            .checked(Rational(ages[rank - 1]), unit: .days, rounding: .r1)
        )
    }

    /// PR-SENT over P.
    public func sentByChannel(over period: Period) -> [ChannelShare] {
        let received = self.documents.filter { period.contains($0.receivedOn) }
        return DocumentFact.Channel.allCases.map { channel in
            let count = Int64(received.filter { $0.channel == channel }.count)
            return ChannelShare(
                channel: channel,
                count: count,
                share: ReceivablesFormulas.percent(WideInt(count), of: WideInt(received.count))
            )
        }
    }

    /// PR-REGULARITY at D.
    public func regularity(asOf date: CalendarDate, firstDataDate: CalendarDate? = nil) -> KPIValue {
        var with = 0
        var expected = 0
        var earliest: CalendarDate? = nil
        for facts in self.clients {
            let periods = PracticeRules.regularityPeriods(
                frequency: facts.client.frequency ?? .monthly,
                asOf: date,
                calendar: self.settings.fiscalCalendar
            )
            expected += periods.count
            with +=
                periods.filter { period in
                    facts.documents.contains { $0.client == facts.client.id && period.contains($0.receivedOn) }
                }.count
            if let first = periods.first?.start { earliest = Swift.min(earliest ?? first, first) }
        }
        var flags: Set<KPIFlag> = []
        if let first = firstDataDate, let earliest, earliest < first { flags.insert(.partialHistory) }
        return ReceivablesFormulas.percent(WideInt(with), of: WideInt(expected), flags: flags)
    }

    /// PR-INACTIVE and PR-DECLINING at D: (inactive clients, declining clients).
    public func activity(asOf date: CalendarDate) -> (inactive: Int64, declining: Int64) {
        var inactive: Int64 = 0
        var declining: Int64 = 0
        let window = self.settings.inactivityDays
        for facts in self.clients where !facts.client.deactivated {
            let dates = facts.documents.filter { $0.client == facts.client.id }.map(\.receivedOn)
            let recent = dates.filter { $0 <= date && $0 > date.clampedAdding(days: -window) }.count
            let baseline = dates.filter {
                $0 <= date.clampedAdding(days: -window) && $0 > date.clampedAdding(days: -7 * window)
            }.count
            if recent == 0 { inactive += 1 }
            // average = baseline / 6 ≥ minimum, and recent < ratio % × average.
            let average = Rational(Int128(baseline), 6) ?? .zero
            let threshold = average.multiplied(by: self.settings.decliningRatioPercent)?.divided(by: 100) ?? .zero
            if baseline > 0 && average >= Rational(self.settings.decliningMinimumDocuments)
                && Rational(recent) < threshold
            {
                declining += 1
            }
        }
        return (inactive, declining)
    }

    /// PR-RULES coverage and PR-RULES-PERF over P: (coverage, auto-categorised %, auto-published %).
    public func rules(over period: Period) -> (coverage: KPIValue, autoCategorised: KPIValue, autoPublished: KPIValue) {
        var received = 0
        var covered = 0
        var categorised = 0
        var published = 0
        for facts in self.clients {
            for document in facts.documents
            where document.client == facts.client.id && period.contains(document.receivedOn) {
                received += 1
                if document.autoCategorised { categorised += 1 }
                if document.autoPublished { published += 1 }
                if let supplier = document.supplier,
                    facts.supplierRules.contains(where: {
                        $0.client == facts.client.id && $0.supplier == supplier && $0.createdOn <= document.receivedOn
                    })
                {
                    covered += 1
                }
            }
        }
        return (
            ReceivablesFormulas.percent(WideInt(covered), of: WideInt(received)),
            ReceivablesFormulas.percent(WideInt(categorised), of: WideInt(received)),
            ReceivablesFormulas.percent(WideInt(published), of: WideInt(received))
        )
    }
}
