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
    /// `eventBudget`: see ``RunLimitOptions/eventBudgetCheck``.
    func load(file: String, eventBudget: Int?) throws(ExitCode) -> ScenarioSpec {
        try ScenarioRun.load(file: file, overrides: overrides, variant: nil, seed: seed, eventBudget: eventBudget)
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

    @Option(parsing: .unconditional, help: "With --slurm: the number of array tasks (default: one per 4 points, at most 1000; at most as many as the merge job's command line can name).",
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
    /// Exits 2 when the merge job's command line, one folder per task, would not fit
    /// (``SlurmScript/maximumMergeCommandBytes``): `--tasks 100000` printed a script whose merge
    /// job sbatch refuses (over 4 MB) or whose `exec` fails ("Argument list too long"), found out
    /// only after every task of the array had run.
    func slurmScript(command: String, file: String, arguments: [String], out: String, plan: SweepPlan, jobs: Int?) throws(ExitCode)
        -> String
    {
        let taskCount = min(tasks ?? SlurmScript.defaultTaskCount(points: plan.points.count), plan.runCount)
        let script = SlurmScript(
            satsim: SweepCommand.executablePath(), command: command, file: SweepCommand.absolute(file), arguments: arguments,
            out: SweepCommand.absolute(out), scenario: plan.scenario, tasks: taskCount, cpusPerTask: jobs ?? 1)
        let limit = SlurmScript.maximumMergeCommandBytes
        let bytes = script.mergeCommandBytes(tasks: taskCount)
        guard bytes <= limit else {
            // The most tasks that fit: bytes grow with tasks, so a binary search.
            var (fits, over) = (0, taskCount)
            while over - fits > 1 {
                let middle = (fits + over) / 2
                if script.mergeCommandBytes(tasks: middle) <= limit { fits = middle } else { over = middle }
            }
            Console.error("satsim: --tasks \(taskCount): the merge job would name \(taskCount) shard folders in one command line of "
                          + "\(bytes) bytes; expected at most \(limit) (half of the usual ARG_MAX of execve(2); a Slurm batch "
                          + "script is at most 4 MB by default): use --tasks \(fits) or fewer, or a shorter --out")
            throw ExitCode(2)
        }
        return script.text
    }
}
