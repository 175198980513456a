import SatsimMetrics

/// The script `satsim sweep ... --slurm` (and `satsim chaos ... --slurm`) prints: run with
/// `bash`, it submits the plan's runs to Slurm as a job array of shards and a merge job that
/// waits for the whole array.
///
/// How it maps onto Slurm (sbatch(1), "Job Array Support" in the Slurm documentation): array task
/// I of N runs `--shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT` into a folder of its own,
/// with `--resume`, so a task re-queued after a node failure carries on from the runs its store
/// already holds. N is chosen so that each task runs several points (a site's MaxArraySize,
/// 1001 by default, bounds N). The merge job is submitted with `--dependency=afterok:ARRAY_ID`,
/// so it starts only once every task of the array has ended with exit code 0; `merge` itself exits
/// 1 when runs are still missing, so a job chained after it with `afterok` does not start either.
/// Within a task, satsim uses SLURM_CPUS_PER_TASK threads (`--cpus-per-task`).
public struct SlurmScript: Sendable, Hashable {
    /// The satsim executable, an absolute path the compute nodes can reach.
    public var satsim: String
    /// The subcommand each task runs: `sweep` or `chaos`.
    public var command: String
    /// The scenario file, absolute.
    public var file: String
    /// The command's own flags (`--vary`, `--max-together`, `--set`, `--replications`, `--seed`, limits).
    public var arguments: [String]
    /// The output folder, absolute: shards go to `OUT/shards/I`, the merged result to OUT.
    public var out: String
    public var scenario: String
    /// Array tasks, N.
    public var tasks: Int
    public var cpusPerTask: Int

    public init(satsim: String, command: String = "sweep", file: String, arguments: [String], out: String, scenario: String, tasks: Int, cpusPerTask: Int) {
        precondition(tasks > 0 && cpusPerTask > 0, "tasks \(tasks) and cpus per task \(cpusPerTask) must be > 0")
        self.satsim = satsim
        self.command = command
        self.file = file
        self.arguments = arguments
        self.out = out
        self.scenario = scenario
        self.tasks = tasks
        self.cpusPerTask = cpusPerTask
    }

    /// The largest array a default Slurm accepts: MaxArraySize defaults to 1001 (indices 0-1000).
    public static let defaultMaxArraySize = 1001

    /// One task per 4 points, at least 1 and at most 1000.
    public static func defaultTaskCount(points: Int) -> Int {
        min(defaultMaxArraySize - 1, max(1, (points + 3) / 4))
    }

    /// The most bytes the merge job's command line may take: half of the usual limit on the
    /// arguments and environment of a new program (execve(2): ARG_MAX, a quarter of the 8 MiB
    /// stack limit, 2 MiB), which also keeps the merge job's script within Slurm's default
    /// max_script_size of 4 MB (slurm.conf(5)).
    public static let maximumMergeCommandBytes = 1 << 20

    /// The bytes of the merge job's command line with `tasks` shards, each argument with its
    /// terminating NUL, as execve(2) counts them.
    public func mergeCommandBytes(tasks: Int) -> Int {
        let fixed = [satsim, "merge", "--out", out].reduce(0) { $0 + $1.utf8.count + 1 }
        let prefix = (out + "/shards/").utf8.count + 1
        var total = fixed, digits = 1, next = 10
        for i in 0..<tasks {
            if i == next { digits += 1; next *= 10 }
            total += prefix + digits
        }
        return total
    }

    /// `text` quoted for a POSIX shell: single quotes, inner ones as '\''.
    ///
    /// Text with a control character (a line break in a folder's name or a `--set` value) is
    /// written in bash's ANSI-C quoting instead, `$'a\012b'`, so that no raw line break reaches
    /// the script: inside the here-documents that carry each job's script, a line that reads
    /// `SATSIM_TASK` would end the document early and run the lines after it on the login node.
    public static func quoted(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
        var body = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": body += "\\\\"
            case "'": body += "\\'"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                // Always three octal digits, so that a digit after it is not read as part of it.
                let octal = String(scalar.value, radix: 8)
                body += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
            default: body.unicodeScalars.append(scalar)
            }
        }
        return "$'" + body + "'"
    }

    /// `path` for sbatch's `--output`, which reads `%` as the start of a replacement symbol
    /// (`%a`, `%j`, `%x`...; sbatch(1), "filename pattern"): each `%` of the folder's own name is
    /// written `%%`, so that the logs go to the folder named.
    static func outputPattern(_ path: String) -> String {
        path.replacingOccurrences(of: "%", with: "%%")
    }

    /// The script.
    public var text: String {
        let q = Self.quoted
        let task = ([q(satsim), command, q(file)] + arguments.map(q)).joined(separator: " ")
        let shards = (0..<tasks).map { q(out + "/shards/\($0)") }
        let job = "satsim-" + scenario
        return """
            #!/bin/bash
            # satsim \(command) of \(scenario) as a Slurm job array: \(Counted.text(tasks, "task")), task I runs --shard I/\(tasks)
            # into its own folder (re-run after a failure, it resumes from its store), then a merge
            # job that starts once every task has succeeded (--dependency=afterok).
            # Submit with: bash THIS_FILE    (prints the two job ids)
            set -euo pipefail
            if ! command -v sbatch >/dev/null 2>&1; then
              echo "satsim: sbatch not found: this script submits \(command) jobs to Slurm, which is not installed here (or not on PATH); run it where sbatch is, or run satsim \(command) without --slurm" >&2
              exit 1
            fi
            mkdir -p \(q(out + "/shards")) \(q(out + "/logs"))
            array_id=$(sbatch --parsable --job-name=\(q(job)) --array=0-\(tasks - 1) --cpus-per-task=\(cpusPerTask) \\
              --output=\(q(Self.outputPattern(out) + "/logs/shard-%a.out")) <<'SATSIM_TASK'
            #!/bin/bash
            set -euo pipefail
            exec \(task) \\
              --shard "${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}" \\
              --out \(q(out + "/shards/"))"${SLURM_ARRAY_TASK_ID}" --resume --format json >/dev/null
            SATSIM_TASK
            )
            array_id=${array_id%%;*}
            merge_id=$(sbatch --parsable --job-name=\(q(job + "-merge")) --dependency=afterok:"$array_id" \\
              --output=\(q(Self.outputPattern(out) + "/logs/merge.out")) <<'SATSIM_MERGE'
            #!/bin/bash
            set -euo pipefail
            exec \(q(satsim)) merge \\
              \(shards.joined(separator: " \\\n  ")) \\
              --out \(q(out))
            SATSIM_MERGE
            )
            merge_id=${merge_id%%;*}
            echo "array $array_id"
            echo "merge $merge_id"

            """
    }
}
