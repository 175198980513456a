import Foundation
import SatsimCore
import SatsimMetrics
import SatsimModel
import SatsimTestSupport
import Testing

/// The engine against closed-form queueing theory.
///
/// Each test runs independent replications (seeds 1...R) of one station, takes a figure per
/// replication (its mean wait, its blocking ratio), builds a 99% Student-t confidence interval
/// over the replications, and asserts that the theoretical value lies inside it. It also asserts
/// that the interval is narrow (a relative half width under a stated bound), so that a test
/// cannot pass merely by being too noisy to fail. Seeds are fixed: the outcome is deterministic.
///
/// Time unit: mean service time 1 s, so waits read in service times.
@Suite("Queueing theory")
struct QueueingTheoryTests {
    /// A one-client, one-service scenario.
    static func station(
        lambda: Double, servers: Int, service: Distribution, queueCapacity: Int? = nil, customers: Double,
        seed: UInt64
    ) -> ScenarioSpec {
        let horizon = customers / lambda
        return ScenarioSpec(
            name: "station", duration: SimTime(seconds: horizon * 1.1), warmup: SimTime(seconds: horizon * 0.1),
            seed: seed, metricsInterval: SimTime(seconds: horizon),
            clients: [ClientSpec(name: "load", target: "station", arrival: .poisson(rate: lambda))],
            services: [
                ServiceSpec(
                    name: "station", instances: 1, workers: servers, serviceTime: service,
                    queue: QueueSpec(capacity: queueCapacity))
            ])
    }

    /// Runs `replications` seeds and returns each run's service summary.
    static func replicate(_ replications: Int, _ make: (UInt64) -> ScenarioSpec) -> [ServiceSummary] {
        (1...replications).map { seed in
            Simulation(spec: make(UInt64(seed))).run().services[0]
        }
    }

    /// Erlang C: the probability that an arrival waits in M/M/c with offered load a = lambda/mu.
    static func erlangC(servers c: Int, offered a: Double) -> Double {
        // Erlang B by the stable recurrence B(k) = a B(k-1) / (k + a B(k-1)), then C from B.
        var b = 1.0
        for k in 1...c { b = a * b / (Double(k) + a * b) }
        let rho = a / Double(c)
        return b / (1 - rho * (1 - b))
    }

    static func expectWithin(
        _ theory: Double, _ samples: [Double], relativeWidth: Double, _ label: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let ci = ConfidenceInterval(samples: samples, level: 0.99)
        #expect(ci.contains(theory), "\(label): theory \(theory) outside \(ci)", sourceLocation: sourceLocation)
        #expect(ci.relativeHalfWidth < relativeWidth, "\(label): interval too wide to be a test: \(ci)", sourceLocation: sourceLocation)
    }

    /// Source: L. Kleinrock, *Queueing Systems* vol. 1 (Wiley, 1975), chapter 3, M/M/1: the
    /// number in system is geometric, p_n = (1 - rho) rho^n, so Lq = rho^2 / (1 - rho) and, by
    /// Little's law, Wq = rho / (mu - lambda).
    @Test("M/M/1 mean wait is rho/(mu - lambda)", arguments: [0.5, 0.9])
    func mm1MeanWait(rho: Double) {
        let customers = rho < 0.8 ? 40_000.0 : 200_000.0
        let runs = Self.replicate(10) {
            Self.station(lambda: rho, servers: 1, service: .exponential(mean: 1), customers: customers, seed: $0)
        }
        Self.expectWithin(rho / (1 - rho), runs.map(\.meanWait), relativeWidth: 0.08, "M/M/1 Wq at rho \(rho)")
    }

    /// Source: A. K. Erlang (1917); Kleinrock, *Queueing Systems* vol. 1, chapter 3, M/M/m:
    /// Wq = C(c, a) / (c mu - lambda), with C Erlang's delay formula.
    @Test("M/M/c mean wait follows Erlang C", arguments: [0.5, 0.9])
    func mmcMeanWait(rho: Double) {
        let c = 4
        let lambda = rho * Double(c)
        let customers = rho < 0.8 ? 80_000.0 : 200_000.0
        let runs = Self.replicate(10) {
            Self.station(lambda: lambda, servers: c, service: .exponential(mean: 1), customers: customers, seed: $0)
        }
        let theory = Self.erlangC(servers: c, offered: lambda) / (Double(c) - lambda)
        Self.expectWithin(theory, runs.map(\.meanWait), relativeWidth: 0.1, "M/M/\(c) Wq at rho \(rho)")
    }

