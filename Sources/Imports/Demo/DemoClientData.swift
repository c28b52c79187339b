internal import Foundation
internal import PilotageProtocol
internal import Wire

/// The records of a run of clients, generated client by client from each client's own PRNG
/// stream (so the output does not depend on chunking), then handed out as batches.
struct DemoClientData {
    var supplierRules: [SupplierRuleRecord] = []
    var documents: [DocumentRecord] = []
    var installments: [InstallmentRecord] = []
    var debitDocuments: [DebitDocumentRecord] = []
    var creditDocuments: [CreditDocumentRecord] = []
    var allocations: [AllocationRecord] = []
    var disputes: [DisputeRecord] = []
    var provisions: [ProvisionRecord] = []
    var exposures: [OffLedgerExposureRecord] = []
    var events: [CollectionEventRecord] = []

    /// Batches in dependency order, each at most `size` records.
    func batches(size: Int) -> [RecordBatch] {
        RecordBatch.chunks(self.supplierRules, maximumCount: size, RecordBatch.supplierRules)
            + RecordBatch.chunks(self.documents, maximumCount: size, RecordBatch.documents)
            + RecordBatch.chunks(self.installments, maximumCount: size, RecordBatch.installments)
            + RecordBatch.chunks(self.debitDocuments, maximumCount: size, RecordBatch.debitDocuments)
            + RecordBatch.chunks(self.creditDocuments, maximumCount: size, RecordBatch.creditDocuments)
            + RecordBatch.chunks(self.allocations, maximumCount: size, RecordBatch.allocations)
            + RecordBatch.chunks(self.disputes, maximumCount: size, RecordBatch.disputes)
            + RecordBatch.chunks(self.provisions, maximumCount: size, RecordBatch.provisions)
            + RecordBatch.chunks(self.exposures, maximumCount: size, RecordBatch.offLedgerExposures)
            + RecordBatch.chunks(self.events, maximumCount: size, RecordBatch.collectionEvents)
    }

    // MARK: - Practice: supplier rules and documents

    private static let channels: [DocumentChannel] = [
        .email, .upload, .mobile, .bankFeed, .supplierFetch, .paper, .api,
    ]
    private static let channelWeights: [Double] = [30, 20, 15, 15, 10, 5, 5]

