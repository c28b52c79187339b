public import Foundation

/// What a credential is for. Collaborator roles (agent, collection manager …) are tenant data;
/// the catalog only knows which kind of caller a key belongs to.
public enum CredentialKind: String, Sendable, Hashable, Codable, CaseIterable, SQLiteBindable, SQLiteColumnDecodable {
    /// A firm back-office (web app, ERP, BI tool): reaches the tenants listed for it, and only those.
    case backOffice
    /// A rollup worker: worker methods only (lease, stream facts, commit), for any firm.
    case worker
    /// Provisioning and operations (firms, credentials, reports); reaches no tenant data.
    case `operator`
}

/// The public id of a credential: the key id in its token (16 hex digits). Not secret.
public struct CredentialID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible, SQLiteBindable,
    SQLiteColumnDecodable
{
    /// The key id.
    public var rawValue: String

    /// Wraps a key id (as printed by `pilotage credentials list`).
    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// The key id.
    public var description: String { self.rawValue }

    /// Orders by key id.
    public static func < (lhs: CredentialID, rhs: CredentialID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `TEXT`.
    public var sqliteValue: SQLiteValue { .text(self.rawValue) }

    /// Requires `TEXT`.
    public init(sqliteColumn index: Int, of row: SQLiteRow) throws(SQLiteError) {
        self.rawValue = try String(sqliteColumn: index, of: row)
    }
}

/// A credential as listed to operators: everything but the secret (which is not stored).
public struct Credential: Sendable, Hashable, Codable {
    /// Public id (the token's key id).
    public var id: CredentialID
    /// Kind of caller.
    public var kind: CredentialKind
    /// Free text saying whose key it is ("Cabinet Dupont ERP").
    public var label: String
    /// Firms a back-office key reaches (empty for workers and operators).
    public var firms: [FirmID]
    /// When set, calls made with this key may only act as this collaborator (tenant user id).
    public var actingUser: String?
    /// When it was issued.
    public var createdAt: Date
    /// When it was revoked (it fails authentication from that instant on), if it was.
    public var revokedAt: Date?
}

/// A credential just issued, with the only copy of its secret token.
public struct IssuedCredential: Sendable {
    /// What was stored.
    public var credential: Credential
    /// `plt_<key id>_<secret>`: show it once, it cannot be recovered.
    public var token: String
}

/// Who is calling, as established by ``Catalog/authenticate(token:now:)``.
public struct Principal: Sendable, Hashable {
    /// The credential used.
    public var credentialID: CredentialID
    /// Its kind.
    public var kind: CredentialKind
    /// Its label.
    public var label: String
    /// For back-office keys: the firms it may reach that are active now. Empty for other kinds.
    public var allowedFirms: Set<FirmID>
    /// When set, the only collaborator this caller may act as.
    public var actingUser: String?

    /// Whether this caller may reach `firm`'s tenant at all: back-office keys only their
    /// (active) firms, workers any firm but through worker methods only (the gateway checks
    /// the method and the firm's status), operators none.
    public func mayReachTenant(_ firm: FirmID) -> Bool {
        switch self.kind {
        case .backOffice: self.allowedFirms.contains(firm)
        case .worker: true
        case .operator: false
        }
    }

    /// Whether this caller may act as collaborator `user` (always, unless the key is restricted).
    public func mayActAs(_ user: String) -> Bool {
        self.actingUser.map { $0 == user } ?? true
    }
}
