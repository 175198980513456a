import SatsimMetrics
import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SatsimCore
import SatsimScenario

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
        // A closed pipe fails the write (EPIPE) instead of killing the process: with standard
        // error piped to a reader that had gone, `satsim run` died of SIGPIPE before it wrote
        // its outputs.
        signal(SIGPIPE, SIG_IGN)
        // argument-parser's time grows with the square of the arguments (20,000 `--seed 1`
        // took 106 s to parse): far more than any command needs is refused before parsing.
        let given = arguments ?? Array(CommandLine.arguments.dropFirst())
        if given.count > maximumArguments {
            Console.error("Error: \(given.count) arguments on the command line; expected at most \(maximumArguments) "
                + "(write settings into the scenario file, or a variant, instead of as --set flags)")
            Foundation.exit(Console.exitStatus(2))
        }
        if let refusal = helpTopicRefusal(arguments: arguments ?? Array(CommandLine.arguments.dropFirst())) {
            Console.error(refusal)
            Foundation.exit(Console.exitStatus(2))
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Foundation.exit(Console.exitStatus(0))
        } catch {
            let code = exitCode(for: error)
            // A usage error (a bad flag or value, or our own ValidationError): the sentence and
            // one short hint. argument-parser's full text repeats the flag's help and the whole
            // usage line after it, which buries the sentence that says what was wrong.
            let message = code == .validationFailure ? usageMessage(for: error, arguments: given) : fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { Console.out(message) }
                Foundation.exit(Console.exitStatus(0))
            }
            if !message.isEmpty { Console.error(message) }
            Foundation.exit(Console.exitStatus(code.rawValue == 1 ? 1 : 2))
        }
    }

    /// The most arguments a command line may hold (``entryPoint(arguments:)``).
    static let maximumArguments = 4_096

    /// `satsim help WORD...` naming no subcommand: the refusal to print (exit 2), or nil when
    /// every word names one (or the arguments are not a `help` request).
    ///
    /// argument-parser's `help` shows the help of the longest run of leading words that name
    /// subcommands and silently drops the rest, so `satsim help runn` printed the main help and
    /// exited 0, as if `runn` were a topic it knew. Here a word that names no subcommand of the
    /// command before it is refused, with the closest name, as a mistyped `satsim runn` is.
    /// Options (`satsim help run -h`) are left to the parser, which ignores them.
    static func helpTopicRefusal(arguments: [String]) -> String? {
        guard arguments.first == "help" else { return nil }
        // nil once past argument-parser's own `help` (`satsim help help`), which has no subcommands.
        var command: ParsableCommand.Type? = SatsimCommand.self
        var named = "satsim"
        for word in arguments.dropFirst() where word != "--" && !word.hasPrefix("-") {
            let children = command?.configuration.subcommands ?? []
            var names = children.map { $0._commandName }
            if command == SatsimCommand.self { names.append("help") }
            let shown = word.count > 60 ? String(word.prefix(60)) + "..." : word
            let topic = named == "satsim" ? "" : named.dropFirst("satsim ".count) + " "
            guard !names.isEmpty else {
                return "Error: '\(named)' has no subcommands, found '\(shown)'\nUsage: satsim help \(topic.dropLast())"
            }
            if word == "help", command == SatsimCommand.self {
                command = nil
                named += " help"
                continue
            }
            guard let next = children.first(where: { $0._commandName == word || $0.configuration.aliases.contains(word) }) else {
                let usage = "Usage: satsim help \(topic)<subcommand> (see '\(named) --help')"
                if let close = Suggestion.closest(to: word, in: names) {
                    return "Error: Unknown subcommand '\(shown)'; did you mean '\(close)'?\n" + usage
                }
                return "Error: Unknown subcommand '\(shown)'; the subcommands are " + names.joined(separator: ", ") + "\n" + usage
            }
            command = next
            named += " " + next._commandName
        }
        return nil
    }

    /// A usage error as one located sentence and one short usage hint:
    /// `Error: The value '0' is invalid for '--jobs <jobs>': expected a whole number >= 1, found 0`
    /// then `Usage: satsim compare <file> [options] (see 'satsim compare --help')`. The hint is
    /// argument-parser's usage line cut before the first optional part, so it names the
    /// subcommand and its positional arguments; without one, the sentence alone.
    static func usageMessage(for error: Error, arguments: [String] = []) -> String {
        var sentence = message(for: error)
        // A mistyped subcommand ("satsim rnu", "satsim valdiate x.yaml") is only an unexpected
        // argument to the parser: say it is not a subcommand and name the closest one.
        let names = configuration.subcommands.map { $0._commandName }
        if let first = arguments.first, !first.hasPrefix("-"), !names.contains(first),
           sentence.lowercased().contains("unexpected argument"), sentence.contains("'\(first)'"),
           let close = Suggestion.closest(to: first, in: names) {
            sentence = "Unknown subcommand '\(first)'; did you mean '\(close)'?"
        }
        guard !sentence.isEmpty else { return fullMessage(for: error) }
        let lines = fullMessage(for: error).split(separator: "\n").map(String.init)
        var hint: String?
        if let usage = lines.first(where: { $0.hasPrefix("Usage: ") }) {
            // `satsim sweep [<options>] <file>`: argument-parser puts the options first when a
            // command has many; without them the hint names the positional arguments.
            let named = usage.replacingOccurrences(of: " [<options>]", with: "")
            let cut = named.firstIndex(of: "[").map { named[..<$0].trimmingCharacters(in: .whitespaces) + " [options]" }
                ?? (named == usage ? usage : named + " [options]")
            let help = lines.last { $0.contains("See '") }.flatMap { line -> String? in
                guard let open = line.range(of: "See '"), let close = line[open.upperBound...].firstIndex(of: "'") else { return nil }
                return " (see '\(line[open.upperBound..<close])')"
            }
            hint = cut + (help ?? "")
        }
        return "Error: \(sentence)" + (hint.map { "\n\($0)" } ?? "")
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

    /// Writes the text's UTF-8 bytes where they are, without a copy: `sweep --format json` of
    /// 100,000 points prints 458 MB, and a `Data` copy of it took a 1,000,000-run merge past
    /// 2 GiB (abort, "failed to allocate") after its outputs were written.
    private static func write(_ text: String, to handle: FileHandle) {
        let text = text.hasSuffix("\n") ? text : text + "\n"
        raw(text, to: handle.fileDescriptor)
    }

    /// Writes `text` as it is to standard error: the progress line, whose carriage return and
    /// erase-line sequence are its own, around text of satsim's making only.
    static func progress(_ text: String) {
        raw(text, to: FileHandle.standardError.fileDescriptor)
    }

    /// The first write to standard output that failed, with its errno: the command's outputs
    /// did not all reach it (a full disk behind `> file`, a closed pipe), which
    /// ``exitStatus(_:)`` turns into a failure instead of success.
    nonisolated(unsafe) private static var stdoutFailure: Int32?
    private static let failureLock = NSLock()

    /// Writes every byte, retrying a write that a signal interrupted. A failure is remembered
    /// (standard output) or dropped (standard error: a diagnostic that cannot be shown must not
    /// cost the run's results). `FileHandle.write` traps on a write error instead: with
    /// standard error closed or full (`2>/dev/full`), `satsim run` died (SIGILL) before it
    /// wrote its outputs.
    private static func raw(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let count = Glibc.write(descriptor, base + offset, bytes.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    if errno == EAGAIN || errno == EWOULDBLOCK {
                        // A non-blocking pipe (as some runners hand a child) that is full: wait
                        // until its reader has taken some, rather than call the output lost.
                        var ready = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                        if poll(&ready, 1, -1) >= 0 || errno == EINTR { continue }
                    }
                    if descriptor == STDOUT_FILENO {
                        let code = errno
                        failureLock.lock()
                        if stdoutFailure == nil { stdoutFailure = code }
                        failureLock.unlock()
                    }
                    return
                }
                offset += count
            }
        }
    }

    /// The exit status for a command that ended with `status`: 2 when what it printed did not
    /// all reach standard output (the output is lost, as when `--out` cannot be written), said
    /// on standard error; `status` otherwise. A reader that closed its end of a pipe ends the
    /// process by SIGPIPE instead, silently.
    static func exitStatus(_ status: Int32) -> Int32 {
        failureLock.lock()
        let failure = stdoutFailure
        failureLock.unlock()
        guard let failure else { return status }
        if failure == EPIPE {
            // The reader went away (`satsim scenarios | head -1`): end as any Unix tool does
            // when its reader is gone, silently by SIGPIPE (status 141 in a shell), now that
            // every output file is written. SIGPIPE was ignored only so that a lost standard
            // error could not kill the run before then.
            signal(SIGPIPE, SIG_DFL)
            raise(SIGPIPE)
        }
        let reason = String(cString: strerror(failure))
        raw("Error: standard output: could not write what the command printed (\(reason.lowercased()))\n", to: STDERR_FILENO)
        return 2
    }
}

