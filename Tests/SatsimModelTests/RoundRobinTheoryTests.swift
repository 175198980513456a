import Foundation
import SatsimCore
import SatsimMetrics
import SatsimModel
import SatsimTestSupport
import Testing

/// `balancer: round_robin` over single-worker instances against GI/M/1 theory.
///
/// One Poisson client of rate lambda sends to n instances in strict turn (the balancer walks
/// the serving instances in order, one step per pick; see ``BalancerPickTests``), so instance k
/// receives arrivals k, k + n, k + 2n, ...: its interarrival time is the sum of n exponentials
/// of rate lambda, an Erlang-n law of mean n / lambda, and each instance is an E_n/M/1 queue.
///
/// GI/M/1 (Kleinrock, *Queueing Systems* vol. 1, 1975, chapter 6, the queue G/M/m with m = 1;
/// Gross and Harris, *Fundamentals of Queueing Theory*, the G/M/1 section): let A*(s) be the
/// Laplace-Stieltjes transform of the interarrival time and sigma the root in (0, 1) of
/// sigma = A*(mu - mu sigma). An arrival finds k in the system with probability
/// (1 - sigma) sigma^k; under FCFS it waits with probability sigma, and then an exponential time
/// of rate mu (1 - sigma), so Wq = sigma / (mu (1 - sigma)) and the sojourn time is exponential
/// with rate mu (1 - sigma): its q-quantile is -ln(1 - q) / (mu (1 - sigma)). For Erlang-n
/// interarrivals of phase rate lambda, A*(s) = (lambda / (lambda + s))^n.
///
/// A random balancer splits the stream into n independent Poisson streams (Poisson thinning),
/// so each instance is M/M/1 with Wq = rho / (mu - lambda_i): larger, because Erlang arrivals are
/// more regular than Poisson ones (interarrival cv^2 = 1 / n).
///
/// Time unit: mean service time 1 s, so mu = 1.
@Suite("Round robin against GI/M/1 theory")
struct RoundRobinTheoryTests {
    /// sigma for Erlang-n interarrivals of total rate `lambda` (phase rate lambda, n phases),
    /// mu = 1, by fixed-point iteration. The map is increasing and convex on [0, 1) with the
    /// fixed point 1 and, when rho = lambda / n < 1, exactly one in (0, 1); iterating from 0 climbs
    /// monotonically to that smaller one.
    static func sigma(lambda: Double, instances n: Int) -> Double {
        var sigma = 0.0
        for _ in 0..<100_000 {
            let next = pow(lambda / (lambda + 1 - sigma), Double(n))
            if abs(next - sigma) < 1e-15 { return next }
            sigma = next
        }
        return sigma
    }

    static func spec(balancer: BalancerKind, instances n: Int, rho: Double, customers: Double, seed: UInt64) -> ScenarioSpec {
        let lambda = rho * Double(n)
        let horizon = customers / lambda
        return ScenarioSpec(
            name: "balanced", duration: SimTime(seconds: horizon * 1.1), warmup: SimTime(seconds: horizon * 0.1),
            seed: seed, metricsInterval: SimTime(seconds: horizon),
            clients: [ClientSpec(name: "load", target: "station", arrival: .poisson(rate: lambda))],
            services: [
                ServiceSpec(
                    name: "station", instances: n, workers: 1, serviceTime: .exponential(mean: 1), balancer: balancer)
            ])
    }

    @Test("sigma: n = 1 gives M/M/1's rho; it solves sigma = A*(1 - sigma); it falls as arrivals grow regular")
    func sigmaArithmetic() {
        #expect(abs(Self.sigma(lambda: 0.8, instances: 1) - 0.8) < 1e-12)
        for n in [2, 4, 8] {
            let lambda = 0.8 * Double(n)
            let s = Self.sigma(lambda: lambda, instances: n)
            #expect(s > 0 && s < 0.8, "n \(n): sigma \(s)")
            #expect(abs(s - pow(lambda / (lambda + 1 - s), Double(n))) < 1e-12)
        }
        // Monotone in n (more phases, more regular, less waiting).
        #expect(Self.sigma(lambda: 3.2, instances: 4) < Self.sigma(lambda: 1.6, instances: 2))
    }

    @Test("round_robin over n single-worker instances: each is E_n/M/1, Wq = sigma / (1 - sigma), sojourn exponential of rate 1 - sigma; random: M/M/1",
          arguments: [(2, 0.8), (4, 0.8)])
    func roundRobinIsErlangArrivals(instances n: Int, rho: Double) {
        let lambda = rho * Double(n)
        let sigma = Self.sigma(lambda: lambda, instances: n)
        let customers = 80_000.0 * Double(n)
        let label = "\(n) x E_\(n)/M/1 at rho \(rho)"
        let runs = (1...10).map { seed in
            Simulation(spec: Self.spec(balancer: .roundRobin, instances: n, rho: rho, customers: customers, seed: UInt64(seed))).run()
        }
        let wq = sigma / (1 - sigma)
        QueueingTheoryTests.expectWithin(wq, runs.map(\.services[0].meanWait), relativeWidth: 0.05, "\(label) Wq")
        for (name, q, read) in LatencyQuantileTheoryTests.percentiles {
            QueueingTheoryTests.expectWithin(
                -log1p(-q) / (1 - sigma), runs.map { read($0.clients[0].latency) }, relativeWidth: q > 0.95 ? 0.08 : 0.05, "\(label) \(name)")
        }

        // The same load behind `random`: M/M/1 per instance, Wq = rho / (1 - rho), which the
        // round-robin interval above excludes (2.27 against 4 service times at n 4, 2.84 against
        // 4 at n 2).
        let random = (1...10).map { seed in
            Simulation(spec: Self.spec(balancer: .random, instances: n, rho: rho, customers: customers, seed: UInt64(seed))).run()
        }
        QueueingTheoryTests.expectWithin(
            rho / (1 - rho), random.map(\.services[0].meanWait), relativeWidth: 0.06, "\(n) x M/M/1 (random) at rho \(rho) Wq")
    }
}
