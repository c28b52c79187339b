internal import Foundation
internal import PilotageCLI

/// `pilotage`: the command line of the Pilotage service (see `pilotage --help`).
@main
struct PilotageCommand {
    static func main() async {
        exit(await PilotageCLI.run(Array(CommandLine.arguments.dropFirst())))
    }
}
