import SatsimMetrics
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
            expectation failed; for merge, runs are missing), 2 bad input.
            """,
        subcommands: [RunCommand.self, CheckCommand.self, CompareCommand.self, ExplainCommand.self, SweepCommand.self, ChaosCommand.self, MergeCommand.self, ValidateCommand.self, ScenariosCommand.self]
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
                if !message.isEmpty { Console.out(message) }
                Foundation.exit(0)
            }
            if !message.isEmpty { Console.error(message) }
            Foundation.exit(code.rawValue == 1 ? 1 : 2)
        }
    }
}

/// Output helpers: the only place that writes to the terminal. Everything printed passes
/// through ``TerminalText``, so no text from a scenario, a flag or a path reaches the terminal
/// as raw control characters, whichever message carries it.
enum Console {
    /// Writes a line (or lines) to standard error.
    static func error(_ text: String) {
        write(TerminalText.escaped(text), to: .standardError)
    }

    /// Writes a line (or lines) to standard output.
    static func out(_ text: String) {
        write(TerminalText.escaped(text), to: .standardOutput)
    }

    /// Writes JSON to standard output, escaping inside its strings the JSON way so that it
    /// stays parseable.
    static func json(_ text: String) {
        write(TerminalText.escaped(text, style: .json), to: .standardOutput)
    }

    private static func write(_ text: String, to handle: FileHandle) {
        handle.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }
}
