import Testing
import SatsimModel
@testable import SatsimScenario

/// An unknown key is told with the keys its block takes ("what was expected") and, where one is
/// likely, the key meant: a misspelling, the same words in camelCase, or the name another tool
/// gives the same setting. The foreign names are the tools' own:
/// - Envoy, `config.core.v3.HealthCheck`: `unhealthy_threshold`, `healthy_threshold`;
///   `config.cluster.v3.OutlierDetection`: `consecutive_5xx`.
/// - Kubernetes, the Probe object (pods, "Configure Liveness, Readiness and Startup Probes"):
///   `periodSeconds`, `timeoutSeconds`, `failureThreshold`, `successThreshold`;
///   HorizontalPodAutoscaler spec: `minReplicas`, `maxReplicas`.
/// - resilience4j, CircuitBreakerConfig: `failureRateThreshold`, `minimumNumberOfCalls`,
///   `waitDurationInOpenState`, `permittedNumberOfCallsInHalfOpenState`.
@Suite struct UnknownKeyTests {
    static let healthCheck = ["interval", "timeout", "unhealthy_after", "healthy_after", "action", "panic_threshold", "jitter"]
    static let breaker = ["failure_ratio", "min_requests", "window", "open_for", "half_open_probes"]
    static let autoscaler = ["policy", "metric", "target", "interval", "min", "max", "scale_in_cooldown", "scale_out_cooldown"]
    static let retry = ["max_attempts", "on", "backoff", "budget"]
    static let timelineEvent = ["at", "kind", "enabled", "for", "client", "factor", "service", "add", "caller", "share", "ratio",
                                "mode", "count", "to", "batch", "every", "path", "value"]
    static let distribution = ["dist", "mean", "cv", "value", "min", "max", "shape", "scale", "p", "means", "weights"]

    @Test(arguments: [
        // A misspelling still wins first.
        ("intervall", healthCheck, "interval"),
        // Envoy's and Kubernetes' names for the health checker's thresholds and period.
        ("unhealthy_threshold", healthCheck, "unhealthy_after"),
        ("healthy_threshold", healthCheck, "healthy_after"),
        ("failureThreshold", healthCheck, "unhealthy_after"),
        ("successThreshold", healthCheck, "healthy_after"),
        ("periodSeconds", healthCheck, "interval"),
        ("timeoutSeconds", healthCheck, "timeout"),
        // The same words in camelCase or with dashes.
        ("maxAttempts", retry, "max_attempts"),
        ("max-attempts", retry, "max_attempts"),
        ("openFor", breaker, "open_for"),
        ("halfOpenProbes", breaker, "half_open_probes"),
        // resilience4j's circuit breaker.
        ("failureRateThreshold", breaker, "failure_ratio"),
        ("minimumNumberOfCalls", breaker, "min_requests"),
        ("waitDurationInOpenState", breaker, "open_for"),
        // The HPA's replica bounds.
        ("minReplicas", autoscaler, "min"),
        ("maxReplicas", autoscaler, "max"),
        // What picks a fault's or a distribution's case, by other tools' names: Chaos Mesh's
        // `action` (chaos-mesh.org, PodChaos: "action: pod-kill"), Gremlin's and Toxiproxy's
        // `type` (github.com/Shopify/toxiproxy: "type": "latency").
        ("action", timelineEvent, "kind"),
        ("type", timelineEvent, "kind"),
        ("type", distribution, "dist"),
        ("distribution", distribution, "dist"),
        // One key shares a word with it.
        ("failure_threshold", breaker, "failure_ratio"),
        ("num_retries", retry, "max_attempts"),
    ])
    func theKeyMeantIsSuggested(word: String, keys: [String], meant: String) {
        #expect(Suggestion.key(for: word, in: keys) == meant, "\(word)")
    }

    @Test func noGuessWhenNothingIsUnambiguous() {
        // Both cooldowns share "cooldown": no guess rather than a coin toss.
        #expect(Suggestion.key(for: "cooldown_window", in: Self.autoscaler) == nil)
        // A foreign name whose setting the block does not have.
        #expect(Suggestion.key(for: "replicas", in: Self.healthCheck) == nil)
        // A health check's own `action` is a key of its block; elsewhere "action" means no key
        // the block lacks.
        #expect(Suggestion.key(for: "action", in: Self.breaker) == nil)
        #expect(Suggestion.key(for: "minReplicas", in: Self.healthCheck) == nil)
        // Unrelated words, and short shared words ("on", "max") that say nothing.
        #expect(Suggestion.key(for: "colour", in: Self.breaker) == nil)
        #expect(Suggestion.key(for: "max_wait", in: Self.breaker) == nil)
    }

