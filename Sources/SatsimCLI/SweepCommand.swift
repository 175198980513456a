import SatsimMetrics
import ArgumentParser
import Foundation
import SatsimCore
import SatsimModel
import SatsimScenario
import SatsimSweep
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `satsim sweep FILE`: every point of a parameter grid, replicated, into a crash-safe results
/// store, with the probability of each outcome per point.
///
/// The plan (``SweepPlan``) is fixed before anything runs: the grid from the file's `sweep`
/// block and `--vary` (which replaces a path the block also varies), every point loaded and so
/// checked, and each run's seed derived from (scenario seed, point, replication) alone. Each run
/// is committed to `results.sqlite` as it finishes (``ResultsStore``); `--resume` runs only the
/// missing ones; `--shard I/N` runs one of N disjoint slices; `--slurm` prints a job-array script
/// that runs the shards on a cluster and merges them.
public struct SweepCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a scenario over a parameter grid, with replications, into a results store.",
        discussion: """
            The grid is every combination of the file's sweep.vary values and the --vary flags \
            (a --vary replaces the file's values for its path). --vary takes a list \
            (clients.users.arrival.rate=600/s,700/s) or a range LOW..HIGH/N (0.5..1.0/6: six \
            evenly spaced values, ends included, with the same unit on both ends when there is \
            one). Replications: --replications, else the file's sweep.replications, else 5. \
            The seed of each run is derived from (scenario seed, point, replication) alone, so no \
            result depends on --jobs, --shard or the order runs finish in. \
            --out DIR (default: sweep-NAME) holds results.sqlite (tables runs and points; each \
            run is committed as it finishes, so a killed sweep loses only the runs in flight), \
            runs.csv, points.csv and report.html with its charts. points gives per point the \
            share of each outcome with its 95% Wilson interval (p_metastable, p_metastable_low, \
            p_metastable_high, ...) and the mean and 95% Student-t interval of every figure. \
            --resume runs only the runs the store lacks. --shard I/N runs the runs k with \
            k mod N = I; satsim merge joins the shards' folders. --slurm prints a script that \
            submits the shards as a Slurm job array and a merge job after them, and runs nothing. \
            --jobs defaults to SLURM_CPUS_PER_TASK when set, else the number of cores. \
            A grid of more than 100000 points or 1000000 runs (points x replications) is refused \
            before it is built, as is a path given to two --vary flags. A scenario whose figures \
            need more than 2000 columns in a table of the store (SQLite's limit; four columns a \
            figure in points, about 40 clients and services together) continues them in runs_2, \
            points_2, ... keyed by point (and replication). \
            Exit code 1 when a run stopped at a limit, 2 for bad input, a folder that cannot be \
            written, or a store that holds another sweep.
            """
    )

    @Argument(help: "The scenario file (YAML).")
    var file: String

    @Option(name: .customLong("vary"), help: ArgumentHelp("A path and its values: a list V1,V2,... or a range LOW..HIGH/N (repeatable).", valueName: "PATH=VALUES"))
    var vary: [String] = []

    @Option(parsing: .unconditional, help: "Runs per point (default: the file's sweep.replications, else 5).",
            transform: FlagValue.count(in: 1...1_000_000))
    var replications: Int?

    @OptionGroup var scenario: PlanScenarioOptions

    @Option(parsing: .unconditional, help: "Runs simulated at once (default: SLURM_CPUS_PER_TASK, else the number of cores).",
            transform: FlagValue.count(in: 1...Int.max))
    var jobs: Int?

    @Option(help: "The sweep's folder: results.sqlite, runs.csv, points.csv, report.html (default: sweep-NAME).")
    var out: String?

    @OptionGroup var sharding: ShardingOptions

    @Option(help: "What to print: text (a table of the points) or json; text by default.", transform: FlagValue.choice(CompareCommand.OutputFormat.self))
    var format: CompareCommand.OutputFormat = .text

    @OptionGroup var runLimits: RunLimitOptions

    public init() {}

    public func validate() throws {
        if let out, out.isEmpty { throw ValidationError("--out needs a folder path, found an empty one") }
    }

    public func run() throws {
        let (plan, specs) = try Self.plan(file: file, vary: vary, scenario: scenario, replications: replications,
                                          eventBudget: runLimits.eventBudgetCheck)
        let folder = out ?? "sweep-\(plan.scenario)"
        if sharding.slurm {
            Console.out(try sharding.slurmScript(command: "sweep", file: file, arguments: rerunArguments, out: folder, plan: plan, jobs: jobs))
            return
        }
        let opened = try StoredPlan.open(folder: folder, kind: .sweep, plan: plan, sharding: sharding, what: "sweep")
        let (directory, store, shard, mine, pending) = (opened.directory, opened.store, opened.shard, opened.mine, opened.pending)

        let progress = ProgressReporter(label: "sweep", total: Double(pending.count))
        do {
            try Self.execute(pending, plan: plan, specs: specs, jobs: JobCount.resolve(jobs),
                             limits: runLimits.limits, store: store, progress: progress)
        } catch {
            progress.finish()
            throw error
        }
        progress.finish()
        let header = "sweep \(plan.scenario): \(Counted.grid(points: plan.points.count, replications: plan.replications)) = \(Counted.text(plan.runCount, "run"))"
            + (shard == .whole ? "" : ", shard \(shard.description): \(Counted.text(mine.count, "run"))")
            + "; ran \(pending.count), \(mine.count - pending.count) already stored"
        let records = try SweepOutputs.publish(store: store, directory: directory, format: format, header: header)
        let missing = plan.runCount - records.count
        try SweepOutputs.conclude(records: records, missing: missing == 0 ? nil
            : "the store holds \(records.count) of the sweep's \(plan.runCount) runs; \(missing) \(missing == 1 ? "is" : "are") missing "
                + "(another shard's, or not run yet: --resume runs them)", missingFails: false)
    }

    /// The arguments that make the same plan again, for the Slurm script's tasks.
    var rerunArguments: [String] {
        vary.flatMap { ["--vary", $0] } + scenario.setArguments
            + (replications.map { ["--replications", String($0)] } ?? []) + scenario.seedArguments + runLimits.arguments
    }

    /// Test-only: when set to k > 0, the process kills itself with SIGKILL right after the k-th
    /// run is committed, so tests can check what a `kill -9` mid-sweep leaves behind.
    static let killAfterRunsVariable = "SATSIM_TEST_KILL_AFTER_RUNS"

    /// Runs `pending` on `jobs` threads, committing each run to `store` as it finishes.
    static func execute(_ pending: [RunKey], plan: SweepPlan, specs: PointSpecs, jobs: Int, limits: RunLimits,
                        store: ResultsStore, progress: ProgressReporter) throws(ExitCode) {
        let killAfter = ProcessInfo.processInfo.environment[killAfterRunsVariable].flatMap { Int($0) } ?? 0
        let failure = FirstFailure()
        ParallelRunner.forEach(count: pending.count, jobs: jobs, { (index: Int) -> RunRecord? in
            let key = pending[index]
            guard let spec = specs.spec(of: key.point) else { return nil }
            return RunRecord.simulate(spec: spec, key: key, seed: plan.seed(of: key), figures: plan.figures, limits: limits)
        }, finished: { (_: Int, record: RunRecord?) in
            guard failure.error == nil, failure.badPoint == nil else { return }
            guard let record else {
                failure.badPoint = true
                return
            }
            do throws(StoreError) {
                try store.insert(record)
            } catch {
                failure.error = error
                return
            }
            progress.advance()
            if killAfter > 0 {
                failure.committed += 1
                if failure.committed == killAfter { kill(getpid(), SIGKILL) }
            }
        })
        if let error = failure.error {
            Console.error("satsim: " + TerminalText.inline(String(describing: error)))
            throw ExitCode(2)
        }
        // A point that did not load was reported where it was found; the runs stored so far
        // stay, and --resume runs the rest once the value is fixed.
        if failure.badPoint != nil {
            if let problem = specs.firstProblem { Console.error(problem) }
            throw ExitCode(2)
        }
    }

    /// Parses the flags, loads the scenario and the points of its grid (``PointSpecs``: all of
    /// a grid of up to 2,000 points, so bad values are reported, with every problem, before
    /// anything runs; each value of each axis for a larger one), and fixes the plan.
    /// `eventBudget` (``RunLimitOptions/eventBudgetCheck``) is checked for each point, not for
    /// the base: a sweep runs only its points (a grid of none is the one point of the base), so a
    /// file whose own rate is past the budget sweeps rates within it.
    static func plan(file: String, vary: [String], scenario: PlanScenarioOptions, replications: Int?, eventBudget: Int?) throws(ExitCode)
        -> (SweepPlan, PointSpecs)
    {
        let base = try scenario.load(file: file, eventBudget: nil)
        var axes = (base.sweep?.vary ?? []).map { SweepAxis(path: $0.path, values: $0.values) }
        // The 1-based --vary that gave each axis, nil for one from the file's sweep block.
        var origins: [Int?] = Array(repeating: nil, count: axes.count)
        var problems: [Diagnostic] = []
        var flagged: [String: Int] = [:]
        for (index, text) in vary.enumerated() {
            do throws(ScenarioError) {
                let axis = try SweepAxis.parse(text, ordinal: index + 1)
                if axis.path == "sweep" || axis.path.hasPrefix("sweep.") {
                    problems.append(Diagnostic(file: "--vary", line: index + 1, column: 1, path: axis.path,
                        message: "the sweep block describes the sweep itself, not a run; expected a path of the scenario, "
                            + "and --replications or another --vary to change the sweep"))
                } else if axis.path == "seed" {
                    problems.append(Diagnostic(file: "--vary", line: index + 1, column: 1, path: "seed",
                        message: "each run's seed is derived from the scenario seed, the point and the replication; vary --replications (or --seed for the whole sweep) instead"))
                } else if let first = flagged[axis.path] {
                    // Keeping only the last would silently drop the other's values.
                    problems.append(Diagnostic(file: "--vary", line: index + 1, column: 1, path: axis.path,
                        message: "already varied by --vary number \(first); expected each path once, with all its values in one list"))
                } else if let existing = axes.firstIndex(where: { $0.path == axis.path }) {
                    axes[existing] = axis
                    origins[existing] = index + 1
                } else {
                    axes.append(axis)
                    origins.append(index + 1)
                }
                flagged[axis.path] = flagged[axis.path] ?? index + 1
            } catch {
                problems += error.diagnostics
            }
        }
        let runsPerPoint = replications ?? base.sweep?.replications ?? 5
        if problems.isEmpty, let tooBig = gridProblem(axes: axes, origins: origins, replications: runsPerPoint,
                                                           replicationsFlag: replications != nil, file: file) {
            problems.append(tooBig)
        }
        guard problems.isEmpty else {
            Console.error(ScenarioError(diagnostics: problems).description)
            throw ExitCode(2)
        }
        let sets = scenario.sets
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        var plan = SweepPlan.grid(
            scenario: base.name, seed: base.seed, axes: axes,
            replications: runsPerPoint, figures: SweepFigure.all(for: base),
            sets: sets, source: String(RunSeed.fnv1a(text), radix: 16))
        plan.description = base.description
        try StoredPlan.checkWidth(plan, file: file, what: "sweep")
        let tree: ScenarioTree
        do throws(ScenarioError) {
            tree = try ScenarioLoader.readTree(text: text, file: file)
        } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }
        let frozenPlan = plan, frozenAxes = axes, frozenOrigins = origins
        // A `--set sweep.replications=2` changed the plan (through `base`); a point is one run and
        // takes no sweep block, so such a set is not applied to it again (it made the point's
        // file a sweep block without `vary`, refused).
        let pointSets = sets.filter { $0.path != "sweep" && !$0.path.hasPrefix("sweep.") }
        let specs = PointSpecs(plan: plan) { index -> Result<ScenarioSpec, SweepPointError> in
            let point = frozenPlan.points[index]
            do throws(ScenarioError) {
                // The text read once into its tree: a grid of thousands of points loads it
                // thousands of times. Its variants and sweep values were checked when the file
                // was loaded above.
                return .success(try ScenarioLoader.parse(tree: tree, overrides: pointSets + point.overrides, checkingAlternatives: false,
                                                         eventBudget: eventBudget))
            } catch {
                return .failure(SweepPointError(message: Self.pointProblem(
                    point, error, plan: frozenPlan, axes: frozenAxes, origins: frozenOrigins, sets: sets, vary: vary, text: text, file: file)))
            }
        }
        do throws(SweepPointError) {
            if plan.points.count <= PointSpecs.eagerPoints {
                try specs.preload(Array(plan.points.indices), keepingAll: true)
            } else {
                try specs.preload(specs.axisPoints(), keepingAll: false)
            }
        } catch {
            Console.error(error.message)
            throw ExitCode(2)
        }
        return (plan, specs)
    }

    /// Why `point` does not load, each problem placed where the user wrote its value: the
    /// --vary that gave it, or the file's sweep block.
    static func pointProblem(_ point: SweepPoint, _ error: ScenarioError, plan: SweepPlan, axes: [SweepAxis], origins: [Int?],
                             sets: [ScalarOverride], vary: [String], text: String, file: String) -> String {
        let where_ = zip(plan.columns, point.values).map { "\($0)=\(Diagnostic.shown($1))" }.joined(separator: ", ")
        // The loader places a point's values after the --sets, as `--set` lines; name the
        // --vary that gave each one instead.
        let located = error.diagnostics.map { d -> Diagnostic in
            let axis = d.line - sets.count - 1
            guard d.file == "--set", origins.indices.contains(axis) else { return d }
            guard let ordinal = origins[axis] else {
                // A value of the file's sweep block: told where the file writes it.
                let value = point.values[axis]
                guard let index = axes[axis].values.firstIndex(of: value),
                      let at = ScenarioLoader.sweepValuePosition(text: text, file: file, path: axes[axis].path, index: index)
                else { return d }
                return Diagnostic(file: file, line: at.line, column: at.column, path: d.path,
                                  message: d.message + " (with sweep value \(value))", suggestion: d.suggestion)
            }
            // A problem of the path is located at its segment, which stands where it stands in
            // the --vary (both start the line with PATH=); one of the value, after the path, at
            // the value in the --vary's list.
            let column = d.column > axes[axis].path.count ? valueColumn(in: vary[ordinal - 1], value: point.values[axis]) : d.column
            return Diagnostic(file: "--vary", line: ordinal, column: column, path: d.path, message: d.message,
                              suggestion: d.suggestion)
        }
        // The loader names a duration it was given as `--set duration=...`: a point's
        // comes from --vary or the file's sweep block.
        let told = located.map { d -> Diagnostic in
            guard let axis = plan.columns.firstIndex(of: "duration"), origins.indices.contains(axis) else { return d }
            var d = d
            d.message = d.message.replacingOccurrences(
                of: "given by --set duration=", with: "given by \(origins[axis] == nil ? "sweep.vary" : "--vary") duration=")
            return d
        }
        return "satsim: point \(point.index) (\(where_)) does not load:\n\(ScenarioError(diagnostics: told).description)"
    }

    /// The 1-based column of `value` in a `--vary PATH=V1,V2,...` argument (of the range, for a
    /// value a range made).
    static func valueColumn(in argument: String, value: String) -> Int {
        guard let equals = argument.firstIndex(of: "=") else { return 1 }
        var column = argument.distance(from: argument.startIndex, to: equals) + 2
        let list = argument[argument.index(after: equals)...]
        guard !list.contains("..") else { return column }
        for item in list.split(separator: ",", omittingEmptySubsequences: false) {
            let leading = item.prefix { $0 == " " }.count
            if item.trimmingCharacters(in: .whitespaces) == value { return column + leading }
            column += item.count + 1
        }
        return argument.distance(from: argument.startIndex, to: equals) + 2
    }

    /// A diagnostic when the grid of `axes` x `replications` is beyond ``PlanLimits``, counted
    /// without building it; located at the --vary with the most values (or the file's sweep block).
    static func gridProblem(axes: [SweepAxis], origins: [Int?], replications: Int, replicationsFlag: Bool, file: String) -> Diagnostic? {
        let counts = axes.map(\.values.count)
        let points = PlanLimits.product(counts, cap: PlanLimits.maximumPoints)
        guard let excess = PlanLimits.excess(points: points, replications: replications) else { return nil }
        let size = points.map { Counted.grid(points: $0, replications: replications) } ?? "more than \(PlanLimits.maximumPoints) points"
        let grid = counts.isEmpty ? "one point" : counts.map(String.init).joined(separator: " x ") + " values"
        let message = "the grid is \(grid) = \(size); expected \(excess): vary fewer values, use fewer --replications, "
            + "or split the sweep into several"
        if replicationsFlag, let points, points <= PlanLimits.maximumPoints {
            return Diagnostic(file: "--replications", line: 1, column: 1, path: "replications", message: message)
        }
        let widest = counts.indices.max { counts[$0] < counts[$1] }
        if let widest, let ordinal = origins[widest] {
            return Diagnostic(file: "--vary", line: ordinal, column: 1, path: axes[widest].path, message: message)
        }
        return Diagnostic(file: file, line: 1, column: 1, path: widest.map { "sweep.vary.\(axes[$0].path)" } ?? "", message: message)
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// This executable's absolute path, for scripts that run it again elsewhere.
    static func executablePath() -> String {
        let link = "/proc/self/exe"
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: link) { return resolved }
        return absolute(CommandLine.arguments.first ?? "satsim")
    }
}

