internal import Foundation
internal import KPI
internal import PilotageProtocol
internal import RPCCore
internal import RollupStore
internal import Rollups
internal import Storage
internal import TenantStore
internal import Wire

/// Which deals a prospects answer covers (kpi-definitions §9 "Visibility"), resolved from the
/// acting user and the request's organisation-unit and collaborator filter:
///
/// - no acting user: the back-office acts for the firm; every deal, narrowed by the filter;
/// - an acting user and no filter: the deals whose team they are on;
/// - a filter: only an `OFFER_VALIDATOR` may give one (`PERMISSION_DENIED` otherwise); they see
///   the deals whose team holds them or a member of their confidentiality group, narrowed by
///   the filter (a unit matches the deal's unit or any unit above it; a collaborator matches a
///   team member).
///
/// It applies to deal rows of `rollup_prospects` (unit and team are stored with each row); the
/// unit tree and the collaborators' confidentiality groups are read from the firm's reference
/// records (a few hundred rows, no facts aggregated).
struct ProspectVisibility: Sendable {
    /// The acting collaborator; `nil` for the firm as a whole.
    var user: CollaboratorRecord?
    /// Requested units.
    var units: Set<String>?
    /// Requested collaborators.
    var collaborators: Set<String>?
    /// Unit → parent unit.
    var parents: [String: String]
    /// Collaborator → confidentiality group.
    var confidentialityGroups: [String: String]

    /// Resolves a request; throws `PERMISSION_DENIED` for an unknown acting user or a filter
    /// given by someone who is not an offer validator.
    static func resolve(actingUser: String?, units: [String]?, collaborators: [String]?, connection: SQLiteConnection) throws
        -> ProspectVisibility
    {
        let audience = try DashboardAudience.resolve(actingUser: actingUser, connection: connection)
        let units = units.flatMap { $0.isEmpty ? nil : Set($0) }
        let collaborators = collaborators.flatMap { $0.isEmpty ? nil : Set($0) }
        if let user = audience.collaborator, units != nil || collaborators != nil, !user.roles.contains(.offerValidator) {
            throw RPCError(
                code: .permissionDenied,
                message: "only offer validators may filter prospects by organisation unit or collaborator (user \(user.id))"
            )
        }
        var parents: [String: String] = [:]
        var groups: [String: String] = [:]
        let decoder = WireDecoder()
        for record in try FactRecords(connection: connection).firmRecords(kinds: [.organisationUnit, .collaborator]) {
            switch record.kind {
            case .organisationUnit:
                let unit = try decoder.decode(OrganisationUnitRecord.self, from: [UInt8](record.payload))
                if let parent = unit.parent { parents[unit.id] = parent }
            case .collaborator:
                let collaborator = try decoder.decode(CollaboratorRecord.self, from: [UInt8](record.payload))
                if let group = collaborator.confidentialityGroup { groups[collaborator.id] = group }
            default:
                break
            }
        }
        return ProspectVisibility(
            user: audience.collaborator,
            units: units,
            collaborators: collaborators,
            parents: parents,
            confidentialityGroups: groups
        )
    }

    /// Whether a filter narrows the deals.
    var isFiltered: Bool { self.units != nil || self.collaborators != nil }

    /// Whether the deal of `unit` and `team` is visible.
    func sees(unit: String?, team: some Collection<String>) -> Bool {
        if let user = self.user {
            guard self.isFiltered else { return team.contains(user.id) }
            let group = user.confidentialityGroup
            let inGroup = team.contains(user.id) || (group != nil && team.contains { self.confidentialityGroups[$0] == group })
            guard inGroup else { return false }
        }
        return self.matchesFilter(unit: unit, team: team)
    }

    /// Whether the deal matches the request's filter alone.
    func matchesFilter(unit: String?, team: some Collection<String>) -> Bool {
        if let units = self.units, !self.chain(unit).contains(where: units.contains) { return false }
        if let wanted = self.collaborators, !team.contains(where: wanted.contains) { return false }
        return true
    }

    /// A unit and the units above it (a cycle stops the walk).
    func chain(_ unit: String?) -> [String] {
        var chain: [String] = []
        var cursor = unit
        while let id = cursor, !chain.contains(id) {
            chain.append(id)
            cursor = self.parents[id]
        }
        return chain
    }

    /// The collaborator fact of the acting user, for ``KPI/Prospects/visibleDeals(for:filter:)``.
    var userFact: CollaboratorFact? {
        self.user.map(FactMapper.collaborator)
    }

    /// The request's filter in the KPI domain's terms.
    var prospectFilter: ProspectFilter {
        ProspectFilter(organisationUnits: self.units, collaborators: self.collaborators)
    }
}
