import ArgumentParser
import SatsimMetrics
import Foundation
import SatsimAnalysis
import SatsimCore
import SatsimModel
import SatsimReport
import SatsimScenario
import SatsimSweep

/// `satsim explain FILE`: which of the scenario's mechanisms and timeline events cause its bad
/// outcome, and which protect against it.
///
/// Each mechanism the scenario uses is switched off in turn, and each timeline event removed in
/// turn (``Counterfactual``), and every column runs the same replications with common random
/// numbers (replication r uses seed base + r everywhere, as `compare` does), through the shared
/// ordered ``ParallelRunner``, so the output is byte-identical whatever `--jobs` is. The effect rule
/// is ``Explanation``'s.
public struct ExplainCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Say which mechanisms and timeline events cause a scenario's bad outcome, and which protect it.",
        discussion: """
            Reruns the scenario with each reliability mechanism it uses switched off in turn, and \
            each timeline event removed in turn, over replications with common random numbers \
            (replication r uses seed = base seed + r in every row). Switched off means: retry and \
            call_retry: max_attempts 1; retry_budget: no budget, retries limited only by \
            max_attempts; circuit_breaker, adaptive_throttle, queue_timeout, health_check: none; \
            codel: the fifo discipline; autoscaler: none, the initial instance count is kept; \
            cache: a cache that never goes cold (a cache_flush, restart or boot no longer empties \
            it); outlier_detection: none; fault: the timeline event removed. \
            Effect: cause when switching it off makes the outcome better, protection when worse, \
            none otherwise. Better or worse is judged in this order, the first that differs \
            deciding: the bad outcomes (degraded, metastable, oscillating, overloaded); the runs \
            not stable; the success ratio (a difference of at least half a percentage point); \
            total goodput (at least 1% of the base's; not for a removed load_spike). Each by the \
            95% interval of the difference paired by replication: it must exclude 0. \
            With --out DIR, writes explain.json and report.html there, as a set (explain.json, \
            renamed in last, seals it). The report holds the table with units; a chart of each \
            row's goodput and recovery time (the mean, with explain.json's 95% interval as a \
            whisker) and outcome counts (a stacked bar), beside the base's; and, per row, the \
            goodput over time of every client together against the base: each row's mean over \
            the replications as a line, the lowest to highest replication as a band. At most 1,000 rows \
            and 1,000,000 runs, counted before any is built (a larger explanation is refused). Exit \
            code 1 when a run stopped at a limit, 2 for bad input or a folder that cannot be written.
            """
    )

    @Argument(help: "The scenario file (YAML).")
    var file: String

    @Option(name: .customLong("variant"), help: ArgumentHelp("Explain this variant of the scenario instead of its base (one).", valueName: "NAME"))
    var variants: [String] = []

    /// The one variant to explain; ``validate()`` refuses two different ones, so none is dropped
    /// (the last given was explained, the others silently not).
    var variant: String? { variants.first }

    @Option(parsing: .unconditional, help: "Runs per row; replication r uses seed = base seed + r.",
            transform: FlagValue.count(in: 1...100_000))
    var replications: Int = 5

    @Option(parsing: .unconditional, help: "The base seed (overrides the scenario's `seed`).", transform: FlagValue.seed)
    var seed: UInt64?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a scalar of the scenario.", valueName: "PATH=VALUE"))
    var overrides: [String] = []

    @Option(help: "Write explain.json and report.html to this directory.")
    var out: String?

    @Option(help: "What to print: text (the table and findings) or json (explain.json); text by default.", transform: FlagValue.choice(CompareCommand.OutputFormat.self))
    var format: CompareCommand.OutputFormat = .text

    @Option(parsing: .unconditional, help: "Runs simulated at once (default: SLURM_CPUS_PER_TASK, else the number of cores).",
            transform: FlagValue.count(in: 1...Int.max))
    var jobs: Int?

    @OptionGroup var runLimits: RunLimitOptions

    public init() {}

    public func validate() throws {
        try VariantFlag.checkSingle(variants, command: "explain")
        if let out, out.isEmpty { throw ValidationError("--out needs a folder path, found an empty one") }
    }

    public func run() throws {
        let base = try ScenarioRun.load(file: file, overrides: overrides, variant: variant, seed: seed,
                                        eventBudget: runLimits.eventBudgetCheck)
        try Self.checkSize(of: base, file: file, replications: replications)
        let directory: OutputDirectory?
        do {
            directory = try out.map { path throws(CLIError) in try OutputDirectory(path: path, kind: .explain) }
        } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }

        let (explanation, traces) = Self.explanationAndTraces(
            of: base, replications: replications, jobs: JobCount.resolve(jobs), limits: runLimits.limits, keepTraces: directory != nil,
            resolving: ScenarioRun.reloader(file: file, overrides: overrides, variant: variant, seed: seed))

        let json = explanation.json.rendered() + "\n"
        var written: [String] = []
        if let directory {
            do {
                let provenance = ScenarioRun.provenance(of: base, variant: variant, overrides: overrides)
                let report = ComparisonPage.render(explanation: explanation, traces: traces, spec: base, provenance: provenance)
                written = try directory.replaceSet(with: [("explain.json", json), ("report.html", report)])
            } catch {
                Console.error(error.description)
                throw ExitCode(2)
            }
        }
        switch format {
        case .json:
            Console.json(json)
        case .text:
            var text = explanation.text
            if let variant { text = "variant \(variant)\n" + text }
            if !written.isEmpty {
                text += "\noutputs:\n" + written.map { "  \(TerminalText.inline($0))" }.joined(separator: "\n") + "\n"
            }
            Console.out(text)
        }
        if explanation.limitedRuns > 0 {
            Console.error("satsim: \(explanation.limitedRuns) of \(explanation.runCount) runs stopped at a limit; their figures are partial")
            throw ExitCode(1)
        }
    }
}

