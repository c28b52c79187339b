public import Wire

/// The receivables KPIs computed **directly from raw facts** (the union of the selected clients'
/// facts), following the text of kpi-definitions §2 and §4 item by item, without parts.
///
/// Used by the property tests (`formula(merge(parts)) == direct(facts)`) and by the service's
/// verification mode ("recompute from raw facts and compare"). Deliberately simple and
/// independent from ``ReceivablesPartsCalculator``: open amounts are summed per item (not by the
/// balance identity), every KPI walks the facts itself; only the last formula step is shared.
/// Its cost grows with items × dates: use it on one selection and a few dates.
public struct ReceivablesReference: ReceivablesEvaluator, Sendable {
    private struct Allocation: Sendable {
        var fact: AllocationFact
        var effective: CalendarDate
        var source: CreditFact
        var target: InstallmentFact
    }

    private let clients: [String: ClientFact]
    private let installments: [InstallmentFact]
    private let credits: [CreditFact]
    private let allocations: [Allocation]
    private let allocationsByTarget: [String: [Allocation]]
    private let allocationsBySource: [String: [Allocation]]
    private let disputes: [DisputeFact]
    private let disputesByItem: [String: [DisputeFact]]
    private let provisionsByItem: [String: [ProvisionFact]]
    private let exposures: [OffLedgerExposureFact]
    /// Settings and first data date.
    public let context: KPIContext

    /// Collects the facts of the selected clients (duplicates by id kept once).
    public init(_ facts: some Sequence<ClientFacts>, context: KPIContext) {
        self.context = KPIContext(settings: context.settings.clamped, firstDataDate: context.firstDataDate)
        var clients: [String: ClientFact] = [:]
        var installments: [String: InstallmentFact] = [:]
        var credits: [String: CreditFact] = [:]
        var allocationFacts: [String: AllocationFact] = [:]
        var disputes: [String: DisputeFact] = [:]
        var provisions: [String: ProvisionFact] = [:]
        var exposures: [String: OffLedgerExposureFact] = [:]
        for client in facts {
            clients[client.client.id] = client.client
            for item in client.installments where item.client == client.client.id {
                installments[item.id] = installments[item.id] ?? item
            }
            for credit in client.credits where credit.client == client.client.id {
                credits[credit.id] = credits[credit.id] ?? credit
            }
            for allocation in client.allocations { allocationFacts[allocation.id] = allocation }
            for dispute in client.disputes { disputes[dispute.id] = dispute }
            for provision in client.provisions { provisions[provision.id] = provision }
            for exposure in client.exposures where exposure.client == client.client.id {
                exposures[exposure.id] = exposure
            }
        }
        var allocations: [Allocation] = []
        for fact in allocationFacts.values {
            // Same rule as everywhere: both ends known and of the same client.
            guard let source = credits[fact.source], let target = installments[fact.target],
                source.client == target.client
            else { continue }
            allocations.append(
                Allocation(
                    fact: fact,
                    effective: Swift.max(source.date, target.invoiceDate),
                    source: source,
                    target: target
                )
            )
        }
        self.clients = clients
        self.installments = installments.values.sorted { $0.id < $1.id }
        self.credits = credits.values.sorted { $0.id < $1.id }
        self.allocations = allocations
        self.allocationsByTarget = Dictionary(grouping: allocations, by: { $0.fact.target })
        self.allocationsBySource = Dictionary(grouping: allocations, by: { $0.fact.source })
        self.disputes = disputes.values.filter { installments[$0.installment] != nil }
        self.disputesByItem = Dictionary(grouping: self.disputes, by: \.installment)
        self.provisionsByItem = Dictionary(
            grouping: provisions.values.filter { installments[$0.installment] != nil },
            by: \.installment
        )
        self.exposures = Array(exposures.values)
    }

    private var settings: KPISettings { self.context.settings }

    // MARK: - §2.1 quantities

    /// `open(i, D)`, `nil` before the invoice date.
    public func open(_ item: InstallmentFact, at date: CalendarDate) -> WideInt? {
        guard item.invoiceDate <= date else { return nil }
        let paid = (self.allocationsByTarget[item.id] ?? []).filter { $0.effective <= date }.reduce(WideInt.zero) {
            $0 + WideInt($1.fact.amount)
        }
        return WideInt(item.amount) - paid
    }

