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

/// scenario-format.md defines `max_together` as "combinations of 1..max_together faults". Above
/// the number of faults there are no larger combinations, so the search is every combination:
/// `--max-together` always read it so, while the same value in the file (or by `--set`) was
/// refused. Now the three agree: the search tries every combination up to all of the faults.
@Suite("max_together above the number of faults means all of them, in the file as on the command line")
struct ChaosMaxTogetherAboveFaultsTests {
    static func scenario(maxTogether: Int) -> String {
        """
        name: above
        description: Two small faults on a quiet API.
        duration: 4s
        seed: 5
        clients:
          users: { target: api, arrival: { process: poisson, rate: 20/s } }
        services:
          api: { instances: 2, workers: 2, service_time: { dist: exponential, mean: 5ms } }
        chaos:
          at: 1s
          max_together: \(maxTogether)
          replications: 1
          faults:
            - { kind: kill, service: api, count: 1, label: a }
            - { for: 1s, kind: latency, service: api, add: { dist: constant, value: 1ms }, label: b }

        """
    }

    static func chaos(_ arguments: [String]) throws -> CLIHarness.Output {
        let out = try CLIHarness.temporaryDirectory().appendingPathComponent("chaos")
        return try CLIHarness.run(["chaos"] + arguments + ["--format", "json", "--out", out.path], timeout: 600)
    }

    @Test func theFileTheSetAndTheFlagGiveTheSameSearch() throws {
        let above = try CLIHarness.scenarioFile(Self.scenario(maxTogether: 3), name: "above.yaml").path
        let one = try CLIHarness.scenarioFile(Self.scenario(maxTogether: 1), name: "one.yaml").path
        let validate = try CLIHarness.run(["validate", above], timeout: 600)
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
        let file = try Self.chaos([above])
        let set = try Self.chaos([one, "--set", "chaos.max_together=3"])
        let flag = try Self.chaos([one, "--max-together", "3"])
        for output in [file, set, flag] {
            #expect(output.status == 0, "\(output.stderr)")
        }
        // Two faults: {a}, {b} and {a, b}, the largest there is.
        let combinations = try #require(try ChaosEndToEndTests.json(file.stdout)["combinations"] as? [[String: Any]])
        #expect(Set(combinations.map { ($0["labels"] as? [String] ?? []).sorted().joined(separator: "+") }) == ["a", "b", "a+b"])
        #expect(file.stdout == flag.stdout)
        #expect(set.stdout == flag.stdout)
    }
}
