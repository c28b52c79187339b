/// One frame of the Pilotage wire protocol (`WIRE.md` §2): a 10-byte header and a payload.
///
/// Header layout, all big-endian: `length: u32` (payload bytes, header excluded),
/// `kind: u8`, `flags: u8`, `callID: u32`. The payload of a MESSAGE frame is opaque (the message
/// codec's bytes); every other kind has a fixed binary layout defined by ``FramePayload``, so
/// this layer does not depend on the message coder.
package struct Frame: Hashable, Sendable {
    /// Size of the fixed header in bytes.
    package static let headerSize = 10

    /// What the frame carries.
    package var kind: Kind
    /// Kind-specific flag bits.
    package var flags: Flags
    /// The call the frame belongs to; 0 for connection-level frames.
    package var callID: UInt32
    /// The payload bytes (a slice of the receive buffer when decoded: no copy).
    package var payload: ArraySlice<UInt8>

    /// Creates a frame.
    package init(kind: Kind, flags: Flags = [], callID: UInt32, payload: ArraySlice<UInt8> = []) {
        self.kind = kind
        self.flags = flags
        self.callID = callID
        self.payload = payload
    }

    /// A frame kind: the byte at offset 4 of the header. Numbers are fixed by `WIRE.md` §2.2.
    package struct Kind: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        /// The wire byte.
        package var rawValue: UInt8

        /// Wraps a wire byte (known or not).
        package init(rawValue: UInt8) {
            self.rawValue = rawValue
        }

        /// 0x01, client → server: opens a call (method, timeout, metadata).
        package static let headers = Kind(rawValue: 0x01)
        /// 0x02, both ways: one message, opaque codec bytes.
        package static let message = Kind(rawValue: 0x02)
        /// 0x03, client → server: the client sends no more messages (half-close).
        package static let end = Kind(rawValue: 0x03)
        /// 0x04, server → client: final status and trailers; closes the call.
        package static let status = Kind(rawValue: 0x04)
        /// 0x05, client → server: the client abandons the call.
        package static let cancel = Kind(rawValue: 0x05)
        /// 0x06, both ways: liveness probe with 8 opaque bytes.
        package static let ping = Kind(rawValue: 0x06)
        /// 0x07, both ways: answer to PING echoing its 8 bytes.
        package static let pong = Kind(rawValue: 0x07)
        /// 0x08, both ways: the sender will accept no new calls / is closing the connection.
        package static let goAway = Kind(rawValue: 0x08)
        /// 0x09, both ways: grants more flow-control window for one call.
        package static let windowUpdate = Kind(rawValue: 0x09)
        /// 0x0A, both ways: the sender's settings, once, right after the preface.
        package static let settings = Kind(rawValue: 0x0A)

        /// Every defined kind.
        package static let allKnown: [Kind] = [
            .headers, .message, .end, .status, .cancel, .ping, .pong, .goAway, .windowUpdate, .settings,
        ]

        /// Whether the kind is defined by this protocol version.
        package var isKnown: Bool { self.rawValue >= 0x01 && self.rawValue <= 0x0A }

        /// The upper-case name used in `WIRE.md` (`HEADERS`, `WINDOW_UPDATE` …).
        package var name: String {
            switch self.rawValue {
            case 0x01: "HEADERS"
            case 0x02: "MESSAGE"
            case 0x03: "END"
            case 0x04: "STATUS"
            case 0x05: "CANCEL"
            case 0x06: "PING"
            case 0x07: "PONG"
            case 0x08: "GOAWAY"
            case 0x09: "WINDOW_UPDATE"
            case 0x0A: "SETTINGS"
            default: "UNKNOWN(0x" + String(self.rawValue, radix: 16) + ")"
            }
        }

        /// Parses a name as written in `WIRE.md`.
        package init?(name: String) {
            guard let kind = Kind.allKnown.first(where: { $0.name == name }) else { return nil }
            self = kind
        }

        package var description: String { self.name }
    }

    /// Flag bits of the header byte at offset 5. Undefined bits must be zero.
    package struct Flags: OptionSet, Hashable, Sendable {
        /// The wire byte.
        package var rawValue: UInt8

        /// Wraps a wire byte.
        package init(rawValue: UInt8) {
            self.rawValue = rawValue
        }

        /// HEADERS: the payload carries a timeout (`u64` microseconds) after the method name.
        package static let hasTimeout = Flags(rawValue: 0x01)
    }
}
