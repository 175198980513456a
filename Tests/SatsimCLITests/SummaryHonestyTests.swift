import Foundation
import SatsimAnalysis
import SatsimMetrics
import SatsimReport
import Testing

/// The text summary does not overstate: its success share counts the requests still in flight
/// at the end, and a run that stopped before its warmup ended is not called `stable`.
@Suite("The summary says only what was measured")
struct SummaryHonestyTests {
    static func client(requests: Int, successes: Int, failures: Int) -> ClientSummary {
        ClientSummary(
            name: "users", requests: requests, attempts: requests, successes: successes, failures: failures,
            goodputPerSecond: 0, amplification: 1, latency: LatencySummary(mean: 0, p50: 0, p90: 0, p99: 0, max: 0),
            attemptOutcomes: [:])
    }

    @Test("Success share: successes over the requests, unfinished ones counted as not succeeded")
    func successShareArithmetic() {
        // The case of the issue: 8 of 5,909 requests succeeded, the rest still queued.
        #expect(TextSummary.successShare(Self.client(requests: 5909, successes: 8, failures: 0)) == 8.0 / 5909.0)
        // Steady state: as many ended as were created.
        #expect(TextSummary.successShare(Self.client(requests: 1000, successes: 990, failures: 10)) == 0.99)
        // Requests created before warmup ended after it: more ended than created; still <= 1.
        #expect(TextSummary.successShare(Self.client(requests: 100, successes: 104, failures: 0)) == 1.0)
        #expect(TextSummary.successShare(Self.client(requests: 100, successes: 96, failures: 24)) == 0.8)
        #expect(TextSummary.successShare(Self.client(requests: 0, successes: 0, failures: 0)) == nil)
    }

    /// One worker that takes 7 s per request, 100 requests/s and no timeout: nearly every request
    /// is still queued at the end. Dividing by the requests that ended would print 100.0%.
    static let backlog = """
        name: backlog
        description: A service far too slow for its load, with an unbounded queue and no timeout.
        duration: 60s
        seed: 1
        clients:
          users:
            target: api
            arrival: { process: poisson, rate: 100/s }
            timeout: 1h
        services:
          api:
            instances: 1
            workers: 1
            service_time: { dist: constant, value: 7s }
        """

    @Test("A run whose requests are mostly still queued does not print 100% success")
    func backlogIsNotSuccess() throws {
        let file = try CLIHarness.scenarioFile(Self.backlog)
        let json = try CLIHarness.run(["run", file.path, "--format", "json"], timeout: 120)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let users = try #require((summary["clients"] as? [String: Any])?["users"] as? [String: Any])
        let requests = try #require(users["requests"] as? Int), successes = try #require(users["successes"] as? Int)
        let failures = try #require(users["failures"] as? Int)
        // The first request arrives at t0 < 4 s (no arrival in 4 s at 100/s has probability
        // e^-400); one worker completes one request every 7 s exactly, at t0 + 7k, so k = 1...8
        // fall before 60 s and the 9th after: exactly 8 successes. (No warmup: the summary
        // counts only requests created after it, and these 8 are the very first.)
        #expect(failures == 0)
        #expect(successes == 8)
        #expect(requests > 5000)

        let text = try CLIHarness.run(["run", file.path], timeout: 120)
        let row = try #require(text.stdout.split(separator: "\n").first { $0.hasPrefix("users ") })
        let expected = FixedDecimal.format(Double(successes) / Double(requests) * 100, decimals: 1) + "%"
        #expect(row.contains(" \(expected) "), "row: \(row), expected \(expected)")
        #expect(!row.contains("100.0%"))
        #expect(text.stdout.contains("a request still in flight at the end counts as not succeeded"))
    }

    /// The classifier on intervals that all end by the warmup: nothing measured, no verdict.
    @Test("The classifier does not judge a run with no interval after warmup")
    func classifierBeforeWarmup() {
        func interval(_ end: Double) -> IntervalFigures {
            IntervalFigures(end: end, width: 1, requests: 100, successes: 100, failures: 0, instances: 2)
        }
        let stopped = OutcomeClassifier.classify(intervals: (1...5).map { interval(Double($0)) }, warmup: 30, faults: [])
        #expect(stopped.judgedOutcome == nil)
        #expect(stopped.notJudged?.contains("before its warmup ended at 30 s") == true)
        // One interval from the end of warmup on is enough to judge.
        let judged = OutcomeClassifier.classify(intervals: (1...31).map { interval(Double($0)) }, warmup: 30, faults: [])
        #expect(judged.judgedOutcome == .stable)
        #expect(judged.notJudged == nil)
    }

