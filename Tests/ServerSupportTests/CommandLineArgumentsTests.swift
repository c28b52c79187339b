import ServerSupport
import Testing

@Suite("CommandLineArguments")
struct CommandLineArgumentsTests {
    let options: [String: CommandLineArguments.OptionKind] = ["--address": .value, "--metadata": .value, "--json": .flag]

    @Test("values, inline values, repeatable options, aliases, flags and positionals")
    func parses() throws {
        var arguments = try CommandLineArguments(
            ["call", "--address=127.0.0.1:1", "-H", "a=1", "--metadata", "b=2", "--json", "Svc/M", "--", "--not-an-option"],
            options: self.options,
            aliases: ["-H": "--metadata"]
        )
        #expect(arguments.value("--address") == "127.0.0.1:1")
        #expect(arguments.values("--metadata") == ["a=1", "b=2"])
        #expect(arguments.flag("--json"))
        #expect(try arguments.nextPositional("command") == "call")
        #expect(try arguments.nextPositional("method") == "Svc/M")
        #expect(arguments.optionalPositional() == "--not-an-option")
        try arguments.expectNoMorePositionals()
        #expect(throws: UsageError.self) { try arguments.nextPositional("json") }
    }

    @Test("usage errors", arguments: [["--nope"], ["--address"], ["--json=1"]])
    func usageErrors(raw: [String]) {
        #expect(throws: UsageError.self) { try CommandLineArguments(raw, options: self.options) }
    }

    @Test("durations", arguments: [("250ms", Duration.milliseconds(250)), ("5s", .seconds(5)), ("2m", .seconds(120)), ("1h", .seconds(3600)), ("7", .seconds(7))])
    func durations(text: String, expected: Duration) {
        #expect(CommandLineArguments.parseDuration(text) == expected)
    }

    @Test("malformed durations", arguments: ["", "5x", "-1s", "s", "99999999999999999h"])
    func badDurations(text: String) {
        #expect(CommandLineArguments.parseDuration(text) == nil)
    }

    @Test("integer options are range-checked")
    func integers() throws {
        let arguments = try CommandLineArguments(["--address", "70000"], options: self.options)
        #expect(throws: UsageError.self) { try arguments.integer("--address", default: 1, in: 1...65535) }
        #expect(try arguments.integer("--other", default: 9, in: 1...10) == 9)
    }
}
