import SatsimCore
import SatsimModel
import Testing
@testable import SatsimScenario

/// A file that certainly needs more counted events than the event budget (`--max-events`) is
/// refused when it is loaded, at the key that asks for the most, instead of simulating for
/// minutes until the budget stops it (10^9 requests/s over an hour: 100 s; probes every
/// microsecond: 190 s, release build). ``EventFloor`` gives the certain part: a counted event per
/// open-loop request, health probe, autoscaler decision and outlier review, each counted until
/// the first timeline event that may slow it.
@Suite struct EventBudgetTests {
    static func scenario(rate: String = "10/s", extraService: String = "", timeline: String = "") -> String {
        """
        name: budget
        description: counted events against the budget
        duration: 1h
        clients:
          users:
            target: api
            arrival: { process: poisson, rate: \(rate) }
        services:
          api:
            instances: 4
            workers: 4
            service_time: { dist: exponential, mean: 20ms }
        \(extraService)
        \(timeline)
        """
    }

    static func spec(_ text: String) throws -> ScenarioSpec { try ScenarioLoader.parse(text: text, file: "budget.yaml") }

    @Test func requestsAreCountedOverTheRun() throws {
        let sources = EventFloor.sources(of: try Self.spec(Self.scenario(rate: "100/s")))
        #expect(sources.count == 1)
        #expect(sources.first?.path == "clients.users.arrival.rate")
        // Ten standard deviations below the mean (gaps up to 0.5 ns longer), not the mean.
        #expect(sources.first?.events == 353_999.0)
        #expect(sources.first?.events == EventFloor.poissonRequests(rate: 100, seconds: 3600))
        // A constant rate: one every 10 ms from 10 ms on, the last (at the end) not counted.
        let constant = Self.scenario(rate: "100/s").replacingOccurrences(of: "poisson", with: "constant")
        #expect(EventFloor.sources(of: try Self.spec(constant)).first?.events == 359_999.0)
    }

    /// Probes: one per instance per interval, the interval stretched by its jitter at most, the
    /// first round not counted; an autoscaler may take the service down to its min.
    @Test func probesAutoscalerAndOutlierRounds() throws {
        let extra = """
                health_check: { interval: 2s, timeout: 1s, jitter: 0.25 }
                autoscaler: { policy: target_tracking, metric: utilization, target: 0.6, interval: 10s, min: 3, max: 8 }
                outlier_detection: { consecutive_errors: 5, interval: 30s }
            """
        let sources = EventFloor.sources(of: try Self.spec(Self.scenario(extraService: extra)))
        let byPath = Dictionary(uniqueKeysWithValues: sources.map { ($0.path, $0.events) })
        // 3 instances (the autoscaler's min) x (3600 / 2.5 - 1) rounds.
        #expect(byPath["services.api.health_check.interval"] == 3.0 * (1440 - 1))
        #expect(byPath["services.api.autoscaler.interval"] == 359.0)
        #expect(byPath["services.api.outlier_detection.interval"] == 119.0)
        #expect(byPath["clients.users.arrival.rate"] == EventFloor.poissonRequests(rate: 10, seconds: 3600))
        // Largest first.
        #expect(sources.map(\.events) == sources.map(\.events).sorted(by: >))
    }

    /// A source counts only until the first event that may slow it: a dip in load, a `set` of one
    /// of the client's keys, a kill of the service; a disabled event does not count, and an event
    /// on another subject does not either.
    @Test func countingStopsAtTheFirstEventThatMaySlowTheSource() throws {
        func requests(_ timeline: String) throws -> Double? {
            let text = Self.scenario(rate: "100/s", timeline: "timeline:\n" + timeline)
            return EventFloor.sources(of: try Self.spec(text)).first { $0.path == "clients.users.arrival.rate" }?.events
        }
        func poisson(_ seconds: Double) -> Double { EventFloor.poissonRequests(rate: 100, seconds: seconds) }
        #expect(try requests("  - { at: 10m, for: 1m, kind: load_spike, client: users, factor: 0.5 }") == poisson(600))
        #expect(try requests("  - { at: 20m, kind: set, path: clients.users.arrival.rate, value: 1/s }") == poisson(1200))
        #expect(try requests("  - { at: 20m, kind: set, path: clients.users.arrival.rate, value: 1/s, enabled: false }") == poisson(3600))
        #expect(try requests("  - { at: 5m, kind: kill, service: api, count: 1 }") == poisson(3600))
        let probes = Self.scenario(extraService: "    health_check: { interval: 1s, timeout: 500ms }",
                                   timeline: "timeline:\n  - { at: 100s, kind: kill, service: api, count: 1 }")
        let source = EventFloor.sources(of: try Self.spec(probes)).first { $0.path.hasSuffix("health_check.interval") }
        #expect(source?.events == 396.0)
    }

