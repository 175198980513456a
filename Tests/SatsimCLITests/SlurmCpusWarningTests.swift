import Foundation
import Testing

/// scenario-format.md: "`--jobs` defaults to the machine's cores, or to SLURM_CPUS_PER_TASK when
/// that is set". A value that is no count ("abc", "0", "-3") was ignored without a word, which
/// hid a misconfigured job script; the commands now say so on one line of standard error and
/// run on the cores (a warning, not an error: the cluster set it, not the user).
@Suite("an unusable SLURM_CPUS_PER_TASK is warned about")
struct SlurmCpusWarningTests {
    static let scenario = """
        name: tiny
        description: A quiet API.
        duration: 2s
        clients:
          users: { target: api, arrival: { process: poisson, rate: 10/s } }
        services:
          api: { service_time: { dist: constant, value: 1ms } }

        """

    @Test(arguments: ["abc", "0", "-3"])
    func sweepAndCompareWarnAndRun(value: String) throws {
        let file = try CLIHarness.scenarioFile(Self.scenario).path
        let out = try CLIHarness.temporaryDirectory()
        let sweep = try CLIHarness.run(["sweep", file, "--vary", "clients.users.arrival.rate=10/s,20/s", "--out", out.appendingPathComponent("s").path],
                                       environment: ["SLURM_CPUS_PER_TASK": value], timeout: 600)
        let compare = try CLIHarness.run(["compare", file, "--replications", "1", "--out", out.appendingPathComponent("c").path],
                                         environment: ["SLURM_CPUS_PER_TASK": value], timeout: 600)
        for output in [sweep, compare] {
            #expect(output.status == 0, "\(output.stderr)")
            let warnings = output.stderr.split(separator: "\n").filter { $0.contains("SLURM_CPUS_PER_TASK") }
            #expect(warnings.count == 1, "\(output.stderr)")
            #expect(warnings.first?.hasPrefix("satsim: warning: SLURM_CPUS_PER_TASK is '\(value)', not a whole number >= 1; running ") == true,
                    "\(output.stderr)")
            #expect(warnings.first?.contains("at once (the number of cores) instead; give --jobs N to choose") == true, "\(output.stderr)")
        }
        // --jobs given: the variable is not used, so nothing to say.
        let given = try CLIHarness.run(["compare", file, "--replications", "1", "--jobs", "1", "--out", out.appendingPathComponent("j").path],
                                       environment: ["SLURM_CPUS_PER_TASK": value], timeout: 600)
        #expect(given.status == 0 && !given.stderr.contains("SLURM_CPUS_PER_TASK"), "\(given.stderr)")
    }

    @Test func aUsableValueSaysNothing() throws {
        let file = try CLIHarness.scenarioFile(Self.scenario).path
        let out = try CLIHarness.temporaryDirectory().appendingPathComponent("c").path
        let output = try CLIHarness.run(["compare", file, "--replications", "1", "--out", out],
                                        environment: ["SLURM_CPUS_PER_TASK": "2"], timeout: 600)
        #expect(output.status == 0 && !output.stderr.contains("SLURM_CPUS_PER_TASK"), "\(output.stderr)")
    }
}
