import Foundation
import SatsimCore
import SatsimMetrics
import SatsimModel
import SatsimTestSupport
import Testing

/// The latency percentiles that summaries, stories and `check` report (`latency.p50`, `p90`,
/// `p99`), against the response-time distributions queueing theory gives in closed form.
///
/// The mean-value tests in ``QueueingTheoryTests`` would pass with a percentile read from the
/// wrong rank, the wrong end of a bucket, or a histogram that dropped its tail; these would not.
/// Each test runs independent replications (seeds 1...10), takes each run's percentile, and asks
/// that the theoretical value lie in the replications' 99% Student-t confidence interval, and
/// that the interval be narrow enough to fail a wrong answer (its relative half width is
/// bounded).
///
/// Sources: the M/M/1 sojourn time is exponential with rate mu - lambda (Kleinrock, *Queueing
/// Systems* vol. 1, 1975, chapter 3 (M/M/1); Harchol-Balter, *Performance Modeling and Design of Computer
/// Systems*, 2013, part on M/M/1 and M/M/k); in M/M/c under FCFS the wait is 0 with probability 1 - C and
/// otherwise exponential with rate c mu - lambda, where C is Erlang's C formula (Kleinrock
/// chapter 3 (M/M/m); Gross and Harris, *Fundamentals of Queueing Theory*, chapter 2), and the
/// sojourn time adds an independent exponential service.
@Suite("Latency percentiles against queueing theory")
struct LatencyQuantileTheoryTests {
    static var percentiles: [(label: String, q: Double, read: (LatencySummary) -> Double)] {
        [("p50", 0.50, { $0.p50 }), ("p90", 0.90, { $0.p90 }), ("p99", 0.99, { $0.p99 })]
    }

    /// The client's latency summary of each of ten replications.
    static func latencies(lambda: Double, servers: Int, customers: Double) -> [LatencySummary] {
        (1...10).map { seed in
            let spec = QueueingTheoryTests.station(
                lambda: lambda, servers: servers, service: .exponential(mean: 1), customers: customers,
                seed: UInt64(seed))
            return Simulation(spec: spec).run().clients[0].latency
        }
    }

    @Test("M/M/1: the sojourn time is exponential with rate mu - lambda, so its q-quantile is -ln(1 - q) / (mu - lambda)",
          arguments: [0.5, 0.8])
    func mm1SojournQuantiles(rho: Double) {
        let runs = Self.latencies(lambda: rho, servers: 1, customers: rho < 0.7 ? 60_000 : 150_000)
        for (label, q, read) in Self.percentiles {
            let theory = -log1p(-q) / (1 - rho)
            QueueingTheoryTests.expectWithin(
                theory, runs.map(read), relativeWidth: q > 0.95 ? 0.08 : 0.05, "M/M/1 \(label) at rho \(rho)")
        }
    }

    /// P(T > t) for the M/M/c sojourn time T = Wq + S (FCFS, mu = 1): Wq is 0 with probability
    /// 1 - C and exponential with rate theta = c - lambda otherwise, S is exponential with rate 1.
    /// The sum of two independent exponentials of rates theta != 1 and 1 exceeds t with
    /// probability (theta e^-t - e^-theta t) / (theta - 1).
    static func mmcSojournTail(_ t: Double, servers c: Int, lambda: Double) -> Double {
        let erlangC = QueueingTheoryTests.erlangC(servers: c, offered: lambda)
        let theta = Double(c) - lambda
        precondition(abs(theta - 1) > 1e-6, "choose lambda so that c mu - lambda != mu")
        let waited = (theta * exp(-t) - exp(-theta * t)) / (theta - 1)
        return (1 - erlangC) * exp(-t) + erlangC * waited
    }

    /// The q-quantile of that distribution, by bisection (the tail is decreasing in t).
    static func mmcSojournQuantile(_ q: Double, servers c: Int, lambda: Double) -> Double {
        var low = 0.0, high = 1.0
        while mmcSojournTail(high, servers: c, lambda: lambda) > 1 - q { high *= 2 }
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if mmcSojournTail(mid, servers: c, lambda: lambda) > 1 - q { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }

    @Test("M/M/c: the sojourn-time percentiles follow Erlang C's wait plus an exponential service", arguments: [0.6, 0.9])
    func mmcSojournQuantiles(rho: Double) {
        let c = 4
        let lambda = rho * Double(c)
        // Sanity of the closed form itself: at t = 0 nothing has finished, and the tail's
        // integral is the mean sojourn time C / (c - lambda) + 1.
        #expect(abs(Self.mmcSojournTail(0, servers: c, lambda: lambda) - 1) < 1e-12)
        let step = 0.001
        let integral = stride(from: step / 2, to: 200, by: step).reduce(0.0) {
            $0 + Self.mmcSojournTail($1, servers: c, lambda: lambda) * step
        }
        let mean = QueueingTheoryTests.erlangC(servers: c, offered: lambda) / (Double(c) - lambda) + 1
        #expect(abs(integral - mean) < 1e-4, "the closed form's mean \(integral) against Erlang C's \(mean)")

        let runs = Self.latencies(lambda: lambda, servers: c, customers: rho < 0.8 ? 100_000 : 500_000)
        for (label, q, read) in Self.percentiles {
            let theory = Self.mmcSojournQuantile(q, servers: c, lambda: lambda)
            QueueingTheoryTests.expectWithin(
                theory, runs.map(read), relativeWidth: q > 0.95 ? 0.08 : 0.05, "M/M/\(c) \(label) at rho \(rho)")
        }
    }

    @Test("M/D/1 at low load: every request that finds the worker free takes exactly the service time, so p50 is it")
    func md1MedianIsTheServiceTime() {
        // PASTA: R. W. Wolff, "Poisson arrivals see time averages", Operations Research 30(2), 1982.
        // rho = 0.3: an arrival finds the worker idle with probability 1 - rho = 0.7 > 0.5 (PASTA),
        // and then its latency is exactly 1 s, so the median is 1 s to the histogram's precision
        // (buckets of 1/1024 relative width; the percentile reads its bucket's upper edge).
        let runs = (1...3).map { seed in
            Simulation(
                spec: QueueingTheoryTests.station(
                    lambda: 0.3, servers: 1, service: .constant(value: 1), customers: 20_000, seed: UInt64(seed))
            ).run().clients[0].latency
        }
        for run in runs {
            #expect(run.p50 >= 1 && run.p50 <= 1 + 1.0 / 1024, "p50 \(run.p50)")
            // And the p90 waits: P(T <= 1) = 0.7 < 0.9.
            #expect(run.p90 > 1.01, "p90 \(run.p90)")
        }
    }
}
