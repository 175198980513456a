import SatsimCore
import SatsimModel
import Testing

@Suite("Simulation bookkeeping")
struct SimulationInvariantTests {
    /// Runs in slices and checks the invariants between slices, under overload, timeouts,
    /// retries, queue timeouts and every balancer.
    @Test("Invariants hold throughout a run", arguments: BalancerKind.allCases)
    func invariantsHoldThroughout(balancer: BalancerKind) {
        let spec = ScenarioSpec(
            name: "inv", duration: SimTime(seconds: 30), seed: 11,
            clients: [
                ClientSpec(
                    name: "open", target: "api", arrival: .poisson(rate: 500), network: .uniform(min: 0, max: 0.004),
                    timeout: SimTime(seconds: 0.3),
                    retry: RetrySpec(
                        maxAttempts: 3,
                        backoff: BackoffSpec(base: SimTime(seconds: 0.01), multiplier: 2, cap: SimTime(seconds: 0.5), jitter: .decorrelated))),
                ClientSpec(
                    name: "closed", target: "api", arrival: .closed(users: 20, think: .exponential(mean: 0.1)),
                    timeout: SimTime(seconds: 1)),
            ],
            services: [
                ServiceSpec(
                    name: "api", instances: 3, workers: 4, serviceTime: .gamma(mean: 0.03, cv: 1.5), contention: 0.02,
                    queue: QueueSpec(capacity: 30, discipline: balancer == .random ? .lifo : .fifo, timeout: SimTime(seconds: 0.2)),
                    balancer: balancer)
            ],
            timeline: [
                TimelineEventSpec(at: SimTime(seconds: 10), duration: SimTime(seconds: 5), action: .loadSpike(client: "open", factor: 3)),
                TimelineEventSpec(at: SimTime(seconds: 12), duration: SimTime(seconds: 5), action: .loadSpike(client: "closed", factor: 2)),
            ])
        let simulation = Simulation(spec: spec)
        simulation.prepare()
        var t = 0.0
        while t < 30 {
            t += 0.25
            _ = RunLoop.run(simulation, until: SimTime(seconds: t))
            simulation.checkInvariants()
        }
    }

    @Test("Every attempt ends exactly one way, and requests end at most once")
    func accountingAddsUp() {
        let spec = ScenarioSpec(
            name: "acc", duration: SimTime(seconds: 40), seed: 3,
            clients: [
                ClientSpec(
                    name: "users", target: "api", arrival: .poisson(rate: 400), timeout: SimTime(seconds: 0.2),
                    retry: RetrySpec(maxAttempts: 3))
            ],
            services: [ServiceSpec(name: "api", instances: 2, workers: 4, serviceTime: .exponential(mean: 0.02), queue: QueueSpec(capacity: 10))])
        let result = Simulation(spec: spec).run()
        let c = result.clients[0], s = result.services[0]
        let ended = c.attemptOutcomes.values.reduce(0, +)
        // Attempts still in flight at the end are bounded by what a 0.2 s timeout allows.
        #expect(ended <= c.attempts && c.attempts - ended < 400)
        #expect(c.successes + c.failures <= c.requests)
        #expect(c.attempts - c.requests <= 2 * c.requests)
        // Every rejection at the service came back to the client as an error.
        #expect(s.rejected + s.dropped <= c.attemptOutcomes["error"] ?? 0)
        #expect(s.completions + s.rejected + s.dropped <= s.arrivals)
        // The service is overloaded (400/s offered, 400/s capacity): there is wasted work.
        #expect(s.wasted > 0)
    }
}

extension SimulationInvariantTests {
    @Test("Invariants hold with calls, kills, pauses, scaling and outages together")
    func invariantsUnderFaultsAndCalls() {
        let spec = ScenarioSpec(
            name: "chaos", duration: SimTime(seconds: 40), seed: 5,
            clients: [
                ClientSpec(
                    name: "users", target: "api", arrival: .poisson(rate: 300), timeout: SimTime(seconds: 0.5),
                    retry: RetrySpec(maxAttempts: 3, budget: RetryBudgetSpec(ratio: 0.2, minPerSecond: 5)),
                    circuitBreaker: CircuitBreakerSpec(
                        failureRatio: 0.5, minRequests: 20, window: SimTime(seconds: 5), openFor: SimTime(seconds: 1),
                        halfOpenProbes: 3))
            ],
            services: [
                ServiceSpec(
                    name: "api", instances: 3, workers: 8, serviceTime: .exponential(mean: 0.01), queue: QueueSpec(capacity: 50),
                    balancer: .leastOutstanding,
                    calls: [
                        CallSpec(service: "db", timeout: SimTime(seconds: 0.2), retry: RetrySpec(maxAttempts: 2)),
                        CallSpec(service: "cache", probability: 0.5, optional: true),
                    ],
                    bootTime: SimTime(seconds: 2)),
                ServiceSpec(name: "db", instances: 2, workers: 4, serviceTime: .lognormal(mean: 0.02, cv: 1.5), queue: QueueSpec(capacity: 20)),
                ServiceSpec(name: "cache", instances: 1, workers: 50, serviceTime: .constant(value: 0.001)),
            ],
            timeline: [
                TimelineEventSpec(at: SimTime(seconds: 5), action: .kill(service: "api", count: 1)),
                TimelineEventSpec(at: SimTime(seconds: 8), duration: SimTime(seconds: 2), action: .pause(service: "db", count: 1)),
                TimelineEventSpec(at: SimTime(seconds: 12), action: .scale(service: "api", to: 6)),
                TimelineEventSpec(at: SimTime(seconds: 15), duration: SimTime(seconds: 5), action: .outage(service: "db", mode: .blackhole)),
                TimelineEventSpec(at: SimTime(seconds: 22), action: .deploy(service: "db", batch: 1, every: SimTime(seconds: 3))),
                TimelineEventSpec(at: SimTime(seconds: 30), action: .scale(service: "api", to: 2)),
            ])
        let simulation = Simulation(spec: spec)
        simulation.prepare()
        var t = 0.0
        while t < 40 {
            t += 0.25
            _ = RunLoop.run(simulation, until: SimTime(seconds: t))
            simulation.checkInvariants()
        }
    }
}
