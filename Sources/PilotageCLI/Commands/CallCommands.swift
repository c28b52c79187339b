internal import Foundation
internal import RPCCore
internal import RPCTransportTCP
internal import ServerSupport
internal import Wire

/// `health`, `list`, `describe` and `call`: the grpcurl-like part, driven by the gateway's
/// reflection service (no schema file on the client).
enum CallCommands {
    static func health(_ context: CommandContext) async throws {
        var context = context
        let service = context.arguments.optionalPositional() ?? ""
        try context.arguments.expectNoMorePositionals()
        let response = try await context.unary(HealthService.check, HealthCheckRequest(service: service))
        try context.output.show(response) { "\(service.isEmpty ? "gateway" : service): \(response.status.rawValue)" }
        guard response.status == .serving else {
            throw RPCError(code: .unavailable, message: "\(service.isEmpty ? "the gateway" : service) is \(response.status.rawValue)")
        }
    }

    static func list(_ context: CommandContext) async throws {
        try context.arguments.expectNoMorePositionals()
        let response = try await context.unary(ReflectionService.listServices, ListServicesRequest())
        try context.output.show(response) {
            response.services.flatMap { service in service.methods.map { "\(service.name)/\($0)" } }.joined(separator: "\n")
        }
    }

    static func describe(_ context: CommandContext) async throws {
        var context = context
        let method = try context.arguments.nextPositional("SERVICE/METHOD")
        try context.arguments.expectNoMorePositionals()
        let description = try await context.unary(ReflectionService.describeMethod, DescribeMethodRequest(method: method))
        try context.output.show(description) {
            var text = "\(description.service)/\(description.method) (\(description.kind.name))\n"
            text += "request \(description.requestType)\n"
            text += (description.requestSchema?.rendered() ?? "(no schema published)") + "\n"
            text += "response \(description.responseType)\n"
            text += description.responseSchema?.rendered() ?? "(no schema published)"
            return text
        }
    }

    static func call(_ context: CommandContext) async throws {
        var context = context
        let method = try context.arguments.nextPositional("SERVICE/METHOD")
        let argument = context.arguments.optionalPositional()
        try context.arguments.expectNoMorePositionals()
        let description = try await context.unary(ReflectionService.describeMethod, DescribeMethodRequest(method: method))
        let text: String
        if argument == nil || argument == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            text = argument ?? "{}"
        }
        let bridge = MessageBridge(description: description)
        if description.kind.isRequestStreaming {
            let requests = try Self.messages(in: text).map { try bridge.request(fromJSON: $0) }
            let streaming = RPCClient(
                transport: TCPClientTransport(host: context.options.host, port: context.options.port),
                codec: PassthroughCodec(),
                logger: Logger(label: "pilotage", level: .warning)
            )
            defer { streaming.close() }
            let descriptor = MethodDescriptor<EncodedMessage, EncodedMessage>(service: description.service, method: description.method, kind: description.kind)
            let response = try await streaming.clientStreaming(descriptor, metadata: context.metadata, deadline: context.deadline) { writer in
                for request in requests { try await writer.write(EncodedMessage(bytes: request)) }
            }
            context.output.print(try bridge.json(fromResponse: response.bytes, pretty: true))
            return
        }
        let request = try bridge.request(fromJSON: text.isEmpty ? "{}" : text)
        if description.kind.isResponseStreaming {
            let stream = try await context.client.rawServerStreaming(method: method, request: request, metadata: context.metadata, deadline: context.deadline)
            for try await message in stream {
                context.output.print(try bridge.json(fromResponse: Array(message), pretty: !context.output.json))
            }
        } else {
            let (response, _) = try await context.client.rawUnary(method: method, request: request, metadata: context.metadata, deadline: context.deadline)
            context.output.print(try bridge.json(fromResponse: Array(response), pretty: true))
        }
    }
}

extension CallCommands {
    /// The request messages of a client-streaming call: the elements of a top-level JSON array,
    /// else one JSON value per non-empty line.
    static func messages(in text: String) throws -> [String] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("["), let array = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [Any] {
            return try array.map { element in
                String(decoding: try JSONSerialization.data(withJSONObject: element, options: [.fragmentsAllowed]), as: UTF8.self)
            }
        }
        return trimmed.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }
}

/// A message already in wire bytes (client-streaming calls of the CLI).
struct EncodedMessage: Codable, Sendable {
    var bytes: [UInt8]
}

/// A codec that sends ``EncodedMessage`` bytes as they are and reads replies as raw bytes.
struct PassthroughCodec: MessageCodec {
    struct NotEncoded: Error, CustomStringConvertible {
        var description: String { "the pass-through codec only carries EncodedMessage values" }
    }

    func serialize<Message: Encodable>(_ message: Message) throws -> [UInt8] {
        guard let encoded = message as? EncodedMessage else { throw NotEncoded() }
        return encoded.bytes
    }

    func deserialize<Message: Decodable>(_ type: Message.Type, from bytes: ArraySlice<UInt8>) throws -> Message {
        guard let message = EncodedMessage(bytes: Array(bytes)) as? Message else { throw NotEncoded() }
        return message
    }
}

/// Converts JSON text to request bytes and response bytes to JSON text for one method, through
/// the wire schemas the reflection service publishes (`WIRE.md` §6.12–6.13).
struct MessageBridge {
    let description: MethodDescription

    func request(fromJSON text: String) throws -> [UInt8] {
        guard let schema = self.description.requestSchema else {
            throw UsageError("the server does not publish the request schema of \(self.description.service)/\(self.description.method)")
        }
        do {
            return try WireJSON.encode(json: text, schema: schema)
        } catch let error as WireError {
            throw UsageError("the request does not match \(self.description.requestType): \(error)")
        }
    }

    func json(fromResponse bytes: [UInt8], pretty: Bool) throws -> String {
        try WireJSON.json(from: bytes, schema: self.description.responseSchema ?? .any, pretty: pretty)
    }
}
