import Foundation
import Testing

/// An `expect` on a cohort figure in a file whose timeline has no `share` is refused by every
/// command that loads the file (exit 2, located at the key), not first by `satsim check` after
/// a run ("no such figure in the summary").
@Suite("cohort figures in expect without a share are refused at load")
struct CohortExpectationEndToEndTests {
    @Test func validateRunAndCheckRefuseIt() throws {
        let file = try CLIHarness.scenarioFile("""
            name: no-share
            description: An errors fault on everyone, with an expectation on a cohort.
            duration: 5s
            clients:
              users: { target: api, arrival: { process: poisson, rate: 10/s } }
            services:
              api: { service_time: { dist: constant, value: 10ms } }
            timeline:
              - { at: 1s, for: 1s, kind: errors, service: api, ratio: 0.5 }
            expect:
              clients.users.cohorts.experiment.success_ratio: ">= 0.4"

            """).path
        let out = try CLIHarness.temporaryDirectory().appendingPathComponent("run").path
        for arguments in [["validate", file], ["run", file, "--out", out], ["check", file]] {
            let output = try CLIHarness.run(arguments)
            #expect(output.status == 2, "\(arguments[0]): \(output.stdout)\(output.stderr)")
            #expect((output.stdout + output.stderr).contains(":11:3: error: expect.clients.users.cohorts.experiment.success_ratio: "),
                    "\(arguments[0]): \(output.stdout)\(output.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// Every figure summary.json's cohorts hold can be expected (scenario-format.md: "In
    /// `expect`, paths name summary.json figures"), and a sweep stores each as a column: the
    /// cohorts' attempts and latency mean, p50, p90 and max were refused ("is not a client
    /// figure") and missing from runs.csv.
    @Test func everyCohortFigureInSummaryCanBeExpectedAndSwept() throws {
        let yaml = """
            name: cohort
            description: Errors on api's calls to db for a 5% experiment cohort.
            duration: 20s
            clients:
              users: { target: api, arrival: { process: poisson, rate: 200/s }, timeout: 2s }
            services:
              api: { instances: 2, workers: 50, service_time: { dist: constant, value: 5ms }, calls: [ { service: db, timeout: 300ms } ] }
              db: { instances: 2, workers: 50, service_time: { dist: constant, value: 5ms } }
            timeline:
              - { at: 5s, for: 10s, kind: errors, service: db, caller: api, ratio: 1.0, share: 0.05 }
            expect:
              clients.users.cohorts.experiment.attempts: ">= 100"
              clients.users.cohorts.control.latency.mean: "< 0.011"
              clients.users.cohorts.experiment.latency.p50: "< 0.011"
              clients.users.cohorts.control.latency.p90: "< 0.011"
              clients.users.cohorts.control.latency.max: "< 0.011"

            """
        let file = try CLIHarness.scenarioFile(yaml).path
        let check = try CLIHarness.run(["check", file])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("all 5 expectations hold"), "\(check.stdout)")
        let out = try CLIHarness.temporaryDirectory().appendingPathComponent("sweep").path
        let sweep = try CLIHarness.run(["sweep", file, "--vary", "timeline.0.share=0.05,0.1", "--replications", "1", "--out", out])
        #expect(sweep.status == 0, "\(sweep.stderr)")
        let header = try String(contentsOfFile: out + "/runs.csv", encoding: .utf8).split(separator: "\n").first.map(String.init) ?? ""
        for cohort in ["experiment", "control"] {
            for field in ["attempts", "latency.mean", "latency.p50", "latency.p90", "latency.max"] {
                #expect(header.contains("clients.users.cohorts.\(cohort).\(field)"), "\(cohort).\(field): \(header)")
            }
        }
    }
}
