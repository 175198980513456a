import SatsimCore
import SatsimModel
import Testing

/// Health checks: probes wait in the queue like requests, so overload reads as sickness.
@Suite("Health checks")
struct HealthCheckTests {
    static func spec(
        rate: Double, check: HealthCheckSpec, instances: Int = 4, spike: Double? = nil, duration: Double = 120
    ) -> ScenarioSpec {
        ScenarioSpec(
            name: "health", duration: SimTime(seconds: duration), seed: 8,
            clients: [ClientSpec(name: "users", target: "api", arrival: .poisson(rate: rate), timeout: SimTime(seconds: 2))],
            services: [
                ServiceSpec(
                    name: "api", instances: instances, workers: 4, serviceTime: .exponential(mean: 0.02),
                    queue: QueueSpec(capacity: 500), healthCheck: check, bootTime: SimTime(seconds: 10))
            ],
            timeline: spike.map {
                [TimelineEventSpec(at: SimTime(seconds: 30), duration: SimTime(seconds: 20), action: .loadSpike(client: "users", factor: $0))]
            } ?? [])
    }

    static func check(_ action: HealthAction, panic: Double = 0) -> HealthCheckSpec {
        HealthCheckSpec(
            interval: SimTime(seconds: 2), timeout: SimTime(seconds: 0.5), unhealthyAfter: 2, healthyAfter: 2, action: action,
            panicThreshold: panic)
    }

    static func runChecked(_ spec: ScenarioSpec) -> SimulationResult {
        let simulation = Simulation(spec: spec)
        simulation.prepare()
        var t = 0.0
        while t < spec.duration.seconds {
            t += 1
            _ = RunLoop.run(simulation, until: SimTime(seconds: t))
            simulation.checkInvariants()
        }
        return simulation.run()
    }

    @Test("A healthy service passes every probe; probes are not counted as arrivals")
    func healthyServiceIsLeftAlone() {
        let result = Self.runChecked(Self.spec(rate: 300, check: Self.check(.eject)))
        #expect(result.events.isEmpty)
        #expect(result.services[0].arrivals == result.clients[0].attempts)
        #expect(result.services[0].instances.min == 4)
    }

    @Test("Overload makes instances fail their probes: ejection moves their load onto the rest, a cascade")
    func ejectionCascade() {
        // 4 x 4 workers / 20 ms = 800/s; a 20 s spike to 1200/s fills the queues past the probe timeout.
        let result = Self.runChecked(Self.spec(rate: 600, check: Self.check(.eject), spike: 2))
        let ejected = result.events.filter { $0.kind == .instanceEjected }
        #expect(ejected.count >= 4, "only \(ejected.count) ejections")
        // Each instance is probed on its own schedule (random first phase), so the instances are
        // ejected one after another, never several in the same instant as lockstep probes did.
        let times = ejected.map(\.time)
        #expect(Set(times).count == times.count, "ejections at the same instant: \(times)")
        #expect(result.services[0].instances.min == 0, "the cascade did not eject every instance")
        // With nothing in the balancer, new attempts are refused.
        #expect(result.services[0].rejected > 0)
        #expect(result.events.contains { $0.kind == .instanceReadmitted })
    }

    @Test("The panic threshold keeps every instance in use when too few are healthy")
    func panicThresholdStopsTheCascade() {
        let result = Self.runChecked(Self.spec(rate: 600, check: Self.check(.eject, panic: 0.5), spike: 2))
        #expect(result.events.contains { $0.kind == .panicStarted })
        // Never an empty balancer: no attempt is refused for want of an instance (a full queue
        // can still turn some away, but not the thousands an empty balancer does).
        let noPanic = Self.runChecked(Self.spec(rate: 600, check: Self.check(.eject), spike: 2))
        #expect(result.services[0].rejected < noPanic.services[0].rejected)
        // The balancer's list never empties, so the time-averaged instances in use stay up; the
        // cascade without panic mode sends the minimum to zero.
        #expect(noPanic.services[0].instances.min == 0)
        #expect(result.events.filter { $0.kind == .instanceEjected }.count >= 2)
    }

    @Test("restart: a failing instance is killed and comes back after boot_time")
    func restart() {
        let result = Self.runChecked(Self.spec(rate: 600, check: Self.check(.restart), spike: 2))
        let restarts = result.events.filter { $0.kind == .instanceKilled }
        #expect(!restarts.isEmpty)
        #expect(restarts.allSatisfy { $0.detail.contains("health checks") })
        #expect(result.events.filter { $0.kind == .instanceReady }.count == restarts.count)
    }
}
