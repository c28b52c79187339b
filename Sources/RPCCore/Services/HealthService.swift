internal import ServerSupport

/// Serving status of the whole server or of one service, as reported by `pilotage.health.Health`.
public enum ServingStatus: String, Codable, Sendable, CaseIterable {
    /// Ready to serve calls.
    case serving = "SERVING"
    /// Running but not serving (starting, draining, a dependency is down).
    case notServing = "NOT_SERVING"
    /// The asked service is not known to the server.
    case serviceUnknown = "SERVICE_UNKNOWN"
}

/// Request of `Health/Check` and `Health/Watch`: a service name, or empty for the whole server.
public struct HealthCheckRequest: Codable, Sendable, Hashable {
    /// The service's full name; empty for the server as a whole.
    public var service: String

    /// Creates a request.
    public init(service: String = "") {
        self.service = service
    }
}

/// Response of `Health/Check` and each message of `Health/Watch`.
public struct HealthCheckResponse: Codable, Sendable, Hashable {
    /// The status.
    public var status: ServingStatus

    /// Creates a response.
    public init(status: ServingStatus) {
        self.status = status
    }
}

/// The built-in health service `pilotage.health.Health`.
public enum HealthService {
    /// The service name.
    public static let name = "pilotage.health.Health"
    /// Unary: the current status of the server (empty service) or of one service.
    public static let check = MethodDescriptor<HealthCheckRequest, HealthCheckResponse>(
        service: name,
        method: "Check",
        kind: .unary
    )
    /// Server-streaming: the current status, then every change, until the client cancels.
    public static let watch = MethodDescriptor<HealthCheckRequest, HealthCheckResponse>(
        service: name,
        method: "Watch",
        kind: .serverStreaming
    )

    static func definition(registry: HealthStatusRegistry) -> ServiceDefinition {
        var service = ServiceDefinition(name: Self.name)
        service.unary(Self.check) { request, _ in
            HealthCheckResponse(status: registry.status(for: request.service))
        }
        service.serverStreaming(Self.watch) { request, writer, _ in
            let (updates, token) = registry.watch(request.service)
            defer { registry.unwatch(token) }
            for await status in updates {
                try await writer.write(HealthCheckResponse(status: status))
            }
        }
        return service
    }
}

/// The statuses served by the health service; the application updates them.
///
/// The overall status (empty name) is `SERVING` while the server runs and becomes
/// `NOT_SERVING` when a graceful shutdown begins, as does every service.
public final class HealthStatusRegistry: Sendable {
    private struct State {
        var statuses: [String: ServingStatus] = ["": .serving]
        var watchers: [UInt64: (service: String, continuation: AsyncStream<ServingStatus>.Continuation)] = [:]
        var nextToken: UInt64 = 0
    }

    private let state = LockedValueBox(State())

    init() {}

    /// Sets the status of `service` (empty for the whole server) and notifies watchers on change.
    public func setStatus(_ status: ServingStatus, for service: String) {
        let continuations = self.state.withLock { state -> [AsyncStream<ServingStatus>.Continuation] in
            guard state.statuses[service] != status else { return [] }
            state.statuses[service] = status
            return state.watchers.values.filter { $0.service == service }.map(\.continuation)
        }
        for continuation in continuations { continuation.yield(status) }
    }

    /// The status of `service`, `SERVICE_UNKNOWN` when it was never set.
    public func status(for service: String) -> ServingStatus {
        self.state.withLock { $0.statuses[service] ?? .serviceUnknown }
    }

    func setAllNotServing() {
        let services = self.state.withLock { Array($0.statuses.keys) }
        for service in services { self.setStatus(.notServing, for: service) }
    }

    func watch(_ service: String) -> (AsyncStream<ServingStatus>, UInt64) {
        let (stream, continuation) = AsyncStream.makeStream(
            of: ServingStatus.self,
            bufferingPolicy: .bufferingNewest(16)
        )
        let token = self.state.withLock { state -> UInt64 in
            state.nextToken += 1
            state.watchers[state.nextToken] = (service, continuation)
            continuation.yield(state.statuses[service] ?? .serviceUnknown)
            return state.nextToken
        }
        return (stream, token)
    }

    func unwatch(_ token: UInt64) {
        let watcher = self.state.withLock { $0.watchers.removeValue(forKey: token) }
        watcher?.continuation.finish()
    }
}
