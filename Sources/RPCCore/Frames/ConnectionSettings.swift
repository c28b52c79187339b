/// The limits a peer announces in its SETTINGS frame (`WIRE.md` §1.3); each applies to what the
/// *other* side may send to the announcer.
package struct ConnectionSettings: Hashable, Sendable {
    /// Setting 1: the largest payload (bytes, header excluded) the announcer accepts in one frame.
    package var maxFrameSize: UInt32
    /// Setting 2: how many calls the announcer serves at once on this connection.
    package var maxConcurrentCalls: UInt32
    /// Setting 3: the flow-control window, in bytes, each new call starts with for messages
    /// sent to the announcer.
    package var initialWindowSize: UInt32

    /// The default maximum frame payload: 4 MiB.
    package static let defaultMaxFrameSize: UInt32 = 4 * 1024 * 1024
    /// The default maximum of concurrent calls: 100.
    package static let defaultMaxConcurrentCalls: UInt32 = 100
    /// The default per-call window: 1 MiB.
    package static let defaultInitialWindowSize: UInt32 = 1024 * 1024
    /// The smallest legal maximum frame size: 16 KiB (so HEADERS always fit).
    package static let minimumMaxFrameSize: UInt32 = 16 * 1024
    /// The largest legal value for sizes: 2^31 - 1.
    package static let maximumSize: UInt32 = UInt32(Int32.max)

    /// Creates settings, defaulting each value.
    package init(
        maxFrameSize: UInt32 = ConnectionSettings.defaultMaxFrameSize,
        maxConcurrentCalls: UInt32 = ConnectionSettings.defaultMaxConcurrentCalls,
        initialWindowSize: UInt32 = ConnectionSettings.defaultInitialWindowSize
    ) {
        self.maxFrameSize = maxFrameSize
        self.maxConcurrentCalls = maxConcurrentCalls
        self.initialWindowSize = initialWindowSize
    }

    /// The `(id, value)` pairs sent on the wire, in id order.
    package var entries: [(UInt16, UInt32)] {
        [(1, self.maxFrameSize), (2, self.maxConcurrentCalls), (3, self.initialWindowSize)]
    }

    /// Applies one received setting; unknown ids are ignored (forward compatibility).
    ///
    /// - Throws: `malformedFrame` when a known setting's value is out of range.
    package mutating func apply(identifier: UInt16, value: UInt32) throws(FrameError) {
        switch identifier {
        case 1:
            guard value >= Self.minimumMaxFrameSize, value <= Self.maximumSize else {
                throw FrameError(
                    code: .malformedFrame,
                    message:
                        "SETTINGS MAX_FRAME_SIZE \(value) is outside \(Self.minimumMaxFrameSize)...\(Self.maximumSize)"
                )
            }
            self.maxFrameSize = value
        case 2:
            self.maxConcurrentCalls = value
        case 3:
            guard value >= 1, value <= Self.maximumSize else {
                throw FrameError(
                    code: .malformedFrame,
                    message: "SETTINGS INITIAL_WINDOW_SIZE \(value) is outside 1...\(Self.maximumSize)"
                )
            }
            self.initialWindowSize = value
        default:
            break
        }
    }
}
