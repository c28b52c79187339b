/// Settings of a FEC import; the defaults are the rules of kpi-definitions §10.
public struct FECImportOptions: Sendable, Hashable {
    /// Account prefixes of customer accounts (411*, 413*, 416*; 418* and 419* are not receivables).
    public var customerAccountPrefixes: [String] = ["411", "413", "416"]
    /// Prefixes of doubtful-receivable accounts (a client with a balance there is doubtful).
    public var doubtfulAccountPrefixes: [String] = ["416"]
    /// Journal codes of opening entries (compared case-insensitively). Entries whose JournalLib or
    /// EcritureLib says "A nouveau", dated on the first day of the file, are opening entries too.
    public var openingJournalCodes: Set<String> = ["AN", "ANO", "RAN"]
    /// Payment terms of known clients (client key → days), used when a line has no due date.
    public var clientPaymentTermsDays: [String: Int] = [:]
    /// Days added to the invoice date when neither the file nor the client gives a due date
    /// (art. L441-10 I Code de commerce).
    public var defaultPaymentTermsDays = 30
    /// Rejected lines kept in the report (more are counted).
    public var maximumIssuesKept = 1_000
    /// Entries without customer lines are kept while fewer than this many newer entries have
    /// started; an entry whose lines are further apart loses its counterparts (and is reported).
    public var entryWindow = 50_000

    /// Default settings.
    public init() {}
}