    /// Source: the Pollaczek-Khinchine mean-value formula (Pollaczek 1930, Khinchine 1932;
    /// Kleinrock, *Queueing Systems* vol. 1, chapter 5, M/G/1) with a constant service time,
    /// E[S^2] = 1 / mu^2: Wq = lambda E[S^2] / (2 (1 - rho)) = rho / (2 mu (1 - rho)).
    @Test("M/D/1 mean wait is rho/(2 mu (1 - rho))")
    func md1MeanWait() {
        let rho = 0.8
        let runs = Self.replicate(10) {
            Self.station(lambda: rho, servers: 1, service: .constant(value: 1), customers: 60_000, seed: $0)
        }
        Self.expectWithin(rho / (2 * (1 - rho)), runs.map(\.meanWait), relativeWidth: 0.08, "M/D/1 Wq")
    }

    /// Source: the Pollaczek-Khinchine mean-value formula (Pollaczek 1930, Khinchine 1932;
    /// Kleinrock, *Queueing Systems* vol. 1, chapter 5), with the lognormal's second moment
    /// E[S^2] = mean^2 (1 + cv^2).
    @Test("M/G/1 with lognormal service follows Pollaczek-Khinchine")
    func mg1LognormalMeanWait() {
        let rho = 0.7
        let cv = 1.5
        let runs = Self.replicate(10) {
            Self.station(lambda: rho, servers: 1, service: .lognormal(mean: 1, cv: cv), customers: 100_000, seed: $0)
        }
        // Wq = lambda E[S^2] / (2 (1 - rho)), E[S^2] = mean^2 (1 + cv^2).
        let theory = rho * (1 + cv * cv) / (2 * (1 - rho))
        Self.expectWithin(theory, runs.map(\.meanWait), relativeWidth: 0.12, "M/G/1 lognormal Wq")
    }

    @Test("M/G/1 with uniform service follows Pollaczek-Khinchine")
    func mg1UniformMeanWait() {
        // Pollaczek (1930), Khinchine (1932): Wq = lambda E[S^2] / (2 (1 - rho)). Service uniform
        // on [0, 2] s: mean 1, E[S^2] = (b^3 - a^3) / (3 (b - a)) = 8/6 = 4/3. At rho 0.8 that is
        // 0.8 x 4/3 / 0.4 = 2.667 service times, between M/D/1's 2 and M/M/1's 4 (both more than
        // the interval's width away, so a sampler with the wrong variance fails).
        let rho = 0.8
        let runs = Self.replicate(10) {
            Self.station(lambda: rho, servers: 1, service: .uniform(min: 0, max: 2), customers: 100_000, seed: $0)
        }
        let secondMoment = (2.0 * 2 * 2 - 0) / (3 * 2)
        let theory = rho * secondMoment / (2 * (1 - rho))
        Self.expectWithin(theory, runs.map(\.meanWait), relativeWidth: 0.08, "M/G/1 uniform Wq")
    }

    /// The stationary distribution of M/M/c/K (birth-death chain: birth rate lambda in every
    /// state below K, death rate min(n, c) mu): p_n proportional to a^n / n! for n <= c and to
    /// a^c / c! x (a / c)^(n - c) for c < n <= K, with a = lambda / mu.
    static func mmcKDistribution(servers c: Int, systemCapacity k: Int, offered a: Double) -> [Double] {
        var weights = [1.0]
        for n in 1...k { weights.append(weights[n - 1] * a / Double(min(n, c))) }
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
    }

