extension RPCClient {
    /// Timeouts, limits and reconnection policy of a client; every value has a default.
    public struct Configuration: Sendable {
        /// How long one connection attempt (TCP connect + handshake) may take. Default 5 s.
        public var connectTimeout: Duration = .seconds(5)
        /// Reconnection policy when no connection is usable.
        public var backoff: Backoff = Backoff()
        /// Largest frame payload accepted from the server (SETTINGS MAX_FRAME_SIZE). Default 4 MiB.
        public var maxFrameSize: Int = Int(ConnectionSettings.defaultMaxFrameSize)
        /// Flow-control window of each call for response messages. Default 1 MiB.
        public var initialWindowSize: Int = Int(ConnectionSettings.defaultInitialWindowSize)
        /// After this long without receiving anything the client sends a PING; `nil` disables
        /// keepalive. Default 60 s.
        public var keepaliveInterval: Duration? = .seconds(60)
        /// A PING unanswered for this long drops the connection (its calls fail with `UNAVAILABLE`). Default 20 s.
        public var keepaliveTimeout: Duration = .seconds(20)
        /// Deadline applied to calls that give none; `nil` means no deadline. Default `nil`.
        public var defaultTimeout: Duration?

        /// The defaults.
        public init() {}

        var settings: ConnectionSettings {
            ConnectionSettings(
                maxFrameSize: UInt32(clamping: max(self.maxFrameSize, Int(ConnectionSettings.minimumMaxFrameSize))),
                maxConcurrentCalls: 0,
                initialWindowSize: UInt32(clamping: max(self.initialWindowSize, 1))
            )
        }

        var tickInterval: Duration {
            guard let interval = self.keepaliveInterval else { return .seconds(1) }
            return min(max(min(interval, self.keepaliveTimeout) / 4, .milliseconds(5)), .seconds(1))
        }
    }

    /// Bounded exponential backoff between connection attempts; after the last attempt the call
    /// fails with `UNAVAILABLE` carrying the last connection error.
    public struct Backoff: Sendable {
        /// Delay after the first failed attempt. Default 50 ms.
        public var initialDelay: Duration = .milliseconds(50)
        /// Factor applied to the delay after each failure. Default 2.
        public var multiplier: Double = 2
        /// Upper bound of the delay. Default 2 s.
        public var maximumDelay: Duration = .seconds(2)
        /// Attempts before giving up (at least 1). Default 5.
        public var maximumAttempts: Int = 5
        /// Random spread applied to each delay, as a fraction (0.2 = ±20 %). Default 0.2.
        public var jitter: Double = 0.2

        /// The defaults.
        public init() {}

        /// Creates a policy.
        public init(
            initialDelay: Duration,
            multiplier: Double = 2,
            maximumDelay: Duration,
            maximumAttempts: Int,
            jitter: Double = 0.2
        ) {
            self.initialDelay = initialDelay
            self.multiplier = multiplier
            self.maximumDelay = maximumDelay
            self.maximumAttempts = maximumAttempts
            self.jitter = jitter
        }

        /// The delay after failed attempt number `attempt` (1-based), before jitter.
        func delay(afterAttempt attempt: Int) -> Duration {
            var delay = self.initialDelay
            for _ in 1..<max(attempt, 1) {
                delay = delay * self.multiplier
                if delay >= self.maximumDelay { return self.maximumDelay }
            }
            return min(delay, self.maximumDelay)
        }
    }
}
