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
        let spec = StoryOfferedGoodputTests.spec(factor: 2)
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

    /// Judged by goodput (DESIGN.md's second test): the span from the end of the recovery
    /// window, the swings the zigzag counted, its step and the blocks' range, all from the run.
    @Test("Goodput swinging long after the fault")
    func goodputSwings() throws {
        let spec = StoryOfferedGoodputTests.spec(factor: 2)
        // From 150 s (the spike's end + the 120 s recovery window): 5 s at 200/s, 5 s at 80/s,
        // five times. Blocks of 2 s (400 requests) read 200, 200, 140, 80, 80 per cycle: the
        // first fall sets the direction, each later turn is a reversal, 8 in all.
        let run = StoryOfferedGoodputTests.run(spec, rows: { i in
            let ok: Double = i >= 150 && (i - 150) / 5 % 2 == 1 ? 80 : 200
            return (200, ok, 200 - ok)
        })
        #expect(RunAnalysis(result: run.result, spec: spec).verdict.outcome == .oscillating)
        let ending = try #require(run.story.findings.first { $0.mechanism == .ending }, "\(run.story.sentences)")
        #expect(ending.sentence == "From 2m30s on, long after the last fault ended and with the offered load back to its baseline, goodput kept swinging: it changed direction 8 times by more than 50.0/s (25% of its 200/s before the first fault), between 80.0/s and 200/s: it oscillated.", "\(ending.sentence)")
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: spec, endSeconds: run.result.endSeconds, label: "oscillating by goodput")
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

/// A paused instance is not stopped (a stop-the-world pause: the process is there, it answers
/// nothing): the balancer keeps it in rotation unless something ejects it. "api had as few as 4
/// serving instances in an interval" was told of four instances, one of them paused.
@Suite("A pause's effect on the balancer")
struct StoryPauseTests {
    static func run(healthChecks: Bool, instances: Double) -> (Story, SimulationResult, ScenarioSpec) {
        var spec = StoryFindingTests.spec(services: [
            ServiceSpec(
                name: "api", instances: 4, serviceTime: .constant(value: 0.01),
                healthCheck: healthChecks ? HealthCheckSpec(interval: SimTime(seconds: 1), timeout: SimTime(seconds: 1)) : nil)
        ])
        spec.timeline = [TimelineEventSpec(at: SimTime(seconds: 20), duration: SimTime(seconds: 4), action: .pause(service: "api", count: 1))]
        let run = StoryOfferedGoodputTests.run(spec, rows: { _ in (200, 200, 0) }) { i, name in
            name == "services.api.instances" ? (i >= 21 && i < 24 ? instances : 4) : nil
        }
        return (run.story, run.result, spec)
    }

    @Test("Nothing to eject it: the balancer kept sending it work")
    func kept() throws {
        let (story, result, spec) = Self.run(healthChecks: false, instances: 4)
        let event = try #require(story.findings.first { $0.mechanism == .timelineEvent })
        #expect(
            event.sentence == "At 20s, 1 instance of api paused for 4s: from 20s to 24s, api's balancer kept sending work to the paused instance, with no health check or outlier detection to take it out, and goodput averaged 200/s against 200/s before the first fault.",
            "\(event.sentence)")
        StoryChecker(series: result.timeSeries).check(story, spec: spec, endSeconds: result.endSeconds, label: "pause")
    }

    @Test("Health checks: the instances in rotation, the paused one counting until ejected")
    func ejected() throws {
        let (story, result, spec) = Self.run(healthChecks: true, instances: 3)
        let event = try #require(story.findings.first { $0.mechanism == .timelineEvent })
        #expect(event.sentence.contains("api had as few as 3 instances in rotation in an interval, a paused one counting until ejected"), "\(event.sentence)")
        StoryChecker(series: result.timeSeries).check(story, spec: spec, endSeconds: result.endSeconds, label: "pause, health checks")
    }
}

