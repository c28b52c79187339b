internal import KPI
public import Rollups
internal import Storage
internal import TenantStore
public import Wire

/// One deal's row of a prospects partition (`rollup_prospects`): the deal, its organisation
/// unit and team (what visibility needs) and its ``Rollups/ProspectCounts``.
public struct ProspectRollupRow: Sendable, Hashable {
    /// Deal id.
    public var deal: String
    /// Organisation unit of the deal.
    public var organisationUnit: String?
    /// Team members, sorted.
    public var team: [String]
    /// The deal's contribution to the dashboard.
    public var counts: ProspectCounts
    /// Prospect name (`nil` in rows written before names were stored).
    public var prospectName: String?
    /// Signatory of the signed (else latest) offer.
    public var signatory: String?

    /// Creates a row.
    public init(deal: String, organisationUnit: String?, team: [String], counts: ProspectCounts, prospectName: String? = nil, signatory: String? = nil) {
        self.deal = deal
        self.organisationUnit = organisationUnit
        self.team = team
        self.counts = counts
        self.prospectName = prospectName
        self.signatory = signatory
    }
}

/// One offer document row of a prospects partition (`rollup_prospect_documents`).
public struct ProspectDocumentRollupRow: Sendable, Hashable {
    /// Offer id.
    public var offer: String
    /// Deal id.
    public var deal: String
    /// Document type.
    public var type: String
    /// Template.
    public var template: String?
    /// Status at the as-of day.
    public var status: String?
    /// Recurring fees HT, cents.
    public var feesRecurring: Int64
    /// Exceptional fees HT, cents.
    public var feesExceptional: Int64
    /// First day sent.
    public var sentOn: CalendarDate?
    /// First day signed.
    public var signedOn: CalendarDate?
    /// Day of the status.
    public var statusOn: CalendarDate?
}

/// What `partition_state` says of a published prospects partition.
public struct ProspectPartitionState: Sendable, Hashable {
    /// The firm day the rows were computed for (their as-of day).
    public var computedFor: CalendarDate
    /// The settings fingerprint they were computed with.
    public var fingerprint: String
}

extension RollupReader {
    /// The published state of the prospects partition of `fiscalYear`; `nil` when it was never
    /// published.
    public func prospectPartition(fiscalYear: Int) throws -> ProspectPartitionState? {
        var state: ProspectPartitionState?
        try self.connection.query(
            "SELECT computed_for, fingerprint FROM partition_state WHERE partition_key = ?",
            RollupPartition.prospects(fiscalYear: fiscalYear).key
        ) { row in
            state = ProspectPartitionState(computedFor: try row.decode(CalendarDate.self, at: 0), fingerprint: try row.decode(String.self, at: 1))
        }
        return state
    }

    /// The deal rows of `fiscalYear` as of `asOf`, by deal id.
    public func prospectRows(fiscalYear: Int, asOf: CalendarDate) throws -> [ProspectRollupRow] {
        var rows: [ProspectRollupRow] = []
        try self.connection.query(
            "SELECT deal, organisation_unit, team, parts, prospect_name, signatory FROM rollup_prospects WHERE fiscal_year = ? AND as_of = ? ORDER BY deal",
            fiscalYear,
            asOf
        ) { row in
            let team = try row.decode(String.self, at: 2)
            rows.append(
                ProspectRollupRow(
                    deal: try row.decode(String.self, at: 0),
                    organisationUnit: try row.decode(String?.self, at: 1),
                    team: team.split(separator: "\n", omittingEmptySubsequences: true).map(String.init),
                    counts: try ProspectCounts(compactEncoded: try row.decode([UInt8].self, at: 3)),
                    prospectName: try row.decode(String?.self, at: 4),
                    signatory: try row.decode(String?.self, at: 5)
                )
            )
        }
        return rows
    }

    /// The offer document rows of `fiscalYear` as of `asOf`, by offer id.
    public func prospectDocuments(fiscalYear: Int, asOf: CalendarDate) throws -> [ProspectDocumentRollupRow] {
        var rows: [ProspectDocumentRollupRow] = []
        try self.connection.query(
            """
            SELECT offer, deal, type, template, status, fees_recurring, fees_exceptional, sent_on, signed_on, status_on
            FROM rollup_prospect_documents WHERE fiscal_year = ? AND as_of = ? ORDER BY offer
            """,
            fiscalYear,
            asOf
        ) { row in
            rows.append(
                ProspectDocumentRollupRow(
                    offer: try row.decode(String.self, at: 0),
                    deal: try row.decode(String.self, at: 1),
                    type: try row.decode(String.self, at: 2),
                    template: try row.decode(String?.self, at: 3),
                    status: try row.decode(String?.self, at: 4),
                    feesRecurring: try row.decode(Int64.self, at: 5),
                    feesExceptional: try row.decode(Int64.self, at: 6),
                    sentOn: try row.decode(CalendarDate?.self, at: 7),
                    signedOn: try row.decode(CalendarDate?.self, at: 8),
                    statusOn: try row.decode(CalendarDate?.self, at: 9)
                )
            )
        }
        return rows
    }
}
