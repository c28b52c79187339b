/// The decoded meaning of a frame: its kind with the fields of its fixed layout (`WIRE.md` §2–3).
package enum FramePayload: Hashable, Sendable {
    /// HEADERS: opens a call.
    case headers(RequestHead)
    /// MESSAGE: one message's opaque codec bytes.
    case message(ArraySlice<UInt8>)
    /// END: client half-close.
    case end
    /// STATUS: final status and trailers.
    case status(RPCStatus, trailers: Metadata)
    /// CANCEL: the client abandons the call.
    case cancel
    /// PING with its opaque 8 bytes.
    case ping(UInt64)
    /// PONG echoing a PING's 8 bytes.
    case pong(UInt64)
    /// GOAWAY: no new calls above `lastCallID`; the connection is closing.
    case goAway(GoAway)
    /// WINDOW_UPDATE: `increment` more window bytes for the call.
    case windowUpdate(increment: UInt32)
    /// SETTINGS: the sender's limits.
    case settings(ConnectionSettings)
}

/// The fields of a HEADERS frame: which method, how long the caller waits, and call metadata.
package struct RequestHead: Hashable, Sendable {
    /// `"Service/Method"`.
    package var method: String
    /// Remaining time the caller waits, in microseconds, or `nil` for no deadline.
    package var timeoutMicroseconds: UInt64?
    /// Call metadata (tenant, credential, user, request id…).
    package var metadata: Metadata

    /// Creates a head.
    package init(method: String, timeoutMicroseconds: UInt64? = nil, metadata: Metadata = [:]) {
        self.method = method
        self.timeoutMicroseconds = timeoutMicroseconds
        self.metadata = metadata
    }
}

/// The fields of a GOAWAY frame.
package struct GoAway: Hashable, Sendable {
    /// The highest call id the sender has accepted (or will still process); calls above were
    /// never processed and may be retried on a new connection.
    package var lastCallID: UInt32
    /// Why: `OK` for a graceful shutdown or idle close, otherwise the error.
    package var code: RPCStatus.Code
    /// A human-readable reason.
    package var message: String

    /// Creates a GOAWAY.
    package init(lastCallID: UInt32, code: RPCStatus.Code, message: String) {
        self.lastCallID = lastCallID
        self.code = code
        self.message = message
    }
}

