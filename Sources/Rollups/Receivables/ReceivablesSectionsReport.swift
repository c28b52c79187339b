public import KPI
public import PilotageProtocol
public import Wire

/// The rest of the level-1 receivables dashboard (disputes, provisions, matching, collection,
/// forecast, team performance, aged balance by axis, 12-month widget) as a contract message,
/// from any ``KPI/ReceivablesEvaluator``: the rollup answer and the raw-facts answer of the
/// verification mode are built by the same code and compared value by value.
public enum ReceivablesSectionsReport {
    /// One client group (or any set of clients sharing a profile) of the selection.
    public struct Member: Sendable, Hashable {
        /// Its filter profile.
        public var profile: ClientProfile
        /// Its number of clients.
        public var clients: Int

        /// Creates a value.
        public init(profile: ClientProfile, clients: Int) {
            self.profile = profile
            self.clients = clients
        }
    }

    /// The rolling window of the flow KPIs at D: the DSO window of the settings ending at D.
    public static func window(asOf date: CalendarDate, settings: KPISettings) -> Period {
        Period(uncheckedStart: date.clampedAdding(days: -(settings.clamped.dsoWindowDays - 1)), end: date)
    }

    /// Every key the sections read at D for the whole selection (snapshots, flows, collection-rate
    /// periods, forecast); the DSO window's flow is a stored `WINDOW_FLOW` row.
    public static func keys(asOf date: CalendarDate, today: CalendarDate, settings: KPISettings) -> ReceivablesKeys {
        let window = Self.window(asOf: date, settings: settings)
        var keys = Self.lineKeys(asOf: date, settings: settings)
        keys.snapshotDates.insert(window.dayBeforeStart)
        keys.flowPeriods = Set(ReceivablesFormulas.widgetMonths(asOf: date)).subtracting([window])
        if date == today { keys.forecastDates = [date] }
        return keys
    }

    /// The keys a breakdown line (a collaborator of the team table, an office, mode or
    /// collaborator of the aged balance by axis) reads at D: the snapshot at D, the flow over the
    /// DSO window ending at D and the collection rate of the month to date.
    public static func lineKeys(asOf date: CalendarDate, settings: KPISettings) -> ReceivablesKeys {
        var keys = ReceivablesKeys()
        keys.snapshotDates = [date]
        keys.windowFlowDates = [date]
        keys.windowDays = settings.clamped.dsoWindowDays
        keys.collectionRatePeriods = [.monthToDate(date)]
        return keys
    }

    /// The keys an office or mode line reads (the aged balance by axis): the snapshot at D.
    public static func agedLineKeys(asOf date: CalendarDate) -> ReceivablesKeys {
        var keys = ReceivablesKeys()
        keys.snapshotDates = [date]
        return keys
    }

    /// One line of the sections: the whole selection, or a breakdown line (a collaborator's
    /// line serves both the team table and the aged balance by collaborator).
    public enum Line: Hashable, Sendable {
        /// Every selected client.
        case selection
        /// The clients assigned to a collaborator.
        case collaborator(String)
        /// The clients of an office (`-`: without office).
        case office(String)
        /// The clients of a bookkeeping mode (raw value).
        case bookkeepingMode(String)

        /// Whether a client with `profile` counts in this line.
        public func includes(_ profile: ClientProfile) -> Bool {
            switch self {
            case .selection: true
            case .collaborator(let id): profile.collaborators.contains(id)
            case .office(let id): (profile.office ?? "-") == id
            case .bookkeepingMode(let mode): profile.bookkeepingMode.rawValue == mode
            }
        }
    }

    /// The breakdown lines of a selection: each office, bookkeeping mode and collaborator of its
    /// members, sorted by key, with the members (positions in the selection) and clients of each.
    /// Built once per answer in one pass; the reads and the sections both use it.
    public struct Breakdown: Sendable {
        /// One breakdown line.
        public struct Entry: Sendable {
            /// The office (`-`: without office), mode (raw value) or collaborator id.
            public var key: String
            /// The line.
            public var line: Line
            /// Positions in the selection of the members counted in the line.
            public var members: [Int]
            /// Clients counted in the line.
            public var clients: Int
        }

