import SatsimCore
@testable import SatsimModel
import Testing

/// Issue 10 compiles the handlers of a request's life twice from one source, for the full model
/// (`FullPath`) and for runs that use none of the mechanisms the lean path leaves out
/// (`LeanPath`, `Simulation.isLean()`). The lean path is an optimisation only: a run must give
/// the same figures, bit for bit, whichever path it takes.
@Suite("Lean request path")
struct LeanPathTests {
    /// What the lean path keeps: timeouts with retries and backoff (the server still finishing
    /// abandoned attempts), bounded queues with a queue timeout, several instances behind a
    /// balancer, a discipline other than FIFO, two clients and two services, a load spike.
    static func leanSpec(discipline: QueueDiscipline, balancer: BalancerKind) -> ScenarioSpec {
        ScenarioSpec(
            name: "lean", duration: SimTime(seconds: 120), warmup: SimTime(seconds: 10), seed: 11,
            clients: [
                ClientSpec(
                    name: "users", target: "api", arrival: .poisson(rate: 260), timeout: SimTime(seconds: 0.15),
                    retry: RetrySpec(
                        maxAttempts: 3, on: [.timeout, .error],
                        backoff: BackoffSpec(base: SimTime(seconds: 0.02), multiplier: 2, jitter: .full))),
                ClientSpec(name: "batch", target: "db", arrival: .constant(rate: 40)),
            ],
            services: [
                ServiceSpec(
                    name: "api", instances: 3, workers: 4, serviceTime: .lognormal(mean: 0.04, cv: 1.5),
                    queue: QueueSpec(capacity: 12, discipline: discipline, timeout: SimTime(seconds: 0.3)),
                    balancer: balancer),
                ServiceSpec(name: "db", instances: 1, workers: 2, serviceTime: .exponential(mean: 0.04)),
            ],
            // A load spike only changes a client's rate: the run stays on the lean path.
            timeline: [
                TimelineEventSpec(at: SimTime(seconds: 40), duration: SimTime(seconds: 10), action: .loadSpike(client: "users", factor: 1.5))
            ])
    }

    static func run(_ spec: ScenarioSpec, lean: Bool) -> SimulationResult {
        let simulation = Simulation(spec: spec)
        #expect(simulation.lean, "the scenario was meant to be lean")
        simulation.lean = lean
        let result = simulation.run()
        simulation.checkInvariants()
        return result
    }

    @Test("A lean scenario gives identical results on the lean and the full path",
          arguments: [QueueDiscipline.fifo, .lifo, .codel], [BalancerKind.roundRobin, .random, .powerOfTwo])
    func leanEqualsFull(discipline: QueueDiscipline, balancer: BalancerKind) {
        let spec = Self.leanSpec(discipline: discipline, balancer: balancer)
        let lean = Self.run(spec, lean: true), full = Self.run(spec, lean: false)
        // The scenario exercises what the lean path keeps.
        #expect(full.clients[0].attemptOutcomes["timeout", default: 0] > 0, "\(full.clients[0])")
        #expect(full.clients[0].attempts > full.clients[0].requests, "retries were sent")
        #expect(full.services[0].wasted > 0 && full.services[0].dropped + full.services[0].rejected > 0)
        #expect(lean.clients == full.clients)
        #expect(lean.services == full.services)
        #expect(lean.timeSeries == full.timeSeries)
        #expect(lean.eventCount == full.eventCount)
    }

    /// Each mechanism the lean path leaves out, added alone to the lean scenario, must send the
    /// run down the full path.
    static let outOfLean: [(String, @Sendable (inout ScenarioSpec) -> Void)] = [
        ("retry budget", { $0.clients[0].retry?.budget = RetryBudgetSpec(ratio: 0.1) }),
        ("circuit breaker", {
            $0.clients[0].circuitBreaker = CircuitBreakerSpec(
                failureRatio: 0.5, minRequests: 10, window: SimTime(seconds: 10), openFor: SimTime(seconds: 5), halfOpenProbes: 1)
        }),
        ("adaptive throttle", { $0.clients[0].adaptiveThrottle = AdaptiveThrottleSpec(k: 2, window: SimTime(seconds: 60)) }),
        ("network delay", { $0.clients[0].network = .exponential(mean: 0.001) }),
        ("closed-loop users", { $0.clients[1].arrival = .closed(users: 5, think: .exponential(mean: 1)) }),
        ("health check", { $0.services[0].healthCheck = HealthCheckSpec(interval: SimTime(seconds: 5), timeout: SimTime(seconds: 1)) }),
        ("cache", { $0.services[0].cache = CacheSpec(keys: 100, zipf: 1, capacity: 10) }),
        ("downstream call", { $0.services[0].calls = [CallSpec(service: "db")] }),
        ("outlier detection", { $0.services[0].outlierDetection = OutlierDetectionSpec() }),
        ("autoscaler", {
            $0.services[0].autoscaler = AutoscalerSpec(
                policy: .targetTracking, metric: .utilization, target: 0.6, interval: SimTime(seconds: 15), min: 1, max: 4)
        }),
        ("contention", { $0.services[1].contention = 0.1 }),
        // Its tree (LeastLoadTree) learns every change of load on the full path only.
        ("least-outstanding balancer over several instances", { $0.services[0].balancer = .leastOutstanding }),
    ]

