public import PilotageProtocol

/// A column of a level-3 table.
public struct TableColumn: Hashable, Sendable {
    /// Stable name (sort key, CSV header).
    public var name: String
    /// Human title.
    public var title: String
    /// `TEXT`, `DATE`, `CENTS`, `COUNT`, `DAYS`, `PERCENT`, `RATIO`.
    public var unit: String
    /// Whether `search` looks into this column.
    public var searchable: Bool

    /// Creates a column.
    public init(name: String, title: String, unit: String, searchable: Bool = false) {
        self.name = name
        self.title = title
        self.unit = unit
        self.searchable = searchable
    }

    /// The contract message.
    public var message: ColumnMessage { ColumnMessage(name: self.name, title: self.title, unit: self.unit) }
}

/// A row of a level-3 table: a unique key and one value per column.
public struct TableRow: Hashable, Sendable {
    /// Unique key (client id, deal id …); breaks sort ties so the order is total.
    public var key: String
    /// One value per column.
    public var values: [TableValue]

    /// Creates a row.
    public init(key: String, values: [TableValue]) {
        self.key = key
        self.values = values
    }

    /// The contract message.
    public var message: TableRowMessage { TableRowMessage(key: self.key, cells: self.values.map(\.rendered)) }
}

/// A whole level-3 table, before search, sort and paging.
///
/// ```swift
/// let table = DashboardTable(view: "clients", columns: columns, rows: rows, naturalOrder: [.init(column: "client")])
/// let page = try table.page(TableQuery(request: request), pin: TablePin(watermark: 42, scope: "clients|2025-03-31|all"))
/// ```
public struct DashboardTable: Sendable {
    /// Rows per page when the request does not say.
    public static let defaultPageSize = 50
    /// The most rows a page may hold.
    public static let maximumPageSize = 1_000

    /// The table's name.
    public var view: String
    /// Columns.
    public var columns: [TableColumn]
    /// Rows, in any order.
    public var rows: [TableRow]
    /// The order used when the request gives no sort keys.
    public var naturalOrder: [SortKeyMessage]

    /// Creates a table.
    public init(view: String, columns: [TableColumn], rows: [TableRow], naturalOrder: [SortKeyMessage] = []) {
        self.view = view
        self.columns = columns
        self.rows = rows
        self.naturalOrder = naturalOrder
    }

    /// The rows matching `search`, in the order of `sort` (then the natural order, then the row key).
    public func ordered(search: String?, sort: [SortKeyMessage]?) throws(DashboardError) -> [TableRow] {
        let keys = try self.resolve(sort ?? []) + (try self.resolve(self.naturalOrder))
        var rows = self.rows
        if let needle = search?.lowercased(), !needle.isEmpty {
            let searchable = self.columns.indices.filter { self.columns[$0].searchable }
            rows = rows.filter { row in
                row.key.lowercased().contains(needle)
                    || searchable.contains { row.values[$0].rendered?.lowercased().contains(needle) == true }
            }
        }
        let sortKeys = rows.map { row in keys.map { row.values[$0.index].sortKey } }
        let order = rows.indices.sorted { left, right in
            for (position, key) in keys.enumerated() {
                let a = sortKeys[left][position]
                let b = sortKeys[right][position]
                if a == b { continue }
                guard let a else { return false }
                guard let b else { return true }
                return key.descending ? a > b : a < b
            }
            return rows[left].key < rows[right].key
        }
        return order.map { rows[$0] }
    }

    /// One page of the ordered rows; the cursor it returns carries the pin, so a later page
    /// read after the data moved fails instead of skipping or repeating rows.
    public func page(_ query: TableQuery, pin: TablePin) throws(DashboardError) -> TablePage {
        let size = query.pageSize ?? Self.defaultPageSize
        guard (1...Self.maximumPageSize).contains(size) else {
            throw DashboardError(.invalidArgument, "page_size must be between 1 and \(Self.maximumPageSize), got \(size)")
        }
        let scope = pin.scope + "|" + query.signature
        var offset = 0
        if let text = query.cursor {
            let cursor = try TableCursor(text)
            guard cursor.scopeDigest == TableCursor.digest(scope) else {
                throw DashboardError(.invalidArgument, "the cursor belongs to another query (view, date, filter, search or sort changed)")
            }
            guard cursor.watermark == pin.watermark else {
                throw DashboardError(
                    .failedPrecondition,
                    "the rollups moved since the first page (watermark \(cursor.watermark) → \(pin.watermark)); start again from the first page"
                )
            }
            offset = cursor.offset
        }
        let rows = try self.ordered(search: query.search, sort: query.sort)
        let end = min(rows.count, offset + size)
        let slice = offset < end ? Array(rows[offset..<end]) : []
        let next = end < rows.count ? TableCursor(watermark: pin.watermark, scopeDigest: TableCursor.digest(scope), offset: end).text : nil
        return TablePage(rows: slice, totalRows: rows.count, nextCursor: next)
    }

    private struct ResolvedKey {
        var index: Int
        var descending: Bool
    }

    private func resolve(_ keys: [SortKeyMessage]) throws(DashboardError) -> [ResolvedKey] {
        var resolved: [ResolvedKey] = []
        for key in keys {
            guard let index = self.columns.firstIndex(where: { $0.name == key.column }) else {
                let names = self.columns.map(\.name).joined(separator: ", ")
                throw DashboardError(.invalidArgument, "unknown sort column '\(key.column)' in \(self.view); columns: \(names)")
            }
            resolved.append(ResolvedKey(index: index, descending: key.descending ?? false))
        }
        return resolved
    }
}

/// The search, sort and paging part of a `TableRequest`.
public struct TableQuery: Hashable, Sendable {
    /// Substring searched in the row key and the searchable columns.
    public var search: String?
    /// Sort keys.
    public var sort: [SortKeyMessage]?
    /// Rows per page.
    public var pageSize: Int?
    /// The previous page's cursor.
    public var cursor: String?

    /// Creates a query.
    public init(search: String? = nil, sort: [SortKeyMessage]? = nil, pageSize: Int? = nil, cursor: String? = nil) {
        self.search = search
        self.sort = sort
        self.pageSize = pageSize
        self.cursor = cursor
    }

    /// Takes the query part of a request.
    public init(request: TableRequest) {
        self.init(search: request.search, sort: request.sort, pageSize: request.pageSize, cursor: request.cursor)
    }

    /// What must not change between pages (search and sort).
    var signature: String {
        let sort = (self.sort ?? []).map { "\($0.column)\($0.descending == true ? "-" : "+")" }.joined(separator: ",")
        return "\(self.search?.lowercased() ?? "")|\(sort)"
    }
}

/// What a page is pinned to: the rollup watermark it was read at and a text naming the rest of
/// the query (view, date, filter) that must not change between pages.
public struct TablePin: Hashable, Sendable {
    /// The rollup state (`Freshness.watermarkSequence`).
    public var watermark: Int64
    /// View, date and filter as a stable text.
    public var scope: String

    /// Creates a pin.
    public init(watermark: Int64, scope: String) {
        self.watermark = watermark
        self.scope = scope
    }
}

/// A page of rows.
public struct TablePage: Hashable, Sendable {
    /// The rows of the page.
    public var rows: [TableRow]
    /// All rows matching, every page together.
    public var totalRows: Int
    /// The next page's cursor; `nil` on the last page.
    public var nextCursor: String?
}
