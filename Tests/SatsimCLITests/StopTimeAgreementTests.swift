import Foundation
import Testing

/// A run stopped at a limit between two whole seconds (129.78 s) is told by one rule in the
/// story and the tables' header: the story said "The run stopped at 2m10s" (rounded) above
/// "from 30 s to 129.8 s"; both now truncate, "2m09s" and "129.7".
@Suite("Stop time, outcome line and replication counts agree")
struct StopTimeAgreementTests {
    @Test("The story's stop time is the whole second of the tables' end")
    func stopTime() throws {
        let result = try CLIHarness.run(
            ["run", "Scenarios/retry-storm.yaml", "--max-events", "200000"], currentDirectory: CLIHarness.root, timeout: 300)
        #expect(result.status == 1, "\(result.stderr)")
        let text = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard let stop = text.firstMatch(of: /The run stopped at (\d+)m(\d\d)s, at a limit/),
              let header = text.firstMatch(of: /over the whole run after warmup \(from [0-9.]+ s to ([0-9.]+) s\)/),
              let minutes = Int(stop.1), let seconds = Int(stop.2), let end = Double(header.1)
        else {
            Issue.record("no stop sentence or header in: \(text)")
            return
        }
        #expect(Double(minutes * 60 + seconds) == end.rounded(.down), "\(stop.0) against \(header.0)")
        // The limit's own message gives the exact time; the header truncates it to its digits.
        guard let exact = result.stderr.firstMatch(of: /stopped at ([0-9.]+)s of simulated time/), let at = Double(exact.1) else {
            Issue.record("no exact stop time in: \(result.stderr)")
            return
        }
        #expect(end <= at && at - end < 0.1, "\(end) against \(at)")
    }

    /// The charts on their own (scenario-format.md: each chart is also written as an SVG) drew
    /// the time axis to the scenario's duration and left the time never simulated blank, which
    /// reads as zero traffic. Each now shades it and says where, at the story's stop time; a run
    /// that ran to its end has no such mark.
    @Test("Every chart of a run a limit stopped marks the time it never simulated, at the story's stop time")
    func chartsMarkTheStop() throws {
        let folder = try CLIHarness.temporaryDirectory().appendingPathComponent("cut")
        let result = try CLIHarness.run(
            ["run", "Scenarios/retry-storm.yaml", "--max-events", "200000", "--out", folder.path], currentDirectory: CLIHarness.root, timeout: 300)
        #expect(result.status == 1, "\(result.stderr)")
        let text = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let stop = try #require(text.firstMatch(of: /The run stopped at (\d+m\d\ds), at a limit/)).1
        let charts = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".svg") }
        #expect(charts.count >= 3, "\(charts)")
        for chart in charts {
            let svg = try String(contentsOf: folder.appendingPathComponent(chart), encoding: .utf8)
            #expect(svg.contains(">not simulated: stopped at a limit at \(stop)</text>"), "\(chart)")
        }
        let page = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(page.contains("darker grey band after a solid line, the time the run never simulated (a limit stopped it)"), "the chart key says what the band is")
        let whole = try CLIHarness.temporaryDirectory().appendingPathComponent("whole")
        let complete = try CLIHarness.run(
            ["run", "Scenarios/stop-the-world-pause.yaml", "--out", whole.path], currentDirectory: CLIHarness.root, timeout: 300)
        #expect(complete.status == 0, "\(complete.stderr)")
        let svg = try String(contentsOf: whole.appendingPathComponent("goodput.svg"), encoding: .utf8)
        #expect(!svg.contains("not simulated"))
        #expect(try !String(contentsOf: whole.appendingPathComponent("report.html"), encoding: .utf8).contains("never simulated"))
    }

    /// The outcome line said "outcome: recovered, recovered 9 s after the last fault"; the
    /// story says "9s after the last fault ended".
    @Test("The outcome line of a recovered run names its recovery time once")
    func recoveredLine() throws {
        let result = try CLIHarness.run(["run", "Scenarios/stop-the-world-pause.yaml"], currentDirectory: CLIHarness.root, timeout: 300)
        #expect(result.status == 0, "\(result.stderr)")
        // Once on the outcome line, and the same figure in the story.
        guard let line = result.stdout.firstMatch(of: /\noutcome: recovered, ([0-9]+) s after the last fault ended\n/) else {
            Issue.record("no outcome line naming the recovery time once: \(result.stdout)")
            return
        }
        #expect(result.stdout.contains("\(line.1)s after the last fault ended, at "), "\(result.stdout)")
    }

    /// operator-retries-off ends with the operator's change (retries off until 4m00s), which is no
    /// fault: the story says "By the time the operator's change to ... ended", and the outcome line
    /// said "healthy again by the time the last fault ended", naming a fault the run never had
    /// then (its load spike ended at 2m10s).
    @Test("The outcome line names an operator's change as the story does, not as 'the last fault'")
    func operatorChangeLine() throws {
        let result = try CLIHarness.run(["run", "Scenarios/operator-retries-off.yaml"], currentDirectory: CLIHarness.root, timeout: 300)
        #expect(result.status == 0, "\(result.stderr)")
        let outcome = result.stdout.split(separator: "\n").first { $0.hasPrefix("outcome: ") }.map(String.init) ?? ""
        #expect(outcome.contains("the operator's change to clients.users.retry.max_attempts ended"), "\(outcome)")
        #expect(!outcome.contains("the last fault"), "\(outcome)")
        // The story names the same change where it tells the return (at 3m19s, before that
        // change ended at 4m00s).
        let flat = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flat.contains("before the operator's change to clients.users.retry.max_attempts ended at 4m00s"), "\(result.stdout)")
    }

    /// compare over one replication: its report said "the mean over 1 replications".
    @Test("compare's report over one replication agrees in number")
    func oneReplication() throws {
        let out = try CLIHarness.temporaryDirectory()
        let result = try CLIHarness.run(
            ["compare", "Scenarios/stop-the-world-pause.yaml", "--replications", "1", "--out", out.path],
            currentDirectory: CLIHarness.root, timeout: 300)
        #expect(result.status == 0, "\(result.stderr)")
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        // One run gives no interval: the key says so instead of promising one.
        #expect(html.contains("Each cell is one run: no confidence interval, and no difference marked"))
        #expect(!html.contains("\u{00B1} the half-width"))
        #expect(result.stdout.contains("one run per column: no confidence interval"), "\(result.stdout)")
        #expect(!result.stdout.contains("mean ± half-width"))
        #expect(html.contains("mean over the 1 replication of a column"))
        #expect(!html.contains("1 replications"))
    }
}
