public import Foundation
public import RPCCore

/// `pilotage.operator.Operator`: provisioning, for operator credentials only.
public enum OperatorService {
    /// Service name.
    public static let name = "pilotage.operator.Operator"

    /// Creates a firm (tenant) and its SQLite file.
    public static let createFirm = MethodDescriptor<CreateFirmRequest, FirmSummary>(service: name, method: "CreateFirm", kind: .unary)
    /// Every firm with its schema version, file size and last ingestion.
    public static let listFirms = MethodDescriptor<ListFirmsRequest, FirmList>(service: name, method: "ListFirms", kind: .unary)
    /// Suspends or reactivates a firm (a suspended firm refuses every tenant call with FAILED_PRECONDITION).
    public static let setFirmStatus = MethodDescriptor<SetFirmStatusRequest, FirmSummary>(service: name, method: "SetFirmStatus", kind: .unary)
    /// Issues a credential; the token is in the reply and never again.
    public static let issueCredential = MethodDescriptor<IssueCredentialRequest, IssuedCredentialReply>(service: name, method: "IssueCredential", kind: .unary)
    /// Revokes a credential; its token is refused from then on (UNAUTHENTICATED).
    public static let revokeCredential = MethodDescriptor<RevokeCredentialRequest, CredentialSummary>(service: name, method: "RevokeCredential", kind: .unary)
    /// Every credential, without secrets.
    public static let listCredentials = MethodDescriptor<ListCredentialsRequest, CredentialList>(service: name, method: "ListCredentials", kind: .unary)
}

/// Kinds of credential (design.md "Who sees what").
public enum CredentialKindName: String, Codable, CaseIterable, Sendable, Hashable {
    /// A firm back-office: tenant methods of the firms it was given.
    case backOffice = "BACK_OFFICE"
    /// A worker: worker methods only.
    case worker = "WORKER"
    /// An operator: provisioning (this service) only.
    case `operator` = "OPERATOR"
}

/// Creates a firm.
public struct CreateFirmRequest: Codable, Sendable, Hashable {
    /// Firm id: 1–64 characters among `A-Z a-z 0-9 _ -`.
    public var firmID: String
    /// Display name.
    public var name: String

    public init(firmID: String, name: String) {
        self.firmID = firmID
        self.name = name
    }

    enum CodingKeys: String, CodingKey {
        case firmID = "firm_id"
        case name
    }
}

/// Lists firms (no parameter).
public struct ListFirmsRequest: Codable, Sendable, Hashable {
    public init() {}
}

/// Suspends or reactivates a firm.
public struct SetFirmStatusRequest: Codable, Sendable, Hashable {
    /// Firm id.
    public var firmID: String
    /// `true` to suspend, `false` to reactivate.
    public var suspended: Bool

    public init(firmID: String, suspended: Bool) {
        self.firmID = firmID
        self.suspended = suspended
    }

    enum CodingKeys: String, CodingKey {
        case firmID = "firm_id"
        case suspended
    }
}

/// What an operator sees of a firm.
public struct FirmSummary: Codable, Sendable, Hashable {
    /// Firm id.
    public var firmID: String
    /// Display name.
    public var name: String
    /// `ACTIVE` or `SUSPENDED`.
    public var status: String
    /// When the firm was created (UTC).
    public var createdAt: Date
    /// Schema version of the firm's file, when it exists.
    public var schemaVersion: Int?
    /// Schema version the gateway's code knows.
    public var latestSchemaVersion: Int
    /// Size of the firm's file in bytes, when it exists.
    public var fileBytes: Int64?
    /// Last committed ingestion (UTC), if any.
    public var lastIngestionAt: Date?

    public init(
        firmID: String,
        name: String,
        status: String,
        createdAt: Date,
        schemaVersion: Int?,
        latestSchemaVersion: Int,
        fileBytes: Int64?,
        lastIngestionAt: Date?
    ) {
        self.firmID = firmID
        self.name = name
        self.status = status
        self.createdAt = createdAt
        self.schemaVersion = schemaVersion
        self.latestSchemaVersion = latestSchemaVersion
        self.fileBytes = fileBytes
        self.lastIngestionAt = lastIngestionAt
    }

