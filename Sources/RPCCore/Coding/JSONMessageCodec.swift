internal import Foundation

/// Messages as UTF-8 JSON (Foundation's coders): readable and slow; for tests and debugging
/// (the default is ``WireMessageCodec``).
public struct JSONMessageCodec: MessageCodec {
    /// Creates the codec.
    public init() {}

    public func serialize<Message: Encodable>(_ message: Message) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(message))
    }

    public func deserialize<Message: Decodable>(_ type: Message.Type, from bytes: ArraySlice<UInt8>) throws -> Message {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch let DecodingError.dataCorrupted(context) {
            throw CodecError(message: "invalid JSON for \(type): \(context.debugDescription)")
        } catch let DecodingError.keyNotFound(key, _) {
            throw CodecError(message: "missing field '\(key.stringValue)' in \(type)")
        } catch let DecodingError.typeMismatch(expected, context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw CodecError(message: "field '\(path)' of \(type) is not a \(expected)")
        } catch let DecodingError.valueNotFound(_, context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw CodecError(message: "field '\(path)' of \(type) is null")
        }
    }
}

/// A message that could not be encoded or decoded by a ``MessageCodec``.
public struct CodecError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A human-readable explanation.
    public var message: String

    /// Creates an error.
    public init(message: String) {
        self.message = message
    }

    public var description: String { self.message }
}