    /// Source: Kleinrock, *Queueing Systems* vol. 1, chapter 3 (M/M/m/K, a birth-death system
    /// with finite storage); Gross and Harris, *Fundamentals of Queueing Theory*, chapter 2.
    @Test(
        "M/M/c/K: queue capacity counts waiting requests only (K = workers + capacity); blocking p_K, throughput lambda (1 - p_K), Lq",
        arguments: [(1, 4, 0.8), (2, 3, 2.4), (3, 2, 2.7)])
    func mmcKBlockingThroughputAndQueue(c: Int, capacity: Int, lambda: Double) {
        // Kendall's K counts everyone in the system, in service or waiting; satsim's
        // `queue.capacity` counts only those waiting (requests in service hold a worker, not a
        // queue slot), so the matching system capacity is K = c + capacity. Taking K = capacity
        // instead (capacity meaning queue plus service, K = max(c, capacity)) raises p_K by a third or
        // more in each case here (0.089 -> 0.122, 0.264 -> 0.355, 0.164 -> 0.309).
        let k = c + capacity
        let runs = (1...10).map { seed -> SimulationResult in
            Simulation(
                spec: Self.station(
                    lambda: lambda, servers: c, service: .exponential(mean: 1), queueCapacity: capacity, customers: 40_000,
                    seed: UInt64(seed))
            ).run()
        }
        let p = Self.mmcKDistribution(servers: c, systemCapacity: k, offered: lambda)
        // PASTA: an arrival finds the system full with the time-stationary probability p_K.
        let blocking = p[k]
        Self.expectWithin(
            blocking, runs.map { Double($0.services[0].rejected) / Double($0.services[0].arrivals) }, relativeWidth: 0.08,
            "M/M/\(c)/\(k) blocking")
        // What is not blocked is served: throughput lambda (1 - p_K) per second.
        Self.expectWithin(
            lambda * (1 - blocking), runs.map { Double($0.services[0].completions) / $0.measuredSeconds }, relativeWidth: 0.01,
            "M/M/\(c)/\(k) throughput")
        // Lq = sum over n > c of (n - c) p_n.
        let lq = (c...k).reduce(0.0) { $0 + Double($1 - c) * p[$1] }
        Self.expectWithin(lq, runs.map(\.services[0].meanQueueLength), relativeWidth: 0.04, "M/M/\(c)/\(k) Lq")
        // Little's law holds with the rate that enters, lambda (1 - p_K), not the offered lambda:
        // a blocked arrival never waits. mean_wait averages the attempts that started service.
        Self.expectWithin(
            lq / (lambda * (1 - blocking)), runs.map(\.services[0].meanWait), relativeWidth: 0.04, "M/M/\(c)/\(k) Wq")
    }

    /// Source: Kleinrock, *Queueing Systems* vol. 1, chapter 3, M/M/1/K (finite storage): the
    /// truncated geometric p_n = (1 - rho) rho^n / (1 - rho^(K+1)) for n <= K, and by PASTA an
    /// arrival is blocked with probability p_K. It holds for rho > 1 as well.
    @Test("M/M/1/K blocks with probability (1 - rho) rho^K / (1 - rho^(K+1))", arguments: [(0.8, 5), (1.2, 4)])
    func mm1kBlocking(rho: Double, k: Int) {
        let runs = Self.replicate(10) {
            Self.station(
                lambda: rho, servers: 1, service: .exponential(mean: 1), queueCapacity: k - 1, customers: 40_000,
                seed: $0)
        }
        let theory = (1 - rho) * pow(rho, Double(k)) / (1 - pow(rho, Double(k + 1)))
        let blocking = runs.map { Double($0.rejected) / Double($0.arrivals) }
        Self.expectWithin(theory, blocking, relativeWidth: 0.08, "M/M/1/\(k) blocking at rho \(rho)")
    }

    @Test("M/M/c/c (no queue) blocks with Erlang B, B(c, a) = (a^c / c!) / sum_k<=c a^k / k!", arguments: [(4, 3.0), (2, 1.0)])
    func mmccErlangB(c: Int, a: Double) {
        // queue capacity 0: an arrival that finds every server busy is turned away at once, the
        // loss system Erlang solved (1917); by PASTA the share turned away is B(c, a).
        let runs = Self.replicate(10) {
            Self.station(lambda: a, servers: c, service: .exponential(mean: 1), queueCapacity: 0, customers: 40_000, seed: $0)
        }
        var term = 1.0
        var sum = 1.0
        for k in 1...c {
            term *= a / Double(k)
            sum += term
        }
        let theory = term / sum
        let blocking = runs.map { Double($0.rejected) / Double($0.arrivals) }
        Self.expectWithin(theory, blocking, relativeWidth: 0.05, "M/M/\(c)/\(c) blocking at a \(a)")
    }

    /// Source: J. D. C. Little, "A proof for the queuing formula: L = lambda W", *Operations
    /// Research* 9(3), 1961, applied to the waiting line alone (Lq = lambda Wq).
    @Test("Little's law: mean queue length = arrival rate x mean wait")
    func littlesLaw() {
        let lambda = 3.0
        let runs = (1...10).map { seed -> SimulationResult in
            let spec = Self.station(
                lambda: lambda, servers: 4, service: .lognormal(mean: 1, cv: 1), customers: 80_000, seed: UInt64(seed))
            return Simulation(spec: spec).run()
        }
        // Per replication: Lq / (lambda_observed x Wq) should be 1; both sides measured, not theory.
        let ratios = runs.map { run -> Double in
            let s = run.services[0]
            let observedRate = Double(s.arrivals) / run.measuredSeconds
            return s.meanQueueLength / (observedRate * s.meanWait)
        }
        Self.expectWithin(1, ratios, relativeWidth: 0.02, "Lq / (lambda Wq)")
    }

