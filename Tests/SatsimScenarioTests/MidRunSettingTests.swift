import SatsimCore
@testable import SatsimModel
@testable import SatsimScenario
import Testing

/// Timeline `set` (issue 9): every settable KEY.PATH either works mid-run or is refused by name
/// in validation, and a `set` with `for` restores the old value exactly.
///
/// "Works" is checked against the model's own definition of a setting: the run-time parameters
/// the hot path reads (timeouts, retry masks, samplers, capacities, breakers, the autoscaler...)
/// right after a mid-run `set` equal those of a run that started with the value, and right
/// after the `for` ends they equal those of a run without the event.
@Suite("Changing settings mid-run")
struct MidRunSettingTests {
    /// A scenario with every optional block, so that every settable path exists in it.
    static let base = """
        name: every-setting
        description: Every optional block, so that every settable path exists.
        duration: 60s
        seed: 7
        clients:
          users:
            target: api
            arrival: { process: poisson, rate: 50/s }
            network: { dist: empirical, values: [1ms, 2ms, 3ms] }
            timeout: 1s
            retry:
              max_attempts: 3
              on: [timeout, error]
              backoff: { base: 50ms, multiplier: 2, cap: 1s, jitter: full }
              budget: { ratio: 0.2, min_per_second: 5 }
            circuit_breaker: { failure_ratio: 0.5, min_requests: 20, window: 10s, open_for: 5s, half_open_probes: 3 }
            adaptive_throttle: { k: 2, window: 1m }
          browsers:
            target: web
            arrival: { process: closed, users: 20, think: { dist: exponential, mean: 1s } }
        services:
          api:
            instances: 3
            workers: 4
            service_time: { dist: lognormal, mean: 20ms, cv: 1.0 }
            contention: 0.01
            queue: { capacity: 100, discipline: fifo, timeout: 2s }
            balancer: round_robin
            calls:
              - service: db
                probability: 0.5
                timeout: 300ms
                retry: { max_attempts: 2, on: [timeout], backoff: { base: 20ms, multiplier: 2, cap: 500ms, jitter: equal }, budget: { ratio: 0.1, min_per_second: 1 } }
                optional: false
                circuit_breaker: { failure_ratio: 0.5, min_requests: 20, window: 10s, open_for: 5s, half_open_probes: 3 }
            cache: { keys: 1000, zipf: 1.0, capacity: 100, ttl: 1m }
            health_check: { interval: 5s, timeout: 1s, unhealthy_after: 3, healthy_after: 2, action: eject, panic_threshold: 0.5, jitter: 0.1 }
            boot_time: 2s
            outlier_detection: { consecutive_errors: 5, interval: 10s, base_ejection_time: 30s, max_ejection_percent: 10 }
            autoscaler: { policy: target_tracking, metric: utilization, target: 0.6, interval: 15s, min: 2, max: 6, scale_in_cooldown: 30s, scale_out_cooldown: 10s }
          web:
            service_time: { dist: pareto, scale: 2ms, shape: 2.5 }
          db:
            instances: 2
            workers: 4
            service_time: { dist: gamma, mean: 4ms, cv: 0.5 }
        timeline:
          - { at: 40s, for: 5s, kind: load_spike, client: users, factor: 2 }

        """

    /// When the `set` under test starts, and how long it lasts (both before the autoscaler's
    /// decisions at 15 s and 30 s, so that no decision lands between a change and its check).
    static let start = 20.0, window = 5.0

    /// Every scalar KEY.PATH of the base scenario, found by walking the schema over its tree:
    /// every scalar key a present mapping allows (written or not), every scalar list item.
    static func scalarPaths() throws -> [String] {
        let schema = ScenarioSchema.standard
        guard let root = try YAMLReader(file: "base.yaml").read(base) else { return [] }
        var paths: [String] = []
        func walk(_ node: YAMLNode?, _ type: SchemaType, _ path: String) {
            switch type {
            case .object(let name):
                guard let shape = schema.shape(name), let entries = node?.entries else { return }
                let chosen = shape.discriminator.flatMap { d in entries.first { $0.key == d }?.value.scalar }
                for key in shape.keys(for: chosen) {
                    let child = entries.first { $0.key == key.name }?.value
                    let here = path.isEmpty ? key.name : "\(path).\(key.name)"
                    if key.type.isScalar { paths.append(here) } else { walk(child, key.type, here) }
                }
            case .named(_, let element):
                for entry in node?.entries ?? [] { walk(entry.value, element, "\(path).\(entry.key)") }
            case .list(let element):
                for (i, item) in (node?.items ?? []).enumerated() {
                    if element.isScalar { paths.append("\(path).\(i)") } else { walk(item, element, "\(path).\(i)") }
                }
            default:
                return
            }
        }
        walk(root, .object(schema.root.name), "")
        return paths
    }

