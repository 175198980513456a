import SatsimCore
import SatsimModel
import Testing

/// Timeline faults and operator actions, each checked against what it must do by construction.
@Suite("Faults and operator actions")
struct FaultTests {
    static func spec(
        rate: Double = 100, constant: Bool = false, instances: Int = 2, workers: Int = 4, service: Distribution = .exponential(mean: 0.01),
        timeout: SimTime? = SimTime(seconds: 1), bootTime: SimTime = SimTime(seconds: 5), duration: Double = 60,
        timeline: [TimelineEventSpec]
    ) -> ScenarioSpec {
        ScenarioSpec(
            name: "faults", duration: SimTime(seconds: duration), seed: 13,
            clients: [
                ClientSpec(
                    name: "users", target: "api", arrival: constant ? .constant(rate: rate) : .poisson(rate: rate), timeout: timeout)
            ],
            services: [
                ServiceSpec(
                    name: "api", instances: instances, workers: workers, serviceTime: service, queue: QueueSpec(capacity: 100),
                    bootTime: bootTime)
            ],
            timeline: timeline)
    }

    static func at(_ seconds: Double, for duration: Double? = nil, _ action: TimelineAction) -> TimelineEventSpec {
        TimelineEventSpec(at: SimTime(seconds: seconds), duration: duration.map { SimTime(seconds: $0) }, action: action)
    }

    /// Runs in slices, checking the bookkeeping between them.
    static func runChecked(_ spec: ScenarioSpec) -> SimulationResult {
        let simulation = Simulation(spec: spec)
        simulation.prepare()
        var t = 0.0
        while t < spec.duration.seconds {
            t += 0.5
            _ = RunLoop.run(simulation, until: SimTime(seconds: t))
            simulation.checkInvariants()
        }
        return simulation.run()
    }

    @Test("kill: one instance down for boot_time, its work lost, then back")
    func kill() {
        let result = Self.runChecked(Self.spec(timeline: [Self.at(10, .kill(service: "api", count: 1))]))
        let api = result.services[0]
        #expect(api.instances.min == 1 && api.instances.max == 2)
        // Down for 5 s of 60: the time-averaged count is 2 - 5/60.
        #expect(abs(api.instances.mean - (2 - 5.0 / 60)) < 1e-6)
        let kinds = result.events.map(\.kind)
        #expect(kinds == [.instanceKilled, .instanceBooting, .instanceReady])
        #expect(result.events.map(\.time) == [10, 10, 15])
    }

    @Test("scale: new instances serve after boot_time; surplus ones drain, then stop")
    func scale() {
        let result = Self.runChecked(
            Self.spec(timeline: [Self.at(10, .scale(service: "api", to: 5)), Self.at(30, .scale(service: "api", to: 1))]))
        let api = result.services[0]
        #expect(api.instances.max == 5 && api.instances.min == 1)
        // 2 instances for 15 s, 5 for 15 s, 1 for 30 s.
        #expect(abs(api.instances.mean - (2.0 * 15 + 5 * 15 + 1 * 30) / 60) < 1e-6)
        #expect(result.events.filter { $0.kind == .instanceReady }.count == 3)
        #expect(result.events.filter { $0.kind == .instanceStopped }.count == 4)
        // scenario-format.md, "What `satsim run` writes": events.jsonl holds operator actions and
        // scaling. Each manual scaling is one entry of its own, at its time, before the instances
        // it boots or drains.
        let actions = result.events.filter { $0.kind == .faultStarted }
        #expect(actions.map(\.time) == [10, 30])
        #expect(actions.map(\.detail) == ["an operator scaled from 2 to 5 instances", "an operator scaled from 5 to 1 instance"])
        #expect(result.events.first { $0.time == 10 }?.kind == .faultStarted)
    }

    @Test("deploy: every instance restarts once, batch by batch")
    func deploy() {
        let result = Self.runChecked(
            Self.spec(instances: 4, bootTime: SimTime(seconds: 2), timeline: [Self.at(10, .deploy(service: "api", batch: 2, every: SimTime(seconds: 5)))]))
        let killed = result.events.filter { $0.kind == .instanceKilled }
        #expect(killed.count == 4)
        #expect(killed.map(\.time) == [10, 10, 15, 15])
        #expect(result.services[0].instances.min == 2)
    }

    @Test("pause: work in service finishes later by exactly the pause")
    func pause() {
        // One request a second, each 100 ms of work on one worker; a 2 s pause at 10.05 s catches
        // the request that started at 10 s: it ends at 12.1 s, 2.1 s after it started.
        let result = Self.runChecked(
            Self.spec(
                rate: 1, constant: true, instances: 1, workers: 1, service: .constant(value: 0.1), timeout: nil, duration: 30,
                timeline: [Self.at(10.05, for: 2, .pause(service: "api", count: 1))]))
        let latency = result.clients[0].latency
        #expect(abs(latency.max - 2.1) < 1e-6, "max latency \(latency.max)")
        #expect(result.clients[0].failures == 0)
    }

    @Test("errors: the injected share of fast failures matches the ratio")
    func errors() {
        let result = Self.runChecked(Self.spec(rate: 1000, workers: 20, timeline: [Self.at(10, for: 40, .errors(service: "api", ratio: 0.3))]))
        let c = result.clients[0]
        let share = Double(c.failures) / Double(c.requests)
        // 40 s of 60 at 30%: 20% of all requests, within a binomial 4.4-sigma band.
        let expected = 0.3 * 40 / 60
        let sigma = (0.3 * 0.7 * 40_000).squareRoot() / Double(c.requests)
        #expect(abs(share - expected) < 4.4 * sigma + 0.002, "share \(share), expected \(expected)")
    }

    @Test("outage: refuse fails fast; blackhole makes every attempt time out")
    func outages() {
        let refuse = Self.runChecked(Self.spec(timeline: [Self.at(20, for: 20, .outage(service: "api", mode: .refuse))]))
        let blackhole = Self.runChecked(Self.spec(timeline: [Self.at(20, for: 20, .outage(service: "api", mode: .blackhole))]))
        #expect(refuse.clients[0].attemptOutcomes["error", default: 0] > 1800)
        #expect(refuse.clients[0].attemptOutcomes["timeout", default: 0] == 0)
        #expect(blackhole.clients[0].attemptOutcomes["timeout", default: 0] > 1800)
        #expect(blackhole.clients[0].attemptOutcomes["error", default: 0] == 0)
    }

    @Test("latency: added latency adds its mean to the service time")
    func addedLatency() {
        let base = Self.runChecked(Self.spec(rate: 50, workers: 100, timeline: []))
        let slow = Self.runChecked(
            Self.spec(rate: 50, workers: 100, timeline: [Self.at(0, for: 60, .latency(service: "api", add: .constant(value: 0.1)))]))
        #expect(abs(slow.clients[0].latency.mean - base.clients[0].latency.mean - 0.1) < 0.002)
    }
}
