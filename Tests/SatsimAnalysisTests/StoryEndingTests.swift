import SatsimAnalysis
import SatsimCore
import SatsimModel
import Testing

/// An oscillating run is judged by the reversals of its serving instances once no fault acts
/// (DESIGN.md, "Outcomes"): the sentence gives that count instead of asserting a constant load
/// the verdict never measured.
@Suite("The ending of an oscillating run")
struct StoryEndingTests {
    @Test("The reversals counted after the last fault")
    func reversals() throws {
        let spec = ScenarioSpec(
            name: "synthetic", duration: SimTime(seconds: Double(StoryOfferedGoodputTests.length)), warmup: SimTime(seconds: 5), seed: 1,
            clients: [ClientSpec(name: "users", target: "api", arrival: .poisson(rate: 200))],
            services: [ServiceSpec(name: "api", instances: 2, serviceTime: .constant(value: 0.01))],
            timeline: [TimelineEventSpec(at: SimTime(seconds: 20), duration: SimTime(seconds: 10), action: .loadSpike(client: "users", factor: 2))])
        // From 30 s (the spike's end), 2, 3, 2, 3... serving instances: 170 intervals, 168
        // reversals. During the spike they move too (4, 2, 4...), which the verdict leaves out.
        let run = StoryOfferedGoodputTests.run(spec, rows: { _ in (200, 200, 0) }) { i, name in
            guard name == "services.api.instances" else { return nil }
            if i >= 20 && i < 30 { return i % 2 == 0 ? 4 : 2 }
            return i >= 30 && i % 2 == 1 ? 3 : 2
        }
        let ending = try #require(run.story.findings.first { $0.mechanism == .ending }, "\(run.story.sentences)")
        #expect(ending.sentence == "From 30s on, with no fault acting, the number of healthy serving instances kept changing direction (168 reversals): it oscillated.", "\(ending.sentence)")
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: spec, endSeconds: run.result.endSeconds, label: "oscillating")
    }
}

/// A load spike on a closed-loop client multiplies its users, not the requests it offers: each
/// user waits for an answer before sending again, so the offered load rises less than the
/// factor. Told as "multiplied the load by 2" above "clients offered 820 requests/s" (from 552),
/// the sentence contradicted its own figure.
@Suite("A load spike on a closed loop")
struct StoryClosedLoopSpikeTests {
    @Test("Its population is what the factor multiplies")
    func population() throws {
        var spec = StoryFindingTests.spec(client: ClientSpec(name: "users", target: "api", arrival: .closed(users: 300, think: .exponential(mean: 0.5))))
        spec.warmup = SimTime(seconds: 5)
        let run = StoryOfferedGoodputTests.run(spec, rows: { i in i >= 20 && i < 30 ? (300, 300, 0) : (200, 200, 0) })
        let event = try #require(run.story.findings.first { $0.mechanism == .timelineEvent })
        #expect(
            event.sentence == "At 20s, a load spike multiplied the population of users' closed loop (300 users) by 2 for 10s: from 20s to 30s, clients offered 300 requests/s, and goodput averaged 300/s against 200/s before the first fault.",
            "\(event.sentence)")
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: spec, endSeconds: run.result.endSeconds, label: "closed loop")
    }
}
