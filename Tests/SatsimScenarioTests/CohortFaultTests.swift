import SatsimCore
import SatsimModel
@testable import SatsimScenario
import Testing

/// Chaos experiments on RPC edges (issue 9): a fault with `caller` acts on one edge of the call
/// graph, one with `share` on the experiment cohort only, and summary.json compares the cohorts,
/// as a chaos experiment platform does (Netflix's ChAP: Basiri et al., "Automating Chaos
/// Experiments in Production", ICSE-SEIP 2019, compares an experiment and a control population
/// of requests and watches for harm leaking out of the experiment).
@Suite("Chaos experiment cohorts")
struct CohortFaultTests {
    /// users -> api -> db, and admins -> db directly. db has workers to spare.
    static func scenario(fault: String, callRetry: String = "", dbWorkers: Int = 16) -> String {
        """
        name: cohorts
        description: An experiment cohort on one edge.
        duration: 70s
        warmup: 10s
        seed: 11
        clients:
          users:
            target: api
            arrival: { process: poisson, rate: 200/s }
            timeout: 5s
          admins:
            target: db
            arrival: { process: poisson, rate: 20/s }
            timeout: 5s
        services:
          api:
            instances: 2
            workers: 200
            service_time: { dist: constant, value: 1ms }
            calls:
              - { service: db, timeout: 200ms\(callRetry) }
          db:
            instances: 2
            workers: \(dbWorkers / 2)
            service_time: { dist: exponential, mean: 5ms }
            queue: { capacity: 200 }
        timeline:
          - \(fault)

        """
    }

    static func run(_ text: String) throws -> SimulationResult {
        Simulation(spec: try ScenarioLoader.parse(text: text, file: "cohorts.yaml")).run()
    }

    /// The success ratio of a cohort's requests.
    static func ratio(_ c: ClientCohorts, experiment: Bool) -> Double {
        let (successes, requests) = experiment ? (c.experiment.successes, c.experiment.requests) : (c.control.successes, c.control.requests)
        return requests > 0 ? Double(successes) / Double(requests) : .nan
    }

    @Test("share 0.05 on one edge: the experiment fails, the control and other edges do not")
    func experimentOnly() throws {
        let result = try Self.run(Self.scenario(
            fault: "{ at: 0s, for: 70s, kind: errors, service: db, caller: api, ratio: 1.0, share: 0.05 }"))
        let users = try #require(result.cohorts.first { $0.client == "users" })
        let admins = try #require(result.cohorts.first { $0.client == "admins" })
        // Every experiment request of users goes through api -> db, where every call fails.
        #expect(users.experiment.requests > 0)
        #expect(users.experiment.successes == 0)
        // Nothing is shared that the fault could fill (db has 16 workers for ~220 x 5 ms = 1.1
        // busy workers): the control cohort does not notice. Every control request that ended
        // succeeded; the rest were still in flight at the end, which a cohort counts in its
        // requests as the client does, so they are at most the client's own in flight.
        let whole = try #require(result.clients.first { $0.name == "users" })
        let inFlight = whole.requests - whole.successes - whole.failures
        #expect(users.control.failures == 0 && users.control.requests - users.control.successes <= inFlight)
        // admins call db directly, not over the api -> db edge: its experiment cohort is spared.
        #expect(admins.experiment.requests > 0 && admins.experiment.failures == 0)
        // The experiment is the share asked for: its size within the 99.9% binomial interval
        // (normal approximation, z = 3.29) of 5% of the requests.
        let n = Double(users.experiment.requests + users.control.requests)
        let bound = 3.29 * (n * 0.05 * 0.95).squareRoot()
        #expect(abs(Double(users.experiment.requests) - 0.05 * n) <= bound)
        #expect(users.share == 0.05)
        // The whole client's figures are the two cohorts together.
        #expect(whole.successes == users.experiment.successes + users.control.successes)
        #expect(whole.requests == users.experiment.requests + users.control.requests)
        #expect(whole.attempts == users.experiment.attempts + users.control.attempts)
    }

    @Test("the experiment's retries saturate the shared db: both cohorts degrade; without them only the experiment")
    func harmLeaks() throws {
        // Each experiment call takes 500 ms at db. Without retries that is 5% x 200/s x 0.5 s = 5
        // busy workers of db's 12, plus 200/s x 5 ms + 20/s x 5 ms = 1.1 for the rest: db copes.
        // With 5 attempts per call (each abandoned at 200 ms and retried, while db still works
        // it through), the experiment asks for 25 busy workers of 12: db's queues fill and every
        // cohort's calls wait past their timeout.
        let fault = "{ at: 0s, for: 70s, kind: latency, service: db, caller: api, add: { dist: constant, value: 500ms }, share: 0.05 }"
        let withRetries = try Self.run(Self.scenario(fault: fault, callRetry: ", retry: { max_attempts: 5 }", dbWorkers: 12))
        let without = try Self.run(Self.scenario(fault: fault, dbWorkers: 12))
        let leak = try #require(withRetries.cohorts.first { $0.client == "users" })
        let contained = try #require(without.cohorts.first { $0.client == "users" })
        // The experiment fails either way: 500 ms of added time against a 200 ms call timeout.
        #expect(Self.ratio(leak, experiment: true) < 0.01 && Self.ratio(contained, experiment: true) < 0.01)
        // Without retries the control stays healthy; with them it fails with the experiment.
        #expect(Self.ratio(contained, experiment: false) > 0.95)
        #expect(Self.ratio(leak, experiment: false) < 0.5)
        // And the other client of db, which never went near the faulty edge, suffers too (its
        // 5 s timeout outlasts much of the queueing, so less), which it does not without retries.
        let admins = try #require(withRetries.cohorts.first { $0.client == "admins" })
        let adminsContained = try #require(without.cohorts.first { $0.client == "admins" })
        #expect(Self.ratio(admins, experiment: false) < 0.9)
        #expect(Self.ratio(adminsContained, experiment: false) > 0.95)
    }

    @Test("no fault with a share: no cohorts, and no cohort draw disturbs the run")
    func noShareNoCohorts() throws {
        let plain = try Self.run(Self.scenario(fault: "{ at: 20s, for: 10s, kind: errors, service: db, caller: api, ratio: 0.5 }"))
        #expect(plain.cohorts.isEmpty)
        // A share of 1 is every request: the same run as no share, the same faults drawn.
        let all = try Self.run(Self.scenario(fault: "{ at: 20s, for: 10s, kind: errors, service: db, caller: api, ratio: 0.5, share: 1 }"))
        #expect(all.clients == plain.clients && all.services == plain.services)
        #expect(all.cohorts.first?.control.requests == 0)
    }

    @Test("caller must call the faulty service: located diagnostic")
    func callerMustCall() throws {
        let text = Self.scenario(fault: "{ at: 0s, for: 10s, kind: errors, service: api, caller: db, ratio: 1.0 }")
        let error = try #require(throws: ScenarioError.self) { try ScenarioLoader.parse(text: text, file: "c.yaml") }
        let d = try #require(error.diagnostics.first)
        #expect(d.path == "timeline.0.caller")
        #expect(d.message == "found db, which makes no call to api (it calls nothing); expected a service with a call to api")
        #expect(d.line == text.split(separator: "\n", omittingEmptySubsequences: false).count - 1)
    }
}
