public import Foundation
public import RPCCore
public import Wire

/// `pilotage.supervisor.Supervisor`: the collection supervisor of the caller's firm
/// (kpi-definitions §8, seed 004), computed from the firm's stored records on the request path.
///
/// Visibility follows the acting user (metadata `pilotage-user`): an `AGENT` sees and acts on the
/// items of the clients they are agent of, a `COLLECTION_MANAGER` on everyone's, any other role
/// on none (`PERMISSION_DENIED`). Without an acting user (back-office) every item is visible for
/// reading, but actions (`Record`, `Print`) are refused (`FAILED_PRECONDITION`): an action needs
/// an actor. Writes go through the ingestion record writer (same sequence, idempotency and
/// dirty-partition marking as an ingested batch); `Record` and `Print` are idempotent per
/// `request_id`.
public enum SupervisorService {
    /// Service name.
    public static let name = "pilotage.supervisor.Supervisor"

    /// The supervisor list for a date range: the installments whose next action is due, filtered,
    /// grouped with subtotals, searchable, sortable inside groups, paged with a stable cursor.
    public static let list = MethodDescriptor<SupervisorListRequest, SupervisorListReply>(service: name, method: "List", kind: .unary)
    /// The same list (every page) as CSV, in chunks.
    public static let export = MethodDescriptor<SupervisorListRequest, CSVChunkMessage>(
        service: name,
        method: "Export",
        kind: .serverStreaming
    )
    /// Validates, modifies or ignores the next action of a selection of items.
    public static let record = MethodDescriptor<SupervisorRecordRequest, SupervisorRecordReply>(
        service: name,
        method: "Record",
        kind: .unary
    )
    /// Prints a selection grouped as asked: a printable HTML page, and one `PRINTED` event per item.
    public static let print = MethodDescriptor<SupervisorPrintRequest, SupervisorPrintReply>(service: name, method: "Print", kind: .unary)
    /// The receivables view of one client: header, open items with their next action, events.
    public static let client = MethodDescriptor<SupervisorClientRequest, SupervisorClientReply>(
        service: name,
        method: "Client",
        kind: .unary
    )
    /// The actions that become due on the next business day(s), with the firm's minimum delay
    /// between two actions on the same client applied.
    public static let preview = MethodDescriptor<SupervisorPreviewRequest, SupervisorPreviewReply>(
        service: name,
        method: "Preview",
        kind: .unary
    )
    /// Creates or replaces a collection strategy (a data-contract record).
    public static let putStrategy = MethodDescriptor<PutStrategyRequest, SupervisorWriteReply>(
        service: name,
        method: "PutStrategy",
        kind: .unary
    )
    /// Every collection strategy of the firm.
    public static let listStrategies = MethodDescriptor<ListStrategiesRequest, StrategyListReply>(
        service: name,
        method: "ListStrategies",
        kind: .unary
    )
    /// Sets the strategy and/or the collection agent of clients.
    public static let assignStrategy = MethodDescriptor<AssignStrategyRequest, SupervisorWriteReply>(
        service: name,
        method: "AssignStrategy",
        kind: .unary
    )
}

// MARK: - Shared shapes

/// The six grouping modes of the seed.
public enum SupervisorGroupingMessage: String, Codable, CaseIterable, Sendable, Hashable {
    /// By client.
    case client = "CLIENT"
    /// By action, then by client inside an action.
    case actionThenClient = "ACTION_THEN_CLIENT"
    /// By client, items by ascending due date.
    case clientThenDueDate = "CLIENT_THEN_DUE_DATE"
    /// By action.
    case action = "ACTION"
    /// By client, then by action inside a client.
    case clientThenAction = "CLIENT_THEN_ACTION"
    /// By action, items by ascending due date.
    case actionThenDueDate = "ACTION_THEN_DUE_DATE"
}

/// The selection filters of the supervisor page; absent fields do not filter.
public struct SupervisorFilterMessage: Codable, Sendable, Hashable {
    /// Collection agent (collaborator id).
    public var agent: String?
    /// Client id.
    public var client: String?
    /// Collective account of the client.
    public var collectiveAccount: String?
    /// Minimum open amount, cents (inclusive).
    public var minAmount: Int64?
    /// Maximum open amount, cents (inclusive).
    public var maxAmount: Int64?
    /// First due date (inclusive).
    public var dueFrom: CalendarDate?
    /// Last due date (inclusive).
    public var dueTo: CalendarDate?

