import Foundation
import Testing

/// `satsim merge` of incomplete and of chaos shards, and `satsim chaos` with the plan flags it
/// shares with `sweep` (`--seed`, `--set`, `--slurm`, `--tasks`), as a user runs them.
///
/// The exit-code contract (scenario-format.md): 1 "the simulation ran but hit a limit", with the
/// partial results kept. A merge that lacks runs is that case: its outputs are written from the
/// runs it has, and a job chained after it with Slurm's `--dependency=afterok` (sbatch(1): "This
/// job can begin execution after the specified jobs have successfully executed (ran to
/// completion with an exit code of zero)") must not start.
@Suite("satsim merge of incomplete and chaos shards; chaos --seed, --set, --slurm")
struct MergeAndChaosFlagsEndToEndTests {
    static let grid = ["--vary", "timeline.0.for=2s,5s,8s", "--replications", "2"]

    static func lines(_ text: String) -> Int { text.split(separator: "\n").count }

    // MARK: - Incomplete merges

    /// 3 x 2 points x 2 replications = 12 runs; shard 0/2 holds the even-numbered 6, one of every
    /// point, so the missing ones are shard 1/2's, from every point.
    @Test func aMergeWithoutOneShardKeepsItsOutputsNamesTheShardAndExits1() throws {
        let file = try SweepEndToEndTests.file()
        let first = try SweepEndToEndTests.sweep(file, Self.grid + ["--shard", "0/2"])
        #expect(first.output.status == 0, "a shard on its own is expected to lack the others' runs: \(first.output.stderr)")
        let merged = try CLIHarness.temporaryDirectory().appendingPathComponent("merged")
        let merge = try CLIHarness.run(["merge", first.folder.path, "--out", merged.path], timeout: 600)
        #expect(merge.status == 1, "\(merge.stderr)")
        #expect(merge.stderr.contains("6 of 12 runs are missing, from shard 1/2 (points 0-5)"), "\(merge.stderr)")
        #expect(Self.lines(merge.stderr) == 1, "one sentence: \(merge.stderr)")
        // The partial results are kept, as for a run stopped at a limit.
        #expect(Self.lines(try SweepEndToEndTests.read(merged, "runs.csv")) == 1 + 6)
        #expect(try SweepEndToEndTests.read(merged, "report.html").contains("<html"))
    }

    /// A sweep killed after its 5th run (jobs 1: runs 0-4 stored, points 0-1 and the first run of
    /// point 2) ran no shard: the missing runs are named by point.
    @Test func aMergeOfAnUnshardedStoreNamesTheMissingPoints() throws {
        let file = try SweepEndToEndTests.file()
        let killed = try SweepEndToEndTests.sweep(file, Self.grid + ["--jobs", "1"], environment: [SweepCommandKill.variable: "5"])
        #expect(killed.output.reason == .uncaughtSignal)
        let merged = try CLIHarness.temporaryDirectory().appendingPathComponent("merged")
        let merge = try CLIHarness.run(["merge", killed.folder.path, "--out", merged.path], timeout: 600)
        #expect(merge.status == 1, "\(merge.stderr)")
        #expect(merge.stderr.contains("7 of 12 runs are missing, from points 2-5;"), "\(merge.stderr)")
        #expect(Self.lines(try SweepEndToEndTests.read(merged, "runs.csv")) == 1 + 5)
    }

    // MARK: - Chaos stores