extension Frame {
    /// Checks the header rules and decodes the payload's fixed layout.
    ///
    /// - Throws: ``FrameError`` `malformedFrame` when the layout is violated, `unknownFrameKind`
    ///   for an undefined kind, `protocolViolation` for a call id or flag not allowed on the kind.
    package func decodePayload(methodCache: MethodNameCache? = nil) throws(FrameError) -> FramePayload {
        let isConnectionLevel =
            self.kind == .ping || self.kind == .pong || self.kind == .goAway || self.kind == .settings
        guard self.kind.isKnown else {
            throw FrameError(code: .unknownFrameKind, message: "unknown frame kind \(self.kind.name)")
        }
        if isConnectionLevel, self.callID != 0 {
            throw FrameError(
                code: .protocolViolation,
                message: "\(self.kind.name) is connection-level and must carry call id 0, not \(self.callID)"
            )
        }
        if !isConnectionLevel, self.callID == 0 {
            throw FrameError(code: .protocolViolation, message: "\(self.kind.name) must carry a non-zero call id")
        }
        let allowedFlags: Frame.Flags = self.kind == .headers ? .hasTimeout : []
        guard self.flags.isSubset(of: allowedFlags) else {
            throw FrameError(
                code: .protocolViolation,
                message: "\(self.kind.name) has undefined flag bits 0x" + String(self.flags.rawValue, radix: 16)
            )
        }
        var reader = ByteReader(self.payload, kind: self.kind)
        let payload: FramePayload
        switch self.kind {
        case .headers:
            let methodLength = Int(try reader.readUInt16("method length"))
            let methodBytes = try reader.readBytes(methodLength, "method")
            let method: String
            if let methodCache, methodCache.bytes.elementsEqual(methodBytes) {
                method = methodCache.name
            } else {
                guard let text = methodBytes.withUnsafeBufferPointer({ String(validating: $0, as: UTF8.self) }) else {
                    throw FrameError(code: .malformedFrame, message: "HEADERS field 'method' is not valid UTF-8")
                }
                method = text
                methodCache?.remember(methodBytes, as: text)
            }
            let timeout = self.flags.contains(.hasTimeout) ? try reader.readUInt64("timeout") : nil
            let metadata = try reader.readMetadata("metadata")
            payload = .headers(RequestHead(method: method, timeoutMicroseconds: timeout, metadata: metadata))
        case .message:
            return .message(self.payload)
        case .end:
            payload = .end
        case .status:
            let code = RPCStatus.Code(receivedRawValue: try reader.readUInt8("code"))
            let message = try reader.readString16("message")
            let trailers = try reader.readMetadata("trailers")
            payload = .status(RPCStatus(code: code, message: message), trailers: trailers)
        case .cancel:
            payload = .cancel
        case .ping:
            payload = .ping(try reader.readUInt64("data"))
        case .pong:
            payload = .pong(try reader.readUInt64("data"))
        case .goAway:
            let lastCallID = try reader.readUInt32("last call id")
            let code = RPCStatus.Code(receivedRawValue: try reader.readUInt8("code"))
            let message = try reader.readString16("message")
            payload = .goAway(GoAway(lastCallID: lastCallID, code: code, message: message))
        case .windowUpdate:
            let increment = try reader.readUInt32("increment")
            guard increment > 0 else {
                throw FrameError(code: .protocolViolation, message: "WINDOW_UPDATE increment must be positive")
            }
            payload = .windowUpdate(increment: increment)
        case .settings:
            guard reader.remaining % 6 == 0 else {
                throw FrameError(
                    code: .malformedFrame,
                    message: "SETTINGS payload length \(reader.remaining) is not a multiple of 6"
                )
            }
            var settings = ConnectionSettings()
            while reader.remaining > 0 {
                let identifier = try reader.readUInt16("setting id")
                let value = try reader.readUInt32("setting value")
                try settings.apply(identifier: identifier, value: value)
            }
            payload = .settings(settings)
        default:
            throw FrameError(code: .unknownFrameKind, message: "unknown frame kind \(self.kind.name)")
        }
        try reader.expectEnd()
        return payload
    }

    /// Encodes a semantic frame: header then payload, appended to `buffer`.
    package static func encode(_ payload: FramePayload, callID: UInt32, into buffer: inout [UInt8]) {
        switch payload {
        case .headers(let head):
            FrameEncoder.appendHeaders(head, callID: callID, into: &buffer)
        case .message(let bytes):
            FrameEncoder.appendMessage(bytes, callID: callID, into: &buffer)
        case .end:
            buffer.appendFrameHeader(length: 0, kind: .end, callID: callID)
        case .status(let status, let trailers):
            FrameEncoder.appendStatus(status, trailers: trailers, callID: callID, into: &buffer)
        case .cancel:
            buffer.appendFrameHeader(length: 0, kind: .cancel, callID: callID)
        case .ping(let data):
            buffer.appendFrameHeader(length: 8, kind: .ping, callID: 0)
            buffer.appendUInt64(data)
        case .pong(let data):
            buffer.appendFrameHeader(length: 8, kind: .pong, callID: 0)
            buffer.appendUInt64(data)
        case .goAway(let goAway):
            FrameEncoder.appendGoAway(goAway, into: &buffer)
        case .windowUpdate(let increment):
            buffer.appendFrameHeader(length: 4, kind: .windowUpdate, callID: callID)
            buffer.appendUInt32(increment)
        case .settings(let settings):
            FrameEncoder.appendSettings(settings, into: &buffer)
        }
    }
}

/// The last method name decoded on a connection, reused when the next HEADERS names the same
/// method (the common case): no UTF-8 validation and no string allocation per call.
///
/// Used by one connection on its event loop only.
package final class MethodNameCache {
    private(set) var bytes: [UInt8] = []
    private(set) var name = ""

    /// Creates an empty cache.
    package init() {}

    func remember(_ bytes: ArraySlice<UInt8>, as name: String) {
        guard bytes.count <= 256 else { return }
        self.bytes = Array(bytes)
        self.name = name
    }
}
