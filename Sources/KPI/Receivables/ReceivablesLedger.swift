internal import Wire

/// The receivables facts of one client (or of a union of clients), indexed for the definitions
/// of kpi-definitions §2.1: effective dates of allocations, open and unapplied amounts.
///
/// Rules applied while indexing (the same for per-client parts and for the reference):
/// - an allocation counts only when its source credit and its target item are both present and
///   belong to the **same client** (transfers between clients are adjustments, §10.5);
/// - duplicate ids (a fact listed under two clients) are kept once;
/// - `eff(a) = max(source.date, target.invoice_date)`.
struct ReceivablesLedger: Sendable {
    /// One allocation with its effective date.
    struct Allocation: Sendable {
        var fact: AllocationFact
        var effective: CalendarDate
        var sourceKind: CreditFact.Kind
        var item: Int
        var credit: Int
        var amount: Int64 { self.fact.amount }
    }

    /// One debit item and what hangs on it.
    struct Item: Sendable {
        var fact: InstallmentFact
        var client: Int
        /// Indices into `allocations`, sorted by effective date.
        var allocations: [Int] = []
        var disputes: [DisputeFact] = []
        var provisions: [ProvisionFact] = []
        /// Σ of every allocation (whatever its date).
        var allocatedTotal: WideInt = .zero
        /// Cumulative allocated amount after each entry of `allocations`.
        var cumulative: [WideInt] = []
    }

    /// One credit document.
    struct Credit: Sendable {
        var fact: CreditFact
        var client: Int
        var allocations: [Int] = []
        var cumulative: [WideInt] = []
    }

    private(set) var clients: [ClientFact] = []
    private(set) var items: [Item] = []
    private(set) var credits: [Credit] = []
    private(set) var allocations: [Allocation] = []
    private(set) var exposures: [OffLedgerExposureFact] = []
    let settings: KPISettings

    /// Indexes the receivables facts of `facts` (one or many clients).
    init(_ facts: some Sequence<ClientFacts>, settings: KPISettings) {
        self.settings = settings.clamped
        var clientIndex: [String: Int] = [:]
        var itemIndex: [String: Int] = [:]
        var creditIndex: [String: Int] = [:]
        var seenAllocations: Set<String> = []
        var seenDisputes: Set<String> = []
        var seenProvisions: Set<String> = []
        var seenExposures: Set<String> = []
        var pendingAllocations: [AllocationFact] = []
        var pendingDisputes: [DisputeFact] = []
        var pendingProvisions: [ProvisionFact] = []
        for clientFacts in facts {
            let index: Int
            if let existing = clientIndex[clientFacts.client.id] {
                index = existing
            } else {
                index = self.clients.count
                clientIndex[clientFacts.client.id] = index
                self.clients.append(clientFacts.client)
            }
            for installment in clientFacts.installments where itemIndex[installment.id] == nil {
                guard installment.client == clientFacts.client.id else { continue }
                itemIndex[installment.id] = self.items.count
                self.items.append(Item(fact: installment, client: index))
            }
            for credit in clientFacts.credits where creditIndex[credit.id] == nil {
                guard credit.client == clientFacts.client.id else { continue }
                creditIndex[credit.id] = self.credits.count
                self.credits.append(Credit(fact: credit, client: index))
            }
            for allocation in clientFacts.allocations where seenAllocations.insert(allocation.id).inserted {
                pendingAllocations.append(allocation)
            }
            for dispute in clientFacts.disputes where seenDisputes.insert(dispute.id).inserted {
                pendingDisputes.append(dispute)
            }
            for provision in clientFacts.provisions where seenProvisions.insert(provision.id).inserted {
                pendingProvisions.append(provision)
            }
            for exposure in clientFacts.exposures where seenExposures.insert(exposure.id).inserted {
                if exposure.client == clientFacts.client.id { self.exposures.append(exposure) }
            }
        }
        for fact in pendingAllocations {
            guard let item = itemIndex[fact.target], let credit = creditIndex[fact.source],
                self.items[item].client == self.credits[credit].client
            else { continue }
            let effective = Swift.max(self.credits[credit].fact.date, self.items[item].fact.invoiceDate)
            let index = self.allocations.count
            self.allocations.append(
                Allocation(
                    fact: fact,
                    effective: effective,
                    sourceKind: self.credits[credit].fact.kind,
                    item: item,
                    credit: credit
                )
            )
            self.items[item].allocations.append(index)
            self.credits[credit].allocations.append(index)
        }
        for dispute in pendingDisputes {
            if let item = itemIndex[dispute.installment] { self.items[item].disputes.append(dispute) }
        }
        for provision in pendingProvisions {
            if let item = itemIndex[provision.installment] { self.items[item].provisions.append(provision) }
        }
        let allocations = self.allocations
        func byEffectiveDate(_ a: Int, _ b: Int) -> Bool {
            let left = allocations[a]
            let right = allocations[b]
            return left.effective != right.effective ? left.effective < right.effective : left.fact.id < right.fact.id
        }
        for index in self.items.indices {
            self.items[index].allocations.sort(by: byEffectiveDate)
            var running = WideInt.zero
            self.items[index].cumulative = self.items[index].allocations.map {
                running = running + WideInt(allocations[$0].amount)
                return running
            }
            self.items[index].allocatedTotal = running
        }
        for index in self.credits.indices {
            self.credits[index].allocations.sort(by: byEffectiveDate)
            var running = WideInt.zero
            self.credits[index].cumulative = self.credits[index].allocations.map {
                running = running + WideInt(allocations[$0].amount)
                return running
            }
        }
    }

