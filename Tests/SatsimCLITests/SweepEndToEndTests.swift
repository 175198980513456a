import Foundation
import SatsimSweep
import Testing

/// `satsim sweep` and `satsim merge` as a user runs them: the contract's forms, results that do
/// not depend on --jobs, shards or a kill -9, and a store that is resumed, not redone.
@Suite("satsim sweep and merge, end to end")
struct SweepEndToEndTests {
    /// compare's small storm (about 0.15 s a run in a debug build) with a default sweep block:
    /// the spike's length and the number of attempts, 2 x 2 points.
    static let scenario = CompareEndToEndTests.stormWithoutVariants + """
        sweep:
          vary:
            timeline.0.for: [2s, 8s]
            clients.users.retry.max_attempts: [1, 4]
          replications: 3

        """

    static func file() throws -> String { try CLIHarness.scenarioFile(scenario, name: "storm.yaml").path }

    static func read(_ folder: URL, _ name: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    }

    /// Runs a sweep into a new folder and returns the folder.
    static func sweep(_ file: String, _ arguments: [String], environment: [String: String] = [:]) throws
        -> (folder: URL, output: CLIHarness.Output)
    {
        let folder = try CLIHarness.temporaryDirectory().appendingPathComponent("sweep")
        let output = try CLIHarness.run(["sweep", file, "--out", folder.path] + arguments, environment: environment, timeout: 600)
        return (folder, output)
    }