    /// `unapplied(k, D)`, `nil` before the credit's date or for a prepayment that does not count.
    public func unapplied(_ credit: CreditFact, at date: CalendarDate) -> WideInt? {
        guard credit.date <= date, credit.kind != .prepayment || self.settings.prepaymentsAsUnapplied else {
            return nil
        }
        let used = (self.allocationsBySource[credit.id] ?? []).filter { $0.effective <= date }.reduce(WideInt.zero) {
            $0 + WideInt($1.fact.amount)
        }
        return WideInt(credit.amount) - used
    }

    /// AR(D) = Σ open − Σ unapplied, over the clients matching `where` (all by default).
    public func balance(at date: CalendarDate, where include: (ClientFact) -> Bool = { _ in true }) -> WideInt {
        var total = WideInt.zero
        for item in self.installments where self.clients[item.client].map(include) == true {
            total += self.open(item, at: date) ?? .zero
        }
        for credit in self.credits where self.clients[credit.client].map(include) == true {
            total -= self.unapplied(credit, at: date) ?? .zero
        }
        return total
    }

    /// CUR(D): open of positive items with dpd ≤ 0.
    public func current(at date: CalendarDate, where include: (ClientFact) -> Bool = { _ in true }) -> WideInt {
        var total = WideInt.zero
        for item in self.installments where self.clients[item.client].map(include) == true && item.dueDate >= date {
            if let open = self.open(item, at: date), open > .zero { total += open }
        }
        return total
    }

    /// SALES(P).
    public func sales(_ period: Period) -> WideInt {
        let invoiced = self.installments.filter { $0.kind == .invoice && period.contains($0.invoiceDate) }.reduce(
            WideInt.zero
        ) { $0 + WideInt($1.amount) }
        // Opening (AN) credits are carried forward, never documents of the period (§10.4).
        let notes = self.credits.filter { $0.kind == .creditNote && !$0.isOpening && period.contains($0.date) }.reduce(
            WideInt.zero
        ) { $0 + WideInt($1.amount) }
        return invoiced - notes
    }

    private func openPositiveItems(at date: CalendarDate) -> [(item: InstallmentFact, open: WideInt, daysPastDue: Int)]
    {
        self.installments.compactMap { item in
            guard let open = self.open(item, at: date), open > .zero else { return nil }
            return (item, open, item.dueDate.days(until: date))
        }
    }

    private func cashAllocations(in period: Period) -> [Allocation] {
        self.allocations.filter { $0.source.kind.isCash && period.contains($0.effective) }
    }

    private func dsoNumerator(_ date: CalendarDate) -> (balance: WideInt, current: WideInt) {
        let include: (ClientFact) -> Bool = { !(self.settings.excludeDoubtfulFromDSO && $0.doubtful) }
        return (self.balance(at: date, where: include), self.current(at: date, where: include))
    }

    private func window(_ date: CalendarDate, _ period: Period?) -> Period {
        period ?? Period(uncheckedStart: date.clampedAdding(days: -(self.settings.dsoWindowDays - 1)), end: date)
    }

    // MARK: - DSO family

    /// AR-DSO-STD.
    public func dsoStandard(asOf date: CalendarDate, period: Period?) -> KPIValue {
        let window = self.window(date, period)
        return ReceivablesFormulas.dsoStandard(
            balance: self.dsoNumerator(window.end).balance,
            sales: self.sales(window),
            windowDays: window.length,
            flags: self.context.historyFlags(reachingBackTo: window.start)
        )
    }

    /// AR-BPDSO.
    public func bestPossibleDSO(asOf date: CalendarDate, period: Period?) -> KPIValue {
        let window = self.window(date, period)
        return ReceivablesFormulas.bestPossibleDSO(
            current: self.dsoNumerator(window.end).current,
            sales: self.sales(window),
            windowDays: window.length,
            flags: self.context.historyFlags(reachingBackTo: window.start)
        )
    }

