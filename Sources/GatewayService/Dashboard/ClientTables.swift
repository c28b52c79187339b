internal import Foundation
internal import Dashboards
internal import KPI
internal import PilotageProtocol
internal import Rollups
internal import Wire

/// The level-3 tables of `pilotage.dashboard.Clients`: one row per client, built from each
/// client's stored parts at D (``Rollups/ClientReceivablesParts``, ``Rollups/ClientPracticeParts``)
/// with the same formulas as any selection, and its client record (name, office, mode,
/// collaborators). Pure: the verification mode builds the same table from parts recomputed
/// from raw facts.
enum ClientTables {
    /// One client's inputs.
    struct Input: Sendable {
        var record: ClientRecord
        var receivables: ClientReceivablesParts
        var practice: ClientPracticeParts
    }

    /// The table of `view` at D.
    static func table(view: String, asOf date: CalendarDate, context: KPIContext, inputs: [Input]) -> DashboardTable {
        switch view {
        case ClientsDashboardService.practiceView: Self.practice(inputs: inputs)
        default: Self.receivables(asOf: date, context: context, inputs: inputs)
        }
    }

    /// Columns every view starts with.
    static let identityColumns = [
        TableColumn(name: "client", title: "Client", unit: "TEXT", searchable: true),
        TableColumn(name: "name", title: "Name", unit: "TEXT", searchable: true),
        TableColumn(name: "office", title: "Office", unit: "TEXT"),
        TableColumn(name: "mode", title: "Bookkeeping mode", unit: "TEXT"),
        TableColumn(name: "collaborators", title: "Collaborators", unit: "TEXT"),
    ]

    static func identity(_ record: ClientRecord) -> [TableValue] {
        [
            .text(record.id),
            .text(record.name),
            record.office.map(TableValue.text) ?? .null,
            .text(record.bookkeepingMode.rawValue),
            .text(record.assignedCollaborators.sorted().joined(separator: " ")),
        ]
    }

    /// A column name for an ageing bucket label (`NOT_DUE` → `not_due_cents`, `1-30` →
    /// `aged_1_30_cents`, `>120` → `aged_over_120_cents`).
    static func bucketColumn(_ label: String) -> String {
        if label == "NOT_DUE" { return "not_due_cents" }
        let text = label.replacingOccurrences(of: ">", with: "over_").replacingOccurrences(of: "-", with: "_")
        return "aged_\(text)_cents"
    }

    static func receivables(asOf date: CalendarDate, context: KPIContext, inputs: [Input]) -> DashboardTable {
        let settings = context.settings.clamped
        let labels = settings.agedBucketLabels
        let columns =
            Self.identityColumns + [
                TableColumn(name: "ar_cents", title: "AR (net)", unit: "CENTS"),
                TableColumn(name: "gross_cents", title: "Gross outstanding", unit: "CENTS"),
                TableColumn(name: "overdue_cents", title: "Overdue", unit: "CENTS"),
            ] + labels.map { TableColumn(name: Self.bucketColumn($0), title: $0, unit: "CENTS") } + [
                TableColumn(name: "unapplied_cents", title: "Unapplied", unit: "CENTS"),
                TableColumn(name: "disputed_cents", title: "Disputed", unit: "CENTS"),
                TableColumn(name: "at_risk_cents", title: "At risk", unit: "CENTS"),
                TableColumn(name: "dso_days", title: "DSO", unit: "DAYS"),
                TableColumn(name: "bpdso_days", title: "Best possible DSO", unit: "DAYS"),
                TableColumn(name: "cei_percent", title: "CEI (month to date)", unit: "PERCENT"),
                TableColumn(name: "dbt_days", title: "Days beyond terms", unit: "DAYS"),
                TableColumn(name: "collection_rate_percent", title: "Collection rate (month to date)", unit: "PERCENT"),
                TableColumn(name: "adtp_days", title: "Average days to pay", unit: "DAYS"),
                TableColumn(name: "last_payment", title: "Last payment", unit: "DATE"),
            ]
        let rows = inputs.map { input -> TableRow in
            let kpi = ReceivablesKPI(source: input.receivables.source(asOf: date, settings: settings), context: context)
            let outstanding = kpi.outstanding(asOf: date)
            let aged = kpi.agedBalance(asOf: date)
            let snapshot = input.receivables.snapshot
            let window = ClientRollupCalculator.window(asOf: date, settings: settings)
            var values = Self.identity(input.record)
            values += [.kpi(outstanding.net), .kpi(outstanding.gross), .kpi(outstanding.overdue)]
            values += aged.buckets.map { .kpi(.cents($0.amount)) }
            values += [
                .kpi(outstanding.unapplied),
                .kpi(outstanding.disputed),
                .kpi(.cents(snapshot.atRisk)),
                .kpi(kpi.dsoStandard(asOf: date)),
                .kpi(kpi.bestPossibleDSO(asOf: date)),
                .kpi(kpi.collectionEffectiveness(over: .monthToDate(date))),
                .kpi(kpi.daysBeyondTerms(asOf: date)),
                .kpi(kpi.collectionRate(over: .monthToDate(date))),
                .kpi(kpi.averageDaysToPay(over: window)),
                input.receivables.lastPayment.map(TableValue.date) ?? .null,
            ]
            return TableRow(key: input.record.id, values: values)
        }
        return DashboardTable(
            view: ClientsDashboardService.receivablesView,
            columns: columns,
            rows: rows,
            naturalOrder: [SortKeyMessage(column: "ar_cents", descending: true)]
        )
    }

