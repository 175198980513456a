import SatsimCore
import SatsimModel
import Testing
@testable import SatsimScenario

@Suite struct LoaderTests {}

/// Seconds as the decoder computes them: through a whole number of nanoseconds.
func seconds(_ ns: Int64) -> Double { SimTime(nanoseconds: ns).seconds }
let ms: Int64 = 1_000_000
let sec: Int64 = 1_000_000_000

// MARK: - Shipped scenarios and the supported slice

extension LoaderTests {
    @Test func everyShippedScenarioParsesAndIsSupported() throws {
        for file in TestFiles.shippedScenarios {
            #expect(throws: Never.self, "\(file)") { _ = try ScenarioLoader.load(file: file) }
        }
    }

    @Test func everyVariantOfEveryShippedScenarioLoadsAndEqualsItsSetArguments() throws {
        for file in TestFiles.shippedScenarios + [TestFiles.fixture("minimal.yaml")] {
            let spec = try ScenarioLoader.load(file: file)
            for variant in spec.variants {
                let viaVariant = try ScenarioLoader.load(file: file, variant: variant.name)
                let viaSet = try ScenarioLoader.load(file: file, overrides: variant.overrides)
                #expect(viaVariant == viaSet, "\(file) variant \(variant.name)")
                #expect(viaVariant != spec, "\(file) variant \(variant.name) changes nothing")
            }
        }
    }

    @Test func windowsLineEndingsAndByteOrderMarkAreAccepted() throws {
        let text = try TestFiles.fixtureText("minimal.yaml")
        let lf = try ScenarioLoader.parse(text: text, file: "lf.yaml")
        let crlf = try ScenarioLoader.parse(text: text.replacingOccurrences(of: "\n", with: "\r\n"), file: "crlf.yaml")
        #expect(crlf == lf)
        let bom = try ScenarioLoader.parse(text: "\u{FEFF}" + text, file: "bom.yaml")
        #expect(bom == lf)
    }

    @Test func minimalFixtureDecodesToTheExpectedSpec() throws {
        let spec = try ScenarioLoader.load(file: TestFiles.fixture("minimal.yaml"))
        #expect(spec.name == "retry-storm-mini")
        #expect(spec.duration == SimTime(nanoseconds: 600 * sec))
        #expect(spec.warmup == SimTime(nanoseconds: 60 * sec))
        #expect(spec.seed == 42)
        #expect(spec.metricsInterval == SimTime(nanoseconds: sec))
        #expect(spec.clients.map(\.name) == ["users", "batch", "browsers"])
        let users = try #require(spec.client(named: "users"))
        #expect(users.arrival == .poisson(rate: 800))
        #expect(users.network == .exponential(mean: seconds(5 * ms)))
        #expect(users.timeout == SimTime(nanoseconds: sec))
        #expect(users.retry == RetrySpec(
            maxAttempts: 4, on: [.timeout, .error],
            backoff: BackoffSpec(base: SimTime(nanoseconds: 100 * ms), multiplier: 2, cap: SimTime(nanoseconds: 10 * sec), jitter: .full)))
        #expect(spec.client(named: "batch")?.arrival == .constant(rate: 0.5))
        #expect(spec.client(named: "batch")?.retry == nil)
        #expect(spec.client(named: "browsers")?.arrival == .closed(users: 200, think: .exponential(mean: 1)))
        let api = try #require(spec.service(named: "api"))
        #expect(api == ServiceSpec(
            name: "api", instances: 4, workers: 8, serviceTime: .lognormal(mean: seconds(40 * ms), cv: 1), contention: 0.01,
            queue: QueueSpec(capacity: 1000, discipline: .fifo, timeout: SimTime(nanoseconds: 2 * sec)), balancer: .roundRobin))
        #expect(spec.timeline == [TimelineEventSpec(
            at: SimTime(nanoseconds: 120 * sec), duration: SimTime(nanoseconds: 10 * sec), action: .loadSpike(client: "users", factor: 2))])
        #expect(spec.variants.map(\.name) == ["no-retries", "lifo"])
        #expect(spec.sweep == SweepSpec(vary: [("clients.users.arrival.rate", ["600/s", "700/s", "800/s"])], replications: 3))
        #expect(spec.expectations.map(\.path) == ["outcome", "clients.users.goodput_per_s", "recovery_time"])
    }

    @Test func omittedKeysTakeTheContractDefaults() throws {
        let spec = try ScenarioLoader.parse(text: """
            name: defaults
            description: only what is required
            duration: 1m
            clients: { users: { target: api, arrival: { process: poisson, rate: 10/s } } }
            services: { api: { service_time: { dist: constant, value: 10ms } } }
            """, file: "defaults.yaml")
        #expect(spec.warmup == .zero)
        #expect(spec.seed == 1)
        #expect(spec.metricsInterval == SimTime(nanoseconds: sec))
        #expect(spec.timeline.isEmpty && spec.variants.isEmpty && spec.sweep == nil && spec.expectations.isEmpty)
        let users = try #require(spec.client(named: "users"))
        #expect(users.timeout == nil && users.retry == nil && users.network == nil)
        #expect(users.circuitBreaker == nil && users.adaptiveThrottle == nil)
        let api = try #require(spec.service(named: "api"))
        #expect(api.instances == 1 && api.workers == 1 && api.contention == 0)
        #expect(api.queue == QueueSpec(capacity: nil, discipline: .fifo, timeout: nil))
        #expect(api.balancer == .roundRobin && api.calls.isEmpty && api.bootTime == .zero)
    }

    @Test func retryDefaultsRetryEveryFailureAtOnce() throws {
        let spec = try ScenarioLoader.parse(text: """
            name: retry-defaults
            description: retry with only max_attempts
            duration: 1m
            clients: { users: { target: api, arrival: { process: poisson, rate: 10/s }, retry: { max_attempts: 3 } } }
            services: { api: { service_time: { dist: constant, value: 10ms } } }
            """, file: "retry.yaml")
        #expect(spec.clients.first?.retry == RetrySpec(maxAttempts: 3, on: [.timeout, .error, .rejected], backoff: nil, budget: nil))
    }
}

