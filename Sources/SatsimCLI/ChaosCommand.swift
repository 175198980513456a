import ArgumentParser
import Foundation
import SatsimCore
import SatsimMetrics
import SatsimModel
import SatsimReport
import SatsimScenario
import SatsimSweep

/// `satsim chaos FILE`: every combination of 1 ... max_together of the file's candidate faults
/// (`chaos.faults`) and the baseline, replicated on common random numbers, through the sweep
/// runner and its results store; ranked by damage, with the emergent combinations marked
/// (``ChaosRanking``).
///
/// Netflix's chaos platform (ChAP) and Chaos Monkey inject one fault at a time; the issue's point
/// (Lorin's law) is that big incidents come from several at once. A simulator can try every
/// combination, and common random numbers make a combination's damage a paired comparison.
public struct ChaosCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract: "Run every combination of a scenario's candidate faults; rank them by damage and mark the emergent ones.",
        discussion: """
            The scenario's chaos block lists candidate faults (timeline events whose `at` is an \
            offset from chaos.at). Every combination of 1 to max_together of them is added to \
            the timeline and run, with the baseline (no fault), replications times each, on the \
            same seeds for every combination. Damage (goodput_lost) is 1 - S/S0, clamped to \
            [0, 1], where S is the successful requests of all clients in the metrics intervals \
            starting at or after chaos.at, summed over the replications, and S0 the baseline's \
            on the same seeds. A combination of two or more faults is emergent when most of its \
            runs end metastable or degraded while, for every proper subset (the baseline \
            included), most runs end stable or recovered. The runs go into --out DIR's \
            results.sqlite as a sweep's do (default folder chaos-NAME), with chaos.json, \
            runs.csv, points.csv and report.html (a matrix of pairs coloured by damage). \
            --seed N and --set PATH=VALUE apply to every run, as for sweep (a --set may change the \
            chaos block itself, e.g. --set chaos.at=3m). --resume, --shard I/N and --slurm (with \
            --tasks) work as for sweep; satsim merge joins the shards' stores and writes the \
            chaos outputs from them, as one unsharded search would. \
            More than 100000 combinations or 1000000 runs are refused before any is built. A wide \
            scenario's figures continue in runs_2, points_2, ... as for sweep. A fault's label is \
            one line. \
            Exit code 1 when a run stopped at a limit, 2 for bad input or a file without chaos.
            """
    )

    @Argument(help: "The scenario file (YAML) with a chaos block.")
    var file: String

    @Option(name: .customLong("max-together"), parsing: .unconditional,
            help: "The largest combination tried (default: chaos.max_together); above the number of enabled faults, every combination up to all of them.", transform: FlagValue.count(in: 1...10))
    var maxTogether: Int?

    @Option(parsing: .unconditional, help: "Runs per combination (default: chaos.replications).",
            transform: FlagValue.count(in: 1...1_000_000))
    var replications: Int?

    @OptionGroup var scenario: PlanScenarioOptions

    @Option(parsing: .unconditional, help: "Runs simulated at once (default: SLURM_CPUS_PER_TASK, else the number of cores).",
            transform: FlagValue.count(in: 1...Int.max))
    var jobs: Int?

    @Option(help: "What to print: text (a table and sentences) or json; text by default.", transform: FlagValue.choice(CompareCommand.OutputFormat.self))
    var format: CompareCommand.OutputFormat = .text

    @Option(help: "The folder: results.sqlite, chaos.json, runs.csv, points.csv, report.html (default: chaos-NAME).")
    var out: String?

    @OptionGroup var sharding: ShardingOptions

    @OptionGroup var runLimits: RunLimitOptions

    public init() {}

    public func validate() throws {
        if let out, out.isEmpty { throw ValidationError("--out needs a folder path, found an empty one") }
    }

    public func run() throws {
        let spec = try scenario.load(file: file, eventBudget: runLimits.eventBudgetCheck)
        guard let chaos = spec.chaos else {
            // Located at the file's start, as every refusal of a scenario is (file:line:col).
            Console.error("\(TerminalText.inline(file)):1:1: error: no `chaos` block: satsim chaos needs candidate faults, such as\n"
                          + "chaos: { at: 2m, faults: [ { kind: kill, service: api, count: 1 } ] }")
            throw ExitCode(2)
        }
        // Counted before ChaosSearch enumerates them: the file's own values were checked on
        // loading, so only --max-together or --replications can push the search past the limits.
        let enabled = chaos.faults.filter(\.event.enabled).count
        if enabled == 0 {
            // A file may keep its chaos block switched off for `run`; a search of it has nothing to try.
            // Located at the file's list of faults when the text holds it (a --set may have
            // switched them off), else at its start, as every refusal of a scenario is.
            let at = (try? String(contentsOfFile: file, encoding: .utf8))
                .flatMap { ScenarioLoader.position(text: $0, file: file, path: "chaos.faults") } ?? (1, 1)
            Console.error("\(TerminalText.inline(file)):\(at.line):\(at.column): error: chaos.faults: every fault of the "
                          + "chaos block has `enabled: false`, so there is no combination to try; switch one on, e.g. "
                          + "--set chaos.faults.0.enabled=true")
            throw ExitCode(2)
        }
        let together = min(maxTogether ?? chaos.maxTogether, enabled)
        let combinations = PlanLimits.combinations(of: enabled, upTo: together, cap: PlanLimits.maximumPoints)
        let runsEach = replications ?? chaos.replications
        if let excess = PlanLimits.excess(points: combinations.map { $0 + 1 }, replications: runsEach, noun: "combinations") {
            let size = combinations.map { "\($0) combinations and the baseline x \(runsEach) replications" }
                ?? "more than \(PlanLimits.maximumPoints) combinations"
            let flag = combinations.map { $0 + 1 <= PlanLimits.maximumPoints } == true ? "--replications \(runsEach)" : "--max-together \(together)"
            Console.error("satsim: \(flag): \(enabled) faults taken 1 to \(together) at a time make \(size); expected \(excess): "
                          + "lower --max-together or --replications")
            throw ExitCode(2)
        }
        if let budget = runLimits.eventBudgetCheck,
           let (fault, message) = ScenarioLoader.chaosEventBudgetProblem(spec, budget: budget, together: together) {
            // A load spike is told at its factor, a `set` of a pacing key at its value.
            let key: String
            if case .set = chaos.faults[fault].event.action { key = "value" } else { key = "factor" }
            let path = "chaos.faults.\(fault).\(key)"
            let at = (try? String(contentsOfFile: file, encoding: .utf8))
                .flatMap { ScenarioLoader.position(text: $0, file: file, path: path) } ?? (1, 1)
            Console.error(ScenarioError(diagnostics: [
                Diagnostic(file: file, line: at.line, column: at.column, path: path, message: message)]).description)
            throw ExitCode(2)
        }
        if together > chaos.maxTogether {
            // The file was checked for combinations of up to its own max_together (a closed-loop
            // population multiplied by the load spikes of one combination): check again for the
            // larger ones the flag asks for. Only that check is new here (the size of the search
            // was counted above), so only its diagnostics, at the faults' factors, are told.
            do throws(ScenarioError) {
                _ = try ScenarioRun.loadQuietly(
                    file: file, overrides: scenario.overrides + ["chaos.max_together=\(together)", "chaos.replications=1"],
                    variant: nil, seed: scenario.seed)
            } catch {
                let population = error.diagnostics.filter { $0.path.hasPrefix("chaos.faults.") && $0.path.hasSuffix(".factor") }
                if !population.isEmpty {
                    Console.error(ScenarioError(diagnostics: population).description)
                    throw ExitCode(2)
                }
            }
        }
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        let search = ChaosSearch(spec: spec, chaos: chaos, maxTogether: maxTogether, replications: replications,
                                 source: String(RunSeed.fnv1a(text), radix: 16), context: SweepPlan.context(sets: scenario.sets))
        let plan = search.plan
        try StoredPlan.checkWidth(plan, file: file, what: "chaos search")
        let folder = out ?? "chaos-\(plan.scenario)"
        if sharding.slurm {
            Console.out(try sharding.slurmScript(command: "chaos", file: file, arguments: rerunArguments, out: folder, plan: plan, jobs: jobs))
            return
        }
        let opened = try StoredPlan.open(folder: folder, kind: .chaos, plan: plan, sharding: sharding, what: "search")
        let (directory, store, shard, mine, pending) = (opened.directory, opened.store, opened.shard, opened.mine, opened.pending)
        // One spec per point: a few kilobytes each, even for 176 points; runs keep no series.
        let all = search.combinations.indices.map(search.spec(of:))
        let specs = PointSpecs(plan: plan) { index in .success(all[index]) }
        let progress = ProgressReporter(label: "chaos", total: Double(pending.count))
        do {
            try SweepCommand.execute(pending, plan: plan, specs: specs, jobs: JobCount.resolve(jobs),
                                     limits: runLimits.limits, store: store, progress: progress)
        } catch {
            progress.finish()
            throw error
        }
        progress.finish()
        let header = "chaos \(plan.scenario): " + ChaosOutputs.size(search.outline)
            + (shard == .whole ? "" : ", shard \(shard.description): \(Counted.text(mine.count, "run"))")
            + "; ran \(pending.count), \(mine.count - pending.count) already stored"
        let records = try ChaosOutputs.publish(store: store, directory: directory, outline: search.outline, format: format, header: header)
        try SweepOutputs.conclude(records: records, missing: records.count == plan.runCount ? nil
            : "the store holds \(records.count) of the search's \(plan.runCount) runs; the ranking uses those "
                + "(another shard's are missing: satsim merge joins them)", missingFails: false)
    }

    /// The arguments that make the same search again, for the Slurm script's tasks.
    var rerunArguments: [String] {
        (maxTogether.map { ["--max-together", String($0)] } ?? []) + scenario.setArguments
            + (replications.map { ["--replications", String($0)] } ?? []) + scenario.seedArguments + runLimits.arguments
    }
}