    static func practice(inputs: [Input]) -> DashboardTable {
        let channels = DocumentFact.Channel.allCases
        let columns =
            Self.identityColumns + [
                TableColumn(name: "frequency", title: "Declared frequency", unit: "TEXT"),
                TableColumn(name: "to_process", title: "To process", unit: "COUNT"),
                TableColumn(name: "to_review", title: "To review", unit: "COUNT"),
                TableColumn(name: "ready", title: "Ready", unit: "COUNT"),
                TableColumn(name: "received", title: "Received (month to date)", unit: "COUNT"),
                TableColumn(name: "processed", title: "Processed (month to date)", unit: "COUNT"),
            ] + channels.map { TableColumn(name: "received_\($0.rawValue.lowercased())", title: $0.rawValue, unit: "COUNT") } + [
                TableColumn(name: "regularity_percent", title: "Regularity", unit: "PERCENT"),
                TableColumn(name: "inactive", title: "Inactive", unit: "COUNT"),
                TableColumn(name: "declining", title: "Declining", unit: "COUNT"),
                TableColumn(name: "supplier_rules", title: "Supplier rules", unit: "COUNT"),
                TableColumn(name: "rule_coverage_percent", title: "Rule coverage (month to date)", unit: "PERCENT"),
                TableColumn(name: "auto_categorised", title: "Auto-categorised (month to date)", unit: "COUNT"),
            ]
        let rows = inputs.map { input -> TableRow in
            let snapshot = input.practice.snapshot
            let flow = input.practice.monthToDate
            var values = Self.identity(input.record)
            values += [
                .text((input.record.frequency ?? .monthly).rawValue),
                .integer(snapshot.toReview + snapshot.ready),
                .integer(snapshot.toReview),
                .integer(snapshot.ready),
                .integer(flow.received),
                .integer(flow.published),
            ]
            values += channels.map { .integer(flow.receivedByChannel[$0.rawValue] ?? 0) }
            values += [
                .kpi(ReceivablesFormulas.percent(WideInt(snapshot.periodsWithDocuments), of: WideInt(snapshot.periodsExpected))),
                .integer(snapshot.inactiveClients),
                .integer(snapshot.decliningClients),
                .integer(snapshot.supplierRules),
                .kpi(ReceivablesFormulas.percent(WideInt(flow.coveredByRule), of: WideInt(flow.received))),
                .integer(flow.autoCategorised),
            ]
            return TableRow(key: input.record.id, values: values)
        }
        return DashboardTable(
            view: ClientsDashboardService.practiceView,
            columns: columns,
            rows: rows,
            naturalOrder: [SortKeyMessage(column: "to_process", descending: true)]
        )
    }

    /// Every cell of `rows` that differs from `reference` (same keys expected), named
    /// `client/column`.
    static func differences(columns: [TableColumn], rows: [TableRow], reference: [TableRow], asOf date: CalendarDate) -> [ValueDifference] {
        let expected = Dictionary(reference.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var differences: [ValueDifference] = []
        for row in rows {
            guard let other = expected[row.key] else {
                differences.append(ValueDifference(kpi: "\(row.key) missing from raw facts", date: date, rollup: nil, reference: nil, difference: nil))
                continue
            }
            for (index, column) in columns.enumerated() where row.values[index] != other.values[index] {
                differences.append(
                    ValueDifference(
                        kpi: "\(row.key)/\(column.name)",
                        date: date,
                        rollup: Self.dashboardValue(row.values[index]),
                        reference: Self.dashboardValue(other.values[index]),
                        difference: nil
                    )
                )
            }
        }
        return differences
    }

    static func dashboardValue(_ value: TableValue) -> DashboardValue {
        switch value {
        case .kpi(let kpi): Level1Report.value(kpi)
        default: DashboardValue(value: value.rendered, exact: value.rendered, decimals: 0, unit: "TEXT", reason: nil, flags: nil)
        }
    }
}
