import SatsimCore
import SatsimTestSupport
import Testing

@testable import SatsimModel

/// Health checks on a schedule of their own per instance (the contract's `health_check.jitter`:
/// "each probe's interval is stretched by U(0, jitter x interval); every instance is probed on its
/// own schedule, first probe at a random phase").
///
/// The primary source is Envoy's active health checker: one session per host with its own
/// interval timer (source/common/upstream/health_checker_impl.cc, `ActiveHealthCheckSession`);
/// `initial_jitter` delays a host's first check by a random time in [0, initial_jitter), and
/// `interval_jitter_percent` adds `random % (interval x percent / 100)` to every interval
/// (`HealthCheckerImplBase::intervalWithJitter`; API reference:
/// envoyproxy.io/docs/envoy/latest/api-v3/config/core/v3/health_check.proto). satsim's first
/// phase is U(0, interval) and its stretch U(0, jitter x interval).
@Suite("Health check schedules")
struct HealthCheckScheduleTests {
    static let interval: Int64 = 2_000_000_000

    /// A lightly loaded service (50/s against 8 x 4 workers / 20 ms = 1,600/s), so every probe
    /// passes and nothing but the schedule decides when probes are sent.
    static func spec(
        instances: Int = 8, jitter: Double, seed: UInt64 = 8, duration: Double = 60, bootTime: Double = 10,
        timeline: [TimelineEventSpec] = []
    ) -> ScenarioSpec {
        ScenarioSpec(
            name: "schedule", duration: SimTime(seconds: duration), seed: seed,
            clients: [ClientSpec(name: "users", target: "api", arrival: .poisson(rate: 50), timeout: SimTime(seconds: 2))],
            services: [
                ServiceSpec(
                    name: "api", instances: instances, workers: 4, serviceTime: .exponential(mean: 0.02),
                    queue: QueueSpec(capacity: 500),
                    healthCheck: HealthCheckSpec(
                        interval: SimTime(nanoseconds: interval), timeout: SimTime(seconds: 0.5), unhealthyAfter: 2,
                        healthyAfter: 2, action: .eject, jitter: jitter),
                    bootTime: SimTime(seconds: bootTime))
            ],
            timeline: timeline)
    }

    /// Runs `spec` event by event and returns, per instance slot, the times [ns] its probes were
    /// sent (read from the instance's probe counter after each probe event, so a stale schedule
    /// that sent nothing leaves no time).
    static func probeTimes(_ spec: ScenarioSpec) -> [[Int64]] {
        let simulation = Simulation(spec: spec)
        simulation.prepare()
        var times = Array(repeating: [Int64](), count: simulation.instances.count)
        var sent = simulation.instances.map(\.probesSent)
        while let head = simulation.calendar.next, head.time <= spec.duration, let event = simulation.calendar.popNext() {
            simulation.now = event.time
            _ = simulation.process(event)
            guard event.kind == EventKind.probe.rawValue else { continue }
            let i = Int(event.slot)
            if simulation.instances[i].probesSent != sent[i] {
                times[i].append(event.time.nanoseconds)
                sent[i] = simulation.instances[i].probesSent
            }
        }
        return times
    }

    static func gaps(_ times: [Int64]) -> [Int64] { zip(times.dropFirst(), times).map { $0 - $1 } }

    @Test("Each instance's first probe comes at its own phase, U(0, interval), drawn from services.api.health")
    func firstPhases() {
        let times = Self.probeTimes(Self.spec(jitter: 0.1))
        let first = times.map { $0.first ?? -1 }
        #expect(first.allSatisfy { (0..<Self.interval).contains($0) }, "\(first)")
        #expect(Set(first).count == first.count, "two instances share a phase: \(first)")
        // The phases are the first draws of the service's own health stream, in instance order:
        // no other component's stream is touched (common random numbers, DESIGN.md "Randomness").
        let stream = RandomStream(seed: 8, component: "services.api.health")
        let expected = first.indices.map { _ in Int64(Double(Self.interval) * stream.uniform()) }
        #expect(first == expected)
    }

    @Test("The phases of many instances are uniform on [0, interval) (Kolmogorov-Smirnov)")
    func phasesAreUniform() {
        // 200 instances, run for less than one interval: only first probes.
        let times = Self.probeTimes(Self.spec(instances: 200, jitter: 0, duration: 1.999))
        let phases = times.compactMap(\.first).map { Double($0) / Double(Self.interval) }
        // Every phase below 1.999 s is seen; the share of U(0, 2 s) there is 0.9995.
        #expect(phases.count >= 190)
        let ks = KolmogorovSmirnov(samples: phases) { min(max($0 / 0.9995, 0), 1) }
        // Conditioned on being seen, the phase is uniform on [0, 1.999 s); p < 0.001 would reject.
        #expect(ks.pValue > 0.001, "\(ks)")
    }