extension ExplainCommand {
    /// The most rows (the base and each counterfactual) `explain` runs: each row holds a copy of
    /// the scenario, so a timeline of 5,000 events made 5,000 copies of 5,000 events and
    /// exhausted memory before the first run; and no reader weighs a thousand rows.
    static let maximumRows = 1_000

    /// Refuses, with exit code 2, an explanation of more than ``maximumRows`` rows or more than
    /// ``PlanLimits/maximumRuns`` runs, counted before any row is built: located at the first
    /// timeline event beyond the limit when the timeline makes it too long, else at --replications.
    static func checkSize(of base: ScenarioSpec, file: String, replications: Int) throws(ExitCode) {
        let rows = Counterfactual.count(for: base) + 1
        let events = base.timeline.filter(\.enabled).count
        if rows > maximumRows {
            let mechanisms = rows - 1 - events
            // The event that takes the rows past the limit (rows list mechanisms, then events).
            let enabled = base.timeline.indices.filter { base.timeline[$0].enabled }
            let over = maximumRows - 1 - mechanisms
            let place = enabled.indices.contains(over) ? "timeline.\(enabled[over])" : "timeline"
            let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            let at = ScenarioLoader.position(text: text, file: file, path: place) ?? (1, 1)
            Console.error("\(TerminalText.inline(file)):\(at.line):\(at.column): error: \(place): explain switches off \(mechanisms) mechanism\(mechanisms == 1 ? "" : "s") "
                + "and removes \(events) timeline event\(events == 1 ? "" : "s") in turn, \(rows) rows with the base; expected at most "
                + "\(maximumRows) rows: switch at least \(rows - maximumRows) of the events off with `enabled: false` "
                + "(--set timeline.N.enabled=false), or explain a shorter timeline")
            throw ExitCode(2)
        }
        if PlanLimits.product([rows, replications], cap: PlanLimits.maximumRuns) == nil {
            Console.error("--replications:1:1: error: replications: \(rows) rows x \(replications) replications = \(rows * replications) runs; "
                + "expected at most \(PlanLimits.maximumRuns) runs: --replications <= \(PlanLimits.maximumRuns / rows)")
            throw ExitCode(2)
        }
    }

