import Foundation
import Testing

/// scenario-format.md, "EVENT": with a `share`, summary.json adds for each client
/// `cohorts: { experiment: {...}, control: {...} }` "with the client figures of each cohort", and
/// a client's `attempts` are "(sent, retries included)". An attempt the client's own circuit
/// breaker rejects is never sent (DESIGN.md, "Request and attempt": `rejected`, never sent), so
/// the two cohorts' attempts together can be no more than the client's.
///
/// Known deviation (found by the acceptance walk): the cohorts count every try of a request,
/// the breaker's rejections included (`RequestRow.attemptsSent`, which also counts tries against
/// `max_attempts`), so they report about twice the client's attempts here. The fix belongs in
/// Sources/SatsimModel/Client/Simulation+Clients.swift (count a cohort attempt where
/// `counters.attempts` is counted, after the client's guards admit it), outside this change.
@Suite("cohort attempts are attempts sent, like the client's")
struct CohortAttemptsEndToEndTests {
    @Test func cohortAttemptsLeaveOutTheBreakersRejections() throws {
        let file = try CLIHarness.scenarioFile("""
            name: cohort-attempts
            description: A cohort experiment fails half the requests; the client's breaker opens and rejects.
            duration: 2m
            seed: 3
            clients:
              users:
                target: api
                arrival: { process: poisson, rate: 100/s }
                timeout: 300ms
                retry: { max_attempts: 3 }
                circuit_breaker: { failure_ratio: 0.2, min_requests: 20, window: 5s, open_for: 5s, half_open_probes: 5 }
            services:
              api: { instances: 2, workers: 8, service_time: { dist: exponential, mean: 10ms } }
            timeline:
              - { at: 30s, for: 30s, kind: errors, service: api, ratio: 1.0, share: 0.5 }

            """).path
        let output = try CLIHarness.run(["run", file, "--format", "json"])
        #expect(output.status == 0, "\(output.stderr)")
        let summary = try #require(JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let users = try #require((summary["clients"] as? [String: Any])?["users"] as? [String: Any])
        let attempts = try #require(users["attempts"] as? Int)
        let rejected = try #require((users["attempt_outcomes"] as? [String: Any])?["rejected"] as? Int)
        let cohorts = try #require(users["cohorts"] as? [String: Any])
        let experiment = try #require((cohorts["experiment"] as? [String: Any])?["attempts"] as? Int)
        let control = try #require((cohorts["control"] as? [String: Any])?["attempts"] as? Int)
        // The breaker does reject here, so the scenario can tell the two counts apart.
        #expect(rejected > 1000)
        withKnownIssue("cohort attempts include the breaker's rejections (never sent); fix in Simulation+Clients.swift") {
            #expect(experiment + control <= attempts, "cohorts \(experiment) + \(control), client \(attempts), rejected \(rejected)")
        }
    }
}