    @Test("Little's law on the system: time-averaged number in system = arrival rate x mean response time")
    func littlesLawOnSystem() {
        // Little (1961), L = lambda W, applied to the whole station: L counts those waiting
        // (mean_queue_length) and those in service (utilization x workers), W is the client's
        // mean latency from sending to the answer (no network delay, no timeout, so every request
        // is answered and W = Wq + S). Both sides are measured; the theory for M/M/c, Erlang C's
        // W = C / (c mu - lambda) + 1 / mu, is checked on the same runs.
        let lambda = 3.0, c = 4
        let runs = (1...10).map { seed -> SimulationResult in
            Simulation(
                spec: Self.station(
                    lambda: lambda, servers: c, service: .exponential(mean: 1), customers: 80_000, seed: UInt64(seed))
            ).run()
        }
        let ratios = runs.map { run -> Double in
            let s = run.services[0]
            let inSystem = s.meanQueueLength + s.utilization * Double(c)
            let observedRate = Double(s.arrivals) / run.measuredSeconds
            return inSystem / (observedRate * run.clients[0].latency.mean)
        }
        Self.expectWithin(1, ratios, relativeWidth: 0.02, "L / (lambda W)")
        let theory = Self.erlangC(servers: c, offered: lambda) / (Double(c) - lambda) + 1
        Self.expectWithin(theory, runs.map(\.clients[0].latency.mean), relativeWidth: 0.03, "M/M/\(c) W")
    }

    /// Source: the splitting property of the Poisson process (S. M. Ross, *Introduction to
    /// Probability Models*, chapter 5, "Further properties of Poisson processes"): routing each
    /// arrival independently with probability 1/n gives n independent Poisson streams.
    @Test("Several instances behind a random balancer: each is M/M/c at lambda/n; queue length sums, utilization averages")
    func randomSplitInstances() {
        // A Poisson stream split at random (each arrival independently to one of n instances) is
        // n independent Poisson streams of rate lambda/n, so each instance is an M/M/c queue of
        // its own: Wq from Erlang C at lambda/n. summary.json's mean_queue_length covers all
        // instances (their sum: Little's law with the service's whole arrival rate), and
        // utilization is busy workers over the workers of all serving instances, lambda/(n c mu).
        let n = 3, c = 2, rho = 0.7
        let lambda = rho * Double(n * c)
        let horizon = 80_000 / lambda
        let runs = (1...10).map { seed -> SimulationResult in
            let spec = ScenarioSpec(
                name: "split", duration: SimTime(seconds: horizon * 1.1), warmup: SimTime(seconds: horizon * 0.1),
                seed: UInt64(seed), metricsInterval: SimTime(seconds: horizon),
                clients: [ClientSpec(name: "load", target: "station", arrival: .poisson(rate: lambda))],
                services: [
                    ServiceSpec(
                        name: "station", instances: n, workers: c, serviceTime: .exponential(mean: 1), balancer: .random)
                ])
            return Simulation(spec: spec).run()
        }
        let perInstance = lambda / Double(n)
        let wq = Self.erlangC(servers: c, offered: perInstance) / (Double(c) - perInstance)
        Self.expectWithin(wq, runs.map(\.services[0].meanWait), relativeWidth: 0.1, "\(n) x M/M/\(c) Wq")
        Self.expectWithin(lambda * wq, runs.map(\.services[0].meanQueueLength), relativeWidth: 0.1, "\(n) x M/M/\(c) Lq, summed")
        Self.expectWithin(rho, runs.map(\.services[0].utilization), relativeWidth: 0.01, "\(n) x M/M/\(c) utilization")
    }

    /// Source: the utilization law U = X S (E. D. Lazowska et al., *Quantitative System
    /// Performance*, Prentice-Hall, 1984, chapter 3): below saturation everything offered is
    /// served, X = lambda, so the busy share of c workers is lambda S / c.
    @Test("Utilization equals offered load per server below saturation")
    func utilizationMatchesOfferedLoad() {
        let runs = Self.replicate(10) {
            Self.station(lambda: 2.4, servers: 4, service: .gamma(mean: 1, cv: 0.5), customers: 40_000, seed: $0)
        }
        Self.expectWithin(0.6, runs.map(\.utilization), relativeWidth: 0.01, "utilization")
    }
}