        /// Lines by office.
        public private(set) var offices: [Entry]
        /// Lines by bookkeeping mode.
        public private(set) var modes: [Entry]
        /// Lines by collaborator (a client assigned to several collaborators is in each line).
        public private(set) var collaborators: [Entry]
        /// Clients of the whole selection.
        public private(set) var clients: Int
        /// Offices of the selection, with those ``limited(to:)`` left out.
        public let totalOffices: Int
        /// Collaborators of the selection, with those ``limited(to:)`` left out.
        public let totalCollaborators: Int

        /// The lines of `members`.
        public init(members: [Member]) {
            var offices = Axis()
            var modes = Axis()
            var collaborators = Axis()
            var clients = 0
            for (position, member) in members.enumerated() {
                let profile = member.profile
                clients += member.clients
                let office = profile.office ?? "-"
                offices.add(office, .office(office), position, member.clients)
                let mode = profile.bookkeepingMode.rawValue
                modes.add(mode, .bookkeepingMode(mode), position, member.clients)
                for collaborator in profile.collaborators {
                    collaborators.add(collaborator, .collaborator(collaborator), position, member.clients)
                }
            }
            self.offices = offices.sorted
            self.modes = modes.sorted
            self.collaborators = collaborators.sorted
            self.clients = clients
            self.totalOffices = self.offices.count
            self.totalCollaborators = self.collaborators.count
        }

        /// The lines of one dimension while they are collected (one look-up per member).
        private struct Axis {
            var entries: [Entry] = []
            var positions: [String: Int] = [:]

            mutating func add(_ key: String, _ line: @autoclosure () -> Line, _ member: Int, _ clients: Int) {
                let index: Int
                if let known = self.positions[key] {
                    index = known
                } else {
                    index = self.entries.count
                    self.positions[key] = index
                    self.entries.append(Entry(key: key, line: line(), members: [], clients: 0))
                }
                self.entries[index].members.append(member)
                self.entries[index].clients += clients
            }

            var sorted: [Entry] { self.entries.sorted { $0.key < $1.key } }
        }

        /// A breakdown of lines already collected (``GroupAxesIndex``).
        init(offices: [Entry], modes: [Entry], collaborators: [Entry], clients: Int, totalOffices: Int, totalCollaborators: Int) {
            self.offices = offices
            self.modes = modes
            self.collaborators = collaborators
            self.clients = clients
            self.totalOffices = totalOffices
            self.totalCollaborators = totalCollaborators
        }

        /// Every breakdown line: offices, modes, then collaborators.
        public var entries: [Entry] { self.offices + self.modes + self.collaborators }

        /// The breakdown with at most `limit` offices and `limit` collaborators: those with the
        /// most clients of the selection (ties: the smaller key), kept in key order. Modes are
        /// never limited; ``totalOffices`` and ``totalCollaborators`` still count every line.
        public func limited(to limit: Int) -> Breakdown {
            var copy = self
            copy.offices = Self.largest(self.offices, limit)
            copy.collaborators = Self.largest(self.collaborators, limit)
            return copy
        }

        private static func largest(_ entries: [Entry], _ limit: Int) -> [Entry] {
            guard entries.count > limit else { return entries }
            let kept = entries.sorted { ($0.clients, $1.key) > ($1.clients, $0.key) }.prefix(max(0, limit))
            return kept.sorted { $0.key < $1.key }
        }
    }

