internal import Foundation
public import RPCCore
internal import ServerSupport
public import Storage

/// Who may call what (design.md "Who sees what"), checked before any handler touches a database.
///
/// - Health and reflection are open.
/// - `pilotage.operator.Operator` needs an operator credential.
/// - `pilotage.worker.*` services need a worker credential.
/// - `pilotage.status.Status` takes an operator credential (any firm, named in the request) or a
///   back-office credential with its tenant, like a tenant service.
/// - Every other service is a tenant service: a back-office credential (or a worker's) and the
///   `pilotage-tenant` metadata naming a firm the credential reaches.
///
/// No or an unknown, revoked or malformed token → `UNAUTHENTICATED`; a valid credential outside its
/// audience, a firm it was not given, or a `pilotage-user` it may not act as → `PERMISSION_DENIED`;
/// an unknown firm → `NOT_FOUND`; a suspended firm → `FAILED_PRECONDITION`.
public final class AccessPolicy: ServerInterceptor {
    /// Who a service is for.
    public enum Audience: Sendable, Hashable {
        /// No credential needed.
        case open
        /// Operators (provisioning).
        case `operator`
        /// Aggregation workers.
        case worker
        /// Back-offices acting on one firm.
        case tenant
        /// Operators (any firm), or back-offices acting on one firm.
        case operatorOrTenant
    }

    private let catalog: Catalog
    private let cacheLifetime: Duration
    private let cache = LockedValueBox<[String: CachedPrincipal]>([:])
    private let firms = LockedValueBox<[FirmID: FirmStatus]>([:])

    private struct CachedPrincipal {
        var principal: Principal
        var expires: ContinuousClock.Instant
    }

    /// Creates the policy over `catalog`; authenticated tokens are remembered for `cacheLifetime`.
    public init(catalog: Catalog, cacheLifetime: Duration) {
        self.catalog = catalog
        self.cacheLifetime = cacheLifetime
    }

    /// The audience of a service, from its name.
    public static func audience(ofService service: String) -> Audience {
        switch service {
        case "pilotage.health.Health", "pilotage.reflection.Reflection": .open
        case "pilotage.operator.Operator": .operator
        case "pilotage.status.Status": .operatorOrTenant
        default: service.hasPrefix("pilotage.worker.") ? .worker : .tenant
        }
    }

    public func intercept(_ context: ServerContext) async throws {
        var audience = Self.audience(ofService: context.method.service)
        if audience == .open { return }
        let principal = try await self.authenticate(context.metadata[MetadataKey.authorization])
        var identity = CallIdentity(principal: principal)
        if audience == .operatorOrTenant {
            // An operator needs no tenant; anyone else is checked exactly like a tenant call.
            audience = principal.kind == .operator ? .operator : .tenant
        }
        switch audience {
        case .open, .operatorOrTenant:
            return
        case .operator:
            guard principal.kind == .operator else { throw Self.denied("\(context.method.service) needs an operator credential") }
        case .worker:
            guard principal.kind == .worker else { throw Self.denied("\(context.method.service) needs a worker credential") }
            if let tenant = context.metadata[MetadataKey.tenant] { identity.firm = try await self.activeFirm(tenant) }
        case .tenant:
            guard principal.kind != .operator else { throw Self.denied("operator credentials do not reach firm data") }
            guard let tenant = context.metadata[MetadataKey.tenant], !tenant.isEmpty else {
                throw RPCError(code: .invalidArgument, message: "missing metadata '\(MetadataKey.tenant)': the firm this call is for")
            }
            let firm: FirmID
            do {
                firm = try FirmID(tenant)
            } catch {
                throw RPCError(code: .invalidArgument, message: "metadata '\(MetadataKey.tenant)': \(error)")
            }
            // Checked before the firm's existence so that a credential learns nothing about firms it was not given.
            guard principal.mayReachTenant(firm) else { throw Self.denied("this credential does not reach firm '\(firm)'") }
            identity.firm = try await self.activeFirm(tenant)
        }
        if let user = context.metadata[MetadataKey.user] {
            guard principal.mayActAs(user) else { throw Self.denied("this credential may not act as '\(user)'") }
            identity.actingUser = user
        } else if let restricted = principal.actingUser {
            identity.actingUser = restricted
        }
        context[CallIdentityKey.self] = identity
    }

    /// Forgets cached principals of a revoked credential (it is refused from the next call on).
    public func forget(credential: CredentialID) {
        self.cache.withLock { cache in cache = cache.filter { $0.value.principal.credentialID != credential } }
    }

    /// Forgets the cached status of a firm (after creation or a status change).
    public func forget(firm: FirmID) {
        _ = self.firms.withLock { $0.removeValue(forKey: firm) }
    }

    private func authenticate(_ authorization: String?) async throws -> Principal {
        guard var token = authorization, !token.isEmpty else {
            throw RPCError(code: .unauthenticated, message: "missing metadata '\(MetadataKey.authorization)' (a credential token)")
        }
        if token.hasPrefix("Bearer ") { token.removeFirst("Bearer ".count) }
        let key = SHA256.hash(Array(token.utf8)).map { String($0, radix: 16) }.joined()
        let now = ContinuousClock.now
        if let cached = self.cache.withLock({ $0[key] }), cached.expires > now {
            return cached.principal
        }
        guard let principal = try await self.catalog.authenticate(token: token) else {
            throw RPCError(code: .unauthenticated, message: "unknown or revoked credential")
        }
        self.cache.withLock { cache in
            if cache.count > 10_000 { cache.removeAll() }
            cache[key] = CachedPrincipal(principal: principal, expires: now.advanced(by: self.cacheLifetime))
        }
        return principal
    }

    private func activeFirm(_ text: String) async throws -> FirmID {
        let firm: FirmID
        do {
            firm = try FirmID(text)
        } catch {
            throw RPCError(code: .invalidArgument, message: "metadata '\(MetadataKey.tenant)': \(error)")
        }
        var status = self.firms.withLock { $0[firm] }
        if status == nil {
            guard let found = try await self.catalog.firm(firm) else {
                throw RPCError(code: .notFound, message: "no firm '\(firm)'")
            }
            status = found.status
            self.firms.withLock { $0[firm] = found.status }
        }
        guard status == .active else {
            throw RPCError(code: .failedPrecondition, message: "firm '\(firm)' is suspended")
        }
        return firm
    }

    private static func denied(_ message: String) -> RPCError {
        RPCError(code: .permissionDenied, message: message)
    }
}
