import Foundation
import Testing

/// scenario-format.md, "EVENT": with a `share`, summary.json adds for each client
/// `cohorts: { experiment: {...}, control: {...} }` "with the client figures of each cohort", and
/// a client's `attempts` are "(sent, retries included)". An attempt the client's own circuit
/// breaker rejects is never sent (DESIGN.md, "Request and attempt": `rejected`, never sent), so
/// the two cohorts' attempts together can be no more than the client's.
///
/// The cohorts count as the client counts: `requests` created and `attempts` sent after warmup,
/// `successes` and `failures` of requests created after warmup. So the two cohorts add up to the
/// client's figures exactly. (The acceptance walk of session 19 found the cohorts counting every
/// try of a request, the breaker's rejections included: about twice the client's attempts here.)
@Suite("cohort attempts are attempts sent, like the client's")
struct CohortAttemptsEndToEndTests {
    /// The client `users` of a run of `scenario` and its two cohorts, from `run --format json`,
    /// after checking that each of `requests`, `attempts`, `successes` and `failures` of the two
    /// cohorts adds up to the client's (and, with `bothTakePart`, that neither cohort is empty).
    static func usersAndCohorts(_ scenario: String, bothTakePart: Bool = true) throws
        -> (users: [String: Any], experiment: [String: Any], control: [String: Any]) {
        let file = try CLIHarness.scenarioFile(scenario).path
        let output = try CLIHarness.run(["run", file, "--format", "json"])
        #expect(output.status == 0, "\(output.stderr)")
        let summary = try #require(JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let users = try #require((summary["clients"] as? [String: Any])?["users"] as? [String: Any])
        let cohorts = try #require(users["cohorts"] as? [String: Any])
        let experiment = try #require(cohorts["experiment"] as? [String: Any])
        let control = try #require(cohorts["control"] as? [String: Any])
        for figure in ["requests", "attempts", "successes", "failures"] {
            let client = try #require(users[figure] as? Int)
            let e = try #require(experiment[figure] as? Int), c = try #require(control[figure] as? Int)
            #expect(e + c == client, "\(figure): cohorts \(e) + \(c), client \(client)")
            if bothTakePart { #expect(e > 0 && c > 0, "\(figure): both cohorts take part") }
        }
        return (users, experiment, control)
    }

    @Test func cohortAttemptsLeaveOutTheBreakersRejections() throws {
        let (users, _, _) = try Self.usersAndCohorts("""
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

            """)
        // The breaker does reject here, so the scenario tells the tries apart from the attempts.
        let rejected = try #require((users["attempt_outcomes"] as? [String: Any])?["rejected"] as? Int)
        #expect(rejected > 1000)
    }

    @Test func cohortFiguresAddUpToTheClientsAfterAWarmup() throws {
        // With a warmup, a request created before it counts nowhere, and an attempt sent before it
        // counts nowhere either (a retry after it counts, as the client's does).
        let (_, experiment, control) = try Self.usersAndCohorts("""
            name: cohort-warmup
            description: Cohorts with a warmup, retries and a partial outage.
            duration: 90s
            warmup: 20s
            seed: 5
            clients:
              users:
                target: api
                arrival: { process: poisson, rate: 150/s }
                timeout: 200ms
                retry: { max_attempts: 3 }
            services:
              api: { instances: 2, workers: 8, service_time: { dist: exponential, mean: 20ms } }
            timeline:
              - { at: 10s, for: 40s, kind: errors, service: api, ratio: 0.6, share: 0.3 }

            """, bothTakePart: false)  // the control meets no error: it has no failures
        // The experiment cohort met the errors: more attempts per request than the control.
        let ea = try #require(experiment["amplification"] as? Double), ca = try #require(control["amplification"] as? Double)
        #expect(ea > ca)
    }
}
