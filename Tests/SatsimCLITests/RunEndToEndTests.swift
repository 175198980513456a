import Foundation
import SatsimModel
import SatsimScenario
import Testing

/// `satsim run` as a user runs it.
@Suite("satsim run, end to end")
struct RunEndToEndTests {
    /// A small scenario that runs in well under a second even in a debug build.
    static let small = """
        name: small
        description: Two instances of a small service under steady load.
        duration: 20s
        warmup: 2s
        seed: 5
        metrics: { interval: 1s }
        clients:
          users:
            target: api
            arrival: { process: poisson, rate: 300/s }
            timeout: 500ms
            retry: { max_attempts: 2, backoff: { base: 10ms, multiplier: 2, cap: 1s, jitter: full } }
        services:
          api:
            instances: 2
            workers: 4
            service_time: { dist: lognormal, mean: 20ms, cv: 1.0 }
            queue: { capacity: 50 }
        """

    @Test("The same seed gives byte-identical summary.json and timeseries.csv; another seed differs")
    func sameSeedByteIdenticalOutputs() throws {
        let file = try CLIHarness.scenarioFile(Self.small)
        let dir = try CLIHarness.temporaryDirectory()
        let a = dir.appendingPathComponent("a"), b = dir.appendingPathComponent("b"), c = dir.appendingPathComponent("c")
        for (out, seed) in [(a, "9"), (b, "9"), (c, "10")] {
            let result = try CLIHarness.run(["run", file.path, "--seed", seed, "--out", out.path])
            #expect(result.status == 0, "stderr: \(result.stderr)")
        }
        for name in ["summary.json", "timeseries.csv"] {
            let da = try Data(contentsOf: a.appendingPathComponent(name))
            let db = try Data(contentsOf: b.appendingPathComponent(name))
            let dc = try Data(contentsOf: c.appendingPathComponent(name))
            #expect(!da.isEmpty)
            #expect(da == db, "\(name) differs between two runs with the same seed")
            #expect(da != dc, "\(name) is the same for seeds 9 and 10")
        }
    }

