import Foundation
import SatsimModel
import Testing
@testable import SatsimScenario

/// One case per class of error, each asserting the exact text of its diagnostics against
/// `Golden/diagnostics/<name>.txt` (re-record with `RECORD_SNAPSHOTS=1`).
@Suite struct DiagnosticGoldenTests {
    static let base = """
        name: demo
        description: A demo.
        duration: 10m
        warmup: 1m
        clients:
          users:
            target: api
            arrival: { process: poisson, rate: 100/s }
            timeout: 1s
            retry:
              max_attempts: 3
              backoff: { base: 100ms, multiplier: 2, cap: 10s, jitter: full }
        services:
          api:
            instances: 2
            workers: 4
            service_time: { dist: exponential, mean: 20ms }
            queue: { capacity: 100, discipline: fifo }
        timeline:
          - { at: 2m, for: 10s, kind: load_spike, client: users, factor: 2 }
        variants:
          more-workers: { services.api.workers: 8 }

        """

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var overrides: [String] = []
        var variant: String? = nil
        var testDescription: String { name }
    }

    /// The base scenario with `old` replaced by `new` (which must occur).
    static func edit(_ name: String, _ old: String, _ new: String, overrides: [String] = [], variant: String? = nil) -> Case {
        precondition(old.isEmpty || base.contains(old), "case \(name): '\(old)' is not in the base scenario")
        return Case(name: name, text: old.isEmpty ? base : base.replacingOccurrences(of: old, with: new), overrides: overrides, variant: variant)
    }

    static let event = "  - { at: 2m, for: 10s, kind: load_spike, client: users, factor: 2 }\n"
    static let billionLaughs = """
        a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
        b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
        c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
        d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
        e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
        """

    static let cases: [Case] = [
        edit("unknown-key", "    retry:", "    retyr:"),
        edit("unknown-top-level-key", "warmup: 1m", "warmup: 1m\ndurration: 5m"),
        // Nothing close to suggest: the keys the block takes are listed instead.
        // Kubernetes' `replicas` and a queue's `size`: other tools' names for satsim's keys.
        edit("unknown-key-another-tools-name", "    workers: 4", "    workers: 4\n    replicas: 3"),
        edit("unknown-key-set-another-tools-name", "", "", overrides: ["services.api.queue.size=10"]),
        // Nothing close: the keys the block takes, and no guess.
        edit("unknown-key-without-a-close-name", "    workers: 4", "    workers: 4\n    colour: blue"),
        // A zero-width space after a name: shown escaped, or the name quoted looks valid.
        edit("invisible-character-in-a-name", "  users:\n", "  users\u{200B}:\n"),
        edit("merge-key", "    workers: 4", "    workers: 4\n    <<: { boot_time: 1s }"),
        // An empty key has no name for its path to show: the message says it is empty.
        edit("empty-key", "    workers: 4", "    workers: 4\n    \"\": 1"),
        edit("missing-required-key", "description: A demo.\n", ""),
        edit("duration-bare-number", "timeout: 1s", "timeout: 1"),
        edit("duration-malformed", "timeout: 1s", "timeout: 1 sec"),
        edit("duration-negative", "timeout: 1s", "timeout: -1s"),
        edit("duration-zero-where-positive", "timeout: 1s", "timeout: 0s"),
        edit("duration-too-large", "duration: 10m", "duration: 999999999h"),
        edit("rate-without-unit", "rate: 100/s", "rate: 100"),
        edit("rate-bad-unit", "rate: 100/s", "rate: 100/d"),
        edit("integer-below-minimum", "workers: 4", "workers: 0"),
        edit("integer-above-maximum", "instances: 2", "instances: 20000"),
        edit("integer-beyond-int-range", "workers: 4", "workers: 99999999999999999999999"),
        edit("integer-not-whole", "workers: 4", "workers: 2.5"),
        edit("number-not-a-number", "multiplier: 2", "multiplier: two"),
        edit("number-not-finite", "multiplier: 2", "multiplier: .inf"),
        edit("number-overflows", "multiplier: 2", "multiplier: 1e400"),
        edit("multiplier-not-positive", "multiplier: 2", "multiplier: 0"),
        // Finagle's percentCanRetry bound: up to 1000 retries per first attempt, not 1.
        edit("budget-ratio-above-bound", "jitter: full }\n", "jitter: full }\n      budget: { ratio: 1500 }\n"),
        edit("ratio-out-of-range", event, event + "  - { at: 3m, for: 10s, kind: errors, service: api, ratio: 1.5 }\n"),
        edit("enum-value-misspelt", "discipline: fifo", "discipline: fiffo"),
        edit("distribution-unknown", "dist: exponential", "dist: exponentail"),
        edit("distribution-key-of-another-family", "mean: 20ms }", "mean: 20ms, cv: 1 }"),
        edit("distribution-missing-parameter", "{ dist: exponential, mean: 20ms }", "{ dist: lognormal, mean: 20ms }"),
        edit("mapping-expected", "queue: { capacity: 100, discipline: fifo }", "queue: 5"),
        edit("list-expected", "timeline:\n" + event, "timeline: 5\n"),
        edit("scalar-expected", "target: api", "target: [api]"),
        edit("unknown-target", "target: api", "target: apii"),
        edit("unknown-timeline-subject", "client: users", "client: user"),
        edit("call-cycle", "    queue: { capacity: 100, discipline: fifo }\n",
             "    queue: { capacity: 100, discipline: fifo }\n    calls: [{ service: db }]\n  db:\n    service_time: { dist: constant, value: 1ms }\n    calls: [{ service: api }]\n"),
        edit("call-to-unknown-service", "    queue: { capacity: 100, discipline: fifo }\n",
             "    queue: { capacity: 100, discipline: fifo }\n    calls: [{ service: bd }]\n"),
        edit("timeline-window-past-end", "at: 2m, for: 10s", "at: 9m, for: 2m"),
        edit("timeline-start-past-end", "at: 2m, for: 10s", "at: 11m, for: 10s"),
        edit("timeline-for-on-a-step", event, event + "  - { at: 5m, for: 10s, kind: kill, service: api }\n"),
        edit("timeline-fault-without-for", "at: 2m, for: 10s,", "at: 2m,"),
        edit("timeline-unknown-kind", "kind: load_spike", "kind: load_spkie"),
        edit("warmup-not-before-end", "warmup: 1m", "warmup: 10m"),
        edit("cap-below-base", "cap: 10s", "cap: 10ms"),
        edit("retry-on-unknown-outcome", "max_attempts: 3", "max_attempts: 3\n      on: [timeout, timeouts]"),
        edit("empirical-without-values", "{ dist: exponential, mean: 20ms }", "{ dist: empirical, values: [] }"),
        edit("uniform-max-below-min", "{ dist: exponential, mean: 20ms }", "{ dist: uniform, min: 30ms, max: 5ms }"),
        edit("description-empty", "description: A demo.", "description: \"  \""),
        edit("scenario-name-pattern", "name: demo", "name: Demo_1"),
        edit("component-name-pattern", "  users:", "  Users.EU:"),
        edit("empty-clients", "clients:\n  users:\n    target: api\n    arrival: { process: poisson, rate: 100/s }\n    timeout: 1s\n    retry:\n      max_attempts: 3\n      backoff: { base: 100ms, multiplier: 2, cap: 10s, jitter: full }\n", "clients: {}\n"),
        edit("duplicated-key", "workers: 4", "workers: 4\n    workers: 8"),
        edit("timeline-set-fixed-path", event, event + "  - { at: 5m, kind: set, path: clients.users.arrival.process, value: closed }\n"),
        edit("autoscaler-max-below-min", "    queue: { capacity: 100, discipline: fifo }\n",
             "    autoscaler: { policy: hpa, metric: utilization, target: 0.6, min: 4, max: 2 }\n"),
        edit("expect-unknown-figure", "variants:", "expect: { clients.users.goodput: \">= 1\", services.apy.utilization: \"< 0.9\" }\nvariants:"),
        edit("expect-bad-outcome", "variants:", "expect: { outcome: recoverd }\nvariants:"),
        edit("expect-bad-condition", "variants:", "expect: { recovery_time: \"about 60\" }\nvariants:"),
        edit("expect-outcome-list-misspelt", "variants:", "expect: { outcome: [recovered, stabel] }\nvariants:"),
        edit("expect-outcome-list-empty", "variants:", "expect: { outcome: [] }\nvariants:"),
        edit("expect-outcome-list-repeated", "variants:", "expect: { outcome: [stable, recovered, stable] }\nvariants:"),
        // A key past YAML's 1024-character limit for implicit keys, at the key, with its path.
        edit("key-longer-than-yaml-reads", "    retry:", "    \(String(repeating: "r", count: 1_030)): 1\n    retry:"),
        edit("expect-outcome-not-equal-misspelt", "variants:", "expect: { outcome: \"!= metastabel\" }\nvariants:"),
        edit("expect-outcome-comparison", "variants:", "expect: { outcome: \">= recovered\" }\nvariants:"),
        edit("expect-variant-unknown", "variants:", "expect: { variants: { more-worker: { outcome: stable } } }\nvariants:"),
        edit("expect-variant-unknown-figure", "variants:",
             "expect: { variants: { more-workers: { services.api.utilizaton: \"< 0.9\" } } }\nvariants:"),
        edit("expect-variant-not-a-mapping", "variants:", "expect: { variants: { more-workers: stable } }\nvariants:"),
        edit("expect-variants-misspelt", "variants:", "expect: { varaints: { more-workers: { outcome: stable } } }\nvariants:"),
        edit("variant-unknown-path", "services.api.workers: 8", "services.api.wrokers: 8"),
        edit("variant-bad-value", "services.api.workers: 8", "services.api.workers: zero"),
        edit("sweep-bad-value", "variants:", "sweep: { vary: { clients.users.arrival.rate: [100/s, 200] } }\nvariants:"),
        edit("sweep-repeated-value", "variants:", "sweep: { vary: { clients.users.arrival.rate: [100/s, 200/s, 100/s] } }\nvariants:"),
        edit("fault-caller-unknown", event, event + "  - { at: 3m, for: 10s, kind: errors, service: api, caller: apu, ratio: 1 }\n"),
        edit("fault-caller-a-client", event, event + "  - { at: 3m, for: 10s, kind: errors, service: api, caller: users, ratio: 1 }\n"),
        edit("timeline-set-unknown-path", event, event + "  - { at: 5m, kind: set, path: clients.users.retyr.max_attempts, value: 1 }\n"),
        edit("several-errors-at-once", "workers: 4", "workers: 0\n    balancr: random", overrides: []),
        edit("several-errors-with-a-misspelt-name", "target: api", "target: apii\n    network: 5ms"),
        edit("set-unknown-key", "", "", overrides: ["clients.users.retyr.max_attempts=2"]),
        edit("set-unknown-name", "", "", overrides: ["clients.user.timeout=1s"]),
        edit("set-bad-value", "", "", overrides: ["services.api.workers=0"]),
        edit("set-index-out-of-range", "", "", overrides: ["timeline.3.factor=2"]),
        edit("set-not-a-scalar", "", "", overrides: ["services.api.queue=5"]),
        // A flush of a service with no cache did nothing, and the story told a 0% hit ratio of it.
        edit("cache-flush-without-cache", event, event + "  - { at: 3m, kind: cache_flush, service: api }\n"),
        // A path into a block of KEY.PATHs says what may be set instead.
        edit("set-into-a-variant", "", "", overrides: ["variants.more-workers.services.api.workers=3"]),
        // A one-word figure that is not one says which are (it said only "not a summary figure").
        edit("expect-not-a-figure", "variants:", "expect: { seed: \">= 1\" }\nvariants:"),
        edit("set-second-argument", "", "", overrides: ["services.api.workers=8", "clients.users.timeout=soon"]),
        edit("unknown-variant", "", "", variant: "more-worker"),
        Case(name: "empty-file", text: ""),
        Case(name: "only-comments", text: "# nothing here\n"),
        Case(name: "top-level-not-a-mapping", text: "- name: demo\n- duration: 10m\n"),
        Case(name: "syntax-error", text: "name: demo\nclients: { users: { target: api\n"),
        Case(name: "tab-indentation", text: "name: demo\nclients:\n\tusers: {}\n"),
        Case(name: "two-documents", text: "name: a\n---\nname: b\n"),
        Case(name: "anchor", text: "name: &n demo\n"),
        Case(name: "alias-bomb", text: billionLaughs),
        Case(name: "deep-nesting", text: "a: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n"),
        Case(name: "nesting-beyond-limit", text: "a: " + String(repeating: "{a: ", count: 40) + "1" + String(repeating: "}", count: 40) + "\n"),
        Case(name: "control-characters", text: "name: demo\u{0}\u{7}\n"),
        // libyaml's reader sets no mark for a control character, only its byte offset: the
        // position is counted from it (CR LF one break, 'é' and '→' one column each).
        Case(name: "control-character-on-a-later-line", text: "name: demo\r\ndescription: \"é → \u{1B}[31m\"\n"),
        Case(name: "complex-key", text: "? [a, b]\n: 1\n"),
    ]

    @Test(arguments: cases)
    func diagnosticText(_ c: Case) throws {
        var overrides: [ScalarOverride] = []
        for (index, argument) in c.overrides.enumerated() {
            overrides.append(try ScalarOverride.parse(argument, ordinal: index + 1))
        }
        let error = try #require(throws: ScenarioError.self) {
            try ScenarioLoader.parse(text: c.text, file: "demo.yaml", overrides: overrides, variant: c.variant)
        }
        expectGolden(error.description, named: "diagnostics/\(c.name).txt")
    }

    @Test func setArgumentWithoutEquals() throws {
        let error = try #require(throws: ScenarioError.self) { try ScalarOverride.parse("clients.users.timeout", ordinal: 2) }
        expectGolden(error.description, named: "diagnostics/set-without-equals.txt")
    }

    @Test func setArgumentWithEmptyPathSegment() throws {
        let error = try #require(throws: ScenarioError.self) { try ScalarOverride.parse("clients..timeout=1s") }
        expectGolden(error.description, named: "diagnostics/set-empty-segment.txt")
    }

    @Test func fileNotUTF8() throws {
        let error = try #require(throws: ScenarioError.self) {
            try ScenarioLoader.decodeUTF8(Array("name: demo\ndescription: caf".utf8) + [0xE9, 0x0A], file: "demo.yaml")
        }
        expectGolden(error.description, named: "diagnostics/not-utf8.txt")
    }

    @Test func missingFile() throws {
        let error = try #require(throws: ScenarioError.self) { try ScenarioLoader.load(file: "no/such/demo.yaml") }
        expectGolden(error.description, named: "diagnostics/missing-file.txt")
    }

    @Test func directoryInsteadOfFile() throws {
        let error = try #require(throws: ScenarioError.self) { try ScenarioLoader.load(file: "/") }
        expectGolden(error.description, named: "diagnostics/directory.txt")
    }

    @Test func baseScenarioIsValid() throws {
        _ = try ScenarioLoader.parse(text: Self.base, file: "demo.yaml")
        _ = try ScenarioLoader.parse(text: Self.base, file: "demo.yaml", variant: "more-workers")
    }
}
