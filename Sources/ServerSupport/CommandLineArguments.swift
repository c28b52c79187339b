/// A small command-line parser for the executables, in the spirit of swift-argument-parser.
///
/// It understands long options with a value (`--address 127.0.0.1:7400` or `--address=…`),
/// repeatable options (`-H key=value -H other=value`), boolean flags (`--json`), short aliases,
/// the `--` terminator, and positionals. Unknown options and missing values are
/// ``UsageError``s, which executables turn into exit code 64 (`EX_USAGE`).
///
/// ```swift
/// var arguments = try CommandLineArguments(["call", "--deadline", "5s", "Svc/M", "{}"],
///                                         options: ["--deadline": .value], aliases: [:])
/// let deadline = arguments.value("--deadline")   // "5s"
/// let method = try arguments.nextPositional("METHOD")
/// ```
public struct CommandLineArguments: Sendable {
    /// How an option is spelled and whether it takes a value.
    public enum OptionKind: Sendable {
        /// `--name VALUE`; the last occurrence wins for ``value(_:)``, all are kept for ``values(_:)``.
        case value
        /// `--name`, no value.
        case flag
    }

    private var valuesByName: [String: [String]] = [:]
    private var flags: Set<String> = []
    private var positionals: [String] = []

    /// Parses `arguments` (without the executable name).
    ///
    /// - Parameters:
    ///   - arguments: the raw arguments.
    ///   - options: every accepted long option (`--name`) and its kind.
    ///   - aliases: short spellings (`-H`) mapped to their long option.
    /// - Throws: ``UsageError`` for an unknown option or a missing value.
    public init(_ arguments: [String], options: [String: OptionKind], aliases: [String: String] = [:]) throws {
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyPositionals || !argument.hasPrefix("-") || argument == "-" {
                self.positionals.append(argument)
                continue
            }
            if argument == "--" {
                onlyPositionals = true
                continue
            }
            var name = argument
            var inlineValue: String?
            if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            if let long = aliases[name] { name = long }
            guard let kind = options[name] else {
                throw UsageError("unknown option '\(name)'")
            }
            switch kind {
            case .flag:
                guard inlineValue == nil else { throw UsageError("option '\(name)' takes no value") }
                self.flags.insert(name)
            case .value:
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else {
                    guard index < arguments.count else { throw UsageError("option '\(name)' needs a value") }
                    value = arguments[index]
                    index += 1
                }
                self.valuesByName[name, default: []].append(value)
            }
        }
    }

    /// The last value given for `name`, if any.
    public func value(_ name: String) -> String? {
        self.valuesByName[name]?.last
    }

    /// Every value given for a repeatable option, in order.
    public func values(_ name: String) -> [String] {
        self.valuesByName[name] ?? []
    }

    /// Whether the flag `name` was given.
    public func flag(_ name: String) -> Bool {
        self.flags.contains(name)
    }

    /// The positionals not yet consumed.
    public var remainingPositionals: [String] { self.positionals }

    /// Consumes the next positional, or throws a usage error naming what was expected.
    public mutating func nextPositional(_ what: String) throws -> String {
        guard !self.positionals.isEmpty else { throw UsageError("missing \(what)") }
        return self.positionals.removeFirst()
    }

    /// Consumes the next positional if there is one.
    public mutating func optionalPositional() -> String? {
        self.positionals.isEmpty ? nil : self.positionals.removeFirst()
    }

    /// Throws if positionals remain unconsumed.
    public func expectNoMorePositionals() throws {
        if let extra = self.positionals.first {
            throw UsageError("unexpected argument '\(extra)'")
        }
    }

    /// Parses an integer option within `range`, or returns `defaultValue` when absent.
    public func integer(_ name: String, default defaultValue: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = self.value(name) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw UsageError("option '\(name)' expects an integer in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
        }
        return value
    }

    /// Parses a duration option (`250ms`, `5s`, `2m`, `1h`, or plain seconds).
    public func duration(_ name: String) throws -> Duration? {
        guard let text = self.value(name) else { return nil }
        guard let duration = CommandLineArguments.parseDuration(text) else {
            throw UsageError("option '\(name)' expects a duration such as 500ms, 5s, 2m or 1h, got '\(text)'")
        }
        return duration
    }

    /// Parses `250ms`, `5s`, `2m`, `1h` or a plain number of seconds; `nil` when malformed or negative.
    public static func parseDuration(_ text: String) -> Duration? {
        let units: [(suffix: String, milliseconds: Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        for unit in units where text.hasSuffix(unit.suffix) {
            let number = text.dropLast(unit.suffix.count)
            guard let value = Int64(number), value >= 0 else { return nil }
            let (product, overflow) = value.multipliedReportingOverflow(by: unit.milliseconds)
            return overflow ? nil : .milliseconds(product)
        }
        guard let seconds = Int64(text), seconds >= 0 else { return nil }
        return .seconds(seconds)
    }
}

/// A command line that cannot be understood; executables print it with the usage and exit 64.
public struct UsageError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong, for a human.
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { self.message }
}

/// Exit codes shared by the executables (style.md §2.5 item 9).
public enum ExitCode {
    /// Success.
    public static let success: Int32 = 0
    /// The operation failed (an RPC error, an I/O error…).
    public static let failure: Int32 = 1
    /// The command line was wrong (`EX_USAGE`).
    public static let usage: Int32 = 64
}
