import SatsimCore
import SatsimModel
@testable import SatsimScenario
import Testing

/// One source of truth for every enumerated key: the schema's word lists are the model's enums'
/// raw values, each word decodes to its case, and a word listed in the schema only is a
/// diagnostic, never a silent default.
@Suite("Enumerated keys")
struct EnumeratedKeyTests {
    /// Every `.choice` key of the schema, by "shape.key" (a discriminated case's own keys as
    /// "shape(case).key"), and the raw values of the model enum it must list.
    static let expected: [String: [String]] = [
        "arrival.process": ArrivalProcess.allCases.map(\.rawValue),
        "retry.on": AttemptOutcome.retryable.map(\.rawValue),
        "backoff.jitter": Jitter.allCases.map(\.rawValue),
        "SERVICE.balancer": BalancerKind.allCases.map(\.rawValue),
        "queue.discipline": QueueDiscipline.allCases.map(\.rawValue),
        "health_check.action": HealthAction.allCases.map(\.rawValue),
        "autoscaler.policy": AutoscalerPolicy.allCases.map(\.rawValue),
        "autoscaler.metric": AutoscalerMetric.allCases.map(\.rawValue),
        "distribution.dist": DistributionFamily.allCases.map(\.rawValue),
        "EVENT.kind": TimelineKind.allCases.map(\.rawValue),
        "EVENT(outage).mode": OutageMode.allCases.map(\.rawValue),
        // chaos.faults: the same kinds and keys as timeline events.
        "FAULT.kind": TimelineKind.allCases.map(\.rawValue),
        "FAULT(outage).mode": OutageMode.allCases.map(\.rawValue),
    ]

    /// Every choice list in the schema, found by walking it.
    static func choiceLists(in schema: ScenarioSchema) -> [String: [String]] {
        func words(_ type: SchemaType) -> [String]? {
            switch type {
            case .choice(let words): return words
            case .list(let element): return words(element)
            default: return nil
            }
        }
        var found: [String: [String]] = [:]
        for shape in [schema.root] + schema.shapes {
            for key in shape.keys { if let w = words(key.type) { found["\(shape.name).\(key.name)"] = w } }
            for c in shape.cases {
                for key in c.keys { if let w = words(key.type) { found["\(shape.name)(\(c.value)).\(key.name)"] = w } }
            }
        }
        return found
    }

    @Test("every choice list in the schema is exactly its model enum's raw values, in order")
    func choiceListsComeFromEnums() {
        let found = Self.choiceLists(in: .standard)
        // A new enumerated key must be registered here (and so be tied to an enum).
        #expect(Set(found.keys) == Set(Self.expected.keys), "choice keys: \(found.keys.sorted())")
        for (key, words) in found {
            #expect(words == Self.expected[key], "\(key): schema \(words), model \(Self.expected[key] ?? [])")
        }
        #expect(Set(AttemptOutcome.retryable) == Set(AttemptOutcome.allCases).subtracting([.success]))
        // A discriminated shape's cases are the enum's values too.
        #expect(ScenarioSchema.standard.shape("arrival")?.cases.map(\.value) == ArrivalProcess.allCases.map(\.rawValue))
        #expect(ScenarioSchema.standard.shape("distribution")?.cases.map(\.value) == DistributionFamily.allCases.map(\.rawValue))
        #expect(ScenarioSchema.standard.shape("EVENT")?.cases.map(\.value) == TimelineKind.allCases.map(\.rawValue))
    }

    static func scenario(service: String = "", client: String = "", timeline: String = "") -> String {
        """
        name: enums
        description: every enumerated value decodes to its case
        duration: 10m
        clients:
          users:
            target: api
            arrival: { process: poisson, rate: 10/s }
        \(client)
        services:
          api:
            service_time: { dist: constant, value: 1ms }
        \(service)
        \(timeline)
        """
    }

