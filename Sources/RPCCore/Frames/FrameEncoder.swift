/// Appends frames to an outbound byte buffer, writing each payload in place (no intermediate
/// ``Frame`` value): the sending half of `WIRE.md` §2–3.
package enum FrameEncoder {
    /// HEADERS: `string16 method`, `[u64 timeout µs if flag 0x01]`, metadata block.
    package static func appendHeaders(_ head: RequestHead, callID: UInt32, into buffer: inout [UInt8]) {
        let start = buffer.count
        buffer.appendFrameHeader(
            length: 0,
            kind: .headers,
            flags: head.timeoutMicroseconds == nil ? [] : .hasTimeout,
            callID: callID
        )
        buffer.appendString16(head.method)
        if let timeout = head.timeoutMicroseconds { buffer.appendUInt64(timeout) }
        buffer.appendMetadata(head.metadata)
        buffer.setUInt32(UInt32(truncatingIfNeeded: buffer.count - start - Frame.headerSize), at: start)
    }

    /// MESSAGE: the opaque bytes.
    @inline(__always)
    package static func appendMessage(_ bytes: some Collection<UInt8>, callID: UInt32, into buffer: inout [UInt8]) {
        buffer.appendFrameHeader(length: bytes.count, kind: .message, callID: callID)
        buffer.append(contentsOf: bytes)
    }

    /// END (empty payload).
    package static func appendEnd(callID: UInt32, into buffer: inout [UInt8]) {
        buffer.appendFrameHeader(length: 0, kind: .end, callID: callID)
    }

    /// CANCEL (empty payload).
    package static func appendCancel(callID: UInt32, into buffer: inout [UInt8]) {
        buffer.appendFrameHeader(length: 0, kind: .cancel, callID: callID)
    }

    /// WINDOW_UPDATE: `u32 increment`.
    package static func appendWindowUpdate(increment: UInt32, callID: UInt32, into buffer: inout [UInt8]) {
        buffer.appendFrameHeader(length: 4, kind: .windowUpdate, callID: callID)
        buffer.appendUInt32(increment)
    }

    /// STATUS: `u8 code`, `string16 message`, trailers metadata block.
    package static func appendStatus(
        _ status: RPCStatus,
        trailers: Metadata,
        callID: UInt32,
        into buffer: inout [UInt8]
    ) {
        let start = buffer.count
        buffer.appendFrameHeader(length: 0, kind: .status, callID: callID)
        buffer.append(status.code.rawValue)
        buffer.appendString16(status.message)
        buffer.appendMetadata(trailers)
        buffer.setUInt32(UInt32(truncatingIfNeeded: buffer.count - start - Frame.headerSize), at: start)
    }

    /// GOAWAY: `u32 lastCallID`, `u8 code`, `string16 message`.
    package static func appendGoAway(_ goAway: GoAway, into buffer: inout [UInt8]) {
        let start = buffer.count
        buffer.appendFrameHeader(length: 0, kind: .goAway, callID: 0)
        buffer.appendUInt32(goAway.lastCallID)
        buffer.append(goAway.code.rawValue)
        buffer.appendString16(goAway.message)
        buffer.setUInt32(UInt32(truncatingIfNeeded: buffer.count - start - Frame.headerSize), at: start)
    }

    /// SETTINGS: every setting as `u16 id`, `u32 value`, in id order.
    package static func appendSettings(_ settings: ConnectionSettings, into buffer: inout [UInt8]) {
        let entries = settings.entries
        buffer.appendFrameHeader(length: entries.count * 6, kind: .settings, callID: 0)
        for (identifier, value) in entries {
            buffer.appendUInt16(identifier)
            buffer.appendUInt32(value)
        }
    }

    /// PING: `u64` opaque data.
    package static func appendPing(_ data: UInt64, into buffer: inout [UInt8]) {
        buffer.appendFrameHeader(length: 8, kind: .ping, callID: 0)
        buffer.appendUInt64(data)
    }

    /// PONG: echoes the PING's `u64`.
    package static func appendPong(_ data: UInt64, into buffer: inout [UInt8]) {
        buffer.appendFrameHeader(length: 8, kind: .pong, callID: 0)
        buffer.appendUInt64(data)
    }
}
