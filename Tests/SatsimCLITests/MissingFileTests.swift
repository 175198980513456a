import Foundation
import Testing

/// A scenario path that does not exist is bad input (exit 2) told the same way by every command
/// that reads one: "no such file", and, when a scenario with a close name is in the same folder
/// or in Scenarios/, "did you mean" it, as a path the user can paste back.
@Suite("Missing scenario files")
struct MissingFileTests {
    static let commands: [[String]] = [["run"], ["check"], ["compare"], ["explain"], ["validate"]]

    @Test("A close name in the same folder is offered by run, check, compare, explain and validate")
    func sameFolder() throws {
        let real = try CLIHarness.scenarioFile("name: x\n", name: "retry-storm.yaml")
        let typo = real.deletingLastPathComponent().appendingPathComponent("retry-strom.yaml").path
        for command in Self.commands {
            let result = try CLIHarness.run(command + [typo], timeout: 60)
            #expect(result.status == 2, "\(command): \(result.stderr)")
            // check and validate report on standard output which files were bad; the diagnostic
            // line is the same.
            let lines = (result.stderr + result.stdout).split(separator: "\n")
            #expect(lines.contains("\(typo):1:1: error: no such file; did you mean '\(real.path)'?"), "\(command): \(lines)")
        }
    }

    /// A name without its extension finds the file with it.
    @Test("The extension left off")
    func withoutExtension() throws {
        let real = try CLIHarness.scenarioFile("name: x\n", name: "pause.yaml")
        let typed = real.deletingPathExtension().path
        let result = try CLIHarness.run(["run", typed], timeout: 60)
        #expect(result.status == 2)
        #expect(result.stderr.contains("no such file; did you mean '\(real.path)'?"), "\(result.stderr)")
    }

    /// Run from the repository root: a shipped scenario named without its folder, or with a typo
    /// in the folder's name, is found in Scenarios/.
    @Test("A shipped scenario is found in Scenarios/")
    func shipped() throws {
        for typed in ["retry-storm.yaml", "Scenario/retry-storm.yaml", "Scenarios/retry-strom.yaml"] {
            let result = try CLIHarness.run(["run", typed], currentDirectory: CLIHarness.root, timeout: 60)
            #expect(result.status == 2, "\(typed)")
            #expect(result.stderr.contains("no such file") && result.stderr.contains("did you mean 'Scenarios/retry-storm.yaml'?"), "\(typed): \(result.stderr)")
        }
    }

    /// Nothing close: the plain message, no guess.
    @Test("Nothing close, nothing offered")
    func nothingClose() throws {
        let directory = try CLIHarness.temporaryDirectory()
        let result = try CLIHarness.run(["run", "missing.yaml"], currentDirectory: directory, timeout: 60)
        #expect(result.status == 2)
        #expect(result.stderr == "missing.yaml:1:1: error: no such file\n", "\(result.stderr)")
    }

    /// swift-argument-parser prints a command group's help when it is given no subcommand, and
    /// exits 0; scenario-format.md's exit codes speak of bad scenarios and flags, not of this, so
    /// the library's behaviour stands. The help must name the usage and every subcommand.
    @Test("satsim with no arguments prints its usage and subcommands, exit 0")
    func noArguments() throws {
        let result = try CLIHarness.run([], timeout: 60)
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        #expect(result.stdout.contains("USAGE: satsim <subcommand>"), "\(result.stdout)")
        for name in ["run", "check", "compare", "explain", "sweep", "chaos", "merge", "validate", "scenarios"] {
            #expect(result.stdout.contains("\n  \(name) "), "\(name)")
        }
    }

    /// argument-parser reports a mistyped subcommand as an unexpected argument; satsim says it is
    /// not a subcommand and names the closest one (exit 2, bad input). Nothing close: the
    /// parser's own sentence.
    @Test("A mistyped subcommand is named with the closest one")
    func mistypedSubcommand() throws {
        let one = try CLIHarness.run(["rnu"], timeout: 60)
        #expect(one.status == 2)
        #expect(one.stderr.hasPrefix("Error: Unknown subcommand 'rnu'; did you mean 'run'?\n"), "\(one.stderr)")
        let withFile = try CLIHarness.run(["valdiate", "x.yaml"], timeout: 60)
        #expect(withFile.status == 2)
        #expect(withFile.stderr.hasPrefix("Error: Unknown subcommand 'valdiate'; did you mean 'validate'?\n"), "\(withFile.stderr)")
        let far = try CLIHarness.run(["zzzzzz"], timeout: 60)
        #expect(far.status == 2)
        #expect(far.stderr.hasPrefix("Error: Unexpected argument 'zzzzzz'\n"), "\(far.stderr)")
    }

    /// `satsim help runn` printed the main help and exited 0: argument-parser's `help` shows the
    /// longest run of words that name subcommands and drops the rest. A word that names none is
    /// refused like a mistyped subcommand (exit 2, the closest name); `help run` still helps.
    @Test("help with a word that names no subcommand is refused with the closest one")
    func helpOfAnUnknownSubcommand() throws {
        let typo = try CLIHarness.run(["help", "runn"], timeout: 60)
        #expect(typo.status == 2)
        #expect(typo.stdout.isEmpty, "\(typo.stdout)")
        #expect(typo.stderr == "Error: Unknown subcommand 'runn'; did you mean 'run'?\nUsage: satsim help <subcommand> (see 'satsim --help')\n",
                "\(typo.stderr)")
        let far = try CLIHarness.run(["help", "zzzzzz"], timeout: 60)
        #expect(far.status == 2)
        #expect(far.stderr.hasPrefix("Error: Unknown subcommand 'zzzzzz'; the subcommands are run, check, compare, explain, sweep, chaos, merge, validate, scenarios, help\n"),
                "\(far.stderr)")
        let beyond = try CLIHarness.run(["help", "run", "x.yaml"], timeout: 60)
        #expect(beyond.status == 2)
        #expect(beyond.stderr.hasPrefix("Error: 'satsim run' has no subcommands, found 'x.yaml'\n"), "\(beyond.stderr)")
        for words in [["help", "run"], ["help", "run", "-h"], ["help", "sweep"], ["help"], ["help", "help"]] {
            let help = try CLIHarness.run(words, timeout: 60)
            #expect(help.status == 0, "\(words): \(help.stderr)")
            #expect(help.stderr.isEmpty, "\(words): \(help.stderr)")
            #expect(help.stdout.hasPrefix("OVERVIEW: "), "\(words): \(help.stdout)")
        }
        #expect(try CLIHarness.run(["help", "run"], timeout: 60).stdout.contains("USAGE: satsim run "))
    }
}
