public import Foundation
internal import ServerSupport

extension Catalog {
    /// Issues a new credential and returns its token, the only time the secret exists outside
    /// the caller's hands: the catalog stores its SHA-256 only.
    ///
    /// - `backOffice` keys need at least one existing firm; `worker` and `operator` keys take none.
    /// - `actingUser` restricts the key to acting as that collaborator.
    public func issueCredential(
        _ kind: CredentialKind,
        label: String,
        firms: [FirmID] = [],
        actingUser: String? = nil,
        now: Date = Date()
    ) async throws -> IssuedCredential {
        let firms = Array(Set(firms)).sorted()
        switch kind {
        case .backOffice where firms.isEmpty:
            throw StorageError(code: .invalidArgument, message: "a back-office credential needs at least one firm")
        case .worker where !firms.isEmpty, .operator where !firms.isEmpty:
            throw StorageError(code: .invalidArgument, message: "a \(kind.rawValue) credential is not tied to firms")
        default:
            break
        }
        if let actingUser, actingUser.isEmpty {
            throw StorageError(code: .invalidArgument, message: "an acting-user restriction cannot be empty")
        }
        let token = CredentialToken.random()
        let credential = Credential(
            id: CredentialID(token.keyID),
            kind: kind,
            label: label,
            firms: firms,
            actingUser: actingUser,
            createdAt: now,
            revokedAt: nil
        )
        let hash = token.secretHash
        try await self.database.write { conn in
            for firm in firms {
                guard try conn.fetchValue(Int.self, "SELECT 1 FROM firms WHERE id = ?", firm) != nil else {
                    throw StorageError(code: .firmNotFound, message: "no firm \"\(firm)\" in the catalog")
                }
            }
            try conn.execute(
                """
                INSERT INTO credentials(key_id, secret_sha256, kind, label, acting_user, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                credential.id,
                hash,
                credential.kind,
                credential.label,
                credential.actingUser,
                credential.createdAt
            )
            for firm in firms {
                try conn.execute("INSERT INTO credential_firms(key_id, firm_id) VALUES (?, ?)", credential.id, firm)
            }
        }
        return IssuedCredential(credential: credential, token: token.text)
    }

    /// Who presents `token`, or `nil` when it is malformed, unknown, revoked (at or before `now`)
    /// or its secret does not match. The principal lists every firm granted, suspended or not:
    /// whether a firm accepts calls is the caller's check (the gateway answers FAILED_PRECONDITION
    /// for a suspended firm, distinct from PERMISSION_DENIED for a firm never granted). The secret's hash is compared in constant time, and an
    /// unknown key id costs the same comparison, so timing tells nothing about which part failed.
    public func authenticate(token: String, now: Date = Date()) async throws -> Principal? {
        guard let presented = CredentialToken(parsing: token) else { return nil }
        let presentedHash = presented.secretHash
        let keyID = CredentialID(presented.keyID)
        let found = try await self.database.read { conn -> (StoredCredential, [FirmID])? in
            guard
                let stored = try conn.fetchOne(
                    StoredCredential.self,
                    "SELECT secret_sha256, kind, label, acting_user, revoked_at FROM credentials WHERE key_id = ?",
                    keyID
                )
            else { return nil }
            let firms = try conn.fetchColumn(
                FirmID.self,
                """
                SELECT f.id FROM credential_firms AS c JOIN firms AS f ON f.id = c.firm_id
                WHERE c.key_id = ? ORDER BY f.id
                """,
                keyID
            )
            return (stored, firms)
        }
        guard let (stored, firms) = found else {
            _ = constantTimeEquals(presentedHash, Self.decoyHash)
            return nil
        }
        guard constantTimeEquals(presentedHash, stored.secretHash) else { return nil }
        if let revokedAt = stored.revokedAt, revokedAt <= now { return nil }
        return Principal(
            credentialID: keyID,
            kind: stored.kind,
            label: stored.label,
            allowedFirms: stored.kind == .backOffice ? Set(firms) : [],
            actingUser: stored.actingUser
        )
    }

    /// Revokes a credential from `instant` on (now by default; a future instant gives a grace
    /// period for key rotation). Revoking again keeps the earliest instant.
    public func revokeCredential(_ id: CredentialID, at instant: Date = Date()) async throws {
        try await self.database.write { conn in
            try conn.execute(
                "UPDATE credentials SET revoked_at = min(coalesce(revoked_at, ?1), ?1) WHERE key_id = ?2",
                instant,
                id
            )
            guard conn.changes == 1 else {
                throw StorageError(code: .credentialNotFound, message: "no credential \"\(id)\"")
            }
        }
    }

    /// Lets a back-office credential reach one more firm.
    public func grant(firm: FirmID, to id: CredentialID) async throws {
        try await self.database.write { conn in
            guard
                let kind = try conn.fetchValue(CredentialKind.self, "SELECT kind FROM credentials WHERE key_id = ?", id)
            else { throw StorageError(code: .credentialNotFound, message: "no credential \"\(id)\"") }
            guard kind == .backOffice else {
                throw StorageError(code: .invalidArgument, message: "only back-office credentials are tied to firms")
            }
            guard try conn.fetchValue(Int.self, "SELECT 1 FROM firms WHERE id = ?", firm) != nil else {
                throw StorageError(code: .firmNotFound, message: "no firm \"\(firm)\" in the catalog")
            }
            try conn.execute("INSERT OR IGNORE INTO credential_firms(key_id, firm_id) VALUES (?, ?)", id, firm)
        }
    }

    /// Withdraws a firm from a credential. Returns whether it had it.
    @discardableResult
    public func withdraw(firm: FirmID, from id: CredentialID) async throws -> Bool {
        try await self.database.write { conn in
            try conn.execute("DELETE FROM credential_firms WHERE key_id = ? AND firm_id = ?", id, firm)
            return conn.changes == 1
        }
    }

    /// Every credential (without secrets), oldest first.
    public func credentials() async throws -> [Credential] {
        try await self.database.read { conn in
            var credentials: [Credential] = []
            try conn.query(
                "SELECT key_id, kind, label, acting_user, created_at, revoked_at FROM credentials ORDER BY created_at, key_id"
            ) { row in
                let id: CredentialID = try row[0]
                credentials.append(
                    Credential(
                        id: id,
                        kind: try row[1],
                        label: try row[2],
                        firms: [],
                        actingUser: try row[3],
                        createdAt: try row[4],
                        revokedAt: try row[5]
                    )
                )
            }
            for index in credentials.indices {
                credentials[index].firms = try conn.fetchColumn(
                    FirmID.self,
                    "SELECT firm_id FROM credential_firms WHERE key_id = ? ORDER BY firm_id",
                    credentials[index].id
                )
            }
            return credentials
        }
    }

    /// Compared against when the key id is unknown, so that path costs what a real check costs.
    private static let decoyHash = [UInt8](repeating: 0, count: 32)
}

/// The stored half of a credential, as `authenticate` reads it.
private struct StoredCredential: SQLiteRowDecodable, Sendable {
    var secretHash: [UInt8]
    var kind: CredentialKind
    var label: String
    var actingUser: String?
    var revokedAt: Date?

    init(row: SQLiteRow) throws {
        self.secretHash = try row[0]
        self.kind = try row[1]
        self.label = try row[2]
        self.actingUser = try row[3]
        self.revokedAt = try row[4]
    }
}
