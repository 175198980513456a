import SatsimCore
@testable import SatsimModel
import Testing

/// `contention` against its definition in the contract (/work/shared/scenario-format.md,
/// "SERVICE", and docs/scenario-reference.md): "service time x (1 + contention x requests in
/// service on the instance when this one starts)". Three things make up the definition: the
/// requests counted are those already in service (not this one, not those waiting), on this
/// instance only (not the whole service), and they are counted when this one starts service
/// (not when it arrived). Each test below fails under a model that gets one of them wrong.
///
/// The requests come from closed-loop users whose constant think time makes them all arrive at
/// the same instant (1 s), each once in the run; service times are constant, so the departures
/// fall at instants computed here by hand.
@Suite("Contention: service time x (1 + contention x requests in service)")
struct ContentionTests {
    @Test("Counted when it starts: a request that waited sees the requests in service then, not at its arrival")
    func countedAtStart() {
        // One instance, 2 workers, 3 requests at 1 s, contention 0.5:
        // - the first starts with 0 in service: 1 x (1 + 0.5 x 0) = 1 s, done at 2 s;
        // - the second starts with 1 in service: 1.5 s, done at 2.5 s;
        // - the third waits; at 2 s the first leaves and it starts with 1 in service (the second):
        //   1.5 s, done at 3.5 s (counting the 2 in service at its arrival would give 4 s;
        //   counting itself too, 4.5 s).
        let times = DepartureRecorder.run(users: 3, instances: 1, workers: 2, contention: 0.5, until: 10)
        #expect(times == [2, 2.5, 3.5], "departures \(times)")
    }

    @Test("Counts the other requests in service on the same instance, not this one", arguments: [0.0, 0.25, 1.0])
    func countsOthersInService(contention: Double) {
        // One instance with 4 workers: the k-th request (k = 0 first) starts with k in service.
        let times = DepartureRecorder.run(users: 4, instances: 1, workers: 4, contention: contention, until: 10)
        let expected = (0..<4).map { k in 1 + 1 * (1 + contention * Double(k)) }
        #expect(times == expected, "contention \(contention): departures \(times), expected \(expected)")
    }

    @Test("Per instance: the load of the service's other instances does not slow this one")
    func perInstance() {
        // Two instances of 2 workers, round robin: each gets two of the four requests, the
        // first with 0 in service on its instance, the second with 1: 1 s and 1.5 s, twice.
        // Counting the whole service would give 1, 1.5, 2, 2.5 s.
        let times = DepartureRecorder.run(users: 4, instances: 2, workers: 2, contention: 0.5, until: 10)
        #expect(times == [2, 2, 2.5, 2.5], "departures \(times)")
    }
}

/// Records the instants of the departures that end service (not a probe's, not a paused
/// attempt's rescheduled one: neither occurs in these runs).
final class DepartureRecorder: SimulationObserver {
    let simulation: Simulation
    private(set) var times: [Double] = []

    init(_ simulation: Simulation) { self.simulation = simulation }

    func process(_ event: ScheduledEvent) -> Bool {
        let counted = simulation.process(event)
        if EventKind(rawValue: event.kind) == .departure { times.append(event.time.seconds) }
        return counted
    }

    /// The departures of the users' first round [s], in order: the first `users` departures of a
    /// run up to `end`. Each user thinks 1 s before a request and after its answer, so a second
    /// round's request starts at 3 s at the earliest and, in these runs, departs after the last
    /// of the first round.
    static func run(users: Int, instances: Int, workers: Int, contention: Double, until end: Double) -> [Double] {
        let spec = ScenarioSpec(
            name: "contention", duration: SimTime(seconds: end + 1), seed: 1,
            clients: [ClientSpec(name: "users", target: "api", arrival: .closed(users: users, think: .constant(value: 1)))],
            services: [
                ServiceSpec(
                    name: "api", instances: instances, workers: workers, serviceTime: .constant(value: 1),
                    contention: contention)
            ])
        let recorder = DepartureRecorder(Simulation(spec: spec))
        recorder.simulation.prepare()
        _ = RunLoop.run(recorder, until: SimTime(seconds: end))
        return Array(recorder.times.prefix(users)).sorted()
    }
}