/// An outage's mode is told as what callers saw, not as the file's keyword ("went down (refuse)").
@Suite("An outage's mode in words")
struct StoryOutageModeTests {
    @Test("Refuse and blackhole", arguments: [
        (OutageMode.refuse, "At 20s, api went down for 10s, refusing every new attempt: from 20s to 30s"),
        (OutageMode.blackhole, "At 20s, api went down for 10s, leaving every new attempt unanswered: from 20s to 30s"),
    ])
    func mode(mode: OutageMode, expected: String) throws {
        var spec = StoryFindingTests.spec()
        spec.timeline = [TimelineEventSpec(at: SimTime(seconds: 20), duration: SimTime(seconds: 10), action: .outage(service: "api", mode: mode))]
        let run = StoryOfferedGoodputTests.run(spec, rows: { _ in (200, 200, 0) })
        let event = try #require(run.story.findings.first { $0.mechanism == .timelineEvent })
        #expect(event.sentence.hasPrefix(expected), "\(event.sentence)")
    }
}

/// An `errors` fault fails each attempt that reaches the service with its ratio, so with retries
/// fewer requests fail than the ratio: the sentence says attempts.
@Suite("An errors fault in words")
struct StoryErrorsFaultTests {
    @Test("Attempts, not requests")
    func attempts() throws {
        var spec = StoryFindingTests.spec()
        spec.timeline = [TimelineEventSpec(at: SimTime(seconds: 20), duration: SimTime(seconds: 10), action: .errors(service: "api", ratio: 0.5))]
        let run = StoryOfferedGoodputTests.run(spec, rows: { _ in (200, 200, 0) })
        let text = run.story.sentences.joined(separator: "\n")
        #expect(text.contains("At 20s, api started failing 50% of the attempts that reached it for 10s: from 20s to 30s"), "\(text)")
        #expect(text.contains("At 30s, api stopped failing attempts on purpose."), "\(text)")
    }
}

/// The causes of an oscillation are looked for once no fault acts, as the verdict counts its
/// reversals (OutcomeClassifier): from the first interval that begins at or after the last
/// fault's end. A fault ending at 30.5 s lies inside the interval [30 s, 31 s); the window began
/// there ("From 30s to 3m20s, what kept it unhealthy most"), half a second before the ending's own
/// "From 30.5s on, with no fault acting", and its figures counted that half second of fault.
@Suite("The cause window of an oscillating run")
struct StoryOscillationWindowTests {
    /// A retrying client; a load spike from 20 s to 30.5 s, ending mid-interval.
    static var spec: ScenarioSpec {
        var client = ClientSpec(name: "users", target: "api", arrival: .poisson(rate: 200))
        client.retry = RetrySpec(maxAttempts: 3)
        return ScenarioSpec(
            name: "synthetic", duration: SimTime(seconds: Double(StoryOfferedGoodputTests.length)), warmup: SimTime(seconds: 5), seed: 1,
            clients: [client],
            services: [ServiceSpec(name: "api", instances: 2, serviceTime: .constant(value: 0.01))],
            timeline: [TimelineEventSpec(at: SimTime(seconds: 20), duration: SimTime(seconds: 10.5), action: .loadSpike(client: "users", factor: 2))])
    }

