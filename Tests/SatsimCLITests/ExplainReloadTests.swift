import Foundation
@testable import SatsimCLI
import SatsimCore
import SatsimModel
import SatsimTestSupport
import Testing

/// `satsim explain` removes an operator's `set` by loading the scenario again with that event
/// disabled (`ScenarioRun.reload`), so that the other sets' settings are resolved without it
/// (the resolution itself: `CounterfactualSettingsTests` in SatsimAnalysisTests).
@Suite("explain: the scenario loaded again without one event")
struct ExplainReloadTests {
    static let yaml = """
        name: reload
        description: An operator action and a spike.
        duration: 60s
        seed: 3
        clients:
          users:
            target: api
            arrival: { process: poisson, rate: 20/s }
            timeout: 1s
            retry: { max_attempts: 3, on: [timeout] }
        services:
          api:
            instances: 1
            workers: 8
            service_time: { dist: constant, value: 10ms }
        timeline:
          - { at: 10s, for: 20s, kind: set, path: clients.users.retry.max_attempts, value: 1 }
          - { at: 20s, for: 5s, kind: load_spike, client: users, factor: 2 }
        variants:
          slow:
            services.api.service_time.value: 20ms
        """

    @Test("The event is disabled; the variant, the --set overrides and the seed still apply")
    func reloadKeepsEverythingElse() throws {
        let file = try CLIHarness.scenarioFile(Self.yaml).path
        let overrides = ["clients.users.timeout=2s"]
        let spec = try #require(ScenarioRun.reload(file: file, overrides: overrides, variant: "slow", seed: 9, disabling: 0))
        #expect(spec.timeline.map(\.enabled) == [false, true])
        #expect(spec.clients[0].timeout == SimTime(seconds: 2))
        #expect(spec.services[0].serviceTime == .constant(value: 0.02))
        #expect(spec.seed == 9)
        // Loaded normally, the same file gives the same spec but for the event.
        var base = try ScenarioRun.load(file: file, overrides: overrides, variant: "slow", seed: 9)
        base.timeline[0].enabled = false
        base.timeline[0].resolved = nil
        var reloaded = spec
        reloaded.timeline[0].resolved = nil
        #expect(reloaded == base)
    }

    @Test("A file that no longer loads, or an override that does not parse, gives nil")
    func reloadFailsQuietly() throws {
        #expect(ScenarioRun.reload(file: "/nonexistent/reload.yaml", overrides: [], variant: nil, seed: nil, disabling: 0) == nil)
        let file = try CLIHarness.scenarioFile(Self.yaml).path
        #expect(ScenarioRun.reload(file: file, overrides: ["no-equals-sign"], variant: nil, seed: nil, disabling: 0) == nil)
    }
}