    @Test func closedLoopClientsAreLeftOut() throws {
        let text = Self.scenario().replacingOccurrences(
            of: "{ process: poisson, rate: 10/s }", with: "{ process: closed, users: 100, think: { dist: constant, value: 0s } }")
        #expect(EventFloor.sources(of: try Self.spec(text)).isEmpty)
    }

    /// The loader refuses past the budget, at the value of the source that needs the most, with
    /// the rate that fits; with no budget it loads.
    @Test func aRatePastTheBudgetIsRefusedAtItsValue() throws {
        let text = Self.scenario(rate: "1000000/s")
        #expect(throws: Never.self) { try ScenarioLoader.parse(text: text, file: "budget.yaml") }
        let error = try #require(throws: ScenarioError.self) {
            try ScenarioLoader.parse(text: text, file: "budget.yaml", eventBudget: 1_000_000_000)
        }
        let d = try #require(error.diagnostics.first)
        #expect(error.diagnostics.count == 1)
        #expect((d.line, d.column) == (7, 40))
        #expect(d.path == "clients.users.arrival.rate")
        // 3600 s / (1 us + 0.5 ns) - 10 sqrt(3.6 x 10^9).
        #expect(d.message.hasPrefix("found 1000000/s, which sends at least 3597600899 requests over the run's 1h, more than the event budget of 1000000000 counted events"), "\(d)")
        // 10^9 / 3600 s, rounded down.
        #expect(d.message.contains("expected a rate <= 277777/s, or a shorter duration; or give --max-events"), "\(d)")
        // At that rate it loads; 1% more is past the budget (the floor of a Poisson rate is
        // below its mean by ten standard deviations, 0.3% here).
        #expect(throws: Never.self) {
            try ScenarioLoader.parse(text: Self.scenario(rate: "277777/s"), file: "budget.yaml", eventBudget: 1_000_000_000)
        }
        #expect(throws: ScenarioError.self) {
            try ScenarioLoader.parse(text: Self.scenario(rate: "280555/s"), file: "budget.yaml", eventBudget: 1_000_000_000)
        }
    }

    /// A rate past ``EventFloor/highestCountedRate`` is counted at it, without and with load
    /// spikes. The Poisson floor's ten standard deviations, 10 sqrt(rate x seconds), overtake its
    /// mean, seconds / (1/rate + 0.5 ns), near 10^19/s: 2^64 - 1 requests/s was counted as 0,
    /// loaded, and ran until a limit stopped it (a hostile-input audit). The count never falls
    /// as the rate rises, and the rate is shown in full, as the file must write it (no exponent).
    @Test func aRateBeyondWhatCanBeCountedIsStillRefused() throws {
        var counts: [Double] = []
        for rate in ["1000000000000/s", "1000000000000000000/s", "9223372036854775807/s", "18446744073709551615/s",
                     "100000000000000000000000/s"] {
            let error = try #require(throws: ScenarioError.self, "\(rate)") {
                try ScenarioLoader.parse(text: Self.scenario(rate: rate), file: "budget.yaml", eventBudget: 2_000_000_000)
            }
            let d = try #require(error.diagnostics.first)
            #expect(d.path == "clients.users.arrival.rate" && (d.line, d.column) == (7, 40), "\(d)")
            #expect(!d.message.contains("e+"), "\(d.message)")
            counts.append(EventFloor.events(of: try Self.spec(Self.scenario(rate: rate))))
        }
        #expect(counts.allSatisfy { $0 > 2e9 } && zip(counts, counts.dropFirst()).allSatisfy { $0 <= $1 }, "\(counts)")
        let full = try #require(throws: ScenarioError.self) {
            try ScenarioLoader.parse(text: Self.scenario(rate: "18446744073709551615/s"), file: "budget.yaml", eventBudget: 2_000_000_000)
        }
        #expect(full.diagnostics.first?.message.hasPrefix("found 18446744073709551616/s, which sends at least ") == true, "\(full.diagnostics)")
        // With a spike of 1 (which adds nothing), about the same count (each of the three
        // pieces loses its own ten standard deviations).
        let spiked = Self.scenario(rate: "18446744073709551615/s", timeline: "timeline:\n  - { at: 10s, for: 1s, kind: load_spike, client: users, factor: 1 }")
        let withSpike = EventFloor.events(of: try Self.spec(spiked))
        #expect(withSpike <= counts[3] && withSpike > 0.99 * counts[3], "\(withSpike) against \(counts[3])")
    }

    /// Probes every microsecond on four instances: refused at the interval, with the interval
    /// that leaves room for the requests.
    @Test func anIntervalPastTheBudgetIsRefusedWithTheIntervalThatFits() throws {
        let text = Self.scenario(extraService: "    health_check: { interval: 1us, timeout: 1us }")
        let error = try #require(throws: ScenarioError.self) {
            try ScenarioLoader.parse(text: text, file: "budget.yaml", eventBudget: 2_000_000_000)
        }
        let d = try #require(error.diagnostics.first)
        #expect(d.path == "services.api.health_check.interval")
        #expect((d.line, d.column) == (13, 31))
        // 4 x (3.6e9 - 1) probes and 34,102 requests (EventFloor.poissonRequests).
        #expect(d.message.hasPrefix("found 1us, which makes at least 14399999996 health probes over the run's 1h (14400034098 counted events in all)"), "\(d)")
        // 4 x (3600 s / interval - 1) <= 2e9 - 34,102 once 3600 s / interval < 499,991,474 + 2:
        // an interval past 7.2001 us, 7.201 us to the nanosecond.
        #expect(d.message.contains("expected an interval >= 7.201us"), "\(d)")
    }

    /// A `--set` that asks for too much is told at the `--set`.
    @Test func aSetPastTheBudgetIsToldAtTheSet() throws {
        let error = try #require(throws: ScenarioError.self) {
            try ScenarioLoader.parse(text: Self.scenario(), file: "budget.yaml",
                                     overrides: [ScalarOverride(path: "clients.users.arrival.rate", value: "1000000000/s")],
                                     eventBudget: 2_000_000_000)
        }
        let d = try #require(error.diagnostics.first)
        #expect(d.file == "--set")
        #expect(d.path == "clients.users.arrival.rate")
        // 3600 s / 1.5 ns, less ten standard deviations.
        #expect(d.message.hasPrefix("found 1000000000/s, which sends at least 2399981026334 requests"), "\(d)")
    }

    /// Past what digits show exactly, a lower bound reads "more than 10^15", not "at least more
    /// than 10^15".
    @Test func aBoundPastWhatDigitsShowReadsMoreThan() throws {
        let error = try #require(throws: ScenarioError.self) {
            try ScenarioLoader.parse(text: Self.scenario(), file: "budget.yaml",
                                     overrides: [ScalarOverride(path: "clients.users.arrival.rate", value: "1000000000/s"),
                                                 ScalarOverride(path: "duration", value: "100000h"),
                                                 ScalarOverride(path: "metrics.interval", value: "1000h")],
                                     eventBudget: 2_000_000_000)
        }
        let d = try #require(error.diagnostics.first { $0.path == "clients.users.arrival.rate" })
        #expect(d.message.hasPrefix("found 1000000000/s, which sends more than 10^15 requests"), "\(d)")
        #expect(!d.message.contains("at least more"), "\(d)")
    }
}

