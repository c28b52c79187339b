internal import KPI
internal import PilotageProtocol
internal import RPCCore
internal import Rollups
internal import Storage
internal import TenantStore

/// The acting user of a supervisor call (metadata `pilotage-user`), resolved in the firm's file,
/// and what they may see and do (kpi-definitions §8 "Visibility").
///
/// - No acting user: the back-office reads everything, but cannot act (an action needs an actor).
/// - `COLLECTION_MANAGER`: sees and acts on every item.
/// - `AGENT`: sees and acts on the items of the clients they are collection agent of.
/// - Any other collaborator sees nothing and may not act.
/// - An acting user who is not an active collaborator of the firm is refused (`PERMISSION_DENIED`).
struct SupervisorViewer: Sendable, Hashable {
    /// The acting collaborator, `nil` for the back-office.
    var collaborator: CollaboratorRecord?

    /// Resolves the acting user of a call inside the caller's transaction.
    static func resolve(actingUser: String?, connection: SQLiteConnection) throws -> SupervisorViewer {
        guard let actingUser else { return SupervisorViewer(collaborator: nil) }
        guard let collaborator = try TenantRecords(connection: connection).record(CollaboratorRecord.self, id: actingUser),
            collaborator.active
        else {
            throw RPCError(code: .permissionDenied, message: "'\(actingUser)' is not an active collaborator of this firm")
        }
        return SupervisorViewer(collaborator: collaborator)
    }

    /// The collaborator as the KPI domain sees them.
    var fact: CollaboratorFact? { self.collaborator.map(FactMapper.collaborator) }

    /// Whether the viewer sees every client.
    var seesEveryone: Bool {
        guard let fact = self.fact else { return true }
        return fact.roles.contains(.collectionManager)
    }

    /// The agent whose clients alone are visible (an `AGENT` without the manager role).
    var restrictedToAgent: String? {
        guard let fact = self.fact, !fact.roles.contains(.collectionManager) else { return nil }
        return fact.id
    }

    /// Whether the viewer sees items of clients whose agent is `agent`.
    func canSee(agent: String?) -> Bool {
        guard let fact = self.fact else { return true }
        return Supervisor.canSee(user: fact, agent: agent)
    }

    /// Whether the viewer may see anything at all.
    var seesAnything: Bool {
        guard let fact = self.fact else { return true }
        return fact.roles.contains(.collectionManager) || fact.roles.contains(.agent)
    }

    /// The actor of an action: refuses the back-office (`FAILED_PRECONDITION`) and roles that see
    /// nothing (`PERMISSION_DENIED`).
    func requireActor() throws -> CollaboratorRecord {
        guard let collaborator = self.collaborator else {
            throw RPCError(
                code: .failedPrecondition,
                message: "an action needs an actor: send the acting collaborator in metadata '\(MetadataKey.user)'"
            )
        }
        guard self.seesAnything else {
            throw RPCError(
                code: .permissionDenied,
                message: "'\(collaborator.id)' is neither a collection agent nor a collection manager"
            )
        }
        return collaborator
    }

    /// Refuses (`PERMISSION_DENIED`) strategy management to collaborators who are neither
    /// collection managers nor administrators (the back-office may).
    func requireStrategyManager() throws {
        guard let collaborator = self.collaborator else { return }
        guard collaborator.roles.contains(.collectionManager) || collaborator.roles.contains(.admin) else {
            throw RPCError(
                code: .permissionDenied,
                message: "'\(collaborator.id)' may not manage strategies (a collection manager or an administrator may)"
            )
        }
    }
}
