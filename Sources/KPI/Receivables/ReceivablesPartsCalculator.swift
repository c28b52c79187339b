public import Wire

/// Computes the receivables parts of one client (or of a group of clients) from its facts:
/// snapshot parts at dates, daily flow parts, monthly sales, collection-rate parts of a period,
/// forecast parts at an as-of date. Build it once per client and ask for many dates.
///
/// ```swift
/// let calculator = ReceivablesPartsCalculator(clientFacts, settings: settings)
/// let snapshots = calculator.snapshots(at: days)          // one sweep over the items
/// let flows = calculator.dailyFlows(in: period)           // sparse: active days only
/// ```
public struct ReceivablesPartsCalculator: Sendable {
    let ledger: ReceivablesLedger

    /// Prepares the facts of one client.
    public init(_ facts: ClientFacts, settings: KPISettings) {
        self.ledger = ReceivablesLedger(CollectionOfOne(facts), settings: settings)
    }

    /// Prepares the facts of several clients (their parts are summed; per-client rules such as
    /// the credit limit still apply client by client).
    public init(_ facts: some Sequence<ClientFacts>, settings: KPISettings) {
        self.ledger = ReceivablesLedger(facts, settings: settings)
    }

    private var settings: KPISettings { self.ledger.settings }

    // MARK: - Snapshots

    /// Snapshot parts at the end of `date`.
    public func snapshot(at date: CalendarDate) -> ReceivablesSnapshot {
        self.snapshots(at: [date])[0]
    }

    /// Snapshot parts at each of `dates` (any order, duplicates allowed), computed in one sweep:
    /// every item walks its allocations once across the sorted dates.
    public func snapshots(at dates: [CalendarDate]) -> [ReceivablesSnapshot] {
        guard !dates.isEmpty else { return [] }
        let order = dates.indices.sorted { dates[$0] < dates[$1] }
        let sorted = order.map { dates[$0] }
        let count = sorted.count
        let buckets = self.settings.agedBucketCount
        var empty = ReceivablesSnapshot()
        empty.aged = Array(repeating: .zero, count: buckets)
        empty.provisionByBucket = empty.aged
        empty.openHTByBucket = empty.aged
        var result = Array(repeating: empty, count: count)

        // AR(D) per client (identity), needed first for the credit-limit rule.
        let balances = self.ledger.balances(at: sorted)
        var overLimit = Array(repeating: [Bool](), count: self.ledger.clients.count)
        for (clientIndex, client) in self.ledger.clients.enumerated() {
            let limit = client.creditLimit ?? 0
            overLimit[clientIndex] = balances[clientIndex].map { limit > 0 && $0 > WideInt(limit) }
            for index in 0..<count {
                result[index].balance += balances[clientIndex][index]
                if client.doubtful { result[index].doubtfulBalance += balances[clientIndex][index] }
            }
        }

        let riskDays = self.settings.riskDaysPastDue
        for item in self.ledger.items {
            let client = self.ledger.clients[item.client]
            let amount = WideInt(item.fact.amount)
            var pointer = 0
            var paid = WideInt.zero
            for index in 0..<count {
                let date = sorted[index]
                for dispute in item.disputes where dispute.isOpen(at: date) {
                    result[index].openDisputes += 1
                }
                guard item.fact.invoiceDate <= date else { continue }
                while pointer < item.allocations.count
                    && self.ledger.allocations[item.allocations[pointer]].effective <= date
                {
                    paid = item.cumulative[pointer]
                    pointer += 1
                }
                let open = amount - paid
                var provisionInForce = WideInt.zero
                for provision in item.provisions where provision.isInForce(at: date) {
                    provisionInForce += WideInt(provision.amountHT)
                }
                guard open > .zero else {
                    result[index].provisionToRelease += provisionInForce
                    continue
                }
                let daysPastDue = item.fact.dueDate.days(until: date)
                let bucket = self.settings.agedBucketIndex(daysPastDue: daysPastDue)
                result[index].aged[bucket] += open
                result[index].openItems += 1
                if daysPastDue <= 0 {
                    result[index].current += open
                    if client.doubtful { result[index].doubtfulCurrent += open }
                } else {
                    result[index].overdue += open
                    result[index].overdueItems += 1
                    result[index].overdueDaysWeighted += WideInt(open.value * Int128(daysPastDue))
                    if daysPastDue >= 91 { result[index].over90 += open }
                }
                let isDisputed = item.disputes.contains { $0.isOpen(at: date) }
                if isDisputed { result[index].disputed += open }
                if isDisputed || daysPastDue > riskDays || client.doubtful || overLimit[item.client][index] {
                    result[index].atRisk += open
                }
                let openHT = ReceivablesLedger.openHT(
                    open: open,
                    amount: item.fact.amount,
                    amountHT: item.fact.amountHT
                )
                let provision = Swift.min(provisionInForce, Swift.max(openHT, .zero))
                result[index].openHTByBucket[bucket] += openHT
                result[index].provisionByBucket[bucket] += provision
                result[index].provisionAboveOpen += provisionInForce - provision
            }
        }

        for credit in self.ledger.credits where self.ledger.countsAsUnapplied(credit) {
            let amount = WideInt(credit.fact.amount)
            var pointer = 0
            var used = WideInt.zero
            for index in 0..<count {
                let date = sorted[index]
                guard credit.fact.date <= date else { continue }
                while pointer < credit.allocations.count
                    && self.ledger.allocations[credit.allocations[pointer]].effective <= date
                {
                    used = credit.cumulative[pointer]
                    pointer += 1
                }
                let remainder = amount - used
                result[index].unapplied += remainder
                if remainder > .zero { result[index].unappliedItems += 1 }
            }
        }

        for exposure in self.ledger.exposures {
            for index in 0..<count where exposure.date <= sorted[index] {
                result[index].offLedgerRecords += 1
                if exposure.isInForce(at: sorted[index]) { result[index].offLedgerExposure += WideInt(exposure.amount) }
            }
        }

        var output = Array(repeating: ReceivablesSnapshot.zero, count: count)
        for (position, original) in order.enumerated() {
            output[original] = result[position]
        }
        return output
    }

