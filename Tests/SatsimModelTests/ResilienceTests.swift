import SatsimCore
import SatsimModel
import Testing

/// Client-side guards against their defining formulas.
@Suite("Retry budgets, circuit breakers, adaptive throttling")
struct ResilienceTests {
    /// A service that never answers in time: every attempt times out (service 1 s, timeout 10 ms).
    static func alwaysFailing(
        rate: Double, constant: Bool = false, duration: Double = 200, retry: RetrySpec? = nil, breaker: CircuitBreakerSpec? = nil,
        throttle: AdaptiveThrottleSpec? = nil
    ) -> ScenarioSpec {
        ScenarioSpec(
            name: "failing", duration: SimTime(seconds: duration), seed: 21,
            clients: [
                ClientSpec(
                    name: "users", target: "slow", arrival: constant ? .constant(rate: rate) : .poisson(rate: rate),
                    timeout: SimTime(seconds: 0.01),
                    retry: retry, circuitBreaker: breaker, adaptiveThrottle: throttle)
            ],
            services: [ServiceSpec(name: "slow", instances: 1, workers: 10_000, serviceTime: .constant(value: 1))])
    }

    @Test("Retry budget: retries stay within ratio x first attempts, and the bound binds under failure")
    func retryBudgetRatio() {
        let spec = Self.alwaysFailing(
            rate: 200, retry: RetrySpec(maxAttempts: 5, budget: RetryBudgetSpec(ratio: 0.1, minPerSecond: 0)))
        let c = Simulation(spec: spec).run().clients[0]
        let retries = c.attempts - c.requests
        // Finagle's bound: retries <= ratio x deposits (+ the reserve, zero here).
        #expect(Double(retries) <= 0.1 * Double(c.requests) + 1)
        // Every request fails, so the budget is the only limit: it is spent (within one window's
        // worth of deposits at the start).
        #expect(Double(retries) >= 0.1 * Double(c.requests) - 0.1 * 200 * 10)
        #expect(c.attemptOutcomes["rejected", default: 0] > 0)
        #expect(c.successes == 0)
    }

    @Test("Retry budget: the reserve allows min_per_second retries when the ratio allows none")
    func retryBudgetReserve() {
        let duration = 200.0
        let spec = Self.alwaysFailing(
            rate: 50, duration: duration,
            retry: RetrySpec(maxAttempts: 3, budget: RetryBudgetSpec(ratio: 0, minPerSecond: 2)))
        let c = Simulation(spec: spec).run().clients[0]
        let retries = Double(c.attempts - c.requests)
        // A reserve of 2/s x 10 s per window: 2 retries per second in the long run.
        #expect(retries <= 2 * (duration + 10) + 1)
        #expect(retries >= 2 * (duration - 10))
    }

    @Test("Without a budget the same failure sends max_attempts per request")
    func noBudgetAmplifies() {
        let spec = Self.alwaysFailing(rate: 200, retry: RetrySpec(maxAttempts: 5))
        let c = Simulation(spec: spec).run().clients[0]
        #expect(c.amplification > 4.9)
    }

    @Test("Circuit breaker: while it is open nothing is sent; each cycle lets half_open_probes through")
    func breakerCycles() {
        let breaker = CircuitBreakerSpec(
            failureRatio: 0.5, minRequests: 20, window: SimTime(seconds: 10), openFor: SimTime(seconds: 5),
            halfOpenProbes: 5)
        let duration = 200.0
        // One request every 4 ms. 20 failures trip it; each cycle it stays open 5 s, then lets
        // probes through until the first one times out 10 ms later: 1 + floor(10 / 4) = 3 probes,
        // and a cycle lasts 5 s + up to 4 ms to the next request + 10 ms.
        let result = Simulation(spec: Self.alwaysFailing(rate: 250, constant: true, duration: duration, breaker: breaker)).run()
        let c = result.clients[0]
        let cycles = (duration - 0.09) / 5.012
        let expected = 20 + 3 * cycles
        #expect(abs(Double(c.attempts) - expected) <= 6, "sent \(c.attempts), expected about \(expected)")
        #expect(c.attemptOutcomes["rejected", default: 0] == c.requests - c.attempts)
        // Nothing the breaker rejected reached the service.
        #expect(result.services[0].arrivals == c.attempts)
    }

