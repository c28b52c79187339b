public import Wire

/// The rest of the level-1 receivables dashboard at D (kpi-definitions §4), beside the DSO
/// family of ``ReceivablesLevel1Message``. Flow KPIs use the rolling window of the firm's
/// settings ending at D (`window_start` … `as_of`, 90 days by default); AR-REC-RATE uses the
/// month to date of D (its contract default, the calendar month).
public struct ReceivablesSectionsMessage: Codable, Sendable, Hashable {
    /// First day of the rolling window of the flow KPIs.
    public var windowStart: CalendarDate
    /// AR-DSP-RATE, AR-DSP-TIME (window), AR-DSP-AMOUNT, AR-DSP-SHARE (at D), AR-PROV-RATE per
    /// bucket (`AR-PROV-RATE NOT_DUE` …) and in total, `AR-PROV-RELEASE`, AR-PROV-GRID,
    /// AR-WO-AMT and AR-WO-RATE (window).
    public var disputes: [NamedValue]
    /// AR-MATCH-AUTO and AR-MATCH-AUTO-AMT over the window.
    public var matching: [NamedValue]
    /// AR-REC-RATE (month to date), AR-REC-DELAY, AR-ADD, AR-PAYDELAY, AR-ADTP, AR-ONTIME,
    /// AR-ONTIME-AMT, AR-TURN, AR-ACP (window).
    public var collection: [NamedValue]
    /// AR-FCST at D by month; absent when D is not the firm's today (its parts are stored at
    /// today only).
    public var forecast: ForecastMessage?
    /// Per collaborator of the selection: their clients' AR, overdue, DSO and collection rate
    /// (a client followed by several collaborators counts for each of them).
    public var team: [TeamMemberMessage]
    /// AR-AGED at D by office, bookkeeping mode and collaborator.
    public var agedByAxis: [AxisAgedMessage]
    /// Offices of the selection, of which `aged_by_axis` carries at most `breakdown_limit`.
    public var officesTotal: Int?
    /// Collaborators of the selection, of which `team` and `aged_by_axis` carry at most
    /// `breakdown_limit`.
    public var collaboratorsTotal: Int?
    /// AR-W12: the 12 months ending with D's month (the last one up to D).
    public var widget: [WidgetMonthMessage]

    /// Creates a value.
    public init(
        windowStart: CalendarDate,
        disputes: [NamedValue],
        matching: [NamedValue],
        collection: [NamedValue],
        forecast: ForecastMessage?,
        team: [TeamMemberMessage],
        agedByAxis: [AxisAgedMessage],
        widget: [WidgetMonthMessage],
        officesTotal: Int? = nil,
        collaboratorsTotal: Int? = nil
    ) {
        self.windowStart = windowStart
        self.disputes = disputes
        self.matching = matching
        self.collection = collection
        self.forecast = forecast
        self.team = team
        self.agedByAxis = agedByAxis
        self.widget = widget
        self.officesTotal = officesTotal
        self.collaboratorsTotal = collaboratorsTotal
    }

    enum CodingKeys: String, CodingKey {
        case windowStart = "window_start"
        case disputes, matching, collection, forecast, team
        case agedByAxis = "aged_by_axis"
        case widget
        case officesTotal = "offices_total"
        case collaboratorsTotal = "collaborators_total"
    }
}

/// AR-FCST at D: expected cash per month of the horizon, after it, and what is not forecast.
public struct ForecastMessage: Codable, Sendable, Hashable {
    /// Expected amount per bucket (`2025-04` …), cents.
    public var buckets: [NamedValue]
    /// `LATER`, `NOT_FORECAST_DISPUTED`, `NOT_FORECAST_DOUBTFUL`, `NOT_FORECAST_TOO_OLD`,
    /// `UNAPPLIED` (cents) and `PORTFOLIO_DELAY` (days, `null` without history).
    public var totals: [NamedValue]

