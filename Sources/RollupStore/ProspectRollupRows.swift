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

    /// Creates a row.
    public init(deal: String, organisationUnit: String?, team: [String], counts: ProspectCounts) {
        self.deal = deal
        self.organisationUnit = organisationUnit
        self.team = team
        self.counts = counts
    }
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
            "SELECT deal, organisation_unit, team, parts FROM rollup_prospects WHERE fiscal_year = ? AND as_of = ? ORDER BY deal",
            fiscalYear,
            asOf
        ) { row in
            let team = try row.decode(String.self, at: 2)
            rows.append(
                ProspectRollupRow(
                    deal: try row.decode(String.self, at: 0),
                    organisationUnit: try row.decode(String?.self, at: 1),
                    team: team.split(separator: "\n", omittingEmptySubsequences: true).map(String.init),
                    counts: try ProspectCounts(compactEncoded: try row.decode([UInt8].self, at: 3))
                )
            )
        }
        return rows
    }
}