    // MARK: - Definitions of §2.1

    /// Whether a credit's unapplied remainder counts in AR (prepayments only when the firm says so).
    func countsAsUnapplied(_ credit: Credit) -> Bool {
        credit.fact.kind != .prepayment || self.settings.prepaymentsAsUnapplied
    }

    /// Σ allocated to an item or credit with `eff ≤ date` (binary search on the cumulative sums).
    func allocated(_ indices: [Int], _ cumulative: [WideInt], through date: CalendarDate) -> WideInt {
        var low = 0
        var high = indices.count
        while low < high {
            let middle = (low + high) / 2
            if self.allocations[indices[middle]].effective <= date {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low == 0 ? .zero : cumulative[low - 1]
    }

    /// `open(i, D)`, `nil` when the item is not yet invoiced at D.
    func open(_ item: Item, at date: CalendarDate) -> WideInt? {
        guard item.fact.invoiceDate <= date else { return nil }
        return WideInt(item.fact.amount) - self.allocated(item.allocations, item.cumulative, through: date)
    }

    /// `unapplied(k, D)`, `nil` when the credit is dated after D.
    func unapplied(_ credit: Credit, at date: CalendarDate) -> WideInt? {
        guard credit.fact.date <= date else { return nil }
        return WideInt(credit.fact.amount) - self.allocated(credit.allocations, credit.cumulative, through: date)
    }

    /// Settlement date of an item: it is **paid** when its allocations cover its amount and at
    /// least one of them is cash; the date is the largest effective date (AR-ONTIME).
    func settlementDate(_ item: Item) -> CalendarDate? {
        guard !item.allocations.isEmpty, item.allocatedTotal >= WideInt(item.fact.amount),
            item.allocations.contains(where: { self.allocations[$0].sourceKind.isCash })
        else { return nil }
        return item.allocations.map { self.allocations[$0].effective }.max()
    }

    /// Open HT of an item: `R0(open × amount_ht / amount)` in cents (AR-PROV-RATE). Items
    /// without HT (or with a non-positive amount) use the TTC open amount.
    static func openHT(open: WideInt, amount: Int64, amountHT: Int64?) -> WideInt {
        guard let amountHT, amount > 0 else { return open }
        guard let product = Rational.multiply(open.value, Int128(amountHT)),
            let ratio = Rational(product, Int128(amount)),
            let rounded = Rounding.scaled(ratio, decimals: 0)
        else { return open }
        return WideInt(rounded)
    }

    /// AR(D) of each client at each date (sorted ascending), by the §2.1 identity
    /// `Σ items ≤ D − Σ counted credits ≤ D − Σ allocations from uncounted credits with eff ≤ D`.
    func balances(at dates: [CalendarDate]) -> [[WideInt]] {
        var events: [(date: CalendarDate, client: Int, delta: WideInt)] = []
        events.reserveCapacity(self.items.count + self.credits.count)
        for item in self.items {
            events.append((item.fact.invoiceDate, item.client, WideInt(item.fact.amount)))
        }
        for credit in self.credits {
            if self.countsAsUnapplied(credit) {
                events.append((credit.fact.date, credit.client, -WideInt(credit.fact.amount)))
            } else {
                for index in credit.allocations {
                    events.append(
                        (self.allocations[index].effective, credit.client, -WideInt(self.allocations[index].amount))
                    )
                }
            }
        }
        events.sort { $0.date < $1.date }
        var running = [WideInt](repeating: .zero, count: self.clients.count)
        var result = [[WideInt]](repeating: [], count: self.clients.count)
        var cursor = 0
        for date in dates {
            while cursor < events.count && events[cursor].date <= date {
                running[events[cursor].client] = running[events[cursor].client] + events[cursor].delta
                cursor += 1
            }
            for client in running.indices {
                result[client].append(running[client])
            }
        }
        return result
    }
}
