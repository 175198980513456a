import SatsimAnalysis
import SatsimCore
import SatsimModel
import Testing

/// The verdict counts an operator's change (`set`, `scale`) as a fault until its effect ends
/// (DESIGN.md, "Outcomes"), and the story measured from it; but it named it "the last fault": in
/// a run whose load spike ended at 30s and whose operator switched retries off until 1m00s, the
/// story said "By the time the last fault ended, at 1m00s", and a room would take the fault to
/// have lasted until then. The story names the change instead. And an event that ends at the
/// instant another begins is told ended first.
@Suite("The story names faults and operator changes as what they are, in order")
struct StoryFaultNamingTests {
    static let retriesOff = ScalarOverride(path: "clients.users.retry.max_attempts", value: "1")

    static func spec(_ timeline: [TimelineEventSpec]) -> ScenarioSpec {
        ScenarioSpec(
            name: "synthetic", duration: SimTime(seconds: Double(StoryOfferedGoodputTests.length)), warmup: SimTime(seconds: 5), seed: 1,
            clients: [ClientSpec(name: "users", target: "api", arrival: .poisson(rate: 200))],
            services: [ServiceSpec(name: "api", instances: 2, serviceTime: .constant(value: 0.01))],
            timeline: timeline)
    }

    /// Healthy, then from 20 s to 35 s 50 of 200 succeed, then healthy again.
    static func rows(_ i: Int) -> (requests: Double, successes: Double, failures: Double) {
        i >= 20 && i < 35 ? (200, 50, 150) : (200, 200, 0)
    }

