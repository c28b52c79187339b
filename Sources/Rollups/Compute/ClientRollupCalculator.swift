public import KPI
public import Wire

/// The receivables parts of **one client** at a day D, as stored in `rollup_clients` for the
/// level-3 tables: enough for every per-client column without reading anything else.
///
/// - `snapshot`: snapshot parts at the end of D (AR, not due, overdue buckets, unapplied,
///   disputed, Σ open × dpd …);
/// - `window`: flows over the DSO window ending at D (SALES(W) for the DSO family, days to pay);
/// - `monthToDate`: flows over the month to date of D (CEI's S);
/// - `openingBalance`: AR at the day before D's month (CEI's B);
/// - `collectionRate`: AR-REC-RATE parts of the month to date;
/// - `lastPayment`: the date of the client's last PAYMENT document on or before D.
public struct ClientReceivablesParts: CompactParts, Hashable {
    /// Snapshot at D.
    public var snapshot: ReceivablesSnapshot
    /// Flows over the DSO window ending at D.
    public var window: ReceivablesFlow
    /// Flows over the month to date of D.
    public var monthToDate: ReceivablesFlow
    /// AR at the day before D's month.
    public var openingBalance: WideInt
    /// AR-REC-RATE parts of the month to date of D.
    public var collectionRate: CollectionRateParts
    /// Last payment on or before D.
    public var lastPayment: CalendarDate?

    /// Layout 301: the snapshot, the two flows, the opening balance, the collection-rate parts,
    /// then a presence flag (0/1) and the day number of the last payment.
    public static var compactLayout: Int64 { 301 }

    /// Creates parts.
    public init(
        snapshot: ReceivablesSnapshot,
        window: ReceivablesFlow,
        monthToDate: ReceivablesFlow,
        openingBalance: WideInt,
        collectionRate: CollectionRateParts,
        lastPayment: CalendarDate?
    ) {
        self.snapshot = snapshot
        self.window = window
        self.monthToDate = monthToDate
        self.openingBalance = openingBalance
        self.collectionRate = collectionRate
        self.lastPayment = lastPayment
    }

    public func pack(into packer: inout IntegerPacker) {
        self.snapshot.pack(into: &packer)
        self.window.pack(into: &packer)
        self.monthToDate.pack(into: &packer)
        packer.append(self.openingBalance)
        self.collectionRate.pack(into: &packer)
        if let lastPayment = self.lastPayment {
            packer.append(1)
            packer.append(Int64(lastPayment.daysSinceEpoch))
        } else {
            packer.append(0)
        }
    }

    public init(unpacking unpacker: inout IntegerUnpacker) throws {
        self.snapshot = try ReceivablesSnapshot(unpacking: &unpacker)
        self.window = try ReceivablesFlow(unpacking: &unpacker)
        self.monthToDate = try ReceivablesFlow(unpacking: &unpacker)
        self.openingBalance = try unpacker.wide()
        self.collectionRate = try CollectionRateParts(unpacking: &unpacker)
        self.lastPayment = try unpacker.int64() == 0 ? nil : try unpacker.date()
    }

    /// The parts as a ``KPI/ReceivablesPartsSource`` holding exactly the keys of D, so the
    /// client's KPIs at D are evaluated by the same formulas as any selection.
    public func source(asOf date: CalendarDate, settings: KPISettings) -> KeyedReceivablesParts {
        var opening = ReceivablesSnapshot.zero
        opening.balance = self.openingBalance
        let monthToDate = Period.monthToDate(date)
        return KeyedReceivablesParts(
            snapshots: [date: self.snapshot, monthToDate.dayBeforeStart: opening],
            flows: [ClientRollupCalculator.window(asOf: date, settings: settings): self.window, monthToDate: self.monthToDate],
            collectionRates: [monthToDate: self.collectionRate]
        )
    }
}

/// The practice parts of one client at D (`rollup_clients.practice`): the snapshot at the end of
/// D (documents to process, regularity, inactive/declining flags, rules) and the flows of the
/// month to date (documents received by channel, processed).
public struct ClientPracticeParts: CompactParts, Hashable {
    /// Snapshot at D.
    public var snapshot: PracticeSnapshot
    /// Flows over the month to date of D.
    public var monthToDate: PracticeFlow

    /// Layout 302: the snapshot, then the month-to-date flow.
    public static var compactLayout: Int64 { 302 }

    /// Creates parts.
    public init(snapshot: PracticeSnapshot, monthToDate: PracticeFlow) {
        self.snapshot = snapshot
        self.monthToDate = monthToDate
    }

    public func pack(into packer: inout IntegerPacker) {
        self.snapshot.pack(into: &packer)
        self.monthToDate.pack(into: &packer)
    }

    public init(unpacking unpacker: inout IntegerUnpacker) throws {
        self.snapshot = try PracticeSnapshot(unpacking: &unpacker)
        self.monthToDate = try PracticeFlow(unpacking: &unpacker)
    }
}

/// Computes the per-client rows of `rollup_clients` from one client's facts: pure, shared by
/// the worker and the level-3 verification mode.
public enum ClientRollupCalculator {
    /// The DSO window ending at D.
    public static func window(asOf date: CalendarDate, settings: KPISettings) -> Period {
        Period(uncheckedStart: date.clampedAdding(days: -(settings.clamped.dsoWindowDays - 1)), end: date)
    }

    /// Whether a client-group partition of `month` stores client rows at `day`: the month's last
    /// day, and every day of the month that contains `today`.
    public static func storesClientRow(day: CalendarDate, today: CalendarDate) -> Bool {
        day == day.lastOfMonth || (day.monthIndex == today.monthIndex && day <= today)
    }

