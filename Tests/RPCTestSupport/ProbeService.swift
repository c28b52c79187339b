public import RPCCore
internal import ServerSupport

/// Messages of the probe service used by the RPC tests.
public enum Probe {
    /// The service name.
    public static let serviceName = "pilotage.test.Probe"

    /// Echo request: text to echo, a metadata key whose value to return, an optional delay.
    public struct EchoRequest: Codable, Sendable, Hashable {
        public var text: String
        public var metadataKey: String?

        public init(text: String, metadataKey: String? = nil) {
            self.text = text
            self.metadataKey = metadataKey
        }
    }

    /// Echo reply.
    public struct EchoReply: Codable, Sendable, Hashable {
        public var text: String
        public var metadataValue: String?
        public var requestID: String

        public init(text: String, metadataValue: String?, requestID: String) {
            self.text = text
            self.metadataValue = metadataValue
            self.requestID = requestID
        }
    }

    /// Asks the server to fail with a status code name, `UNEXPECTED` (a plain Swift error) or
    /// `CONVERTIBLE` (an `RPCErrorConvertible` choosing `NOT_FOUND`).
    public struct FailRequest: Codable, Sendable, Hashable {
        public var code: String
        public var message: String

        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }

    /// Empty message.
    public struct Empty: Codable, Sendable, Hashable {
        public init() {}
    }

    /// Sleep request: how long, and a tag under which the probe records what happened.
    public struct SleepRequest: Codable, Sendable, Hashable {
        public var milliseconds: Int
        public var tag: String

        public init(milliseconds: Int, tag: String) {
            self.milliseconds = milliseconds
            self.tag = tag
        }
    }

    /// Count request: how many messages to stream, how big, under which tag to record progress.
    public struct CountRequest: Codable, Sendable, Hashable {
        public var count: Int
        public var payloadSize: Int
        public var tag: String

        public init(count: Int, payloadSize: Int = 0, tag: String = "") {
            self.count = count
            self.payloadSize = payloadSize
            self.tag = tag
        }
    }

    /// One streamed number, with padding.
    public struct Number: Codable, Sendable, Hashable {
        public var value: Int
        public var padding: String

        public init(value: Int, padding: String = "") {
            self.value = value
            self.padding = padding
        }
    }

    public static let echo = MethodDescriptor<EchoRequest, EchoReply>(
        service: serviceName,
        method: "Echo",
        kind: .unary
    )
    public static let fail = MethodDescriptor<FailRequest, Empty>(service: serviceName, method: "Fail", kind: .unary)
    public static let sleep = MethodDescriptor<SleepRequest, Empty>(service: serviceName, method: "Sleep", kind: .unary)
    public static let count = MethodDescriptor<CountRequest, Number>(
        service: serviceName,
        method: "Count",
        kind: .serverStreaming
    )
    public static let sum = MethodDescriptor<Number, Number>(
        service: serviceName,
        method: "Sum",
        kind: .clientStreaming
    )
    public static let chat = MethodDescriptor<Number, Number>(
        service: serviceName,
        method: "Chat",
        kind: .bidirectionalStreaming
    )
    /// Declared by the client but not implemented by the server.
    public static let missing = MethodDescriptor<Empty, Empty>(service: serviceName, method: "Missing", kind: .unary)
}

/// What the probe handlers observed, for tests to assert on.
public final class ProbeRecorder: Sendable {
    private struct State {
        var started: Set<String> = []
        var cancelled: Set<String> = []
        var completed: Set<String> = []
        var written: [String: Int] = [:]
    }

    private let state = LockedValueBox(State())

    public init() {}

    func started(_ tag: String) { self.state.withLock { _ = $0.started.insert(tag) } }
    func cancelled(_ tag: String) { self.state.withLock { _ = $0.cancelled.insert(tag) } }
    func completed(_ tag: String) { self.state.withLock { _ = $0.completed.insert(tag) } }
    func wrote(_ tag: String, _ count: Int) { self.state.withLock { $0.written[tag] = count } }

    /// Whether the handler with `tag` started.
    public func hasStarted(_ tag: String) -> Bool { self.state.withLock { $0.started.contains(tag) } }
    /// Whether the handler with `tag` saw its task cancelled.
    public func wasCancelled(_ tag: String) -> Bool { self.state.withLock { $0.cancelled.contains(tag) } }
    /// Whether the handler with `tag` ran to its end.
    public func hasCompleted(_ tag: String) -> Bool { self.state.withLock { $0.completed.contains(tag) } }
    /// Messages written so far by the streaming handler with `tag`.
    public func writtenCount(_ tag: String) -> Int { self.state.withLock { $0.written[tag] ?? 0 } }
}

/// An error that chooses its status.
struct ProbeNotFound: RPCErrorConvertible {
    var rpcErrorCode: RPCError.Code { .notFound }
    var rpcErrorMessage: String { "probe entity not found" }
}

/// A plain error that must not leak to clients.
struct ProbeSecretFailure: Error, CustomStringConvertible {
    var description: String { "secret internal detail: /var/lib/pilotage/db.sqlite is locked" }
}

extension Probe {
    /// The probe service; handlers record what happens in `recorder`.
    public static func service(recorder: ProbeRecorder) -> ServiceDefinition {
        var service = ServiceDefinition(name: serviceName)
        service.unary(echo) { request, context in
            context.addTrailer("x-echo-length", String(request.text.count))
            return EchoReply(
                text: request.text,
                metadataValue: request.metadataKey.flatMap { context.metadata[$0] },
                requestID: context.requestID
            )
        }
        service.unary(fail) { request, _ in
            switch request.code {
            case "UNEXPECTED": throw ProbeSecretFailure()
            case "CONVERTIBLE": throw ProbeNotFound()
            default:
                guard let code = RPCStatus.Code(name: request.code), let errorCode = RPCError.Code(code) else {
                    return Empty()
                }
                throw RPCError(code: errorCode, message: request.message, metadata: ["x-failed": "yes"])
            }
        }
        service.unary(sleep) { request, _ in
            recorder.started(request.tag)
            do {
                try await Task.sleep(for: .milliseconds(request.milliseconds))
            } catch {
                recorder.cancelled(request.tag)
                throw error
            }
            recorder.completed(request.tag)
            return Empty()
        }
        service.serverStreaming(count) { request, writer, _ in
            recorder.started(request.tag)
            let padding = String(repeating: "x", count: request.payloadSize)
            do {
                for value in 0..<request.count {
                    try await writer.write(Number(value: value, padding: padding))
                    recorder.wrote(request.tag, value + 1)
                }
            } catch {
                if Task.isCancelled { recorder.cancelled(request.tag) }
                throw error
            }
            recorder.completed(request.tag)
        }
        service.clientStreaming(sum) { requests, _ in
            var total = 0
            for try await number in requests { total += number.value }
            return Number(value: total)
        }
        service.bidirectionalStreaming(chat) { requests, writer, _ in
            for try await number in requests {
                try await writer.write(Number(value: number.value * 2))
            }
        }
        return service
    }
}