// MARK: - The full contract

extension LoaderTests {
    @Test func fullContractDecodesEveryKey() throws {
        let spec = try ScenarioLoader.load(file: TestFiles.fixture("full-contract.yaml"), requireSupported: false)
        #expect(spec.name == "full-contract")
        #expect(spec.description == "Every key of the scenario contract, once.")
        #expect(spec.metricsInterval == SimTime(nanoseconds: 2 * sec))
        let users = try #require(spec.client(named: "users"))
        #expect(users.retry?.budget == RetryBudgetSpec(ratio: 0.1, minPerSecond: 10))
        #expect(users.retry?.on == [.timeout, .error, .rejected])
        #expect(users.circuitBreaker == CircuitBreakerSpec(
            failureRatio: 0.5, minRequests: 20, window: SimTime(nanoseconds: 10 * sec), openFor: SimTime(nanoseconds: 5 * sec),
            halfOpenProbes: 5))
        #expect(users.adaptiveThrottle == AdaptiveThrottleSpec(k: 2, window: SimTime(nanoseconds: 120 * sec)))
        let api = try #require(spec.service(named: "api"))
        #expect(api.queue == QueueSpec(capacity: 1000, discipline: .codel, timeout: SimTime(nanoseconds: 2 * sec)))
        #expect(api.balancer == .leastOutstanding)
        #expect(api.calls == [
            CallSpec(service: "db", probability: 1, timeout: SimTime(nanoseconds: 300 * ms), retry: RetrySpec(
                maxAttempts: 2, backoff: BackoffSpec(base: SimTime(nanoseconds: 20 * ms), multiplier: 2, cap: SimTime(nanoseconds: sec), jitter: .full)),
                optional: false, circuitBreaker: CircuitBreakerSpec(
                    failureRatio: 0.5, minRequests: 20, window: SimTime(nanoseconds: 10 * sec), openFor: SimTime(nanoseconds: 5 * sec),
                    halfOpenProbes: 5)),
            CallSpec(service: "cache", probability: 0.1, timeout: nil, retry: nil, optional: true),
        ])
        #expect(api.cache == CacheSpec(keys: 100_000, zipf: 1, capacity: 20_000, ttl: SimTime(nanoseconds: 300 * sec)))
        #expect(api.healthCheck == HealthCheckSpec(
            interval: SimTime(nanoseconds: 5 * sec), timeout: SimTime(nanoseconds: sec), unhealthyAfter: 3, healthyAfter: 2,
            action: .restart, panicThreshold: 0.5, jitter: 0.1))
        #expect(api.bootTime == SimTime(nanoseconds: 60 * sec))
        #expect(api.autoscaler == AutoscalerSpec(
            policy: .targetTracking, metric: .utilization, target: 0.6, interval: SimTime(nanoseconds: 15 * sec), min: 2, max: 40,
            scaleInCooldown: SimTime(nanoseconds: 300 * sec), scaleOutCooldown: SimTime(nanoseconds: 60 * sec)))
        #expect(spec.service(named: "web")?.serviceTime == .gamma(mean: seconds(20 * ms), cv: 0.5))
        #expect(spec.service(named: "web")?.queue.discipline == .lifo)
        #expect(spec.service(named: "web")?.balancer == .powerOfTwo)
        #expect(spec.service(named: "db")?.serviceTime == .uniform(min: seconds(5 * ms), max: seconds(30 * ms)))
        #expect(spec.service(named: "db")?.balancer == .random)
        #expect(spec.service(named: "cache")?.serviceTime == .pareto(scale: seconds(5 * ms), shape: 1.8))
        #expect(spec.service(named: "search")?.serviceTime == .empirical(values: [3, 4, 9, 120].map { seconds($0 * ms) }))
        #expect(spec.service(named: "static")?.serviceTime == .constant(value: seconds(20 * ms)))

        func t(_ s: Int64) -> SimTime { SimTime(nanoseconds: s * sec) }
        #expect(spec.timeline.map { var e = $0; e.resolved = nil; return e } == [
            TimelineEventSpec(at: t(120), duration: t(10), action: .loadSpike(client: "users", factor: 2)),
            TimelineEventSpec(at: t(180), duration: t(30), action: .latency(service: "db", add: .constant(value: seconds(200 * ms)))),
            TimelineEventSpec(at: t(180), duration: t(30), action: .errors(service: "db", ratio: 0.5)),
            TimelineEventSpec(at: t(240), duration: t(20), action: .outage(service: "db", mode: .blackhole)),
            TimelineEventSpec(at: t(300), action: .kill(service: "api", count: 1)),
            TimelineEventSpec(at: t(360), action: .cacheFlush(service: "api")),
            TimelineEventSpec(at: t(420), duration: t(2), action: .pause(service: "api", count: 1)),
            TimelineEventSpec(at: t(480), action: .scale(service: "api", to: 12)),
            TimelineEventSpec(at: t(540), action: .deploy(service: "api", batch: 2, every: t(30))),
            TimelineEventSpec(at: t(570), action: .set(ScalarOverride(path: "clients.users.retry.max_attempts", value: "1"))),
            TimelineEventSpec(at: t(575), duration: t(10), action: .set(ScalarOverride(path: "services.api.queue.timeout", value: "500ms"))),
            TimelineEventSpec(at: t(590), action: .kill(service: "api", count: 1), enabled: false),
            TimelineEventSpec(at: t(180), duration: t(300), action: .errors(service: "db", ratio: 1), caller: "api", share: 0.05),
        ])
        #expect(spec.variants == [
            VariantSpec(name: "no-retries", overrides: [ScalarOverride(path: "clients.users.retry.max_attempts", value: "1")]),
            VariantSpec(name: "big-queue", overrides: [
                ScalarOverride(path: "services.api.queue.capacity", value: "5000"), ScalarOverride(path: "services.api.workers", value: "16"),
            ]),
        ])
        #expect(spec.sweep == SweepSpec(
            vary: [("clients.users.arrival.rate", ["600/s", "700/s", "800/s"]), ("services.api.instances", ["4", "8"])], replications: 5))
        #expect(spec.expectations == [
            ExpectationSpec(path: "outcome", condition: "recovered"),
            ExpectationSpec(path: "clients.users.goodput_per_s", condition: ">= 700"),
            ExpectationSpec(path: "recovery_time", condition: "<= 60"),
            ExpectationSpec(path: "services.api.instances.max", condition: "<= 40"),
        ])
        #expect(spec.slo == SLOSpec(successRatio: 0.99, latencyP99: SimTime(nanoseconds: 500 * ms)))
        #expect(spec.chaos == ChaosSpec(
            faults: [
                ChaosFaultSpec(label: "lose-an-instance", event: TimelineEventSpec(at: .zero, action: .kill(service: "api", count: 1))),
                ChaosFaultSpec(label: "load_spike users", event: TimelineEventSpec(
                    at: SimTime(seconds: 5), duration: SimTime(seconds: 10), action: .loadSpike(client: "users", factor: 1.4))),
            ],
            at: SimTime(seconds: 120), maxTogether: 2, replications: 4))
    }

    @Test func fullContractIsSimulatedWhole() throws {
        // Every key of the contract is simulated: nothing is refused as "not supported yet".
        let spec = try ScenarioLoader.load(file: TestFiles.fixture("full-contract.yaml"))
        #expect(ModelSupport.unsupportedFeatures(in: spec).isEmpty)
        // Its enabled `set` events are resolved into the settings they put in force.
        for event in spec.timeline {
            guard case .set = event.action else { continue }
            #expect((event.resolved != nil) == event.enabled)
            #expect((event.resolved?.atEnd != nil) == (event.enabled && event.duration != nil))
        }
    }

    @Test("health_check.jitter defaults to 0 and must be a ratio")
    func healthCheckJitter() throws {
        let text = try TestFiles.fixtureText("minimal.yaml")
        let spec = try ScenarioLoader.parse(text: Self.withHealthCheck(text, jitter: nil), file: "hc.yaml")
        #expect(spec.services.first?.healthCheck?.jitter == 0)
        let jittered = try ScenarioLoader.parse(text: Self.withHealthCheck(text, jitter: "0.25"), file: "hc.yaml")
        #expect(jittered.services.first?.healthCheck?.jitter == 0.25)
        #expect(throws: ScenarioError.self) { try ScenarioLoader.parse(text: Self.withHealthCheck(text, jitter: "1.5"), file: "hc.yaml") }
    }

    /// minimal.yaml with a health check on `api`, with `jitter` when given.
    static func withHealthCheck(_ text: String, jitter: String?) -> String {
        let check = "    balancer: round_robin\n    health_check: { interval: 2s, timeout: 500ms"
            + (jitter.map { ", jitter: \($0)" } ?? "") + " }\n"
        return text.replacingOccurrences(of: "    balancer: round_robin\n", with: check)
    }
}