    /// The pair library at 2 replications: 7 points x 2 = 14 runs, 7 a shard.
    @Test func mergingChaosShardsWritesWhatOneUnshardedSearchWrites() throws {
        let file = try CLIHarness.scenarioFile(ChaosEndToEndTests.library, name: "pair.yaml").path
        let whole = try ChaosEndToEndTests.chaos(file, ["--replications", "2", "--format", "json"])
        let first = try ChaosEndToEndTests.chaos(file, ["--replications", "2", "--shard", "0/2"])
        let second = try ChaosEndToEndTests.chaos(file, ["--replications", "2", "--shard", "1/2"])
        for result in [whole, first, second] { #expect(result.output.status == 0, "\(result.output.stderr)") }
        let merged = try CLIHarness.temporaryDirectory().appendingPathComponent("merged")
        let merge = try CLIHarness.run(["merge", first.folder.path, second.folder.path, "--out", merged.path, "--format", "json"])
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(merge.stdout == whole.output.stdout, "merge prints chaos.json")
        for name in ["chaos.json", "report.html", "runs.csv", "points.csv", "chaos-pairs.svg"] {
            #expect(try ChaosEndToEndTests.read(merged, name) == (try ChaosEndToEndTests.read(whole.folder, name)), "\(name)")
        }
        #expect(FileManager.default.fileExists(atPath: merged.appendingPathComponent(".satsim-chaos-outputs").path))
        #expect(!FileManager.default.fileExists(atPath: merged.appendingPathComponent(".satsim-sweep-outputs").path))

        // One shard alone: the ranking of the runs stored, the missing shard named, exit 1.
        let half = try CLIHarness.temporaryDirectory().appendingPathComponent("half")
        let partial = try CLIHarness.run(["merge", first.folder.path, "--out", half.path])
        #expect(partial.status == 1, "\(partial.stderr)")
        #expect(partial.stderr.contains("7 of 14 runs are missing, from shard 1/2 (points 0-6)"), "\(partial.stderr)")
        #expect(partial.stdout.contains("The worst combination is "))
        let document = try ChaosEndToEndTests.json(try ChaosEndToEndTests.read(half, "chaos.json"))
        #expect(document["runs_stored"] as? Int == 7 && document["runs_planned"] as? Int == 14)
    }

    // MARK: - chaos --seed, --set

    /// The flags mean what editing the file means: the same chaos.json as the file with that
    /// seed and value written in (one run a combination, single faults: 4 runs each).
    @Test func seedAndSetGiveTheSameSearchAsTheEditedFile() throws {
        let file = try CLIHarness.scenarioFile(ChaosEndToEndTests.library, name: "pair.yaml").path
        let edited = ChaosEndToEndTests.library
            .replacingOccurrences(of: "seed: 11", with: "seed: 12")
            .replacingOccurrences(of: "  at: 10s", with: "  at: 20s")
        #expect(edited != ChaosEndToEndTests.library)
        let editedFile = try CLIHarness.scenarioFile(edited, name: "edited.yaml").path
        let small = ["--replications", "1", "--max-together", "1", "--format", "json"]
        let flags = try ChaosEndToEndTests.chaos(file, small + ["--seed", "12", "--set", "chaos.at=20s"])
        let written = try ChaosEndToEndTests.chaos(editedFile, small)
        let plain = try ChaosEndToEndTests.chaos(file, small)
        for result in [flags, written, plain] { #expect(result.output.status == 0, "\(result.output.stderr)") }
        #expect(flags.output.stdout == written.output.stdout)
        #expect(flags.output.stdout != plain.output.stdout)
        #expect(flags.output.stdout.contains("\"at\": 20,"))
        // The store knows its --set and --seed: the same folder without them is another search.
        let other = try CLIHarness.run(["chaos", file, "--out", flags.folder.path, "--resume"] + small)
        #expect(other.status == 2 && other.stderr.contains("holds the results of another sweep"), "\(other.stderr)")
        let withoutSet = try CLIHarness.run(["chaos", file, "--out", flags.folder.path, "--resume", "--seed", "12"] + small)
        #expect(withoutSet.status == 2 && withoutSet.stderr.contains("'set chaos.at=20s'"), "\(withoutSet.stderr)")
        let same = try CLIHarness.run(["chaos", file, "--out", flags.folder.path, "--resume", "--seed", "12", "--set", "chaos.at=20s"] + small)
        #expect(same.status == 0 && same.stdout == flags.output.stdout, "\(same.stderr)")
    }

    /// A `--set` changes every run, so a page or a table that did not say so would be read as the
    /// file's own design: sweep, chaos and a merge of shards (which has no command line to see)
    /// each name the overrides, in the order given, in the text and on report.html.
    @Test func theSetsOfEveryRunAreNamedInTheTextAndOnThePage() throws {
        let sets = ["--set", "services.api.queue.capacity=200", "--set", "clients.users.timeout=900ms"]
        let sentence = "Every run applied --set services.api.queue.capacity=200 and --set clients.users.timeout=900ms to the scenario file."
        let file = try SweepEndToEndTests.file()
        let swept = try SweepEndToEndTests.sweep(file, ["--vary", "services.api.workers=4,6", "--replications", "1"] + sets + ["--shard", "0/2"])
        #expect(swept.output.status == 0, "\(swept.output.stderr)")
        #expect(swept.output.stdout.contains("\n" + sentence + "\n"), "\(swept.output.stdout)")
        #expect(try SweepEndToEndTests.read(swept.folder, "report.html").contains("<p>" + sentence + "</p>"))
        let merged = try CLIHarness.temporaryDirectory().appendingPathComponent("merged")
        let merge = try CLIHarness.run(["merge", swept.folder.path, "--out", merged.path], timeout: 600)
        #expect(merge.stdout.contains("\n" + sentence + "\n"), "\(merge.stdout)")
        #expect(try SweepEndToEndTests.read(merged, "report.html").contains("<p>" + sentence + "</p>"))
        let plain = try SweepEndToEndTests.sweep(file, ["--vary", "services.api.workers=4,6", "--replications", "1"])
        #expect(!plain.output.stdout.contains("Every run applied"), "\(plain.output.stdout)")
        #expect(try !SweepEndToEndTests.read(plain.folder, "report.html").contains("Every run applied"))

        let library = try CLIHarness.scenarioFile(ChaosEndToEndTests.library, name: "pair.yaml").path
        let chaos = try ChaosEndToEndTests.chaos(library, ["--replications", "1", "--max-together", "1", "--set", "chaos.at=20s"])
        #expect(chaos.output.status == 0, "\(chaos.output.stderr)")
        #expect(chaos.output.stdout.contains("\nEvery run applied --set chaos.at=20s to the scenario file.\n"), "\(chaos.output.stdout)")
        #expect(try SweepEndToEndTests.read(chaos.folder, "report.html").contains("<p>Every run applied --set chaos.at=20s to the scenario file.</p>"))
    }

    @Test func badSeedsSetsAndShardFlagsAreRefusedBeforeAnythingRuns() throws {
        let file = try CLIHarness.scenarioFile(ChaosEndToEndTests.library, name: "pair.yaml").path
        let folder = try CLIHarness.temporaryDirectory().appendingPathComponent("never")
        func chaos(_ arguments: [String]) throws -> CLIHarness.Output {
            try CLIHarness.run(["chaos", file, "--out", folder.path] + arguments)
        }
        let negative = try chaos(["--seed", "-1"])
        #expect(negative.status == 2 && negative.stderr.contains("cannot be negative"), "\(negative.stderr)")
        let misspelt = try chaos(["--set", "services.api.instancez=3"])
        #expect(misspelt.status == 2 && misspelt.stderr.contains("--set:1:14:") && misspelt.stderr.contains("did you mean 'instances'"),
                "\(misspelt.stderr)")
        let both = try chaos(["--slurm", "--shard", "0/2"])
        #expect(both.status == 2 && both.stderr.contains("drop --shard"), "\(both.stderr)")
        let tasks = try chaos(["--tasks", "3"])
        #expect(tasks.status == 2 && tasks.stderr.contains("add --slurm"), "\(tasks.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path), "nothing ran")
    }

    @Test func chaosSlurmPrintsAJobArrayOfChaosShardsThenAMerge() throws {
        let file = try CLIHarness.scenarioFile(ChaosEndToEndTests.library, name: "pair.yaml").path
        let result = try CLIHarness.run(["chaos", file, "--slurm", "--tasks", "3", "--jobs", "2", "--seed", "5",
                                         "--set", "services.api.instances=5", "--max-together", "1", "--out", "/data/chaos"])
        #expect(result.status == 0, "\(result.stderr)")
        let script = result.stdout
        #expect(script.hasPrefix("#!/bin/bash"))
        #expect(script.contains("--array=0-2") && script.contains("--cpus-per-task=2"))
        #expect(script.contains("' chaos '\(file)' '--max-together' '1' '--set' 'services.api.instances=5' '--seed' '5' \\"), "\(script)")
        #expect(script.contains("--shard \"${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}\""))
        #expect(script.contains("--dependency=afterok:\"$array_id\""))
        #expect(script.contains("' merge \\") && script.contains("'/data/chaos/shards/2'"))
        #expect(!FileManager.default.fileExists(atPath: "/data/chaos"), "--slurm runs nothing")
    }
}
