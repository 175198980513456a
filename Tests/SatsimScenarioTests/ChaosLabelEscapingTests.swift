@testable import SatsimScenario
import Testing

/// Chaos labels name faults in the ranking printed on the terminal, where every control
/// character is escaped (`\u{1}`). Labels are unique, but two that differ only by a control
/// character written raw and the same escape written out ("a\u{1}") printed as one name: the
/// brief's "names that collide after escaping". Refused like a repeated label, where written.
@Suite("Chaos labels stay distinct once escaped")
struct ChaosLabelEscapingTests {
    static func scenario(_ first: String, _ second: String) -> String {
        """
        name: labels
        description: Two faults.
        duration: 30s
        clients:
          users: { target: api, arrival: { process: poisson, rate: 10/s } }
        services:
          api: { service_time: { dist: constant, value: 1ms }, cache: { keys: 100, zipf: 1.0, capacity: 10, ttl: 1m } }
        chaos:
          at: 10s
          faults:
            - { kind: kill, service: api, label: \(first) }
            - { kind: cache_flush, service: api, label: \(second) }

        """
    }

    @Test("a raw control character and its escape written out are one label on the terminal")
    func collidingOnceEscaped() throws {
        let error = try #require(throws: ScenarioError.self) {
            try ScenarioLoader.parse(text: Self.scenario(#""a\u0001""#, #""a\\u{1}""#), file: "labels.yaml")
        }
        let d = try #require(error.diagnostics.first)
        #expect(error.diagnostics.count == 1)
        #expect(d.path == "chaos.faults.1.label")
        #expect((d.line, d.column) == (12, 49))
        #expect(d.message.contains("prints as the label of chaos.faults.0"))
    }

    @Test("labels that differ once escaped are accepted")
    func distinct() throws {
        let spec = try ScenarioLoader.parse(text: Self.scenario(#""a\u0001""#, #""a\u0002""#), file: "labels.yaml")
        #expect(spec.chaos?.faults.map(\.label) == ["a\u{1}", "a\u{2}"])
    }
}