    @Test("Each interval lies in [interval, interval x (1 + jitter)] and its stretch is U(0, jitter x interval)")
    func stretchedIntervals() {
        let jitter = 0.25
        let times = Self.probeTimes(Self.spec(jitter: jitter))
        let limit = Self.interval + Int64(Double(Self.interval) * jitter)
        var stretches: [Double] = []
        for instance in times {
            #expect(instance.count >= 23, "only \(instance.count) probes in 60 s")
            for gap in Self.gaps(instance) {
                #expect(gap >= Self.interval && gap < limit, "gap \(gap) ns outside [\(Self.interval), \(limit))")
                stretches.append(Double(gap - Self.interval) / (Double(Self.interval) * jitter))
            }
        }
        let ks = KolmogorovSmirnov(samples: stretches) { min(max($0, 0), 1) }
        #expect(ks.pValue > 0.001, "\(ks)")
        // Independent schedules: no two instances probe at the same instant.
        let all = times.flatMap { $0 }
        #expect(Set(all).count == all.count)
    }

    @Test("jitter 0: each instance keeps its own phase and probes exactly every interval")
    func noJitter() {
        let times = Self.probeTimes(Self.spec(jitter: 0))
        for instance in times {
            #expect(Self.gaps(instance).allSatisfy { $0 == Self.interval })
        }
        #expect(Set(times.compactMap(\.first)).count == times.count)
    }

    @Test("A killed instance's old schedule never fires: the restarted instance has one schedule of its own")
    func restartDropsTheOldSchedule() {
        // Boot takes 1 ms, far less than the interval, so the old schedule's next probe falls
        // after the instance serves again: only the probe epoch keeps it from firing.
        let kill = TimelineEventSpec(at: SimTime(seconds: 10), action: .kill(service: "api", count: 1))
        let spec = Self.spec(instances: 2, jitter: 0, bootTime: 0.001, timeline: [kill])
        let times = Self.probeTimes(spec)[0]
        let killedAt: Int64 = 10_000_000_000, bootedAt: Int64 = 10_001_000_000
        let before = times.filter { $0 <= killedAt }, after = times.filter { $0 > killedAt }
        #expect(!before.isEmpty && !after.isEmpty)
        #expect(Self.gaps(before).allSatisfy { $0 == Self.interval })
        guard let restart = after.first else { return }
        // The new life's first probe comes at its own phase after booting, then every interval.
        #expect(restart >= bootedAt && restart < bootedAt + Self.interval)
        #expect(Self.gaps(after).allSatisfy { $0 == Self.interval }, "two schedules at once: \(after)")
        let end = spec.duration.nanoseconds
        #expect(Int64(after.count) == (end - restart) / Self.interval + 1)
    }

    @Test("An instance that boots for longer than the interval is probed again once it serves")
    func longBootRestartsTheSchedule() {
        let kill = TimelineEventSpec(at: SimTime(seconds: 10), action: .kill(service: "api", count: 1))
        let times = Self.probeTimes(Self.spec(instances: 2, jitter: 0, bootTime: 3, timeline: [kill]))[0]
        let bootedAt: Int64 = 13_000_000_000
        // Nothing while it boots (the old schedule dies with the old life), then a new phase.
        #expect(!times.contains { $0 > 10_000_000_000 && $0 < bootedAt })
        let after = times.filter { $0 >= bootedAt }
        #expect(after.first.map { $0 < bootedAt + Self.interval } == true, "\(after)")
        #expect(Self.gaps(after).allSatisfy { $0 == Self.interval })
    }

    @Test("An instance added by scaling out starts its own schedule when it has booted")
    func scaledOutInstance() {
        let scale = TimelineEventSpec(at: SimTime(seconds: 10), action: .scale(service: "api", to: 3))
        let times = Self.probeTimes(Self.spec(instances: 2, jitter: 0.1, bootTime: 5, timeline: [scale]))
        let added = times[2]
        let bootedAt: Int64 = 15_000_000_000
        #expect(added.first.map { $0 >= bootedAt && $0 < bootedAt + Self.interval } == true, "\(added)")
        #expect(added.count >= 20)
    }

    @Test("The same seed gives the same probe times; another seed other phases")
    func determinism() {
        let a = Self.probeTimes(Self.spec(jitter: 0.2))
        let b = Self.probeTimes(Self.spec(jitter: 0.2))
        let c = Self.probeTimes(Self.spec(jitter: 0.2, seed: 9))
        #expect(a == b)
        #expect(a.map(\.first) != c.map(\.first))
    }
}
