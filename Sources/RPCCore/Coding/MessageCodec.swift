/// Turns a message into the opaque bytes of a MESSAGE frame.
public protocol MessageSerializer: Sendable {
    /// Encodes `message`.
    ///
    /// - Throws: when the value cannot be encoded; the runtime reports `INTERNAL` to the peer.
    func serialize<Message: Encodable>(_ message: Message) throws -> [UInt8]
}

/// Turns the bytes of a MESSAGE frame back into a message.
public protocol MessageDeserializer: Sendable {
    /// Decodes a `Message` from `bytes`.
    ///
    /// - Throws: when the bytes are not a valid `Message`; the error's description becomes the
    ///   message of the `INVALID_ARGUMENT` (request) or `INTERNAL` (response) status.
    func deserialize<Message: Decodable>(_ type: Message.Type, from bytes: ArraySlice<UInt8>) throws -> Message
}

/// A serializer and deserializer pair: the message encoding of a client or server.
///
/// The frame layer never depends on it: MESSAGE payloads are opaque bytes. The runtime's default
/// is ``WireMessageCodec``; ``JSONMessageCodec`` helps debugging.
public typealias MessageCodec = MessageSerializer & MessageDeserializer
