import ArgumentParser
import Foundation
import SatsimCore

/// The root command: `satsim <subcommand>`.
public struct SatsimCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "satsim",
        abstract: "Simulate services under load and the reliability mechanisms meant to protect them.",
        discussion: """
            Runs scenario files (YAML) and reports how timeouts, retries, queues and balancers \
            behave: whether a disturbance passes, or a safety mechanism turns it into a lasting \
            failure. Exit codes: 0 success, 1 the simulation hit a limit (or, for check, an \
            expectation failed), 2 bad input.
            """,
        subcommands: [RunCommand.self, CheckCommand.self, CompareCommand.self, ValidateCommand.self, ScenariosCommand.self]
    )

    public init() {}

    /// Parses the arguments and runs the command, mapping every failure to the contract's exit
    /// codes: 2 for bad input (argument-parser's usage errors included, which it would otherwise
    /// report as 64), 1 for a run that hit a limit.
    public static func entryPoint(arguments: [String]? = nil) -> Never {
        GSL.prepare()
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Foundation.exit(0)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Foundation.exit(0)
            }
            if !message.isEmpty { Console.error(message) }
            Foundation.exit(code.rawValue == 1 ? 1 : 2)
        }
    }
}

/// Output helpers: the only place that writes to the terminal.
enum Console {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }
}
