import SatsimAnalysis
import SatsimCore
@testable import SatsimModel
import Testing

/// "Health checks began ejecting instances that were too busy to answer their probes" names a
/// cause: it is said only when the numbers show it (the service busy in the interval of the
/// first ejection, no outage or pause of it in effect). A probe also fails against an instance
/// that is down or paused (Kubernetes, "Configure Liveness, Readiness and Startup Probes": a
/// probe fails when the container does not answer within timeoutSeconds, whatever the reason),
/// and outlier detection ejects on failed requests, not probes (Envoy docs, "Outlier detection":
/// consecutive 5xx).
@Suite("Ejections in the story: what ejected, and why only when shown")
struct StoryEjectionTests {
    static func ejections(_ count: Int, detail: String = "instance 0 failed 3 health checks in a row and was ejected") -> [RunEvent] {
        (0..<count).map { RunEvent(time: 40 + Double($0) * 0.5, kind: .instanceEjected, subject: "api", detail: detail) }
    }

    static func sentence(_ spec: ScenarioSpec, utilization: Double, events: [RunEvent]) -> (String, Story, SimulationResult) {
        let run = StoryFindingTests.run(spec, after: ["services.api.utilization": utilization], events: events)
        let sentence = run.story.findings.first { $0.mechanism == .ejections }?.sentence ?? "none in \(run.story.sentences)"
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: spec, endSeconds: run.result.endSeconds, label: "ejections")
        return (sentence, run.story, run.result)
    }

    @Test("A busy service: the cause is named, with the figure that shows it")
    func busy() {
        let (sentence, _, _) = Self.sentence(StoryFindingTests.spec(), utilization: 0.99, events: Self.ejections(3))
        #expect(sentence == "At 40s, health checks began ejecting instances of api that were too busy to answer their probes in time (api was 99% busy from 39s to 40s): 3 ejections in all.", "\(sentence)")
    }

    @Test("A service not busy: no cause named")
    func notBusy() {
        let (sentence, _, _) = Self.sentence(StoryFindingTests.spec(), utilization: 0.5, events: Self.ejections(3))
        #expect(sentence == "At 40s, health checks began ejecting instances of api that failed their probes: 3 ejections in all.", "\(sentence)")
    }

    @Test("A service down when its probes fail: not called busy, however busy it reads")
    func down() {
        var spec = StoryFindingTests.spec()
        spec.timeline.append(TimelineEventSpec(at: SimTime(seconds: 35), duration: SimTime(seconds: 10), action: .outage(service: "api", mode: .blackhole)))
        let (sentence, _, _) = Self.sentence(spec, utilization: 0.99, events: Self.ejections(3))
        #expect(sentence == "At 40s, health checks began ejecting instances of api that failed their probes: 3 ejections in all.", "\(sentence)")
    }

    @Test("Outlier detection's ejections are not told as health checks'")
    func outliers() {
        let events = Self.ejections(2, detail: "instance 1 failed 5 times in a row and was ejected by outlier detection for 30s (ejection 1)")
        let (sentence, story, _) = Self.sentence(StoryFindingTests.spec(), utilization: 0.99, events: events)
        #expect(sentence == "At 40s, outlier detection began ejecting instances of api that failed requests several times in a row: 2 ejections in all.", "\(sentence)")
        #expect(!story.sentences.joined().contains("health checks"), "\(story.sentences)")
    }
}

/// Each circuit breaker's openings are counted under its own name.
@Suite("Breaker openings in the story")
struct StoryBreakerTests {
    @Test("Openings of two breakers are not told as the first one's")
    func twoBreakers() {
        let events = [
            RunEvent(time: 40, kind: .breakerOpened, subject: "shop", detail: "circuit breaker open"),
            RunEvent(time: 41, kind: .breakerOpened, subject: "api->payments", detail: "circuit breaker on calls to payments open"),
            RunEvent(time: 45, kind: .breakerOpened, subject: "shop", detail: "circuit breaker open"),
            RunEvent(time: 46, kind: .breakerOpened, subject: "api->payments", detail: "circuit breaker on calls to payments open"),
            RunEvent(time: 50, kind: .breakerOpened, subject: "api->payments", detail: "circuit breaker on calls to payments open"),
        ]
        let run = StoryFindingTests.run(StoryFindingTests.spec(), events: events)
        let sentence = run.story.findings.first { $0.mechanism == .breakerOpened }?.sentence ?? "none"
        #expect(sentence == "At 40s, the circuit breaker of shop opened (2 times in all), rejecting attempts without sending them; the breaker of api->payments opened too (3 times).", "\(sentence)")
        let alone = StoryFindingTests.run(StoryFindingTests.spec(), events: events.filter { $0.subject == "shop" })
        let one = alone.story.findings.first { $0.mechanism == .breakerOpened }?.sentence ?? "none"
        #expect(one == "At 40s, the circuit breaker of shop opened (2 times in all), rejecting attempts without sending them.", "\(one)")
    }
}

