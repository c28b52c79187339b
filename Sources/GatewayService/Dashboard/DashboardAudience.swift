internal import Foundation
internal import PilotageProtocol
internal import RPCCore
internal import Storage
internal import TenantStore

/// Whom a dashboard answer is for, resolved from the call's acting user (metadata
/// `pilotage-user`) inside the firm's file: the server-side visibility every dashboard applies.
///
/// - No acting user: the back-office acts for the firm as a whole and sees everything.
/// - A collaborator with a firm-wide role for the dashboard sees every client.
/// - Any other collaborator sees only the clients they are assigned to (their own clients): the
///   dashboard adds them to the request's collaborator filter, so a client reached through
///   several collaborators still counts once.
/// - An acting user who is not an active collaborator of the firm is refused
///   (`PERMISSION_DENIED`), before anything is read.
struct DashboardAudience: Sendable, Hashable {
    /// The acting collaborator, `nil` for the firm as a whole.
    var collaborator: CollaboratorRecord?

    /// Roles that see the whole firm on the practice and receivables dashboards.
    static let firmWideRoles: Set<CollaboratorRole> = [.admin, .collectionManager]

    /// Resolves the acting user of a call.
    static func resolve(actingUser: String?, connection: SQLiteConnection) throws -> DashboardAudience {
        guard let actingUser else { return DashboardAudience(collaborator: nil) }
        guard let collaborator = try TenantRecords(connection: connection).record(CollaboratorRecord.self, id: actingUser),
            collaborator.active
        else {
            throw RPCError(code: .permissionDenied, message: "'\(actingUser)' is not an active collaborator of this firm")
        }
        return DashboardAudience(collaborator: collaborator)
    }

    /// Whether the audience sees every client.
    var seesWholeFirm: Bool {
        guard let collaborator else { return true }
        return !Self.firmWideRoles.isDisjoint(with: collaborator.roles)
    }

    /// The request's filter narrowed to what the audience may see: for a collaborator without a
    /// firm-wide role, the collaborator filter becomes their own id (a requested collaborator
    /// list that does not include them selects nothing).
    func restrict(_ filter: ClientFilterMessage?) -> ClientFilterMessage? {
        guard !self.seesWholeFirm, let collaborator else { return filter }
        var restricted = filter ?? ClientFilterMessage()
        if let requested = restricted.collaborators, !requested.contains(collaborator.id) {
            restricted.collaborators = []
        } else {
            restricted.collaborators = [collaborator.id]
        }
        return restricted
    }
}