    @Test("It starts at the first interval after the last fault, not in the fault's last interval")
    func startsAfterTheFault() throws {
        let spec = Self.spec
        // During the spike's last interval retries are 90% of the attempts; after it, 20%.
        let run = StoryOfferedGoodputTests.run(spec, rows: { _ in (200, 200, 0) }) { i, name in
            switch name {
            case "services.api.instances": return i >= 31 && i % 2 == 1 ? 3 : 2
            case "clients.users.retries": return i == 30 ? 1800 : (i > 30 ? 50 : 0)
            case "clients.users.attempts": return i == 30 ? 2000 : (i > 30 ? 250 : 200)
            default: return nil
            }
        }
        let cause = try #require(run.story.sentences.first { $0.contains("what kept it unhealthy most") }, "\(run.story.sentences)")
        #expect(cause.hasPrefix("From 31s to the end, what kept it unhealthy most: retries were 20% of the attempts users sent, 1.3 attempts per new request"), "\(cause)")
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: spec, endSeconds: run.result.endSeconds, label: "oscillating, fault ends mid-interval")
    }

    /// A metastable run's causes are looked for once the recovery window after the last fault
    /// has passed: from 30.5 s + 120 s, the first whole interval is [151 s, 152 s).
    @Test("A metastable run's window starts at the first interval after the recovery window")
    func metastableStartsAfterTheRecoveryWindow() throws {
        let spec = Self.spec
        // Goodput falls at the spike and never comes back; retries are 90% of the attempts in the
        // interval that holds 150.5 s, 20% after it.
        let run = StoryOfferedGoodputTests.run(spec, rows: { i in i >= 20 ? (200, 50, 150) : (200, 200, 0) }) { i, name in
            switch name {
            case "clients.users.retries": return i == 150 ? 1800 : (i > 150 ? 50 : 0)
            case "clients.users.attempts": return i == 150 ? 2000 : (i > 150 ? 250 : 200)
            default: return nil
            }
        }
        let cause = try #require(run.story.sentences.first { $0.hasPrefix("What sustained it") }, "\(run.story.sentences)")
        #expect(cause.hasPrefix("What sustained it from 2m31s to the end: retries were 20% of the attempts users sent"), "\(cause)")
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: spec, endSeconds: run.result.endSeconds, label: "metastable, fault ends mid-interval")
    }
}

/// A first fault before warmup's end leaves no baseline (G0) to judge against. The verdict then
/// judges recovery by health alone (OutcomeClassifier), and a run that stays down is `degraded`;
/// its story says why it cannot say more, instead of "did not recover" alone, which a room reads
/// as measured against a baseline.
@Suite("The ending of a run without a baseline")
struct StoryNoBaselineTests {
    /// The spike of StoryOfferedGoodputTests' run (20 s to 30 s), with warmup until 40 s.
    static func spec() -> ScenarioSpec {
        var spec = StoryOfferedGoodputTests.spec(factor: 2)
        spec.warmup = SimTime(seconds: 40)
        return spec
    }

    @Test("Down to the end: degraded, and the story says there is no baseline")
    func degraded() throws {
        let spec = Self.spec()
        let run = StoryOfferedGoodputTests.run(spec, rows: { i in i >= 100 ? (200, 50, 150) : (200, 200, 0) })
        let verdict = RunAnalysis(result: run.result, spec: spec).verdict
        #expect(verdict.outcome == .degraded && !verdict.hasBaseline)
        let endings = run.story.findings.filter { $0.mechanism == .ending }.map(\.sentence)
        #expect(endings == [
            "No metrics interval after warmup (which ends at 40s) came before the first fault, at 20s, so there is no baseline to compare goodput with: whether the failure held itself up after the faults (metastable) cannot be judged. Start the first fault later than warmup to measure one.",
            "The system degraded and did not recover within the run.",
        ], "\(endings)")
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: spec, endSeconds: run.result.endSeconds, label: "no baseline, degraded")
    }

    @Test("Healthy again: recovered, with the time from the fault's end")
    func recovered() throws {
        let spec = Self.spec()
        let run = StoryOfferedGoodputTests.run(spec, rows: { i in i >= 100 && i < 120 ? (200, 50, 150) : (200, 200, 0) })
        let verdict = RunAnalysis(result: run.result, spec: spec).verdict
        #expect(verdict.outcome == .recovered && !verdict.hasBaseline)
        #expect(verdict.recoveryTime == 90, "\(String(describing: verdict.recoveryTime))")
    }
}