    /// The schema type of a KEY.PATH (walking names and indices).
    static func type(of path: String) -> SchemaType? {
        let schema = ScenarioSchema.standard
        var type = SchemaType.object(schema.root.name)
        let parts = path.split(separator: ".").map(String.init)
        var i = 0
        while i < parts.count {
            switch type {
            case .object(let name):
                guard let shape = schema.shape(name) else { return nil }
                let all = shape.keys + shape.cases.flatMap(\.keys)
                guard let key = all.first(where: { $0.name == parts[i] }) else { return nil }
                type = key.type
                i += 1
            case .named(_, let element), .list(let element):
                type = element
                i += 1
            default:
                return nil
            }
        }
        return type
    }

    /// Values to try at a path, most distinct first.
    static func candidates(_ type: SchemaType) -> [String] {
        switch type {
        // 1m last: outlier_detection.max_ejection_time must be at least base_ejection_time (30s).
        case .duration: return ["3s", "250ms", "7s", "40ms", "0s", "1m"]
        case .rate: return ["80/s", "20/s"]
        case .ratio: return ["0.3", "0.7", "1"]
        case .multiplier: return ["3", "1.5", "0.5"]
        case .nonNegativeNumber: return ["0.5", "2", "0"]
        case .boundedNumber: return ["0.3", "2.5", "0"]
        case .integer(let minimum, let maximum):
            return [minimum + 3, minimum + 1, minimum + 2, minimum, 5, 4].filter { $0 <= (maximum ?? Int.max) }.map(String.init)
        case .seed: return ["99"]
        case .choice(let words): return words
        case .reference: return ["db", "web", "api", "users", "browsers"]
        case .boolean: return ["true", "false"]
        case .text: return ["changed text"]
        case .scenarioName: return ["changed"]
        case .keyPath: return ["clients.users.timeout"]
        case .anyScalar: return ["2s"]
        default: return []
        }
    }

    /// The first candidate that differs from the file's value and that the scenario accepts when
    /// written into the file (`--set`), with that scenario.
    static func alternative(for path: String) throws -> (value: String, spec: ScenarioSpec)? {
        guard let type = type(of: path), let root = try YAMLReader(file: "base.yaml").read(base) else { return nil }
        let current = ScenarioLoader.scalar(in: root, at: path)
        for value in candidates(type) where value != current {
            if let spec = try? ScenarioLoader.parse(
                text: base, file: "base.yaml", overrides: [ScalarOverride(path: path, value: value)])
            {
                return (value, spec)
            }
        }
        return nil
    }

    /// The base scenario with one more timeline event: `set PATH VALUE` at ``start`` for ``window``.
    static func withSet(_ path: String, _ value: String, window: Double? = MidRunSettingTests.window) -> String {
        let span = window.map { "for: \(Int($0))s, " } ?? ""
        return base + "  - { at: \(Int(start))s, \(span)kind: set, path: \(path), value: \"\(value)\" }\n"
    }