    /// Creates a filter; with no argument it selects everything.
    public init(
        agent: String? = nil,
        client: String? = nil,
        collectiveAccount: String? = nil,
        minAmount: Int64? = nil,
        maxAmount: Int64? = nil,
        dueFrom: CalendarDate? = nil,
        dueTo: CalendarDate? = nil
    ) {
        self.agent = agent
        self.client = client
        self.collectiveAccount = collectiveAccount
        self.minAmount = minAmount
        self.maxAmount = maxAmount
        self.dueFrom = dueFrom
        self.dueTo = dueTo
    }

    enum CodingKeys: String, CodingKey {
        case agent, client
        case collectiveAccount = "collective_account"
        case minAmount = "min_amount"
        case maxAmount = "max_amount"
        case dueFrom = "due_from"
        case dueTo = "due_to"
    }
}

/// An action planned on an installment.
public struct PlannedActionMessage: Codable, Sendable, Hashable {
    /// Action code.
    public var code: String
    /// Channel.
    public var channel: ActionChannel
    /// Days from the due date.
    public var offsetDays: Int
    /// Payment mode the action is restricted to, if any.
    public var paymentMode: String?
    /// `due_date + offset_days`.
    public var triggerDate: CalendarDate

    /// Creates a value.
    public init(code: String, channel: ActionChannel, offsetDays: Int, paymentMode: String?, triggerDate: CalendarDate) {
        self.code = code
        self.channel = channel
        self.offsetDays = offsetDays
        self.paymentMode = paymentMode
        self.triggerDate = triggerDate
    }

    enum CodingKeys: String, CodingKey {
        case code, channel
        case offsetDays = "offset_days"
        case paymentMode = "payment_mode"
        case triggerDate = "trigger_date"
    }
}

/// One item: an open installment (or, in the client view, an unapplied credit).
public struct SupervisorItemMessage: Codable, Sendable, Hashable {
    /// Installment (or credit document) id.
    public var id: String
    /// `INSTALLMENT` or `CREDIT`.
    public var kind: String
    /// Client id.
    public var client: String
    /// Client name.
    public var clientName: String
    /// Collection agent of the client.
    public var agent: String?
    /// Collective account of the client.
    public var collectiveAccount: String?
    /// Invoice reference.
    public var reference: String
    /// Due date (document date for a credit).
    public var dueDate: CalendarDate
    /// Open amount at D, cents (negative for a credit).
    public var open: Int64
    /// Payment mode.
    public var paymentMode: String?
    /// Days past due at D.
    public var daysPastDue: Int
    /// `RED`, `BLUE` or `BLACK`.
    public var colour: String
    /// The next action, absent when every applicable action has an outcome.
    public var nextAction: PlannedActionMessage?

    /// Creates a value.
    public init(
        id: String,
        kind: String,
        client: String,
        clientName: String,
        agent: String?,
        collectiveAccount: String?,
        reference: String,
        dueDate: CalendarDate,
        open: Int64,
        paymentMode: String?,
        daysPastDue: Int,
        colour: String,
        nextAction: PlannedActionMessage?
    ) {
        self.id = id
        self.kind = kind
        self.client = client
        self.clientName = clientName
        self.agent = agent
        self.collectiveAccount = collectiveAccount
        self.reference = reference
        self.dueDate = dueDate
        self.open = open
        self.paymentMode = paymentMode
        self.daysPastDue = daysPastDue
        self.colour = colour
        self.nextAction = nextAction
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, client
        case clientName = "client_name"
        case agent
        case collectiveAccount = "collective_account"
        case reference
        case dueDate = "due_date"
        case open
        case paymentMode = "payment_mode"
        case daysPastDue = "days_past_due"
        case colour
        case nextAction = "next_action"
    }
}

