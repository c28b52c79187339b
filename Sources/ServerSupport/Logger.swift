public import Foundation

/// A small logging facade with swift-log's surface: a label, levels, and structured metadata.
///
/// Libraries take a `Logger` parameter and never construct their own sink. Output goes to a
/// ``LogSink`` (standard error by default) as one line per record:
/// `2026-11-23T10:00:00.123Z info gateway: listening address=127.0.0.1:7400`.
public struct Logger: Sendable {
    /// Severity of a record, lowest first.
    public enum Level: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
        case trace, debug, info, notice, warning, error, critical

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }

        public var description: String {
            switch self {
            case .trace: "trace"
            case .debug: "debug"
            case .info: "info"
            case .notice: "notice"
            case .warning: "warning"
            case .error: "error"
            case .critical: "critical"
            }
        }

        /// Parses a level name (`info`, `debug` …), case-insensitively.
        public init?(name: String) {
            guard let level = Level.allCases.first(where: { $0.description == name.lowercased() }) else {
                return nil
            }
            self = level
        }
    }

    /// Structured key/value pairs attached to a record. Keys are dotted (`rpc.method`).
    public typealias Metadata = [String: String]

    /// The subsystem this logger speaks for (`gateway`, `rpc.server` …).
    public var label: String
    /// Records below this level are dropped before formatting.
    public var logLevel: Level
    /// Metadata added to every record of this logger.
    public var metadata: Metadata
    /// Where records go.
    public var sink: LogSink

    /// Creates a logger; the level defaults to `PILOTAGE_LOG_LEVEL` from the environment, else `info`.
    public init(label: String, level: Level? = nil, sink: LogSink = .standardError) {
        self.label = label
        self.logLevel = level ?? Logger.environmentLevel
        self.metadata = [:]
        self.sink = sink
    }

    /// A logger that drops everything (tests, benchmarks).
    public static func silent(label: String = "silent") -> Logger {
        Logger(label: label, level: .critical, sink: .discard)
    }

    /// Reads or sets one metadata value.
    public subscript(metadataKey key: String) -> String? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    /// Logs `message` at `level` with optional extra metadata.
    public func log(
        level: Level,
        _ message: @autoclosure () -> String,
        metadata: @autoclosure () -> Metadata = [:]
    ) {
        guard level >= self.logLevel else { return }
        var merged = self.metadata
        for (key, value) in metadata() { merged[key] = value }
        self.sink.write(LogRecord(date: Date(), level: level, label: self.label, message: message(), metadata: merged))
    }

    public func trace(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata = [:]) {
        self.log(level: .trace, message(), metadata: metadata())
    }
    public func debug(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata = [:]) {
        self.log(level: .debug, message(), metadata: metadata())
    }
    public func info(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata = [:]) {
        self.log(level: .info, message(), metadata: metadata())
    }
    public func notice(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata = [:]) {
        self.log(level: .notice, message(), metadata: metadata())
    }
    public func warning(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata = [:]) {
        self.log(level: .warning, message(), metadata: metadata())
    }
    public func error(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata = [:]) {
        self.log(level: .error, message(), metadata: metadata())
    }
    public func critical(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata = [:]) {
        self.log(level: .critical, message(), metadata: metadata())
    }

    private static var environmentLevel: Level {
        guard let name = ProcessInfo.processInfo.environment["PILOTAGE_LOG_LEVEL"], let level = Level(name: name) else {
            return .info
        }
        return level
    }
}

/// One formatted log event.
public struct LogRecord: Sendable {
    public var date: Date
    public var level: Logger.Level
    public var label: String
    public var message: String
    public var metadata: Logger.Metadata

    /// The single-line text form: ISO 8601 UTC instant, level, label, message, sorted `key=value` pairs.
    public var formatted: String {
        var line = "\(Self.timestamp(self.date)) \(self.level) \(self.label): \(self.message)"
        for key in self.metadata.keys.sorted() {
            line += " \(key)=\(Self.quoteIfNeeded(self.metadata[key] ?? ""))"
        }
        return line
    }

    private static func quoteIfNeeded(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }) else {
            return value
        }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        return "\"\(escaped)\""
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}

/// Destination of log records.
public struct LogSink: Sendable {
    private let writeRecord: @Sendable (LogRecord) -> Void

    /// Creates a sink from a closure; it may be called from any thread.
    public init(_ write: @escaping @Sendable (LogRecord) -> Void) {
        self.writeRecord = write
    }

    func write(_ record: LogRecord) { self.writeRecord(record) }

    /// Writes each record as one line on standard error, lines never interleaved.
    public static let standardError: LogSink = {
        let lock = LockedValueBox(())
        return LogSink { record in
            let line = record.formatted + "\n"
            lock.withLock { _ in FileHandle.standardError.write(Data(line.utf8)) }
        }
    }()

    /// Drops every record.
    public static let discard = LogSink { _ in }

    /// Collects records in memory (tests).
    public static func collecting(into box: LockedValueBox<[LogRecord]>) -> LogSink {
        LogSink { record in box.withLock { $0.append(record) } }
    }
}
