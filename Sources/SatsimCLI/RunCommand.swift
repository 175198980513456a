import ArgumentParser
import SatsimMetrics
import Foundation
import SatsimAnalysis
import SatsimCore
import SatsimModel
import SatsimReport
import SatsimScenario

/// `satsim run FILE`: simulate one scenario and report.
public struct RunCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one scenario and print its summary.",
        discussion: """
            With --out DIR, writes summary.json, timeseries.csv, events.jsonl, report.html and the \
            charts (*.svg) there, replacing the previous run's set as a whole: each file is written \
            under a temporary name (.satsim-partial-*), the old set is removed (summary.json \
            first), then the new files are renamed in (summary.json last), so the folder never \
            mixes two runs and summary.json is present only beside a complete set. A hidden list, \
            .satsim-run-outputs, names the set, so the next run removes exactly those files (and \
            the temporary files of a killed run), never a file of yours. \
            Exit code 1 when the run stopped at a limit (its partial results are still written), \
            2 for a bad scenario or flag, or a folder that cannot be written.
            """
    )

    @Argument(help: "The scenario file (YAML).")
    var file: String

    @Option(parsing: .unconditional, help: "The random seed (overrides the scenario's `seed`).", transform: FlagValue.seed)
    var seed: UInt64?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a scalar of the scenario.", valueName: "PATH=VALUE"))
    var overrides: [String] = []

    @Option(name: .customLong("variant"), help: ArgumentHelp("Apply the scenario's variant NAME (one; compare runs several).", valueName: "NAME"))
    var variants: [String] = []

    /// The one variant to apply; ``validate()`` refuses two different ones, so none is dropped.
    var variant: String? { variants.first }

    @Option(help: "Write summary.json, timeseries.csv, events.jsonl, report.html and the charts here.")
    var out: String?

    @Option(help: "What to print: text (a readable summary) or json (summary.json); text by default.", transform: FlagValue.choice(RunCommand.OutputFormat.self))
    var format: OutputFormat = .text

    @Flag(help: "Also run `satsim explain`'s analysis of the same scenario, variant, --set and seed; its findings join the story and summary.json gets its `explain` object.")
    var explain = false

    @Option(parsing: .unconditional, help: "With --explain: runs per row; replication r uses seed = base seed + r (default 5).",
            transform: FlagValue.count(in: 1...100_000))
    var replications: Int?

    @Option(parsing: .unconditional, help: "With --explain: runs simulated at once (default: SLURM_CPUS_PER_TASK, else the number of cores).",
            transform: FlagValue.count(in: 1...Int.max))
    var jobs: Int?

    @OptionGroup var runLimits: RunLimitOptions

    public init() {}

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    public func validate() throws {
        try VariantFlag.checkSingle(variants, command: "run")
        if let out, out.isEmpty { throw ValidationError("--out needs a folder path, found an empty one") }
        // Without --explain there is one run: a count of replications or jobs would be ignored silently.
        if !explain, replications != nil { throw ValidationError("--replications is only meaningful with --explain") }
        if !explain, jobs != nil { throw ValidationError("--jobs is only meaningful with --explain") }
    }

    public func run() throws {
        let spec = try ScenarioRun.load(file: file, overrides: overrides, variant: variant, seed: seed,
                                        eventBudget: runLimits.eventBudgetCheck)
        if explain { try ExplainCommand.checkSize(of: spec, file: file, replications: replications ?? 5) }
        let directory: OutputDirectory?
        do {
            directory = try out.map { path throws(CLIError) in try OutputDirectory(path: path, kind: .run) }
        } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }

        let provenance = ScenarioRun.provenance(of: spec, variant: variant, overrides: overrides)
        // Ctrl-C (or SIGTERM) stops the run as a limit does, and its outputs are written from
        // what it simulated; a second one ends the process at once.
        var limits = runLimits.limits
        limits.stopOnInterrupt = true
        Interrupts.watch()
        var run = ScenarioRun(spec: spec, provenance: provenance, limits: limits,
                              progress: ProgressReporter(
                                  label: "run", total: spec.duration.seconds,
                                  unit: .simulatedSeconds(clockDecimals: StoryClock.decimals(for: spec))))
        if explain, run.result.limitHit?.isInterrupt != true {
            run.explanation = ExplainCommand.explanation(
                of: spec, replications: replications ?? 5,
                jobs: JobCount.resolve(jobs), limits: runLimits.limits,
                resolving: ScenarioRun.reloader(file: file, overrides: overrides, variant: variant, seed: seed))
        }
        var written: [String] = []
        if let directory {
            do {
                written = try directory.replaceSet(with: run.outputFiles)
            } catch {
                Console.error(error.description)
                throw ExitCode(2)
            }
        }
        switch format {
        case .json:
            Console.json(run.summaryJSON)
        case .text:
            var text = TextSummary.render(
                result: run.result, analysis: run.analysis, spec: spec, provenance: provenance,
                explanation: run.explanation)
            if !written.isEmpty {
                text += "\noutputs:\n" + written.map { "  \(TerminalText.inline($0))" }.joined(separator: "\n") + "\n"
            }
            Console.out(text)
        }
        if let limit = run.result.limitHit {
            Console.error("satsim: \(limit.message)")
            if explain, limit.isInterrupt {
                Console.error("satsim: --explain was not run: the run it explains was interrupted")
            }
            throw ExitCode(1)
        }
        if let explanation = run.explanation, explanation.limitedRuns > 0 {
            Console.error("satsim: \(explanation.limitedRuns) of \(explanation.runCount) explain runs stopped at a limit; their figures are partial")
            throw ExitCode(1)
        }
    }
}