    // MARK: - Flows

    /// Flow parts of each day of `period` that has activity (absent days are zero).
    public func dailyFlows(in period: Period) -> [CalendarDate: ReceivablesFlow] {
        var result: [CalendarDate: ReceivablesFlow] = [:]
        self.accumulateFlows(in: period) { date, update in
            update(&result[date, default: .zero])
        }
        return result
    }

    /// Flow parts of `period` (the merge of its daily parts).
    public func flow(over period: Period) -> ReceivablesFlow {
        var total = ReceivablesFlow.zero
        self.accumulateFlows(in: period) { _, update in
            update(&total)
        }
        return total
    }

    private func accumulateFlows(
        in period: Period,
        _ add: (CalendarDate, (inout ReceivablesFlow) -> Void) -> Void
    ) {
        let grace = self.settings.onTimeGraceDays
        for item in self.ledger.items {
            let amount = WideInt(item.fact.amount)
            switch item.fact.kind {
            case .invoice:
                if period.contains(item.fact.invoiceDate) { add(item.fact.invoiceDate) { $0.invoiced += amount } }
                if period.contains(item.fact.dueDate) { add(item.fact.dueDate) { $0.invoicedByDueDate += amount } }
            case .refund:
                if period.contains(item.fact.invoiceDate) { add(item.fact.invoiceDate) { $0.refunds += amount } }
            case .debitAdjustment, .opening:
                break
            }
            if let settled = self.ledger.settlementDate(item), period.contains(settled) {
                let onTime = settled <= item.fact.dueDate.clampedAdding(days: grace)
                add(settled) { flow in
                    flow.paidInstallments += 1
                    flow.paidAmount += amount
                    if onTime {
                        flow.onTimeInstallments += 1
                        flow.onTimeAmount += amount
                    }
                }
            }
            for dispute in item.disputes {
                if period.contains(dispute.openedOn) { add(dispute.openedOn) { $0.disputesOpened += 1 } }
                if let resolved = dispute.resolvedOn, period.contains(resolved) {
                    let days = WideInt(dispute.openedOn.days(until: resolved))
                    add(resolved) { flow in
                        flow.disputesResolved += 1
                        flow.resolutionDays += days
                    }
                }
            }
        }
        for credit in self.ledger.credits where !credit.fact.isOpening && period.contains(credit.fact.date) {
            let amount = WideInt(credit.fact.amount)
            switch credit.fact.kind {
            case .creditNote: add(credit.fact.date) { $0.creditNotes += amount }
            case .writeOff: add(credit.fact.date) { $0.writeOffs += amount }
            case .payment, .prepayment: add(credit.fact.date) { $0.cashReceived += amount }
            case .adjustment: break
            }
        }
        for allocation in self.ledger.allocations {
            let amount = WideInt(allocation.amount)
            if period.contains(allocation.fact.recordedOn) {
                let isAuto = allocation.fact.method == .auto
                add(allocation.fact.recordedOn) { flow in
                    flow.matched += 1
                    flow.matchedAmount += amount
                    if isAuto {
                        flow.matchedAuto += 1
                        flow.matchedAutoAmount += amount
                    }
                }
            }
            guard allocation.sourceKind.isCash, period.contains(allocation.effective) else { continue }
            let item = self.ledger.items[allocation.item].fact
            let late = item.dueDate.days(until: allocation.effective)
            let toPay = item.invoiceDate.days(until: allocation.effective)
            add(allocation.effective) { flow in
                flow.cashAllocated += amount
                flow.signedDelayWeighted += WideInt.product(allocation.amount, late)
                flow.daysToPayWeighted += WideInt.product(allocation.amount, toPay)
                if late >= 1 {
                    flow.lateDaysWeighted += WideInt.product(allocation.amount, late)
                    flow.lateAllocated += amount
                }
            }
        }
    }

