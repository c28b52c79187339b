/// A violation of the framing rules, found while decoding the preface or a frame.
///
/// Every frame error is a connection error: the receiver sends GOAWAY with ``statusCode`` and
/// ``message`` and closes the connection (`WIRE.md` §8).
package struct FrameError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What rule was broken.
    package var code: Code
    /// A human-readable explanation (sent in the GOAWAY).
    package var message: String

    /// Creates an error.
    package init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The status code the GOAWAY carries for this error.
    package var statusCode: RPCStatus.Code {
        switch self.code {
        case .frameTooLarge: .resourceExhausted
        case .unsupportedVersion: .unimplemented
        default: .internalError
        }
    }

    package var description: String { "\(self.code): \(self.message)" }

    /// The kind of framing error.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: Hashable, Sendable {
            case badPreface, unsupportedVersion, frameTooLarge, unknownFrameKind, malformedFrame, protocolViolation
        }

        private let wrapped: Wrapped

        private init(_ wrapped: Wrapped) {
            self.wrapped = wrapped
        }

        /// The first bytes are not the protocol magic.
        package static let badPreface = Code(.badPreface)
        /// The peer speaks a protocol version this side does not.
        package static let unsupportedVersion = Code(.unsupportedVersion)
        /// A header announces a payload above the receiver's maximum frame size.
        package static let frameTooLarge = Code(.frameTooLarge)
        /// A header carries a kind this protocol version does not define.
        package static let unknownFrameKind = Code(.unknownFrameKind)
        /// A payload does not follow its kind's layout (truncated field, bad UTF-8, bad key…).
        package static let malformedFrame = Code(.malformedFrame)
        /// A well-formed frame arrives where the protocol forbids it.
        package static let protocolViolation = Code(.protocolViolation)

        package var description: String {
            switch self.wrapped {
            case .badPreface: "badPreface"
            case .unsupportedVersion: "unsupportedVersion"
            case .frameTooLarge: "frameTooLarge"
            case .unknownFrameKind: "unknownFrameKind"
            case .malformedFrame: "malformedFrame"
            case .protocolViolation: "protocolViolation"
            }
        }
    }
}
