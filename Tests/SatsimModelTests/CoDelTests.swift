import SatsimCore
import SatsimModel
import Testing

@Suite("CoDel")
struct CoDelTests {
    static func overloaded(_ discipline: QueueDiscipline) -> SimulationResult {
        // 120/s offered to 100/s of capacity: a FIFO queue grows without end.
        let spec = ScenarioSpec(
            name: "codel", duration: SimTime(seconds: 120), warmup: SimTime(seconds: 20), seed: 2,
            clients: [ClientSpec(name: "users", target: "api", arrival: .poisson(rate: 120))],
            services: [
                ServiceSpec(
                    name: "api", instances: 1, workers: 1, serviceTime: .exponential(mean: 0.01),
                    queue: QueueSpec(capacity: 10_000, discipline: discipline))
            ])
        return Simulation(spec: spec).run()
    }

    @Test("Under sustained overload CoDel keeps the wait short by dropping from the head; FIFO does not")
    func codelBoundsTheWait() {
        let fifo = Self.overloaded(.fifo).services[0]
        let codel = Self.overloaded(.codel).services[0]
        #expect(fifo.meanWait > 5, "FIFO wait \(fifo.meanWait)")
        // The standing delay CoDel tolerates is of the order of its 5 ms target and 100 ms interval.
        #expect(codel.meanWait < 0.1, "CoDel wait \(codel.meanWait)")
        #expect(codel.dropped > 0)
        // It drops about the excess load (20 of 120 per second), not much more: goodput holds.
        let dropShare = Double(codel.dropped) / Double(codel.arrivals)
        #expect(dropShare > 0.1 && dropShare < 0.3, "dropped share \(dropShare)")
        #expect(codel.utilization > 0.95)
    }
}