    /// Builds the sections at D; `evaluator` evaluates each line (``Line/selection`` and the
    /// breakdown lines of the members' collaborators, offices and modes).
    public static func message(
        asOf date: CalendarDate,
        today: CalendarDate,
        settings: KPISettings,
        breakdown: Breakdown,
        collaboratorNames: [String: String],
        evaluator: (Line) -> any ReceivablesEvaluator
    ) -> ReceivablesSectionsMessage {
        let selection = evaluator(.selection)
        let window = Self.window(asOf: date, settings: settings)
        let monthToDate = Period.monthToDate(date)
        let e = selection
        let outstanding = e.outstanding(asOf: date)
        let provisions = e.provisionRates(asOf: date)
        var disputes: [(String, KPIValue)] = [
            ("AR-DSP-RATE", e.disputeResolutionRate(over: window)),
            ("AR-DSP-TIME", e.disputeResolutionTime(over: window)),
            ("AR-DSP-AMOUNT", outstanding.disputed),
            ("AR-DSP-SHARE", outstanding.disputedPercent),
        ]
        for (label, rate) in zip(settings.clamped.agedBucketLabels, provisions.byBucket) {
            disputes.append(("AR-PROV-RATE \(label)", rate))
        }
        disputes += [
            ("AR-PROV-RATE", provisions.total),
            ("AR-PROV-RELEASE", .cents(provisions.toRelease)),
            ("AR-PROV-GRID", provisions.suggested),
            ("AR-WO-AMT", e.writeOffAmount(over: window)),
            ("AR-WO-RATE", e.writeOffRate(over: window)),
        ]
        let matching: [(String, KPIValue)] = [
            ("AR-MATCH-AUTO", e.automaticMatchingRate(over: window)),
            ("AR-MATCH-AUTO-AMT", e.automaticMatchingAmountRate(over: window)),
        ]
        let collection: [(String, KPIValue)] = [
            ("AR-REC-RATE", e.collectionRate(over: monthToDate)),
            ("AR-REC-DELAY", e.collectionDelay(over: window)),
            ("AR-ADD", e.averageDaysDelinquent(over: window)),
            ("AR-PAYDELAY", e.paymentDelay(over: window)),
            ("AR-ADTP", e.averageDaysToPay(over: window)),
            ("AR-ONTIME", e.onTime(over: window)),
            ("AR-ONTIME-AMT", e.onTimeAmount(over: window)),
            ("AR-TURN", e.turnover(over: window)),
            ("AR-ACP", e.averageCollectionPeriod(over: window)),
        ]
        var forecast: ForecastMessage?
        if date == today {
            let result = e.forecast(asOf: date, grain: .month)
            forecast = ForecastMessage(
                buckets: result.buckets.map { Self.named($0.label, .cents($0.amount)) },
                totals: [
                    Self.named("LATER", .cents(result.later)),
                    Self.named("NOT_FORECAST_DISPUTED", .cents(result.notForecastDisputed)),
                    Self.named("NOT_FORECAST_DOUBTFUL", .cents(result.notForecastDoubtful)),
                    Self.named("NOT_FORECAST_TOO_OLD", .cents(result.notForecastTooOld)),
                    Self.named("UNAPPLIED", .cents(result.unapplied)),
                    Self.named(
                        "PORTFOLIO_DELAY",
                        result.portfolioDelay.map { KPIValue.count(Int64($0)) }
                            ?? .null(.noData, unit: .days, rounding: .r0)
                    ),
                ]
            )
        }
        let team = breakdown.collaborators.map { entry -> TeamMemberMessage in
            let line = evaluator(entry.line)
            let amounts = line.outstanding(asOf: date)
            return TeamMemberMessage(
                collaborator: entry.key,
                name: collaboratorNames[entry.key] ?? entry.key,
                clients: entry.clients,
                values: [
                    Self.named("AR-ENC-NET", amounts.net),
                    Self.named("AR-ENC-OVERDUE", amounts.overdue),
                    Self.named("AR-DSO-STD", line.dsoStandard(asOf: date, period: nil)),
                    Self.named("AR-REC-RATE", line.collectionRate(over: monthToDate)),
                ]
            )
        }
        var axes: [AxisAgedMessage] = []
        func axis(_ name: String, _ entries: [Breakdown.Entry]) {
            for entry in entries {
                axes.append(
                    AxisAgedMessage(
                        axis: name,
                        key: entry.key,
                        clients: entry.clients,
                        aged: Level1Report.agedValues(evaluator(entry.line).agedBalance(asOf: date)).map { Self.named($0.name, $0.value) }
                    )
                )
            }
        }
        axis("OFFICE", breakdown.offices)
        axis("BOOKKEEPING_MODE", breakdown.modes)
        axis("COLLABORATOR", breakdown.collaborators)
        let widget = e.revenueAndPayments(asOf: date).map { row in
            WidgetMonthMessage(
                month: String(row.month.start.description.prefix(7)),
                start: row.month.start,
                end: row.month.end,
                revenueCents: Self.int64(row.revenue.value),
                expectedCents: Self.int64(row.expected.value),
                actualCents: Self.int64(row.actual.value),
                revenueKiloEuros: Self.int64(row.revenueKiloEuros),
                expectedKiloEuros: Self.int64(row.expectedKiloEuros),
                actualKiloEuros: Self.int64(row.actualKiloEuros)
            )
        }
        return ReceivablesSectionsMessage(
            windowStart: window.start,
            disputes: disputes.map { Self.named($0.0, $0.1) },
            matching: matching.map { Self.named($0.0, $0.1) },
            collection: collection.map { Self.named($0.0, $0.1) },
            forecast: forecast,
            team: team,
            agedByAxis: axes,
            widget: widget,
            officesTotal: breakdown.totalOffices,
            collaboratorsTotal: breakdown.totalCollaborators
        )
    }