extension EventBudgetTests {
    /// A load spike of a factor of 1 or more only adds requests: the client's rate is counted
    /// through it (it used to stop at the first spike, as at a dip), and the spike's own window at
    /// the spiked rate, in a source of its own at its factor. A spike of 10^9 on 10/s for a minute
    /// (6 x 10^11 requests) passed the check and simulated until the budget stopped it: the hostile
    /// CLI campaign (Tests/Fuzz/hostile_cli.py) ran `--set timeline.0.factor=1e9` past its 60 s.
    @Test func aLoadSpikeAddsItsWindowAtTheSpikedRate() throws {
        let timeline = "timeline:\n  - { at: 10m, for: 1m, kind: load_spike, client: users, factor: 4 }"
        let sources = EventFloor.sources(of: try Self.spec(Self.scenario(rate: "100/s", timeline: timeline)))
        let byPath = Dictionary(uniqueKeysWithValues: sources.map { ($0.path, $0.events) })
        func poisson(_ rate: Double, _ seconds: Double) -> Double { EventFloor.poissonRequests(rate: rate, seconds: seconds) }
        #expect(byPath["clients.users.arrival.rate"] == poisson(100, 600) + poisson(100, 2940))
        #expect(byPath["timeline.0.factor"] == poisson(400, 60))
        // Overlapping spikes multiply; the overlap is counted with the larger one.
        let two = timeline + "\n  - { at: 630s, for: 1m, kind: load_spike, client: users, factor: 8 }"
        let both = Dictionary(uniqueKeysWithValues: EventFloor.sources(of: try Self.spec(Self.scenario(rate: "100/s", timeline: two)))
            .map { ($0.path, $0.events) })
        #expect(both["timeline.0.factor"] == poisson(400, 30))
        #expect(both["timeline.1.factor"] == poisson(3200, 30) + poisson(800, 30))
        // A dip still stops the count, there and after.
        let dip = "timeline:\n  - { at: 10m, for: 1m, kind: load_spike, client: users, factor: 0.5 }\n"
            + "  - { at: 20m, for: 1m, kind: load_spike, client: users, factor: 1000 }"
        let cut = EventFloor.sources(of: try Self.spec(Self.scenario(rate: "100/s", timeline: dip)))
        #expect(cut.map(\.path) == ["clients.users.arrival.rate"])
        #expect(cut.first?.events == poisson(100, 600))
    }