    static func parse(_ text: String) throws -> ScenarioSpec {
        try ScenarioLoader.parse(text: text, file: "enums.yaml", requireSupported: false)
    }

    @Test("each value of each enumerated key decodes to that case")
    func eachValueDecodes() throws {
        for d in QueueDiscipline.allCases {
            let spec = try Self.parse(Self.scenario(service: "    queue: { discipline: \(d.rawValue) }"))
            #expect(spec.services[0].queue.discipline == d)
        }
        for b in BalancerKind.allCases {
            #expect(try Self.parse(Self.scenario(service: "    balancer: \(b.rawValue)")).services[0].balancer == b)
        }
        for a in HealthAction.allCases {
            let spec = try Self.parse(Self.scenario(service: "    health_check: { interval: 5s, timeout: 1s, action: \(a.rawValue) }"))
            #expect(spec.services[0].healthCheck?.action == a)
        }
        for p in AutoscalerPolicy.allCases {
            for m in AutoscalerMetric.allCases {
                let spec = try Self.parse(Self.scenario(
                    service: "    autoscaler: { policy: \(p.rawValue), metric: \(m.rawValue), target: 0.5, min: 1, max: 3 }"))
                #expect(spec.services[0].autoscaler?.policy == p && spec.services[0].autoscaler?.metric == m)
                // An omitted scale_in_cooldown takes the policy's default.
                #expect(spec.services[0].autoscaler?.scaleInCooldown == p.defaultScaleInCooldown)
            }
        }
        for j in Jitter.allCases {
            let spec = try Self.parse(Self.scenario(
                client: "    retry: { max_attempts: 2, backoff: { base: 10ms, jitter: \(j.rawValue) } }"))
            #expect(spec.clients[0].retry?.backoff?.jitter == j)
        }
        for outcome in AttemptOutcome.retryable {
            let spec = try Self.parse(Self.scenario(client: "    retry: { max_attempts: 2, on: [\(outcome.rawValue)] }"))
            #expect(spec.clients[0].retry?.on == [outcome])
        }
        for mode in OutageMode.allCases {
            let spec = try Self.parse(Self.scenario(
                timeline: "timeline:\n  - { at: 1m, for: 10s, kind: outage, service: api, mode: \(mode.rawValue) }"))
            #expect(spec.timeline.first?.action == .outage(service: "api", mode: mode))
        }
        let distributions: [DistributionFamily: String] = [
            .exponential: "{ dist: exponential, mean: 1ms }", .constant: "{ dist: constant, value: 1ms }",
            .lognormal: "{ dist: lognormal, mean: 1ms, cv: 1 }", .gamma: "{ dist: gamma, mean: 1ms, cv: 1 }",
            .uniform: "{ dist: uniform, min: 1ms, max: 2ms }", .pareto: "{ dist: pareto, scale: 1ms, shape: 2 }",
            .empirical: "{ dist: empirical, values: [1ms] }",
        ]
        #expect(Set(distributions.keys) == Set(DistributionFamily.allCases))
        for (family, text) in distributions {
            let spec = try Self.parse(Self.scenario(client: "    network: \(text)"))
            #expect(spec.clients[0].network?.family == family)
        }
        let arrivals: [ArrivalProcess: String] = [
            .poisson: "{ process: poisson, rate: 5/s }", .constant: "{ process: constant, rate: 5/s }",
            .closed: "{ process: closed, users: 3, think: { dist: constant, value: 1s } }",
        ]
        #expect(Set(arrivals.keys) == Set(ArrivalProcess.allCases))
        for (process, text) in arrivals {
            let spec = try Self.parse(Self.scenario().replacingOccurrences(of: "{ process: poisson, rate: 10/s }", with: text))
            #expect(spec.clients[0].arrival.process == process)
        }
        let events: [TimelineKind: String] = [
            .loadSpike: "{ at: 1m, for: 1s, kind: load_spike, client: users, factor: 2 }",
            .latency: "{ at: 1m, for: 1s, kind: latency, service: api, add: { dist: constant, value: 1ms } }",
            .errors: "{ at: 1m, for: 1s, kind: errors, service: api, ratio: 0.5 }",
            .outage: "{ at: 1m, for: 1s, kind: outage, service: api, mode: refuse }",
            .kill: "{ at: 1m, kind: kill, service: api }",
            .cacheFlush: "{ at: 1m, kind: cache_flush, service: api }",
            .pause: "{ at: 1m, for: 1s, kind: pause, service: api }",
            .scale: "{ at: 1m, kind: scale, service: api, to: 2 }",
            .deploy: "{ at: 1m, kind: deploy, service: api, every: 10s }",
            .set: "{ at: 1m, kind: set, path: services.api.workers, value: 2 }",
        ]
        #expect(Set(events.keys) == Set(TimelineKind.allCases))
        for (kind, text) in events {
            // A flush needs a cache to empty.
            let service = kind == .cacheFlush ? "    cache: { keys: 100, zipf: 1.0, capacity: 10, ttl: 1m }" : ""
            let spec = try Self.parse(Self.scenario(service: service, timeline: "timeline:\n  - \(text)"))
            #expect(spec.timeline.first?.action.kind == kind)
            #expect(spec.timeline.first?.action.kindName == kind.rawValue)
        }
    }

