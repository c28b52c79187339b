public import RPCCore

/// `pilotage.dashboard.Clients`: level 3 of the receivables and practice dashboards, one row
/// per client of the caller's firm (metadata `pilotage-tenant`), from the per-client rollup rows
/// only. Visibility applies as on every dashboard (metadata `pilotage-user`).
///
/// Views (`TableRequest.view`): ``receivablesView`` (default) and ``practiceView``. D
/// (`as_of`) is the firm's today, a day of the current month or a month end; any other date is
/// `INVALID_ARGUMENT`. Rows are searchable by client id and name, sortable by any column and
/// paged with a cursor pinned to the rollup watermark.
public enum ClientsDashboardService {
    /// Service name.
    public static let name = "pilotage.dashboard.Clients"

    /// The receivables table: AR, not due, overdue buckets, unapplied, disputed, DSO, CEI,
    /// days beyond terms, collection rate, last payment … per client.
    public static let receivablesView = "receivables"
    /// The practice table: documents to process, received by channel, processed, regularity,
    /// inactive/declining flags, supplier rules … per client.
    public static let practiceView = "practice"
    /// Every view.
    public static let views = [receivablesView, practiceView]

    /// One page of a view.
    public static let page = MethodDescriptor<TableRequest, TableReply>(
        service: name,
        method: "Page",
        kind: .unary
    )

    /// Every row of a view (search and sort applied) as CSV, streamed in chunks of whole lines;
    /// with `watermark` (a page's), `FAILED_PRECONDITION` if the rollups have moved since.
    public static let export = MethodDescriptor<TableRequest, CSVChunkMessage>(
        service: name,
        method: "Export",
        kind: .serverStreaming
    )
}