/// A group of the list with its subtotal over the whole group (not only the page's items).
public struct SupervisorGroupMessage: Codable, Sendable, Hashable {
    /// Client id or action code.
    public var key: String
    /// Client name or action code.
    public var label: String
    /// Items in the whole group.
    public var count: Int
    /// Σ open of the whole group, cents.
    public var subtotal: Int64
    /// The group's items on this page (leaf groups only).
    public var items: [SupervisorItemMessage]
    /// Second-level groups (the "then by" modes).
    public var subgroups: [SupervisorGroupMessage]

    /// Creates a value.
    public init(key: String, label: String, count: Int, subtotal: Int64, items: [SupervisorItemMessage], subgroups: [SupervisorGroupMessage]) {
        self.key = key
        self.label = label
        self.count = count
        self.subtotal = subtotal
        self.items = items
        self.subgroups = subgroups
    }
}

/// A collection event (data contract) as the supervisor shows it.
public struct CollectionEventMessage: Codable, Sendable, Hashable {
    /// Event id (`<request_id>/<installment>` for events written by the supervisor).
    public var id: String
    /// Installment id.
    public var installment: String
    /// Action code the outcome is about.
    public var actionCode: String
    /// Outcome.
    public var outcome: CollectionOutcome
    /// For `MODIFIED`: the action done instead.
    public var replacementCode: String?
    /// Collaborator who recorded it.
    public var actor: String
    /// Instant (UTC).
    public var at: Date
    /// Free note.
    public var note: String?

    /// Creates a value.
    public init(
        id: String,
        installment: String,
        actionCode: String,
        outcome: CollectionOutcome,
        replacementCode: String?,
        actor: String,
        at: Date,
        note: String?
    ) {
        self.id = id
        self.installment = installment
        self.actionCode = actionCode
        self.outcome = outcome
        self.replacementCode = replacementCode
        self.actor = actor
        self.at = at
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case id, installment
        case actionCode = "action_code"
        case outcome
        case replacementCode = "replacement_code"
        case actor, at, note
    }
}

/// An item of a selection that was not acted on, and why.
public struct RefusedItemMessage: Codable, Sendable, Hashable {
    /// The installment id as sent.
    public var installment: String
    /// `NOT_FOUND` (no such open installment), `NO_PENDING_ACTION` (every action has an outcome),
    /// `DUPLICATE` (listed twice in the selection).
    public var reason: String
    /// Explanation.
    public var message: String

    /// Creates a value.
    public init(installment: String, reason: String, message: String) {
        self.installment = installment
        self.reason = reason
        self.message = message
    }
}

// MARK: - List and export

/// Asks for the supervisor list (and, for `Export`, its CSV).
public struct SupervisorListRequest: Codable, Sendable, Hashable {
    /// Earliest trigger date (inclusive); absent: no lower bound (everything overdue too).
    public var from: CalendarDate?
    /// Latest trigger date (inclusive), and the date D open amounts are taken at; default: the
    /// firm's today.
    public var to: CalendarDate?
    /// Selection filters.
    public var filter: SupervisorFilterMessage?
    /// Grouping mode (default `CLIENT`).
    public var grouping: SupervisorGroupingMessage?
    /// Case-insensitive text searched in client id and name, reference, installment id and action code.
    public var search: String?
    /// Order of the items inside a group (default: due date, then id); columns: `due_date`,
    /// `trigger_date`, `open`, `days_past_due`, `client`, `reference`, `action`, `id`.
    public var sort: [SortKeyMessage]?
    /// Items per page (default 50, at most 1,000).
    public var pageSize: Int?
    /// Cursor of the next page, from a previous reply.
    public var cursor: String?

    /// Creates a request.
    public init(
        from: CalendarDate? = nil,
        to: CalendarDate? = nil,
        filter: SupervisorFilterMessage? = nil,
        grouping: SupervisorGroupingMessage? = nil,
        search: String? = nil,
        sort: [SortKeyMessage]? = nil,
        pageSize: Int? = nil,
        cursor: String? = nil
    ) {
        self.from = from
        self.to = to
        self.filter = filter
        self.grouping = grouping
        self.search = search
        self.sort = sort
        self.pageSize = pageSize
        self.cursor = cursor
    }

    enum CodingKeys: String, CodingKey {
        case from, to, filter, grouping, search, sort
        case pageSize = "page_size"
        case cursor
    }
}

