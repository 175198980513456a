import Foundation
import SatsimTestSupport
import Testing

/// `satsim explain` as a user runs it, on a small retry storm (about 0.15 s a run in a debug
/// build). Retrying at once, without a budget, is the classic amplifier of a metastable failure
/// (AWS Architecture Blog, "Exponential Backoff And Jitter"; Google SRE book, "Addressing
/// Cascading Failures": retries multiply load on an overloaded server). A retry budget (SRE
/// book, "Handling Overload": retries at most 10% of requests) is the classic protection.
@Suite("satsim explain, end to end")
struct ExplainEndToEndTests {
    /// The storm of `compare`'s tests, plus a `budget` variant: a 10% retry budget.
    static let storm = CompareEndToEndTests.stormWithoutVariants + """
        variants:
          budget:
            clients.users.retry.budget.ratio: 0.1
        """

    static func explain(_ arguments: [String]) throws -> (json: [String: Any], stdout: String) {
        let file = try CLIHarness.scenarioFile(Self.storm)
        let result = try CLIHarness.run(["explain", file.path, "--format", "json"] + arguments)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let data = Data(result.stdout.utf8)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return (json, result.stdout)
    }

    static func counterfactual(_ json: [String: Any], _ subject: String) throws -> [String: Any] {
        let list = try #require(json["counterfactuals"] as? [[String: Any]])
        return try #require(list.first { $0["subject"] as? String == subject }, "no counterfactual \(subject)")
    }

    @Test("On a retry storm, client retries come out as a cause")
    func retriesAreCause() throws {
        let (json, _) = try Self.explain([])
        #expect(json["scenario"] as? String == "small-storm")
        #expect(json["replications"] as? Int == 5)
        let base = try #require(json["base"] as? [String: Any])
        let baseOutcomes = try #require(base["outcomes"] as? [String: Int])
        #expect((baseOutcomes["recovered"] ?? 0) + (baseOutcomes["stable"] ?? 0) == 0, "the storm must not recover: \(baseOutcomes)")
        let retry = try Self.counterfactual(json, "clients.users.retry")
        #expect(retry["mechanism"] as? String == "retry")
        #expect(retry["change"] as? String == "max_attempts 4 -> 1 (no retries)")
        #expect(retry["effect"] as? String == "cause")
        let outcomes = try #require(retry["outcomes"] as? [String: Int])
        #expect(outcomes["recovered"] == 5)
        // The contract's shape: goodput and recovery time as {mean, low, high}, low <= mean <= high.
        for key in ["goodput_per_s", "recovery_time"] {
            let interval = try #require(retry[key] as? [String: Double], "\(key)")
            #expect(Set(interval.keys) == ["mean", "low", "high"])
            let (low, mean, high) = (interval["low"] ?? .nan, interval["mean"] ?? .nan, interval["high"] ?? .nan)
            #expect(low <= mean && mean <= high)
        }
        #expect(base["recovery_time"] is NSNull)
        // No budget in the base: nothing to switch off there.
        #expect((json["counterfactuals"] as? [[String: Any]])?.contains { $0["mechanism"] as? String == "retry_budget" } == false)
        // Without the spike there is nothing to recover from: removing the fault is a cause too.
        #expect(try Self.counterfactual(json, "timeline.0")["effect"] as? String == "cause")
    }

    @Test("On the same storm with a retry budget that saves it, the budget comes out as a protection")
    func budgetIsProtection() throws {
        let (json, _) = try Self.explain(["--variant", "budget"])
        let base = try #require(json["base"] as? [String: Any])
        #expect((base["outcomes"] as? [String: Int])?["recovered"] == 5)
        let budget = try Self.counterfactual(json, "clients.users.retry.budget")
        #expect(budget["mechanism"] as? String == "retry_budget")
        #expect(budget["effect"] as? String == "protection")
        #expect(budget["recovery_time"] is NSNull)
        // With the budget, retries no longer do harm beyond the intervals.
        #expect(try Self.counterfactual(json, "clients.users.retry")["effect"] as? String != "cause")
    }

