import Foundation
import Testing

/// `satsim sweep --slurm` on a real scheduler: a one-node Slurm on loopback
/// (scripts/slurm-single-node.sh) runs the printed script, a job array of shards and a merge job
/// after them (`--dependency=afterok`, sbatch(1)), and the merged folder must equal a local sweep
/// (or, for `satsim chaos --slurm`, a local search). One cluster at a time: the tests run in turn.
@Suite("satsim sweep --slurm on a one-node Slurm", .serialized)
struct SlurmEndToEndTests {
    /// Whether a one-node Slurm can be started here: the daemons and clients installed, and root
    /// (the daemons run as root). Otherwise the test is skipped with the reason below.
    static let available: Bool = {
        guard getuid() == 0 else { return false }
        let paths = ["/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch", "/usr/bin/squeue"]
        return paths.allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    @Test(.enabled(if: available, "Slurm is not installed here (slurmctld, slurmd, sbatch; .ci/run installs them), or not root: skipped"))
    func theSubmittedScriptMergesToTheLocalSweep() throws {
        let file = try CLIHarness.scenarioFile(SweepEndToEndTests.scenario, name: "storm.yaml").path
        let arguments = ["--vary", "timeline.0.for=2s,5s,8s", "--replications", "2"]
        let local = try SweepEndToEndTests.sweep(file, arguments)
        #expect(local.output.status == 0, "\(local.output.stderr)")

        let work = try CLIHarness.temporaryDirectory()
        let out = work.appendingPathComponent("cluster")
        let script = work.appendingPathComponent("sweep.sh")
        let printed = try CLIHarness.run(["sweep", file] + arguments + ["--slurm", "--tasks", "3", "--out", out.path], timeout: 600)
        #expect(printed.status == 0, "\(printed.stderr)")
        try Data(printed.stdout.utf8).write(to: script)

        let transcript = try Self.submit(script, work: work)
        for shard in 0..<3 {
            let runs = try? String(contentsOf: out.appendingPathComponent("shards/\(shard)/runs.csv"), encoding: .utf8)
            #expect(runs != nil, "shard \(shard) ran: \(transcript)")
        }
        let merged = try String(contentsOf: out.appendingPathComponent("runs.csv"), encoding: .utf8)
        #expect(merged == (try SweepEndToEndTests.read(local.folder, "runs.csv")), "\(transcript)")
        #expect(try String(contentsOf: out.appendingPathComponent("points.csv"), encoding: .utf8)
                == (try SweepEndToEndTests.read(local.folder, "points.csv")))
    }

    /// Runs `bash script` against a throwaway one-node Slurm and waits for its queue to drain;
    /// expects the cluster to exit 0 and both jobs to be submitted, and returns the transcript.
    static func submit(_ script: URL, work: URL) throws -> String {
        let cluster = Process()
        cluster.executableURL = URL(fileURLWithPath: "/bin/bash")
        cluster.arguments = [CLIHarness.root.appendingPathComponent("scripts/slurm-single-node.sh").path, "bash", script.path]
        let log = work.appendingPathComponent("cluster.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        cluster.standardOutput = handle
        cluster.standardError = handle
        try cluster.run()
        cluster.waitUntilExit()
        try handle.close()
        let transcript = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(cluster.terminationStatus == 0, "\(transcript)")
        #expect(transcript.contains("array ") && transcript.contains("merge "), "both jobs were submitted: \(transcript)")
        return transcript
    }

    /// `satsim chaos --slurm` with `--seed` and `--set`: the shards' tasks rerun the same search,
    /// and the merge job writes the chaos.json of one local search with the same flags.
    @Test(.enabled(if: available, "Slurm is not installed here (slurmctld, slurmd, sbatch; .ci/run installs them), or not root: skipped"))
    func theSubmittedChaosScriptMergesToTheLocalSearch() throws {
        let file = try CLIHarness.scenarioFile(ChaosEndToEndTests.library, name: "pair.yaml").path
        let arguments = ["--replications", "1", "--seed", "5", "--set", "chaos.at=12s"]
        let local = try ChaosEndToEndTests.chaos(file, arguments)
        #expect(local.output.status == 0, "\(local.output.stderr)")

        let work = try CLIHarness.temporaryDirectory()
        let out = work.appendingPathComponent("cluster")
        let script = work.appendingPathComponent("chaos.sh")
        let printed = try CLIHarness.run(["chaos", file] + arguments + ["--slurm", "--tasks", "2", "--out", out.path])
        #expect(printed.status == 0, "\(printed.stderr)")
        try Data(printed.stdout.utf8).write(to: script)
        let transcript = try Self.submit(script, work: work)
        let merged = try? String(contentsOf: out.appendingPathComponent("chaos.json"), encoding: .utf8)
        #expect(merged == (try ChaosEndToEndTests.read(local.folder, "chaos.json")), "\(transcript)")
    }
}
