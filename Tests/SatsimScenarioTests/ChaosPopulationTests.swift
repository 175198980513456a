@testable import SatsimScenario
import Testing

/// A load spike on a closed-loop client multiplies its population, and the model keeps at most
/// 10,000,000 users (every user is a pending event or a request). The timeline's spikes were
/// held to that bound; a spike among `chaos.faults`, which a combination adds to the timeline,
/// was not: a fault of factor 10000 on 10000 users ran with the population cut at the bound,
/// silently, so the search reported on a load other than the one it was given.
@Suite("Chaos load spikes keep a closed-loop population within bounds")
struct ChaosPopulationTests {
    static func scenario(maxTogether: Int, faults: [String], timeline: String = "") -> String {
        """
        name: population
        description: A closed loop under chaos.
        duration: 60s
        clients:
          users: { target: api, arrival: { process: closed, users: 10000, think: { dist: constant, value: 10s } } }
        services:
          api: { service_time: { dist: constant, value: 1ms } }
        \(timeline)chaos:
          at: 10s
          max_together: \(maxTogether)
          faults:

        """ + faults.map { "    - \($0)\n" }.joined()
    }

    static func diagnostics(_ text: String) -> [Diagnostic] {
        do {
            _ = try ScenarioLoader.parse(text: text, file: "population.yaml")
            return []
        } catch {
            return error.diagnostics
        }
    }

    static let spike100 = "{ for: 5s, kind: load_spike, client: users, factor: 100 }"

    @Test("one fault past the bound is refused at its factor")
    func oneFault() throws {
        let found = Self.diagnostics(Self.scenario(maxTogether: 1, faults: ["{ for: 5s, kind: load_spike, client: users, factor: 10000 }"]))
        let d = try #require(found.first)
        #expect(found.count == 1)
        #expect(d.path == "chaos.faults.0.factor")
        #expect((d.line, d.column) == (12, 59))
        #expect(d.message.contains("to 100000000 users"))
    }

    @Test("two faults within the bound alone pass it together only when a combination can hold both")
    func twoFaults() {
        // 10000 x 100 x 100 = 10^8 users when both are chosen and overlap.
        #expect(Self.diagnostics(Self.scenario(maxTogether: 2, faults: [Self.spike100, Self.spike100])).map(\.path) == ["chaos.faults.0.factor"])
        // One at a time: 10^6 users at most.
        #expect(Self.diagnostics(Self.scenario(maxTogether: 1, faults: [Self.spike100, Self.spike100])).isEmpty)
        // Together but one after the other: never both in progress.
        let later = "{ at: 20s, for: 5s, kind: load_spike, client: users, factor: 100 }"
        #expect(Self.diagnostics(Self.scenario(maxTogether: 2, faults: [Self.spike100, later])).isEmpty)
    }

    @Test("a fault multiplies the timeline's spike in progress")
    func withTheTimeline() {
        let timeline = "timeline:\n  - { at: 5s, for: 20s, kind: load_spike, client: users, factor: 100 }\n"
        #expect(Self.diagnostics(Self.scenario(maxTogether: 1, faults: [Self.spike100], timeline: timeline)).map(\.path) == ["chaos.faults.0.factor"])
        // A timeline spike that starts while the fault is in progress multiplies it as well.
        let laterTimeline = "timeline:\n  - { at: 15s, for: 5s, kind: load_spike, client: users, factor: 100 }\n"
        let long = "{ for: 20s, kind: load_spike, client: users, factor: 100 }"
        #expect(Self.diagnostics(Self.scenario(maxTogether: 1, faults: [long], timeline: laterTimeline)).map(\.path) == ["chaos.faults.0.factor"])
        // A fault switched off joins no combination.
        let off = "{ for: 5s, kind: load_spike, client: users, factor: 100, enabled: false }"
        #expect(Self.diagnostics(Self.scenario(maxTogether: 1, faults: [off, "{ kind: kill, service: api }"], timeline: timeline)).isEmpty)
    }
}
