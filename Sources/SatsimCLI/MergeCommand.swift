import ArgumentParser
import Foundation
import SatsimSweep

/// `satsim merge DIR... --out DIR`: joins the results stores of the shards of one sweep.
///
/// Each folder's `results.sqlite` must hold the same plan (the same identity: scenario, seed,
/// grid, replications, figures, `--set`s, scenario text); their runs are copied into the output
/// folder's store, whose points, CSVs and report are then made exactly as `sweep` makes them, so
/// merging shards gives the bytes one unsharded sweep gives. Merging again, or a folder twice,
/// changes nothing: a run is stored once.
public struct MergeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the results of a sweep's shards into one sweep folder.",
        discussion: """
            Every DIR holds a results.sqlite written by satsim sweep (a shard's --out). They must \
            all come from the same sweep (same scenario file, grid, replications, seed and --set). \
            The merged folder gets results.sqlite, runs.csv, points.csv and report.html, the \
            same as one unsharded sweep. A warning names the runs still missing. Exit code 2 for \
            a folder without a store or stores of different sweeps; 1 when a run stopped at a limit.
            """
    )

    @Argument(help: "The shards' folders.")
    var folders: [String]

    @Option(help: "The merged sweep's folder.")
    var out: String

    @Option(help: "What to print: text (a table of the points) or json.")
    var format: CompareCommand.OutputFormat = .text

    public init() {}

    public func validate() throws {
        if folders.isEmpty { throw ValidationError("merge needs at least one folder of a sweep's shard") }
        if out.isEmpty { throw ValidationError("--out needs a folder path, found an empty one") }
    }

    public func run() throws {
        var sources: [(folder: String, store: ResultsStore)] = []
        do {
            for folder in folders {
                let path = folder.hasSuffix("/") ? folder + ResultsStore.fileName : folder + "/" + ResultsStore.fileName
                let store = try ResultsStore(existingAt: path)
                if let first = sources.first, first.store.layout.identity != store.layout.identity {
                    throw StoreError("\(folder) holds another sweep than \(first.folder): they cannot be merged")
                }
                sources.append((folder, store))
            }
        } catch {
            Console.error("satsim: \(error)")
            throw ExitCode(2)
        }
        guard let layout = sources.first?.store.layout else { throw ExitCode(2) }
        let directory: OutputDirectory
        let target: ResultsStore
        var copied = 0
        do {
            directory = try OutputDirectory(path: out, kind: .sweep)
            target = try ResultsStore(path: directory.file(ResultsStore.fileName), layout: layout)
            var seen: [RunKey: RunRecord] = [:]
            for record in try target.records() { seen[record.key] = record }
            for source in sources {
                for record in try source.store.records() {
                    if let earlier = seen[record.key] {
                        // The same run from two stores must be the same run: seeds derive from
                        // the plan alone, so a difference means the runs were not reproducible.
                        guard earlier == record else {
                            throw StoreError("run \(record.key.point)/\(record.key.replication) differs between the stores "
                                             + "(\(source.folder)); the same plan and seed must give the same run")
                        }
                        continue
                    }
                    try target.insert(record)
                    seen[record.key] = record
                    copied += 1
                }
            }
        } catch let error as CLIError {
            Console.error(error.description)
            throw ExitCode(2)
        } catch {
            Console.error("satsim: \(error)")
            throw ExitCode(2)
        }
        let header = "merge \(layout.scenario): \(folders.count) folders, \(copied) runs added; "
            + "\(layout.points.count) points x \(layout.replications) replications = \(layout.runCount) runs"
        try SweepOutputs.publish(store: target, directory: directory, format: format, header: header)
    }
}