/// The ejected column counts instances ejected by health checks and by outlier detection alike
/// (Envoy docs, "Outlier detection": ejected hosts leave the load-balancing set as failing
/// health checks do): the cause names what the service has.
@Suite("Ejected instances as a cause: named by what ejects them")
struct StoryEjectedCauseTests {
    @Test("Outlier detection alone", arguments: [false, true])
    func outliers(withHealthChecks: Bool) {
        let spec = StoryFindingTests.spec(services: [
            ServiceSpec(
                name: "api", instances: 4, serviceTime: .constant(value: 0.01),
                healthCheck: withHealthChecks ? HealthCheckSpec(interval: SimTime(seconds: 2), timeout: SimTime(seconds: 1)) : nil,
                outlierDetection: OutlierDetectionSpec(maxEjectionPercent: 100))
        ])
        let run = StoryFindingTests.run(
            spec, baseline: ["services.api.arrivals": 200, "services.api.instances": 4],
            after: ["services.api.arrivals": 200, "services.api.instances": 1, "services.api.ejected": 3])
        StoryFindingTests.expectFirst(.instancesEjected, weight: 0.75, in: run, spec: spec)
        let who = withHealthChecks ? "health checks and outlier detection" : "outlier detection"
        #expect(run.story.sentences.contains { $0.contains("\(who) kept 75% of api's running instances ejected, on average") }, "\(run.story.sentences)")
    }

    /// An instance that boots behind an `eject` health check stays out of the balancer until its
    /// readiness probe passes (Kubernetes, Pod Lifecycle: readiness starts as Failure), and the
    /// ejected column counts it: the sentence must not call that wait an ejection.
    @Test("A readiness wait after a boot is not called an ejection", arguments: [false, true])
    func readinessWait(booted: Bool) {
        let spec = StoryFindingTests.spec(services: [
            ServiceSpec(
                name: "api", instances: 4, serviceTime: .constant(value: 0.01),
                healthCheck: HealthCheckSpec(interval: SimTime(seconds: 2), timeout: SimTime(seconds: 1), action: .eject))
        ])
        let events = booted
            ? [RunEvent(time: 100, kind: .instanceReady, subject: "api", detail: "instance 1 booted; it joins the balancer after 2 passing health checks in a row")]
            : [RunEvent(time: 100, kind: .instanceReady, subject: "api", detail: "instance 1 ready")]
        let run = StoryFindingTests.run(
            spec, baseline: ["services.api.arrivals": 200, "services.api.instances": 4],
            after: ["services.api.arrivals": 200, "services.api.instances": 1, "services.api.ejected": 3], events: events)
        StoryFindingTests.expectFirst(.instancesEjected, weight: 0.75, in: run, spec: spec)
        let state = booted ? "out of the balancer (ejected, or booted and not yet through their first probes)" : "ejected"
        #expect(run.story.sentences.contains { $0.contains("health checks kept 75% of api's running instances \(state), on average") },
                "\(run.story.sentences)")
    }
}

/// A cache's misses go on to the service's calls (scenario format: "a hit skips every call of
/// this service"): a service without calls sends them nowhere, and the story does not say it does.
@Suite("A cold cache's misses")
struct StoryColdCacheMissesTests {
    @Test("Sent on to the calls only when there are calls", arguments: [true, false])
    func misses(withCalls: Bool) {
        var services = [
            ServiceSpec(
                name: "api", serviceTime: .constant(value: 0.01), calls: withCalls ? [CallSpec(service: "db")] : [],
                cache: CacheSpec(keys: 1000, zipf: 1, capacity: 100))
        ]
        if withCalls { services.append(ServiceSpec(name: "db", serviceTime: .constant(value: 0.01))) }
        let spec = StoryFindingTests.spec(services: services)
        let run = StoryFindingTests.run(
            spec, baseline: ["services.api.cache_hits": 150, "services.api.cache_misses": 50],
            after: ["services.api.cache_hits": 20, "services.api.cache_misses": 180])
        let cold = run.story.findings.first { $0.mechanism == .coldCache && $0.role == .course }?.sentence ?? "none"
        #expect(cold.hasPrefix("At 30s, the cache of api went cold: its hit ratio fell from 75% before the first fault to 10% at its lowest"), "\(cold)")
        #expect(cold.hasSuffix(withCalls ? ", sending the misses on to its calls." : "at its lowest, from 30s to 31s."), "\(cold)")
    }
}
