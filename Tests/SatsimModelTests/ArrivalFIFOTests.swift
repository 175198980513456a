import SatsimCore
@testable import SatsimModel
import Testing

/// An open-loop client's next arrival goes to a calendar FIFO rather than the heap (issue 10:
/// half of a simple model's events are arrivals, and a FIFO takes them without a pop from the
/// heap). The calendar fires events in the strict order (time, sequence) whatever holds them, so
/// the FIFO is an optimisation only: a run must give the same figures, bit for bit, with arrivals
/// in FIFOs and with every arrival in the heap.
@Suite("Arrivals in calendar FIFOs")
struct ArrivalFIFOTests {
    static func spec(clients: Int, spikes: [(Double, Double, Double)], timeout: Bool) -> ScenarioSpec {
        ScenarioSpec(
            name: "arrivals", duration: SimTime(seconds: 90), warmup: SimTime(seconds: 5), seed: 7,
            clients: (0..<clients).map { k in
                ClientSpec(
                    name: "c\(k)", target: "api",
                    arrival: k % 3 == 2 ? .constant(rate: 30) : .poisson(rate: 120 + 10 * Double(k)),
                    timeout: timeout ? SimTime(seconds: 0.2) : nil,
                    retry: timeout ? RetrySpec(maxAttempts: 2, on: [.timeout], backoff: BackoffSpec(base: SimTime(seconds: 0.01), multiplier: 2, jitter: .full)) : nil)
            },
            services: [ServiceSpec(name: "api", instances: 2, workers: 6, serviceTime: .exponential(mean: 0.02))],
            // Each spike redraws the next arrival at the new rate (a new epoch): at a higher rate
            // it usually fires before the stale one still pending, which the FIFO must not hold
            // behind it; at a lower rate after it.
            timeline: spikes.flatMap { at, length, factor in
                (0..<clients).map { k in
                    TimelineEventSpec(at: SimTime(seconds: at), duration: SimTime(seconds: length), action: .loadSpike(client: "c\(k)", factor: factor))
                }
            })
    }

    static func run(_ spec: ScenarioSpec, limit: Int) -> (SimulationResult, Int) {
        let simulation = Simulation(spec: spec, arrivalFIFOLimit: limit)
        let fifos = simulation.clients.filter { $0.arrivalFIFO >= 0 }.count
        let result = simulation.run()
        simulation.checkInvariants()
        return (result, fifos)
    }

    static let cases: [(String, ScenarioSpec)] = [
        ("one client, no spike", spec(clients: 1, spikes: [], timeout: false)),
        ("one client, spikes up and down", spec(clients: 1, spikes: [(20, 5, 3), (40, 10, 0.2), (60, 0.5, 8)], timeout: false)),
        ("three clients with timeouts, spikes", spec(clients: 3, spikes: [(10, 20, 2.5), (50, 3, 0.1)], timeout: true)),
        ("six clients: past the FIFO limit", spec(clients: 6, spikes: [(30, 30, 4)], timeout: false)),
    ]

    @Test("The same figures with arrivals in FIFOs as in the heap", arguments: 0..<4)
    func sameFiguresEitherWay(_ index: Int) {
        let (name, spec) = Self.cases[index]
        let (heap, none) = Self.run(spec, limit: 0)
        let (fifo, used) = Self.run(spec, limit: Simulation.arrivalFIFOLimit)
        #expect(none == 0, "\(name): limit 0 keeps every arrival in the heap")
        #expect(used > 0, "\(name): some arrivals went to FIFOs")
        #expect(fifo.clients == heap.clients, "\(name)")
        #expect(fifo.services == heap.services, "\(name)")
        #expect(fifo.timeSeries == heap.timeSeries, "\(name)")
        #expect(fifo.eventCount == heap.eventCount, "\(name)")
        #expect(heap.clients.allSatisfy { $0.requests > 1_000 }, "\(name): every client sent requests")
    }

    /// Timeouts keep their FIFOs first, and arrivals take FIFOs only while fewer than the limit
    /// exist, so that taking an event from a FIFO (which compares every FIFO's first event)
    /// stays cheap.
    @Test func timeoutsFirstThenArrivalsUpToTheLimit() {
        let six = Simulation(spec: Self.spec(clients: 6, spikes: [], timeout: true))
        #expect(six.clients.allSatisfy { $0.timeoutFIFO >= 0 })
        #expect(six.clients.allSatisfy { $0.arrivalFIFO < 0 }, "six timeout FIFOs are past the limit of \(Simulation.arrivalFIFOLimit)")
        let two = Simulation(spec: Self.spec(clients: 2, spikes: [], timeout: true))
        #expect(two.clients.map(\.timeoutFIFO) == [0, 1])
        #expect(two.clients.map(\.arrivalFIFO) == [2, 3])
    }
}
