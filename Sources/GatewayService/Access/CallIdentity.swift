public import RPCCore
public import Storage

/// Who is calling, established by ``AccessPolicy`` before any handler runs.
public struct CallIdentity: Sendable, Hashable {
    /// The authenticated credential (nil for open services: health, reflection).
    public var principal: Principal?
    /// The firm the call acts on (tenant methods).
    public var firm: FirmID?
    /// The collaborator the call acts for (metadata `pilotage-user`), if given.
    public var actingUser: String?
}

/// The key under which ``CallIdentity`` is stored in a ``ServerContext``.
public enum CallIdentityKey: ServerContextKey {
    public typealias Value = CallIdentity
}

extension ServerContext {
    /// The caller's identity; set by ``AccessPolicy`` for every call it lets through.
    public var identity: CallIdentity {
        self[CallIdentityKey.self] ?? CallIdentity()
    }

    /// The firm of a tenant call; a handler of a tenant method can rely on it.
    public func requireFirm() throws -> FirmID {
        guard let firm = self.identity.firm else {
            throw RPCError(code: .failedPrecondition, message: "this method needs the '\(MetadataKey.tenant)' metadata")
        }
        return firm
    }
}