    /// AR-DSO-DELQ.
    public func delinquentDSO(asOf date: CalendarDate, period: Period?) -> KPIValue {
        let window = self.window(date, period)
        let (balance, current) = self.dsoNumerator(window.end)
        return ReceivablesFormulas.delinquentDSO(
            balance: balance,
            current: current,
            sales: self.sales(window),
            windowDays: window.length,
            flags: self.context.historyFlags(reachingBackTo: window.start)
        )
    }

    /// AR-DSO-CB.
    public func dsoCountback(asOf date: CalendarDate) -> KPIValue {
        let segments = ReceivablesFormulas.countbackSegments(asOf: date)
        return ReceivablesFormulas.countbackDSO(balance: self.dsoNumerator(date).balance, segments: segments, firstDataDate: self.context.firstDataDate) {
            self.sales(segments[$0])
        }
    }

    /// AR-CEI over P.
    public func collectionEffectiveness(over period: Period) -> KPIValue {
        ReceivablesFormulas.collectionEffectiveness(
            opening: self.balance(at: period.dayBeforeStart),
            sales: self.sales(period),
            closing: self.balance(at: period.end),
            closingCurrent: self.current(at: period.end),
            flags: self.context.historyFlags(reachingBackTo: period.start)
        )
    }

    /// AR-DBT.
    public func daysBeyondTerms(asOf date: CalendarDate) -> KPIValue {
        var weighted = WideInt.zero
        var total = WideInt.zero
        for entry in self.openPositiveItems(at: date) where entry.daysPastDue >= 1 {
            weighted += WideInt(entry.open.value * Int128(entry.daysPastDue))
            total += entry.open
        }
        return ReceivablesFormulas.daysBeyondTerms(overdueDaysWeighted: weighted, overdue: total)
    }

    // MARK: - Payment timing

    private func timing(_ period: Period, _ days: (Allocation) -> Int?) -> KPIValue {
        var weighted = WideInt.zero
        var total = WideInt.zero
        for allocation in self.cashAllocations(in: period) {
            guard let value = days(allocation) else { continue }
            weighted += WideInt.product(allocation.fact.amount, value)
            total += WideInt(allocation.fact.amount)
        }
        return ReceivablesFormulas.weightedDays(
            weighted,
            over: total,
            flags: self.context.historyFlags(reachingBackTo: period.start)
        )
    }

    /// AR-ADD.
    public func averageDaysDelinquent(over period: Period) -> KPIValue {
        self.timing(period) { Swift.max(0, $0.target.dueDate.days(until: $0.effective)) }
    }

    /// AR-PAYDELAY.
    public func paymentDelay(over period: Period) -> KPIValue {
        self.timing(period) { $0.target.dueDate.days(until: $0.effective) }
    }

    /// AR-ADTP.
    public func averageDaysToPay(over period: Period) -> KPIValue {
        self.timing(period) { $0.target.invoiceDate.days(until: $0.effective) }
    }

    /// AR-REC-DELAY.
    public func collectionDelay(over period: Period) -> KPIValue {
        self.timing(period) {
            let late = $0.target.dueDate.days(until: $0.effective)
            return late >= 1 ? late : nil
        }
    }

    private func paidInstallments(in period: Period) -> [(item: InstallmentFact, onTime: Bool)] {
        self.installments.compactMap { item in
            let allocations = self.allocationsByTarget[item.id] ?? []
            let total = allocations.reduce(WideInt.zero) { $0 + WideInt($1.fact.amount) }
            guard total >= WideInt(item.amount), allocations.contains(where: { $0.source.kind.isCash }),
                let settled = allocations.map(\.effective).max(), period.contains(settled)
            else { return nil }
            return (item, settled <= item.dueDate.clampedAdding(days: self.settings.onTimeGraceDays))
        }
    }

    /// AR-ONTIME.
    public func onTime(over period: Period) -> KPIValue {
        let paid = self.paidInstallments(in: period)
        return ReceivablesFormulas.percent(
            WideInt(paid.filter(\.onTime).count),
            of: WideInt(paid.count),
            flags: self.context.historyFlags(reachingBackTo: period.start)
        )
    }

    /// AR-ONTIME-AMT.
    public func onTimeAmount(over period: Period) -> KPIValue {
        let paid = self.paidInstallments(in: period)
        return ReceivablesFormulas.percent(
            paid.filter(\.onTime).reduce(WideInt.zero) { $0 + WideInt($1.item.amount) },
            of: paid.reduce(WideInt.zero) { $0 + WideInt($1.item.amount) },
            flags: self.context.historyFlags(reachingBackTo: period.start)
        )
    }

