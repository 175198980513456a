@testable import SatsimModel
import SatsimCore
import Testing

/// Utilization is busy workers over workers (the contract's `utilization`), a ratio of two time
/// integrals' differences. A saturated interval must read 1, not 1 plus the rounding of the two
/// differences, or a share prints above 100% and the story's checker (shares within 0-100%)
/// fails on a run that did nothing wrong.
@Suite("Utilization is a share")
struct BusyShareTests {
    @Test("Equal areas that rounded apart read 1; a real excess stands; below 1 is untouched")
    func rounding() {
        // health-check-cascade at seed 1 read 1.000000000000071 for a saturated interval.
        #expect(Simulation.busyShare(16.000000000001136, of: 16) == 1)
        #expect(Simulation.busyShare(16, of: 16) == 1)
        // Lowering `workers` mid-run lets the work in hand finish: busy above the workers there are.
        #expect(Simulation.busyShare(17, of: 16) == 17.0 / 16)
        #expect(Simulation.busyShare(12, of: 16) == 0.75)
        #expect(Simulation.busyShare(16 * (1 - 1e-12), of: 16) == 1 - 1e-12)
    }

    /// Every interval of a saturated run, and the run's summary, stay within [0, 1].
    @Test("A saturated service's utilization never exceeds 1, interval by interval")
    func saturatedRun() throws {
        let spec = ScenarioSpec(
            name: "saturated", duration: SimTime(seconds: 120), seed: 1,
            clients: [ClientSpec(name: "users", target: "api", arrival: .poisson(rate: 900))],
            services: [ServiceSpec(name: "api", instances: 3, workers: 7, serviceTime: .exponential(mean: 0.05))])
        let result = Simulation(spec: spec).run()
        let column = try #require(result.timeSeries.column("services.api.utilization"))
        #expect(column.count >= 100)
        #expect(column.allSatisfy { $0 >= 0 && $0 <= 1 }, "\(column.filter { $0 > 1 })")
        #expect(column.filter { $0 == 1 }.count > column.count / 2, "saturated: most intervals fully busy")
        let summary = try #require(result.services.first)
        #expect(summary.utilization <= 1 && summary.utilization > 0.99)
    }
}