    @Test("The last to end is an operator's change with `for`: named, with 'ended'")
    func lastIsATimedChange() throws {
        let spec = Self.spec([
            TimelineEventSpec(at: SimTime(seconds: 20), duration: SimTime(seconds: 10), action: .loadSpike(client: "users", factor: 2)),
            TimelineEventSpec(at: SimTime(seconds: 40), duration: SimTime(seconds: 20), action: .set(Self.retriesOff)),
        ])
        let run = StoryOfferedGoodputTests.run(spec, rows: Self.rows)
        let text = run.story.sentences.joined(separator: "\n")
        #expect(text.contains("At 1m00s, the change to clients.users.retry.max_attempts was over; it was the last event of the timeline to end."), "\(text)")
        #expect(text.contains("By the time the operator's change to clients.users.retry.max_attempts ended, at 1m00s, the system was healthy again"), "\(text)")
        #expect(!text.contains("last fault"), "\(text)")
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: spec, endSeconds: run.result.endSeconds, label: "timed change")
    }

    @Test("The last to end is a change that stays: 'the operator changed'")
    func lastIsAChangeThatStays() throws {
        let spec = Self.spec([
            TimelineEventSpec(at: SimTime(seconds: 20), duration: SimTime(seconds: 10), action: .loadSpike(client: "users", factor: 2)),
            TimelineEventSpec(at: SimTime(seconds: 40), action: .set(Self.retriesOff)),
        ])
        let run = StoryOfferedGoodputTests.run(spec, rows: Self.rows)
        let text = run.story.sentences.joined(separator: "\n")
        #expect(text.contains("By the time the operator changed clients.users.retry.max_attempts, at 40s, the system was healthy again"), "\(text)")
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: spec, endSeconds: run.result.endSeconds, label: "change that stays")
    }

    @Test("A fault that ends last keeps its name")
    func lastIsAFault() throws {
        let spec = Self.spec([
            TimelineEventSpec(at: SimTime(seconds: 20), action: .set(Self.retriesOff)),
            TimelineEventSpec(at: SimTime(seconds: 22), duration: SimTime(seconds: 10), action: .loadSpike(client: "users", factor: 2)),
        ])
        let run = StoryOfferedGoodputTests.run(spec, rows: Self.rows)
        let text = run.story.sentences.joined(separator: "\n")
        #expect(text.contains("after the last fault ended, at") || text.contains("By the time the last fault ended, at"), "\(text)")
        // The first timeline event is the operator's: the baseline is before it, by name.
        #expect(text.contains("succeeded per second, before the operator's change to clients.users.retry.max_attempts."), "\(text)")
        #expect(!text.contains("first fault"), "\(text)")
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: spec, endSeconds: run.result.endSeconds, label: "fault last")
    }

    @Test("A scaling step first: the baseline is before it")
    func firstIsAScaling() throws {
        let spec = Self.spec([
            TimelineEventSpec(at: SimTime(seconds: 20), action: .scale(service: "api", to: 4)),
            TimelineEventSpec(at: SimTime(seconds: 22), duration: SimTime(seconds: 10), action: .loadSpike(client: "users", factor: 2)),
        ])
        let run = StoryOfferedGoodputTests.run(spec, rows: Self.rows)
        let text = run.story.sentences.joined(separator: "\n")
        #expect(text.contains("before the operator's scaling of api."), "\(text)")
        #expect(text.contains("against 200/s before the operator's scaling of api"), "\(text)")
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: spec, endSeconds: run.result.endSeconds, label: "scaling first")
    }

    /// The shipped thundering-herd: the sessions outage ends at 1m30s, when the clients' burst
    /// (a one-second load spike) begins; told the other way round, the burst's goodput read as if
    /// answered during the outage.
    @Test("An event ending at the instant another begins is told ended first")
    func endedBeforeBegun() throws {
        let spec = Self.spec([
            TimelineEventSpec(at: SimTime(seconds: 20), duration: SimTime(seconds: 10), action: .outage(service: "api", mode: .refuse)),
            TimelineEventSpec(at: SimTime(seconds: 30), duration: SimTime(seconds: 1), action: .loadSpike(client: "users", factor: 60)),
        ])
        let run = StoryOfferedGoodputTests.run(spec, rows: Self.rows)
        let sentences = run.story.sentences
        let ended = try #require(sentences.firstIndex { $0.hasPrefix("At 30s, the outage of api ended.") }, "\(sentences)")
        let spike = try #require(sentences.firstIndex { $0.hasPrefix("At 30s, a load spike") }, "\(sentences)")
        #expect(ended < spike, "\(sentences)")
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: spec, endSeconds: run.result.endSeconds, label: "ended first")
    }
}

/// The span a recovered run's causes are told over: "From A to B, the system was unhealthy"
/// must be true of the whole span, and begin with what the faults could have caused.
@Suite("The unhealthy span of a recovered run")
struct StoryUnhealthySpanTests {
    /// A blip at 10 s, before the fault (as load-shedding's lifo variant has at 1m14s), and from
    /// 20 s to 35 s a spike's harm with two healthy seconds inside (27 s to 29 s); api's full
    /// queue turns away half of what reaches it while unhealthy.
    static func run() -> (story: Story, result: SimulationResult, spec: ScenarioSpec) {
        let spec = ScenarioSpec(
            name: "synthetic", duration: SimTime(seconds: Double(StoryOfferedGoodputTests.length)), warmup: SimTime(seconds: 5), seed: 1,
            clients: [ClientSpec(name: "users", target: "api", arrival: .poisson(rate: 200))],
            services: [ServiceSpec(name: "api", instances: 2, serviceTime: .constant(value: 0.01), queue: QueueSpec(capacity: 100))],
            timeline: [TimelineEventSpec(at: SimTime(seconds: 20), duration: SimTime(seconds: 10), action: .loadSpike(client: "users", factor: 2))])
        func unhealthy(_ i: Int) -> Bool { i == 10 || (i >= 20 && i < 35 && !(i >= 27 && i < 29)) }
        let run = StoryOfferedGoodputTests.run(spec, rows: { i in unhealthy(i) ? (200, 50, 150) : (200, 200, 0) }) { i, name in
            if name == "services.api.arrivals" { return 200 }
            if name == "services.api.queue_full" { return unhealthy(i) ? 100 : 0 }
            return nil
        }
        return (run.story, run.result, spec)
    }

