import ArgumentParser
import SatsimMetrics
import SatsimScenario
import SatsimSweep

/// A plan's results store in its output folder, opened for this invocation: `sweep` and `chaos`
/// share it, so both refuse, resume and shard in exactly the same way.
struct StoredPlan {
    let directory: OutputDirectory
    let store: ResultsStore
    /// This invocation's slice of the plan (`.whole` without `--shard`), and its runs.
    let shard: Shard
    let mine: [RunKey]
    /// The runs of this shard the store does not hold yet.
    let pending: [RunKey]

    /// Refuses (exit 2) a plan whose results store cannot be created. A table of SQLite holds at
    /// most ``ResultsLayout/maximumColumns`` columns; figures past it continue in `runs_2`,
    /// `points_2`, ... (``ResultsLayout/runsTables``), so any number of clients and services
    /// fits, but the first tables repeat every varied path before any figure, and a plan varying
    /// nearly 2,000 paths leaves no room: told before anything runs or a Slurm script is printed.
    static func checkWidth(_ plan: SweepPlan, file: String, what: String) throws(ExitCode) {
        let layout = plan.layout
        guard !layout.fitsTables else { return }
        let message = "a \(what) keeps one column per varied path in its runs and points tables, beside "
            + "\(PointsTable.fixedColumnCount(layout) - layout.columns.count) others; \(layout.columns.count) varied paths need more than "
            + "\(ResultsLayout.maximumColumns) columns (SQLite's limit for a table); expected fewer varied paths"
        Console.error(ScenarioError(diagnostics: [Diagnostic(file: file, line: 1, column: 1, path: "sweep.vary", message: message)]).description)
        throw ExitCode(2)
    }

    /// Opens (or creates) the store in `folder` for `plan`, and notes `--shard` in it (so that
    /// `merge` can name a missing shard). Exits 2 with a message when the folder or store cannot
    /// be used, or when the store already holds runs and `--resume` is off (`what` names the work
    /// in that message: "sweep", "search").
    static func open(
        folder: String, kind: OutputDirectory.Kind, plan: SweepPlan, sharding: ShardingOptions, what: String
    ) throws -> StoredPlan {
        let directory: OutputDirectory
        let store: ResultsStore
        let stored: Set<RunKey>
        let slice = sharding.shard.flatMap(Shard.init(parsing:)) ?? .whole
        do {
            directory = try OutputDirectory(path: folder, kind: kind)
            store = try ResultsStore(path: directory.file(ResultsStore.fileName), layout: plan.layout)
            // A damaged store is refused before anything runs or is written into it.
            try store.verify()
            stored = try store.storedKeys()
        } catch let error as CLIError {
            Console.error(error.description)
            throw ExitCode(2)
        } catch {
            Console.error("satsim: " + TerminalText.inline(String(describing: error)))
            throw ExitCode(2)
        }
        let mine = plan.runs(in: slice)
        if !sharding.resume, !stored.isEmpty {
            Console.error("satsim: \(TerminalText.inline(folder))/\(ResultsStore.fileName) already holds \(stored.count) runs of this \(what); "
                          + "add --resume to run only the missing ones, or choose another --out")
            throw ExitCode(2)
        }
        if slice != .whole {
            do {
                try store.noteShard(slice)
            } catch {
                Console.error("satsim: " + TerminalText.inline(String(describing: error)))
                throw ExitCode(2)
            }
        }
        return StoredPlan(
            directory: directory, store: store, shard: slice, mine: mine, pending: mine.filter { !stored.contains($0) })
    }
}
