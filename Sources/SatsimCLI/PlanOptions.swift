import ArgumentParser
import SatsimModel
import SatsimScenario
import SatsimSweep

/// `--seed` and `--set` of the commands that run a plan of many runs (`sweep`, `chaos`): the same
/// flags as `run`'s, checked by the same readers, applied to every run of the plan.
struct PlanScenarioOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "The scenario seed every run's seed derives from (overrides the file's `seed`).",
            transform: FlagValue.seed)
    var seed: UInt64?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a scalar of the scenario in every run (repeatable).", valueName: "PATH=VALUE"))
    var overrides: [String] = []

    /// Loads `file` with the `--set`s and `--seed` (exit 2 with every problem on bad input).
    func load(file: String) throws(ExitCode) -> ScenarioSpec {
        try ScenarioRun.load(file: file, overrides: overrides, variant: nil, seed: seed)
    }

    /// The `--set`s, parsed; call after ``load(file:)``, which reports the ones that do not parse.
    var sets: [ScalarOverride] {
        overrides.enumerated().compactMap { try? ScalarOverride.parse($1, ordinal: $0 + 1) }
    }

    /// The flags that give the same `--set`s again.
    var setArguments: [String] { overrides.flatMap { ["--set", $0] } }

    /// The flags that give the same `--seed` again.
    var seedArguments: [String] { seed.map { ["--seed", String($0)] } ?? [] }
}

/// `--resume`, `--shard I/N`, `--slurm` and `--tasks`: how a plan's runs are split and carried
/// on, the same for `sweep` and `chaos` (both keep their runs in a results store).
struct ShardingOptions: ParsableArguments {
    @Flag(help: "Run only the runs the folder's results store does not hold yet.")
    var resume = false

    // Unconditional, so that `--shard -1/2` reaches the check below and is told what I/N means
    // (argument-parser would otherwise take -1/2 for a flag and say the value is missing).
    @Option(parsing: .unconditional, help: ArgumentHelp("Run only the I-th of N disjoint slices of the runs (0-based).", valueName: "I/N"))
    var shard: String?

    @Flag(help: "Print a Slurm script that runs the shards as a job array, then merges them; run nothing.")
    var slurm = false

    @Option(parsing: .unconditional, help: "With --slurm: the number of array tasks (default: one per 4 points, at most 1000).",
            transform: FlagValue.count(in: 1...1_000_000))
    var tasks: Int?

    func validate() throws {
        if let shard, Shard(parsing: shard) == nil {
            throw ValidationError("--shard expects I/N with 0 <= I < N, such as 0/4, found '\(shard)'")
        }
        if slurm, shard != nil { throw ValidationError("--slurm prints a script for every shard; drop --shard") }
        if tasks != nil, !slurm { throw ValidationError("--tasks sets the array size of --slurm's script; add --slurm") }
    }

    /// The script `--slurm` prints: `arguments` are the command's flags that make the same plan
    /// again; `jobs` becomes each task's `--cpus-per-task`.
    func slurmScript(command: String, file: String, arguments: [String], out: String, plan: SweepPlan, jobs: Int?) -> String {
        let taskCount = tasks ?? SlurmScript.defaultTaskCount(points: plan.points.count)
        return SlurmScript(
            satsim: SweepCommand.executablePath(), command: command, file: SweepCommand.absolute(file), arguments: arguments,
            out: SweepCommand.absolute(out), scenario: plan.scenario, tasks: min(taskCount, plan.runCount), cpusPerTask: jobs ?? 1
        ).text
    }
}
