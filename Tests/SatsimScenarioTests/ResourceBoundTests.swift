import SatsimCore
import SatsimModel
import Testing

@testable import SatsimScenario

/// Values that are each valid but would make a run keep more than it can hold are refused with
/// a located message that states the limit and what would fit.
@Suite struct ResourceBoundTests {
    static func scenario(duration: String = "1h", metrics: String? = nil, extra: String = "", timeline: String = "") -> String {
        """
        name: bounds
        description: resource bounds
        duration: \(duration)
        \(metrics.map { "metrics: { interval: \($0) }" } ?? "")
        clients:
          users:
            target: api
            arrival: { process: closed, users: 1000, think: { dist: constant, value: 1s } }
        services:
          api:
            service_time: { dist: exponential, mean: 10ms }
        \(extra)
        \(timeline)
        """
    }

    static func diagnostics(_ text: String) -> [Diagnostic] {
        do {
            _ = try ScenarioLoader.parse(text: text, file: "bounds.yaml")
            return []
        } catch {
            return error.diagnostics
        }
    }

    @Test func aMicrosecondIntervalIsRefusedWithTheRowLimitAndTheSmallestIntervalThatFits() throws {
        // 1 h / 1 us = 3.6e9 rows; 100,000 rows need an interval of at least 3600 s / 1e5 = 36 ms.
        let found = Self.diagnostics(Self.scenario(metrics: "1us"))
        let diagnostic = try #require(found.first)
        #expect(found.count == 1)
        #expect(diagnostic.path == "metrics.interval")
        #expect(diagnostic.line == 4)
        #expect(diagnostic.message.contains("3600000000 time-series rows"))
        #expect(diagnostic.message.contains("at most 100000 rows"))
        #expect(diagnostic.message.contains("metrics.interval >= 36ms"))
    }

    @Test func aLongRunAtTheDefaultIntervalIsRefusedAtItsDuration() throws {
        // 10,000 h at the default 1 s interval is 36,000,000 rows; 360 s would fit (6m).
        let diagnostic = try #require(Self.diagnostics(Self.scenario(duration: "10000h")).first)
        #expect(diagnostic.path == "duration")
        #expect(diagnostic.line == 3)
        #expect(diagnostic.message.contains("36000000 time-series rows (the default interval)"))
        #expect(diagnostic.message.contains("metrics.interval >= 6m"))
        // Exactly at the limit is accepted: 100,000 intervals of 36 ms.
        #expect(Self.diagnostics(Self.scenario(duration: "1h", metrics: "36ms")).isEmpty)
        #expect(!Self.diagnostics(Self.scenario(duration: "1h", metrics: "35.999ms")).isEmpty)
    }

    @Test func aRunShorterThanTheDefaultIntervalIsToldAtItsDurationAsTheDefault() throws {
        // A 500ms run that writes no `metrics` (default interval 1s, scenario-format.md "Top
        // level"): the message used to point at 1:1 and quote "found 1s" for a key the file never
        // wrote. DESIGN.md, "Errors and bad input": the file, line and column, the key path, what
        // was found, what was expected.
        let diagnostic = try #require(Self.diagnostics(Self.scenario(duration: "500ms")).first)
        #expect(diagnostic.path == "metrics.interval")
        #expect(diagnostic.line == 3)
        #expect(diagnostic.message.contains("found 1s (the default interval"))
        #expect(diagnostic.message.hasSuffix("expected a duration <= duration (500ms)"))
        // Written, the interval is told where it is written, as before.
        let written = try #require(Self.diagnostics(Self.scenario(duration: "500ms", metrics: "1s")).first)
        #expect(written.line == 4)
        #expect(written.message == "found 1s, expected a duration <= duration (500ms)")
    }

    @Test func aSpikeThatWouldTakeAClosedLoopPopulationPastItsBoundIsRefused() throws {
        let spike = { (at: String, factor: String) in "  - { at: \(at), for: 1m, kind: load_spike, client: users, factor: \(factor) }\n" }
        // 1,000 users x 1e300: Int(1e303) used to trap.
        let refused = Self.diagnostics(Self.scenario(timeline: "timeline:\n" + spike("1m", "1e300")))
        let diagnostic = try #require(refused.first)
        #expect(diagnostic.path == "timeline.0.factor")
        #expect(diagnostic.message.contains("<= 10000000"))
        // 1,000 x 10,000 is exactly the bound; two such spikes one after the other never overlap.
        #expect(Self.diagnostics(Self.scenario(timeline: "timeline:\n" + spike("1m", "10000") + spike("5m", "10000"))).isEmpty)
        // Overlapping, they multiply: the second is refused, where it starts.
        let overlapping = Self.diagnostics(Self.scenario(timeline: "timeline:\n" + spike("1m", "100") + spike("90s", "101")))
        #expect(overlapping.map(\.path) == ["timeline.1.factor"])
        // Factors below 1 shrink the population and are never refused.
        #expect(Self.diagnostics(Self.scenario(timeline: "timeline:\n" + spike("1m", "1e-300"))).isEmpty)
    }

