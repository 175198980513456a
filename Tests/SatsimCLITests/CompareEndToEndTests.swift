import Foundation
import SatsimTestSupport
import Testing

/// `satsim compare` as a user runs it: common random numbers, paired differences, parallel runs
/// that give the same bytes as serial ones.
@Suite("satsim compare, end to end")
struct CompareEndToEndTests {
    /// A small retry storm (about 0.15 s a run in a debug build): a 5-second spike tips a
    /// 4-worker API over; immediate retries keep it down. Without its variants (explain's tests
    /// add their own); it ends with a newline so that a `variants:` block can follow.
    static let stormWithoutVariants = """
        name: small-storm
        description: A small API tipped over by a short spike; retries at once keep it down.
        duration: 60s
        warmup: 5s
        seed: 7
        clients:
          users:
            target: api
            arrival: { process: poisson, rate: 150/s }
            timeout: 300ms
            retry: { max_attempts: 4, on: [timeout, error] }
        services:
          api:
            instances: 1
            workers: 4
            service_time: { dist: exponential, mean: 20ms }
            queue: { capacity: 300 }
        timeline:
          - { at: 20s, for: 5s, kind: load_spike, client: users, factor: 2 }

        """

    /// The storm with `no-retries` (without them it comes back) and `same-workers`, which sets
    /// a value to what it already is: a variant that changes nothing.
    static let storm = stormWithoutVariants + """
        variants:
          no-retries:
            clients.users.retry.max_attempts: 1
          same-workers:
            services.api.workers: 4
        """

