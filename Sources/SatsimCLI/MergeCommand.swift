import SatsimMetrics
import ArgumentParser
import Foundation
import SatsimSweep

/// `satsim merge DIR... --out DIR`: joins the results stores of the shards of one sweep or chaos
/// search.
///
/// Each folder's `results.sqlite` must hold the same plan (the same identity: scenario, seed,
/// grid or faults, replications, figures, `--set`s, scenario text); their runs are copied into the
/// output folder's store, whose outputs are then made exactly as `sweep` makes them (points,
/// CSVs, report) or, for a chaos search's store (``ChaosOutline/init(layout:)`` recognises one
/// from its plan), as `chaos` makes them (chaos.json, CSVs, report), so merging shards gives the
/// bytes one unsharded run gives. Merging again changes nothing: a run is stored once. A folder
/// given twice (however it is spelled) is refused: it is most likely a slip for another shard's
/// folder, whose runs would then be missing. Runs still missing after the merge are named, by shard when the shards noted
/// theirs, and make the exit code 1: the outputs are kept, as for a run stopped at a limit.
public struct MergeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the results of the shards of a sweep or chaos search into one folder.",
        discussion: """
            Every DIR holds a results.sqlite written by satsim sweep or satsim chaos (a shard's \
            --out). They must all come from the same plan (same scenario file, grid or faults, \
            replications, seed and --set). The merged folder gets results.sqlite and the \
            outputs one unsharded run would write: for a sweep runs.csv, points.csv and \
            report.html; for a chaos search chaos.json, runs.csv, points.csv and report.html. \
            When runs are still missing, the outputs cover the runs stored, and one sentence on \
            standard error says how many of how many are missing and from which shards (or \
            points): exit code 1, so a job that depends on the merge (Slurm afterok) does not \
            start. Exit code 1 also when a run stopped at a limit; 2 for a folder without a store, \
            stores of different plans, a folder given twice, or an --out that is one of the \
            shards' folders (merge never replaces a shard).
            """
    )

    @Argument(help: "The shards' folders.")
    var folders: [String]

    @Option(help: "The merged folder.")
    var out: String

    @Option(help: "What to print: text (a table of the points, or the chaos ranking) or json; text by default.", transform: FlagValue.choice(CompareCommand.OutputFormat.self))
    var format: CompareCommand.OutputFormat = .text

    public init() {}

    public func validate() throws {
        if folders.isEmpty { throw ValidationError("merge needs at least one folder of a sweep's shard") }
        if out.isEmpty { throw ValidationError("--out needs a folder path, found an empty one") }
        // A folder given twice adds nothing, and is most likely a slip for another shard's
        // folder (`s1 s1` for `s1 s2`): it is refused by name, whatever the spelling (`s1`, `./s1/`).
        var given: [String: String] = [:]
        for folder in folders {
            let path = Self.canonical(folder)
            if let earlier = given[path] {
                let spelled = earlier == folder ? "" : " (also as \(TerminalText.inline(earlier)))"
                throw ValidationError(
                    "the folder \(TerminalText.inline(folder)) is given twice\(spelled); give each shard's folder once")
            }
            given[path] = folder
        }
        // Merging into one of the inputs would replace that shard's files with the merged set
        // (and its store with the union): a shard is never written by merge.
        let target = Self.canonical(out)
        if let folder = folders.first(where: { Self.canonical($0) == target || Self.sameFolder($0, out) }) {
            throw ValidationError(
                "--out \(TerminalText.inline(out)) is the shard folder \(TerminalText.inline(folder)); merge writes a new folder and never replaces a shard: choose another --out")
        }
    }

    /// Removes the store at `path` (and its WAL and shared-memory files) that a failed merge
    /// created; nothing when nil.
    static func remove(_ path: String?) {
        guard let path else { return }
        for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) }
    }

    /// The results store in a shard's folder.
    static func storePath(_ folder: String) -> String {
        folder.hasSuffix("/") ? folder + ResultsStore.fileName : folder + "/" + ResultsStore.fileName
    }

    /// Whether two paths name one existing folder by its device and inode: a bind mount (or a
    /// hard-linked path) spells a shard's folder in a way no path resolution sees.
    static func sameFolder(_ a: String, _ b: String) -> Bool {
        var x = stat(), y = stat()
        guard stat(a, &x) == 0, stat(b, &y) == 0 else { return false }
        return x.st_dev == y.st_dev && x.st_ino == y.st_ino
    }

    /// A folder's path with `.`, `..` and symbolic links resolved, to tell two spellings of one folder.
    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// Why the store in `folder` cannot be merged with the one in `other`: what each holds (a
    /// sweep or a chaos search) and where their plans first differ. "holds another sweep" left
    /// the user to find which of scenario, seed, points or figures it was.
    static func mismatch(_ folder: String, _ layout: ResultsLayout, _ other: String, _ otherLayout: ResultsLayout) -> StoreError {
        func kind(_ layout: ResultsLayout) -> String { ChaosOutline(layout: layout) == nil ? "a sweep" : "a chaos search" }
        let (mine, theirs) = (kind(layout), kind(otherLayout))
        let what = mine == theirs ? "another \(mine.dropFirst(2)) than \(TerminalText.inline(other))"
            : "\(mine), \(TerminalText.inline(other)) \(theirs)"
        return StoreError("\(TerminalText.inline(folder)) holds \(what) (\(ResultsStore.difference(between: layout, and: otherLayout, other: TerminalText.inline(other)))): "
                          + "they cannot be merged; expected shards of one sweep, run with the same file, seed and flags")
    }

    public func run() throws {
        // Each shard's store is opened, read and closed in turn, never all at once: a store in
        // WAL mode holds three file descriptors, and the Slurm script merges up to 1000 shards,
        // so with the usual limit of 1024 descriptors (ulimit -n) the 340th store failed to open
        // and was called unreadable.
        var first: (folder: String, layout: ResultsLayout)?
        var noted: [Shard] = []
        do {
            for folder in folders {
                let store = try ResultsStore(existingAt: Self.storePath(folder))
                if let first, first.layout != store.layout {
                    throw Self.mismatch(folder, store.layout, first.folder, first.layout)
                }
                first = first ?? (folder, store.layout)
                noted += try store.notedShards()
            }
        } catch {
            Console.error("satsim: " + TerminalText.inline(String(describing: error)))
            throw ExitCode(2)
        }
        guard let layout = first?.layout else { throw ExitCode(2) }
        let chaos = ChaosOutline(layout: layout)
        let directory: OutputDirectory
        let target: ResultsStore
        var copied = 0
        // A merge that fails writes nothing: every insert is in one transaction, and a store this
        // merge created is removed. A conflict between two shards used to leave the first
        // shard's runs in --out, which `sweep --resume` then trusted ("ran 0, 4 already stored").
        var created: String?
        do {
            directory = try OutputDirectory(path: out, kind: chaos == nil ? .sweep : .chaos)
            let path = directory.file(ResultsStore.fileName)
            if !FileManager.default.fileExists(atPath: path) { created = path }
            target = try ResultsStore(path: path, layout: layout)
            var seen: [RunKey: RunRecord] = [:]
            for record in try target.records() { seen[record.key] = record }
            try target.allOrNothing { () throws(StoreError) in
            for folder in folders {
                let source = try ResultsStore(existingAt: Self.storePath(folder))
                // Read again, so checked again: the folder may have changed since the first pass.
                guard source.layout == layout else {
                    throw Self.mismatch(folder, source.layout, first?.folder ?? folders[0], layout)
                }
                for record in try source.records() {
                    if let earlier = seen[record.key] {
                        // The same run from two stores must be the same run: seeds derive from
                        // the plan alone, so a difference means the runs were not reproducible.
                        guard earlier == record else {
                            throw StoreError("run \(record.key.point)/\(record.key.replication) differs between the stores "
                                             + "(\(TerminalText.inline(folder))); the same plan and seed must give the same run")
                        }
                        continue
                    }
                    try target.insert(record)
                    seen[record.key] = record
                    copied += 1
                }
            }
            }
        } catch let error as CLIError {
            Self.remove(created)
            Console.error(error.description)
            throw ExitCode(2)
        } catch {
            Self.remove(created)
            Console.error("satsim: " + TerminalText.inline(String(describing: error)))
            throw ExitCode(2)
        }
        let records: [RunRecord]
        let what: String
        if let chaos {
            what = "chaos search"
            let header = "merge \(layout.scenario): \(folders.count) folders, \(copied) runs added; chaos search of "
                + ChaosOutputs.size(chaos)
            records = try ChaosOutputs.publish(store: target, directory: directory, outline: chaos, format: format, header: header)
        } else {
            what = "sweep"
            let header = "merge \(layout.scenario): \(folders.count) folders, \(copied) runs added; "
                + "\(Counted.grid(points: layout.points.count, replications: layout.replications)) = \(Counted.text(layout.runCount, "run"))"
            records = try SweepOutputs.publish(store: target, directory: directory, format: format, header: header)
        }
        let missing = MissingRuns(layout: layout, stored: Set(records.map(\.key)),
                                  shardCount: MissingRuns.commonShardCount(noted))
        try SweepOutputs.conclude(
            records: records,
            missing: missing.count == 0 ? nil
                : "the merged \(what) is incomplete: \(missing.sentence()); the outputs cover the \(records.count) runs stored "
                    + "(run what is missing, e.g. the shard again with --resume into its folder, then merge again)",
            missingFails: true)
    }
}
