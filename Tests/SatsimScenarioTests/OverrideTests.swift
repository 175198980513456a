import SatsimCore
import SatsimModel
import Testing
@testable import SatsimScenario

/// `--set PATH=VALUE` and variants: typed by the key they name, applied before decoding.
@Suite struct OverrideTests {
    let file = TestFiles.fixture("minimal.yaml")

    func load(_ arguments: String..., variant: String? = nil) throws -> ScenarioSpec {
        var overrides: [ScalarOverride] = []
        for (index, argument) in arguments.enumerated() {
            overrides.append(try ScalarOverride.parse(argument, ordinal: index + 1))
        }
        return try ScenarioLoader.load(file: file, overrides: overrides, variant: variant)
    }

    @Test func parsesPathAndValue() throws {
        #expect(try ScalarOverride.parse("clients.users.timeout=2s") == ScalarOverride(path: "clients.users.timeout", value: "2s"))
        #expect(try ScalarOverride.parse("description= a = b ") == ScalarOverride(path: "description", value: "a = b"))
    }

    /// Every scalar path the tests use, with the value it must decode to.
    @Test func setWorksOnEveryScalarPathTheTestsUse() throws {
        let base = try load()
        var spec = try load("clients.users.timeout=2s")
        #expect(spec.client(named: "users")?.timeout == SimTime(nanoseconds: 2 * sec))
        spec = try load("clients.users.retry.max_attempts=1")
        #expect(spec.client(named: "users")?.retry?.maxAttempts == 1)
        spec = try load("clients.users.retry.backoff.jitter=decorrelated")
        #expect(spec.client(named: "users")?.retry?.backoff?.jitter == .decorrelated)
        spec = try load("clients.users.arrival.rate=600/s")
        #expect(spec.client(named: "users")?.arrival == .poisson(rate: 600))
        spec = try load("clients.browsers.arrival.users=50")
        #expect(spec.client(named: "browsers")?.arrival == .closed(users: 50, think: .exponential(mean: 1)))
        spec = try load("clients.browsers.arrival.think.mean=2s")
        #expect(spec.client(named: "browsers")?.arrival == .closed(users: 200, think: .exponential(mean: 2)))
        spec = try load("services.api.instances=8", "services.api.workers=2")
        #expect(spec.service(named: "api")?.instances == 8 && spec.service(named: "api")?.workers == 2)
        spec = try load("services.api.queue.discipline=lifo")
        #expect(spec.service(named: "api")?.queue.discipline == .lifo)
        spec = try load("services.api.queue.capacity=10")
        #expect(spec.service(named: "api")?.queue.capacity == 10)
        spec = try load("services.api.balancer=least_outstanding")
        #expect(spec.service(named: "api")?.balancer == .leastOutstanding)
        spec = try load("services.api.service_time.cv=0.5")
        #expect(spec.service(named: "api")?.serviceTime == .lognormal(mean: seconds(40 * ms), cv: 0.5))
        spec = try load("timeline.0.factor=3")
        #expect(spec.timeline.first?.action == .loadSpike(client: "users", factor: 3))
        spec = try load("timeline.0.for=1m")
        #expect(spec.timeline.first?.duration == SimTime(nanoseconds: 60 * sec))
        spec = try load("seed=7", "duration=20m", "warmup=0s", "metrics.interval=5s")
        #expect(spec.seed == 7 && spec.duration == SimTime(nanoseconds: 1200 * sec) && spec.warmup == .zero)
        #expect(spec.metricsInterval == SimTime(nanoseconds: 5 * sec))
        spec = try load("description=\"quoted: text\"")
        #expect(spec.description == "quoted: text")
        #expect(base != spec)
    }