    /// A spike past the budget is refused at its factor, with the factor that fits; a factor
    /// too large for any rate to be counted (10^300, past the double range once multiplied) is
    /// counted at the highest rate counted and refused too.
    @Test func aSpikePastTheBudgetIsRefusedAtItsFactor() throws {
        func load(_ factor: String) throws -> ScenarioSpec {
            let timeline = "timeline:\n  - { at: 10m, for: 1m, kind: load_spike, client: users, factor: \(factor) }"
            return try ScenarioLoader.parse(text: Self.scenario(rate: "10/s", timeline: timeline), file: "budget.yaml",
                                            eventBudget: 2_000_000_000)
        }
        for factor in ["1000000000", "1e300"] {
            let error = try #require(throws: ScenarioError.self) { try load(factor) }
            let d = try #require(error.diagnostics.first)
            #expect(error.diagnostics.count == 1)
            #expect(d.path == "timeline.0.factor")
            #expect((d.line, d.column) == (15, 66), "\(d)")
            #expect(d.message.contains("which takes client 'users' to \(factor == "1e300" ? "1e+301" : "10000000000")/s"), "\(d)")
            #expect(d.message.contains("/s for 1m and sends at least"), "\(d)")
            #expect(d.message.contains("more than the event budget of 2000000000 counted events"), "\(d)")
            #expect(d.message.contains("expected a factor <= 3390000, or a shorter window"), "\(d)")
        }
        // Two spikes in one window: the factor that fits is the one with the other in progress
        // (the overlap was counted with the other spike once this one was the smaller: 99990).
        let overlap = "timeline:\n  - { at: 10m, for: 1m, kind: load_spike, client: users, factor: 100000 }\n"
            + "  - { at: 10m, for: 1m, kind: load_spike, client: users, factor: 100001 }"
        let error = try #require(throws: ScenarioError.self) {
            try ScenarioLoader.parse(text: Self.scenario(rate: "10/s", timeline: overlap), file: "budget.yaml", eventBudget: 2_000_000_000)
        }
        #expect(error.diagnostics.first?.path == "timeline.1.factor")
        #expect(error.diagnostics.first?.message.contains("expected a factor <= 33") == true, "\(error)")
        // The factor it names loads; 1% more does not.
        #expect(throws: Never.self) { try load("3390000") }
        #expect(throws: ScenarioError.self) { try load("3424000") }
    }

    // That the floor is below what every shipped scenario counts is checked where each of them
    // runs anyway: RunEndToEndTests.shippedScenarioRuns (one run of each instead of two).
}

/// A timeline `set` of a key that paces a source (a client's rate, a probe, autoscaler or
/// outlier interval) is counted from its `at`, at the value it puts in force. The floor stopped
/// counting a source at the first event that may slow it, a `set` of its own pace included, so
/// `{ at: 3s, kind: set, path: services.api.health_check.interval, value: 1us }` in a one-hour
/// run went uncounted and simulated for minutes (a debug build: hours) until the budget
/// stopped it, where the same interval written in the file is refused at once.
@Suite struct TimelineSetEventBudgetTests {
    static func scenario(_ timeline: String) -> String {
        EventBudgetTests.scenario(rate: "10/s", extraService: "    health_check: { interval: 1s, timeout: 500ms }",
                                  timeline: "timeline:\n" + timeline)
    }