/// The first error of the runner's hand-over, and how many runs were committed; only touched
/// from the hand-over, which holds a lock.
private final class FirstFailure: @unchecked Sendable {
    var error: StoreError?
    var badPoint: Bool?
    var committed = 0
}

/// The scenario of each point of a sweep's grid, loaded when a run needs it (with a bounded
/// cache: a point's replications share one load) or all at once for a small grid.
///
/// Loading a point takes about 2 ms (the file's tree with the point's values set, every key
/// checked), so a grid of 99,856 points took 383 s and 788 MiB before `--slurm` printed its
/// script or a one-run `--shard` ran. ``SweepCommand/plan(file:vary:scenario:replications:eventBudget:)``
/// loads every point of a grid of up to ``eagerPoints`` before anything runs, as before; a
/// larger grid gets each value of each axis checked in a point of its own (the grid's points
/// that differ from the first in one value only), and its other points load as they run: a
/// combination of values that is refused only together stops the sweep there (exit 2), its runs
/// so far stored for --resume.
final class PointSpecs: @unchecked Sendable {
    /// The largest grid loaded whole before it runs.
    static let eagerPoints = 2_000
    /// The most loaded points kept at once.
    static let cacheLimit = 1_024

    private let plan: SweepPlan
    private let load: (Int) -> Result<ScenarioSpec, SweepPointError>
    private var cache: [Int: ScenarioSpec] = [:]
    private var keepAll = false
    private let lock = NSLock()
    /// The message of the first point that did not load while running.
    private(set) var firstProblem: String?