    @Test func setAddsAKeyTheFileOmits() throws {
        var spec = try load("clients.batch.timeout=500ms")
        #expect(spec.client(named: "batch")?.timeout == SimTime(nanoseconds: 500 * ms))
        // `retry` is absent from batch: the mapping is created around the key.
        spec = try load("clients.batch.retry.max_attempts=2")
        #expect(spec.client(named: "batch")?.retry == RetrySpec(maxAttempts: 2))
        spec = try load("services.api.boot_time=30s")
        #expect(spec.service(named: "api")?.bootTime == SimTime(nanoseconds: 30 * sec))
    }

    /// A distribution the file omits has no kind yet: a key of one of its kinds is placed only
    /// after its `dist`, and the message says so instead of "unknown key".
    @Test func setInsideAnOmittedDistributionNamesItsKind() throws {
        let error = try #require(throws: ScenarioError.self) { try load("clients.batch.network.mean=5ms") }
        let message = try #require(error.diagnostics.first?.message)
        #expect(message.contains("clients.batch.network has no `dist` in the file"), "\(message)")
        #expect(message.contains("--set clients.batch.network.dist=exponential"), "\(message)")
        let spec = try load("clients.batch.network.dist=exponential", "clients.batch.network.mean=5ms")
        #expect(spec.client(named: "batch")?.network == .exponential(mean: 0.005))
        // A key no kind has is still an unknown key; nothing is close to it, so the message says
        // what the block takes without a kind: its `dist`.
        let unknown = try #require(throws: ScenarioError.self) { try load("clients.batch.network.meen=5ms") }
        #expect(unknown.diagnostics.first?.message == "unknown key, expected one of dist")
    }

    @Test func laterSetWinsAndOverridesApplyAfterTheVariant() throws {
        var spec = try load("services.api.workers=2", "services.api.workers=3")
        #expect(spec.service(named: "api")?.workers == 3)
        spec = try load("services.api.workers=5", variant: "lifo")
        #expect(spec.service(named: "api")?.workers == 5)
        #expect(spec.service(named: "api")?.queue.discipline == .lifo)
    }

    @Test func setValuesAreValidatedLikeTheFile() throws {
        let error = try #require(throws: ScenarioError.self) { try load("warmup=1h") }
        #expect(error.diagnostics.map(\.path) == ["warmup"])
        #expect(error.diagnostics.first?.file == "demo.yaml" || error.diagnostics.first?.file == "--set")
    }

    /// A variant changes exactly the paths it names: every other field of the spec is equal.
    @Test func variantChangesExactlyThePathsItNames() throws {
        let base = try load()
        let lifo = try load(variant: "lifo")
        var expected = base
        expected.services[0].queue.discipline = .lifo
        expected.services[0].workers = 16
        #expect(lifo == expected)

        let noRetries = try load(variant: "no-retries")
        expected = base
        expected.clients[0].retry?.maxAttempts = 1
        #expect(noRetries == expected)
    }

    @Test func variantEqualsTheSameSetArguments() throws {
        #expect(try load(variant: "lifo") == load("services.api.queue.discipline=lifo", "services.api.workers=16"))
    }
}

/// A key that holds a list of scalars (a retry's `on`) is given whole: as a list in a variant, as
/// bracketed text with `--set`. Found needed writing Scenarios/breaker-retry-flap.yaml, whose
/// lesson is `retry.on` without `rejected`.
extension OverrideTests {
    static func withVariants(_ block: String) -> String {
        """
        name: lists
        description: a list given whole
        duration: 1m
        clients:
          users:
            target: api
            arrival: { process: poisson, rate: 10/s }
            retry: { max_attempts: 3 }
        services:
          api:
            service_time: { dist: exponential, mean: 10ms }
        variants:
        \(block)
        """
    }

