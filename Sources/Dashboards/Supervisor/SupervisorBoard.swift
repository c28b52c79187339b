public import KPI
public import PilotageProtocol
internal import Wire

/// The supervisor list as the wire shows it, pure: KPI items → messages, search, sort inside
/// groups, grouped pages with whole-group subtotals and a stable cursor, CSV rows.
///
/// Paging walks the groups depth first (groups by key, items in the requested order inside the
/// leaf groups) and cuts that sequence into pages; a page carries every group it touches with the
/// group's count and subtotal over the **whole** list, and only the page's items.
public struct SupervisorBoard: Sendable {
    /// Columns the items can be sorted by inside a group.
    public static let sortColumns = ["due_date", "trigger_date", "open", "days_past_due", "client", "reference", "action", "id"]

    /// The listed items (after filters and visibility, before search).
    public var items: [SupervisorItem]
    /// Grouping mode.
    public var grouping: SupervisorGrouping

    /// Creates a board.
    public init(items: [SupervisorItem], grouping: SupervisorGrouping) {
        self.items = items
        self.grouping = grouping
    }

    /// The KPI mode of a wire grouping (default `CLIENT`).
    public static func grouping(_ message: SupervisorGroupingMessage?) -> SupervisorGrouping {
        switch message ?? .client {
        case .client: .client
        case .actionThenClient: .actionThenClient
        case .clientThenDueDate: .clientThenDueDate
        case .action: .action
        case .clientThenAction: .clientThenAction
        case .actionThenDueDate: .actionThenDueDate
        }
    }

    /// The KPI filter of a wire filter.
    public static func filter(_ message: SupervisorFilterMessage?) -> SupervisorFilter {
        guard let message else { return SupervisorFilter() }
        return SupervisorFilter(
            agent: message.agent,
            client: message.client,
            collectiveAccount: message.collectiveAccount,
            minimumAmount: message.minAmount,
            maximumAmount: message.maxAmount,
            dueFrom: message.dueFrom,
            dueTo: message.dueTo
        )
    }

    // MARK: - Ordering

    /// The groups of the items matching `search`, items inside leaf groups ordered by `sort`
    /// (then due date, then id).
    public func groups(search: String?, sort: [SortKeyMessage]?) throws(DashboardError) -> [SupervisorGroup] {
        let order = try Self.comparator(sort ?? [])
        var items = self.items
        if let needle = search?.lowercased(), !needle.isEmpty {
            items = items.filter { item in
                [item.client, item.clientName, item.reference, item.id, item.nextAction?.action.code ?? ""]
                    .contains { $0.lowercased().contains(needle) }
            }
        }
        // Groups come with their items by due date then id, the default order: sort only when asked.
        guard let sort, !sort.isEmpty else { return Supervisor.group(items, by: self.grouping) }
        func sorted(_ groups: [SupervisorGroup]) -> [SupervisorGroup] {
            groups.map { group in
                var group = group
                group.items.sort(by: order)
                group.subgroups = sorted(group.subgroups)
                return group
            }
        }
        return sorted(Supervisor.group(items, by: self.grouping))
    }

    /// The items of `groups` in page order (depth first), with the path of group indices.
    package static func walk(_ groups: [SupervisorGroup]) -> [(path: [Int], item: SupervisorItem)] {
        var result: [(path: [Int], item: SupervisorItem)] = []
        for (index, group) in groups.enumerated() {
            if group.subgroups.isEmpty {
                result += group.items.map { (path: [index], item: $0) }
            } else {
                result += Self.walk(group.subgroups).map { (path: [index] + $0.path, item: $0.item) }
            }
        }
        return result
    }

    /// The items `offset ..< offset + count` of `groups` in page order, with their group paths,
    /// without walking the groups before them item by item.
    package static func slice(_ groups: [SupervisorGroup], from offset: Int, count: Int) -> [(path: [Int], item: SupervisorItem)] {
        var result: [(path: [Int], item: SupervisorItem)] = []
        var skip = offset
        var remaining = count
        func visit(_ groups: [SupervisorGroup], prefix: [Int]) {
            for (index, group) in groups.enumerated() {
                guard remaining > 0 else { return }
                // A group's count is the number of items of its leaves.
                if skip >= group.count {
                    skip -= group.count
                    continue
                }
                if group.subgroups.isEmpty {
                    let end = min(group.items.count, skip + remaining)
                    for item in group.items[skip..<end] { result.append((path: prefix + [index], item: item)) }
                    remaining -= end - skip
                    skip = 0
                } else {
                    visit(group.subgroups, prefix: prefix + [index])
                }
            }
        }
        visit(groups, prefix: [])
        return result
    }

