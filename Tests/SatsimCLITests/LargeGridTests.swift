import Foundation
import Testing

/// A sweep's grid past ``PointSpecs/eagerPoints``: loading every point before anything ran took
/// 383 s and 788 MiB for 99,856 points before `--slurm` printed its script. Each value of each
/// axis is still checked before anything runs; a combination refused only together stops the
/// sweep where it is met, with exit 2 and the runs before it stored.
@Suite("Sweeps of large grids")
struct LargeGridTests {
    static let yaml = """
        name: grid
        description: A tiny run; its instance count and its autoscaler's max are varied.
        duration: 1s
        clients:
          u: { target: s, arrival: { process: poisson, rate: 10/s } }
        services:
          s:
            instances: 1
            service_time: { dist: exponential, mean: 5ms }
            autoscaler: { policy: target_tracking, metric: utilization, target: 0.6, interval: 1s, min: 1, max: 60 }

        """

    static func values(_ range: [Int]) -> String { range.map(String.init).joined(separator: ",") }

    @Test("--slurm on 3,600 points answers at once; a bad value of an axis is refused before anything runs")
    func largeGridPlansQuickly() throws {
        let file = try CLIHarness.scenarioFile(Self.yaml).path
        let vary = ["--vary", "services.s.instances=" + Self.values(Array(1...60)),
                    "--vary", "services.s.autoscaler.max=" + Self.values(Array(60...119))]
        let started = Date()
        let script = try CLIHarness.run(["sweep", file, "--slurm"] + vary)
        #expect(script.status == 0, "\(script.stderr)")
        #expect(script.stdout.contains("sbatch --parsable"), "\(script.stdout)")
        // Debug builds load a point in a few milliseconds: 3,600 of them took seconds.
        #expect(Date().timeIntervalSince(started) < 30)
        // A value no point can take (no instance at all) is found by the axis check.
        let bad = ["--vary", "services.s.instances=" + Self.values(Array(1...59)) + ",0",
                   "--vary", "services.s.autoscaler.max=" + Self.values(Array(60...119))]
        let out = try CLIHarness.temporaryDirectory().appendingPathComponent("bad").path
        let refused = try CLIHarness.run(["sweep", file, "--out", out, "--replications", "1"] + bad)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("does not load"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + "/results.sqlite"))
    }

    @Test("A combination refused only together stops the sweep there, exit 2, the runs before it stored")
    func combinationRefusedTogether() throws {
        let file = try CLIHarness.scenarioFile(Self.yaml).path
        // 1...50 instances with max 50, and 1 instance with max 50...1, all load; 50 instances
        // with max 1 do not.
        let vary = ["--vary", "services.s.instances=" + Self.values(Array(1...50)),
                    "--vary", "services.s.autoscaler.max=" + Self.values(Array((1...50).reversed()))]
        let out = try CLIHarness.temporaryDirectory().appendingPathComponent("together").path
        let result = try CLIHarness.run(["sweep", file, "--out", out, "--replications", "1", "--jobs", "1"] + vary)
        #expect(result.status == 2)
        #expect(result.stderr.contains("does not load") && result.stderr.contains("expected an integer within the autoscaler's min...max"), "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: out + "/results.sqlite"))
    }

    /// Runs a limit stopped early were averaged into the sweep's table with nothing to mark
    /// them: a failing point read 299/s from three runs stopped 4 s after its kill. The runs
    /// column counts them, and a legend says what they cover.
    @Test("Runs stopped at a limit are marked in the sweep's table")
    func cutRunsAreMarked() throws {
        let yaml = """
            name: cut
            description: One worker cannot keep up; a hundred can.
            duration: 20s
            clients:
              users: { target: api, arrival: { process: poisson, rate: 1000/s } }
            services:
              api: { workers: 100, service_time: { dist: constant, value: 2ms } }

            """
        let file = try CLIHarness.scenarioFile(yaml).path
        let out = try CLIHarness.temporaryDirectory().appendingPathComponent("cut").path
        let result = try CLIHarness.run(["sweep", file, "--out", out, "--replications", "2", "--jobs", "1",
                                         "--vary", "services.api.workers=1,100", "--max-in-flight", "200"])
        let text = result.stdout
        #expect(text.contains("2 (2 cut)"), "\(text)")
        #expect(text.contains("Runs (k cut): k of the point's runs stopped at a limit before the end"), "\(text)")
    }
}
