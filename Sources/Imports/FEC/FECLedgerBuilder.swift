internal import Foundation
internal import PilotageProtocol
internal import Wire

/// Turns the customer lines of one or several consecutive fiscal years into data-contract
/// records, following kpi-definitions §10 and kpi-research-notes §B.4:
///
/// - each customer line is classified by the other lines of its entry (§10.2): invoice
///   installment, refund, debit adjustment, payment, credit note, write-off, adjustment; opening
///   (AN) lines and 411↔416/413 transfers of one client produce no document;
/// - opening lines of the first fiscal year become open items; those of a later year stand for
///   the previous year's open items (never counted twice) and are checked against its closing;
/// - lettering groups (fiscal year, client, case-sensitive code) allocate credits to debits,
///   oldest due date first; unlettered lines are never matched.
///
/// External ids are deterministic (see ``FECImporter``), so a re-import is an idempotent upsert.
package struct FECLedgerBuilder {
    /// Client key of customer lines with no client identity.
    package static let unidentifiedClient = "(unidentified)"

    private let options: FECImportOptions
    private var collector: WarningCollector
    private var report = FECImportReport()

    private var clients: [String: ClientState] = [:]
    private var clientOrder: [String] = []
    private var installments: [Item<InstallmentRecord>] = []
    private var debitDocuments: [Item<DebitDocumentRecord>] = []
    private var creditDocuments: [Item<CreditDocumentRecord>] = []
    private var allocations: [AllocationRecord] = []
    private var usedInstallmentIDs: Set<String> = []
    private var usedDocumentIDs: Set<String> = []
    private var usedAllocationIDs: Set<String> = []
    private var openingItemIDs: Set<String> = []
    private var installmentsByReference: [ClientReference: [Int]] = [:]
    private var creditsByReference: [ClientReference: [Int]] = [:]
    private var debitsByClient: [String: [Target]] = [:]
    private var creditsByClient: [String: [Int]] = [:]

    /// Creates a builder; warnings and rejected lines go on in `collector`.
    package init(options: FECImportOptions, collector: WarningCollector) {
        self.options = options
        self.collector = collector
    }

    // MARK: - Internal model

    private struct ClientState {
        var name: String
        var collectiveAccount: String?
        var isUnidentified: Bool
    }

    /// A produced record with the amount already allocated to or from it.
    private struct Item<Record> {
        var record: Record
        var allocated: Int64 = 0
        var dueDate: CalendarDate
        var issueDate: CalendarDate
    }

    private struct ClientReference: Hashable {
        var client: String
        var reference: String
    }

    /// A debit item (what an allocation settles).
    private enum Target: Hashable {
        case installment(Int)
        case debitDocument(Int)
    }

    private enum Role: Equatable {
        case invoice, creditNote, payment, writeOff, adjustment, refund, debitAdjustment, transfer, opening, zero
    }

    /// What a customer line became.
    private enum LineDocument {
        case none
        case installment(Int)
        case debit(Int)
        case credit(Int)
    }

    /// Per-year working state.
    private struct YearState {
        var roles: [Role]
        var documents: [LineDocument]
        var hasPrevious: Bool
        /// Items a lettered or resolved transfer credit line took over.
        var transferConsumption: [Int: [(Target, Int64)]] = [:]
        var transferDebitAlias: [Int: [(Target, Int64)]] = [:]
        var groupKeys: [GroupKey] = []
        var groups: [GroupKey: [Int]] = [:]
        var groupState: [GroupKey: Bool] = [:]
        /// Customer lines of each entry.
        var entryLines: [FECEntryKey: [Int]] = [:]
    }

    private struct GroupKey: Hashable {
        var client: String
        var code: String
    }

    // MARK: - Build

    /// Builds the records of `years` (any order; they are sorted by date).
    package mutating func build(years unsorted: [FECFiscalYear]) -> FECImportResult {
        let years = unsorted.sorted { ($0.firstDate ?? .max, $0.name) < ($1.firstDate ?? .max, $1.name) }
        for (index, year) in years.enumerated() {
            self.report.files += year.files
            let previous = index > 0 ? years[index - 1] : nil
            if let previous { self.checkSuccession(previous: previous, next: year) }
            self.process(year: year, index: index, previous: previous)
        }
        var clientRecords: [ClientRecord] = []
        for key in self.clientOrder {
            guard let state = self.clients[key] else { continue }
            clientRecords.append(
                ClientRecord(
                    id: key,
                    name: state.name,
                    paymentTermsDays: self.options.clientPaymentTermsDays[key],
                    collectiveAccount: state.collectiveAccount
                )
            )
        }
        self.report.linesRead = self.report.files.reduce(0) { $0 + $1.linesRead }
        self.report.clients = clientRecords.count
        self.report.installments = self.installments.count
        self.report.debitDocuments = self.debitDocuments.count
        self.report.creditDocuments = self.creditDocuments.count
        self.report.allocations = self.allocations.count
        self.report.lettering.allocations = self.allocations.count
        self.report.warnings = self.collector.warnings
        self.report.errors = self.collector.issues
        self.report.errorCount = self.collector.issueCount
        return FECImportResult(
            clients: clientRecords,
            installments: self.installments.map(\.record),
            debitDocuments: self.debitDocuments.map(\.record),
            creditDocuments: self.creditDocuments.map(\.record),
            allocations: self.allocations,
            openingItemIDs: self.openingItemIDs,
            report: self.report
        )
    }

    private mutating func checkSuccession(previous: FECFiscalYear, next: FECFiscalYear) {
        guard let previousEnd = previous.lastDate, let nextStart = next.firstDate else { return }
        if nextStart <= previousEnd {
            self.collector.warn(
                "OVERLAPPING_YEARS",
                source: next.name,
                line: nil,
                "\(next.name) starts on \(nextStart), before \(previous.name) ends (\(previousEnd)); they were still read as consecutive fiscal years"
            )
        } else if previousEnd.days(until: nextStart) > 62 {
            self.collector.warn(
                "NON_CONSECUTIVE_YEARS",
                source: next.name,
                line: nil,
                "\(next.name) starts on \(nextStart), more than two months after \(previous.name) ends (\(previousEnd)); a fiscal year may be missing"
            )
        }
    }

    // MARK: - One fiscal year

    private mutating func process(year: FECFiscalYear, index: Int, previous: FECFiscalYear?) {
        let lines = year.customerLines
        var state = YearState(
            roles: Array(repeating: .zero, count: lines.count),
            documents: Array(repeating: .none, count: lines.count),
            hasPrevious: previous != nil
        )
        state.entryLines = year.entries.mapValues(\.customerLineIndices)
        // Classify, entry by entry, in file order.
        var seenEntries: Set<FECEntryKey> = []
        var entryOrder: [FECEntry] = []
        for line in lines where seenEntries.insert(line.entry).inserted {
            guard let entry = year.entries[line.entry] else { continue }
            entryOrder.append(entry)
            self.classify(entry: entry, lines: lines, firstDate: year.firstDate, roles: &state.roles)
        }
        // Clients and counts.
        for (position, line) in lines.enumerated() {
            self.registerClient(line)
            self.report.customerLines += 1
            if line.isUnidentified { self.report.unidentifiedClientLines += 1 }
            switch state.roles[position] {
            case .invoice: self.report.kinds.invoices += 1
            case .creditNote: self.report.kinds.creditNotes += 1
            case .payment: self.report.kinds.payments += 1
            case .writeOff: self.report.kinds.writeOffs += 1
            case .adjustment: self.report.kinds.adjustments += 1
            case .refund: self.report.kinds.refunds += 1
            case .debitAdjustment: self.report.kinds.debitAdjustments += 1
            case .transfer: self.report.kinds.transferLines += 1
            case .opening: self.report.kinds.openingLines += 1
            case .zero:
                self.report.zeroAmountLines += 1
                self.collector.warn(
                    "ZERO_AMOUNT",
                    source: line.source,
                    line: line.line,
                    "a customer line with a zero amount was skipped"
                )
            }
        }
        // Documents.
        for entry in entryOrder {
            self.makeDocuments(entry: entry, lines: lines, state: &state)
        }
        if let previous { self.checkOpening(year: year, previous: previous, roles: state.roles) }
        // Lettering.
        for (position, line) in lines.enumerated() where !line.letteringCode.isEmpty && state.roles[position] != .zero {
            let key = GroupKey(client: line.client, code: line.letteringCode)
            if state.groups[key] == nil { state.groupKeys.append(key) }
            state.groups[key, default: []].append(position)
        }
        for key in state.groupKeys {
            self.processGroup(key, lines: lines, state: &state)
        }
    }

    private func classify(entry: FECEntry, lines: [FECCustomerLine], firstDate: CalendarDate?, roles: inout [Role]) {
        let indices = entry.customerLineIndices
        let journal = entry.key.journal.uppercased()
        var isOpening = self.options.openingJournalCodes.contains(journal)
        if !isOpening, entry.key.date == firstDate {
            isOpening = entry.journalLabelSaysOpening || indices.contains { Self.saysOpening(lines[$0].label) }
        }
        if isOpening {
            for index in indices { roles[index] = lines[index].amount == 0 ? .zero : .opening }
            return
        }
        if entry.counterparts.isEmpty {
            // Only customer accounts: a transfer when one client's lines of both signs cancel out.
            var byClient: [String: (net: Int64, debit: Bool, credit: Bool)] = [:]
            for index in indices {
                let amount = lines[index].amount
                var value = byClient[lines[index].client] ?? (0, false, false)
                value.net += amount
                if amount > 0 { value.debit = true }
                if amount < 0 { value.credit = true }
                byClient[lines[index].client] = value
            }
            for index in indices {
                let amount = lines[index].amount
                guard amount != 0 else {
                    roles[index] = .zero
                    continue
                }
                if let value = byClient[lines[index].client], value.net == 0, value.debit, value.credit {
                    roles[index] = .transfer
                } else {
                    roles[index] = amount > 0 ? .debitAdjustment : .adjustment
                }
            }
            return
        }
        let counterparts = entry.counterparts
        for index in indices {
            let amount = lines[index].amount
            if amount == 0 {
                roles[index] = .zero
            } else if amount > 0 {
                roles[index] =
                    if counterparts.contains(.sales) {
                        .invoice
                    } else if counterparts.contains(.cash) {
                        .refund
                    } else {
                        .debitAdjustment
                    }
            } else {
                roles[index] =
                    if counterparts.contains(.cash) {
                        .payment
                    } else if counterparts.contains(.writeOff) {
                        .writeOff
                    } else if counterparts.contains(.sales) {
                        .creditNote
                    } else {
                        .adjustment
                    }
            }
        }
    }

    private mutating func registerClient(_ line: FECCustomerLine) {
        let isDoubtfulAccount = self.options.doubtfulAccountPrefixes.contains { line.account.hasPrefix($0) }
        if var state = self.clients[line.client] {
            if state.collectiveAccount == nil, !isDoubtfulAccount { state.collectiveAccount = line.account }
            self.clients[line.client] = state
        } else {
            self.clientOrder.append(line.client)
            self.clients[line.client] = ClientState(
                name: line.clientName,
                collectiveAccount: isDoubtfulAccount ? nil : line.account,
                isUnidentified: line.isUnidentified
            )
        }
    }

    // MARK: - Documents

    private mutating func makeDocuments(entry: FECEntry, lines: [FECCustomerLine], state: inout YearState) {
        let indices = entry.customerLineIndices
        let invoiceLines = indices.filter { state.roles[$0] == .invoice }
        let creditNoteLines = indices.filter { state.roles[$0] == .creditNote }
        let mixed = !invoiceLines.isEmpty && !creditNoteLines.isEmpty
        let invoiceHT = self.amountsHT(for: invoiceLines, sign: 1, entry: entry, lines: lines, perReferenceOnly: mixed)
        let creditNoteHT = self.amountsHT(
            for: creditNoteLines,
            sign: -1,
            entry: entry,
            lines: lines,
            perReferenceOnly: mixed
        )
        var htByLine: [Int: Int64] = [:]
        for (index, value) in zip(invoiceLines, invoiceHT) { htByLine[index] = value }
        for (index, value) in zip(creditNoteLines, creditNoteHT) { htByLine[index] = value }

        // Installment ids: one invoice reference with several lines gets /1, /2 …
        var referenceCounts: [String: Int] = [:]
        for index in invoiceLines { referenceCounts[self.invoiceReference(lines[index]), default: 0] += 1 }
        var referenceSeen: [String: Int] = [:]

        for index in indices {
            let line = lines[index]
            switch state.roles[index] {
            case .invoice:
                let reference = self.invoiceReference(line)
                referenceSeen[reference, default: 0] += 1
                let position = (referenceCounts[reference] ?? 1) > 1 ? referenceSeen[reference] : nil
                state.documents[index] = .installment(
                    self.addInstallment(
                        line: line,
                        invoiceReference: reference,
                        position: position,
                        invoiceDate: entry.key.date,
                        amountHT: htByLine[index],
                        isOpening: false
                    )
                )
            case .opening:
                guard !state.hasPrevious else { continue }
                if line.amount > 0 {
                    state.documents[index] = .installment(
                        self.addInstallment(
                            line: line,
                            invoiceReference: self.invoiceReference(line),
                            position: nil,
                            invoiceDate: line.pieceDate ?? entry.key.date,
                            amountHT: nil,
                            isOpening: true
                        )
                    )
                } else {
                    state.documents[index] = .credit(
                        self.addCredit(
                            line: line,
                            kind: .adjustment,
                            date: line.pieceDate ?? entry.key.date,
                            amountHT: nil,
                            isOpening: true
                        )
                    )
                }
            case .payment:
                state.documents[index] = .credit(
                    self.addCredit(line: line, kind: .payment, date: entry.key.date, amountHT: nil, isOpening: false)
                )
            case .creditNote:
                state.documents[index] = .credit(
                    self.addCredit(
                        line: line,
                        kind: .creditNote,
                        date: entry.key.date,
                        amountHT: htByLine[index],
                        isOpening: false
                    )
                )
            case .writeOff:
                state.documents[index] = .credit(
                    self.addCredit(line: line, kind: .writeOff, date: entry.key.date, amountHT: nil, isOpening: false)
                )
            case .adjustment:
                state.documents[index] = .credit(
                    self.addCredit(line: line, kind: .adjustment, date: entry.key.date, amountHT: nil, isOpening: false)
                )
            case .refund:
                state.documents[index] = .debit(self.addDebit(line: line, kind: .refund, date: entry.key.date))
            case .debitAdjustment:
                state.documents[index] = .debit(self.addDebit(line: line, kind: .debitAdjustment, date: entry.key.date))
            case .transfer, .zero:
                continue
            }
        }
        if [FECCounterparts.sales, .cash, .writeOff].filter({ entry.counterparts.contains($0) }).count > 1 {
            self.collector.warn(
                "MIXED_COUNTERPARTS",
                source: entry.source,
                line: entry.firstLine,
                "an entry mixes sales, bank and loss counterparts; its customer lines were classified bank first for credits, sales first for debits"
            )
        }
    }

    /// Invoice reference of a line: PieceRef, else the entry stem.
    private func invoiceReference(_ line: FECCustomerLine) -> String {
        line.reference.isEmpty ? line.entry.stem : line.reference
    }

    /// HT amounts of `indices` from the entry's 70* lines: per reference when references tell
    /// them apart, else the entry's total split pro rata of TTC.
    private func amountsHT(
        for indices: [Int],
        sign: Int64,
        entry: FECEntry,
        lines: [FECCustomerLine],
        perReferenceOnly: Bool
    ) -> [Int64?] {
        guard !indices.isEmpty else { return [] }
        let references = Set(indices.map { lines[$0].reference })
        var totals: [String: Int64] = [:]
        if references.count > 1 || perReferenceOnly {
            for (reference, amount) in entry.salesLines where references.contains(reference) {
                totals[reference, default: 0] += amount * sign
            }
        } else if let reference = references.first {
            totals[reference] = entry.salesLines.reduce(0) { $0 + $1.amount } * sign
        }
        var result = [Int64?](repeating: nil, count: indices.count)
        for reference in references {
            guard let total = totals[reference], total > 0 else { continue }
            let members = indices.indices.filter { lines[indices[$0]].reference == reference }
            let weights = members.map { abs(lines[indices[$0]].amount) }
            for (member, share) in zip(members, Self.split(total, weights: weights)) { result[member] = share }
        }
        return result
    }

    /// Splits `total` pro rata of `weights`; the last share takes the rounding remainder.
    private static func split(_ total: Int64, weights: [Int64]) -> [Int64] {
        let sum = weights.reduce(0, +)
        guard weights.count > 1, sum > 0 else { return weights.map { _ in total } }
        var shares: [Int64] = []
        var given: Int64 = 0
        for (index, weight) in weights.enumerated() {
            if index == weights.count - 1 {
                shares.append(total - given)
            } else {
                let product = total.multipliedFullWidth(by: weight)
                let share = sum.dividingFullWidth(product).quotient
                shares.append(share)
                given += share
            }
        }
        return shares
    }

    private mutating func addInstallment(
        line: FECCustomerLine,
        invoiceReference: String,
        position: Int?,
        invoiceDate: CalendarDate,
        amountHT: Int64?,
        isOpening: Bool
    ) -> Int {
        let suffix = position.map { "/\($0)" } ?? ""
        var id = FECIdentifiers.make("FEC:" + invoiceReference + suffix)
        if self.usedInstallmentIDs.contains(id) {
            id = FECIdentifiers.make("FEC:" + invoiceReference + "@" + line.entry.stem + suffix)
            var counter = 2
            while self.usedInstallmentIDs.contains(id) {
                id = FECIdentifiers.make("FEC:" + invoiceReference + "@" + line.entry.stem + suffix + "#\(counter)")
                counter += 1
            }
        }
        self.usedInstallmentIDs.insert(id)
        let dueDate: CalendarDate
        if let fileDueDate = line.dueDate {
            dueDate = fileDueDate
            self.report.dueDatesFromFile += 1
        } else if let terms = self.options.clientPaymentTermsDays[line.client] {
            dueDate = invoiceDate.adding(days: terms) ?? invoiceDate
            self.report.dueDatesFromClientTerms += 1
        } else {
            dueDate = invoiceDate.adding(days: self.options.defaultPaymentTermsDays) ?? invoiceDate
            self.report.dueDatesFromDefaultTerms += 1
        }
        let record = InstallmentRecord(
            id: id,
            client: line.client,
            invoiceID: invoiceReference,
            invoiceDate: invoiceDate,
            dueDate: dueDate,
            amount: line.amount,
            amountHT: amountHT,
            opening: isOpening ? true : nil
        )
        if isOpening { self.openingItemIDs.insert(id) }
        let index = self.installments.count
        self.installments.append(Item(record: record, dueDate: dueDate, issueDate: invoiceDate))
        self.installmentsByReference[ClientReference(client: line.client, reference: invoiceReference), default: []]
            .append(index)
        self.debitsByClient[line.client, default: []].append(.installment(index))
        return index
    }

    private mutating func lineDocumentID(_ line: FECCustomerLine) -> String {
        var id = FECIdentifiers.make("FEC:" + line.entry.stem + "/\(line.ordinal)")
        var counter = 2
        while self.usedDocumentIDs.contains(id) {
            id = FECIdentifiers.make("FEC:" + line.entry.stem + "/\(line.ordinal)#\(counter)")
            counter += 1
        }
        self.usedDocumentIDs.insert(id)
        return id
    }

    private mutating func addCredit(
        line: FECCustomerLine,
        kind: CreditDocumentKind,
        date: CalendarDate,
        amountHT: Int64?,
        isOpening: Bool
    ) -> Int {
        let id = self.lineDocumentID(line)
        let record = CreditDocumentRecord(
            id: id,
            kind: kind,
            client: line.client,
            date: date,
            amount: -line.amount,
            amountHT: amountHT,
            opening: isOpening ? true : nil
        )
        if isOpening { self.openingItemIDs.insert(id) }
        let index = self.creditDocuments.count
        self.creditDocuments.append(Item(record: record, dueDate: date, issueDate: date))
        self.creditsByReference[ClientReference(client: line.client, reference: line.reference), default: []].append(
            index
        )
        self.creditsByClient[line.client, default: []].append(index)
        return index
    }

    private mutating func addDebit(line: FECCustomerLine, kind: DebitDocumentKind, date: CalendarDate) -> Int {
        let id = self.lineDocumentID(line)
        let record = DebitDocumentRecord(id: id, kind: kind, client: line.client, date: date, amount: line.amount)
        let index = self.debitDocuments.count
        self.debitDocuments.append(Item(record: record, dueDate: date, issueDate: date))
        self.debitsByClient[line.client, default: []].append(.debitDocument(index))
        return index
    }

    // MARK: - Opening check (§10.4)

    private mutating func checkOpening(year: FECFiscalYear, previous: FECFiscalYear, roles: [Role]) {
        var closing: [String: Int64] = [:]
        var order: [String] = []
        for line in previous.customerLines {
            if closing[line.client] == nil { order.append(line.client) }
            closing[line.client, default: 0] += line.amount
        }
        var opening: [String: Int64] = [:]
        var openingDate: CalendarDate?
        var openingLines = 0
        for (index, line) in year.customerLines.enumerated() where roles[index] == .opening {
            if opening[line.client] == nil, closing[line.client] == nil { order.append(line.client) }
            opening[line.client, default: 0] += line.amount
            openingDate = min(openingDate ?? line.entry.date, line.entry.date)
            openingLines += 1
        }
        let date = openingDate ?? year.firstDate ?? .min
        var mismatches: [FECImportReport.OpeningMismatch] = []
        for client in order {
            let before = closing[client] ?? 0
            let after = opening[client] ?? 0
            if before != after {
                mismatches.append(
                    FECImportReport.OpeningMismatch(client: client, previousClosing: before, opening: after)
                )
            }
        }
        self.report.openingChecks.append(
            FECImportReport.OpeningCheck(
                fiscalYear: year.name,
                previousFiscalYear: previous.name,
                openingDate: date,
                previousClosing: closing.values.reduce(0, +),
                opening: opening.values.reduce(0, +),
                mismatches: mismatches
            )
        )
        guard !mismatches.isEmpty else { return }
        if openingLines == 0 {
            self.collector.warn(
                "NO_OPENING_ENTRIES",
                source: year.name,
                line: nil,
                "\(year.name) has no opening (AN) lines on customer accounts; the open items of \(previous.name) were carried forward as they are"
            )
            return
        }
        self.collector.warn(
            "OPENING_MISMATCH",
            source: year.name,
            line: nil,
            "the opening customer balances of \(year.name) differ from the closing of \(previous.name) for \(mismatches.count) client(s); an adjustment dated \(date) makes AR follow the new year's opening"
        )
        let stem = "OPENING-" + String(date.year * 10_000 + date.month * 100 + date.day)
        for mismatch in mismatches {
            let difference = mismatch.opening - mismatch.previousClosing
            let id = FECIdentifiers.make("FEC:\(stem)/\(mismatch.client)")
            guard self.usedDocumentIDs.insert(id).inserted else { continue }
            if difference > 0 {
                let index = self.debitDocuments.count
                self.debitDocuments.append(
                    Item(
                        record: DebitDocumentRecord(
                            id: id,
                            kind: .debitAdjustment,
                            client: mismatch.client,
                            date: date,
                            amount: difference
                        ),
                        dueDate: date,
                        issueDate: date
                    )
                )
                self.debitsByClient[mismatch.client, default: []].append(.debitDocument(index))
            } else {
                let index = self.creditDocuments.count
                self.creditDocuments.append(
                    Item(
                        record: CreditDocumentRecord(
                            id: id,
                            kind: .adjustment,
                            client: mismatch.client,
                            date: date,
                            amount: -difference
                        ),
                        dueDate: date,
                        issueDate: date
                    )
                )
                self.creditsByClient[mismatch.client, default: []].append(index)
            }
        }
    }

    // MARK: - Lettering (§10.6)

    private struct DebitSlot {
        var target: Target
        var capacity: Int64
        var dueDate: CalendarDate
        var issueDate: CalendarDate
        var order: Int
    }

    private enum CreditSource {
        case document(Int)
        case transfer(line: Int)
    }

    private struct CreditSlot {
        var source: CreditSource
        var capacity: Int64
        var date: CalendarDate
        var order: Int
    }

    private func remaining(_ target: Target) -> Int64 {
        switch target {
        case .installment(let index): self.installments[index].record.amount - self.installments[index].allocated
        case .debitDocument(let index): self.debitDocuments[index].record.amount - self.debitDocuments[index].allocated
        }
    }

    private func dates(_ target: Target) -> (due: CalendarDate, issue: CalendarDate) {
        switch target {
        case .installment(let index): (self.installments[index].dueDate, self.installments[index].issueDate)
        case .debitDocument(let index): (self.debitDocuments[index].dueDate, self.debitDocuments[index].issueDate)
        }
    }

    private mutating func processGroup(_ key: GroupKey, lines: [FECCustomerLine], state: inout YearState) {
        guard state.groupState[key] == nil, let members = state.groups[key] else { return }
        state.groupState[key] = false
        var debits: [DebitSlot] = []
        var credits: [CreditSlot] = []
        var sum: Int64 = 0
        var recordedOn: CalendarDate?
        var latestEntry: CalendarDate?
        for position in members {
            let line = lines[position]
            sum += line.amount
            if let letteringDate = line.letteringDate { recordedOn = max(recordedOn ?? letteringDate, letteringDate) }
            latestEntry = max(latestEntry ?? line.entry.date, line.entry.date)
            if line.amount > 0 {
                for (offset, (target, capacity)) in self.debitTargets(of: position, lines: lines, state: &state)
                    .enumerated()
                {
                    let (due, issue) = self.dates(target)
                    debits.append(
                        DebitSlot(
                            target: target,
                            capacity: capacity,
                            dueDate: due,
                            issueDate: issue,
                            order: position * 1_000 + offset
                        )
                    )
                }
            } else {
                switch (state.roles[position], state.documents[position]) {
                case (.transfer, _):
                    credits.append(
                        CreditSlot(
                            source: .transfer(line: position),
                            capacity: -line.amount,
                            date: line.entry.date,
                            order: position * 1_000
                        )
                    )
                case (_, .credit(let index)):
                    let unapplied = self.creditDocuments[index].record.amount - self.creditDocuments[index].allocated
                    credits.append(
                        CreditSlot(
                            source: .document(index),
                            capacity: min(-line.amount, unapplied),
                            date: line.entry.date,
                            order: position * 1_000
                        )
                    )
                default:
                    // An opening credit standing for earlier unapplied credits.
                    for (offset, (index, capacity)) in self.openingCreditAlias(line).enumerated() {
                        credits.append(
                            CreditSlot(
                                source: .document(index),
                                capacity: capacity,
                                date: self.creditDocuments[index].record.date,
                                order: position * 1_000 + offset
                            )
                        )
                    }
                }
            }
        }
        self.report.lettering.groups += 1
        if sum == 0 {
            self.report.lettering.balancedGroups += 1
        } else {
            self.report.lettering.unbalancedGroups += 1
        }
        debits.sort { ($0.dueDate, $0.issueDate, $0.order) < ($1.dueDate, $1.issueDate, $1.order) }
        credits.sort { ($0.date, $0.order) < ($1.date, $1.order) }
        let matchedOn = recordedOn ?? latestEntry ?? .min
        for creditIndex in credits.indices {
            for debitIndex in debits.indices {
                let available = min(
                    credits[creditIndex].capacity,
                    debits[debitIndex].capacity,
                    self.remaining(debits[debitIndex].target)
                )
                guard available > 0 else { continue }
                credits[creditIndex].capacity -= available
                debits[debitIndex].capacity -= available
                switch credits[creditIndex].source {
                case .transfer(let line):
                    state.transferConsumption[line, default: []].append((debits[debitIndex].target, available))
                case .document(let index):
                    self.allocate(from: index, to: debits[debitIndex].target, amount: available, recordedOn: matchedOn)
                }
                if credits[creditIndex].capacity == 0 { break }
            }
        }
        state.groupState[key] = true
    }

    private mutating func allocate(from creditIndex: Int, to target: Target, amount: Int64, recordedOn: CalendarDate) {
        let sourceID = self.creditDocuments[creditIndex].record.id
        let targetID: String
        let targetKind: AllocationTargetKind
        switch target {
        case .installment(let index):
            targetID = self.installments[index].record.id
            targetKind = .installment
            self.installments[index].allocated += amount
        case .debitDocument(let index):
            targetID = self.debitDocuments[index].record.id
            targetKind = .debitDocument
            self.debitDocuments[index].allocated += amount
        }
        self.creditDocuments[creditIndex].allocated += amount
        let stem = "FEC:" + sourceID.dropFirst(4) + ">" + targetID.dropFirst(4)
        var id = FECIdentifiers.make(stem)
        var counter = 2
        while self.usedAllocationIDs.contains(id) {
            id = FECIdentifiers.make(stem + "#\(counter)")
            counter += 1
        }
        self.usedAllocationIDs.insert(id)
        self.allocations.append(
            AllocationRecord(
                id: id,
                source: sourceID,
                target: targetID,
                targetKind: targetKind,
                amount: amount,
                recordedOn: recordedOn
            )
        )
    }

    /// The debit items a lettered debit line stands for, with the capacity it gives each.
    private mutating func debitTargets(
        of position: Int,
        lines: [FECCustomerLine],
        state: inout YearState
    ) -> [(Target, Int64)] {
        let line = lines[position]
        switch state.documents[position] {
        case .installment(let index):
            return [(.installment(index), line.amount)]
        case .debit(let index):
            return [(.debitDocument(index), line.amount)]
        case .credit:
            return []
        case .none:
            break
        }
        switch state.roles[position] {
        case .opening:
            return self.openingDebitAlias(line)
        case .transfer:
            return self.transferDebitAlias(position, lines: lines, state: &state)
        default:
            return []
        }
    }

    /// Earlier items an opening debit line carries forward: same client and invoice reference,
    /// else the client's open items oldest due date first, up to the line's amount.
    private func openingDebitAlias(_ line: FECCustomerLine) -> [(Target, Int64)] {
        let byReference =
            (self.installmentsByReference[ClientReference(client: line.client, reference: self.invoiceReference(line))]
            ?? [])
            .map { Target.installment($0) }
            .filter { self.remaining($0) > 0 }
        let candidates =
            byReference.isEmpty
            ? (self.debitsByClient[line.client] ?? []).filter { self.remaining($0) > 0 } : byReference
        return self.take(line.amount, from: candidates.sorted { self.dates($0) < self.dates($1) })
    }

    private func take(_ amount: Int64, from targets: [Target]) -> [(Target, Int64)] {
        var left = amount
        var result: [(Target, Int64)] = []
        for target in targets where left > 0 {
            let share = min(left, self.remaining(target))
            guard share > 0 else { continue }
            result.append((target, share))
            left -= share
        }
        return result
    }

    /// Earlier credits an opening credit line carries forward.
    private func openingCreditAlias(_ line: FECCustomerLine) -> [(Int, Int64)] {
        func unapplied(_ index: Int) -> Int64 {
            self.creditDocuments[index].record.amount - self.creditDocuments[index].allocated
        }
        let byReference =
            (self.creditsByReference[ClientReference(client: line.client, reference: line.reference)] ?? [])
            .filter { unapplied($0) > 0 }
        let candidates =
            byReference.isEmpty ? (self.creditsByClient[line.client] ?? []).filter { unapplied($0) > 0 } : byReference
        var left = -line.amount
        var result: [(Int, Int64)] = []
        for index in candidates.sorted(by: {
            self.creditDocuments[$0].record.date < self.creditDocuments[$1].record.date
        })
        where left > 0 {
            let share = min(left, unapplied(index))
            result.append((index, share))
            left -= share
        }
        return result
    }

    /// The items a transfer debit line (e.g. the 416 side) took over from the transfer credit
    /// lines (the 411 side) of the same entry and client (§10.5).
    private mutating func transferDebitAlias(
        _ position: Int,
        lines: [FECCustomerLine],
        state: inout YearState
    ) -> [(Target, Int64)] {
        if let alias = state.transferDebitAlias[position] { return alias }
        let line = lines[position]
        let siblings = (state.entryLines[line.entry] ?? []).filter {
            lines[$0].client == line.client && state.roles[$0] == .transfer
        }
        var pool: [(Target, Int64)] = []
        for sibling in siblings where lines[sibling].amount < 0 {
            let credit = lines[sibling]
            if !credit.letteringCode.isEmpty {
                self.processGroup(
                    GroupKey(client: credit.client, code: credit.letteringCode),
                    lines: lines,
                    state: &state
                )
            } else if state.transferConsumption[sibling] == nil {
                // Unlettered: the invoice it names, else the client's open items.
                state.transferConsumption[sibling] = self.openingDebitAlias(
                    FECCustomerLine(
                        line: credit.line,
                        source: credit.source,
                        entry: credit.entry,
                        account: credit.account,
                        client: credit.client,
                        isUnidentified: credit.isUnidentified,
                        clientName: credit.clientName,
                        reference: credit.reference,
                        pieceDate: credit.pieceDate,
                        label: credit.label,
                        amount: -credit.amount,
                        letteringCode: "",
                        letteringDate: nil,
                        dueDate: nil,
                        ordinal: credit.ordinal
                    )
                )
            }
            pool += state.transferConsumption[sibling] ?? []
        }
        for sibling in siblings where lines[sibling].amount > 0 {
            var left = lines[sibling].amount
            var alias: [(Target, Int64)] = []
            while left > 0, !pool.isEmpty {
                let share = min(left, pool[0].1)
                alias.append((pool[0].0, share))
                left -= share
                pool[0].1 -= share
                if pool[0].1 == 0 { pool.removeFirst() }
            }
            state.transferDebitAlias[sibling] = alias
        }
        return state.transferDebitAlias[position] ?? []
    }

    // MARK: - Helpers

    /// Whether a journal or entry label says "A nouveau(x)" (accents and case ignored).
    package static func saysOpening(_ label: String) -> Bool {
        let folded = label.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .trimmingSpaces()
        return folded.hasPrefix("a nouveau") || folded.hasPrefix("a-nouveau") || folded.hasPrefix("anouveau")
            || folded.hasPrefix("report a nouveau")
    }

    /// `-1234.56` style text for messages.
    package static func formatCents(_ cents: Int64) -> String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = cents.magnitude
        let fraction = magnitude % 100
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