/// One page of the supervisor list.
public struct SupervisorListReply: Codable, Sendable, Hashable {
    /// Earliest trigger date asked for.
    public var from: CalendarDate?
    /// Latest trigger date, and D.
    public var to: CalendarDate
    /// Grouping mode.
    public var grouping: SupervisorGroupingMessage
    /// The firm's ingestion sequence the list was computed at; a cursor is only valid at it.
    public var watermark: Int64
    /// Items in the whole list.
    public var totalItems: Int
    /// Σ open of the whole list, cents.
    public var totalOpen: Int64
    /// The groups that have items on this page, each with its whole-group count and subtotal.
    public var groups: [SupervisorGroupMessage]
    /// Cursor of the next page; absent on the last page.
    public var nextCursor: String?

    /// Creates a value.
    public init(
        from: CalendarDate?,
        to: CalendarDate,
        grouping: SupervisorGroupingMessage,
        watermark: Int64,
        totalItems: Int,
        totalOpen: Int64,
        groups: [SupervisorGroupMessage],
        nextCursor: String?
    ) {
        self.from = from
        self.to = to
        self.grouping = grouping
        self.watermark = watermark
        self.totalItems = totalItems
        self.totalOpen = totalOpen
        self.groups = groups
        self.nextCursor = nextCursor
    }

    enum CodingKeys: String, CodingKey {
        case from, to, grouping, watermark
        case totalItems = "total_items"
        case totalOpen = "total_open"
        case groups
        case nextCursor = "next_cursor"
    }
}

// MARK: - Actions

/// Validates, modifies or ignores the next action of each selected item.
public struct SupervisorRecordRequest: Codable, Sendable, Hashable {
    /// Idempotency key chosen by the caller (1–64 of `A–Z a–z 0–9 . _ : -`): a retried request
    /// with the same id returns the first reply and records nothing more.
    public var requestID: String
    /// `VALIDATED`, `MODIFIED` or `IGNORED`.
    public var outcome: CollectionOutcome
    /// Installment ids.
    public var items: [String]
    /// For `MODIFIED`: the code of the action done instead.
    public var replacementCode: String?
    /// Free note recorded on every event.
    public var note: String?

    /// Creates a request.
    public init(requestID: String, outcome: CollectionOutcome, items: [String], replacementCode: String? = nil, note: String? = nil) {
        self.requestID = requestID
        self.outcome = outcome
        self.items = items
        self.replacementCode = replacementCode
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case outcome, items
        case replacementCode = "replacement_code"
        case note
    }
}

/// What a `Record` call recorded and refused.
public struct SupervisorRecordReply: Codable, Sendable, Hashable {
    /// The request id.
    public var requestID: String
    /// True when this is the stored reply of an earlier call with the same request id.
    public var replayed: Bool
    /// Ingestion sequence of the write (0 when nothing was recorded).
    public var sequence: Int64
    /// Events recorded, in selection order.
    public var recorded: [CollectionEventMessage]
    /// Items not acted on.
    public var refused: [RefusedItemMessage]

    /// Creates a value.
    public init(requestID: String, replayed: Bool, sequence: Int64, recorded: [CollectionEventMessage], refused: [RefusedItemMessage]) {
        self.requestID = requestID
        self.replayed = replayed
        self.sequence = sequence
        self.recorded = recorded
        self.refused = refused
    }

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case replayed, sequence, recorded, refused
    }
}

/// Prints a selection.
public struct SupervisorPrintRequest: Codable, Sendable, Hashable {
    /// Idempotency key (as for `Record`).
    public var requestID: String
    /// Installment ids.
    public var items: [String]
    /// Grouping of the document (default `CLIENT`).
    public var grouping: SupervisorGroupingMessage?
    /// Title of the document.
    public var title: String?

    /// Creates a request.
    public init(requestID: String, items: [String], grouping: SupervisorGroupingMessage? = nil, title: String? = nil) {
        self.requestID = requestID
        self.items = items
        self.grouping = grouping
        self.title = title
    }

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case items, grouping, title
    }
}