    /// Creates a value.
    public init(buckets: [NamedValue], totals: [NamedValue]) {
        self.buckets = buckets
        self.totals = totals
    }
}

/// One collaborator's line of the team-performance table.
public struct TeamMemberMessage: Codable, Sendable, Hashable {
    /// Collaborator id.
    public var collaborator: String
    /// Name from the collaborator record (the id when there is none).
    public var name: String
    /// Clients of the selection they are assigned to.
    public var clients: Int
    /// `AR-ENC-NET`, `AR-ENC-OVERDUE`, `AR-DSO-STD`, `AR-REC-RATE` (month to date).
    public var values: [NamedValue]

    /// Creates a value.
    public init(collaborator: String, name: String, clients: Int, values: [NamedValue]) {
        self.collaborator = collaborator
        self.name = name
        self.clients = clients
        self.values = values
    }
}

/// The aged balance of the clients sharing one value of an axis.
public struct AxisAgedMessage: Codable, Sendable, Hashable {
    /// `OFFICE`, `BOOKKEEPING_MODE` or `COLLABORATOR`.
    public var axis: String
    /// The axis value (office id, `FIRM`/`CLIENT`, collaborator id; `-` for no office).
    public var key: String
    /// Clients of the selection with that value.
    public var clients: Int
    /// As ``ReceivablesLevel1Message/aged``.
    public var aged: [NamedValue]

    /// Creates a value.
    public init(axis: String, key: String, clients: Int, aged: [NamedValue]) {
        self.axis = axis
        self.key = key
        self.clients = clients
        self.aged = aged
    }
}

/// One month of the AR-W12 widget: exact cents and the display in k€ rounded up
/// (`ceil(cents / 100 000)`).
public struct WidgetMonthMessage: Codable, Sendable, Hashable {
    /// `YYYY-MM`.
    public var month: String
    /// First day.
    public var start: CalendarDate
    /// Last day (D for the current month).
    public var end: CalendarDate
    /// REVENUE, cents.
    public var revenueCents: Int64
    /// EXPECTED, cents.
    public var expectedCents: Int64
    /// ACTUAL, cents.
    public var actualCents: Int64
    /// REVENUE, k€ rounded up.
    public var revenueKiloEuros: Int64
    /// EXPECTED, k€ rounded up.
    public var expectedKiloEuros: Int64
    /// ACTUAL, k€ rounded up.
    public var actualKiloEuros: Int64

    /// Creates a value.
    public init(
        month: String,
        start: CalendarDate,
        end: CalendarDate,
        revenueCents: Int64,
        expectedCents: Int64,
        actualCents: Int64,
        revenueKiloEuros: Int64,
        expectedKiloEuros: Int64,
        actualKiloEuros: Int64
    ) {
        self.month = month
        self.start = start
        self.end = end
        self.revenueCents = revenueCents
        self.expectedCents = expectedCents
        self.actualCents = actualCents
        self.revenueKiloEuros = revenueKiloEuros
        self.expectedKiloEuros = expectedKiloEuros
        self.actualKiloEuros = actualKiloEuros
    }

    enum CodingKeys: String, CodingKey {
        case month, start, end
        case revenueCents = "revenue_cents"
        case expectedCents = "expected_cents"
        case actualCents = "actual_cents"
        case revenueKiloEuros = "revenue_keur"
        case expectedKiloEuros = "expected_keur"
        case actualKiloEuros = "actual_keur"
    }
}

/// A value at D and the additive parts it is derived from (explain).
public struct ExplainedValueMessage: Codable, Sendable, Hashable {
    /// KPI id (`AR-DSO-STD`).
    public var kpi: String
    /// The value.
    public var value: DashboardValue
    /// The parts, named as kpi-definitions names them (`AR(D)`, `SALES(W)`, `L` …).
    public var parts: [PartMessage]

    /// Creates a value.
    public init(kpi: String, value: DashboardValue, parts: [PartMessage]) {
        self.kpi = kpi
        self.value = value
        self.parts = parts
    }
}
