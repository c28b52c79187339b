internal import Foundation
internal import PilotageProtocol
public import RPCCore
public import Storage
internal import ServerSupport

/// `pilotage.operator.Operator` over the catalog and the tenant pool.
public struct OperatorHandlers: Sendable {
    let catalog: Catalog
    let tenants: TenantPool
    let access: AccessPolicy

    public init(catalog: Catalog, tenants: TenantPool, access: AccessPolicy) {
        self.catalog = catalog
        self.tenants = tenants
        self.access = access
    }

    /// The service definition to register with the server.
    public var definition: ServiceDefinition {
        var service = ServiceDefinition(name: OperatorService.name)
        service.unary(OperatorService.createFirm) { request, context in
            let firm = try FirmID(request.firmID)
            guard !request.name.isEmpty else { throw RPCError(code: .invalidArgument, message: "name must not be empty") }
            _ = try await self.catalog.createFirm(id: firm, name: request.name)
            // Create and migrate the firm's file now, so that it exists from the start.
            try await self.tenants.withTenant(firm) { _ in }
            self.access.forget(firm: firm)
            context.logger.info("firm created", metadata: ["firm": firm.rawValue])
            return try await self.summary(of: firm)
        }
        service.unary(OperatorService.listFirms) { _, _ in
            FirmList(firms: try await self.catalog.operatorReport(tenants: self.tenants).map(Self.summary(of:)))
        }
        service.unary(OperatorService.setFirmStatus) { request, context in
            let firm = try FirmID(request.firmID)
            guard try await self.catalog.firm(firm) != nil else { throw RPCError(code: .notFound, message: "no firm '\(firm)'") }
            try await self.catalog.setStatus(request.suspended ? .suspended : .active, of: firm)
            self.access.forget(firm: firm)
            context.logger.notice("firm status changed", metadata: ["firm": firm.rawValue, "suspended": "\(request.suspended)"])
            return try await self.summary(of: firm)
        }
        service.unary(OperatorService.issueCredential) { request, context in
            let firms = try request.firms.map(FirmID.init)
            for firm in firms where try await self.catalog.firm(firm) == nil {
                throw RPCError(code: .notFound, message: "no firm '\(firm)'")
            }
            let issued = try await self.catalog.issueCredential(
                Self.kind(request.kind),
                label: request.label,
                firms: firms,
                actingUser: request.actingUser
            )
            context.logger.notice("credential issued", metadata: ["credential": issued.credential.id.rawValue, "kind": request.kind.rawValue])
            return IssuedCredentialReply(credential: Self.summary(of: issued.credential), token: issued.token)
        }
        service.unary(OperatorService.revokeCredential) { request, context in
            let id = CredentialID(request.credentialID)
            try await self.catalog.revokeCredential(id)
            self.access.forget(credential: id)
            context.logger.notice("credential revoked", metadata: ["credential": id.rawValue])
            guard let credential = try await self.catalog.credentials().first(where: { $0.id == id }) else {
                throw RPCError(code: .notFound, message: "no credential '\(id)'")
            }
            return Self.summary(of: credential)
        }
        service.unary(OperatorService.listCredentials) { _, _ in
            CredentialList(credentials: try await self.catalog.credentials().map(Self.summary(of:)))
        }
        return service
    }

    /// The report of one firm (not the whole catalog's: creating many firms stays linear).
    private func summary(of firm: FirmID) async throws -> FirmSummary {
        guard let report = try await self.catalog.operatorReport(firm: firm, tenants: self.tenants) else {
            throw RPCError(code: .notFound, message: "no firm '\(firm)'")
        }
        return Self.summary(of: report)
    }

    static func summary(of report: FirmReport) -> FirmSummary {
        FirmSummary(
            firmID: report.firm.id.rawValue,
            name: report.firm.name,
            status: report.firm.status == .active ? "ACTIVE" : "SUSPENDED",
            createdAt: report.firm.createdAt,
            schemaVersion: report.schemaVersion,
            latestSchemaVersion: report.latestSchemaVersion,
            fileBytes: report.fileBytes,
            lastIngestionAt: report.firm.lastIngestionAt
        )
    }

    static func kind(_ name: CredentialKindName) -> CredentialKind {
        switch name {
        case .backOffice: .backOffice
        case .worker: .worker
        case .operator: .operator
        }
    }

    static func summary(of credential: Credential) -> CredentialSummary {
        let kind: CredentialKindName =
            switch credential.kind {
            case .backOffice: .backOffice
            case .worker: .worker
            case .operator: .operator
            }
        return CredentialSummary(
            credentialID: credential.id.rawValue,
            kind: kind,
            label: credential.label,
            firms: credential.firms.map(\.rawValue),
            actingUser: credential.actingUser,
            createdAt: credential.createdAt,
            revokedAt: credential.revokedAt
        )
    }
}
