import Foundation
import Testing

/// `--max-together` asks for larger combinations than the file's `max_together`, which the file's
/// checks assumed: a combination's closed-loop population (users x the factors of its load
/// spikes in progress) must stay within the model's 10,000,000 users for those too, or the run
/// cuts it at the bound without a word.
@Suite("satsim chaos --max-together is checked as the file's max_together is")
struct ChaosMaxTogetherFlagTests {
    static let scenario = """
        name: flag
        description: Two load spikes on a closed loop.
        duration: 30s
        clients:
          users: { target: api, arrival: { process: closed, users: 10000, think: { dist: constant, value: 10s } } }
        services:
          api: { service_time: { dist: constant, value: 1ms } }
        chaos:
          at: 10s
          max_together: 1
          replications: 1
          faults:
            - { for: 5s, kind: load_spike, client: users, factor: 100, label: a }
            - { for: 5s, kind: load_spike, client: users, factor: 100, label: b }

        """

    @Test func pairsPastTheBoundAreRefusedBeforeAnythingRuns() throws {
        let file = try CLIHarness.scenarioFile(Self.scenario)
        let out = try CLIHarness.temporaryDirectory().appendingPathComponent("chaos")
        let refused = try CLIHarness.run(["chaos", file.path, "--max-together", "2", "--out", out.path], timeout: 600)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains(":13:59: error: chaos.faults.0.factor: found 100.0, which with the spikes in progress"), "\(refused.stderr)")
        #expect(refused.stderr.contains("to 100000000 users"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
        // The file's own max_together, one fault at a time: 1,000,000 users at most.
        let validate = try CLIHarness.run(["validate", file.path], timeout: 600)
        #expect(validate.status == 0, "\(validate.stdout)")
    }
}
