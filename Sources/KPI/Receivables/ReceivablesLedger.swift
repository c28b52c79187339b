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
        var allocations = Run<Int>()
        var disputes: [DisputeFact] = []
        var provisions: [ProvisionFact] = []
        /// Σ of every allocation (whatever its date).
        var allocatedTotal: WideInt = .zero
        /// Cumulative allocated amount after each entry of `allocations`.
        var cumulative = Run<WideInt>()
    }

    /// One credit document.
    struct Credit: Sendable {
        var fact: CreditFact
        var client: Int
        var allocations = Run<Int>()
        var cumulative = Run<WideInt>()
    }

    /// A run of consecutive elements of an array shared by every item (or credit) of the
    /// ledger, indexed from 0: a ledger holds its items' allocation lists in two arrays instead
    /// of two small arrays per item, whose allocations were 40 % of building it.
    struct Run<Element: Sendable>: RandomAccessCollection, Sendable {
        private let storage: [Element]
        private let offset: Int
        let endIndex: Int

        /// An empty run.
        init() {
            self.storage = []
            self.offset = 0
            self.endIndex = 0
        }

        /// The elements `range` of `storage`.
        init(_ storage: [Element], _ range: Range<Int>) {
            self.storage = storage
            self.offset = range.lowerBound
            self.endIndex = range.count
        }

        var startIndex: Int { 0 }

        subscript(position: Int) -> Element { self.storage[self.offset + position] }
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
            self.allocations.append(
                Allocation(
                    fact: fact,
                    effective: effective,
                    sourceKind: self.credits[credit].fact.kind,
                    item: item,
                    credit: credit
                )
            )
        }
        for dispute in pendingDisputes {
            if let item = itemIndex[dispute.installment] { self.items[item].disputes.append(dispute) }
        }
        for provision in pendingProvisions {
            if let item = itemIndex[provision.installment] { self.items[item].provisions.append(provision) }
        }
        let items = Self.runs(of: self.allocations, count: self.items.count, owner: \.item)
        for index in self.items.indices {
            self.items[index].allocations = items.allocations[index]
            self.items[index].cumulative = items.cumulative[index]
            self.items[index].allocatedTotal = items.cumulative[index].last ?? .zero
        }
        let credits = Self.runs(of: self.allocations, count: self.credits.count, owner: \.credit)
        for index in self.credits.indices {
            self.credits[index].allocations = credits.allocations[index]
            self.credits[index].cumulative = credits.cumulative[index]
        }
    }

    /// Each owner's allocations (indices into `allocations`) sorted by effective date then id,
    /// and the cumulative amounts after each, as runs of two shared arrays (`count` owners,
    /// `owner`: an allocation's item or credit).
    private static func runs(
        of allocations: [Allocation],
        count: Int,
        owner: KeyPath<Allocation, Int>
    ) -> (allocations: [Run<Int>], cumulative: [Run<WideInt>]) {
        // Counting sort by owner, then each owner's run sorted in place.
        var starts = [Int](repeating: 0, count: count + 1)
        for allocation in allocations { starts[allocation[keyPath: owner] + 1] += 1 }
        for index in 0..<count { starts[index + 1] += starts[index] }
        var order = [Int](repeating: 0, count: allocations.count)
        var next = starts
        for (index, allocation) in allocations.enumerated() {
            let slot = allocation[keyPath: owner]
            order[next[slot]] = index
            next[slot] += 1
        }
        var cumulative = [WideInt](repeating: .zero, count: allocations.count)
        for slot in 0..<count where starts[slot + 1] > starts[slot] {
            let range = starts[slot]..<starts[slot + 1]
            order[range].sort { a, b in
                let left = allocations[a]
                let right = allocations[b]
                return left.effective != right.effective ? left.effective < right.effective : left.fact.id < right.fact.id
            }
            var running = WideInt.zero
            for position in range {
                running = running + WideInt(allocations[order[position]].amount)
                cumulative[position] = running
            }
        }
        let empty = (Run<Int>(), Run<WideInt>())
        var runs = (allocations: [Run<Int>](repeating: empty.0, count: count), cumulative: [Run<WideInt>](repeating: empty.1, count: count))
        for slot in 0..<count where starts[slot + 1] > starts[slot] {
            let range = starts[slot]..<starts[slot + 1]
            runs.allocations[slot] = Run(order, range)
            runs.cumulative[slot] = Run(cumulative, range)
        }
        return runs
    }

    // MARK: - Definitions of §2.1

    /// Whether a credit's unapplied remainder counts in AR (prepayments only when the firm says so).
    func countsAsUnapplied(_ credit: Credit) -> Bool {
        credit.fact.kind != .prepayment || self.settings.prepaymentsAsUnapplied
    }

    /// Σ allocated to an item or credit with `eff ≤ date` (binary search on the cumulative sums).
    func allocated(_ indices: Run<Int>, _ cumulative: Run<WideInt>, through date: CalendarDate) -> WideInt {
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