    /// The analysis of `satsim explain` (and of `run --explain`): the base and every
    /// counterfactual of `base`, `replications` runs each on seeds base + r, run `jobs` at a time
    /// in an order that does not change the result.
    static func explanation(
        of base: ScenarioSpec, replications: Int, jobs: Int, limits: RunLimits, resolving: ((Int) -> ScenarioSpec?)? = nil
    ) -> Explanation {
        explanationAndTraces(of: base, replications: replications, jobs: jobs, limits: limits, keepTraces: false,
                             resolving: resolving).explanation
    }

    /// ``explanation(of:replications:jobs:limits:)`` and, with `keepTraces`, each run's series
    /// for the report's charts (`traces[c][r]`: the base first, then each counterfactual); empty
    /// columns without.
    static func explanationAndTraces(
        of base: ScenarioSpec, replications: Int, jobs: Int, limits: RunLimits, keepTraces: Bool,
        resolving: ((Int) -> ScenarioSpec?)? = nil
    ) -> (explanation: Explanation, traces: [[RunTrace]]) {
        let counterfactuals = Counterfactual.all(for: base, resolving: resolving)
        let figures = KeyFigure.all(for: base)
        let specs = [base] + counterfactuals.map(\.spec)
        let progress = ProgressReporter(label: "explain", total: Double(specs.count * replications))
        // Every run's trace is kept until the report is drawn: together they stay bounded.
        let tracePoints = RunTrace.points(runs: specs.count * replications, clients: base.clients.count)
        let outputs = ParallelRunner.orderedMap(count: specs.count * replications, jobs: jobs, { index in
            var spec = specs[index / replications]
            spec.seed = base.seed &+ UInt64(index % replications)
            let run = ScenarioRun(spec: spec, limits: limits)
            return (RunFigures(result: run.result, analysis: run.analysis, figures: figures),
                    keepTraces ? RunTrace(result: run.result, points: tracePoints) : nil)
        }, finished: { _, _ in progress.advance() })
        progress.finish()
        let columns = specs.indices.map { c in outputs[(c * replications)..<((c + 1) * replications)] }
        let explanation = Explanation(
            scenario: base.name, baseSeed: base.seed, counterfactuals: counterfactuals, figures: figures,
            runs: columns.map { $0.map(\.0) })
        return (explanation, columns.map { $0.compactMap(\.1) })
    }
}

extension Explanation {
    /// Every run behind the explanation: the base and each counterfactual, each replication.
    var runCount: Int { (counterfactuals.count + 1) * replications }

    /// explain.json, the contract's shape: `scenario`, `replications`, `base` and
    /// `counterfactuals`, each with `outcomes`, `goodput_per_s` and `recovery_time` as
    /// `{mean, low, high}` (the 95% interval; `low` and `high` are null from a single run,
    /// `recovery_time` is null when no run recovered).
    var json: JSONValue {
        func interval(_ i: MeanInterval?) -> JSONValue {
            guard let i else { return .null }
            // Goodput and recovery time cannot be negative: the interval is cut at 0.
            let bounds = i.nonNegativeBounds
            return .object([
                ("mean", .number(i.mean)),
                ("low", bounds.map { .number($0.low) } ?? .null),
                ("high", bounds.map { .number($0.high) } ?? .null),
            ])
        }
        func figures(_ column: Column) -> [(String, JSONValue)] {
            [("outcomes", .object(column.outcomes.map { ($0.outcome, .int($0.count)) })),
             ("goodput_per_s", interval(column.goodput)),
             ("recovery_time", interval(column.recoveryTime))]
        }
        return .object([
            ("scenario", .string(scenario)),
            ("replications", .int(replications)),
            ("base", .object(figures(base))),
            ("counterfactuals", .array(counterfactuals.map { column in
                let counterfactual = column.counterfactual
                return .object(
                    [("mechanism", .string(counterfactual?.mechanism ?? "")),
                     ("subject", .string(counterfactual?.subject ?? "")),
                     ("change", .string(counterfactual?.change ?? ""))]
                        + figures(column) + [("effect", .string(column.effect.rawValue))])
            })),
        ])
    }
}
