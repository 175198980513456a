import ArgumentParser
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
            stored = try store.storedKeys()
        } catch let error as CLIError {
            Console.error(error.description)
            throw ExitCode(2)
        } catch {
            Console.error("satsim: \(error)")
            throw ExitCode(2)
        }
        let mine = plan.runs(in: slice)
        if !sharding.resume, !stored.isEmpty {
            Console.error("satsim: \(folder)/\(ResultsStore.fileName) already holds \(stored.count) runs of this \(what); "
                          + "add --resume to run only the missing ones, or choose another --out")
            throw ExitCode(2)
        }
        if slice != .whole {
            do {
                try store.noteShard(slice)
            } catch {
                Console.error("satsim: \(error)")
                throw ExitCode(2)
            }
        }
        return StoredPlan(
            directory: directory, store: store, shard: slice, mine: mine, pending: mine.filter { !stored.contains($0) })
    }
}