    @Test("A blip before the first fault is left out; healthy seconds inside are counted")
    func span() throws {
        let run = Self.run()
        #expect(run.story.findings.contains { $0.mechanism == .ending && $0.sentence.contains("it recovered") }, "\(run.story.sentences)")
        let causes = try #require(run.story.findings.first { $0.mechanism == .causes })
        // 13 of the 15 seconds from 20 s to 35 s were unhealthy: 86.7%. The spike held it down
        // until it ended at 30 s; what slowed the recovery is weighed after it.
        #expect(
            causes.sentence.hasPrefix(
                "From 20s, the system was unhealthy 86.7% of the time until it was healthy again; the fault held it down until it ended, at 30s; from 30s to 35s, what slowed the recovery most: api's full queues turned away"),
            "\(causes.sentence)")
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: run.spec, endSeconds: run.result.endSeconds, label: "span")
    }
}

/// Health is judged over windows of at least 100 requests, merged from several metrics
/// intervals at a low rate: the first unhealthy window can begin before the fault that made it
/// so. The sentence was once told "From 17s ..." of a fault at 20 s; its span now starts at the
/// fault (the system was not unhealthy before its cause), its figures are measured from there,
/// and it is told after the fault, never before its cause, as the first timeouts are.
@Suite("An unhealthy span that begins before its fault")
struct StoryUnhealthyOrderTests {
    @Test("Told after the fault")
    func toldAfterTheFault() throws {
        let spec = ScenarioSpec(
            name: "synthetic", duration: SimTime(seconds: Double(StoryOfferedGoodputTests.length)), warmup: SimTime(seconds: 5), seed: 1,
            clients: [ClientSpec(name: "users", target: "api", arrival: .poisson(rate: 30))],
            services: [ServiceSpec(name: "api", instances: 2, serviceTime: .constant(value: 0.01), queue: QueueSpec(capacity: 100))],
            timeline: [TimelineEventSpec(at: SimTime(seconds: 20), duration: SimTime(seconds: 10), action: .loadSpike(client: "users", factor: 2))])
        // 30 requests/s: windows of 4 intervals (120 requests) from the warmup, (17 s, 21 s]
        // among them; every request fails from 20 s to 35 s, and api's queue turns work away.
        func failing(_ i: Int) -> Bool { i >= 20 && i < 35 }
        let run = StoryOfferedGoodputTests.run(spec, rows: { i in failing(i) ? (30, 0, 30) : (30, 30, 0) }) { i, name in
            if name == "services.api.arrivals" { return 30 }
            if name == "services.api.queue_full" { return failing(i) ? 30 : 0 }
            return nil
        }
        let findings = run.story.findings
        let causes = try #require(findings.firstIndex { $0.mechanism == .causes }, "\(run.story.sentences)")
        let fault = try #require(findings.firstIndex { $0.mechanism == .timelineEvent })
        // The first unhealthy window is (17 s, 21 s]: the case this test is for.
        #expect(RunAnalysis(result: run.result, spec: spec).windows.first { !$0.isHealthy }.map { $0.start < 20 } == true)
        // The span starts at the fault (20 s), not at the window's 17 s; the spike held it down
        // until 30 s, and the causes are weighed over the recovery after it, told then.
        #expect(findings[causes].window?.from == 30, "\(findings[causes].sentence)")
        #expect(
            findings[causes].sentence.hasPrefix("From 20s, the system was unhealthy; the fault held it down until it ended, at 30s; from 30s to 35s, "),
            "\(findings[causes].sentence)")
        #expect(causes > fault, "\(run.story.sentences)")
        #expect(findings[causes].time == 30)
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: spec, endSeconds: run.result.endSeconds, label: "order")
    }
}