    init(plan: SweepPlan, load: @escaping (Int) -> Result<ScenarioSpec, SweepPointError>) {
        self.plan = plan
        self.load = load
    }

    /// Loads `points` now, keeping them; the first that does not load throws its message.
    func preload(_ points: [Int], keepingAll: Bool) throws(SweepPointError) {
        keepAll = keepingAll
        for index in points {
            switch load(index) {
            case .success(let spec): cache[index] = spec
            case .failure(let error): throw error
            }
        }
    }

    /// The points a large grid checks before it runs: for each axis, each of its values with
    /// every other axis at the first point's value (the first point included once).
    func axisPoints() -> [Int] {
        guard let first = plan.points.first else { return [] }
        return plan.points.indices.filter { index in
            zip(plan.points[index].values, first.values).reduce(0) { $0 + ($1.0 == $1.1 ? 0 : 1) } <= 1
        }
    }

    /// Point `index`'s scenario, or nil when it does not load (its message kept in
    /// ``firstProblem``). Safe to call from the runner's threads.
    func spec(of index: Int) -> ScenarioSpec? {
        lock.lock()
        if let spec = cache[index] {
            lock.unlock()
            return spec
        }
        lock.unlock()
        let loaded = load(index)
        lock.lock()
        defer { lock.unlock() }
        switch loaded {
        case .success(let spec):
            if !keepAll, cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[index] = spec
            return spec
        case .failure(let error):
            if firstProblem == nil { firstProblem = error.message }
            return nil
        }
    }
}

/// A point of a sweep that does not load: the message says which point and why.
struct SweepPointError: Error {
    var message: String
}

extension RunLimitOptions {
    /// The flags that give the same limits again (only those that differ from the defaults).
    var arguments: [String] {
        let defaults = RunLimits()
        // A --max-events given is passed on even at the default: it also says "do not refuse a
        // file past the budget" (eventBudgetCheck).
        return (maxEvents.map { ["--max-events", String($0)] } ?? [])
            + (maxInFlight != defaults.maxInFlight ? ["--max-in-flight", String(maxInFlight)] : [])
            + (maxLogEntries != defaults.maxLogEntries ? ["--max-log-entries", String(maxLogEntries)] : [])
    }
}
