import SatsimCore
import SatsimModel
import Testing

@Suite("Determinism")
struct DeterminismTests {
    static func spec(seed: UInt64) -> ScenarioSpec {
        ScenarioSpec(
            name: "det", duration: SimTime(seconds: 60), warmup: SimTime(seconds: 5), seed: seed,
            clients: [
                ClientSpec(
                    name: "users", target: "api", arrival: .poisson(rate: 180),
                    network: .exponential(mean: 0.002), timeout: SimTime(seconds: 0.2),
                    retry: RetrySpec(
                        maxAttempts: 3,
                        backoff: BackoffSpec(base: SimTime(seconds: 0.01), multiplier: 2, cap: SimTime(seconds: 1), jitter: .full)))
            ],
            services: [
                ServiceSpec(
                    name: "api", instances: 3, workers: 2, serviceTime: .lognormal(mean: 0.03, cv: 1),
                    queue: QueueSpec(capacity: 20), balancer: .powerOfTwo)
            ])
    }

    @Test("The same seed gives identical results; another seed gives other figures")
    func sameSeedSameResult() {
        let a = Simulation(spec: Self.spec(seed: 7)).run()
        let b = Simulation(spec: Self.spec(seed: 7)).run()
        let c = Simulation(spec: Self.spec(seed: 8)).run()
        #expect(a.clients == b.clients)
        #expect(a.services == b.services)
        #expect(a.timeSeries == b.timeSeries)
        #expect(a.clients != c.clients)
        #expect(a.timeSeries != c.timeSeries)
    }

    @Test("Adding a client leaves another client's arrival stream unchanged (common random numbers)")
    func commonRandomNumbers() {
        var base = Self.spec(seed: 3)
        base.services[0].workers = 1000
        base.services[0].queue.capacity = nil
        var extended = base
        extended.clients.append(ClientSpec(name: "batch", target: "api", arrival: .constant(rate: 5)))
        let a = Simulation(spec: base).run()
        let b = Simulation(spec: extended).run()
        // With ample capacity nobody waits, so the users' request count depends on their own
        // arrival stream only.
        #expect(a.clients[0].requests == b.clients[0].requests)
    }
}
