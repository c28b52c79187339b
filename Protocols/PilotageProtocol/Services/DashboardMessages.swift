public import Wire

// The shapes every dashboard shares (design.md "Dashboards"): level 2 is a set of series over a
// periodicity, level 3 is a table of rows (sortable, searchable, paged with a stable cursor,
// exportable as CSV). Level 1 replies are dashboard-specific but built from `KPISeriesMessage`
// (value at D + 30-day history + trend) and `NamedValue`.

/// The bucket size of a level-2 series.
public enum Periodicity: String, Codable, Sendable, Hashable, CaseIterable {
    /// One point per day.
    case day = "DAY"
    /// One point per ISO week (Monday to Sunday).
    case week = "WEEK"
    /// One point per calendar month.
    case month = "MONTH"
    /// One point per calendar quarter.
    case quarter = "QUARTER"
}

/// Asks for level-2 series: every requested KPI at a periodicity over a range.
public struct SeriesRequest: Codable, Sendable, Hashable {
    /// KPI ids (`AR-DSO-STD` …); absent = every KPI the dashboard has at level 2.
    public var kpis: [String]?
    /// Bucket size (default `MONTH`).
    public var periodicity: Periodicity?
    /// First day of the range (default: 12 buckets before `to`).
    public var from: CalendarDate?
    /// Last day of the range (default: the firm's today; never after it).
    public var to: CalendarDate?
    /// Which clients.
    public var filter: ClientFilterMessage?
    /// Fiscal year where the dashboard has one (prospects).
    public var fiscalYear: Int?
    /// Organisation unit (region, agency or team) where the dashboard has one (prospects).
    public var unit: String?
    /// Refuse with `FAILED_PRECONDITION` when the oldest pending change is older than this.
    public var maxStalenessSeconds: Double?
    /// Attach the additive parts behind each point.
    public var explain: Bool?
    /// Also recompute from raw facts and compare (verification mode: slow).
    public var verify: Bool?

    /// Creates a request.
    public init(
        kpis: [String]? = nil,
        periodicity: Periodicity? = nil,
        from: CalendarDate? = nil,
        to: CalendarDate? = nil,
        filter: ClientFilterMessage? = nil,
        fiscalYear: Int? = nil,
        unit: String? = nil,
        maxStalenessSeconds: Double? = nil,
        explain: Bool? = nil,
        verify: Bool? = nil
    ) {
        self.kpis = kpis
        self.periodicity = periodicity
        self.from = from
        self.to = to
        self.filter = filter
        self.fiscalYear = fiscalYear
        self.unit = unit
        self.maxStalenessSeconds = maxStalenessSeconds
        self.explain = explain
        self.verify = verify
    }

    enum CodingKeys: String, CodingKey {
        case kpis, periodicity, from, to, filter
        case fiscalYear = "fiscal_year"
        case unit
        case maxStalenessSeconds = "max_staleness_seconds"
        case explain, verify
    }
}

/// An additive part behind a value (explain): its name and its exact integer or rational value.
public struct PartMessage: Codable, Sendable, Hashable {
    /// Part name as kpi-definitions names it (`AR`, `SALES_P`, `DAYS_P` …).
    public var name: String
    /// Exact value (`123456`, `651/8`).
    public var value: String

    /// Creates a part.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// One point of a level-2 series: the bucket and the KPI over it (or at its end for a snapshot).
public struct SeriesPointMessage: Codable, Sendable, Hashable {
    /// First day of the bucket.
    public var start: CalendarDate
    /// Last day of the bucket (the range end for the last, unfinished bucket).
    public var end: CalendarDate
    /// Bucket label (`2025-03`, `2025-W12`, `2025-Q1`, `2025-03-31`).
    public var label: String
    /// The value.
    public var value: DashboardValue
    /// With `explain`: the additive parts the value is derived from.
    public var parts: [PartMessage]?

    /// Creates a point.
    public init(start: CalendarDate, end: CalendarDate, label: String, value: DashboardValue, parts: [PartMessage]? = nil) {
        self.start = start
        self.end = end
        self.label = label
        self.value = value
        self.parts = parts
    }
}

/// One KPI at level 2.
public struct SeriesMessage: Codable, Sendable, Hashable {
    /// KPI id.
    public var kpi: String
    /// One point per bucket, oldest first.
    public var points: [SeriesPointMessage]

