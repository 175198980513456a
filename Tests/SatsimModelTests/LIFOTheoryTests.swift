import Foundation
import SatsimCore
import SatsimMetrics
import SatsimModel
import SatsimTestSupport
import Testing

/// `queue.discipline: lifo` against queueing theory: M/M/c with non-preemptive last-come
/// first-served service.
///
/// The mean wait is FIFO's: Kleinrock's conservation law says that any work-conserving,
/// non-preemptive discipline that chooses without looking at service times leaves the mean
/// number waiting, hence (Little) the mean wait, unchanged (Kleinrock, *Queueing Systems* vol. 2,
/// 1976, chapter 3, "Conservation laws", and the section on the last-come-first-serve
/// discipline; Harchol-Balter, *Performance Modeling and Design of Computer Systems*, 2013,
/// chapter 29, non-preemptive LCFS). So Erlang C's Wq = C / (c mu - lambda) holds under LIFO.
///
/// The distribution is not FIFO's. A request that finds all c workers busy is pushed on top of
/// the stack; it starts at the first departure that finds nobody newer above it. Requests that
/// arrive meanwhile go above it and must all be cleared first, so its wait is the first passage
/// of "requests above it" from 0 to -1 with births lambda and deaths c mu: the busy period of
/// an M/M/1 queue with arrival rate lambda and service rate c mu (the busy period: Kleinrock
/// vol. 1, 1975, chapter 5; the LCFS wait as a busy period started by the residual service:
/// Kleinrock vol. 2 chapter 3, Harchol-Balter chapter 29). Its sojourn time adds its own
/// exponential service. The distribution is computed here by uniformization (randomization;
/// Gross and Harris, *Fundamentals of Queueing Theory*, the chapter on numerical techniques),
/// and checked against the published moments: the mean is FIFO's, and the second moment of the
/// wait is FIFO's divided by (1 - rho), E[W^2]_LIFO = E[W^2]_FIFO / (1 - rho). For M/M/1 that is
/// rho E[B^2] with an M/M/1 busy period's E[B^2] = E[S^2] / (1 - rho)^3 = 2 / (mu^2 (1 - rho)^3),
/// against FIFO's rho x 2 / (mu^2 (1 - rho)^2) (Kleinrock vol. 1 chapter 5 for E[B^2]); for
/// M/M/c the same holds with C in place of rho, c mu in place of mu and rho = lambda / (c mu).
///
/// Time unit: mean service time 1 s, so mu = 1.
@Suite("LIFO against queueing theory")
struct LIFOTheoryTests {
    /// The sojourn time of an M/M/c LIFO request that waited, by uniformization at rate
    /// Lambda = lambda + c: a discrete chain on (j requests above it, waiting) and (in service),
    /// taking one step per event of a Poisson clock of rate Lambda. `survivors[n]` is the
    /// probability that it is still in the system after n steps; then
    /// P(T > t | waited) = sum_n Poisson(n; Lambda t) survivors[n].
    struct SojournLaw {
        let lambda: Double
        let servers: Int
        let uniformRate: Double
        let erlangC: Double
        let survivors: [Double]

        init(lambda: Double, servers c: Int, steps: Int) {
            self.lambda = lambda
            servers = c
            let rate = lambda + Double(c)
            uniformRate = rate
            erlangC = QueueingTheoryTests.erlangC(servers: c, offered: lambda)
            let up = lambda / rate, down = Double(c) / rate, finish = 1 / rate
            // Depth above the tagged request: reaching depth J from 0 before returning has
            // probability below rho^J (a ruin problem), rho <= 0.8 here, so 400 levels drop under
            // 1e-38 of the mass.
            let depth = 400
            var waiting = [Double](repeating: 0, count: depth + 2)
            waiting[0] = 1
            var inService = 0.0
            var survivors = [1.0]
            survivors.reserveCapacity(steps + 1)
            var next = waiting
            for _ in 0..<steps {
                for j in next.indices { next[j] = 0 }
                var served = inService * (1 - finish)
                for j in 0...depth where waiting[j] != 0 {
                    let p = waiting[j]
                    next[j + 1] += p * up
                    if j == 0 { served += p * down } else { next[j - 1] += p * down }
                }
                swap(&waiting, &next)
                inService = served
                survivors.append(waiting.reduce(0, +) + inService)
            }
            self.survivors = survivors
        }

        /// P(T > t): no wait with probability 1 - C (then T is the exponential service).
        func tail(_ t: Double) -> Double {
            let mean = uniformRate * t
            precondition(mean + 12 * mean.squareRoot() + 20 < Double(survivors.count), "too few steps for t = \(t)")
            var waited = 0.0
            if t == 0 {
                waited = 1
            } else {
                let logMean = log(mean)
                for (n, survive) in survivors.enumerated() {
                    let term = exp(-mean + Double(n) * logMean - lgamma(Double(n + 1))) * survive
                    waited += term
                    if Double(n) > mean && term < 1e-300 { break }
                }
            }
            return (1 - erlangC) * exp(-t) + erlangC * waited
        }

        func quantile(_ q: Double) -> Double {
            var low = 0.0, high = 1.0
            while tail(high) > 1 - q { high *= 2 }
            for _ in 0..<100 {
                let mid = (low + high) / 2
                if tail(mid) > 1 - q { low = mid } else { high = mid }
            }
            return (low + high) / 2
        }

