import SatsimAnalysis
import SatsimCore
import SatsimModel
import Testing

/// The spec transformations of `satsim explain`: each switch-off changes exactly what its
/// `change` says, and nothing else; only mechanisms the scenario uses are listed.
@Suite("explain: counterfactual specs")
struct CounterfactualTests {
    static let retry = RetrySpec(maxAttempts: 3, budget: RetryBudgetSpec(ratio: 0.1))

    /// A scenario with every mechanism the model simulates, and two timeline events.
    static let full = ScenarioSpec(
        name: "everything", duration: SimTime(seconds: 60),
        clients: [
            ClientSpec(
                name: "users", target: "api", arrival: .poisson(rate: 10), timeout: SimTime(seconds: 1), retry: retry,
                circuitBreaker: CircuitBreakerSpec(failureRatio: 0.5, minRequests: 10, window: SimTime(seconds: 10),
                                                   openFor: SimTime(seconds: 5), halfOpenProbes: 1),
                adaptiveThrottle: AdaptiveThrottleSpec(k: 2, window: SimTime(seconds: 60))),
        ],
        services: [
            ServiceSpec(
                name: "api", instances: 2, serviceTime: .constant(value: 0.01),
                queue: QueueSpec(capacity: 10, discipline: .codel, timeout: SimTime(seconds: 0.5)),
                calls: [CallSpec(service: "db", retry: retry)],
                cache: CacheSpec(keys: 100, zipf: 1, capacity: 10),
                healthCheck: HealthCheckSpec(interval: SimTime(seconds: 5), timeout: SimTime(seconds: 1)),
                autoscaler: AutoscalerSpec(policy: .targetTracking, metric: .utilization, target: 0.6,
                                           interval: SimTime(seconds: 15), min: 1, max: 4)),
            ServiceSpec(name: "db", serviceTime: .constant(value: 0.01)),
        ],
        timeline: [
            TimelineEventSpec(at: SimTime(seconds: 20), duration: SimTime(seconds: 5),
                              action: .loadSpike(client: "users", factor: 2)),
            TimelineEventSpec(at: SimTime(seconds: 30), action: .cacheFlush(service: "api")),
        ])

    /// What each subject's switch-off must do to the spec, written out field by field.
    static let expected: [(mechanism: String, subject: String, edit: @Sendable (inout ScenarioSpec) -> Void)] = [
        ("retry", "clients.users.retry", { $0.clients[0].retry?.maxAttempts = 1 }),
        ("retry_budget", "clients.users.retry.budget", { $0.clients[0].retry?.budget = nil }),
        ("circuit_breaker", "clients.users.circuit_breaker", { $0.clients[0].circuitBreaker = nil }),
        ("adaptive_throttle", "clients.users.adaptive_throttle", { $0.clients[0].adaptiveThrottle = nil }),
        ("call_retry", "services.api.calls.0.retry", { $0.services[0].calls[0].retry?.maxAttempts = 1 }),
        ("retry_budget", "services.api.calls.0.retry.budget", { $0.services[0].calls[0].retry?.budget = nil }),
        ("queue_timeout", "services.api.queue.timeout", { $0.services[0].queue.timeout = nil }),
        ("codel", "services.api.queue.discipline", { $0.services[0].queue.discipline = .fifo }),
        ("health_check", "services.api.health_check", { $0.services[0].healthCheck = nil }),
        ("autoscaler", "services.api.autoscaler", { $0.services[0].autoscaler = nil }),
        ("cache", "services.api.cache", { $0.services[0].cache?.neverCold = true }),
        ("fault", "timeline.0", { $0.timeline.remove(at: 0) }),
        ("fault", "timeline.1", { $0.timeline.remove(at: 1) }),
    ]

    @Test("Every mechanism used is listed once, in order, and each changes exactly its subject")
    func eachChangesExactlyItsSubject() {
        let list = Counterfactual.all(for: Self.full)
        #expect(list.map(\.mechanism) == Self.expected.map(\.mechanism))
        #expect(list.map(\.subject) == Self.expected.map(\.subject))
        for (counterfactual, expectation) in zip(list, Self.expected) {
            var spec = Self.full
            expectation.edit(&spec)
            #expect(spec != Self.full, "\(expectation.subject): the expected edit is a change")
            #expect(counterfactual.spec == spec, "\(counterfactual.subject) changed more, or other, than it says")
            #expect(Counterfactual.mechanisms.contains(counterfactual.mechanism))
        }
    }

    @Test("The change is told in plain words with the values it replaced")
    func changesInWords() throws {
        let list = Counterfactual.all(for: Self.full)
        let bySubject = Dictionary(list.map { ($0.subject, $0.change) }, uniquingKeysWith: { a, _ in a })
        #expect(bySubject["clients.users.retry"] == "max_attempts 3 -> 1 (no retries)")
        #expect(bySubject["services.api.queue.discipline"] == "discipline codel -> fifo")
        #expect(bySubject["services.api.autoscaler"] == "no autoscaler: keeps its initial 2 instances")
        #expect(bySubject["timeline.0"] == "load_spike on users at 20s for 5s removed")
        #expect(bySubject["timeline.1"] == "cache_flush on api at 30s removed")
    }

    @Test("What is already off is not listed: one attempt, a fifo queue, no timeline")
    func unusedMechanismsAreNotListed() {
        var spec = Self.full
        spec.clients[0] = ClientSpec(name: "users", target: "api", arrival: .poisson(rate: 10),
                                     retry: RetrySpec(maxAttempts: 1, budget: RetryBudgetSpec(ratio: 0.1)))
        spec.services[0] = ServiceSpec(name: "api", serviceTime: .constant(value: 0.01),
                                       calls: [CallSpec(service: "db", retry: RetrySpec(maxAttempts: 1))])
        spec.timeline = []
        #expect(Counterfactual.all(for: spec).isEmpty)
    }
}