    /// The bound on `users` holds for all closed-loop clients together: ten clients of
    /// 10,000,000 users each were accepted one by one and then aborted the run out of memory
    /// (2 GB, "failed to allocate"). Each counts at its peak: a spike multiplies it, a timeline
    /// `set` of its users counts at the value set.
    @Test func closedLoopPopulationsAreBoundedTogether() throws {
        func scenario(_ second: String, timeline: String = "") -> String {
            Self.scenario(timeline: timeline).replacingOccurrences(
                of: "services:\n",
                with: "  batch:\n    target: api\n    arrival: { process: closed, users: \(second), think: { dist: constant, value: 1s } }\nservices:\n")
        }
        // 1,000 + 9,999,000 is the bound exactly; one more user is over, told at the second client.
        #expect(Self.diagnostics(scenario("9999000")).isEmpty)
        let over = try #require(Self.diagnostics(scenario("9999001")).first)
        #expect(over.path == "clients.batch.arrival.users")
        #expect(over.message.contains("10000001 users in all"), "\(over.message)")
        #expect(over.message.contains("expected at most 10000000 users over every client together"))
        // A spike of the first client counts: 1,000 x 2 + 9,999,000 is over.
        let spiked = try #require(Self.diagnostics(scenario("9999000", timeline:
            "timeline:\n  - { at: 1m, for: 1m, kind: load_spike, client: users, factor: 2 }\n")).first)
        #expect(spiked.path == "clients.batch.arrival.users")
        #expect(spiked.message.contains("10000000 users in all") == false && spiked.message.contains("10001000 users in all"), "\(spiked.message)")
        // A timeline set of the second client's users counts at the value set.
        let set = try #require(Self.diagnostics(scenario("10", timeline:
            "timeline:\n  - { at: 1m, kind: set, path: clients.batch.arrival.users, value: 9999001 }\n")).first)
        #expect(set.path == "timeline.0.value", "\(set)")
    }

    @Test func anHpaStabilizationWindowOfMillionsOfDecisionsIsRefused() throws {
        let autoscaler = { (interval: String) in
            """
            # autoscaled
                instances: 1
                autoscaler: { policy: hpa, metric: utilization, target: 0.5, interval: \(interval), min: 1, max: 4, scale_in_cooldown: 5m }
            """
        }
        // The service block is indented under services.api; re-emit it with the autoscaler.
        let text = Self.scenario().replacingOccurrences(
            of: "    service_time: { dist: exponential, mean: 10ms }",
            with: "    service_time: { dist: exponential, mean: 10ms }\n" + autoscaler("1us").split(separator: "\n").dropFirst().joined(separator: "\n"))
        let diagnostic = try #require(Self.diagnostics(text).first)
        #expect(diagnostic.path == "services.api.autoscaler.interval")
        // 300 s / 1 us = 3e8 decisions; 300 s / 10,000 = 30 ms.
        #expect(diagnostic.message.contains("300000000 recommendations"))
        #expect(diagnostic.message.contains("an interval >= 30ms"))
        let fits = text.replacingOccurrences(of: "interval: 1us", with: "interval: 30ms")
        #expect(Self.diagnostics(fits).isEmpty)
    }

    @Test func cachesThatCouldHoldMoreThanTenMillionEntriesAreRefused() throws {
        let cache = { (capacity: Int, keys: Int) in
            Self.scenario().replacingOccurrences(
                of: "    service_time: { dist: exponential, mean: 10ms }",
                with: "    service_time: { dist: exponential, mean: 10ms }\n    instances: 4\n    cache: { keys: \(keys), zipf: 1, capacity: \(capacity) }")
        }
        // 4 instances x 2,500,000 entries is the bound; one more entry each is over.
        #expect(Self.diagnostics(cache(2_500_000, 1_000_000_000)).isEmpty)
        let over = try #require(Self.diagnostics(cache(2_500_001, 1_000_000_000)).first)
        #expect(over.path == "services.api.cache.capacity")
        #expect(over.message.contains("capacity <= 2500000"))
        // A key space smaller than the capacity bounds what a cache can hold.
        #expect(Self.diagnostics(cache(100_000_000, 1_000)).isEmpty)
    }

    /// A chaos fault of kind `scale` raises the most instances a service can run as a timeline
    /// `scale` does: a `scale` to 40 among the chaos faults let 2,500,000 entries per instance
    /// pass, and one run of the search took 2.1 GB.
    @Test func aChaosScaleCountsTowardTheCacheBound() throws {
        let text = Self.scenario().replacingOccurrences(
            of: "    service_time: { dist: exponential, mean: 10ms }",
            with: "    service_time: { dist: exponential, mean: 10ms }\n    instances: 1\n    cache: { keys: 1000000000, zipf: 0, capacity: 2500000 }")
            + "\nchaos:\n  at: 1s\n  max_together: 1\n  replications: 1\n  faults:\n    - { kind: scale, service: api, to: 40 }\n"
        let over = try #require(Self.diagnostics(text).first)
        #expect(over.path == "services.api.cache.capacity")
        #expect(over.message.contains("lets 40 instances") && over.message.contains("capacity <= 250000"), "\(over.message)")
        // Without the chaos scale, one instance may hold them.
        #expect(Self.diagnostics(text.replacingOccurrences(of: "to: 40", with: "to: 1")).isEmpty)
    }
}