    mutating func addPractice(of client: DemoClient, parameters p: DemoFirmParameters) {
        var random = Xoshiro256(seed: p.seed, stream: 10, index: UInt64(client.index))
        let tag = DemoNames.id("", client.index + 1)
        // Suppliers of this client, and rules for some of them.
        var catalogue = DemoNames.suppliers
        let supplierCount = min(catalogue.count, 5 + random.below(21))
        for index in 0..<supplierCount { catalogue.swapAt(index, index + random.below(catalogue.count - index)) }
        let suppliers = Array(catalogue.prefix(supplierCount))
        var ruleDates: [String: (created: CalendarDate, autoPublish: Bool)] = [:]
        let ruleStart = p.dataStart.advanced(by: -200)
        var ruleNumber = 0
        for supplier in suppliers where random.chance(0.35) {
            ruleNumber += 1
            let created = ruleStart.advanced(by: random.below(max(1, ruleStart.days(until: p.today))))
            let autoPublish = random.chance(0.4)
            ruleDates[supplier] = (created, autoPublish)
            self.supplierRules.append(
                SupplierRuleRecord(
                    id: "RS\(tag)-\(ruleNumber)",
                    client: client.id,
                    supplier: supplier,
                    createdOn: created,
                    autoPublish: autoPublish
                )
            )
        }
        // Receive dates according to frequency and activity.
        let start = max(p.dataStart, client.since)
        var end = client.deactivatedOn ?? p.today
        if client.activity == .inactive, client.deactivatedOn == nil {
            end = p.today.advanced(by: -(35 + random.below(120)))
        }
        end = max(start, end)
        let span = start.days(until: end) + 1
        let recentStart = p.today.advanced(by: -29)
        var dates: [CalendarDate] = []
        dates.reserveCapacity(client.documentCount)
        for _ in 0..<client.documentCount {
            var date = start
            for _ in 0..<8 {
                switch client.frequency {
                case .monthly:
                    date = start.advanced(by: random.below(span))
                case .quarterly:
                    // Sent in the first weeks after each quarter.
                    let quarter = random.below(max(1, span / 91 + 1))
                    date = start.advanced(by: min(span - 1, quarter * 91 + random.below(25)))
                case .yearly:
                    let year = random.below(max(1, span / 365 + 1))
                    date = start.advanced(by: min(span - 1, year * 365 + random.below(60)))
                }
                // A declining client sends about a fifth of its usual flow in the last 30 days.
                if client.activity == .declining, date >= recentStart, !random.chance(0.2) { continue }
                break
            }
            dates.append(date)
        }
        dates.sort()
        let preferred = random.below(Self.channels.count)
        var weights = Self.channelWeights
        weights[preferred] += 40
        for (sequence, received) in dates.enumerated() {
            let channel = Self.channels[random.weighted(weights)]
            let kindDraw = random.unit()
            let kind: DocumentKind = kindDraw < 0.65 ? .cost : kindDraw < 0.85 ? .sale : .expense
            let supplier = kind == .sale ? nil : random.pick(suppliers)
            var autoCategorised = false
            var autoPublished = false
            if let supplier, let rule = ruleDates[supplier], rule.created <= received {
                autoCategorised = true
                autoPublished = rule.autoPublish && random.chance(0.9)
            }
            var history = [DocumentStatusChange(status: .toReview, on: received)]
            if random.chance(0.02) {
                let deleted = received.advanced(by: random.below(6))
                if deleted <= p.today { history.append(DocumentStatusChange(status: .deleted, on: deleted)) }
            } else if autoPublished {
                history.append(DocumentStatusChange(status: .published, on: received))
            } else {
                let ready = received.advanced(by: random.chance(0.8) ? random.below(4) : 4 + random.below(25))
                let published = ready.advanced(by: random.chance(0.8) ? random.below(6) : 6 + random.below(30))
                if ready <= p.today { history.append(DocumentStatusChange(status: .ready, on: ready)) }
                if published <= p.today { history.append(DocumentStatusChange(status: .published, on: published)) }
            }
            let skew = random.unit()
            let amount: Int64? = random.chance(0.9) ? Int64(500 + skew * skew * skew * 400_000) : nil
            self.documents.append(
                DocumentRecord(
                    id: "D\(tag)-\(DemoNames.id("", sequence + 1, width: 4))",
                    client: client.id,
                    receivedOn: received,
                    channel: channel,
                    kind: kind,
                    supplier: supplier,
                    statusHistory: history,
                    autoCategorised: autoCategorised,
                    autoPublished: autoPublished,
                    amount: amount
                )
            )
        }
    }

    // MARK: - Receivables

    /// Per-client counters for ids.
    private struct Counters {
        var payment = 0
        var creditNote = 0
        var writeOff = 0
        var adjustment = 0
        var refund = 0
        var debitAdjustment = 0
        var allocation = 0
        var dispute = 0
        var provision = 0
        var event = 0
    }

    private struct OpenItem {
        var index: Int
        var open: Int64
        var due: CalendarDate
        var invoiceDate: CalendarDate
        var amountHT: Int64
        var amount: Int64
    }