    /// AR-REC-RATE.
    public func collectionRate(over period: Period) -> KPIValue {
        var collected = WideInt.zero
        var collectible = WideInt.zero
        for item in self.installments where item.invoiceDate <= period.end && item.dueDate <= period.end {
            let base =
                item.invoiceDate < period.start
                ? (self.open(item, at: period.dayBeforeStart) ?? .zero) : WideInt(item.amount)
            guard base > .zero else { continue }
            collectible += base
            for allocation in self.allocationsByTarget[item.id] ?? [] where period.contains(allocation.effective) {
                switch allocation.source.kind {
                case .payment, .prepayment: collected += WideInt(allocation.fact.amount)
                case .creditNote, .adjustment: collectible -= WideInt(allocation.fact.amount)
                case .writeOff: break
                }
            }
        }
        return ReceivablesFormulas.percent(
            collected,
            of: collectible,
            reasonWhenEmpty: .zeroDenominator,
            flags: self.context.historyFlags(reachingBackTo: period.start)
        )
    }

    // MARK: - Turnover

    /// AR-TURN.
    public func turnover(over period: Period) -> KPIValue {
        ReceivablesFormulas.turnover(
            opening: self.balance(at: period.dayBeforeStart),
            closing: self.balance(at: period.end),
            sales: self.sales(period),
            flags: self.context.historyFlags(reachingBackTo: period.start)
        )
    }

    /// AR-ACP.
    public func averageCollectionPeriod(over period: Period) -> KPIValue {
        ReceivablesFormulas.averageCollectionPeriod(
            opening: self.balance(at: period.dayBeforeStart),
            closing: self.balance(at: period.end),
            sales: self.sales(period),
            periodDays: period.length,
            flags: self.context.historyFlags(reachingBackTo: period.start)
        )
    }

    // MARK: - Snapshot tables

    /// The snapshot parts of the whole selection at D, rebuilt item by item (the tables
    /// ``AgedBalance``, ``Outstanding`` and ``ProvisionRates`` are then built from it).
    public func snapshot(at date: CalendarDate) -> ReceivablesSnapshot {
        var snapshot = ReceivablesSnapshot()
        let count = self.settings.agedBucketCount
        snapshot.aged = Array(repeating: .zero, count: count)
        snapshot.provisionByBucket = snapshot.aged
        snapshot.openHTByBucket = snapshot.aged
        snapshot.balance = self.balance(at: date)
        snapshot.doubtfulBalance = self.balance(at: date) { $0.doubtful }
        // Each client's own AR(D), for the credit-limit rule.
        var clientBalance: [String: WideInt] = [:]
        for item in self.installments {
            clientBalance[item.client, default: .zero] += self.open(item, at: date) ?? .zero
        }
        for credit in self.credits {
            clientBalance[credit.client, default: .zero] -= self.unapplied(credit, at: date) ?? .zero
        }
        for item in self.installments {
            let client = self.clients[item.client]
            let inForce = (self.provisionsByItem[item.id] ?? []).filter { $0.isInForce(at: date) }.reduce(
                WideInt.zero
            ) { $0 + WideInt($1.amountHT) }
            guard let open = self.open(item, at: date) else { continue }
            guard open > .zero else {
                snapshot.provisionToRelease += inForce
                continue
            }
            let dpd = item.dueDate.days(until: date)
            let bucket = self.settings.agedBucketIndex(daysPastDue: dpd)
            snapshot.aged[bucket] += open
            snapshot.openItems += 1
            if dpd <= 0 {
                snapshot.current += open
                if client?.doubtful == true { snapshot.doubtfulCurrent += open }
            } else {
                snapshot.overdue += open
                snapshot.overdueItems += 1
                snapshot.overdueDaysWeighted += WideInt(open.value * Int128(dpd))
            }
            if dpd >= 91 { snapshot.over90 += open }
            let disputed = (self.disputesByItem[item.id] ?? []).contains { $0.isOpen(at: date) }
            if disputed { snapshot.disputed += open }
            let limit = client?.creditLimit ?? 0
            let overLimit = limit > 0 && (clientBalance[item.client] ?? .zero) > WideInt(limit)
            if disputed || dpd > self.settings.riskDaysPastDue || client?.doubtful == true || overLimit {
                snapshot.atRisk += open
            }
            // open HT = R0(open × HT / TTC), half away from zero.
            var openHT = open
            if let ht = item.amountHT, item.amount > 0,
                let product = Rational.multiply(open.value, Int128(ht)),
                let ratio = Rational(product, Int128(item.amount)),
                let rounded = Rounding.scaled(ratio, decimals: 0)
            {
                openHT = WideInt(rounded)
            }
            let provision = Swift.min(inForce, Swift.max(openHT, .zero))
            snapshot.openHTByBucket[bucket] += openHT
            snapshot.provisionByBucket[bucket] += provision
            snapshot.provisionAboveOpen += inForce - provision
        }
        for credit in self.credits {
            guard let remainder = self.unapplied(credit, at: date) else { continue }
            snapshot.unapplied += remainder
            if remainder > .zero { snapshot.unappliedItems += 1 }
        }
        snapshot.openDisputes = Int64(self.disputes.filter { $0.isOpen(at: date) }.count)
        for exposure in self.exposures where exposure.date <= date {
            snapshot.offLedgerRecords += 1
            if exposure.isInForce(at: date) { snapshot.offLedgerExposure += WideInt(exposure.amount) }
        }
        return snapshot
    }