    /// Each timeline event other than a load spike, at 60 s (after the spike of ``leanSpec``):
    /// the run is lean until it starts, and on the full path from then on.
    static let leaveAtEvent: [(String, TimelineAction, SimTime?)] = [
        ("a kill", .kill(service: "api", count: 1), nil),
        ("a pause", .pause(service: "api", count: 1), SimTime(seconds: 1)),
        ("a scale", .scale(service: "api", to: 2), nil),
        ("a deploy", .deploy(service: "api", batch: 1, every: SimTime(seconds: 5)), nil),
        ("an outage", .outage(service: "db", mode: .refuse), SimTime(seconds: 5)),
        ("an errors fault", .errors(service: "api", ratio: 0.5), SimTime(seconds: 10)),
        ("a latency fault", .latency(service: "api", add: .constant(value: 0.05)), SimTime(seconds: 10)),
        ("a cache flush", .cacheFlush(service: "api"), nil),
    ]

    @Test("A timeline event other than a spike sends the run down the full path when it starts, with the full path's results",
          arguments: leaveAtEvent.indices)
    func timelineEventsLeaveTheLeanPathWhenTheyStart(index: Int) {
        let (name, action, duration) = Self.leaveAtEvent[index]
        var spec = Self.leanSpec(discipline: .fifo, balancer: .roundRobin)
        spec.timeline.append(TimelineEventSpec(at: SimTime(seconds: 60), duration: duration, action: action))
        let simulation = Simulation(spec: spec)
        #expect(simulation.lean, "\(name): lean until it starts")
        // Up to the event, the lean path; the spike at 40 s leaves it lean.
        simulation.prepare()
        _ = RunLoop.run(simulation, until: SimTime(seconds: 59)) { simulation.process($0) }
        #expect(simulation.lean, "\(name): still lean at 59 s")
        _ = RunLoop.run(simulation, until: SimTime(seconds: 61)) { simulation.process($0) }
        #expect(!simulation.lean, "\(name) must take the full path once it starts")
        simulation.checkInvariants()
        // The whole run is the full path's, bit for bit.
        let mixed = Simulation(spec: spec).run()
        let full = Self.run(spec, lean: false)
        #expect(mixed.clients == full.clients, "\(name)")
        #expect(mixed.services == full.services, "\(name)")
        #expect(mixed.timeSeries == full.timeSeries, "\(name)")
        #expect(mixed.events == full.events, "\(name)")
        #expect(mixed.eventCount == full.eventCount, "\(name)")
    }

    @Test("Every mechanism the lean path leaves out sends the run down the full path", arguments: outOfLean.indices)
    func mechanismsLeaveTheLeanPath(index: Int) {
        let (name, add) = Self.outOfLean[index]
        var spec = Self.leanSpec(discipline: .fifo, balancer: .roundRobin)
        #expect(Simulation(spec: spec).lean)
        add(&spec)
        let simulation = Simulation(spec: spec)
        #expect(!simulation.lean, "\(name) must take the full path")
        #expect(!simulation.isLean(), "\(name)")
        _ = simulation.run()
        simulation.checkInvariants()
    }

    @Test("A disabled timeline event keeps the run lean")
    func disabledEventStaysLean() {
        var spec = Self.leanSpec(discipline: .fifo, balancer: .roundRobin)
        spec.timeline.append(TimelineEventSpec(at: SimTime(seconds: 30), action: .kill(service: "api", count: 1), enabled: false))
        #expect(Simulation(spec: spec).lean)
    }
}