/// The printable document and the `PRINTED` events.
public struct SupervisorPrintReply: Codable, Sendable, Hashable {
    /// The request id.
    public var requestID: String
    /// True when this is the stored reply of an earlier call with the same request id.
    public var replayed: Bool
    /// Ingestion sequence of the write.
    public var sequence: Int64
    /// A self-contained printable HTML page (UTF-8).
    public var html: String
    /// One `PRINTED` event per printed item.
    public var printed: [CollectionEventMessage]
    /// Items not printed.
    public var refused: [RefusedItemMessage]

    /// Creates a value.
    public init(requestID: String, replayed: Bool, sequence: Int64, html: String, printed: [CollectionEventMessage], refused: [RefusedItemMessage]) {
        self.requestID = requestID
        self.replayed = replayed
        self.sequence = sequence
        self.html = html
        self.printed = printed
        self.refused = refused
    }

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case replayed, sequence, html, printed, refused
    }
}

// MARK: - Client view and preview

/// Asks for one client's receivables view.
public struct SupervisorClientRequest: Codable, Sendable, Hashable {
    /// Client id.
    public var client: String
    /// D (default: the firm's today).
    public var asOf: CalendarDate?

    /// Creates a request.
    public init(client: String, asOf: CalendarDate? = nil) {
        self.client = client
        self.asOf = asOf
    }

    enum CodingKeys: String, CodingKey {
        case client
        case asOf = "as_of"
    }
}

/// The receivables view of one client (seed 004 "Consultation des créances client").
public struct SupervisorClientReply: Codable, Sendable, Hashable {
    /// Client id.
    public var client: String
    /// Client name.
    public var name: String
    /// Collection agent.
    public var agent: String?
    /// Collection strategy.
    public var strategy: String?
    /// D.
    public var asOf: CalendarDate
    /// Σ open of positive items, cents.
    public var totalOpen: Int64
    /// Σ open of overdue items, cents.
    public var totalOverdue: Int64
    /// Σ open of not-yet-due items, cents.
    public var totalNotDue: Int64
    /// Σ of unapplied credits and prepayments, cents (≤ 0).
    public var totalCredits: Int64
    /// Share of overdue items among open items, by count (%).
    public var overdueShare: DashboardValue
    /// Share of not-yet-due items, by count (%).
    public var notDueShare: DashboardValue
    /// Share of credits and prepayments, by count (%).
    public var creditShare: DashboardValue
    /// Open items with their next action (installments, then credits, by due date).
    public var items: [SupervisorItemMessage]
    /// Events of those items, oldest first.
    public var events: [CollectionEventMessage]

    /// Creates a value.
    public init(
        client: String,
        name: String,
        agent: String?,
        strategy: String?,
        asOf: CalendarDate,
        totalOpen: Int64,
        totalOverdue: Int64,
        totalNotDue: Int64,
        totalCredits: Int64,
        overdueShare: DashboardValue,
        notDueShare: DashboardValue,
        creditShare: DashboardValue,
        items: [SupervisorItemMessage],
        events: [CollectionEventMessage]
    ) {
        self.client = client
        self.name = name
        self.agent = agent
        self.strategy = strategy
        self.asOf = asOf
        self.totalOpen = totalOpen
        self.totalOverdue = totalOverdue
        self.totalNotDue = totalNotDue
        self.totalCredits = totalCredits
        self.overdueShare = overdueShare
        self.notDueShare = notDueShare
        self.creditShare = creditShare
        self.items = items
        self.events = events
    }

    enum CodingKeys: String, CodingKey {
        case client, name, agent, strategy
        case asOf = "as_of"
        case totalOpen = "total_open"
        case totalOverdue = "total_overdue"
        case totalNotDue = "total_not_due"
        case totalCredits = "total_credits"
        case overdueShare = "overdue_share"
        case notDueShare = "not_due_share"
        case creditShare = "credit_share"
        case items, events
    }
}

/// Asks for the actions of the next business day(s).
public struct SupervisorPreviewRequest: Codable, Sendable, Hashable {
    /// Number of business days after today (1–20, default 1).
    public var days: Int?
    /// Selection filters.
    public var filter: SupervisorFilterMessage?

    /// Creates a request.
    public init(days: Int? = nil, filter: SupervisorFilterMessage? = nil) {
        self.days = days
        self.filter = filter
    }
}

