import Foundation
import SatsimTestSupport
import Testing

/// report.html of `compare --out` and `explain --out`, and the autoscaler's desired count in
/// timeseries.csv, as a user gets them.
@Suite("compare and explain reports, end to end")
struct ComparisonReportEndToEndTests {
    static func report(_ directory: URL) throws -> String {
        try String(contentsOf: directory.appendingPathComponent("report.html"), encoding: .utf8)
    }

    @Test("compare --out writes report.html: the table with units, each variant overlaid with its band, said in the legend")
    func compareReport() throws {
        let file = try CLIHarness.scenarioFile(CompareEndToEndTests.storm)
        let out = try CLIHarness.temporaryDirectory()
        let result = try CLIHarness.run(["compare", file.path, "--replications", "3", "--out", out.path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("report.html"))
        let page = try Self.report(out)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.contains("<p class=\"kicker\">satsim compare report</p>"))
        // The table: every variant a column, with what it changed; units in the row names.
        for text in ["no-retries", "same-workers", "clients.users.retry.max_attempts=1", "(successes/s)",
                     "(attempts/request)", "(% of ended)", "(s after the last fault)", "outcome (runs)"] {
            #expect(page.contains(text), "the table lacks \(text)")
        }
        // One latency unit on the page: the p99 row and the latency chart name the same one.
        let unit = page.contains("users p99 latency (ms)") ? "ms" : "s"
        #expect(page.contains("users p99 latency (\(unit))"))
        #expect(page.contains("users: p99 latency (\(unit)) of the requests that succeeded"))
        // Two charts for the one client, every column's mean and its min-max band named.
        #expect(page.components(separatedBy: "<svg").count - 1 == 2)
        for column in ["base", "no-retries", "same-workers"] {
            #expect(page.contains("\(column): mean of 3"), "no line for \(column)")
            #expect(page.contains("\(column): min to max of 3 runs"), "no band for \(column)")
        }
        #expect(page.contains("the range of the runs, not a confidence interval"))
        #expect(!page.contains("<script"))
    }

    @Test("explain --out writes report.html with the findings, the table and each row against the base")
    func explainReport() throws {
        let file = try CLIHarness.scenarioFile(ExplainEndToEndTests.storm)
        let out = try CLIHarness.temporaryDirectory()
        let result = try CLIHarness.run(["explain", file.path, "--replications", "2", "--out", out.path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let page = try Self.report(out)
        #expect(page.contains("<p class=\"kicker\">satsim explain report</p>"))
        #expect(page.contains("requests/s, mean [95% interval]"))
        #expect(page.contains("Without client retries (clients.users.retry)"))
        // One panel per counterfactual (retry, the load spike), the base in each.
        #expect(page.contains("without clients.users.retry: successes per second, all clients"))
        #expect(page.contains("without timeline.0: successes per second, all clients"))
        #expect(page.components(separatedBy: ">base: mean of 2</text>").count - 1 == 2)
        // The rows' goodput, recovery and outcomes (one chart), then the goodput over time (one).
        #expect(page.components(separatedBy: "<svg").count - 1 == 2)
    }

    /// Desired against serving: Kubernetes' HPA (kubernetes.io, "Horizontal Pod Autoscaling":
    /// desiredReplicas = ceil(currentReplicas x currentMetricValue / desiredMetricValue)) sets a
    /// desired count the serving count reaches only after boot; the column records the former.
    @Test("timeseries.csv has the autoscaler's desired count, equal at every tick to its last decision")
    func desiredColumn() throws {
        let file = try CLIHarness.scenarioFile("""
            name: scaling
            description: Two small instances under a load that needs four; the autoscaler adds them.
            duration: 60s
            seed: 3
            clients:
              users:
                target: api
                arrival: { process: poisson, rate: 400/s }
            services:
              api:
                instances: 2
                workers: 2
                service_time: { dist: exponential, mean: 10ms }
                queue: { capacity: 200 }
                boot_time: 10s
                autoscaler: { policy: target_tracking, metric: utilization, target: 0.5, interval: 5s, min: 2, max: 8 }
            """)
        let out = try CLIHarness.temporaryDirectory()
        let result = try CLIHarness.run(["run", file.path, "--out", out.path])
        #expect(result.status == 0 || result.status == 1, "stderr: \(result.stderr)")
        let csv = try String(contentsOf: out.appendingPathComponent("timeseries.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try #require(lines.first)
        let column = try #require(header.firstIndex(of: "services.api.desired_instances"))
        let time = try #require(header.firstIndex(of: "time"))
        // The decisions, from events.jsonl: "... scaled from A to B instances ...".
        let events = try String(contentsOf: out.appendingPathComponent("events.jsonl"), encoding: .utf8)
        var decisions: [(time: Double, to: Double)] = []
        for line in events.split(separator: "\n") where line.contains("\"kind\":\"scaled\"") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let detail = try #require(object["detail"] as? String)
            let to = try #require(detail.range(of: " to ").flatMap { Double(detail[$0.upperBound...].prefix { $0.isNumber }) })
            decisions.append((try #require(object["time"] as? Double), to))
        }
        #expect(!decisions.isEmpty, "the load needs more than 2 instances at 50% utilization: it must scale")
        for row in lines.dropFirst() {
            let t = try #require(Double(row[time])), desired = try #require(Double(row[column]))
            let expected = decisions.last { $0.time <= t + 1e-9 }?.to ?? 2
            #expect(desired == expected, "at \(t) s: desired \(desired), last decision \(expected)")
        }
        let svg = try String(contentsOf: out.appendingPathComponent("service-api.svg"), encoding: .utf8)
        #expect(svg.contains(">desired by the autoscaler</text>"))
        #expect(svg.contains(">serving instances</text>"))
    }
}
