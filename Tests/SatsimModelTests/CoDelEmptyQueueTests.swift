import SatsimCore
@testable import SatsimModel
import Testing

/// CoDel's state when its queue empties other than by CoDel's own dequeue, against RFC 8289
/// (Nichols, Jacobson, McGregor, Iyengar, "Controlled Delay Active Queue Management", 2018).
/// Section 5.6 (`dodequeue`): a dequeue that finds the queue empty sets first_above_time_ to 0
/// ("queue is empty - we can't be above TARGET"); section 5.5 (`dequeue`): an empty queue leaves
/// the dropping state. A free worker that finds nothing waiting is such a dequeue, also when the
/// queue timeout has just dropped what was left; a killed instance restarts with a fresh CoDel.
@Suite("CoDel over an emptied queue (RFC 8289)")
struct CoDelEmptyQueueTests {
    static let ms = 0.001

    /// One instance with one worker and 10 ms of constant work, CoDel, a 50 ms queue timeout.
    /// The client's own rate (0.5/s) sends nothing before 2 s; two bursts of x2000 (one request
    /// every 1 ms) do: four requests at 1001..1004 ms and four at 1201..1204 ms. `fault` acts on
    /// the instance at 1015 ms, between the bursts.
    static func spec(fault: TimelineAction, for duration: SimTime?) -> ScenarioSpec {
        ScenarioSpec(
            name: "codel-empty", duration: SimTime(seconds: 1.5), seed: 1,
            clients: [ClientSpec(name: "users", target: "api", arrival: .constant(rate: 0.5))],
            services: [
                ServiceSpec(
                    name: "api", instances: 1, workers: 1, serviceTime: .constant(value: 10 * ms),
                    queue: QueueSpec(capacity: 100, discipline: .codel, timeout: SimTime(seconds: 50 * ms)),
                    bootTime: SimTime(seconds: 50 * ms))
            ],
            timeline: [
                TimelineEventSpec(at: SimTime(seconds: 1.0), duration: SimTime(seconds: 4.5 * ms), action: .loadSpike(client: "users", factor: 2000)),
                TimelineEventSpec(at: SimTime(seconds: 1015 * ms), duration: duration, action: fault),
                TimelineEventSpec(at: SimTime(seconds: 1.2), duration: SimTime(seconds: 4.5 * ms), action: .loadSpike(client: "users", factor: 2000)),
            ])
    }

    static let pause = spec(fault: .pause(service: "api", count: 1), for: SimTime(seconds: 100 * ms))
    static let kill = spec(fault: .kill(service: "api", count: 1), for: nil)

    @Test("A queue emptied by the queue timeout starts CoDel's next interval afresh (sections 5.5 and 5.6)")
    func timeoutEmptiedQueueResets() {
        // By hand (ms): 1001 is served at once, to 1011. At 1011 the head 1002 waited 9 >= TARGET
        // with two behind it: first_above_time = 1011 + INTERVAL = 1111 (section 5.6), served to
        // 1021. A pause from 1015 to 1115 holds it: 6 ms were done by 1015, the rest ends at 1121.
        // At 1121 1003 and 1004 waited 118 and 117 ms > 50: the queue timeout drops both and the
        // free worker finds the queue empty: first_above_time = 0.
        // Second burst: 1201 served to 1211; at 1211 the head 1202 waited 9 with two behind:
        // first_above_time = 1311, served; 1203 (1 behind it) and 1204 are served at 1221 and 1231.
        // Dropped: 2 (both by the timeout), completed 6. With first_above_time left at 1111,
        // 1211 >= 1111 would enter the dropping state and drop 1202: 3 dropped, 5 completed.
        let api = Simulation(spec: Self.pause).run().services[0]
        #expect(api.arrivals == 8)
        #expect(api.dropped == 2)
        #expect(api.completions == 6)
    }

    @Test("A killed instance restarts with a fresh CoDel: no interval of high delay from its last life")
    func killResets() {
        // By hand (ms): as above to 1015, first_above_time = 1111. The kill at 1015 fails 1002 (in
        // service) and empties the queue (1003, 1004); the instance serves again at 1065. Second
        // burst as above: nothing dropped, 1201..1204 completed. A CoDel kept across the kill
        // would drop 1202 at 1211 >= 1111.
        let api = Simulation(spec: Self.kill).run().services[0]
        #expect(api.arrivals == 8)
        #expect(api.dropped == 0)
        #expect(api.completions == 5)
    }

    @Test("An empty CoDel queue holds no delay state at any moment of both runs (the instance invariant)")
    func invariantHolds() {
        for spec in [Self.pause, Self.kill] {
            let simulation = Simulation(spec: spec)
            simulation.prepare()
            var t = 0.0
            while t < spec.duration.seconds {
                t += Self.ms
                _ = RunLoop.run(simulation, until: SimTime(seconds: t))
                simulation.checkInvariants()
            }
        }
    }

    @Test("foundEmpty resets first_above_time and the dropping state (section 5.6)")
    func foundEmptyResetsState() {
        let ms: Int64 = 1_000_000
        var codel = CoDel()
        // Above target with plenty behind: the interval starts at 1000, the first drop at 1100.
        let atStart = codel.shouldDrop(sojourn: 20 * ms, now: 1000 * ms, remaining: 10)
        #expect(!atStart && !codel.isAtRest)
        codel.foundEmpty()
        #expect(codel.isAtRest)
        // A new interval starts at 1200: no drop at 1200, none at 1290, the first at 1300.
        let decisions = [1200, 1290, 1300].map { codel.shouldDrop(sojourn: 20 * ms, now: $0 * ms, remaining: 10) }
        #expect(decisions == [false, false, true])
        #expect(!codel.isAtRest)
        codel.foundEmpty()
        #expect(codel.isAtRest)
    }
}