    // MARK: - Period-dependent parts

    /// Net sales per month for the `months` calendar months ending with the month of `date`,
    /// counting documents dated ≤ `date` only (input of AR-DSO-CB; 24 months by default).
    public func monthlySales(through date: CalendarDate, months: Int = 24) -> MonthlySales {
        let last = date.monthIndex
        let first = last - Swift.max(months, 1) + 1
        var byMonth: [Int: WideInt] = [:]
        for item in self.ledger.items where item.fact.kind == .invoice && item.fact.invoiceDate <= date {
            let month = item.fact.invoiceDate.monthIndex
            if month >= first { byMonth[month, default: .zero] += WideInt(item.fact.amount) }
        }
        for credit in self.ledger.credits
        where credit.fact.kind == .creditNote && !credit.fact.isOpening && credit.fact.date <= date {
            let month = credit.fact.date.monthIndex
            if month >= first { byMonth[month, default: .zero] -= WideInt(credit.fact.amount) }
        }
        return MonthlySales(byMonth: byMonth)
    }

    /// AR-REC-RATE parts of `period` = [s, e]: items with `invoice_date ≤ e` and `due ≤ e`, base
    /// `open(i, s − 1)` (or the amount when issued in P), minus credit notes and adjustments
    /// allocated in P; items with base ≤ 0 are ignored; collected = their cash allocations in P.
    public func collectionRate(over period: Period) -> CollectionRateParts {
        var parts = CollectionRateParts()
        let dayBefore = period.dayBeforeStart
        for item in self.ledger.items where item.fact.invoiceDate <= period.end && item.fact.dueDate <= period.end {
            let base: WideInt
            if item.fact.invoiceDate < period.start {
                base = self.ledger.open(item, at: dayBefore) ?? .zero
            } else {
                base = WideInt(item.fact.amount)
            }
            guard base > .zero else { continue }
            var nonCash = WideInt.zero
            var cash = WideInt.zero
            for index in item.allocations {
                let allocation = self.ledger.allocations[index]
                guard period.contains(allocation.effective) else { continue }
                switch allocation.sourceKind {
                case .payment, .prepayment: cash += WideInt(allocation.amount)
                case .creditNote, .adjustment: nonCash += WideInt(allocation.amount)
                case .writeOff: break
                }
            }
            parts.collectible += base - nonCash
            parts.collected += cash
        }
        return parts
    }

