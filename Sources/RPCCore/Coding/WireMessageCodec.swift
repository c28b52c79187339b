public import Wire

/// Messages in the project's binary format (`WIRE.md` §6): the default codec of servers and
/// clients.
///
/// Decoding failures throw the coder's ``Wire/WireError`` (code, message, coding path); the
/// server turns a request that fails to decode into `INVALID_ARGUMENT` carrying that text.
public struct WireMessageCodec: MessageCodec {
    /// The encoder (and its limits).
    public var encoder: WireEncoder
    /// The decoder (and its limits).
    public var decoder: WireDecoder

    /// Creates the codec with the given limits (the defaults of `WIRE.md` §7.1).
    public init(limits: WireLimits = .default) {
        self.encoder = WireEncoder(limits: limits)
        self.decoder = WireDecoder(limits: limits)
    }

    public func serialize<Message: Encodable>(_ message: Message) throws -> [UInt8] {
        try self.encoder.encode(message)
    }

    public func deserialize<Message: Decodable>(_ type: Message.Type, from bytes: ArraySlice<UInt8>) throws -> Message {
        try self.decoder.decode(type, from: bytes)
    }
}
