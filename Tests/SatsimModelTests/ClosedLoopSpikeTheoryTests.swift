import Foundation
import SatsimCore
import SatsimMetrics
import SatsimModel
import SatsimTestSupport
import Testing

/// A `load_spike` on a closed-loop client, against the machine-repairman model.
///
/// The contract (scenario-format.md, EVENT) gives `load_spike` a `factor` and no more; for a
/// closed-loop client satsim multiplies the population: `round(users x factor)` users while the
/// spike lasts, new users joining at once (each thinks first), surplus users leaving when they
/// next finish thinking (``Simulation/setLoadFactor(client:_:)``). With exponential think
/// times and service, the station with N' users is the machine-repairman model M/M/c//N' of
/// ``ClosedLoopTheoryTests`` (Kleinrock, *Queueing Systems* vol. 1, 1975, chapter 3 (finite-population birth-death systems); Gross
/// and Harris, *Fundamentals of Queueing Theory*, chapter 2), which relaxes to its stationary
/// law within a few think-plus-response times (seconds here), so a window of thousands of
/// seconds measures it: before the spike with N users, during it with N', after it with N again.
/// Each window is one metrics interval, read from the time series; Little's law over the whole
/// loop, N = X (Z + R) (the interactive response time law, Lazowska et al., *Quantitative System
/// Performance*, 1984, chapter 3, the response time law), then reads the population in force off each window.
@Suite("Closed-loop clients under a load spike")
struct ClosedLoopSpikeTheoryTests {
    @Test("load_spike on a closed-loop client: the population is users x factor during the spike, users before and after",
          arguments: [2.0, 0.5])
    func spikeScalesThePopulation(factor: Double) {
        let users = 10, think = 2.0, servers = 2, serviceMean = 0.2
        // Five windows of `window` seconds: 0 settles, 1 before, 2 and 3 during, 4 after.
        let window = 5_000.0
        let runs = (1...10).map { seed -> SimulationResult in
            let spec = ScenarioSpec(
                name: "spiked", duration: SimTime(seconds: 5 * window), seed: UInt64(seed),
                metricsInterval: SimTime(seconds: window),
                clients: [
                    ClientSpec(name: "users", target: "station", arrival: .closed(users: users, think: .exponential(mean: think)))
                ],
                services: [
                    ServiceSpec(name: "station", instances: 1, workers: servers, serviceTime: .exponential(mean: serviceMean))
                ],
                timeline: [
                    TimelineEventSpec(
                        at: SimTime(seconds: 2 * window), duration: SimTime(seconds: 2 * window),
                        action: .loadSpike(client: "users", factor: factor))
                ])
            return Simulation(spec: spec).run()
        }
        let spiked = Int((Double(users) * factor).rounded())
        let windows = [(1, users, "before"), (2, spiked, "spike begins"), (3, spiked, "spike"), (4, users, "after")]
        // Four quantities in four windows are sixteen intervals: each at level 1 - 0.01/16
        // (Bonferroni), so that the sixteen together hold the theory with probability 0.99.
        let level = 1 - 0.01 / Double(4 * windows.count)
        for (row, population, phase) in windows {
            let (x, l) = ClosedLoopTheoryTests.machineRepairman(users: population, think: think, servers: servers, mu: 1 / serviceMean)
            let label = "x\(factor), \(phase): M/M/\(servers)//\(population)"
            let goodput = runs.map { $0.timeSeries.column("clients.users.goodput_per_s")![row] }
            let latency = runs.map { $0.timeSeries.column("clients.users.latency_mean")![row] }
            let utilization = runs.map { $0.timeSeries.column("services.station.utilization")![row] }
            Self.expectWithin(x, goodput, level: level, relativeWidth: 0.02, "\(label) X")
            Self.expectWithin(l / x, latency, level: level, relativeWidth: 0.04, "\(label) R")
            Self.expectWithin(x * serviceMean / Double(servers), utilization, level: level, relativeWidth: 0.03, "\(label) U")
            // Little's law on the whole loop (users thinking or waiting): N = X (Z + R), with the
            // window's own measurements, so the population in force is read off directly.
            let population = zip(goodput, latency).map { $0 * (think + $1) / Double(population) }
            Self.expectWithin(1, population, level: level, relativeWidth: 0.02, "\(label) X (Z + R) / N")
        }
    }

    static func expectWithin(
        _ theory: Double, _ samples: [Double], level: Double, relativeWidth: Double, _ label: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let ci = ConfidenceInterval(samples: samples, level: level)
        #expect(ci.contains(theory), "\(label): theory \(theory) outside \(ci)", sourceLocation: sourceLocation)
        #expect(ci.relativeHalfWidth < relativeWidth, "\(label): interval too wide to be a test: \(ci)", sourceLocation: sourceLocation)
    }
}