    /// Each client's own forecast delay at `date` (`nil` when it has fewer than M settled
    /// installments in its history and falls back to the portfolio delay), by client id.
    public func forecastDelays(asOf date: CalendarDate) -> [String: Int?] {
        var result: [String: Int?] = [:]
        let histories = self.histories(asOf: date)
        for (index, client) in self.ledger.clients.enumerated() {
            result[client.id] = histories[index].ownDelay
        }
        return result
    }

    /// AR-FCST parts at `date` (see ``ForecastParts``).
    public func forecast(asOf date: CalendarDate) -> ForecastParts {
        var parts = ForecastParts()
        let histories = self.histories(asOf: date)
        for history in histories {
            parts.historyDelayWeighted += history.weighted
            parts.historyAmount += history.amount
        }
        let tomorrow = date.clampedAdding(days: 1)
        for item in self.ledger.items {
            guard let open = self.ledger.open(item, at: date), open > .zero else { continue }
            let client = self.ledger.clients[item.client]
            if item.disputes.contains(where: { $0.isOpen(at: date) }) {
                parts.disputed += open
            } else if client.doubtful {
                parts.doubtful += open
            } else if item.fact.dueDate.days(until: date) > self.settings.forecastMaxDaysPastDue {
                parts.tooOld += open
            } else if let delay = histories[item.client].ownDelay {
                let expected = Swift.max(item.fact.dueDate.clampedAdding(days: delay), tomorrow)
                parts.scheduled[expected, default: .zero] += open
            } else {
                parts.pendingByDueDate[item.fact.dueDate, default: .zero] += open
            }
        }
        for credit in self.ledger.credits where self.ledger.countsAsUnapplied(credit) {
            if let remainder = self.ledger.unapplied(credit, at: date) { parts.unapplied += remainder }
        }
        parts.scheduled = parts.scheduled.filter { $0.value != .zero }
        parts.pendingByDueDate = parts.pendingByDueDate.filter { $0.value != .zero }
        return parts
    }

    private struct History {
        var weighted = WideInt.zero
        var amount = WideInt.zero
        var ownDelay: Int? = nil
    }

    /// Per client: all cash allocations with eff ∈ (D − lookback, D], and the client's own delay
    /// over the N installments with the latest settlement dates when they are at least M.
    private func histories(asOf date: CalendarDate) -> [History] {
        let from = date.clampedAdding(days: -self.settings.forecastLookbackDays)
        var histories = Array(repeating: History(), count: self.ledger.clients.count)
        // Per client: item → (latest eff, Σ amount × late, Σ amount).
        var perItem = Array(
            repeating: [Int: (latest: CalendarDate, weighted: WideInt, amount: WideInt)](),
            count: self.ledger.clients.count
        )
        for allocation in self.ledger.allocations where allocation.sourceKind.isCash {
            guard allocation.effective > from, allocation.effective <= date else { continue }
            let item = self.ledger.items[allocation.item]
            let late = item.fact.dueDate.days(until: allocation.effective)
            let weighted = WideInt.product(allocation.amount, late)
            histories[item.client].weighted += weighted
            histories[item.client].amount += WideInt(allocation.amount)
            var entry = perItem[item.client][allocation.item] ?? (allocation.effective, .zero, .zero)
            entry.latest = Swift.max(entry.latest, allocation.effective)
            entry.weighted += weighted
            entry.amount += WideInt(allocation.amount)
            perItem[item.client][allocation.item] = entry
        }
        for client in histories.indices {
            let chosen = perItem[client].sorted { left, right in
                if left.value.latest != right.value.latest { return left.value.latest > right.value.latest }
                return self.ledger.items[left.key].fact.id < self.ledger.items[right.key].fact.id
            }.prefix(self.settings.forecastHistoryInstallments)
            guard chosen.count >= self.settings.forecastMinimumInstallments else { continue }
            let weighted = chosen.reduce(WideInt.zero) { $0 + $1.value.weighted }
            let amount = chosen.reduce(WideInt.zero) { $0 + $1.value.amount }
            if let delay = Rational(weighted, over: amount).flatMap(Rounding.integer) {
                histories[client].ownDelay = delay
            }
        }
        return histories
    }
}