    @Test func aSetOfAPaceIsCountedFromItsAtToTheNextEventThatMaySlowIt() throws {
        func source(_ timeline: String) throws -> EventFloor.Source? {
            EventFloor.sources(of: try EventBudgetTests.spec(Self.scenario(timeline))).first { $0.path == "timeline.0.value" }
        }
        // A rate: from 20m to the end, at the new rate, redrawn at once.
        let rate = try #require(try source("  - { at: 20m, kind: set, path: clients.users.arrival.rate, value: 1000/s }"))
        #expect(rate.events == EventFloor.poissonRequests(rate: 1000, seconds: 2400))
        #expect(rate.from == 1200)
        // With `for`, only its window; a later event that may slow the client ends it sooner.
        #expect(try source("  - { at: 20m, for: 10m, kind: set, path: clients.users.arrival.rate, value: 1000/s }")?.events
                == EventFloor.poissonRequests(rate: 1000, seconds: 600))
        #expect(try source("  - { at: 20m, kind: set, path: clients.users.arrival.rate, value: 1000/s }\n"
                           + "  - { at: 25m, for: 1m, kind: load_spike, client: users, factor: 0.5 }")?.events
                == EventFloor.poissonRequests(rate: 1000, seconds: 300))
        // Anything before it that may slow the client: nothing is certain after it.
        #expect(try source("  - { at: 20m, kind: set, path: clients.users.arrival.rate, value: 1000/s }\n"
                           + "  - { at: 10m, kind: set, path: clients.users.timeout, value: 1s }") == nil)
        // A probe interval: 4 instances, counted from one old interval (1 s) after the set, the
        // first round not counted.
        let probes = try #require(try source("  - { at: 3s, kind: set, path: services.api.health_check.interval, value: 1ms }"))
        #expect(probes.events == EventFloor.rounds(every: SimTime(seconds: 0.001), stretch: 0, copies: 4, seconds: 3600 - 3 - 1))
        #expect(probes.events == 4 * (3_596_000 - 1))
        // A kill before the set: its instances may be down, nothing counted.
        #expect(try source("  - { at: 3s, kind: set, path: services.api.health_check.interval, value: 1ms }\n"
                           + "  - { at: 2s, kind: kill, service: api, count: 1 }") == nil)
        // A set of another key counts nothing of its own.
        #expect(try source("  - { at: 3s, kind: set, path: services.api.workers, value: 8 }") == nil)
    }

    /// Refused at the set's value, with the interval that fits; that interval loads.
    @Test func aSetPastTheBudgetIsRefusedAtItsValueWithTheValueThatFits() throws {
        func load(_ value: String) throws {
            _ = try ScenarioLoader.parse(
                text: Self.scenario("  - { at: 3s, kind: set, path: services.api.health_check.interval, value: \(value) }"),
                file: "budget.yaml", eventBudget: 2_000_000_000)
        }
        let error = try #require(throws: ScenarioError.self) { try load("1us") }
        let d = try #require(error.diagnostics.first)
        #expect(error.diagnostics.count == 1)
        #expect(d.path == "timeline.0.value")
        #expect((d.line, d.column) == (15, 75), "\(d)")
        #expect(d.message.hasPrefix("found 1us, which puts services.api.health_check.interval in force at 3s and makes at least 14383999996 health probes in the 3596s counted after it"), "\(d)")
        #expect(d.message.contains("more than the event budget of 2000000000 counted events"), "\(d)")
        #expect(d.message.contains("expected an interval >= 7.193us, or a later at, or a for that ends the set sooner"), "\(d)")
        // The interval it names loads; a shorter one does not.
        #expect(throws: Never.self) { try load("7.193us") }
        #expect(throws: ScenarioError.self) { try load("7.1us") }
        // A rate set past the budget, told at the set, with a rate that fits.
        let rate = try #require(throws: ScenarioError.self) {
            try ScenarioLoader.parse(
                text: Self.scenario("  - { at: 3s, kind: set, path: clients.users.arrival.rate, value: 1000000000/s }"),
                file: "budget.yaml", eventBudget: 2_000_000_000)
        }
        #expect(rate.diagnostics.first?.path == "timeline.0.value")
        #expect(rate.diagnostics.first?.message.contains("expected a rate <= ") == true, "\(rate)")
    }
}
