import Foundation
import SatsimCore
import SatsimMetrics
import SatsimModel
import SatsimTestSupport
import Testing

/// Closed-loop clients (`arrival: { process: closed, users: N, think: ... }`) against the
/// finite-source queue they form with one station: N users each think for an exponential time
/// of mean Z, then send one request and wait for its answer; the station has c workers and
/// exponential service of rate mu. That is the machine-repairman model M/M/c//N, a birth-death
/// chain with birth rate (N - k) / Z and death rate min(k, c) mu in state k (Kleinrock,
/// *Queueing Systems* vol. 1, 1975, chapter 3 (finite-population birth-death systems); Gross and Harris, *Fundamentals of Queueing
/// Theory*, chapter 2). Its throughput X and mean number at the station L give the mean
/// response time R = L / X, which must also satisfy the interactive response time law
/// R = N / X - Z (Lazowska et al., *Quantitative System Performance*, 1984, chapter 3, the response time law), a
/// law that holds for any closed system, whatever the distributions.
@Suite("Closed-loop clients against the machine-repairman model")
struct ClosedLoopTheoryTests {
    /// Throughput and mean number at the station of M/M/c//N.
    static func machineRepairman(users n: Int, think z: Double, servers c: Int, mu: Double) -> (x: Double, l: Double) {
        var weights = [1.0]
        for k in 1...n {
            let birth = Double(n - (k - 1)) / z
            let death = Double(min(k, c)) * mu
            weights.append(weights[k - 1] * birth / death)
        }
        let total = weights.reduce(0, +)
        let p = weights.map { $0 / total }
        let x = p.indices.reduce(0.0) { $0 + p[$1] * Double(min($1, c)) * mu }
        let l = p.indices.reduce(0.0) { $0 + p[$1] * Double($1) }
        return (x, l)
    }

    static func run(users: Int, think: Double, servers: Int, serviceMean: Double, seconds: Double, seed: UInt64)
        -> SimulationResult
    {
        let spec = ScenarioSpec(
            name: "closed", duration: SimTime(seconds: seconds * 1.1), warmup: SimTime(seconds: seconds * 0.1),
            seed: seed, metricsInterval: SimTime(seconds: seconds),
            clients: [
                ClientSpec(name: "users", target: "station", arrival: .closed(users: users, think: .exponential(mean: think)))
            ],
            services: [
                ServiceSpec(name: "station", instances: 1, workers: servers, serviceTime: .exponential(mean: serviceMean))
            ])
        return Simulation(spec: spec).run()
    }

    @Test(
        "M/M/c//N: throughput, response time and utilization match the birth-death chain; R = N/X - Z",
        arguments: [(10, 1.0, 1, 0.1), (20, 2.0, 4, 0.5), (5, 0.5, 2, 0.2)])
    func machineRepairmanModel(users n: Int, think z: Double, servers c: Int, serviceMean s: Double) {
        let (x, l) = Self.machineRepairman(users: n, think: z, servers: c, mu: 1 / s)
        // About 40,000 measured requests per replication.
        let seconds = 40_000 / x
        let runs = (1...10).map { Self.run(users: n, think: z, servers: c, serviceMean: s, seconds: seconds, seed: UInt64($0)) }
        let label = "M/M/\(c)//\(n), Z \(z) s, S \(s) s"

        // Throughput: the client's successes per measured second.
        QueueingTheoryTests.expectWithin(x, runs.map(\.clients[0].goodputPerSecond), relativeWidth: 0.02, "\(label) X")
        // Mean response time, from Little's law on the station.
        QueueingTheoryTests.expectWithin(l / x, runs.map(\.clients[0].latency.mean), relativeWidth: 0.03, "\(label) R")
        // Utilization: X S / c.
        QueueingTheoryTests.expectWithin(x * s / Double(c), runs.map(\.services[0].utilization), relativeWidth: 0.02, "\(label) U")
        // The interactive response time law on each run's own measurements: N / X - Z = R.
        let lawRatios = runs.map { run -> Double in
            let measured = run.clients[0]
            return (Double(n) / measured.goodputPerSecond - z) / measured.latency.mean
        }
        QueueingTheoryTests.expectWithin(1, lawRatios, relativeWidth: 0.03, "\(label) (N/X - Z) / R")
    }

    @Test("The chain's arithmetic: with one user there is no queue, X = 1 / (Z + S) and R = S")
    func oneUser() {
        let (x, l) = Self.machineRepairman(users: 1, think: 2, servers: 1, mu: 4)
        #expect(abs(x - 1 / 2.25) < 1e-12)
        #expect(abs(l / x - 0.25) < 1e-12)
        // Saturated: many users keep every worker busy, X -> c mu.
        let saturated = Self.machineRepairman(users: 60, think: 1, servers: 2, mu: 1)
        #expect(abs(saturated.x - 2) < 1e-9)
    }
}