    /// Creates a series.
    public init(kpi: String, points: [SeriesPointMessage]) {
        self.kpi = kpi
        self.points = points
    }
}

/// Verification of a level-2 or level-3 answer: every value that differs from the raw-facts
/// recomputation.
public struct DashboardVerification: Codable, Sendable, Hashable {
    /// No difference at all.
    public var equal: Bool
    /// Every value that differs (`kpi` names the series or `row/column`).
    public var differences: [ValueDifference]
    /// Time spent on the rollup answer, milliseconds.
    public var rollupMilliseconds: Double
    /// Time spent on the raw-facts answer, milliseconds.
    public var referenceMilliseconds: Double

    /// Creates a value.
    public init(equal: Bool, differences: [ValueDifference], rollupMilliseconds: Double, referenceMilliseconds: Double) {
        self.equal = equal
        self.differences = differences
        self.rollupMilliseconds = rollupMilliseconds
        self.referenceMilliseconds = referenceMilliseconds
    }

    enum CodingKeys: String, CodingKey {
        case equal, differences
        case rollupMilliseconds = "rollup_milliseconds"
        case referenceMilliseconds = "reference_milliseconds"
    }
}

/// Level-2 answer.
public struct SeriesReply: Codable, Sendable, Hashable {
    /// Range start.
    public var from: CalendarDate
    /// Range end.
    public var to: CalendarDate
    /// Bucket size.
    public var periodicity: Periodicity
    /// The contract version the numbers follow.
    public var definitions: String
    /// How fresh the rollups are.
    public var freshness: Freshness
    /// Clients (or deals) selected.
    public var selected: Int
    /// One series per KPI.
    public var series: [SeriesMessage]
    /// With `verify`: the comparison with raw facts.
    public var verification: DashboardVerification?

    /// Creates a reply.
    public init(
        from: CalendarDate,
        to: CalendarDate,
        periodicity: Periodicity,
        definitions: String,
        freshness: Freshness,
        selected: Int,
        series: [SeriesMessage],
        verification: DashboardVerification? = nil
    ) {
        self.from = from
        self.to = to
        self.periodicity = periodicity
        self.definitions = definitions
        self.freshness = freshness
        self.selected = selected
        self.series = series
        self.verification = verification
    }
}

/// A sort key of a level-3 table.
public struct SortKeyMessage: Codable, Sendable, Hashable {
    /// Column name.
    public var column: String
    /// Descending order (default ascending). Nulls sort last either way.
    public var descending: Bool?

    /// Creates a sort key.
    public init(column: String, descending: Bool? = nil) {
        self.column = column
        self.descending = descending
    }
}

/// Asks for a page of level-3 rows (or their CSV export).
public struct TableRequest: Codable, Sendable, Hashable {
    /// Which table of the dashboard (`clients`, `deals`, `documents` …; default: the first).
    public var view: String?
    /// D (default: the firm's today).
    public var asOf: CalendarDate?
    /// Which clients.
    public var filter: ClientFilterMessage?
    /// Fiscal year where the dashboard has one (prospects).
    public var fiscalYear: Int?
    /// Organisation unit where the dashboard has one (prospects).
    public var unit: String?
    /// Case-insensitive substring searched in the searchable columns (client id and name …).
    public var search: String?
    /// Sort keys, most significant first (default: the table's natural order); the row key
    /// always breaks ties, so the order is total and pages are stable.
    public var sort: [SortKeyMessage]?
    /// Rows per page (default 50, at most 1,000; ignored by exports).
    public var pageSize: Int?
    /// The `next_cursor` of the previous page; absent for the first page.
    public var cursor: String?
    /// Pin to this watermark (exports pass the page's): `FAILED_PRECONDITION` if the rollups
    /// have moved since.
    public var watermark: Int64?
    /// Refuse with `FAILED_PRECONDITION` when the oldest pending change is older than this.
    public var maxStalenessSeconds: Double?
    /// Also recompute every row of the page from raw facts and compare (verification mode: slow).
    public var verify: Bool?