    /// A flood that arrives in one instant (a load spike of a billion times) fills the memory
    /// budget at the very moment a metrics interval ends, so no measured window holds it: the
    /// windows before it are healthy, and "stable" would describe them, not the run.
    @Test("A run stopped at its in-flight budget after healthy windows reports no outcome, not stable")
    func inFlightBudgetAfterHealthyWindows() throws {
        let scenario = """
            name: instant-flood
            description: a load spike of a billion times, all of it in one instant
            duration: 10s
            seed: 1
            clients:
              users:
                target: api
                arrival: { process: poisson, rate: 50/s }
            services:
              api:
                workers: 4
                service_time: { dist: exponential, mean: 10ms }
            timeline:
              - { at: 5s, for: 1s, kind: load_spike, client: users, factor: 1000000000 }
            """
        let file = try CLIHarness.scenarioFile(scenario)
        let out = file.deletingLastPathComponent().appendingPathComponent("out")
        let text = try CLIHarness.run(["run", file.path, "--max-in-flight", "2000", "--out", out.path], timeout: 120)
        // The reason is wrapped to the terminal's width: compare with the spaces collapsed.
        let flat = text.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flat.contains("PARTIAL RESULTS"), "\(text.stdout)")
        #expect(flat.contains("outcome: not judged"), "\(text.stdout)")
        #expect(flat.contains("over its memory budget (--max-in-flight)"))
        #expect(flat.contains("which alone would read stable"))
        #expect(!flat.contains("outcome: stable"), "\(text.stdout)")
        let data = try Data(contentsOf: out.appendingPathComponent("summary.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["outcome"] is NSNull, "\(String(describing: json["outcome"]))")
    }

    @Test("A run stopped before its warmup ended reports no outcome, in text, json, report and check")
    func stoppedBeforeWarmup() throws {
        let scenario = RunEndToEndTests.small.replacingOccurrences(of: "warmup: 2s", with: "warmup: 15s")
            + "\nexpect: { outcome: stable }\n"
        let file = try CLIHarness.scenarioFile(scenario)
        let out = file.deletingLastPathComponent().appendingPathComponent("out")
        // 300 requests/s and a few events per request: 500 events stop it within the first seconds.
        let text = try CLIHarness.run(["run", file.path, "--max-events", "500", "--out", out.path], timeout: 120)
        #expect(text.status == 1, "\(text.stderr)")
        #expect(text.stdout.contains("outcome: not judged\n  the run stopped at "))
        #expect(text.stdout.contains("before its warmup ended at 15 s"))
        #expect(!text.stdout.contains("stable"), "\(text.stdout)")

        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as? [String: Any])
        #expect(summary["outcome"] is NSNull)
        #expect((summary["outcome_not_judged"] as? String)?.contains("no outcome is judged") == true)
        #expect(summary["complete"] as? Bool == false)
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("id=\"outcome\">not judged</p>"))
        #expect(!html.contains("stayed stable"))

        let check = try CLIHarness.run(["check", file.path, "--max-events", "500"], timeout: 120)
        #expect(check.status == 1)
        #expect(check.stdout.contains("FAIL outcome"), "\(check.stdout)")
    }
}

/// DESIGN.md ("Outcomes") judges health over windows of at least 100 ended requests. At 0.2
/// requests/s one window spans the whole run after warmup, and a minute's outage that refuses
/// every request costs about 12 of some 115: 90% succeed, the window is healthy, and the verdict
/// is `stable`, as defined. Told alone, "the system stayed stable" under "s went down for 1m00s"
/// would let a room conclude the outage did no harm; the ending says which window judged it.
@Suite("A stable verdict from windows much longer than the fault")
struct CoarseWindowStoryTests {
    static func scenario(rate: String, spike: Bool = false) -> String {
        let event = spike
            ? "{ at: 3m, for: 1m, kind: load_spike, client: c, factor: 1.2 }"
            : "{ at: 3m, for: 1m, kind: outage, service: s, mode: refuse }"
        return """
            name: slow
            description: A slow client and a one-minute outage.
            duration: 10m
            warmup: 30s
            seed: 7
            metrics: { interval: 1s }
            clients:
              c:
                target: s
                arrival: { process: poisson, rate: \(rate) }
                timeout: 2s
            services:
              s:
                instances: 2
                workers: 2
                service_time: { dist: exponential, mean: 50ms }
            timeline:
              - \(event)
            """
    }