    @Test("Circuit breaker through the simulation: exact attempts, rejections and state changes, derived by hand")
    func breakerExactCycle() {
        // One request every 10 ms (the first at 10 ms); the service fails every attempt at once
        // until 5.05 s, then answers each in 50 ms. Breaker: 10 attempts, ratio 0.5, open 1 s,
        // 3 probes.
        // - The 10th failure (100 ms) opens it; the arrivals 110...1090 ms are rejected (99).
        // - At 1.1 s, exactly open_for later, the first probe goes out and fails at once: open
        //   again. The same at 2.1, 3.1 and 4.1 s: 5 openings, 5 x 99 rejections.
        // - At 5.1 s the fault is over: probes at 5.10, 5.11, 5.12 s; the arrivals at 5.13,
        //   5.14, 5.15 and 5.16 s are rejected (three probes are out; the answers at 5.15 and
        //   5.16 s come first at equal times, being scheduled earlier, but the third is still
        //   out); the third answer at 5.17 s closes it, and the arrival at 5.17 s goes through.
        // - From 5.17 to 6.00 s: 84 attempts, of which those sent by 5.95 s succeed by the end.
        let breaker = CircuitBreakerSpec(
            failureRatio: 0.5, minRequests: 10, window: SimTime(seconds: 10), openFor: SimTime(seconds: 1), halfOpenProbes: 3)
        let spec = ScenarioSpec(
            name: "breaker-exact", duration: SimTime(seconds: 6), seed: 1,
            clients: [
                ClientSpec(
                    name: "users", target: "api", arrival: .constant(rate: 100), timeout: SimTime(seconds: 1),
                    circuitBreaker: breaker)
            ],
            services: [ServiceSpec(name: "api", instances: 1, workers: 1000, serviceTime: .constant(value: 0.05))],
            timeline: [
                TimelineEventSpec(at: .zero, duration: SimTime(seconds: 5.05), action: .errors(service: "api", ratio: 1))
            ])
        let result = Simulation(spec: spec).run()
        let c = result.clients[0]
        #expect(c.requests == 600)
        #expect(c.attempts == 10 + 4 + 3 + 84)
        #expect(c.attemptOutcomes["rejected"] == 5 * 99 + 4)
        #expect(c.attemptOutcomes["error"] == 10 + 4)
        #expect(c.successes == 3 + 79)
        #expect(result.services[0].arrivals == c.attempts)
        let opened = result.events.filter { $0.kind == .breakerOpened }.map(\.time)
        let halfOpen = result.events.filter { $0.kind == .breakerHalfOpen }.map(\.time)
        let closed = result.events.filter { $0.kind == .breakerClosed }.map(\.time)
        func near(_ a: [Double], _ b: [Double]) -> Bool { a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) < 1e-9 } }
        #expect(near(opened, [0.1, 1.1, 2.1, 3.1, 4.1]), "opened at \(opened)")
        #expect(near(halfOpen, [1.1, 2.1, 3.1, 4.1, 5.1]), "half-open at \(halfOpen)")
        #expect(near(closed, [5.17]), "closed at \(closed)")
    }

    @Test("Circuit breaker: closes again once probes succeed")
    func breakerCloses() {
        // Healthy service, but a 20 s spike overloads its one-slot queue: errors trip the breaker;
        // after the spike the probes succeed and traffic flows again.
        let spec = ScenarioSpec(
            name: "recovering", duration: SimTime(seconds: 120), seed: 4,
            clients: [
                ClientSpec(
                    name: "users", target: "api", arrival: .poisson(rate: 50), timeout: SimTime(seconds: 1),
                    circuitBreaker: CircuitBreakerSpec(
                        failureRatio: 0.3, minRequests: 20, window: SimTime(seconds: 5), openFor: SimTime(seconds: 2),
                        halfOpenProbes: 3))
            ],
            services: [
                ServiceSpec(name: "api", instances: 1, workers: 2, serviceTime: .exponential(mean: 0.01), queue: QueueSpec(capacity: 1))
            ],
            timeline: [
                TimelineEventSpec(at: SimTime(seconds: 30), duration: SimTime(seconds: 20), action: .loadSpike(client: "users", factor: 10))
            ])
        let result = Simulation(spec: spec).run()
        let series = result.timeSeries
        let rejected = series.column("clients.users.rejected") ?? []
        let successes = series.column("clients.users.successes") ?? []
        #expect(rejected[30..<55].reduce(0, +) > 0, "the breaker never opened during the spike")
        #expect(rejected[70..<120].reduce(0, +) == 0, "the breaker did not close after the spike")
        #expect(successes[70..<120].reduce(0, +) / 50 > 45)
    }

    @Test("Adaptive throttle: an overloaded backend sees about k x its accepts", arguments: [2.0, 3.0])
    func throttleSendsKTimesAccepts(k: Double) {
        // Capacity 100/s (one worker, 10 ms, one queue slot), 1000/s offered, no retries.
        let spec = ScenarioSpec(
            name: "throttled", duration: SimTime(seconds: 300), warmup: SimTime(seconds: 60), seed: 9,
            clients: [
                ClientSpec(
                    name: "users", target: "api", arrival: .poisson(rate: 1000),
                    adaptiveThrottle: AdaptiveThrottleSpec(k: k, window: SimTime(seconds: 30)))
            ],
            services: [
                ServiceSpec(name: "api", instances: 1, workers: 1, serviceTime: .constant(value: 0.01), queue: QueueSpec(capacity: 1))
            ])
        let c = Simulation(spec: spec).run().clients[0]
        let ratio = Double(c.attempts) / Double(c.successes)
        #expect(abs(ratio - k) < 0.05 * k, "sent / accepted = \(ratio), k = \(k)")
        #expect(c.attemptOutcomes["rejected", default: 0] > c.requests / 2)
    }

    /// The SRE book (https://sre.google/sre-book/handling-overload/, "Client-side throttling")
    /// counts as `accepts` the requests the backend accepted; the schema fixes what that is here:
    /// the attempts that succeeded, an error or a timeout being no accept. A backend that fails
    /// every attempt then has no accepts, p = requests / (requests + 1) tends to 1, and the
    /// client sends almost nothing; were failures counted as accepts, p would stay 0.
    @Test("Adaptive throttle: errors and timeouts are not accepts, so a backend failing everything is left alone",
          arguments: ["error", "timeout"])
    func throttleFailuresAreNotAccepts(failure: String) {
        let throttle = AdaptiveThrottleSpec(k: 2, window: SimTime(seconds: 30))
        let spec: ScenarioSpec
        if failure == "timeout" {
            spec = Self.alwaysFailing(rate: 200, throttle: throttle)
        } else {
            spec = ScenarioSpec(
                name: "erroring", duration: SimTime(seconds: 200), seed: 21,
                clients: [ClientSpec(name: "users", target: "api", arrival: .poisson(rate: 200), adaptiveThrottle: throttle)],
                services: [ServiceSpec(name: "api", instances: 1, workers: 100, serviceTime: .constant(value: 0.001))],
                timeline: [TimelineEventSpec(at: .zero, duration: SimTime(seconds: 200), action: .errors(service: "api", ratio: 1))])
        }
        let c = Simulation(spec: spec).run().clients[0]
        #expect(c.successes == 0)
        // Every attempt that ended, ended in that failure (or was rejected by the throttle).
        #expect(Set(c.attemptOutcomes.filter { $0.value > 0 }.keys).isSubset(of: [failure, "rejected"]), "\(c.attemptOutcomes)")
        // About 40,000 requests: with no accepts, each 30 s window lets a handful through.
        #expect(c.requests > 35_000)
        #expect(Double(c.attempts) < 0.01 * Double(c.requests), "sent \(c.attempts) of \(c.requests)")
        #expect(c.attemptOutcomes["rejected", default: 0] == c.requests - c.attempts)
    }
}
