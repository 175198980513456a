import SatsimModel
@testable import SatsimScenario
import Testing

/// A `latency` or `errors` fault's `caller` names one edge of the call graph, the service whose
/// calls it reaches. A name that is no service matched no edge, and the model took the fault for
/// one on every caller: a misspelt `caller` turned a one-edge experiment (Netflix's ChAP fails
/// the calls between two services for a cohort: Basiri et al., ICSE-SEIP 2019) into a fault on
/// every attempt, silently. The contract: "Unknown keys are an error ..., never silently
/// ignored"; a name that refers to nothing is refused as `target` and `service` are.
@Suite("A fault's caller names a service that calls its target")
struct FaultCallerReferenceTests {
    /// users -> api -> db; admins -> db.
    static func scenario(timeline: String = "", chaos: String = "") -> String {
        """
        name: callers
        description: A fault on one edge.
        duration: 60s
        clients:
          users: { target: api, arrival: { process: poisson, rate: 10/s } }
          admins: { target: db, arrival: { process: poisson, rate: 1/s } }
        services:
          api:
            service_time: { dist: constant, value: 1ms }
            calls: [ { service: db, timeout: 100ms } ]
          db:
            service_time: { dist: constant, value: 1ms }
        \(timeline)\(chaos)
        """
    }

    static func diagnostics(_ text: String, sets: [String] = []) throws -> [Diagnostic] {
        var overrides: [ScalarOverride] = []
        for (index, argument) in sets.enumerated() { overrides.append(try ScalarOverride.parse(argument, ordinal: index + 1)) }
        let error = try #require(throws: ScenarioError.self) {
            try ScenarioLoader.parse(text: text, file: "callers.yaml", overrides: overrides)
        }
        return error.diagnostics
    }

    static let fault = "{ at: 10s, for: 5s, kind: errors, service: db, caller: CALLER, ratio: 1.0, share: 0.5 }"

    @Test("a caller that is no service is refused at the caller, with the closest name")
    func misspeltCaller() throws {
        let found = try Self.diagnostics(Self.scenario(timeline: "timeline:\n  - " + Self.fault.replacingOccurrences(of: "CALLER", with: "apii")))
        let d = try #require(found.first)
        #expect(found.count == 1)
        #expect(d.path == "timeline.0.caller")
        #expect((d.line, d.column) == (14, 60))
        #expect(d.message == "no service named 'apii'")
        #expect(d.suggestion == "api")
    }

    @Test("a client named as caller is refused, pointing at the service its requests go through")
    func clientAsCaller() throws {
        let found = try Self.diagnostics(Self.scenario(timeline: "timeline:\n  - " + Self.fault.replacingOccurrences(of: "CALLER", with: "users")))
        let d = try #require(found.first)
        #expect(d.path == "timeline.0.caller")
        #expect(d.message.hasPrefix("found the client 'users', expected a service"))
        #expect(d.suggestion == "api")
        // admins send to db itself: no service is between them, so nothing is suggested.
        let direct = try Self.diagnostics(Self.scenario(timeline: "timeline:\n  - " + Self.fault.replacingOccurrences(of: "CALLER", with: "admins")))
        #expect(direct.first?.path == "timeline.0.caller")
        #expect(direct.first?.suggestion == nil)
    }

    @Test("--set and variants that name no service are refused the same way")
    func overridden() throws {
        let text = Self.scenario(timeline: "timeline:\n  - " + Self.fault.replacingOccurrences(of: "CALLER", with: "api"))
        #expect(throws: Never.self) { try ScenarioLoader.parse(text: text, file: "callers.yaml") }
        let found = try Self.diagnostics(text, sets: ["timeline.0.caller=nobody"])
        #expect(found.map(\.path) == ["timeline.0.caller"])
        #expect(found.first?.file == "--set")
    }

    @Test("a chaos fault's caller is checked as a timeline event's: a name, then the edge")
    func chaosFaults() throws {
        let chaos = """
            chaos:
              at: 10s
              faults:
                - { for: 5s, kind: errors, service: db, caller: db, ratio: 1, label: self }
                - { for: 5s, kind: errors, service: db, caller: dbb, ratio: 1, label: typo }
                - { for: 5s, kind: latency, service: api, caller: db, add: { dist: constant, value: 1ms }, label: reversed }
                - { for: 5s, kind: errors, service: db, caller: api, ratio: 1, label: fine }

            """
        let found = try Self.diagnostics(Self.scenario(chaos: chaos))
        #expect(Set(found.map(\.path)) == ["chaos.faults.0.caller", "chaos.faults.1.caller", "chaos.faults.2.caller"])
        #expect(found.first { $0.path == "chaos.faults.0.caller" }?.message.contains("which makes no call to db") == true)
        #expect(found.first { $0.path == "chaos.faults.1.caller" }?.suggestion == "db")
        #expect(found.first { $0.path == "chaos.faults.2.caller" }?.message.contains("which makes no call to api") == true)
    }
}