    /// Every value of `rollup` that differs from `reference`, named `section/line/value`.
    public static func differences(rollup: ReceivablesSectionsMessage, reference: ReceivablesSectionsMessage, asOf date: CalendarDate)
        -> [ValueDifference]
    {
        let left = Self.flatten(rollup)
        let right = Dictionary(Self.flatten(reference), uniquingKeysWith: { first, _ in first })
        var differences: [ValueDifference] = []
        var seen: Set<String> = []
        for (name, value) in left {
            seen.insert(name)
            let other = right[name]
            guard other != value else { continue }
            differences.append(ValueDifference(kpi: name, date: date, rollup: value, reference: other, difference: nil))
        }
        for (name, value) in right where !seen.contains(name) {
            differences.append(ValueDifference(kpi: name, date: date, rollup: nil, reference: value, difference: nil))
        }
        return differences
    }

    /// The sections as `(name, value)` pairs (widget cents and k€ as counts).
    public static func flatten(_ message: ReceivablesSectionsMessage) -> [(String, DashboardValue)] {
        var values: [(String, DashboardValue)] = []
        values += message.disputes.map { ("disputes/\($0.name)", $0.value) }
        values += message.matching.map { ("matching/\($0.name)", $0.value) }
        values += message.collection.map { ("collection/\($0.name)", $0.value) }
        if let forecast = message.forecast {
            values += (forecast.buckets + forecast.totals).map { ("forecast/\($0.name)", $0.value) }
        }
        for member in message.team {
            values.append(("team/\(member.collaborator)/clients", Level1Report.value(.count(Int64(member.clients)))))
            values += member.values.map { ("team/\(member.collaborator)/\($0.name)", $0.value) }
        }
        for line in message.agedByAxis {
            values += line.aged.map { ("aged/\(line.axis)/\(line.key)/\($0.name)", $0.value) }
        }
        for month in message.widget {
            for (name, amount) in [
                ("REVENUE", month.revenueCents), ("EXPECTED", month.expectedCents), ("ACTUAL", month.actualCents),
                ("REVENUE_KEUR", month.revenueKiloEuros), ("EXPECTED_KEUR", month.expectedKiloEuros),
                ("ACTUAL_KEUR", month.actualKiloEuros),
            ] {
                values.append(("widget/\(month.month)/\(name)", Level1Report.value(.count(amount))))
            }
        }
        return values
    }

    static func named(_ name: String, _ value: KPIValue) -> NamedValue {
        NamedValue(name: name, value: Level1Report.value(value))
    }

    /// Cents or k€ on the wire: `Int64` (saturating; an amount beyond ±92 million billion euros
    /// cannot come from 64-bit inputs summed over a firm).
    static func int64(_ value: Int128) -> Int64 {
        Int64(clamping: value)
    }
}
