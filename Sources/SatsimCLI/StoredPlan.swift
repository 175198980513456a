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

    /// Refuses (exit 2) a plan whose results store cannot be created: a table of SQLite holds at
    /// most ``ResultsLayout/maximumColumns`` columns, and `points` has four per figure (12 per
    /// client, 14 more for its cohorts when a fault has a `share`, 11 per service), so 22 clients and 22 services failed after planning, with
    /// SQLite's unlocated "too many columns on points". Told at the client or service whose
    /// figures pass the limit, before anything runs or a Slurm script is printed.
    static func checkWidth(_ plan: SweepPlan, file: String, what: String) throws(ExitCode) {
        let layout = plan.layout
        guard layout.widestTable > ResultsLayout.maximumColumns else { return }
        let fit = layout.figuresThatFit
        var path = "", place = (line: 1, column: 1)
        switch plan.figures[fit].measure {
        case .client(let name, _), .cohort(let name, _, _): path = "clients.\(name)"
        case .service(let name, _): path = "services.\(name)"
        case .recoveryTime, .successesAfter: break
        }
        if !path.isEmpty, let text = try? String(contentsOfFile: file, encoding: .utf8),
           let at = ScenarioLoader.position(text: text, file: file, path: path) {
            place = at
        }
        let clients = Set(plan.figures.compactMap { if case .client(let n, _) = $0.measure { n } else { nil } }).count
        let services = Set(plan.figures.compactMap { if case .service(let n, _) = $0.measure { n } else { nil } }).count
        let cohorts = plan.figures.contains { if case .cohort = $0.measure { true } else { false } }
        let message = "a \(what) stores \(SweepFigure.ClientField.allCases.count) figures per client"
            + (cohorts ? " (and \(SweepFigure.Cohort.allCases.count * SweepFigure.CohortField.allCases.count) for its cohorts, as a fault has a share)" : "")
            + " and "
            + "\(SweepFigure.ServiceField.allCases.count) per service, 4 columns each in its points table: the file's "
            + "\(clients) clients and \(services) services make \(plan.figures.count) figures, \(layout.widestTable) columns; "
            + "expected at most \(ResultsLayout.maximumColumns) columns (SQLite's limit for a table), so at most \(fit) figures, "
            + "which this \(path.isEmpty ? "plan" : "client or service") passes; use a scenario with fewer clients and services"
        Console.error(ScenarioError(diagnostics: [Diagnostic(file: file, line: place.line, column: place.column, path: path,
                                                             message: message)]).description)
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