    mutating func addReceivables(of client: DemoClient, world: DemoWorld, parameters p: DemoFirmParameters) {
        var random = Xoshiro256(seed: p.seed, stream: 20, index: UInt64(client.index))
        let tag = DemoNames.id("", client.index + 1)
        var counters = Counters()
        let today = p.today
        let start = max(p.dataStart, client.since)
        let end = max(start, min(today, client.deactivatedOn ?? today))
        let span = start.days(until: end) + 1

        // Invoices: 1 installment (85 %), 2 (10 %) or 3 (5 %), exactly `installmentCount` in all.
        var sizes: [Int] = []
        var remaining = client.installmentCount
        while remaining > 0 {
            let size = min(remaining, [1, 2, 3][random.weighted([85, 10, 5])])
            sizes.append(size)
            remaining -= size
        }
        let invoiceDates = sizes.map { _ in start.advanced(by: random.below(span)) }.sorted()
        var items: [OpenItem] = []
        for (number, (size, date)) in zip(sizes, invoiceDates).enumerated() {
            let invoiceID = "FA\(tag)-\(DemoNames.id("", number + 1, width: 3))"
            let ht = Int64(max(50, client.feeLevelEuros * (70 + random.below(61)) / 100)) * 100
            let ttc = ht + ht / 5
            for part in 0..<size {
                let amount = part == size - 1 ? ttc - ttc / Int64(size) * Int64(size - 1) : ttc / Int64(size)
                let amountHT = part == size - 1 ? ht - ht / Int64(size) * Int64(size - 1) : ht / Int64(size)
                let due = date.advanced(by: client.termsDays + part * 30)
                let installment = InstallmentRecord(
                    id: size == 1 ? invoiceID : "\(invoiceID)/\(part + 1)",
                    client: client.id,
                    invoiceID: invoiceID,
                    invoiceDate: date,
                    dueDate: due,
                    amount: amount,
                    amountHT: amountHT,
                    paymentMode: client.paymentMode
                )
                items.append(
                    OpenItem(
                        index: self.installments.count,
                        open: amount,
                        due: due,
                        invoiceDate: date,
                        amountHT: amountHT,
                        amount: amount
                    )
                )
                self.installments.append(installment)
            }
        }

        func credit(
            _ kind: CreditDocumentKind,
            _ prefix: String,
            _ counter: inout Int,
            date: CalendarDate,
            amount: Int64,
            amountHT: Int64? = nil
        ) -> String {
            counter += 1
            let id = "\(prefix)\(tag)-\(DemoNames.id("", counter, width: 4))"
            self.creditDocuments.append(
                CreditDocumentRecord(
                    id: id,
                    kind: kind,
                    client: client.id,
                    date: date,
                    amount: amount,
                    amountHT: amountHT
                )
            )
            return id
        }
        func allocate(
            _ source: String,
            _ target: String,
            kind: AllocationTargetKind = .installment,
            amount: Int64,
            recordedOn: CalendarDate,
            method: AllocationMethod
        ) {
            counters.allocation += 1
            self.allocations.append(
                AllocationRecord(
                    id: "AL\(tag)-\(DemoNames.id("", counters.allocation))",
                    source: source,
                    target: target,
                    targetKind: kind,
                    amount: amount,
                    recordedOn: recordedOn,
                    method: method
                )
            )
        }
        func matchingDate(_ date: CalendarDate, isManual: Bool) -> CalendarDate {
            isManual ? min(today, date.advanced(by: random.below(11))) : date
        }

        // A prepayment (acompte) for some clients, consumed by the next invoice when allocated.
        var prepayment: (id: String, date: CalendarDate, left: Int64, allocates: Bool)?
        if random.chance(0.03), span > 30 {
            let date = start.advanced(by: random.below(span - 15))
            let amount = Int64(500 + random.below(2_500)) * 100
            prepayment = (
                credit(.prepayment, "AC", &counters.payment, date: date, amount: amount), date, amount,
                random.chance(0.5)
            )
        }

        let actions = world.actionsByStrategy[client.strategy] ?? []
        for position in items.indices {
            var item = items[position]
            let installmentID = self.installments[item.index].id
            var settledOn: CalendarDate?

            if var pending = prepayment, pending.allocates, pending.left > 0, pending.date <= item.invoiceDate {
                let amount = min(pending.left, item.open)
                allocate(pending.id, installmentID, amount: amount, recordedOn: item.invoiceDate, method: .manual)
                pending.left -= amount
                item.open -= amount
                prepayment = pending
                if item.open == 0 { settledOn = item.invoiceDate }
            }
            // Disputes, sometimes ending with a credit note.
            var creditNoteBoost = 0.03
            if random.chance(0.04) {
                let opened = item.invoiceDate.advanced(by: 5 + random.below(36))
                if opened <= today {
                    counters.dispute += 1
                    var resolved: CalendarDate? = opened.advanced(by: 3 + random.below(58))
                    if let date = resolved, date > today || random.chance(0.35) { resolved = nil }
                    let outcome = resolved == nil ? nil : random.pick(DemoNames.disputeOutcomes)
                    if outcome == "Avoir émis" { creditNoteBoost = 1 }
                    self.disputes.append(
                        DisputeRecord(
                            id: "LT\(tag)-\(DemoNames.id("", counters.dispute, width: 3))",
                            installment: installmentID,
                            openedOn: opened,
                            resolvedOn: resolved,
                            outcome: outcome,
                            reason: random.pick(DemoNames.disputeReasons)
                        )
                    )
                }
            }
            if item.open > 0, random.chance(creditNoteBoost) {
                let date = item.invoiceDate.advanced(by: 5 + random.below(36))
                if date <= today {
                    let share = Int64(10 + random.below(91))
                    let amount = max(1, min(item.open, item.amount * share / 100))
                    let id = credit(
                        .creditNote,
                        "AV",
                        &counters.creditNote,
                        date: date,
                        amount: amount,
                        amountHT: amount * 5 / 6
                    )
                    allocate(id, installmentID, amount: amount, recordedOn: date, method: .manual)
                    item.open -= amount
                    if item.open == 0 { settledOn = date }
                }
            }
            // Payment behaviour.
            let delay: Int
            var never = false
            switch client.payer {
            case .good: delay = random.int(in: -5...3)
            case .average: delay = random.int(in: 0...20)
            case .late: delay = random.int(in: 10...75)
            case .bad:
                delay = random.int(in: 30...200)
                never = random.chance(0.45)
            }
            let payDate = max(item.invoiceDate, item.due.advanced(by: delay))
            if item.open > 0, !never, payDate <= today {
                let isManual = random.chance(0.3)
                let path = random.unit()
                if path < 0.02 {
                    // Received but not matched yet (règlement non lettré).
                    _ = credit(.payment, "RG", &counters.payment, date: payDate, amount: item.open)
                } else if path < 0.10 {
                    // Partial payment, the rest later (or never).
                    let first = max(1, item.open * Int64(30 + random.below(41)) / 100)
                    let id = credit(.payment, "RG", &counters.payment, date: payDate, amount: first)
                    allocate(
                        id,
                        installmentID,
                        amount: first,
                        recordedOn: matchingDate(payDate, isManual: true),
                        method: .manual
                    )
                    item.open -= first
                    let second = payDate.advanced(by: 15 + random.below(46))
                    if second <= today, client.payer != .bad || random.chance(0.3) {
                        let id = credit(.payment, "RG", &counters.payment, date: second, amount: item.open)
                        allocate(
                            id,
                            installmentID,
                            amount: item.open,
                            recordedOn: matchingDate(second, isManual: isManual),
                            method: isManual ? .manual : .auto
                        )
                        item.open = 0
                        settledOn = second
                    }
                } else if path < 0.12 {
                    // Short payment: the difference is written as an adjustment (escompte, écart).
                    let short = min(item.open - 1, Int64(1 + random.below(500)))
                    let id = credit(.payment, "RG", &counters.payment, date: payDate, amount: item.open - short)
                    let recordedOn = matchingDate(payDate, isManual: true)
                    allocate(id, installmentID, amount: item.open - short, recordedOn: recordedOn, method: .manual)
                    if short > 0 {
                        let adjustment = credit(
                            .adjustment,
                            "AJ",
                            &counters.adjustment,
                            date: recordedOn,
                            amount: short
                        )
                        allocate(adjustment, installmentID, amount: short, recordedOn: recordedOn, method: .manual)
                    }
                    item.open = 0
                    settledOn = payDate
                } else if path < 0.13 {
                    // Overpayment, refunded later.
                    let excess = Int64(10 + random.below(190)) * 100
                    let id = credit(.payment, "RG", &counters.payment, date: payDate, amount: item.open + excess)
                    allocate(
                        id,
                        installmentID,
                        amount: item.open,
                        recordedOn: matchingDate(payDate, isManual: isManual),
                        method: isManual ? .manual : .auto
                    )
                    item.open = 0
                    settledOn = payDate
                    let refundDate = payDate.advanced(by: 10 + random.below(21))
                    if refundDate <= today {
                        counters.refund += 1
                        let refundID = "RB\(tag)-\(DemoNames.id("", counters.refund, width: 4))"
                        self.debitDocuments.append(
                            DebitDocumentRecord(
                                id: refundID,
                                kind: .refund,
                                client: client.id,
                                date: refundDate,
                                amount: excess
                            )
                        )
                        allocate(
                            id,
                            refundID,
                            kind: .debitDocument,
                            amount: excess,
                            recordedOn: refundDate,
                            method: .manual
                        )
                    }
                } else {
                    let id = credit(.payment, "RG", &counters.payment, date: payDate, amount: item.open)
                    allocate(
                        id,
                        installmentID,
                        amount: item.open,
                        recordedOn: matchingDate(payDate, isManual: isManual),
                        method: isManual ? .manual : .auto
                    )
                    item.open = 0
                    settledOn = payDate
                }
            }
            // Bad debts: written off long after the due date.
            if item.open > 0, client.payer == .bad, random.chance(0.4) {
                let date = item.due.advanced(by: 200 + random.below(201))
                if date <= today {
                    let id = credit(.writeOff, "PE", &counters.writeOff, date: date, amount: item.open)
                    allocate(id, installmentID, amount: item.open, recordedOn: date, method: .manual)
                    item.open = 0
                    settledOn = date
                }
            }
            // Provisions on the doubtful clients' old open items.
            if client.doubtful, item.open > 0 {
                let eligible = item.due.advanced(by: 90)
                let fiscalEnd = Self.fiscalYearEnd(after: eligible, startMonth: p.fiscalYearStartMonth)
                if fiscalEnd <= today {
                    counters.provision += 1
                    let rate: Int64 = random.chance(0.5) ? 50 : 100
                    let openHT = item.amountHT * item.open / max(1, item.amount)
                    let released = random.chance(0.2) ? min(today, fiscalEnd.advanced(by: 30 + random.below(200))) : nil
                    if openHT * rate / 100 > 0 {
                        self.provisions.append(
                            ProvisionRecord(
                                id: "PR\(tag)-\(DemoNames.id("", counters.provision, width: 3))",
                                installment: installmentID,
                                amountHT: openHT * rate / 100,
                                date: fiscalEnd,
                                releasedOn: released
                            )
                        )
                    }
                }
            }
            // Collection events: actions triggered while the item was still open.
            for action in actions where action.paymentMode == nil || action.paymentMode == client.paymentMode {
                let trigger = item.due.advanced(by: action.offsetDays)
                guard trigger <= today, trigger >= item.invoiceDate, settledOn.map({ trigger < $0 }) ?? true,
                    random.chance(0.8)
                else {
                    continue
                }
                counters.event += 1
                let draw = random.unit()
                let outcome: CollectionOutcome =
                    action.channel == .letter && draw < 0.5
                    ? .printed
                    : draw < 0.7 ? .validated : draw < 0.8 ? .modified : draw < 0.9 ? .ignored : .printed
                let replacement = outcome == .modified ? actions.filter { $0.code != action.code }.first?.code : nil
                let seconds =
                    Int(trigger.daysSinceEpoch) * 86_400 + (7 + random.below(9)) * 3_600 + random.below(60) * 60
                self.events.append(
                    CollectionEventRecord(
                        id: "EV\(tag)-\(DemoNames.id("", counters.event))",
                        installment: installmentID,
                        actionCode: action.code,
                        outcome: outcome,
                        replacementCode: replacement,
                        actor: client.agent,
                        at: Date(timeIntervalSince1970: Double(seconds)),
                        note: random.chance(0.3) ? random.pick(DemoNames.eventNotes) : nil
                    )
                )
            }
            items[position] = item
        }
        // Occasional debit adjustments (recharged fees), paid or not.
        if random.chance(0.05), span > 40 {
            let date = start.advanced(by: random.below(span - 30))
            counters.debitAdjustment += 1
            let id = "DA\(tag)-\(DemoNames.id("", counters.debitAdjustment, width: 4))"
            let amount = Int64(5 + random.below(46)) * 100
            self.debitDocuments.append(
                DebitDocumentRecord(id: id, kind: .debitAdjustment, client: client.id, date: date, amount: amount)
            )
            let paid = date.advanced(by: 10 + random.below(30))
            if paid <= today, random.chance(0.6) {
                let payment = credit(.payment, "RG", &counters.payment, date: paid, amount: amount)
                allocate(payment, id, kind: .debitDocument, amount: amount, recordedOn: paid, method: .auto)
            }
        }
        // Off-ledger exposures (bills discounted not yet matured …).
        if random.chance(0.04) {
            for number in 1...(1 + random.below(3)) {
                let date = start.advanced(by: random.below(span))
                self.exposures.append(
                    OffLedgerExposureRecord(
                        id: "EX\(tag)-\(number)",
                        client: client.id,
                        date: date,
                        amount: Int64(1_000 + random.below(29_000)) * 100,
                        kind: random.pick(DemoNames.exposureKinds),
                        endsOn: date.advanced(by: 30 + random.below(61))
                    )
                )
            }
        }
    }

    /// The last day of the fiscal year containing `date`.
    static func fiscalYearEnd(after date: CalendarDate, startMonth: Int) -> CalendarDate {
        let (year, month, _) = date.components
        let startYear = month >= startMonth ? year : year - 1
        // Day 1 of a valid month always exists.
        let nextStart = CalendarDate(year: startYear + 1, month: startMonth, day: 1)!
        return nextStart.advanced(by: -1)
    }
}
