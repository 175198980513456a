import Foundation
import SatsimCore
import SatsimModel
import Testing
@testable import SatsimScenario

/// `slo` (scenario-format.md): optional, each key optional and replacing only its own bound.
@Suite struct SLODecodingTests {
    static func text(_ slo: String) -> String {
        """
        name: slo
        description: A scenario with an objective.
        duration: 1m
        clients:
          users: { target: api, arrival: { process: poisson, rate: 10/s } }
        services:
          api: { service_time: { dist: constant, value: 10ms } }
        \(slo)
        """
    }

    @Test func absentMeansNoSLO() throws {
        #expect(try ScenarioLoader.parse(text: Self.text(""), file: "slo.yaml").slo == nil)
    }

    @Test func bothKeysOrEitherDecode() throws {
        let both = try ScenarioLoader.parse(text: Self.text("slo: { success_ratio: 0.99, latency_p99: 500ms }"), file: "slo.yaml")
        #expect(both.slo == SLOSpec(successRatio: 0.99, latencyP99: SimTime(nanoseconds: 500_000_000)))
        let ratio = try ScenarioLoader.parse(text: Self.text("slo: { success_ratio: 0.95 }"), file: "slo.yaml")
        #expect(ratio.slo == SLOSpec(successRatio: 0.95))
        let latency = try ScenarioLoader.parse(text: Self.text("slo: { latency_p99: 2s }"), file: "slo.yaml")
        #expect(latency.slo == SLOSpec(latencyP99: SimTime(seconds: 2)))
    }

    @Test("Out-of-range values and misspelt keys are refused with their path", arguments: [
        ("slo: { success_ratio: 1.5 }", "slo.success_ratio"),
        ("slo: { latency_p99: 0s }", "slo.latency_p99"),
        ("slo: { latency_p99: 500 }", "slo.latency_p99"),
        ("slo: { latency_p9: 500ms }", "slo.latency_p9"),
    ])
    func refused(_ slo: String, _ path: String) throws {
        let error = try #require(throws: ScenarioError.self) { try ScenarioLoader.parse(text: Self.text(slo), file: "slo.yaml") }
        #expect(error.diagnostics.map(\.path) == [path], "\(error.diagnostics)")
    }

    @Test func setReplacesAnSLOKey() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("slo-\(UInt64.random(in: 0...UInt64.max)).yaml")
        try Data(Self.text("slo: { latency_p99: 500ms }").utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let spec = try ScenarioLoader.load(file: url.path, overrides: [ScalarOverride(path: "slo.latency_p99", value: "1s")])
        #expect(spec.slo?.latencyP99 == SimTime(seconds: 1))
    }
}