    private static func comparator(_ keys: [SortKeyMessage]) throws(DashboardError) -> (SupervisorItem, SupervisorItem) -> Bool {
        for key in keys where !Self.sortColumns.contains(key.column) {
            throw DashboardError(
                .invalidArgument,
                "unknown sort column '\(key.column)' in the supervisor list; columns: \(Self.sortColumns.joined(separator: ", "))"
            )
        }
        return { left, right in
            for key in keys {
                let descending = key.descending ?? false
                let ordered: Bool?
                switch key.column {
                case "due_date": ordered = Self.compare(left.dueDate, right.dueDate)
                case "trigger_date": ordered = Self.compare(left.nextAction?.triggerDate ?? .max, right.nextAction?.triggerDate ?? .max)
                case "open": ordered = Self.compare(left.open, right.open)
                case "days_past_due": ordered = Self.compare(left.daysPastDue, right.daysPastDue)
                case "client": ordered = Self.compare(left.clientName.lowercased(), right.clientName.lowercased())
                case "reference": ordered = Self.compare(left.reference, right.reference)
                case "action": ordered = Self.compare(left.nextAction?.action.code ?? "", right.nextAction?.action.code ?? "")
                default: ordered = Self.compare(left.id, right.id)
                }
                if let ordered { return descending ? !ordered : ordered }
            }
            return (left.dueDate, left.id) < (right.dueDate, right.id)
        }
    }

    /// `true` if left < right, `false` if left > right, `nil` if equal.
    private static func compare<T: Comparable>(_ left: T, _ right: T) -> Bool? {
        left == right ? nil : left < right
    }

    // MARK: - Pages

    /// One page of the list.
    public struct Page: Hashable, Sendable {
        /// Groups touched by the page (whole-group counts and subtotals, page items only).
        public var groups: [SupervisorGroupMessage]
        /// Items in the whole list (after search).
        public var totalItems: Int
        /// Σ open of the whole list, cents.
        public var totalOpen: Int64
        /// Cursor of the next page.
        public var nextCursor: String?
    }

    /// The page asked by `query`; the cursor is bound to `pin` (watermark and query scope).
    public func page(_ query: TableQuery, pin: TablePin) throws(DashboardError) -> Page {
        let size = query.pageSize ?? DashboardTable.defaultPageSize
        guard (1...DashboardTable.maximumPageSize).contains(size) else {
            throw DashboardError(.invalidArgument, "page_size must be between 1 and \(DashboardTable.maximumPageSize), got \(size)")
        }
        let sortText = (query.sort ?? []).map { "\($0.column)\($0.descending == true ? "-" : "+")" }.joined(separator: ",")
        let scope = "\(pin.scope)|\(self.grouping.rawValue)|\(query.search?.lowercased() ?? "")|\(sortText)"
        var offset = 0
        if let text = query.cursor {
            let cursor = try TableCursor(text)
            guard cursor.scopeDigest == TableCursor.digest(scope) else {
                throw DashboardError(.invalidArgument, "the cursor belongs to another query (dates, filter, grouping, search or sort changed)")
            }
            guard cursor.watermark == pin.watermark else {
                throw DashboardError(
                    .failedPrecondition,
                    "the firm's records moved since the first page (sequence \(cursor.watermark) → \(pin.watermark)); start again from the first page"
                )
            }
            offset = cursor.offset
        }
        let groups = try self.groups(search: query.search, sort: query.sort)
        let total = groups.reduce(0) { $0 + $1.count }
        let slice = Self.slice(groups, from: offset, count: size)
        let end = min(total, offset + size)
        let next = end < total ? TableCursor(watermark: pin.watermark, scopeDigest: TableCursor.digest(scope), offset: end).text : nil
        return Page(
            groups: Self.messages(groups, keeping: slice.map(\.path), items: slice.map(\.item)),
            totalItems: total,
            totalOpen: Self.cents(groups.reduce(WideInt.zero) { $0 + $1.subtotal }),
            nextCursor: next
        )
    }

