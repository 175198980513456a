import SatsimCore
import Testing

@testable import SatsimModel

/// The prober has one probe out at a time. The kubelet's worker runs `doProbe`, which waits for
/// the answer up to timeoutSeconds, and then waits on a `time.Ticker` of periodSeconds, which
/// keeps one tick for a slow receiver and drops the rest (kubernetes/kubernetes
/// pkg/kubelet/prober/worker.go, `run`; Go's `time.NewTicker`: "adjust the time interval or drop
/// ticks to make up for slow receivers"). Envoy's checker re-arms its interval timer only when a
/// check ends. So a `timeout` longer than the `interval` stretches the schedule: a tick that comes
/// while a probe is out sends nothing then, and its probe goes out the moment that one ends.
@Suite("Health checks: one probe out at a time")
struct HealthCheckOneAtATimeTests {
    /// One instance with one worker, held from 1 s to the end by the first request (constant
    /// 1/s arrivals, a service time longer than the run); probes every 1 s, each waiting 5 s.
    static func spec(unhealthyAfter: Int = 1000) -> ScenarioSpec {
        ScenarioSpec(
            name: "one-at-a-time", duration: SimTime(seconds: 20), seed: 4,
            clients: [ClientSpec(name: "users", target: "api", arrival: .constant(rate: 1))],
            services: [
                ServiceSpec(
                    name: "api", instances: 1, workers: 1, serviceTime: .constant(value: 100),
                    healthCheck: HealthCheckSpec(
                        interval: SimTime(seconds: 1), timeout: SimTime(seconds: 5), unhealthyAfter: unhealthyAfter,
                        healthyAfter: 1, action: .eject))
            ])
    }

    /// The times [ns] instance 0's probes were sent, read after every event (a probe due at a
    /// tick, or one sent when the last one out ended).
    static func probeTimes(_ spec: ScenarioSpec) -> [Int64] {
        let simulation = Simulation(spec: spec)
        simulation.prepare()
        var times: [Int64] = []
        var sent = simulation.instances[0].probesSent
        while let head = simulation.calendar.next, head.time <= spec.duration, let event = simulation.calendar.popNext() {
            simulation.now = event.time
            _ = simulation.process(event)
            if simulation.instances[0].probesSent != sent {
                times.append(event.time.nanoseconds)
                sent = simulation.instances[0].probesSent
            }
        }
        return times
    }

    @Test("A tick while a probe is out waits for it; the ticks in between are dropped")
    func oneAtATime() throws {
        let times = Self.probeTimes(Self.spec())
        // The first probe at a phase p in (0, 1 s) finds the worker free and is answered at
        // once; the tick at p + 1 s (after the request took the worker at 1 s) sends one that
        // waits its 5 s out; the ticks at p + 2...p + 5 s send nothing, and at p + 6 s its timeout
        // comes first (scheduled before that tick) and the held tick's probe goes out then. So
        // p, p + 1, p + 6, p + 11, p + 16 s: five probes in 20 s, where a probe per tick was 20.
        let p = try #require(times.first)
        let second: Int64 = 1_000_000_000
        #expect(times == [p, p + second, p + 6 * second, p + 11 * second, p + 16 * second], "\(times)")
        #expect(p > 0 && p < second)
    }

    @Test("Failures count one per probe: unhealthy_after 3 ejects at the third timeout, not the third tick")
    func ejectionWaitsForTheProbes() {
        let result = Simulation(spec: Self.spec(unhealthyAfter: 3)).run()
        let ejected = result.events.filter { $0.kind == .instanceEjected }.map(\.time)
        // Timeouts of the probes sent at p + 1, p + 6 and p + 11 s: p + 6, p + 11, p + 16 s.
        // With a probe per tick, the third timeout came at p + 3 + 5 = p + 8 s.
        #expect(ejected.count == 1)
        if let at = ejected.first { #expect(at > 16 && at < 17, "ejected at \(at)") }
    }
}
