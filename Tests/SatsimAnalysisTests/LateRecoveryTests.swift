import SatsimAnalysis
import SatsimCore
import SatsimModel
import Testing

/// A recovery later than the recovery window (DESIGN.md, "Outcomes": `recovered` is "intervals
/// turn unhealthy, then become healthy again and stay so", with no bound on when). A spike
/// leaves a backlog in an unbounded FIFO queue, and the backlog drains at the spare capacity
/// only: c x mu - lambda = 100 x 1/s - 90/s = 10 requests/s for the M/M/100 below (Kleinrock,
/// "Queueing Systems", vol. 1: a queue above its stationary level drains at the difference
/// between service and arrival rates). A 60 s spike at 1.8 x the load leaves about
/// 0.8 x 90 x 60 = 4,320 requests waiting, whose p99 stays above 3 x the baseline p99 for minutes.
@Suite("A recovery later than the recovery window")
struct LateRecoveryTests {
    static func drain(duration: Double) -> ScenarioSpec {
        var spec = ScenarioSpec(
            name: "drain", duration: SimTime(seconds: duration), warmup: SimTime(seconds: 60), seed: 3,
            clients: [ClientSpec(name: "users", target: "api", arrival: .poisson(rate: 90))],
            services: [ServiceSpec(name: "api", instances: 1, workers: 100, serviceTime: .exponential(mean: 1))],
            timeline: [TimelineEventSpec(at: SimTime(seconds: 180), duration: SimTime(seconds: 60), action: .loadSpike(client: "users", factor: 1.8))])
        spec.metricsInterval = SimTime(seconds: 1)
        return spec
    }

    /// Back to health minutes after the spike, then healthy for the rest of a 20-minute run:
    /// recovered, timed from the spike's end, and the story says it came back later than the
    /// window and for how long it then stayed healthy.
    @Test("A backlog that drains for minutes, then stays healthy: recovered, with its late recovery time")
    func drainsThenStays() throws {
        let spec = Self.drain(duration: 1200)
        let result = Simulation(spec: spec).run(limits: RunLimits())
        let analysis = RunAnalysis(result: result, spec: spec)
        let verdict = analysis.verdict
        #expect(verdict.outcome == .recovered)
        let time = try #require(verdict.recoveryTime)
        // Later than the window, and earlier than the time to drain the whole backlog at
        // 10/s (432 s): the p99 falls under its bound before the queue is empty.
        #expect(time > verdict.thresholds.recoveryWindow && time < 432, "recovery time \(time)")
        let story = Story(result: result, spec: spec, analysis: analysis)
        let ending = try #require(story.findings.last { $0.mechanism == .ending }).sentence
        #expect(ending.contains("and stayed so for the last ") && ending.hasSuffix("of the run: it recovered, later than 2m00s after the last fault ended."), "\(ending)")
        #expect(!story.sentences.joined().contains("did not"), "\(story.sentences)")
        // Nothing failed and no mechanism acted: what held it down is the backlog itself, the
        // mean queue while unhealthy against its level before the spike (thousands against a few).
        let causes = try #require(story.findings.first { $0.mechanism == .causes }, "\(story.sentences)")
        #expect(causes.sentence.contains("what slowed the recovery most: api had ") && causes.sentence.hasSuffix(" (a backlog draining)."), "\(causes.sentence)")
        let backlog = try #require(story.candidates.first { $0.mechanism == .backlog })
        #expect(backlog.figures[1].value > 1000 && backlog.figures[2].value < 50, "\(backlog.figures)")
        StoryChecker(series: result.timeSeries).check(story, spec: spec, endSeconds: result.endSeconds, label: "late recovery")
    }

    /// The same spike with clients that time out after 5 s and retry: the backlog now comes with
    /// retries, and the story names them, not the queue they fill (the backlog is offered only
    /// when no mechanism explains the unhealthy windows).
    @Test("A backlog with retries behind it: the retries are named, the backlog is not")
    func backlogWithRetries() throws {
        var spec = Self.drain(duration: 900)
        spec.clients[0].timeout = SimTime(seconds: 5)
        spec.clients[0].retry = RetrySpec(maxAttempts: 3)
        let result = Simulation(spec: spec).run(limits: RunLimits())
        let analysis = RunAnalysis(result: result, spec: spec)
        let story = Story(result: result, spec: spec, analysis: analysis)
        let causes = try #require(story.findings.first { $0.mechanism == .causes }, "\(story.sentences)")
        #expect(causes.sentence.contains("retries were"), "\(causes.sentence)")
        #expect(!story.candidates.contains { $0.mechanism == .backlog }, "\(story.candidates.map(\.sentence))")
        StoryChecker(series: result.timeSeries).check(story, spec: spec, endSeconds: result.endSeconds, label: "backlog with retries")
    }

    /// The same run, cut off 40 s after the system is healthy again: it came back later than the
    /// window and has not yet stayed healthy for that long, so no recovery is shown.
    @Test("The same drain cut short after its return: not recovered, and told when it came back")
    func cutShortAfterItsReturn() throws {
        let whole = Simulation(spec: Self.drain(duration: 1200)).run(limits: RunLimits())
        let back = try #require(RunAnalysis(result: whole, spec: Self.drain(duration: 1200)).verdict.recoveryTime) + 240
        let spec = Self.drain(duration: back + 40)
        let result = Simulation(spec: spec).run(limits: RunLimits())
        let analysis = RunAnalysis(result: result, spec: spec)
        #expect(analysis.verdict.outcome == .degraded)
        #expect(analysis.healthyAgainAt.map { abs($0 - back) < 1e-9 } == true, "\(String(describing: analysis.healthyAgainAt)) vs \(back)")
        let story = Story(result: result, spec: spec, analysis: analysis)
        let ending = try #require(story.findings.last { $0.mechanism == .ending }).sentence
        #expect(ending.contains("but only for the run's last 40s"), "\(ending)")
        StoryChecker(series: result.timeSeries).check(story, spec: spec, endSeconds: result.endSeconds, label: "late return, cut short")
    }
}