    /// Runs `yaml` with `satsim run` into a folder beside it; the exit status must be 0. The
    /// standard output with its line breaks folded to single spaces (sentences wrap), and the
    /// output folder.
    static func runFlat(_ yaml: String) throws -> (flat: String, out: URL) {
        let file = try CLIHarness.scenarioFile(yaml)
        let out = file.deletingLastPathComponent().appendingPathComponent("out")
        let text = try CLIHarness.run(["run", file.path, "--out", out.path], timeout: 120)
        #expect(text.status == 0, "\(text.stderr)")
        return (text.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " "), out)
    }

    @Test("At 0.2 requests/s the ending names the one window that held the outage")
    func lowRate() throws {
        let (flat, out) = try Self.runFlat(Self.scenario(rate: "0.2/s"))
        #expect(flat.contains("outcome: stable"), "\(flat)")
        // The window spans warmup's end (30 s) to the run's end (10m): 9m30s.
        #expect(
            flat.contains("the system stayed stable. But the fault at 3m00s, 1m00s long, was judged inside the one health window that held it, from 30s to 10m00s (9m30s): at this request rate, health is not resolved finer than that."),
            "\(flat)")
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("health is not resolved finer than that"))
    }

    @Test("At 20 requests/s, windows of 5 s resolve a one-minute fault and the ending adds nothing")
    func ordinaryRate() throws {
        let flat = try Self.runFlat(Self.scenario(rate: "20/s", spike: true)).flat
        #expect(flat.contains("the system stayed stable."), "\(flat)")
        #expect(!flat.contains("not resolved finer"), "\(flat)")
    }
}

/// A scale is told by what it did: a scale up boots instances, a scale down boots none. "By
/// 3m20s, the instances the operator added to s had booted" was told of a scale to zero.
@Suite("An operator's scaling, up or down")
struct ScaleDirectionStoryTests {
    static func scenario(to count: Int) -> String {
        """
        name: scaling
        description: An operator scales a service.
        duration: 6m
        warmup: 30s
        seed: 3
        clients:
          c:
            target: s
            arrival: { process: poisson, rate: 5/s }
            timeout: 2s
        services:
          s:
            instances: 2
            workers: 2
            boot_time: 20s
            service_time: { dist: exponential, mean: 50ms }
        timeline:
          - { at: 3m, kind: scale, service: s, to: \(count) }
        """
    }

    static func story(to count: Int) throws -> String {
        try CoarseWindowStoryTests.runFlat(Self.scenario(to: count)).flat
    }

    @Test("A scale to zero adds no instance, and the story does not say it did")
    func down() throws {
        let flat = try Self.story(to: 0)
        #expect(flat.contains("At 3m00s, an operator scaled s to 0 instances"), "\(flat)")
        // Nothing boots after a scale-down: it is over at once, not after the boot time.
        #expect(!flat.contains("By 3m20s"), "\(flat)")
        #expect(!flat.contains("the operator added"), "\(flat)")
    }

    @Test("A scale up boots the instances it adds, and the story says so")
    func up() throws {
        let flat = try Self.story(to: 4)
        #expect(flat.contains("By 3m20s, the instances the operator added to s had booted."), "\(flat)")
    }
}

/// At 1 request/s a health window spans 100 s. The span the causes are told over was once the
/// unhealthy windows whole: "From 2m13s to 5m18s, the system was unhealthy" of an outage from
/// 3m00s to 4m00s, above "2s after the last fault ended, at 4m02s, the system was healthy
/// again". It now runs from the fault to the return the ending names.
@Suite("The unhealthy span agrees with the fault and the return")
struct CauseSpanStoryTests {
    @Test("From the outage's start to the moment the ending says health came back")
    func spanMatchesTheEnding() throws {
        let yaml = CoarseWindowStoryTests.scenario(rate: "1/s")
            .replacingOccurrences(of: "mode: refuse", with: "mode: blackhole")
            .replacingOccurrences(of: "    timeout: 2s\n", with: "    timeout: 2s\n    retry: { max_attempts: 3 }\n")
        let flat = try CoarseWindowStoryTests.runFlat(yaml).flat
        #expect(flat.contains("outcome: recovered"), "\(flat)")
        // The outage held it down until it ended; the recovery after it is weighed to the return.
        let span = try #require(
            flat.firstMatch(of: /From (\S+), the system was unhealthy; the fault held it down until it ended, at (\S+); from (\S+) to (\S+), what slowed/),
            "\(flat)")
        let back = try #require(flat.firstMatch(of: /at (\S+), the system was healthy again/), "\(flat)")
        #expect(span.1 == "3m00s", "\(flat)")
        #expect(span.2 == "4m00s" && span.3 == "4m00s", "\(flat)")
        #expect(span.4 == back.1, "\(flat)")
    }
}

/// DESIGN.md judges health over all requests together. A client at 2 requests/s whose service
/// is down for two minutes, beside one at 200/s, leaves every window at 99%: `stable`, as
/// defined, and the story said nothing of the small client's lost requests.
@Suite("A stable verdict over a client whose requests failed")
struct HiddenClientStoryTests {
    static func scenario(_ event: String) -> String {
        """
        name: two
        description: A big client and a small one, on services of their own.
        duration: 6m
        warmup: 30s
        seed: 2
        clients:
          web:
            target: api
            arrival: { process: poisson, rate: 200/s }
            timeout: 1s
          admin:
            target: backoffice
            arrival: { process: poisson, rate: 2/s }
            timeout: 1s
        services:
          api:
            instances: 4
            workers: 4
            service_time: { dist: exponential, mean: 20ms }
          backoffice:
            instances: 1
            workers: 2
            service_time: { dist: exponential, mean: 50ms }
        timeline:
          - \(event)
        """
    }