    /// AR-AGED.
    public func agedBalance(asOf date: CalendarDate) -> AgedBalance {
        AgedBalance(snapshot: self.snapshot(at: date), settings: self.settings)
    }

    /// AR-ENC-*.
    public func outstanding(asOf date: CalendarDate) -> Outstanding {
        Outstanding(snapshot: self.snapshot(at: date))
    }

    /// AR-PROV-RATE.
    public func provisionRates(asOf date: CalendarDate) -> ProvisionRates {
        ProvisionRates(snapshot: self.snapshot(at: date), settings: self.settings)
    }

    // MARK: - Disputes, write-offs, matching

    /// AR-DSP-RATE.
    public func disputeResolutionRate(over period: Period) -> KPIValue {
        let handled = self.disputes.filter { $0.isOpen(at: period.dayBeforeStart) || period.contains($0.openedOn) }
            .count
        let resolved = self.disputes.filter { $0.resolvedOn.map(period.contains) == true }.count
        return ReceivablesFormulas.percent(
            WideInt(resolved),
            of: WideInt(handled),
            flags: self.context.historyFlags(reachingBackTo: period.start)
        )
    }

    /// AR-DSP-TIME.
    public func disputeResolutionTime(over period: Period) -> KPIValue {
        let resolved = self.disputes.compactMap { dispute -> Int? in
            guard let on = dispute.resolvedOn, period.contains(on) else { return nil }
            return dispute.openedOn.days(until: on)
        }
        return ReceivablesFormulas.weightedDays(
            WideInt(resolved.reduce(0, +)),
            over: WideInt(resolved.count),
            flags: self.context.historyFlags(reachingBackTo: period.start)
        )
    }

    /// AR-WO-AMT.
    public func writeOffAmount(over period: Period) -> KPIValue {
        .cents(
            self.credits.filter { $0.kind == .writeOff && !$0.isOpening && period.contains($0.date) }.reduce(WideInt.zero) {
                $0 + WideInt($1.amount)
            },
            flags: self.context.historyFlags(reachingBackTo: period.start)
        )
    }

    /// AR-WO-RATE.
    public func writeOffRate(over period: Period) -> KPIValue {
        let amount = self.credits.filter { $0.kind == .writeOff && !$0.isOpening && period.contains($0.date) }.reduce(WideInt.zero) {
            $0 + WideInt($1.amount)
        }
        return ReceivablesFormulas.percent(
            amount,
            of: self.sales(period),
            reasonWhenEmpty: .noSales,
            flags: self.context.historyFlags(reachingBackTo: period.start)
        )
    }

