extension RPCServer {
    /// Limits and timeouts of a server; every value has a production default.
    public struct Configuration: Sendable {
        /// Largest frame payload accepted, in bytes (announced as SETTINGS MAX_FRAME_SIZE). Default 4 MiB.
        public var maxFrameSize: Int = Int(ConnectionSettings.defaultMaxFrameSize)
        /// Calls served at once per connection (SETTINGS MAX_CONCURRENT_CALLS); beyond it a new
        /// call gets `RESOURCE_EXHAUSTED`. Default 100.
        public var maxConcurrentCallsPerConnection: Int = Int(ConnectionSettings.defaultMaxConcurrentCalls)
        /// Flow-control window of each call for request messages (SETTINGS INITIAL_WINDOW_SIZE). Default 1 MiB.
        public var initialWindowSize: Int = Int(ConnectionSettings.defaultInitialWindowSize)
        /// Largest HEADERS payload (method + metadata) accepted; above it the call gets
        /// `RESOURCE_EXHAUSTED`. Default 16 KiB.
        public var maxHeadersSize: Int = 16 * 1024
        /// A connection with no call for this long is closed with GOAWAY; `nil` keeps idle
        /// connections. Default 5 minutes.
        public var idleTimeout: Duration? = .seconds(300)
        /// A peer that leaves a frame (or the handshake) incomplete for this long is dropped. Default 10 s.
        public var readTimeout: Duration = .seconds(10)
        /// After this long without receiving anything the server sends a PING; `nil` disables
        /// keepalive. Default 60 s.
        public var keepaliveInterval: Duration? = .seconds(60)
        /// A PING unanswered (nothing received) for this long drops the connection. Default 20 s.
        public var keepaliveTimeout: Duration = .seconds(20)
        /// How long a graceful shutdown lets in-flight calls finish before cancelling them. Default 10 s.
        public var shutdownGracePeriod: Duration = .seconds(10)
        /// Where handlers run. Default ``HandlerExecution/eventLoop``.
        public var handlerExecution: HandlerExecution = .eventLoop

        /// The defaults.
        public init() {}

        /// Where call handlers run.
        public enum HandlerExecution: Sendable {
            /// On the connection's event-loop thread (task executor preference): no thread hop
            /// between socket and handler, the fastest option. Handlers must not block: blocking
            /// work (SQLite) belongs to actors with their own executor.
            case eventLoop
            /// On Swift's global concurrent executor.
            case globalExecutor
        }

        func validate() throws {
            func check(_ condition: Bool, _ message: String) throws {
                if !condition { throw RuntimeError(code: .invalidConfiguration, message: message) }
            }
            try check(
                self.maxFrameSize >= Int(ConnectionSettings.minimumMaxFrameSize)
                    && self.maxFrameSize <= Int(ConnectionSettings.maximumSize),
                "maxFrameSize must be within 16384...2147483647"
            )
            try check(
                self.initialWindowSize >= 1 && self.initialWindowSize <= Int(ConnectionSettings.maximumSize),
                "initialWindowSize must be within 1...2147483647"
            )
            try check(self.maxConcurrentCallsPerConnection >= 0, "maxConcurrentCallsPerConnection must not be negative")
            try check(self.maxHeadersSize >= 256, "maxHeadersSize must be at least 256")
        }

        var settings: ConnectionSettings {
            ConnectionSettings(
                maxFrameSize: UInt32(self.maxFrameSize),
                maxConcurrentCalls: UInt32(clamping: self.maxConcurrentCallsPerConnection),
                initialWindowSize: UInt32(self.initialWindowSize)
            )
        }

        /// The period of the connection housekeeping timer: a quarter of the shortest timeout.
        var tickInterval: Duration {
            var shortest = self.readTimeout
            if let idle = self.idleTimeout { shortest = min(shortest, idle) }
            if let interval = self.keepaliveInterval { shortest = min(shortest, interval, self.keepaliveTimeout) }
            return min(max(shortest / 4, .milliseconds(5)), .seconds(1))
        }
    }
}