    /// Every group as a message with all its items (documents, exports of a selection).
    public static func messages(_ groups: [SupervisorGroup]) -> [SupervisorGroupMessage] {
        let walked = Self.walk(groups)
        return Self.messages(groups, keeping: walked.map(\.path), items: walked.map(\.item))
    }

    /// The messages of the groups on `paths`, each leaf carrying the listed items.
    private static func messages(_ groups: [SupervisorGroup], keeping paths: [[Int]], items: [SupervisorItem]) -> [SupervisorGroupMessage] {
        var order: [Int] = []
        var byGroup: [Int: (paths: [[Int]], items: [SupervisorItem])] = [:]
        for (path, item) in zip(paths, items) {
            guard let head = path.first else { continue }
            if byGroup[head] == nil { order.append(head) }
            byGroup[head, default: ([], [])].paths.append(Array(path.dropFirst()))
            byGroup[head, default: ([], [])].items.append(item)
        }
        return order.map { index in
            let group = groups[index]
            let members = byGroup[index] ?? ([], [])
            let isLeaf = group.subgroups.isEmpty
            return SupervisorGroupMessage(
                key: group.key,
                label: group.label,
                count: group.count,
                subtotal: Self.cents(group.subtotal),
                items: isLeaf ? members.items.map(Self.message) : [],
                subgroups: isLeaf ? [] : Self.messages(group.subgroups, keeping: members.paths, items: members.items)
            )
        }
    }

    // MARK: - Messages

    /// A wide amount as cents, clamped to `Int64` (a sum of `Int64` amounts never gets near).
    public static func cents(_ value: WideInt) -> Int64 {
        value.int64 ?? (value < .zero ? .min : .max)
    }

    /// The wire message of an item.
    public static func message(_ item: SupervisorItem) -> SupervisorItemMessage {
        SupervisorItemMessage(
            id: item.id,
            kind: item.kind.rawValue,
            client: item.client,
            clientName: item.clientName,
            agent: item.agent,
            collectiveAccount: item.collectiveAccount,
            reference: item.reference,
            dueDate: item.dueDate,
            open: Self.cents(item.open),
            paymentMode: item.paymentMode,
            daysPastDue: item.daysPastDue,
            colour: item.colour.rawValue,
            nextAction: item.nextAction.map(Self.message)
        )
    }

    /// The wire message of a planned action.
    public static func message(_ planned: PlannedAction) -> PlannedActionMessage {
        PlannedActionMessage(
            code: planned.action.code,
            channel: ActionChannel(rawValue: planned.action.channel.rawValue) ?? .call,
            offsetDays: planned.action.offsetDays,
            paymentMode: planned.action.paymentMode,
            triggerDate: planned.triggerDate
        )
    }

    // MARK: - CSV

    /// CSV columns of the export.
    public static let csvHeader = [
        "group", "subgroup", "client", "client_name", "agent", "collective_account", "installment", "reference", "due_date",
        "open_cents", "payment_mode", "days_past_due", "colour", "action", "channel", "trigger_date",
    ]

    /// The export of the whole list (search and sort applied), in chunks of about `chunkBytes`.
    public func csv(search: String?, sort: [SortKeyMessage]?, chunkBytes: Int = 64 * 1024) throws(DashboardError) -> [String] {
        let groups = try self.groups(search: search, sort: sort)
        let lines = Self.walk(groups).lazy.map { path, item -> [String?] in
            let group = groups[path[0]]
            let subgroup = path.count > 1 ? group.subgroups[path[1]].key : nil
            return [
                group.key, subgroup, item.client, item.clientName, item.agent, item.collectiveAccount, item.id, item.reference,
                item.dueDate.description, String(Self.cents(item.open)), item.paymentMode, String(item.daysPastDue),
                item.colour.rawValue, item.nextAction?.action.code, item.nextAction?.action.channel.rawValue,
                item.nextAction?.triggerDate.description,
            ]
        }
        return CSVWriter.chunks(header: Self.csvHeader, lines: lines, chunkBytes: chunkBytes)
    }
}