    @Test func aVariantGivesAListWhole() throws {
        let text = Self.withVariants("  sent-only:\n    clients.users.retry.on: [timeout, error]\n  none-rejected:\n    clients.users.retry.on:\n      - rejected")
        let base = try ScenarioLoader.parse(text: text, file: "lists.yaml")
        #expect(base.client(named: "users")?.retry?.on == [.timeout, .error, .rejected])
        let sentOnly = try ScenarioLoader.parse(text: text, file: "lists.yaml", variant: "sent-only")
        #expect(sentOnly.client(named: "users")?.retry?.on == [.timeout, .error])
        let rejected = try ScenarioLoader.parse(text: text, file: "lists.yaml", variant: "none-rejected")
        #expect(rejected.client(named: "users")?.retry?.on == [.rejected])
        // Stored as the text it reads back from, which the outputs show.
        #expect(base.variants.first?.overrides == [ScalarOverride(path: "clients.users.retry.on", value: "[timeout, error]")])
    }

    @Test func setGivesAListAsBracketedText() throws {
        var spec = try load("clients.users.retry.on=[timeout,rejected]")
        #expect(spec.client(named: "users")?.retry?.on == [.timeout, .rejected])
        spec = try load("clients.users.retry.on=[ error ]")
        #expect(spec.client(named: "users")?.retry?.on == [.error])
        // Quoted, it is one scalar, which a list key does not take.
        let quoted = try #require(throws: ScenarioError.self) { try load("clients.users.retry.on=\"[timeout]\"") }
        #expect(quoted.diagnostics.first?.message.contains("give the whole list, as [a, b]") == true, "\(quoted)")
    }

    @Test func aListIsCheckedItemByItem() throws {
        let typo = try #require(throws: ScenarioError.self) { try load("clients.users.retry.on=[timeout,eror]") }
        #expect(typo.diagnostics.first?.path == "clients.users.retry.on.1", "\(typo)")
        #expect(typo.diagnostics.first?.suggestion == "error", "\(typo)")
        // A list where a scalar belongs, and a scalar where a list belongs.
        let text = Self.withVariants("  to-scalar:\n    clients.users.timeout: [1s, 2s]\n  to-list:\n    clients.users.retry.on: timeout")
        let toScalar = try #require(throws: ScenarioError.self) { try ScenarioLoader.parse(text: text, file: "lists.yaml", variant: "to-scalar") }
        #expect(toScalar.diagnostics.contains { $0.path == "clients.users.timeout" }, "\(toScalar)")
        let toList = try #require(throws: ScenarioError.self) { try ScenarioLoader.parse(text: text, file: "lists.yaml", variant: "to-list") }
        #expect(toList.diagnostics.contains { $0.message.contains("not a scalar; give the whole list") }, "\(toList)")
        // Items that would not read back as written are refused where they are written.
        let nested = Self.withVariants("  nested:\n    clients.users.retry.on: [timeout, [error]]")
        let error = try #require(throws: ScenarioError.self) { try ScenarioLoader.parse(text: nested, file: "lists.yaml") }
        #expect(error.diagnostics.first?.path == "variants.nested.clients.users.retry.on", "\(error)")
        #expect((error.diagnostics.first?.line, error.diagnostics.first?.column) == (14, 29), "\(error)")
        // A quoted item with a comma would read back as two.
        let comma = Self.withVariants("  comma:\n    clients.users.retry.on: [timeout, \"error,rejected\"]")
        let split = try #require(throws: ScenarioError.self) { try ScenarioLoader.parse(text: comma, file: "lists.yaml") }
        #expect(split.diagnostics.first?.message.contains("more than plain scalars") == true, "\(split)")
    }

    @Test func bracketedTextReadsAsItsItems() {
        func items(_ text: String, quoted: Bool = false) -> [String]? {
            Overlay.listItems(YAMLNode(content: .scalar(text, quoted: quoted), position: SourcePosition(file: "t", line: 1, column: 1)))
        }
        #expect(items("[a, b]") == ["a", "b"])
        #expect(items(" [a,b] ") == ["a", "b"])
        #expect(items("[]") == [])
        #expect(items("[a,,b]") == nil)
        #expect(items("[a, [b]]") == nil)
        #expect(items("a, b") == nil)
        #expect(items("[a]", quoted: true) == nil)
    }
}