    /// What the hot path reads of each client, service and call, as text (readable in a failure).
    static func parameters(_ sim: Simulation) -> [String] {
        var out: [String] = []
        for c in sim.clients {
            out.append("client \(c.spec.name) target=\(c.target) network=\(String(describing: c.network?.distribution)) "
                + "think=\(String(describing: c.think?.distribution)) timeout=\(c.timeout) maxAttempts=\(c.maxAttempts) "
                + "mask=\(c.retryMask) backoff=\(String(describing: c.backoff)) rate=\(c.baseRate) "
                + "budget=\(String(describing: c.budget.map { [$0.ratio, $0.reserve] })) "
                + "breaker=\(String(describing: c.breaker?.spec)) throttle=\(String(describing: c.throttle?.k)) users=\(c.usersWanted) "
                + "poisson=\(c.isPoisson)")
        }
        for s in sim.services {
            let disciplines = Set((s.firstInstance..<(s.firstInstance + s.slotCount)).map {
                String(describing: Swift.type(of: sim.instances[$0].discipline))
            })
            out.append("service \(s.spec.name) time=\(s.serviceTime.distribution) workers=\(s.workers) cap=\(s.queueCapacity) "
                + "qtimeout=\(s.queueTimeout) contention=\(s.contention) hc=\(String(describing: s.healthCheck)) boot=\(s.bootTime) "
                + "autoscaler=\(String(describing: s.autoscaler?.spec)) keys=\(String(describing: s.keys.map { ($0.n, $0.exponent) })) "
                + "disciplines=\(disciplines.sorted())")
        }
        for k in sim.calls {
            out.append("call \(k.spec.service) p=\(k.spec.probability) optional=\(k.spec.optional) target=\(k.target) timeout=\(k.timeout) maxAttempts=\(k.maxAttempts) mask=\(k.retryMask) "
                + "backoff=\(String(describing: k.backoff)) budget=\(String(describing: k.budget.map { [$0.ratio, $0.reserve] })) "
                + "breaker=\(String(describing: k.breaker?.spec))")
        }
        return out
    }

    /// The parameters a run starts with.
    static func initialParameters(_ spec: ScenarioSpec) -> [String] {
        let sim = Simulation(spec: spec)
        sim.prepare()
        return parameters(sim)
    }

    /// The lines that differ between the parameters of a run mid-way and those expected, and
    /// whether the settings themselves differ.
    static func differences(_ sim: Simulation, _ expected: ScenarioSpec) -> [String] {
        let fresh = initialParameters(expected)
        var out = zip(parameters(sim), fresh).filter { $0 != $1 }.map { "\($0)\n   expected \($1)" }
        if sim.clients.map(\.spec) != expected.clients { out.append("client settings differ") }
        if sim.services.map(\.spec) != expected.services { out.append("service settings differ") }
        return out
    }

    /// Instances serving or booting, per service.
    static func running(_ sim: Simulation) -> [Int] {
        sim.services.map { s in
            (s.firstInstance..<(s.firstInstance + s.slotCount)).filter {
                sim.instances[$0].lifecycle == .serving || sim.instances[$0].lifecycle == .booting
            }.count
        }
    }