        /// E[T] and E[T^2]: a request that waited is in the system for K steps of the clock, each
        /// exponential of rate Lambda, so E[T | waited] = E[K] / Lambda and
        /// E[T^2 | waited] = (E[K^2] + E[K]) / Lambda^2, with E[K] = sum_n P(K > n) and
        /// E[K^2] = sum_n (2n + 1) P(K > n).
        var moments: (first: Double, second: Double) {
            var k1 = 0.0, k2 = 0.0
            for (n, survive) in survivors.enumerated() {
                k1 += survive
                k2 += Double(2 * n + 1) * survive
            }
            let first = k1 / uniformRate, second = (k2 + k1) / (uniformRate * uniformRate)
            // No wait: T is the exponential service, mean 1, second moment 2.
            return ((1 - erlangC) + erlangC * first, (1 - erlangC) * 2 + erlangC * second)
        }
    }

    @Test("The LIFO sojourn distribution computed here has FIFO's mean and E[W^2]_FIFO / (1 - rho) as the wait's second moment",
          arguments: [(1, 0.7), (4, 0.8)])
    func distributionMoments(servers c: Int, rho: Double) {
        let lambda = rho * Double(c)
        let lifo = SojournLaw(lambda: lambda, servers: c, steps: 6_000)
        #expect(lifo.survivors.last! < 1e-12, "steps cut the tail short: \(lifo.survivors.last!)")
        let erlangC = lifo.erlangC, theta = Double(c) - lambda
        let wq = erlangC / theta
        // FIFO: the wait is 0 with probability 1 - C, else exponential of rate theta.
        let fifoSecond = erlangC * 2 / (theta * theta)
        let lifoSecond = fifoSecond / (1 - rho)
        // T = W + S, S independent of W with E[S] = 1, E[S^2] = 2.
        let (first, second) = lifo.moments
        #expect(abs(first - (wq + 1)) < 1e-8 * (wq + 1), "E[T] \(first) against Wq + 1 = \(wq + 1)")
        let theory = lifoSecond + 2 * wq + 2
        #expect(abs(second - theory) < 1e-8 * theory, "E[T^2] \(second) against \(theory)")
        // And the tail at 0 is 1.
        #expect(abs(lifo.tail(0) - 1) < 1e-12)
    }

    static func station(lambda: Double, servers: Int, discipline: QueueDiscipline, customers: Double, seed: UInt64)
        -> ScenarioSpec
    {
        var spec = QueueingTheoryTests.station(
            lambda: lambda, servers: servers, service: .exponential(mean: 1), customers: customers, seed: seed)
        spec.services[0].queue = QueueSpec(discipline: discipline)
        return spec
    }

    @Test("M/M/c LIFO: Erlang C's mean wait (conservation law), the busy-period sojourn percentiles, p99 far above FIFO's",
          arguments: [(1, 0.7), (4, 0.8)])
    func lifoAgainstTheory(servers c: Int, rho: Double) {
        let lambda = rho * Double(c)
        let runs = (1...10).map { seed in
            Simulation(
                spec: Self.station(lambda: lambda, servers: c, discipline: .lifo, customers: 200_000, seed: UInt64(seed))
            ).run()
        }
        let label = "M/M/\(c) LIFO at rho \(rho)"
        let wq = QueueingTheoryTests.erlangC(servers: c, offered: lambda) / (Double(c) - lambda)
        QueueingTheoryTests.expectWithin(wq, runs.map(\.services[0].meanWait), relativeWidth: 0.05, "\(label) Wq")
        QueueingTheoryTests.expectWithin(
            wq + 1, runs.map(\.clients[0].latency.mean), relativeWidth: 0.03, "\(label) mean latency")

        let lifo = SojournLaw(lambda: lambda, servers: c, steps: 3_000)
        for (name, q, read) in LatencyQuantileTheoryTests.percentiles {
            let theory = lifo.quantile(q)
            QueueingTheoryTests.expectWithin(
                theory, runs.map { read($0.clients[0].latency) }, relativeWidth: q > 0.95 ? 0.04 : 0.02, "\(label) \(name)")
        }
        // The same mean as FIFO, but not the same spread: LIFO's p99 is about twice FIFO's
        // (33.4 against 15.4 service times at M/M/1, rho 0.7; 14.0 against 6.9 at M/M/4, rho
        // 0.8) and its median lower. A lifo that served the oldest would match FIFO's.
        let fifoP99 = LatencyQuantileTheoryTests.mmcSojournQuantile(0.99, servers: c, lambda: lambda)
        let fifoP50 = LatencyQuantileTheoryTests.mmcSojournQuantile(0.5, servers: c, lambda: lambda)
        let p99 = ConfidenceInterval(samples: runs.map(\.clients[0].latency.p99))
        let p50 = ConfidenceInterval(samples: runs.map(\.clients[0].latency.p50))
        #expect(p99.mean - p99.halfWidth > 1.5 * fifoP99, "\(label): p99 \(p99) against FIFO's \(fifoP99)")
        #expect(p50.mean + p50.halfWidth < fifoP50, "\(label): p50 \(p50) against FIFO's \(fifoP50)")
    }
}