    static func story(_ event: String) throws -> String {
        try CoarseWindowStoryTests.runFlat(Self.scenario(event)).flat
    }

    @Test("An outage of the small client's service: the ending says its requests failed")
    func outage() throws {
        let flat = try Self.story("{ at: 2m, for: 2m, kind: outage, service: backoffice, mode: refuse }")
        #expect(flat.contains("outcome: stable"), "\(flat)")
        // Every attempt is refused during the outage: none of admin's requests that ended then succeeded.
        #expect(flat.contains("the system stayed stable. But admin's requests,"), "\(flat)")
        #expect(flat.contains("fared worse: of those that ended from 2m00s to 4m00s, 0% succeeded, against 100% before the first fault, and health is judged over all clients' requests together."), "\(flat)")
    }

    @Test("An operator's change that stays (a 1 ms timeout for the small client) is judged from then to the end")
    func lastingChange() throws {
        let flat = try Self.story("{ at: 2m, kind: set, path: clients.admin.timeout, value: 1ms }")
        #expect(flat.contains("outcome: stable"), "\(flat)")
        #expect(flat.contains("But admin's requests,"), "\(flat)")
        #expect(flat.contains("fared worse: of those that ended from 2m00s to 6m00s,"), "\(flat)")
    }

    @Test("A recovered run: the small client still failing after the return is named")
    func afterTheReturn() throws {
        // api (the big client's service) is down for 30 s, and the small client's timeout is set
        // to 1 ms for good: the windows are healthy again at 2m30s, admin's requests are not.
        let flat = try Self.story(
            "{ at: 2m, for: 30s, kind: outage, service: api, mode: refuse }\n  - { at: 2m, kind: set, path: clients.admin.timeout, value: 1ms }")
        #expect(flat.contains("outcome: recovered"), "\(flat)")
        #expect(flat.contains("and stayed so: it recovered. But admin's requests,"), "\(flat)")
        #expect(flat.contains("fared worse: of those that ended from 2m30s to 6m00s,"), "\(flat)")
    }

    /// A cause's weight is its share times the share of the traffic its subject concerns. Here
    /// admin (1% of the requests) times out on every request at backoffice, 100% of whose work is
    /// wasted, while three of api's four instances are killed under 99% of the traffic. Weighed
    /// by the share alone, backoffice's wasted work was "what held it down most".
    @Test("A cause is weighed by the traffic it concerns: the small client's wasted work is not what held the system down")
    func causeReach() throws {
        let yaml = Self.scenario(
            "{ at: 2m, kind: kill, service: api, count: 3 }\n  - { at: 2m, kind: set, path: services.backoffice.service_time.mean, value: 5s }"
        ).replacingOccurrences(of: "mean: 20ms }", with: "mean: 20ms }\n    boot_time: 1m")
        let flat = try CoarseWindowStoryTests.runFlat(yaml).flat
        // The kill held it down until its instances booted (3m00s); what slowed the recovery
        // after that is weighed from there.
        let lead = "the fault held it down until it ended, at 3m00s; from 3m00s to 3m01s, what slowed the recovery most: "
        let after = try #require(flat.range(of: lead).map { String(flat[$0.upperBound...]) }, "\(flat)")
        let named = after.range(of: ". ").map { String(after[..<$0.lowerBound]) } ?? after
        #expect(named.contains("api"), "\(named)")
        #expect(!named.contains("backoffice"), "\(named)")
        // Still told where it belongs: admin's requests fared worse.
        #expect(flat.contains("But admin's requests,"), "\(flat)")
        // The set on backoffice is measured on the goodput of admin, the one client it reaches;
        // the kill of api, which only web reaches, on web's.
        #expect(flat.contains("an operator set services.backoffice.service_time.mean to 5s: from 2m00s to 2m30s, admin's goodput averaged"), "\(flat)")
        #expect(flat.contains("api had as few as 1 serving instance in an interval, and web's goodput averaged"), "\(flat)")
    }

    @Test("A fault every client weathers adds nothing")
    func weathered() throws {
        let flat = try Self.story("{ at: 2m, for: 1m, kind: load_spike, client: web, factor: 1.2 }")
        #expect(flat.contains("the system stayed stable."), "\(flat)")
        #expect(!flat.contains("fared worse"), "\(flat)")
    }
}