    /// AR-MATCH-AUTO.
    public func automaticMatchingRate(over period: Period) -> KPIValue {
        let recorded = self.allocations.filter { period.contains($0.fact.recordedOn) }
        return ReceivablesFormulas.percent(
            WideInt(recorded.filter { $0.fact.method == .auto }.count),
            of: WideInt(recorded.count)
        )
    }

    /// AR-MATCH-AUTO-AMT.
    public func automaticMatchingAmountRate(over period: Period) -> KPIValue {
        let recorded = self.allocations.filter { period.contains($0.fact.recordedOn) }
        return ReceivablesFormulas.percent(
            recorded.filter { $0.fact.method == .auto }.reduce(WideInt.zero) { $0 + WideInt($1.fact.amount) },
            of: recorded.reduce(WideInt.zero) { $0 + WideInt($1.fact.amount) }
        )
    }

    // MARK: - Forecast and widget

    /// AR-FCST, following the text: per-client history, portfolio fallback, exclusions.
    public func forecast(asOf date: CalendarDate, grain: BucketKind) -> ForecastResult {
        let from = date.clampedAdding(days: -self.settings.forecastLookbackDays)
        let history = self.allocations.filter { $0.source.kind.isCash && $0.effective > from && $0.effective <= date }
        func delay(_ allocations: [Allocation]) -> Int? {
            let weight = allocations.reduce(WideInt.zero) { $0 + WideInt($1.fact.amount) }
            let weighted = allocations.reduce(WideInt.zero) {
                $0 + WideInt.product($1.fact.amount, $1.target.dueDate.days(until: $1.effective))
            }
            return Rational(weighted, over: weight).flatMap(Rounding.integer)
        }
        var ownDelay: [String: Int] = [:]
        for (client, allocations) in Dictionary(grouping: history, by: { $0.target.client }) {
            let latest = Dictionary(grouping: allocations, by: { $0.target.id }).mapValues {
                $0.map(\.effective).max() ?? date
            }
            let chosen = Set(
                latest.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                    .prefix(self.settings.forecastHistoryInstallments).map(\.key)
            )
            guard chosen.count >= self.settings.forecastMinimumInstallments,
                let value = delay(allocations.filter { chosen.contains($0.target.id) })
            else { continue }
            ownDelay[client] = value
        }
        let portfolio = delay(history)
        var parts = ForecastParts()
        let tomorrow = date.clampedAdding(days: 1)
        for (item, open, dpd) in self.openPositiveItems(at: date) {
            if (self.disputesByItem[item.id] ?? []).contains(where: { $0.isOpen(at: date) }) {
                parts.disputed += open
            } else if self.clients[item.client]?.doubtful == true {
                parts.doubtful += open
            } else if dpd > self.settings.forecastMaxDaysPastDue {
                parts.tooOld += open
            } else {
                let expected = Swift.max(
                    item.dueDate.clampedAdding(days: ownDelay[item.client] ?? portfolio ?? 0),
                    tomorrow
                )
                parts.scheduled[expected, default: .zero] += open
            }
        }
        parts.unapplied = self.credits.reduce(WideInt.zero) { $0 + (self.unapplied($1, at: date) ?? .zero) }
        // Already placed: no history needed by the final step beyond reporting the delay.
        var result = ReceivablesFormulas.forecast(parts, asOf: date, settings: self.settings, grain: grain)
        result.portfolioDelay = portfolio
        return result
    }

    /// AR-W12.
    public func revenueAndPayments(asOf date: CalendarDate) -> [WidgetRow] {
        ReceivablesFormulas.widgetMonths(asOf: date).map { month in
            var flow = ReceivablesFlow()
            for item in self.installments where item.kind == .invoice {
                if month.contains(item.invoiceDate) { flow.invoiced += WideInt(item.amount) }
                if month.contains(item.dueDate) { flow.invoicedByDueDate += WideInt(item.amount) }
            }
            for item in self.installments where item.kind == .refund && month.contains(item.invoiceDate) {
                flow.refunds += WideInt(item.amount)
            }
            for credit in self.credits where !credit.isOpening && month.contains(credit.date) {
                if credit.kind == .creditNote { flow.creditNotes += WideInt(credit.amount) }
                if credit.kind.isCash { flow.cashReceived += WideInt(credit.amount) }
            }
            return WidgetRow(month: month, flow: flow)
        }
    }
}