    @Test("every settable path works mid-run or is refused by name, and `for` restores it exactly")
    func everyPath() throws {
        let paths = try Self.scalarPaths()
        // The walk reaches deep keys of every component (a guard against a walk that finds nothing).
        #expect(paths.contains("services.api.calls.0.retry.backoff.jitter"))
        #expect(paths.contains("clients.users.network.values.1"))
        #expect(paths.count > 80)
        let baseSpec = try ScenarioLoader.parse(text: Self.base, file: "base.yaml")
        var applied = 0, refused = 0
        for path in paths {
            guard let (value, staticSpec) = try Self.alternative(for: path) else {
                // Top-level keys (name, timeline items...) may have no other valid value here;
                // they are refused whatever the value, which `refusedPaths` checks.
                // A discriminator (dist, process) changed alone leaves its case's keys behind
                // (exponential's mean is no pareto): no single value decodes, so no `set` can.
                let discriminator = path.hasSuffix(".dist") || path.hasSuffix(".process")
                #expect(discriminator || (!path.hasPrefix("clients.") && !path.hasPrefix("services.")),
                        "no other valid value found for \(path)")
                continue
            }
            let index = baseSpec.timeline.count
            switch MidRunRule.rule(for: path) {
            case .refused(let why):
                refused += 1
                let error = try #require(throws: ScenarioError.self, "\(path) should be refused") {
                    try ScenarioLoader.parse(text: Self.withSet(path, value), file: "set.yaml")
                }
                #expect(error.diagnostics.contains {
                    $0.path == "timeline.\(index).path" && $0.line > 1 && $0.message == ScenarioLoader.fixedForTheRun(path, why: why)
                }, "\(path): \(error.diagnostics)")
            case .applies:
                applied += 1
                let spec = try ScenarioLoader.parse(text: Self.withSet(path, value), file: "set.yaml")
                let sim = Simulation(spec: spec)
                sim.prepare()
                let tick = SimTime(nanoseconds: 1)
                _ = RunLoop.run(sim, until: SimTime(seconds: Self.start) + tick)
                let mid = Self.differences(sim, staticSpec)
                #expect(mid.isEmpty, "\(path) = \(value) not in force mid-run: \(mid)")
                if path.hasSuffix(".instances"), let s = spec.services.firstIndex(where: { path == "services.\($0.name).instances" }) {
                    #expect(Self.running(sim)[s] == staticSpec.services[s].instances)
                }
                _ = RunLoop.run(sim, until: SimTime(seconds: Self.start + Self.window) + tick)
                let after = Self.differences(sim, baseSpec)
                #expect(after.isEmpty, "\(path) not restored after `for`: \(after)")
                if path.hasSuffix(".instances"), let s = spec.services.firstIndex(where: { path == "services.\($0.name).instances" }) {
                    #expect(Self.running(sim)[s] == baseSpec.services[s].instances)
                }
                sim.checkInvariants()
                let events = sim.runEvents.filter { $0.kind == .settingChanged || $0.kind == .settingRestored }
                #expect(events.map(\.kind) == [.settingChanged, .settingRestored], "\(path)")
                #expect(events.first?.detail.hasPrefix("an operator set \(path) to \(value) for 5s (was ") == true, "\(events)")
            }
        }
        #expect(applied > 70)
        #expect(refused >= 2)
    }

    @Test("paths outside clients and services, and fixed ones, are refused by name at their line")
    func refusedPaths() throws {
        let index = 1
        for (path, value) in [("duration", "2m"), ("seed", "3"), ("metrics.interval", "2s"), ("timeline.0.factor", "3")] {
            let error = try #require(throws: ScenarioError.self) {
                try ScenarioLoader.parse(text: Self.withSet(path, value), file: "set.yaml")
            }
            let diagnostic = try #require(error.diagnostics.first { $0.path == "timeline.\(index).path" }, "\(path)")
            #expect(diagnostic.message.hasPrefix("cannot change \(path) mid-run: "))
            #expect(diagnostic.line == Self.base.split(separator: "\n", omittingEmptySubsequences: false).count)
        }
        // Switched off, it is refused all the same: a variant or a sweep could switch it on.
        let off = Self.base + "  - { at: 20s, kind: set, path: duration, value: 2m, enabled: false }\n"
        #expect(throws: ScenarioError.self) { try ScenarioLoader.parse(text: off, file: "set.yaml") }
    }

    /// scenario-format.md: a `set` changes "any KEY.PATH mid-run". A client's arrival process
    /// swaps between poisson and constant (both open loops, with a rate); an open loop cannot
    /// become closed (it has no users or think time to start) nor a closed loop open, and that
    /// `set` is refused at its value, naming what it found, what it expected and what to change.
    @Test("arrival.process swaps poisson and constant mid-run; open and closed loops are refused at the value")
    func processSwitch() throws {
        let swapped = try ScenarioLoader.parse(text: Self.withSet("clients.users.arrival.process", "constant"), file: "set.yaml")
        #expect(swapped.timeline.count == 2)
        func refusal(_ path: String, _ value: String) throws -> Diagnostic {
            let error = try #require(throws: ScenarioError.self, "\(path) = \(value)") {
                try ScenarioLoader.parse(text: Self.withSet(path, value), file: "set.yaml")
            }
            return try #require(error.diagnostics.first { $0.path == "timeline.1.value" }, "\(error.diagnostics)")
        }
        let toClosed = try refusal("clients.users.arrival.process", "closed")
        #expect(toClosed.message.hasPrefix("found closed, expected poisson or constant: users is an open loop for the whole run"), "\(toClosed.message)")
        #expect(toClosed.line == Self.base.split(separator: "\n", omittingEmptySubsequences: false).count)
        let toOpen = try refusal("clients.browsers.arrival.process", "poisson")
        #expect(toOpen.message.hasPrefix("found poisson, expected closed: browsers is a closed loop for the whole run"), "\(toOpen.message)")
        // A closed loop set to closed changes nothing and is no error.
        _ = try ScenarioLoader.parse(text: Self.withSet("clients.browsers.arrival.process", "closed"), file: "set.yaml")
    }

    /// A constant client sends exactly one request every 1/rate; set to poisson for a window, its
    /// arrivals per interval scatter as a Poisson count does, and come back to exactly the rate
    /// once the `for` ends.
    @Test("constant arrivals set to poisson scatter for the window and return exact after it")
    func processSwitchActs() throws {
        let text = """
            name: swap
            description: A constant client set to poisson for a minute.
            duration: 3m
            seed: 5
            clients:
              users:
                target: api
                arrival: { process: constant, rate: 100/s }
            services:
              api:
                workers: 50
                service_time: { dist: constant, value: 1ms }
            timeline:
              - { at: 60s, for: 60s, kind: set, path: clients.users.arrival.process, value: poisson }
            """
        let spec = try ScenarioLoader.parse(text: text, file: "swap.yaml")
        let sim = Simulation(spec: spec)
        sim.prepare()
        var perSecond: [Int] = []
        var sent = 0
        for second in 1...180 {
            _ = RunLoop.run(sim, until: SimTime(seconds: Double(second)))
            let now = Int(sim.clients[0].counters.requests)
            perSecond.append(now - sent)
            sent = now
        }
        // Seconds 2-59 and 122-180: exactly 100 (the first and the switch's seconds may hold 99 or 101).
        #expect(perSecond[1..<59].allSatisfy { $0 == 100 }, "\(perSecond[1..<59])")
        #expect(perSecond[122..<180].allSatisfy { $0 == 100 }, "\(perSecond[122..<180])")
        let poisson = perSecond[61..<120].map(Double.init)
        let mean = poisson.reduce(0, +) / Double(poisson.count)
        let variance = poisson.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(poisson.count - 1)
        // A Poisson count of mean 100 has variance 100; with 59 seconds the sample variance lies
        // within about 100 x (1 +- 0.6) (chi-square, 99.9%); constant arrivals give 0.
        #expect(abs(mean - 100) < 5, "\(mean)")
        #expect(variance > 40 && variance < 180, "\(variance)")
    }

    /// A fixed key was refused with the rule's reason alone ("a cache's size and lifetime are
    /// fixed"), which could read as an unknown key: the refusal says the key exists but holds for
    /// the whole run, and names the keys a `set` can change instead.
    @Test("a fixed key is refused as existing but fixed for the run, with the keys that can change")
    func fixedKeysNameWhatCanChange() throws {
        func message(_ path: String, _ value: String) throws -> String {
            let error = try #require(throws: ScenarioError.self) {
                try ScenarioLoader.parse(text: Self.withSet(path, value), file: "set.yaml")
            }
            return error.diagnostics.first { $0.path == "timeline.1.path" }?.message ?? "\(error.diagnostics)"
        }
        // Every key of a client can change too (arrival.process between poisson and constant).
        #expect(ScenarioLoader.changeable(block: "clients").keys == ["target", "arrival", "network", "timeout", "retry",
                                                                      "circuit_breaker", "adaptive_throttle"])
        #expect(ScenarioLoader.changeable(block: "clients").fixed.isEmpty)
        // A cache's size and lifetime change mid-run (scenario-format.md: "change any KEY.PATH
        // mid-run"): every key of a service can, so the cache is listed whole.
        #expect(ScenarioLoader.changeable(block: "services").keys.contains("cache"))
        #expect(ScenarioLoader.changeable(block: "services").fixed.isEmpty)
        _ = try ScenarioLoader.parse(text: Self.withSet("services.api.cache.ttl", "2m"), file: "set.yaml")
        _ = try ScenarioLoader.parse(text: Self.withSet("services.api.cache.capacity", "50"), file: "set.yaml")
        let duration = try message("duration", "2m")
        #expect(duration == "cannot change duration mid-run: `duration` is a key of the file, but it holds for the whole run. "
                + "Only clients.* and services.* settings can change mid-run (clients.NAME.KEY, services.NAME.KEY)", "\(duration)")
        // Each key listed as changeable is one the rules apply to, and each fixed one is refused.
        for block in ["clients", "services"] {
            let (keys, fixed) = ScenarioLoader.changeable(block: block)
            for key in keys {
                if case .refused = MidRunRule.rule(for: "\(block).NAME.\(key)") { Issue.record("\(block).NAME.\(key) is listed as changeable") }
            }
            for key in fixed {
                if case .applies = MidRunRule.rule(for: "\(block).NAME.\(key)") { Issue.record("\(block).NAME.\(key) is listed as fixed") }
            }
        }
    }

    @Test("overlapping sets: the value in force is the file's, then each set in progress in order of `at`")
    func overlapping() throws {
        let text = Self.base
            + "  - { at: 10s, for: 20s, kind: set, path: clients.users.timeout, value: 3s }\n"
            + "  - { at: 15s, kind: set, path: clients.users.timeout, value: 250ms }\n"
            + "  - { at: 20s, for: 5s, kind: set, path: clients.users.timeout, value: 7s }\n"
        let spec = try ScenarioLoader.parse(text: text, file: "set.yaml")
        let sim = Simulation(spec: spec)
        sim.prepare()
        func timeout(at t: Double) -> Int64 {
            _ = RunLoop.run(sim, until: SimTime(seconds: t))
            return sim.clients[0].timeout
        }
        let ms: Int64 = 1_000_000
        #expect(timeout(at: 9) == 1000 * ms)
        #expect(timeout(at: 12) == 3000 * ms)
        #expect(timeout(at: 17) == 250 * ms)   // the step after the window started wins
        #expect(timeout(at: 22) == 7000 * ms)
        #expect(timeout(at: 27) == 250 * ms)   // the 7s window ends: the step is in force again
        #expect(timeout(at: 35) == 250 * ms)   // the 3s window ends: the step stays
        let details = sim.runEvents.filter { $0.kind == .settingRestored }.map(\.detail)
        #expect(details.first?.hasPrefix("clients.users.timeout set back to 250ms after 5s") == true, "\(details)")
        // The 3s window ends with the step of 15s in force: what stays is 250ms, not the 1s in
        // force before the window began (events.jsonl said "set back to 1s").
        #expect(details.last == "clients.users.timeout: the set to 3s ended after 20s; 250ms stays in force: nothing changed", "\(details)")
    }

    @Test("a window that ends after another began and ended says what comes back, not what was before it")
    func restoredValueOfOverlappingWindows() throws {
        let text = Self.base
            + "  - { at: 12s, for: 2s, kind: set, path: clients.users.arrival.rate, value: 400/s }\n"
            + "  - { at: 13s, for: 5s, kind: set, path: clients.users.arrival.rate, value: 300/s }\n"
        let spec = try ScenarioLoader.parse(text: text, file: "set.yaml")
        let sim = Simulation(spec: spec)
        sim.prepare()
        _ = RunLoop.run(sim, until: SimTime(seconds: 30))
        let restored = sim.runEvents.filter { $0.kind == .settingRestored }.map(\.detail)
        #expect(restored.count == 2)
        // At 14 s the 400/s window ends while the 300/s one goes on: the rate stays 300/s.
        #expect(restored.first == "clients.users.arrival.rate: the set to 400/s ended after 2s; 300/s stays in force: nothing changed")
        // At 18 s the 300/s window ends; the 400/s one ended at 14 s, so the file's 50/s is back
        // (it read "set back to 400/s", the value before this window began).
        #expect(restored.last?.hasPrefix("clients.users.arrival.rate set back to 50/s after 5s: ") == true, "\(restored)")
    }

    @Test("`enabled: false` leaves an event out exactly; --set switches it back on")
    func enabled() throws {
        let kill = "  - { at: 20s, kind: kill, service: api, count: 2, enabled: false }\n"
        let without = try ScenarioLoader.parse(text: Self.base, file: "a.yaml")
        let off = try ScenarioLoader.parse(text: Self.base + kill, file: "b.yaml")
        #expect(off.timeline.last?.enabled == false)
        let a = Simulation(spec: without).run(), b = Simulation(spec: off).run()
        #expect(a.clients == b.clients && a.services == b.services)
        #expect(a.events == b.events)
        let on = try ScenarioLoader.parse(text: Self.base + kill, file: "b.yaml",
                                          overrides: [ScalarOverride(path: "timeline.1.enabled", value: "true")])
        let c = Simulation(spec: on).run()
        #expect(c.events.filter { $0.kind == .instanceKilled }.count == 2)
        // A switched-off `set` changes nothing either.
        let set = "  - { at: 20s, kind: set, path: clients.users.retry.max_attempts, value: 1, enabled: false }\n"
        let d = Simulation(spec: try ScenarioLoader.parse(text: Self.base + set, file: "c.yaml")).run()
        #expect(d.clients == a.clients && d.services == a.services)
    }

    @Test("a lower queue capacity and fewer workers keep the work already queued and in service")
    func lowerLimitsKeepWork() throws {
        // One instance, 4 workers, 1 s of work each, 50 requests/s: the queue is full (100) long
        // before 10 s. From 10 s to 15 s the capacity is 10 and the workers 2.
        let text = """
            name: lower-limits
            description: Lower limits mid-run.
            duration: 20s
            seed: 2
            clients:
              users:
                target: api
                arrival: { process: constant, rate: 50/s }
            services:
              api:
                workers: 4
                service_time: { dist: constant, value: 1s }
                queue: { capacity: 100 }
            timeline:
              - { at: 10s, for: 5s, kind: set, path: services.api.queue.capacity, value: 10 }
              - { at: 10s, for: 5s, kind: set, path: services.api.workers, value: 2 }

            """
        let sim = Simulation(spec: try ScenarioLoader.parse(text: text, file: "lower.yaml"))
        sim.prepare()
        func at(_ t: Double) -> (queued: Int, busy: Int32) {
            _ = RunLoop.run(sim, until: SimTime(seconds: t))
            sim.checkInvariants()
            return (sim.instances[0].queue.count, sim.instances[0].busy)
        }
        #expect(at(9.99) == (100, 4))
        // Nothing evicted, nothing stopped: the queue stays over the new capacity, 4 workers busy.
        #expect(at(10.001) == (100, 4))
        // The 4 in service finish by 11 s (started before 10 s, 1 s each); then only 2 start
        // at a time, and arrivals are turned away while the queue holds 10 or more.
        #expect(at(11.5).busy == 2)
        let rejectedBefore = sim.services[0].counters.rejected
        #expect(at(14.9).queued < 100)
        #expect(sim.services[0].counters.rejected - rejectedBefore >= Int(3.4 * 50) - 1)
        // Back to 4 workers at 15 s: two more start at once.
        #expect(at(15.001).busy == 4)
    }

    /// A scenario the lean request path covers (issue 10) until its operator acts: retries with
    /// timeouts, no guard, network or health check; a load spike keeps it lean, the first `set`
    /// ends it.
    static let leanUntilSet = """
        name: lean-until-set
        description: Lean until an operator adds a breaker.
        duration: 60s
        seed: 5
        clients:
          users:
            target: api
            arrival: { process: poisson, rate: 300/s }
            timeout: 100ms
            retry: { max_attempts: 3, on: [timeout, error] }
        services:
          api:
            instances: 2
            workers: 8
            service_time: { dist: exponential, mean: 40ms }
        timeline:
          - { at: 10s, for: 5s, kind: load_spike, client: users, factor: 2 }
          - { at: 20s, for: 20s, kind: set, path: clients.users.retry.max_attempts, value: 1 }
          - { at: 30s, kind: set, path: clients.users.timeout, value: 200ms }
        """

    @Test("a run is lean until its first set, then takes the full path, with the full path's results")
    func leanUntilTheFirstSet() throws {
        let spec = try ScenarioLoader.parse(text: Self.leanUntilSet, file: "lean-until-set.yaml")
        let mixed = Simulation(spec: spec)
        #expect(mixed.lean)
        let mixedResult = mixed.run()
        #expect(!mixed.lean)
        mixed.checkInvariants()
        let full = Simulation(spec: spec)
        full.lean = false
        let fullResult = full.run()
        #expect(mixedResult.clients == fullResult.clients)
        #expect(mixedResult.services == fullResult.services)
        #expect(mixedResult.timeSeries == fullResult.timeSeries)
        #expect(mixedResult.events == fullResult.events)
    }
}

