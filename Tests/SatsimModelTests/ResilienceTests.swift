import SatsimCore
import SatsimModel
import SatsimTestSupport
import Testing

/// Client-side guards against their defining formulas.
@Suite("Retry budgets, circuit breakers, adaptive throttling")
struct ResilienceTests {
    /// A service that never answers in time: every attempt times out (service 1 s, timeout 10 ms).
    static func alwaysFailing(
        rate: Double, constant: Bool = false, duration: Double = 200, retry: RetrySpec? = nil, breaker: CircuitBreakerSpec? = nil,
        throttle: AdaptiveThrottleSpec? = nil, seed: UInt64 = 21
    ) -> ScenarioSpec {
        ScenarioSpec(
            name: "failing", duration: SimTime(seconds: duration), seed: seed,
            clients: [
                ClientSpec(
                    name: "users", target: "slow", arrival: constant ? .constant(rate: rate) : .poisson(rate: rate),
                    timeout: SimTime(seconds: 0.01),
                    retry: retry, circuitBreaker: breaker, adaptiveThrottle: throttle)
            ],
            services: [ServiceSpec(name: "slow", instances: 1, workers: 10_000, serviceTime: .constant(value: 1))])
    }

    /// Finagle's `RetryBudget.apply(ttl, minRetriesPerSec, percentCanRetry)` (twitter/finagle,
    /// finagle-core/src/main/scala/com/twitter/finagle/service/RetryBudget.scala) "allows for about
    /// `percentCanRetry` percent of the total requests to be retried" on top of "the minimum rate of
    /// retries allowed", `minRetriesPerSec`. Against a service that fails every attempt the budget
    /// is the only limit (each request would retry four times), so the retries a run sends are
    /// `ratio x first attempts + min_per_second x duration`, less a bias of the whole-token rule:
    ///
    /// Over every aligned 10 s window [10k, 10k + 10) (the window's ten 1 s buckets, as Finagle's
    /// ten slices), the balance reserve + deposits - withdrawals stays below one token, else the
    /// next failure (a few ms later) would take it; so each window's retries fall short of its
    /// deposits + reserve by less than one token, and the run's by less than duration / 10 s
    /// tokens (20 over 200 s, at most 0.5% of the 4,000 retries here). That is the "about" of
    /// Finagle's comment, and the interval is widened by it on the low side only: the rule can
    /// lose a fraction of a token per window, never grant one more. With `ratio` 0 every withdrawal
    /// is whole and the reserve's 20 tokens are spent at once each window, so the count is exact
    /// (400 over 200 s on every seed: the interval has zero width and the bias is 0).
    ///
    /// Finagle allows `percentCanRetry` up to 1000 ("If `2.0` is used then every `deposit` allows
    /// for 2 retries"), so the fourth case binds at two retries per first attempt, below the four
    /// that `max_attempts: 5` would send.
    ///
    /// 10 seeds; the measured figure is retries / (ratio x requests + min_per_second x duration).
    /// Each run also keeps the hard bound (retries <= ratio x requests + min_per_second x
    /// (duration + 10 s) + 1) that the single-seed test held before.
    @Test("Retry budget under total failure (10 seeds): retries run at ratio x first attempts + min_per_second, short by under one token per 10 s window",
          arguments: [(0.1, 0.0, 200.0), (0.0, 2.0, 50.0), (0.1, 2.0, 200.0), (2.0, 0.0, 50.0)])
    func retryBudgetBinds(ratio: Double, minPerSecond: Double, rate: Double) {
        let duration = 200.0
        let runs = (1...10).map { seed in
            Simulation(spec: Self.alwaysFailing(
                rate: rate, duration: duration,
                retry: RetrySpec(maxAttempts: 5, budget: RetryBudgetSpec(ratio: ratio, minPerSecond: minPerSecond)),
                seed: UInt64(seed))).run().clients[0]
        }
        var shares: [Double] = []
        var expected: [Double] = []
        for c in runs {
            let retries = Double(c.attempts - c.requests)
            let allowed = ratio * Double(c.requests) + minPerSecond * duration
            shares.append(retries / allowed)
            expected.append(allowed)
            #expect(retries <= ratio * Double(c.requests) + minPerSecond * (duration + 10) + 1, "retries \(retries) of \(c.requests)")
            #expect(c.attemptOutcomes["rejected", default: 0] > 0)
            #expect(c.successes == 0)
        }
        let ci = ConfidenceInterval(samples: shares, level: 0.99)
        // Less than one token per aligned 10 s window, relative to the retries allowed; none
        // when every deposit is a whole token (ratio 0).
        let meanAllowed = expected.reduce(0, +) / Double(expected.count)
        let bias = ratio > 0 ? (duration / 10) / meanAllowed : 0
        #expect(ci.mean - ci.halfWidth <= 1 && 1 <= ci.mean + ci.halfWidth + bias,
                "ratio \(ratio), min_per_second \(minPerSecond): retries / allowed \(ci), whole-token bias \(bias)")
        #expect(ci.relativeHalfWidth < 0.002, "interval too wide to be a test: \(ci)")
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
        // - The 10th failure (100 ms) opens it; the arrivals 110...1100 ms are rejected (100):
        //   the one at 1.1 s, exactly open_for later, too, since the breaker half-opens only
        //   strictly after open_for (resilience4j's `isAfter(retryAfterWaitDuration)`).
        // - Probes go out at 1.11, 1.12 and 1.13 s and fail at once; the third ends the probing,
        //   3/3 >= 0.5: open again at 1.13 s. The same at 2.16, 3.19 and 4.22 s (each period
        //   1 s + 30 ms): 5 openings, 5 x 100 rejections.
        // - At 5.23 s the fault is over: probes at 5.23, 5.24, 5.25 s; the arrivals at 5.26,
        //   5.27, 5.28 and 5.29 s are rejected (probes are out; the answers at 5.28 and 5.29 s
        //   come first at equal times, being scheduled earlier, but the third is still out);
        //   the third answer at 5.30 s closes it (0/3 failed), and the arrival at 5.30 s goes through.
        // - From 5.30 to 6.00 s: 71 attempts, of which those sent by 5.95 s succeed by the end (66).
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
        #expect(c.attempts == 10 + 4 * 3 + 3 + 71)
        #expect(c.attemptOutcomes["rejected"] == 5 * 100 + 4)
        #expect(c.attemptOutcomes["error"] == 10 + 4 * 3)
        #expect(c.successes == 3 + 66)
        #expect(result.services[0].arrivals == c.attempts)
        let opened = result.events.filter { $0.kind == .breakerOpened }.map(\.time)
        let halfOpen = result.events.filter { $0.kind == .breakerHalfOpen }.map(\.time)
        let closed = result.events.filter { $0.kind == .breakerClosed }.map(\.time)
        func near(_ a: [Double], _ b: [Double]) -> Bool { a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) < 1e-9 } }
        #expect(near(opened, [0.1, 1.13, 2.16, 3.19, 4.22]), "opened at \(opened)")
        #expect(near(halfOpen, [1.11, 2.14, 3.17, 4.20, 5.23]), "half-open at \(halfOpen)")
        #expect(near(closed, [5.30]), "closed at \(closed)")
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

    /// Google SRE book, chapter 21 "Handling Overload", "Client-side throttling"
    /// (https://sre.google/sre-book/handling-overload/): "Clients can continue to issue requests
    /// to the backend until requests is K times as large as accepts"; past that the client rejects
    /// locally with p = max(0, (requests - K x accepts) / (requests + 1)). In steady state the
    /// client sends lambda (1 - p) = lambda (1 + K A) / (R + 1) per second, with R = lambda W and
    /// A = a W the window's requests and accepts (a the accept rate): K a + (1 - K a / lambda) / W,
    /// so attempts / successes = K + (1 - K a / lambda) / (a W). Here (lambda 1,000/s, W 30 s,
    /// a about 92/s at K = 2 and 98/s at K = 3) that second term, the "+ 1", is under 0.02% of K,
    /// a twentieth of the interval's relative half-width (0.4-0.5%): no widening. So this test
    /// cannot see the "+ 1" (dropping it was tried: it still passes); GuardFormulaTests pins it
    /// exactly.
    ///
    /// Capacity 100/s (one worker, 10 ms, one queue slot), 1,000/s offered, no retries; 300 s
    /// of which the first 60 s are warmup; 10 seeds; the figure is attempts / successes.
    @Test("Adaptive throttle (10 seeds): an overloaded backend sees K x its accepts, K inside the 99% interval of attempts / successes",
          arguments: [2.0, 3.0])
    func throttleSendsKTimesAccepts(k: Double) {
        let runs = (1...10).map { seed in
            let spec = ScenarioSpec(
                name: "throttled", duration: SimTime(seconds: 300), warmup: SimTime(seconds: 60), seed: UInt64(seed),
                clients: [
                    ClientSpec(
                        name: "users", target: "api", arrival: .poisson(rate: 1000),
                        adaptiveThrottle: AdaptiveThrottleSpec(k: k, window: SimTime(seconds: 30)))
                ],
                services: [
                    ServiceSpec(name: "api", instances: 1, workers: 1, serviceTime: .constant(value: 0.01), queue: QueueSpec(capacity: 1))
                ])
            return Simulation(spec: spec).run().clients[0]
        }
        for c in runs { #expect(c.attemptOutcomes["rejected", default: 0] > c.requests / 2) }
        QueueingTheoryTests.expectWithin(
            k, runs.map { Double($0.attempts) / Double($0.successes) }, relativeWidth: 0.01, "attempts / successes at K \(k)")
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