    /// comparison.json of a run, parsed.
    static func comparisonJSON(_ directory: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent("comparison.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The per-variant entries of figure `path` in comparison.json, by variant name.
    static func cells(_ json: [String: Any], _ path: String) throws -> [String: [String: Any]] {
        let figures = try #require(json["figures"] as? [[String: Any]])
        let row = try #require(figures.first { $0["figure"] as? String == path })
        let variants = try #require(row["variants"] as? [[String: Any]])
        var byName: [String: [String: Any]] = [:]
        for cell in variants { byName[cell["name"] as? String ?? ""] = cell }
        return byName
    }

    @Test("The output is byte-identical with --jobs 1 and --jobs 2")
    func jobsDoNotChangeBytes() throws {
        let file = try CLIHarness.scenarioFile(Self.storm)
        let dir = try CLIHarness.temporaryDirectory()
        var stdouts: [String] = []
        for jobs in ["1", "2"] {
            let out = dir.appendingPathComponent("jobs-\(jobs)")
            let result = try CLIHarness.run(["compare", file.path, "--replications", "3", "--jobs", jobs, "--out", out.path])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            stdouts.append(result.stdout.replacingOccurrences(of: out.path, with: "OUT"))
        }
        #expect(stdouts[0] == stdouts[1])
        for name in ["comparison.json", "comparison.csv", "report.html"] {
            let one = try Data(contentsOf: dir.appendingPathComponent("jobs-1").appendingPathComponent(name))
            let two = try Data(contentsOf: dir.appendingPathComponent("jobs-2").appendingPathComponent(name))
            #expect(!one.isEmpty)
            #expect(one == two, "\(name) differs between --jobs 1 and --jobs 2")
        }
    }

    @Test("Common random numbers: a variant that changes nothing gives the base's figures, run by run")
    func nullVariantIdenticalToBase() throws {
        let file = try CLIHarness.scenarioFile(Self.storm)
        let out = try CLIHarness.temporaryDirectory()
        let result = try CLIHarness.run(["compare", file.path, "--variant", "same-workers", "--replications", "3", "--out", out.path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let json = try Self.comparisonJSON(out)
        let variants = try #require(json["variants"] as? [[String: Any]])
        #expect(variants.map { $0["name"] as? String } == ["base", "same-workers"])
        let baseRuns = try #require(variants[0]["runs"] as? [[String: Any]])
        let sameRuns = try #require(variants[1]["runs"] as? [[String: Any]])
        #expect(baseRuns.map { $0["seed"] as? Int } == [7, 8, 9])
        #expect(sameRuns.map { $0["seed"] as? Int } == [7, 8, 9])
        for (b, s) in zip(baseRuns, sameRuns) {
            // Identical runs, not merely close ones: the same seed drives the same draws.
            let bf = try JSONSerialization.data(withJSONObject: b["figures"] ?? [:], options: .sortedKeys)
            let sf = try JSONSerialization.data(withJSONObject: s["figures"] ?? [:], options: .sortedKeys)
            #expect(bf == sf)
            #expect(b["outcome"] as? String == s["outcome"] as? String)
        }
        let goodput = try Self.cells(json, "clients.users.goodput_per_s")
        let difference = try #require(goodput["same-workers"]?["difference"] as? [String: Any])
        #expect(difference["differs_from_base"] as? Bool == false)
        #expect(difference["mean"] as? Double == 0)
    }

    @Test("A real difference is marked (no retries against the storm), a null one is not")
    func pairedDifferenceMarksRealEffect() throws {
        let file = try CLIHarness.scenarioFile(Self.storm)
        let out = try CLIHarness.temporaryDirectory()
        let result = try CLIHarness.run(["compare", file.path, "--replications", "3", "--out", out.path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let json = try Self.comparisonJSON(out)
        for path in ["clients.users.goodput_per_s", "clients.users.amplification", "services.api.wasted"] {
            let cells = try Self.cells(json, path)
            let real = try #require(cells["no-retries"]?["difference"] as? [String: Any])
            let null = try #require(cells["same-workers"]?["difference"] as? [String: Any])
            #expect(real["differs_from_base"] as? Bool == true, "\(path): no-retries not marked")
            #expect(null["differs_from_base"] as? Bool == false, "\(path): same-workers marked")
        }
        let goodput = try Self.cells(json, "clients.users.goodput_per_s")
        let gain = try #require((goodput["no-retries"]?["difference"] as? [String: Any])?["mean"] as? Double)
        #expect(gain > 0, "without retries the storm passes, so goodput rises")

        // The table shows it: every column, the mark on no-retries only.
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("figure") && $0.hasSuffix("base         no-retries       same-workers") })
        let goodputLine = try #require(lines.first { $0.hasPrefix("clients.users.goodput_per_s") })
        #expect(goodputLine.filter { $0 == "*" }.count == 1)
        #expect(lines.contains { $0.hasPrefix("stopped at a limit") })

        let csv = try String(contentsOf: out.appendingPathComponent("comparison.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("figure,variant,runs,mean,ci_half_width,difference,difference_ci_half_width,differs_from_base,ci_low,ci_high,p_value\n"))
        #expect(csv.contains("\nclients.users.goodput_per_s,no-retries,3,"))
    }

    @Test("--format json prints comparison.json")
    func jsonFormat() throws {
        let file = try CLIHarness.scenarioFile(Self.storm)
        let result = try CLIHarness.run(["compare", file.path, "--variant", "no-retries", "--replications", "2", "--format", "json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["scenario"] as? String == "small-storm")
        #expect(json["replications"] as? Int == 2)
        #expect(json["base_seed"] as? String == "7")
    }

    @Test("Runs that stop at a limit are reported in the table and on stderr: exit 1")
    func limitReported() throws {
        let file = try CLIHarness.scenarioFile(Self.storm)
        let result = try CLIHarness.run(["compare", file.path, "--variant", "no-retries", "--replications", "2", "--max-events", "500"])
        #expect(result.status == 1)
        let limitLine = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("stopped at a limit") })
        #expect(limitLine.split(separator: " ").suffix(2) == ["2", "2"])
        #expect(result.stdout.contains("runs that stopped at a limit (their figures are partial):"))
        #expect(result.stderr.contains("4 of 4 runs stopped at a limit"))
    }

    @Test("An unknown variant or a bad flag is bad input: exit 2")
    func badInput() throws {
        let file = try CLIHarness.scenarioFile(Self.storm)
        #expect(try CLIHarness.run(["compare", file.path, "--variant", "no-retry"]).status == 2)
        #expect(try CLIHarness.run(["compare", file.path, "--replications", "0"]).status == 2)
        #expect(try CLIHarness.run(["compare", file.path, "--jobs", "0"]).status == 2)
    }

    @Test("The table of a small comparison, golden (re-record with RECORD_SNAPSHOTS=1)")
    func tableGolden() throws {
        let file = try CLIHarness.scenarioFile(Self.storm)
        let result = try CLIHarness.run(["compare", file.path, "--replications", "3"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        Golden.expect(result.stdout, named: "small-storm-compare.txt", in: RunGoldenTests.golden)
    }
}
