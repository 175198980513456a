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
        // One request every 4 ms (the first at 4 ms), each timing out 10 ms after it is sent.
        // The 20th timeout (of the attempt sent at 80 ms) trips it at 90 ms, with 22 attempts
        // sent. Each cycle it stays open 5 s; the next request (2 ms later: timeouts fall at
        // 2 mod 4 ms) is the first of 5 probes, sent 4 ms apart; the breaker waits for all of
        // them (resilience4j: "until all permitted calls have completed") and the last times
        // out 16 + 10 ms after the first went: 5/5 failed, open again. A cycle lasts
        // 5 s + 2 ms + 26 ms; half-open periods start at 5.092 s + k x 5.028 s, 39 of them
        // before 200 s (k = 0...38, the last at 196.156 s), 5 probes each.
        let result = Simulation(spec: Self.alwaysFailing(rate: 250, constant: true, duration: duration, breaker: breaker)).run()
        let c = result.clients[0]
        #expect(c.attempts == 22 + 39 * 5, "sent \(c.attempts)")
        let halfOpen = result.events.filter { $0.kind == .breakerHalfOpen }.map(\.time)
        #expect(halfOpen.count == 39)
        #expect(abs((halfOpen.first ?? 0) - 5.092) < 1e-9 && abs((halfOpen.last ?? 0) - 196.156) < 1e-9, "half-open at \(halfOpen)")
        #expect(c.attemptOutcomes["rejected", default: 0] == c.requests - c.attempts)
        // Nothing the breaker rejected reached the service.
        #expect(result.services[0].arrivals == c.attempts)
    }

    @Test("Circuit breaker through the simulation: exact attempts, rejections and state changes, derived by hand")
    func breakerExactCycle() {
        // One request every 10 ms (the first at 10 ms); the service fails every attempt at once
        // until 5.05 s, then answers each in 50 ms. Breaker: 10 attempts, ratio 0.5, open 1 s,
        // 3 probes, judged once all three ended (resilience4j, https://resilience4j.readme.io/docs/circuitbreaker).
        // - The 10th failure (100 ms) opens it; the arrivals 110...1090 ms are rejected (99).
        // - At 1.1 s, exactly open_for later, probes go out at 1.10, 1.11 and 1.12 s and fail at
        //   once; the third ends the probing, 3/3 >= 0.5: open again at 1.12 s. The same at
        //   2.12, 3.14 and 4.16 s (each period 1 s + 20 ms): 5 openings, 5 x 99 rejections.
        // - At 5.18 s the fault is over: probes at 5.18, 5.19, 5.20 s; the arrivals at 5.21,
        //   5.22, 5.23 and 5.24 s are rejected (probes are out; the answers at 5.23 and 5.24 s
        //   come first at equal times, being scheduled earlier, but the third is still out);
        //   the third answer at 5.25 s closes it (0/3 failed), and the arrival at 5.25 s goes through.
        // - From 5.25 to 6.00 s: 76 attempts, of which those sent by 5.95 s succeed by the end (71).
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
        #expect(c.attempts == 10 + 4 * 3 + 3 + 76)
        #expect(c.attemptOutcomes["rejected"] == 5 * 99 + 4)
        #expect(c.attemptOutcomes["error"] == 10 + 4 * 3)
        #expect(c.successes == 3 + 71)
        #expect(result.services[0].arrivals == c.attempts)
        let opened = result.events.filter { $0.kind == .breakerOpened }.map(\.time)
        let halfOpen = result.events.filter { $0.kind == .breakerHalfOpen }.map(\.time)
        let closed = result.events.filter { $0.kind == .breakerClosed }.map(\.time)
        func near(_ a: [Double], _ b: [Double]) -> Bool { a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) < 1e-9 } }
        #expect(near(opened, [0.1, 1.12, 2.14, 3.16, 4.18]), "opened at \(opened)")
        #expect(near(halfOpen, [1.1, 2.12, 3.14, 4.16, 5.18]), "half-open at \(halfOpen)")
        #expect(near(closed, [5.25]), "closed at \(closed)")
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