    @Test func jobsOneAndJobsTwoGiveTheSameRunsAndPoints() throws {
        let file = try Self.file()
        let serial = try Self.sweep(file, ["--jobs", "1"])
        let parallel = try Self.sweep(file, ["--jobs", "2"])
        #expect(serial.output.status == 0, "\(serial.output.stderr)")
        #expect(parallel.output.status == 0, "\(parallel.output.stderr)")
        let runs = try Self.read(serial.folder, "runs.csv")
        #expect(runs.split(separator: "\n").count == 1 + 12, "a header and 4 points x 3 replications")
        #expect(runs == (try Self.read(parallel.folder, "runs.csv")))
        #expect(try Self.read(serial.folder, "points.csv") == (try Self.read(parallel.folder, "points.csv")))
        // The store itself, not only its export.
        let a = try ResultsStore(existingAt: serial.folder.appendingPathComponent("results.sqlite").path).records()
        let b = try ResultsStore(existingAt: parallel.folder.appendingPathComponent("results.sqlite").path).records()
        #expect(a == b && a.count == 12)
        // And its bytes: runs are stored in the order they finish, which --jobs changes, and the
        // store is rewritten at the end in one layout that depends only on its rows.
        #expect(try Self.bytes(serial.folder, "results.sqlite") == (try Self.bytes(parallel.folder, "results.sqlite")),
                "results.sqlite is byte-identical for --jobs 1 and --jobs 2")
        for name in ["runs.csv", "points.csv", "report.html", "phase-p-metastable.svg"] {
            #expect(try Self.bytes(serial.folder, name) == (try Self.bytes(parallel.folder, name)), "\(name)")
        }
    }

    static func bytes(_ folder: URL, _ name: String) throws -> Data {
        try Data(contentsOf: folder.appendingPathComponent(name))
    }

    /// `--set sweep.replications=2` changes the file's own sweep (as `--replications 2` does);
    /// it was also applied to each point, which is one run, and made a sweep block without
    /// `vary` there: "sweep: missing required key 'vary'", exit 2 (a hostile-input audit).
    @Test func aSetOfTheSweepBlockChangesTheSweep() throws {
        let file = try Self.file()
        let set = try Self.sweep(file, ["--set", "sweep.replications=2", "--vary", "timeline.0.for=2s"])
        #expect(set.output.status == 0, "\(set.output.stderr)")
        #expect(try Self.read(set.folder, "runs.csv").split(separator: "\n").count == 1 + 4, "2 points x 2 replications")
    }

    /// A count agrees with its verb: one run missing "is" (it said "1 are missing").
    @Test func oneMissingRunIsCountedInTheSingular() throws {
        let file = try Self.file()
        let half = try Self.sweep(file, ["--vary", "timeline.0.for=2s", "--replications", "1", "--shard", "0/2"])
        #expect(half.output.status == 0, "\(half.output.stderr)")
        #expect(half.output.stderr.contains("the store holds 1 of the sweep's 2 runs; 1 is missing"), "\(half.output.stderr)")
    }

    @Test func twoShardsMergedEqualOneSweep() throws {
        let file = try Self.file()
        let whole = try Self.sweep(file, ["--vary", "timeline.0.for=2s,5s,8s", "--replications", "2"])
        let first = try Self.sweep(file, ["--vary", "timeline.0.for=2s,5s,8s", "--replications", "2", "--shard", "0/2"])
        let second = try Self.sweep(file, ["--vary", "timeline.0.for=2s,5s,8s", "--replications", "2", "--shard", "1/2", "--jobs", "1"])
        for result in [whole, first, second] { #expect(result.output.status == 0, "\(result.output.stderr)") }
        #expect(first.output.stderr.contains("the store holds 6 of the sweep's 12 runs; 6 are missing"), "\(first.output.stderr)")
        let merged = try CLIHarness.temporaryDirectory().appendingPathComponent("merged")
        let shardStore = try Self.bytes(first.folder, "results.sqlite")
        let merge = try CLIHarness.run(["merge", first.folder.path, second.folder.path, "--out", merged.path], timeout: 600)
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(try Self.bytes(first.folder, "results.sqlite") == shardStore, "merge only reads a shard's store")
        #expect(try Self.read(merged, "runs.csv") == (try Self.read(whole.folder, "runs.csv")))
        #expect(try Self.read(merged, "points.csv") == (try Self.read(whole.folder, "points.csv")))
        #expect(try Self.read(merged, "report.html") == (try Self.read(whole.folder, "report.html")))
        // The page opens with the scenario's description, as a run's does ("report.html: ...
        // the description"), and merge has it from the store alone.
        #expect(try Self.read(merged, "report.html").contains(
            "<p class=\"description\">A small API tipped over by a short spike; retries at once keep it down.</p>"))
        #expect(try Self.bytes(merged, "results.sqlite") == (try Self.bytes(whole.folder, "results.sqlite")),
                "the merged store is the same file as the unsharded sweep's")
        let shardRuns = try Self.read(first.folder, "runs.csv").split(separator: "\n").count - 1
        #expect(shardRuns == 6, "shard 0/2 of 12 runs holds 6")
        // Merging again changes nothing.
        let again = try CLIHarness.run(["merge", first.folder.path, second.folder.path, "--out", merged.path], timeout: 600)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try Self.read(merged, "runs.csv") == (try Self.read(whole.folder, "runs.csv")))
    }

    @Test func aSweepKilledMidWayAndResumedHasEveryRunExactlyOnce() throws {
        let file = try Self.file()
        let reference = try Self.sweep(file, ["--jobs", "2"])
        #expect(reference.output.status == 0, "\(reference.output.stderr)")
        let killed = try Self.sweep(file, ["--jobs", "2"], environment: [SweepCommandKill.variable: "5"])
        #expect(killed.output.reason == .uncaughtSignal && killed.output.status == SIGKILL, "killed by SIGKILL")
        let store = killed.folder.appendingPathComponent("results.sqlite").path
        let survivors = try ResultsStore(existingAt: store).storedKeys()
        #expect(survivors.count >= 5 && survivors.count < 12, "the 5 committed runs survive: \(survivors.count)")
        // Without --resume the folder is not silently redone or mixed.
        let refused = try CLIHarness.run(["sweep", file, "--out", killed.folder.path], timeout: 600)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--resume"))
        let resumed = try CLIHarness.run(["sweep", file, "--out", killed.folder.path, "--resume", "--jobs", "2"], timeout: 600)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("ran \(12 - survivors.count), \(survivors.count) already stored"), "\(resumed.stdout)")
        let records = try ResultsStore(existingAt: store).records()
        #expect(records.map(\.key) == (0..<12).map { RunKey(point: $0 / 3, replication: $0 % 3) }, "every run exactly once")
        #expect(try Self.read(killed.folder, "runs.csv") == (try Self.read(reference.folder, "runs.csv")))
        #expect(try Self.bytes(killed.folder, "results.sqlite") == (try Self.bytes(reference.folder, "results.sqlite")),
                "a store killed and resumed is the same file as one that ran through")
        // Resuming a finished sweep runs nothing.
        let idle = try CLIHarness.run(["sweep", file, "--out", killed.folder.path, "--resume"], timeout: 600)
        #expect(idle.stdout.contains("ran 0, 12 already stored"), "\(idle.stdout)")
        #expect(try Self.bytes(killed.folder, "results.sqlite") == (try Self.bytes(reference.folder, "results.sqlite")),
                "rewriting a store that is already canonical gives the same file")
        let names = try FileManager.default.contentsOfDirectory(atPath: killed.folder.path)
        #expect(!names.contains { $0.hasPrefix(".satsim-partial-") || $0.hasSuffix("-wal") || $0.hasSuffix("-shm") }, "\(names)")
    }

    @Test func aStoreOfAnotherSweepIsNotResumed() throws {
        let file = try Self.file()
        let first = try Self.sweep(file, ["--replications", "1"])
        #expect(first.output.status == 0, "\(first.output.stderr)")
        let other = try CLIHarness.run(["sweep", file, "--out", first.folder.path, "--replications", "2", "--resume"], timeout: 600)
        #expect(other.status == 2)
        #expect(other.stderr.contains("another sweep") && other.stderr.contains("replications"), "\(other.stderr)")
    }

    @Test func jsonGoesToStdoutAloneAndNamesTheProbabilities() throws {
        let file = try Self.file()
        let result = try Self.sweep(file, ["--format", "json", "--replications", "1"])
        #expect(result.output.status == 0, "\(result.output.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.output.stdout.utf8)) as? [String: Any]
        let points = try #require(json?["points"] as? [[String: Any]])
        #expect(points.count == 4)
        let shares = try #require(points.first?["shares"] as? [String: Any])
        #expect(shares["metastable"] is [String: Any])
        #expect(result.output.stderr.contains("sweep: 4 of 4 runs"), "the final progress line goes to stderr")
        let html = try Self.read(result.folder, "report.html")
        #expect(html.contains("<svg") && html.contains("P(metastable)"))
        #expect(FileManager.default.fileExists(atPath: result.folder.appendingPathComponent("phase-p-metastable.svg").path))
    }

    @Test func badVaryValuesAreDiagnosedBeforeAnythingRuns() throws {
        let file = try Self.file()
        let malformed = try Self.sweep(file, ["--vary", "clients.users.retry.max_attempts"])
        #expect(malformed.output.status == 2)
        #expect(malformed.output.stderr.contains("--vary:1:1"), "\(malformed.output.stderr)")
        let wrongType = try Self.sweep(file, ["--vary", "clients.users.retry.max_attempts=1,lots"])
        #expect(wrongType.output.status == 2)
        #expect(wrongType.output.stderr.contains("max_attempts=lots"), "\(wrongType.output.stderr)")
        #expect(!FileManager.default.fileExists(atPath: wrongType.folder.appendingPathComponent("results.sqlite").path))
        let seed = try Self.sweep(file, ["--vary", "seed=1,2"])
        #expect(seed.output.status == 2)
        let shard = try Self.sweep(file, ["--shard", "2/2"])
        #expect(shard.output.status == 2)
    }

    @Test func theSlurmScriptIsAJobArrayOfShardsThenAMergeAfterOk() throws {
        let file = try Self.file()
        let result = try CLIHarness.run(["sweep", file, "--slurm", "--out", "/data/sweep", "--tasks", "3", "--jobs", "2"], timeout: 600)
        #expect(result.status == 0, "\(result.stderr)")
        let script = result.stdout
        #expect(script.hasPrefix("#!/bin/bash"))
        #expect(script.contains("--array=0-2"))
        #expect(script.contains("--cpus-per-task=2"))
        #expect(script.contains("--shard \"${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}\""))
        #expect(script.contains("--resume"))
        #expect(script.contains("--dependency=afterok:\"$array_id\""))
        #expect(script.contains("merge"))
        #expect(script.contains("'/data/sweep/shards/2'"))
        #expect(!FileManager.default.fileExists(atPath: "/data/sweep"), "--slurm runs nothing")
    }
}

/// The test hook's name, as SweepCommand reads it.
enum SweepCommandKill {
    static let variable = "SATSIM_TEST_KILL_AFTER_RUNS"
}