/// A client's actions planned on one day of the preview.
public struct PreviewEntryMessage: Codable, Sendable, Hashable {
    /// Client id.
    public var client: String
    /// Client name.
    public var clientName: String
    /// Collection agent.
    public var agent: String?
    /// Last day the client was contacted (a `VALIDATED` or `MODIFIED` outcome), if any.
    public var lastContact: CalendarDate?
    /// The day the client's actions would have been due without the minimum delay, when the delay
    /// moved them.
    public var postponedFrom: CalendarDate?
    /// The items whose next action is planned that day (one contact for all).
    public var items: [SupervisorItemMessage]

    /// Creates a value.
    public init(
        client: String,
        clientName: String,
        agent: String?,
        lastContact: CalendarDate?,
        postponedFrom: CalendarDate?,
        items: [SupervisorItemMessage]
    ) {
        self.client = client
        self.clientName = clientName
        self.agent = agent
        self.lastContact = lastContact
        self.postponedFrom = postponedFrom
        self.items = items
    }

    enum CodingKeys: String, CodingKey {
        case client
        case clientName = "client_name"
        case agent
        case lastContact = "last_contact"
        case postponedFrom = "postponed_from"
        case items
    }
}

/// One business day of the preview.
public struct PreviewDayMessage: Codable, Sendable, Hashable {
    /// The business day.
    public var date: CalendarDate
    /// Clients to contact that day.
    public var entries: [PreviewEntryMessage]

    /// Creates a value.
    public init(date: CalendarDate, entries: [PreviewEntryMessage]) {
        self.date = date
        self.entries = entries
    }
}

/// The actions that become due on the next business day(s).
public struct SupervisorPreviewReply: Codable, Sendable, Hashable {
    /// The firm's today.
    public var today: CalendarDate
    /// The firm's minimum number of days between two actions on the same client.
    public var minimumDaysBetweenActions: Int
    /// The next business days (Monday to Friday), in order.
    public var days: [PreviewDayMessage]

    /// Creates a value.
    public init(today: CalendarDate, minimumDaysBetweenActions: Int, days: [PreviewDayMessage]) {
        self.today = today
        self.minimumDaysBetweenActions = minimumDaysBetweenActions
        self.days = days
    }

    enum CodingKeys: String, CodingKey {
        case today
        case minimumDaysBetweenActions = "minimum_days_between_actions"
        case days
    }
}

// MARK: - Strategies

/// Creates or replaces a strategy.
public struct PutStrategyRequest: Codable, Sendable, Hashable {
    /// The strategy record.
    public var strategy: CollectionStrategyRecord

    /// Creates a request.
    public init(strategy: CollectionStrategyRecord) {
        self.strategy = strategy
    }
}

/// Lists the strategies.
public struct ListStrategiesRequest: Codable, Sendable, Hashable {
    /// Creates a request.
    public init() {}
}

/// The firm's strategies, by id.
public struct StrategyListReply: Codable, Sendable, Hashable {
    /// Strategies.
    public var strategies: [CollectionStrategyRecord]

    /// Creates a value.
    public init(strategies: [CollectionStrategyRecord]) {
        self.strategies = strategies
    }
}

/// Sets the strategy and/or the collection agent of clients.
public struct AssignStrategyRequest: Codable, Sendable, Hashable {
    /// Client ids.
    public var clients: [String]
    /// Strategy id to set (absent: unchanged).
    public var strategy: String?
    /// Collection agent to set (absent: unchanged).
    public var agent: String?

    /// Creates a request.
    public init(clients: [String], strategy: String? = nil, agent: String? = nil) {
        self.clients = clients
        self.strategy = strategy
        self.agent = agent
    }
}

/// The outcome of a strategy write, as an ingestion.
public struct SupervisorWriteReply: Codable, Sendable, Hashable {
    /// Ingestion sequence (0 when nothing changed).
    public var sequence: Int64
    /// Records written.
    public var landed: Int
    /// Records already as sent.
    public var unchanged: Int

    /// Creates a value.
    public init(sequence: Int64, landed: Int, unchanged: Int) {
        self.sequence = sequence
        self.landed = landed
        self.unchanged = unchanged
    }
}