    @Test("Same seeds, the same JSON and text whatever --jobs is; --out writes explain.json")
    func jobsDoNotChangeBytes() throws {
        let dir = try CLIHarness.temporaryDirectory()
        var outputs: [String] = []
        for jobs in ["1", "2"] {
            let out = dir.appendingPathComponent("jobs-\(jobs)")
            let (_, stdout) = try Self.explain(["--replications", "3", "--jobs", jobs, "--variant", "budget", "--out", out.path])
            outputs.append(stdout)
            let written = try String(contentsOf: out.appendingPathComponent("explain.json"), encoding: .utf8)
            #expect(written == stdout)
        }
        #expect(outputs[0] == outputs[1])
        let reports = try ["1", "2"].map { jobs in
            try Data(contentsOf: dir.appendingPathComponent("jobs-\(jobs)").appendingPathComponent("report.html"))
        }
        #expect(!reports[0].isEmpty)
        #expect(reports[0] == reports[1], "report.html differs between --jobs 1 and --jobs 2")
        let file = try CLIHarness.scenarioFile(Self.storm)
        let texts = try ["1", "2"].map { jobs in
            try CLIHarness.run(["explain", file.path, "--replications", "5", "--jobs", jobs]).stdout
        }
        #expect(texts[0] == texts[1])
        #expect(texts[0].contains("Without client retries (clients.users.retry), over 5 replications on seeds 7 to 11"))
        #expect(texts[0].contains("— a cause: fewer runs ended degraded, metastable, oscillating or overloaded without it"))
    }

    @Test("Bad input exits 2 with a located message; a run stopped at a limit exits 1")
    func exitCodes() throws {
        let file = try CLIHarness.scenarioFile(Self.storm)
        let unknown = try CLIHarness.run(["explain", file.path, "--variant", "nope"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("nope"))
        let broken = try CLIHarness.scenarioFile(Self.storm.replacingOccurrences(of: "workers: 4", with: "workers: -4"))
        let bad = try CLIHarness.run(["explain", broken.path])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("scenario.yaml:"), "a located message: \(bad.stderr)")
        let limited = try CLIHarness.run(["explain", file.path, "--replications", "1", "--max-events", "1000"])
        #expect(limited.status == 1, "stderr: \(limited.stderr)")
        #expect(limited.stderr.contains("stopped at a limit"))
    }

    /// Common random numbers: a cache that never goes cold changes nothing when nothing empties
    /// the cache, so every replication of that row is its base replication, draw for draw, and
    /// the figures are equal to the last bit (a row run on other seeds would differ).
    @Test("Common random numbers: a switch-off that changes nothing gives the base's figures exactly")
    func nullSwitchOffEqualsBase() throws {
        let file = try CLIHarness.scenarioFile("""
            name: warm-cache
            description: A cache nothing empties.
            duration: 20s
            seed: 3
            clients:
              users: { target: api, arrival: { process: poisson, rate: 100/s } }
            services:
              api:
                service_time: { dist: exponential, mean: 2ms }
                calls: [ { service: db } ]
                cache: { keys: 100, zipf: 1.0, capacity: 20 }
              db:
                service_time: { dist: exponential, mean: 5ms }
            """)
        let result = try CLIHarness.run(["explain", file.path, "--format", "json", "--replications", "3"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let base = try #require(json["base"] as? [String: Any])
        let cache = try Self.counterfactual(json, "services.api.cache")
        #expect(cache["mechanism"] as? String == "cache")
        #expect(cache["effect"] as? String == "none")
        let baseGoodput = try #require(base["goodput_per_s"] as? [String: Double])
        #expect(baseGoodput["low"] != baseGoodput["high"], "the replications differ from each other")
        #expect(cache["goodput_per_s"] as? [String: Double] == baseGoodput)
    }
}