    /// A key meaning the opposite bound is not offered, however close its spelling: Envoy's
    /// circuit breaker `max_requests` (a cap on requests in flight, envoyproxy.io
    /// config.cluster.v3.CircuitBreakers.Thresholds) is two edits from `min_requests` (the
    /// volume a breaker needs before it may trip). A bound shares no word with a key without it
    /// (`max_faults` is a count, not the list `faults`), and a generic word names nothing
    /// (`threshold` in a health check is Envoy's or Kubernetes' failure count, not the balancer's
    /// `panic_threshold`).
    @Test func noOppositeBoundAndNoGenericWord() {
        #expect(Suggestion.key(for: "max_requests", in: Self.breaker) == nil)
        #expect(Suggestion.key(for: "maxRequests", in: Self.breaker) == nil)
        #expect(Suggestion.key(for: "max_faults", in: ["faults", "at", "max_together", "replications"]) == nil)
        #expect(Suggestion.key(for: "threshold", in: Self.healthCheck) == nil)
        // The same bound still helps: a misspelling, Cloud Run's --min-instances.
        #expect(Suggestion.key(for: "max_togehter", in: ["faults", "at", "max_together", "replications"]) == "max_together")
        #expect(Suggestion.key(for: "min-instances", in: Self.autoscaler) == "min")
        #expect(Suggestion.key(for: "maxNumReplicas", in: Self.autoscaler) == "max")
    }

    /// With the discriminator missing or misspelt, a misspelt key of one of its cases is listed
    /// against every case's keys, not only the common ones ("expected one of dist" said `mean`
    /// was not allowed), and the key meant is found among them.
    @Test func aBlockWithoutItsKindListsEveryCasesKeys() throws {
        let text = Self.scenario
            .replacingOccurrences(of: "service_time: { dist: exponential, mean: 20ms }", with: "service_time: { dist: gama, mean: 20ms, cvv: 2 }")
            .replacingOccurrences(of: ", unhealthy_threshold: 3, healthyAfter: 2", with: "")
            + "\ntimeline:\n  - { at: 10s, kind: outtage, servce: api }\n"
        let error = try #require(throws: ScenarioError.self) { try ScenarioLoader.parse(text: text, file: "hc.yaml") }
        let cvv = try #require(error.diagnostics.first { $0.path == "services.api.service_time.cvv" }, "\(error)")
        #expect(cvv.message == "unknown key, expected one of dist, mean, value, cv, min, max, scale, shape, values", "\(cvv)")
        #expect(cvv.suggestion == "cv")
        let servce = try #require(error.diagnostics.first { $0.path == "timeline.0.servce" }, "\(error)")
        #expect(servce.message.hasPrefix("unknown key, expected one of at, kind, enabled, "), "\(servce)")
        #expect(servce.message.contains("service"), "\(servce)")
        #expect(servce.suggestion == "service")
        // The kind itself is told first, with its own hint.
        #expect(error.diagnostics.contains { $0.path == "timeline.0.kind" && $0.suggestion == "outage" }, "\(error)")
    }

    @Test func snakeCaseOfForeignSpellings() {
        #expect(Suggestion.snakeCase("maxAttempts") == "max_attempts")
        #expect(Suggestion.snakeCase("MaxAttempts") == "max_attempts")
        #expect(Suggestion.snakeCase("max-attempts") == "max_attempts")
        #expect(Suggestion.snakeCase("consecutive5xx") == "consecutive5xx")
        #expect(Suggestion.snakeCase("already_snake") == "already_snake")
    }

    static let scenario = """
        name: hc
        description: health check keys written as Envoy writes them
        duration: 1m
        clients:
          users:
            target: api
            arrival: { process: poisson, rate: 10/s }
        services:
          api:
            instances: 2
            workers: 4
            service_time: { dist: exponential, mean: 20ms }
            health_check: { interval: 5s, timeout: 1s, unhealthy_threshold: 3, healthyAfter: 2 }
        """

    /// Through the loader: located, with what the block takes and the key meant.
    @Test func theDiagnosticListsTheBlocksKeysAndTheKeyMeant() throws {
        let error = try #require(throws: ScenarioError.self) { try ScenarioLoader.parse(text: Self.scenario, file: "hc.yaml") }
        let texts = error.diagnostics.map(\.description)
        #expect(texts.count == 2, "\(texts)")
        let expected = "expected one of interval, timeout, unhealthy_after, healthy_after, action, panic_threshold, jitter"
        #expect(texts.contains("hc.yaml:13:48: error: services.api.health_check.unhealthy_threshold: unknown key, \(expected); did you mean 'unhealthy_after'?"), "\(texts)")
        #expect(texts.contains("hc.yaml:13:72: error: services.api.health_check.healthyAfter: unknown key, \(expected); did you mean 'healthy_after'?"), "\(texts)")
    }

    /// `--set` paths get the same help as the file's keys.
    @Test func aSetPathIsHelpedTheSameWay() throws {
        let text = Self.scenario.replacingOccurrences(of: ", unhealthy_threshold: 3, healthyAfter: 2", with: "")
        let error = try #require(throws: ScenarioError.self) {
            try ScenarioLoader.parse(text: text, file: "hc.yaml", overrides: [ScalarOverride(path: "services.api.health_check.periodSeconds", value: "2s")])
        }
        let first = try #require(error.diagnostics.first)
        #expect(first.message.hasPrefix("unknown key, expected one of interval, timeout"), "\(first)")
        #expect(first.suggestion == "interval")
    }
}
