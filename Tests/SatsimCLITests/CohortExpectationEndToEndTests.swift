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
}
