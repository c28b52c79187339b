public import PilotageProtocol

extension EntityKind {
    /// Kinds ordered so that every reference points to an earlier kind (organisation units
    /// before collaborators, clients before their documents, installments before allocations …):
    /// the order in which files of a directory are read and demo batches are produced.
    public static let dependencyOrder: [EntityKind] = [
        .firmSettings, .organisationUnit, .collaborator, .collectionStrategy, .client, .supplierRule, .document,
        .installment, .debitDocument, .creditDocument, .allocation, .dispute, .provision, .offLedgerExposure,
        .collectionEvent, .deal, .offerDocument,
    ]

    /// The contract's field names of this kind's records (CSV header names).
    public var fieldNames: [String] {
        switch self {
        case .firmSettings:
            [
                "name", "time_zone", "fiscal_year_start_month", "fiscal_year_start_day", "dso_window_days",
                "exclude_doubtful_from_dso", "prepayments_as_unapplied", "aged_bucket_boundaries", "risk_days_past_due",
                "on_time_grace_days", "forecast_history_installments", "forecast_minimum_installments",
                "forecast_horizon_days", "forecast_max_days_past_due", "provision_grid_basis_points", "inactivity_days",
                "declining_ratio_percent", "declining_minimum_documents", "minimum_days_between_actions",
            ]
        case .organisationUnit: ["id", "name", "kind", "parent"]
        case .collaborator: ["id", "name", "office", "roles", "confidentiality_group", "active"]
        case .client:
            [
                "id", "name", "practice_code", "office", "bookkeeping_mode", "frequency", "assigned_collaborators",
                "collection_agent", "strategy", "payment_mode", "payment_terms_days", "credit_limit", "category",
                "collective_account", "doubtful", "deactivated",
            ]
        case .supplierRule: ["id", "client", "supplier", "created_on", "auto_publish"]
        case .document:
            [
                "id", "client", "received_on", "channel", "kind", "supplier", "status_history", "auto_categorised",
                "auto_published", "amount",
            ]
        case .installment:
            ["id", "client", "invoice_id", "invoice_date", "due_date", "amount", "amount_ht", "payment_mode"]
        case .debitDocument: ["id", "kind", "client", "date", "amount"]
        case .creditDocument: ["id", "kind", "client", "date", "amount", "amount_ht"]
        case .allocation: ["id", "source", "target", "target_kind", "amount", "recorded_on", "method"]
        case .dispute: ["id", "installment", "opened_on", "resolved_on", "outcome", "reason"]
        case .provision: ["id", "installment", "amount_ht", "date", "released_on"]
        case .offLedgerExposure: ["id", "client", "date", "amount", "kind", "ends_on"]
        case .collectionStrategy: ["id", "name", "actions"]
        case .collectionEvent:
            ["id", "installment", "action_code", "outcome", "replacement_code", "actor", "at", "note"]
        case .deal: ["id", "prospect_name", "organisation_unit", "fiscal_year", "team", "status_history"]
        case .offerDocument:
            [
                "id", "deal", "type", "template", "status_history", "signatory", "fees_recurring_ht",
                "fees_exceptional_ht",
            ]
        }
    }
}
