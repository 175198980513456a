import Foundation
import Testing

/// DESIGN.md, "The model's meaning", checked on deterministic runs whose figures are computed by
/// hand: "An attempt that timed out keeps its place in the queue and, when served, holds a worker
/// for its full service time; that completion counts as `wasted`", and an attempt ends in
/// `success` only with "a response before the client's timeout". scenario-format.md, "What
/// `satsim run` writes": "Every figure covers the time after warmup".
@Suite("wasted work and the warmup boundary, by hand")
struct WastedWorkByHandEndToEndTests {
    /// One request a second (at 1 s, 2 s, ..., 30 s), served alone in 200 ms; the client gives
    /// up after 150 ms and retries at once, 3 attempts in all. Attempt 1 is sent at t and served
    /// from t to t + 0.2; attempt 2 is sent at t + 0.15, served from t + 0.2 to t + 0.4; attempt 3
    /// is sent at t + 0.3, served from t + 0.4 to t + 0.6. Every attempt times out 150 ms after it
    /// was sent, before its completion: every completion is wasted, every request fails.
    static let scenario = """
        name: retry-wasted
        description: Every attempt times out at 150ms while served in 200ms; three attempts a request, all wasted.
        duration: 30s
        warmup: 5s
        clients:
          u:
            target: s
            arrival: { process: constant, rate: 1/s }
            timeout: 150ms
            retry: { max_attempts: 3 }
        services:
          s:
            instances: 1
            workers: 1
            service_time: { dist: constant, value: 200ms }

        """

    static func run(_ text: String) throws -> (summary: [String: Any], rows: [[String: Double]]) {
        let (summary, rows, _) = try runWithReport(text)
        return (summary, rows)
    }

    static func runWithReport(_ text: String) throws -> (summary: [String: Any], rows: [[String: Double]], report: String) {
        let file = try CLIHarness.scenarioFile(text).path
        let out = try CLIHarness.temporaryDirectory()
        let output = try CLIHarness.run(["run", file, "--out", out.path])
        #expect(output.status == 0, "\(output.stderr)")
        let summary = try #require(
            JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as? [String: Any])
        let csv = try String(contentsOf: out.appendingPathComponent("timeseries.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try #require(lines.first)
        let rows = lines.dropFirst().map { cells in
            Dictionary(uniqueKeysWithValues: zip(header, cells.map { Double($0) ?? .nan }))
        }
        let report = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        return (summary, rows, report)
    }

    @Test func everyTimedOutAttemptsCompletionIsWasted() throws {
        let (summary, _) = try Self.run(Self.scenario)
        let u = try #require((summary["clients"] as? [String: Any])?["u"] as? [String: Any])
        let s = try #require((summary["services"] as? [String: Any])?["s"] as? [String: Any])
        let outcomes = try #require(u["attempt_outcomes"] as? [String: Any])
        let requests = try #require(u["requests"] as? Int)
        // Requests created from the end of warmup (5 s) to the end (30 s), both included: 26. The
        // one created at 30 s has sent its first attempt only.
        #expect(requests == 26)
        #expect(u["attempts"] as? Int == 3 * 25 + 1)
        #expect(u["successes"] as? Int == 0)
        #expect(u["failures"] as? Int == 25)
        #expect(outcomes["timeout"] as? Int == 75)
        #expect(outcomes["success"] as? Int == 0)
        #expect(s["arrivals"] as? Int == 76)
        #expect(s["completions"] as? Int == 75)
        #expect(s["wasted"] as? Int == 75, "every completion came after its caller gave up")
        #expect(s["dropped"] as? Int == 0, "no queue timeout: nothing is dropped before service")
        // 600 ms of work a second on one worker.
        #expect(abs((s["utilization"] as? Double ?? 0) - 0.6) < 1e-9)
        #expect(summary["outcome"] as? String == "overloaded")
    }

    @Test func aResponseAtTheTimeoutsInstantIsATimeout() throws {
        // Served in exactly the timeout: the response is not "before the client's timeout".
        let text = Self.scenario.replacingOccurrences(of: "timeout: 150ms", with: "timeout: 200ms")
            .replacingOccurrences(of: "retry: { max_attempts: 3 }", with: "")
        let (summary, _) = try Self.run(text)
        let u = try #require((summary["clients"] as? [String: Any])?["u"] as? [String: Any])
        let s = try #require((summary["services"] as? [String: Any])?["s"] as? [String: Any])
        #expect(u["successes"] as? Int == 0)
        #expect(s["wasted"] as? Int == s["completions"] as? Int)
    }

    @Test func theTimeSeriesAfterWarmupAddsUpToTheSummary() throws {
        // "Every figure covers the time after warmup": the rows after warmup (each row is the
        // interval ending at its `time`) hold what summary.json counts. A request is created at
        // exactly 5 s, the end of warmup: it counts after warmup in summary.json, and the warmup
        // event closes the row (4 s, 5 s] before it, so it lands in the row after warmup too. (With
        // a tick of its own at 5 s, the tick could come after that request, which then counted in
        // summary.json but in the row before warmup.)
        let (summary, rows) = try Self.run(Self.scenario)
        let u = try #require((summary["clients"] as? [String: Any])?["u"] as? [String: Any])
        let after = rows.filter { ($0["time"] ?? 0) > 5 + 1e-9 }
        let rowRequests = Int(after.reduce(0) { $0 + ($1["clients.u.requests"] ?? 0) })
        let rowAttempts = Int(after.reduce(0) { $0 + ($1["clients.u.attempts"] ?? 0) })
        #expect(rowRequests == u["requests"] as? Int, "rows after warmup \(rowRequests), summary \(String(describing: u["requests"]))")
        #expect(rowAttempts == u["attempts"] as? Int, "rows after warmup \(rowAttempts), summary \(String(describing: u["attempts"]))")
    }

    @Test func anOverloadedRunWithNoFaultIsNotToldOfAFirstFault() throws {
        // No timeline: the story must not invent a cause or a fault (DESIGN.md, "The story":
        // sentences derived from the data). It said "What held it down from 5s to the end, before
        // the first fault: ..." of a scenario that has none.
        let (summary, _, report) = try Self.runWithReport(Self.scenario)
        #expect(summary["outcome"] as? String == "overloaded")
        #expect(report.contains("What held it down from 5s to the end, with no fault: 100% of the work s finished went to callers who had already given up (wasted work)"))
        #expect(!report.contains("first fault"))
    }
}
