import SatsimCore
@testable import SatsimModel
import Testing

@Suite("Queue disciplines")
struct QueueDisciplineTests {
    @Test("each discipline takes from its end of the queue; fifo and lifo drop nothing")
    func takeOrder() {
        var queue = AttemptQueue()
        for slot: UInt32 in [1, 2, 3] { queue.pushBack(slot) }
        var fifo = QueueDiscipline.fifo.makeRule(), lifo = QueueDiscipline.lifo.makeRule()
        var copy = queue
        let fifoFirst = fifo.take(from: &copy)
        copy = queue
        let lifoFirst = lifo.take(from: &copy)
        #expect(fifoFirst == 1 && lifoFirst == 3)
        copy = queue
        let codelFirst = QueueDiscipline.codel.makeRule().take(from: &copy)
        #expect(codelFirst == 1)
        let fifoDrops = fifo.drops(sojourn: 10_000_000_000, now: 20_000_000_000, remaining: 100)
        let lifoDrops = lifo.drops(sojourn: 10_000_000_000, now: 20_000_000_000, remaining: 100)
        #expect(!fifoDrops && !lifoDrops)
    }

    /// One worker, 1 s of work per request, a request every 0.25 s: the queue grows by 3 per
    /// second. FIFO serves the n-th request after 0.75 n s of waiting; LIFO serves the newest,
    /// which arrived less than 0.25 s before the worker freed up.
    static func meanWait(_ discipline: QueueDiscipline) -> Double {
        let spec = ScenarioSpec(
            name: "discipline", duration: SimTime(seconds: 20), seed: 1,
            clients: [ClientSpec(name: "users", target: "api", arrival: .constant(rate: 4))],
            services: [ServiceSpec(name: "api", serviceTime: .constant(value: 1), queue: QueueSpec(discipline: discipline))])
        return Simulation(spec: spec).run().services[0].meanWait
    }

    @Test("lifo serves the newest waiting request, fifo the oldest")
    func lifoServesNewest() {
        let fifo = Self.meanWait(.fifo), lifo = Self.meanWait(.lifo)
        #expect(lifo <= 0.25 + 1e-9, "lifo mean wait \(lifo)")
        // 20 starts at 0.75 n s each, n = 0...19: mean 0.75 x 9.5 = 7.1 s (the exact count
        // depends on the first arrival's phase; more than 5 s either way).
        #expect(fifo > 5, "fifo mean wait \(fifo)")
    }
}