    /// The client's parts at each of `days`.
    public static func parts(
        of facts: ClientFacts,
        at days: [CalendarDate],
        settings: KPISettings
    ) -> [CalendarDate: (receivables: ClientReceivablesParts, practice: ClientPracticeParts)] {
        let settings = settings.clamped
        return Self.parts(
            of: facts,
            at: days,
            settings: settings,
            receivables: ReceivablesPartsCalculator(facts, settings: settings),
            practice: PracticePartsCalculator(facts, settings: settings)
        )
    }

    /// What a group of one client already computed with the same calculators, which its
    /// client rows reuse instead of computing it again.
    public struct Computed {
        /// Snapshots at every day asked for.
        public var snapshots: [CalendarDate: ReceivablesSnapshot]
        /// Practice snapshots at every day asked for.
        public var practiceSnapshots: [CalendarDate: PracticeSnapshot]
        /// Daily flows over a range that holds each asked day's DSO window and month to date (or
        /// every day of them on or after the firm's first data date: there are no facts before).
        public var flows: [CalendarDate: ReceivablesFlow]
        /// Daily practice flows over a range that holds each asked day's month to date (same rule).
        public var practiceFlows: [CalendarDate: PracticeFlow]
        /// The flow over the DSO window ending at every day asked for.
        public var windowFlows: [CalendarDate: ReceivablesFlow]
        /// AR-REC-RATE parts of the month to date of every day asked for.
        public var collectionRates: [CalendarDate: CollectionRateParts]

        /// Creates a value.
        public init(
            snapshots: [CalendarDate: ReceivablesSnapshot],
            practiceSnapshots: [CalendarDate: PracticeSnapshot],
            flows: [CalendarDate: ReceivablesFlow],
            practiceFlows: [CalendarDate: PracticeFlow],
            windowFlows: [CalendarDate: ReceivablesFlow],
            collectionRates: [CalendarDate: CollectionRateParts]
        ) {
            self.snapshots = snapshots
            self.practiceSnapshots = practiceSnapshots
            self.flows = flows
            self.practiceFlows = practiceFlows
            self.windowFlows = windowFlows
            self.collectionRates = collectionRates
        }
    }

    /// The client's parts at each of `days`, from calculators already built over the client's
    /// facts alone with `settings` clamped: a group of one client shares its group's (building
    /// them is most of the work), and what the group computed with them (`computed`).
    public static func parts(
        of facts: ClientFacts,
        at days: [CalendarDate],
        settings: KPISettings,
        receivables: ReceivablesPartsCalculator,
        practice: PracticePartsCalculator,
        computed: Computed? = nil
    ) -> [CalendarDate: (receivables: ClientReceivablesParts, practice: ClientPracticeParts)] {
        guard let first = days.min(), let last = days.max() else { return [:] }
        let settings = settings.clamped
        let openingDays = days.map { Period.monthToDate($0).dayBeforeStart }
        let snapshots: [ReceivablesSnapshot]
        let practiceSnapshots: [PracticeSnapshot]
        let flows: [CalendarDate: ReceivablesFlow]
        let practiceFlows: [CalendarDate: PracticeFlow]
        if let computed {
            snapshots = days.map { computed.snapshots[$0] ?? .zero } + receivables.snapshots(at: openingDays)
            practiceSnapshots = days.map { computed.practiceSnapshots[$0] ?? .zero }
            flows = computed.flows
            practiceFlows = computed.practiceFlows
        } else {
            snapshots = receivables.snapshots(at: days + openingDays)
            practiceSnapshots = practice.snapshots(at: days)
            let flowStart = Swift.min(Self.window(asOf: first, settings: settings).start, first.firstOfMonth)
            flows = receivables.dailyFlows(in: Period(uncheckedStart: flowStart, end: last))
            practiceFlows = practice.dailyFlows(in: Period(uncheckedStart: first.firstOfMonth, end: last))
        }
        let payments = facts.credits.filter { $0.kind == .payment }.map(\.date).sorted()
        // Sparse daily flows: walk the period's days when it is shorter than the active days
        // (a window over a long history), else the active days.
        func sum<F: AdditiveParts>(_ daily: [CalendarDate: F], over period: Period) -> F {
            var total = F.zero
            if period.length < daily.count {
                var day = period.start
                while day <= period.end {
                    if let flow = daily[day] { total += flow }
                    guard day < .max else { break }
                    day = day.clampedAdding(days: 1)
                }
            } else {
                for (day, flow) in daily where period.contains(day) { total += flow }
            }
            return total
        }
        var result: [CalendarDate: (receivables: ClientReceivablesParts, practice: ClientPracticeParts)] = [:]
        for (index, day) in days.enumerated() {
            let monthToDate = Period.monthToDate(day)
            result[day] = (
                ClientReceivablesParts(
                    snapshot: snapshots[index],
                    window: computed?.windowFlows[day] ?? sum(flows, over: Self.window(asOf: day, settings: settings)),
                    monthToDate: sum(flows, over: monthToDate),
                    openingBalance: snapshots[days.count + index].balance,
                    collectionRate: computed?.collectionRates[day] ?? receivables.collectionRate(over: monthToDate),
                    lastPayment: payments.last { $0 <= day }
                ),
                ClientPracticeParts(snapshot: practiceSnapshots[index], monthToDate: sum(practiceFlows, over: monthToDate))
            )
        }
        return result
    }
}