    /// The standard schema with `word` added to the choice list of `shape.key`.
    static func schema(adding word: String, to shapeName: String, key: String) -> ScenarioSchema {
        var schema = ScenarioSchema.standard
        guard let s = schema.shapes.firstIndex(where: { $0.name == shapeName }),
              let k = schema.shapes[s].keys.firstIndex(where: { $0.name == key }),
              case .choice(let words) = schema.shapes[s].keys[k].type
        else { return schema }
        schema.shapes[s].keys[k].type = .choice(words + [word])
        if schema.shapes[s].discriminator == key {
            schema.shapes[s].cases.append(SchemaCase(word, "added by a test", []))
        }
        return schema
    }

    static func decode(_ text: String, with schema: ScenarioSchema) throws -> (ScenarioSpec?, [Diagnostic]) {
        guard let root = try YAMLReader(file: "enums.yaml").read(text) else { return (nil, []) }
        var decoder = SpecDecoder(file: "enums.yaml", schema: schema)
        let spec = decoder.scenario(root)
        return (spec, decoder.diagnostics)
    }

    @Test("a word added to the schema's list and nowhere else is a located diagnostic, never the default",
          arguments: [
            ("queue", "discipline", "red", "    queue: { discipline: red }", ""),
            ("SERVICE", "balancer", "hash", "    balancer: hash", ""),
            ("autoscaler", "policy", "predictive", "    autoscaler: { policy: predictive, metric: utilization, target: 0.5, min: 1, max: 3 }", ""),
            ("backoff", "jitter", "golden", "", "    retry: { max_attempts: 2, backoff: { base: 10ms, jitter: golden } }"),
            ("distribution", "dist", "weibull", "", "    network: { dist: weibull }"),
          ])
    func unmappedWordIsRefused(shape: String, key: String, word: String, service: String, client: String) throws {
        let schema = Self.schema(adding: word, to: shape, key: key)
        #expect(Self.choiceLists(in: schema)["\(shape).\(key)"]?.contains(word) == true, "the test did not change the schema")
        let (spec, diagnostics) = try Self.decode(Self.scenario(service: service, client: client), with: schema)
        #expect(spec == nil, "'\(word)' decoded silently")
        #expect(diagnostics.contains { $0.message.contains("'\(word)'") && $0.message.contains("does not simulate") && $0.line > 0 },
                "\(diagnostics.map(\.message))")
        // The standard schema refuses it too (not listed): validation never accepts it.
        #expect(throws: ScenarioError.self) { try Self.parse(Self.scenario(service: service, client: client)) }
    }
}