    @Test("summary.json holds every figure of the contract")
    func summaryHasContractFigures() throws {
        let file = try CLIHarness.scenarioFile(Self.small)
        let result = try CLIHarness.run(["run", file.path, "--format", "json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["scenario"] as? String == "small")
        #expect(json["outcome"] as? String != nil)
        #expect(json.keys.contains("recovery_time"))
        #expect(json["thresholds"] is [String: Any])
        let client = try #require((json["clients"] as? [String: Any])?["users"] as? [String: Any])
        for key in ["requests", "attempts", "successes", "failures", "goodput_per_s", "amplification", "latency"] {
            #expect(client[key] != nil, "client figure \(key) missing")
        }
        let latency = try #require(client["latency"] as? [String: Any])
        for key in ["mean", "p50", "p90", "p99", "max"] { #expect(latency[key] != nil, "latency.\(key) missing") }
        let service = try #require((json["services"] as? [String: Any])?["api"] as? [String: Any])
        for key in [
            "arrivals", "completions", "rejected", "dropped", "wasted", "utilization", "mean_queue_length", "mean_wait",
            "instances",
        ] {
            #expect(service[key] != nil, "service figure \(key) missing")
        }
        // The figures are consistent with one another.
        let requests = try #require(client["requests"] as? Int)
        let attempts = try #require(client["attempts"] as? Int)
        let amplification = try #require(client["amplification"] as? Double)
        #expect(abs(amplification - Double(attempts) / Double(requests)) < 1e-12)
        #expect(attempts >= requests)
    }

    @Test("The text summary names the outcome and lists the outputs written")
    func textSummaryListsOutputs() throws {
        let file = try CLIHarness.scenarioFile(Self.small)
        let out = try CLIHarness.temporaryDirectory().appendingPathComponent("run")
        let result = try CLIHarness.run(["run", file.path, "--out", out.path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("outcome: stable"))
        #expect(result.stdout.contains(out.appendingPathComponent("summary.json").path))
        #expect(result.stdout.contains(out.appendingPathComponent("timeseries.csv").path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: out.path)
            .filter { $0.hasPrefix(".") && $0 != ".satsim-run-outputs" }
        #expect(leftovers.isEmpty, "temporary files left behind: \(leftovers)")
    }

    @Test("A second run into the same --out replaces its files")
    func rerunReplacesOutputs() throws {
        let file = try CLIHarness.scenarioFile(Self.small)
        let out = try CLIHarness.temporaryDirectory()
        let first = try CLIHarness.run(["run", file.path, "--out", out.path, "--seed", "1"])
        let before = try String(contentsOf: out.appendingPathComponent("summary.json"), encoding: .utf8)
        let second = try CLIHarness.run(["run", file.path, "--out", out.path, "--seed", "2"])
        let after = try String(contentsOf: out.appendingPathComponent("summary.json"), encoding: .utf8)
        #expect(first.status == 0 && second.status == 0, "\(second.stderr)")
        #expect(before != after)
        #expect(after.contains("\"seed\": 2,"))
    }

    @Test("summary.json's seed is a JSON number, the largest seed (UInt64.max) included, as digits")
    func seedIsANumber() throws {
        let file = try CLIHarness.scenarioFile(Self.small)
        let largest = try CLIHarness.run(["run", file.path, "--seed", "18446744073709551615", "--format", "json"])
        #expect(largest.status == 0, "\(largest.stderr)")
        #expect(largest.stdout.contains("\"seed\": 18446744073709551615,"))
        let small = try CLIHarness.run(["run", file.path, "--seed", "42", "--format", "json"])
        let summary = try #require(JSONSerialization.jsonObject(with: Data(small.stdout.utf8)) as? [String: Any])
        #expect(summary["seed"] as? Int == 42)
    }

    @Test("timeseries.csv has one row per interval and stable column names")
    func timeSeriesShape() throws {
        let file = try CLIHarness.scenarioFile(Self.small)
        let out = try CLIHarness.temporaryDirectory()
        _ = try CLIHarness.run(["run", file.path, "--out", out.path])
        let csv = try String(contentsOf: out.appendingPathComponent("timeseries.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n")
        #expect(lines.count == 1 + 20)
        let header = lines[0].split(separator: ",").map(String.init)
        #expect(header.first == "time")
        #expect(header.contains("clients.users.goodput_per_s"))
        #expect(header.contains("services.api.utilization"))
        #expect(lines.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == header.count })
    }

    @Test("A run that hits its event budget stops with exit 1 and still writes partial results")
    func eventBudgetStopsCleanly() throws {
        let file = try CLIHarness.scenarioFile(Self.small)
        let out = try CLIHarness.temporaryDirectory()
        let result = try CLIHarness.run(["run", file.path, "--max-events", "1000", "--out", out.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("event budget"))
        #expect(result.stdout.contains("PARTIAL RESULTS"))
        let summary = try String(contentsOf: out.appendingPathComponent("summary.json"), encoding: .utf8)
        #expect(summary.contains("\"complete\": false"))
    }

    @Test("An unbounded queue under overload stops at the in-flight budget and names the queue")
    func inFlightBudgetNamesTheQueue() throws {
        let overloaded = Self.small.replacingOccurrences(of: "queue: { capacity: 50 }", with: "queue: { discipline: fifo }")
            .replacingOccurrences(of: "rate: 300/s", with: "rate: 3000/s")
        let file = try CLIHarness.scenarioFile(overloaded)
        let result = try CLIHarness.run(["run", file.path, "--max-in-flight", "2000"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("service 'api'"))
    }

    @Test("Bad flags exit with code 2 and no trace", arguments: [
        ["run"], ["run", "x.yaml", "--format", "xml"], ["run", "x.yaml", "--seed", "-3"], ["run", "x.yaml", "--max-events", "0"],
        ["frobnicate"],
    ])
    func badFlagsExitTwo(arguments: [String]) throws {
        let result = try CLIHarness.run(arguments)
        #expect(result.status == 2, "\(arguments): exit \(result.status), stderr \(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
        #expect(!result.stderr.isEmpty)
    }

    @Test("A missing scenario file exits with code 2 and names the file")
    func missingFile() throws {
        let result = try CLIHarness.run(["run", "/nonexistent/nope.yaml"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("/nonexistent/nope.yaml"))
    }

    /// Plots/NAME holds what this build writes for the shipped scenario NAME: its report.html and
    /// every chart, byte for byte, and Plots/README.md names its outcome. A change to the model,
    /// the story or the charts that leaves the gallery behind fails here; `scripts/plots.sh`
    /// regenerates it.
    static func expectGalleryIsCurrent(name: String, run: URL, outcome: String?) throws {
        let fm = FileManager.default
        let gallery = CLIHarness.root.appendingPathComponent("Plots").appendingPathComponent(name)
        let written = try fm.contentsOfDirectory(atPath: run.path)
            .filter { $0 == "report.html" || $0.hasSuffix(".svg") }.sorted()
        let shown = ((try? fm.contentsOfDirectory(atPath: gallery.path)) ?? []).sorted()
        #expect(shown == written, "Plots/\(name) holds \(shown), the run writes \(written): run scripts/plots.sh")
        for file in written where shown.contains(file) {
            let fresh = try Data(contentsOf: run.appendingPathComponent(file))
            let kept = try Data(contentsOf: gallery.appendingPathComponent(file))
            #expect(fresh == kept, "Plots/\(name)/\(file) is not what this build writes: run scripts/plots.sh")
        }
        let index = try String(contentsOf: CLIHarness.root.appendingPathComponent("Plots/README.md"), encoding: .utf8)
        #expect(index.contains("## \(name) (outcome: \(outcome ?? "?"))\n"), "Plots/README.md gives another outcome for \(name): run scripts/plots.sh")
    }

    /// The README's demo ("What the demo shows") prints what `satsim run Scenarios/retry-storm.yaml`
    /// prints, from its verdict to the end of its story, and quotes the whole-run amplification of
    /// its table: a change to the story or the model that leaves the first page a user reads
    /// behind fails here.
    @Test("The README's demo story is the demo's story")
    func readmeDemoIsCurrent() throws {
        let out = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try CLIHarness.run(["run", "Scenarios/retry-storm.yaml", "--out", out.path], currentDirectory: CLIHarness.root)
        #expect(result.status == 0, "\(result.stderr)")
        let printed = result.stdout.components(separatedBy: "\n")
        let from = try #require(printed.firstIndex { $0.hasPrefix("outcome: ") })
        let to = try #require(printed.firstIndex { $0.hasPrefix("over the whole run") })
        let story = printed[from..<to].joined(separator: "\n").trimmingCharacters(in: .newlines)
        let readme = try String(contentsOf: CLIHarness.root.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("```\n" + story + "\n```\n"), "README.md's demo block differs from the demo's story:\n\(story)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as? [String: Any])
        let users = try #require((summary["clients"] as? [String: Any])?["users"] as? [String: Any])
        let amplification = try #require(users["amplification"] as? Double)
        #expect(readme.contains("whole-run figure of the table below it (\(String(format: "%.2f", amplification)))"))
    }

    static let shippedScenarios: [String] = {
        let folder = CLIHarness.root.appendingPathComponent("Scenarios")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }()

    @Test("There are shipped scenarios to run")
    func shippedScenariosExist() {
        #expect(Self.shippedScenarios.count >= 1)
    }

    /// Each runs to its end; and the event floor the loader checks against the budget
    /// (``EventFloor``) is a lower bound on what it counts: health checks, autoscalers, outlier
    /// detection, kills, deploys and `set` events among them (EventBudgetTests pins each rule of
    /// the count: the first-round discount, the cut at the first event that may slow a source,
    /// the autoscaler's min, the jitter).
    @Test("Every shipped scenario runs to completion, counting at least its event floor", arguments: RunEndToEndTests.shippedScenarios)
    func shippedScenarioRuns(name: String) throws {
        let path = CLIHarness.root.appendingPathComponent("Scenarios").appendingPathComponent(name).path
        let out = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try CLIHarness.run(["run", path, "--format", "json", "--out", out.path])
        #expect(result.status == 0, "\(name): \(result.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(name)")
        try Self.expectGalleryIsCurrent(name: String(name.dropLast(".yaml".count)), run: out, outcome: summary["outcome"] as? String)
        #expect(summary["complete"] as? Bool == true, "\(name)")
        let counted = try #require(summary["events"] as? Int, "\(name)")
        let spec = try ScenarioLoader.load(file: path)
        let floor = EventFloor.events(of: spec)
        #expect(floor <= Double(counted), "\(name): floor \(floor), counted \(counted)")
        let closed = spec.clients.allSatisfy { if case .closed = $0.arrival { true } else { false } }
        #expect(closed || floor > 0, "\(name)")
    }
}
