import Foundation
import SatsimCore
import SatsimMetrics
import SatsimModel
import SatsimTestSupport
import Testing

/// Client timeouts and retries against what probability and queueing theory say they must do.
///
/// A client timeout does not change the server's queue: the server does not know the client gave
/// up (DESIGN.md, "wasted work"), so it serves the abandoned attempt anyway, and the station
/// behaves exactly as without timeouts. An attempt therefore times out with the probability that
/// its sojourn time exceeds the timeout, P(T > tau), from the stationary sojourn distribution:
/// exponential with rate mu - lambda for M/M/1 (Kleinrock, *Queueing Systems* vol. 1, chapter 3 (M/M/1)),
/// Erlang C's wait plus the service for M/M/c (``LatencyQuantileTheoryTests``). And each attempt
/// that timed out still completes later, as wasted work.
///
/// Retries on independent failures: if each attempt fails with probability p, independently,
/// and a request makes at most n attempts, it succeeds with probability 1 - p^n and sends
/// sum_{k<n} p^k = (1 - p^n) / (1 - p) attempts on average (a truncated geometric count: the
/// number of Bernoulli trials up to the first success, capped at n; W. Feller, *An Introduction to
/// Probability Theory and Its Applications* vol. 1, chapter VI).
@Suite("Timeouts and retries against probability and queueing theory")
struct TimeoutRetryTheoryTests {
    static func station(lambda: Double, servers: Int, timeout: Double, customers: Double, seed: UInt64) -> ScenarioSpec {
        let horizon = customers / lambda
        return ScenarioSpec(
            name: "station", duration: SimTime(seconds: horizon * 1.1), warmup: SimTime(seconds: horizon * 0.1),
            seed: seed, metricsInterval: SimTime(seconds: horizon),
            clients: [
                ClientSpec(name: "load", target: "station", arrival: .poisson(rate: lambda), timeout: SimTime(seconds: timeout))
            ],
            services: [ServiceSpec(name: "station", instances: 1, workers: servers, serviceTime: .exponential(mean: 1))])
    }

    @Test("M/M/1 with a client timeout tau and no retry: a share e^-(mu - lambda) tau of requests time out, and each is served anyway",
          arguments: [(0.7, 3.0), (0.9, 20.0)])
    func mm1TimeoutShare(rho: Double, tau: Double) {
        let runs = (1...10).map {
            Simulation(spec: Self.station(lambda: rho, servers: 1, timeout: tau, customers: rho < 0.8 ? 60_000 : 500_000, seed: UInt64($0))).run()
        }
        let theory = exp(-(1 - rho) * tau)
        QueueingTheoryTests.expectWithin(
            theory, runs.map { Double($0.clients[0].attemptOutcomes["timeout", default: 0]) / Double($0.clients[0].attempts) },
            relativeWidth: 0.06, "M/M/1 timeout share at rho \(rho), tau \(tau)")
        // The queue is the queue without timeouts: the mean wait is still rho / (mu - lambda).
        QueueingTheoryTests.expectWithin(
            rho / (1 - rho), runs.map(\.services[0].meanWait), relativeWidth: 0.1, "M/M/1 Wq with abandoning clients at rho \(rho)")
        // Every attempt that timed out completes later as wasted work; the difference is those
        // still in the queue at the run's end, and the window's edges (the warmup and the end
        // cut both counts, at different times).
        for run in runs {
            let timeouts = Double(run.clients[0].attemptOutcomes["timeout", default: 0])
            let wasted = Double(run.services[0].wasted)
            #expect(abs(wasted - timeouts) / timeouts < 0.02, "wasted \(wasted) against \(timeouts) timeouts")
        }
    }

    @Test("M/M/c with a client timeout: the timed-out share is the sojourn time's tail, Erlang C's wait plus the service")
    func mmcTimeoutShare() {
        let c = 4, rho = 0.9, tau = 5.0
        let lambda = rho * Double(c)
        let runs = (1...10).map {
            Simulation(spec: Self.station(lambda: lambda, servers: c, timeout: tau, customers: 500_000, seed: UInt64($0))).run()
        }
        let theory = LatencyQuantileTheoryTests.mmcSojournTail(tau, servers: c, lambda: lambda)
        QueueingTheoryTests.expectWithin(
            theory, runs.map { Double($0.clients[0].attemptOutcomes["timeout", default: 0]) / Double($0.clients[0].attempts) },
            relativeWidth: 0.06, "M/M/\(c) timeout share at rho \(rho), tau \(tau)")
    }

    @Test("Retries on independent failures: success 1 - p^n, attempts per request (1 - p^n) / (1 - p)",
          arguments: [(0.4, 3), (0.7, 4), (0.2, 1)])
    func independentFailures(p: Double, n: Int) {
        let runs = (1...10).map { seed -> ClientSummary in
            let spec = ScenarioSpec(
                name: "flaky", duration: SimTime(seconds: 220), warmup: SimTime(seconds: 20), seed: UInt64(seed),
                clients: [
                    ClientSpec(
                        name: "users", target: "api", arrival: .poisson(rate: 200), timeout: SimTime(seconds: 1),
                        retry: RetrySpec(maxAttempts: n))
                ],
                services: [ServiceSpec(name: "api", instances: 1, workers: 50, serviceTime: .exponential(mean: 0.01))],
                timeline: [
                    TimelineEventSpec(at: .zero, duration: SimTime(seconds: 1_000), action: .errors(service: "api", ratio: p))
                ])
            return Simulation(spec: spec).run().clients[0]
        }
        let success = 1 - pow(p, Double(n))
        QueueingTheoryTests.expectWithin(
            success, runs.map { Double($0.successes) / Double($0.requests) }, relativeWidth: 0.02, "success at p \(p), n \(n)")
        QueueingTheoryTests.expectWithin(
            success / (1 - p), runs.map(\.amplification), relativeWidth: 0.02, "attempts per request at p \(p), n \(n)")
        // Nothing timed out: every failure is an injected error, and every attempt is accounted for.
        for run in runs {
            #expect(run.attemptOutcomes["timeout", default: 0] == 0)
            #expect(run.successes + run.failures <= run.requests)
        }
    }
}
