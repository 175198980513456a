import SatsimAnalysis
import SatsimCore
import SatsimModel
import SatsimScenario
import Testing

/// `satsim explain` on a scenario with operator actions (timeline `set`). A `set` puts in force
/// settings resolved ahead of the run from the whole file, so a counterfactual must reach them:
/// a mechanism switched off has to stay off when a `set` starts or ends, and removing one `set`
/// must not leave its value inside the settings another overlapping `set` puts in force.
@Suite("explain: counterfactuals and operator settings")
struct CounterfactualSettingsTests {
    /// Every attempt times out (50 ms timeout, 100 ms of work), so every request is retried up
    /// to its limit whenever retries are on. Two operator actions overlap from 20 s to 30 s: the
    /// first turns retries off from 10 s to 30 s, the second lengthens the timeout from 20 s to
    /// 40 s (still too short).
    static let yaml = """
        name: operator-overlap
        description: Two operator actions overlap; every attempt times out.
        duration: 60s
        seed: 3
        clients:
          users:
            target: api
            arrival: { process: poisson, rate: 20/s }
            timeout: 50ms
            retry: { max_attempts: 3, on: [timeout] }
        services:
          api:
            instances: 1
            workers: 64
            service_time: { dist: constant, value: 100ms }
        timeline:
          - { at: 10s, for: 20s, kind: set, path: clients.users.retry.max_attempts, value: 1 }
          - { at: 20s, for: 20s, kind: set, path: clients.users.timeout, value: 60ms }
        """

    static func load(disabling event: Int? = nil) throws -> ScenarioSpec {
        let overrides = try event.map { [try ScalarOverride.parse("timeline.\($0).enabled=false")] } ?? []
        return try ScenarioLoader.parse(text: yaml, file: "operator-overlap.yaml", overrides: overrides)
    }

    static func counterfactual(_ subject: String, resolving: Bool = true) throws -> Counterfactual {
        let base = try load()
        let all = Counterfactual.all(for: base, resolving: resolving ? { try? load(disabling: $0) } : nil)
        return try #require(all.first { $0.subject == subject })
    }

    @Test("Retries switched off stay off when an operator's set starts and ends")
    func mechanismStaysOffAcrossSets() throws {
        let noRetry = try Self.counterfactual("clients.users.retry")
        // Every setting a `set` puts in force carries the switch-off...
        for event in noRetry.spec.timeline {
            let resolved = try #require(event.resolved)
            for snapshot in [resolved.atStart] + (resolved.atEnd.map { [$0] } ?? []) {
                #expect(snapshot.clients[0].retry?.maxAttempts == 1)
            }
        }
        // ...so no request is retried at any time. Before the fix, the second set's settings
        // (resolved from the file, retries on) brought retries back at 20 s.
        let result = Simulation(spec: noRetry.spec).run()
        #expect(result.clients[0].requests > 1_000)
        #expect(result.clients[0].attempts == result.clients[0].requests)
    }

    @Test("Removing one of two overlapping sets resolves the other without it")
    func removedSetLeavesNoTraceInTheOther() throws {
        let removed = try Self.counterfactual("timeline.0")
        #expect(removed.mechanism == "fault")
        try #require(removed.spec.timeline.count == 2, "the event is disabled in place, not removed")
        // The second set starts at 20 s, while the first (retries off) would have been in force:
        // without the first, retries are on then.
        let second = try #require(removed.spec.timeline[1].resolved)
        #expect(second.atStart.clients[0].retry?.maxAttempts == 3)
        #expect(second.atStart.clients[0].timeout == SimTime(seconds: 0.06))
        #expect(removed.spec.timeline[0].enabled == false)
        // The same scenario loaded with the first set disabled runs the same.
        let direct = Simulation(spec: try Self.load(disabling: 0)).run()
        let counterfactual = Simulation(spec: removed.spec).run()
        #expect(counterfactual.clients == direct.clients)
        // Without a way to resolve again, the event is removed and the other set keeps the
        // settings resolved with it (documented): retries stay off from 20 s to 30 s.
        let stale = try Self.counterfactual("timeline.0", resolving: false)
        #expect(stale.spec.timeline.count == 1)
        #expect(stale.spec.timeline[0].resolved?.atStart.clients[0].retry?.maxAttempts == 1)
    }

    @Test("A counterfactual of a scenario without sets is the edit alone")
    func noSetsNoChange() throws {
        var spec = try Self.load()
        spec.timeline = []
        let all = Counterfactual.all(for: spec, resolving: { _ in Issue.record("nothing to resolve"); return nil })
        let noRetry = try #require(all.first { $0.subject == "clients.users.retry" })
        var expected = spec
        expected.clients[0].retry?.maxAttempts = 1
        #expect(noRetry.spec == expected)
    }

    /// The contract's own example, `{ at: 3m, kind: set, path: clients.users.retry.max_attempts,
    /// value: 1 }`: with retries switched off, that `set` changes nothing, and a run given
    /// `--set clients.users.retry.max_attempts=1` does not count it as a fault. The counterfactual
    /// did (its text still read 4 -> 1), so its last fault ended at 3m and its recovery time was
    /// measured from there: 0 s, where the run with retries off recovered 19 s after the spike.
    @Test("A set that a switch-off already imposes changes nothing, in the counterfactual as in a run with that setting")
    func aSetTheSwitchOffImposesIsNoFault() throws {
        let yaml = """
            name: set-retry
            description: Retries turned off by an operator mid-incident.
            duration: 6m
            warmup: 30s
            seed: 42
            clients:
              users:
                target: api
                arrival: { process: poisson, rate: 600/s }
                timeout: 1s
                retry: { max_attempts: 4, on: [timeout, error] }
            services:
              api: { instances: 4, workers: 8, service_time: { dist: lognormal, mean: 40ms, cv: 1.0 }, queue: { capacity: 1000 } }
            timeline:
              - { at: 2m, for: 10s, kind: load_spike, client: users, factor: 2 }
              - { at: 3m, kind: set, path: clients.users.retry.max_attempts, value: 1 }
            """
        let base = try ScenarioLoader.parse(text: yaml, file: "set-retry.yaml")
        #expect(!base.setChangesNothing(1), "in the file, the set turns retries off")
        let off = try #require(Counterfactual.all(for: base).first { $0.subject == "clients.users.retry" })
        #expect(off.spec.setChangesNothing(1), "with retries already off, it changes nothing")
        #expect(!off.spec.setChangesNothing(0), "a spike is no set")
        // The counterfactual's run is judged as the run given the setting: the same faults, the
        // same recovery time.
        let given = try ScenarioLoader.parse(text: yaml, file: "set-retry.yaml",
                                             overrides: [try ScalarOverride.parse("clients.users.retry.max_attempts=1")])
        #expect(given.setChangesNothing(1))
        let counterfactual = RunAnalysis(result: Simulation(spec: off.spec).run(), spec: off.spec)
        let direct = RunAnalysis(result: Simulation(spec: given).run(), spec: given)
        #expect(counterfactual.faults == direct.faults, "\(counterfactual.faults) against \(direct.faults)")
        #expect(counterfactual.faults.count == 1)
        #expect(counterfactual.verdict.recoveryTime == direct.verdict.recoveryTime)
    }
}