    /// Creates a request.
    public init(
        view: String? = nil,
        asOf: CalendarDate? = nil,
        filter: ClientFilterMessage? = nil,
        fiscalYear: Int? = nil,
        unit: String? = nil,
        search: String? = nil,
        sort: [SortKeyMessage]? = nil,
        pageSize: Int? = nil,
        cursor: String? = nil,
        watermark: Int64? = nil,
        maxStalenessSeconds: Double? = nil,
        verify: Bool? = nil
    ) {
        self.view = view
        self.asOf = asOf
        self.filter = filter
        self.fiscalYear = fiscalYear
        self.unit = unit
        self.search = search
        self.sort = sort
        self.pageSize = pageSize
        self.cursor = cursor
        self.watermark = watermark
        self.maxStalenessSeconds = maxStalenessSeconds
        self.verify = verify
    }

    enum CodingKeys: String, CodingKey {
        case view
        case asOf = "as_of"
        case filter
        case fiscalYear = "fiscal_year"
        case unit, search, sort
        case pageSize = "page_size"
        case cursor, watermark
        case maxStalenessSeconds = "max_staleness_seconds"
        case verify
    }
}

/// A column of a level-3 table.
public struct ColumnMessage: Codable, Sendable, Hashable {
    /// Stable name, used by `sort` and as the CSV header (`client`, `ar_cents`, `dso_days`).
    public var name: String
    /// Human title.
    public var title: String
    /// `TEXT`, `DATE`, `CENTS`, `COUNT`, `DAYS`, `PERCENT`, `RATIO`.
    public var unit: String

    /// Creates a column.
    public init(name: String, title: String, unit: String) {
        self.name = name
        self.title = title
        self.unit = unit
    }
}

/// A row of a level-3 table: its key and one cell per column (`null` for no value). Numbers are
/// written as in the contract: cents as integers, days and percents rounded, dates ISO.
public struct TableRowMessage: Codable, Sendable, Hashable {
    /// Unique key of the row (client id, deal id …).
    public var key: String
    /// One cell per column.
    public var cells: [String?]

    /// Creates a row.
    public init(key: String, cells: [String?]) {
        self.key = key
        self.cells = cells
    }
}

/// A page of level-3 rows.
public struct TableReply: Codable, Sendable, Hashable {
    /// The table.
    public var view: String
    /// D.
    public var asOf: CalendarDate
    /// The contract version the numbers follow.
    public var definitions: String
    /// How fresh the rollups are.
    public var freshness: Freshness
    /// The rollup state this page was read at; pass it to the export to get the same rows.
    public var watermark: Int64
    /// Columns.
    public var columns: [ColumnMessage]
    /// The page.
    public var rows: [TableRowMessage]
    /// Rows matching the filter and search, all pages together.
    public var totalRows: Int
    /// Cursor of the next page; absent on the last page.
    public var nextCursor: String?
    /// With `verify`: the page's cells compared with their raw-facts recomputation.
    public var verification: DashboardVerification?

    /// Creates a reply.
    public init(
        view: String,
        asOf: CalendarDate,
        definitions: String,
        freshness: Freshness,
        watermark: Int64,
        columns: [ColumnMessage],
        rows: [TableRowMessage],
        totalRows: Int,
        nextCursor: String?,
        verification: DashboardVerification? = nil
    ) {
        self.view = view
        self.asOf = asOf
        self.definitions = definitions
        self.freshness = freshness
        self.watermark = watermark
        self.columns = columns
        self.rows = rows
        self.totalRows = totalRows
        self.nextCursor = nextCursor
        self.verification = verification
    }

    enum CodingKeys: String, CodingKey {
        case view
        case asOf = "as_of"
        case definitions, freshness, watermark, columns, rows
        case totalRows = "total_rows"
        case nextCursor = "next_cursor"
        case verification
    }
}

/// A piece of a streamed CSV export: the first chunk starts with the header line; lines end
/// with CRLF (RFC 4180).
public struct CSVChunkMessage: Codable, Sendable, Hashable {
    /// Whole lines of CSV text.
    public var text: String

    /// Creates a chunk.
    public init(text: String) {
        self.text = text
    }
}
