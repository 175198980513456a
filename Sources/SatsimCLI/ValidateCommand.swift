import ArgumentParser
import SatsimMetrics
import SatsimModel
import SatsimScenario

/// `satsim validate FILE...`: checks scenario files without running them.
///
/// Prints `FILE: OK` for a good file, or its diagnostics (one per line,
/// `FILE:LINE:COLUMN: error: PATH: MESSAGE`). Keys the model cannot simulate yet count as errors,
/// and so does a file, or one of its variants, that certainly needs more events than the default
/// event budget.
/// Exits 0 when every file is OK, 2 otherwise.
public struct ValidateCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario files: every key, type, range and reference, without running them.",
        discussion: "Each variant is checked as well, against the default event budget as `compare` and `run --variant` load it.")

    @Argument(help: "Scenario files to check.")
    public var files: [String]

    public init() {}

    public func run() throws {
        guard !files.isEmpty else {
            Console.error("error: give at least one scenario file: satsim validate FILE...")
            throw ExitCode(2)
        }
        let report = Self.report(files: files)
        if !report.output.isEmpty { Console.out(report.output) }
        if !report.allValid { throw ExitCode(2) }
    }

    /// The text `run` prints, and whether every file is valid; separate from printing for tests.
    public static func report(files: [String]) -> (output: String, allValid: Bool) {
        var lines: [String] = []
        var allValid = true
        for file in files {
            do throws(ScenarioError) {
                let spec = try ScenarioLoader.load(file: file, requireSupported: true, eventBudget: RunLimits().maxEvents)
                // Each variant too, as `compare` and `run --variant` load it (the base load
                // checked that each one applies and decodes, not the events it needs).
                if !spec.variants.isEmpty {
                    let variants = try ScenarioLoader.variantBudgetProblems(file: file, budget: RunLimits().maxEvents)
                    guard variants.isEmpty else { throw ScenarioError(diagnostics: variants) }
                }
                lines.append("\(TerminalText.inline(file)): OK")
            } catch {
                allValid = false
                lines.append(error.description)
            }
        }
        return (lines.joined(separator: "\n"), allValid)
    }
}