    enum CodingKeys: String, CodingKey {
        case firmID = "firm_id"
        case name, status
        case createdAt = "created_at"
        case schemaVersion = "schema_version"
        case latestSchemaVersion = "latest_schema_version"
        case fileBytes = "file_bytes"
        case lastIngestionAt = "last_ingestion_at"
    }
}

/// Every firm.
public struct FirmList: Codable, Sendable, Hashable {
    /// Firms in id order.
    public var firms: [FirmSummary]

    public init(firms: [FirmSummary]) {
        self.firms = firms
    }
}

/// Issues a credential.
public struct IssueCredentialRequest: Codable, Sendable, Hashable {
    /// What the credential is for.
    public var kind: CredentialKindName
    /// Firms a back-office credential reaches (required for BACK_OFFICE, empty otherwise).
    public var firms: [String]
    /// A label for people (`"ERP cabinet Martin"`).
    public var label: String
    /// Restricts the credential to acting as this collaborator (metadata `pilotage-user`).
    public var actingUser: String?

    public init(kind: CredentialKindName, firms: [String] = [], label: String, actingUser: String? = nil) {
        self.kind = kind
        self.firms = firms
        self.label = label
        self.actingUser = actingUser
    }

    enum CodingKeys: String, CodingKey {
        case kind, firms, label
        case actingUser = "acting_user"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.kind = try container.decode(CredentialKindName.self, forKey: .kind)
        self.firms = try container.decodeIfPresent([String].self, forKey: .firms) ?? []
        self.label = try container.decode(String.self, forKey: .label)
        self.actingUser = try container.decodeIfPresent(String.self, forKey: .actingUser)
    }
}

/// A credential without its secret.
public struct CredentialSummary: Codable, Sendable, Hashable {
    /// Credential id (the public part of the token).
    public var credentialID: String
    /// Kind.
    public var kind: CredentialKindName
    /// Label.
    public var label: String
    /// Firms reached (back-office).
    public var firms: [String]
    /// Acting-user restriction.
    public var actingUser: String?
    /// Creation instant (UTC).
    public var createdAt: Date
    /// Revocation instant, if revoked.
    public var revokedAt: Date?

    public init(
        credentialID: String,
        kind: CredentialKindName,
        label: String,
        firms: [String],
        actingUser: String?,
        createdAt: Date,
        revokedAt: Date?
    ) {
        self.credentialID = credentialID
        self.kind = kind
        self.label = label
        self.firms = firms
        self.actingUser = actingUser
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    enum CodingKeys: String, CodingKey {
        case credentialID = "credential_id"
        case kind, label, firms
        case actingUser = "acting_user"
        case createdAt = "created_at"
        case revokedAt = "revoked_at"
    }
}

/// A new credential: the only time its token is shown.
public struct IssuedCredentialReply: Codable, Sendable, Hashable {
    /// The credential.
    public var credential: CredentialSummary
    /// The secret token to send in the `authorization` metadata; store it now, it is not kept.
    public var token: String

    public init(credential: CredentialSummary, token: String) {
        self.credential = credential
        self.token = token
    }
}

/// Revokes a credential.
public struct RevokeCredentialRequest: Codable, Sendable, Hashable {
    /// Credential id.
    public var credentialID: String

    public init(credentialID: String) {
        self.credentialID = credentialID
    }

    enum CodingKeys: String, CodingKey {
        case credentialID = "credential_id"
    }
}

/// Lists credentials (no parameter).
public struct ListCredentialsRequest: Codable, Sendable, Hashable {
    public init() {}
}

/// Every credential, without secrets.
public struct CredentialList: Codable, Sendable, Hashable {
    /// Credentials in id order.
    public var credentials: [CredentialSummary]

    public init(credentials: [CredentialSummary]) {
        self.credentials = credentials
    }
}
