import Foundation
import Testing

/// A sweep's `runs` table has "a column per varied path and per summary figure"
/// (scenario-format.md). When a fault has a `share`, summary.json's clients have `cohorts`, and
/// their figures are what a chaos experiment is judged on (Netflix's ChAP compares the
/// experiment and control populations: Basiri et al., ICSE-SEIP 2019), so a sweep of the
/// experiment's share or of its retries must store them: they were missing, and a sweep of
/// `share` could not say whether the harm left the cohort.
@Suite("Sweeps store the cohort figures of a chaos experiment")
struct SweepCohortFigureTests {
    static let scenario = """
        name: cohort-sweep
        description: An experiment cohort on one edge, swept.
        duration: 30s
        warmup: 5s
        seed: 3
        clients:
          users:
            target: api
            arrival: { process: poisson, rate: 100/s }
            timeout: 1s
            retry: { max_attempts: 2 }
        services:
          api:
            instances: 2
            workers: 8
            service_time: { dist: exponential, mean: 5ms }
            calls: [ { service: db, timeout: 200ms } ]
          db:
            instances: 2
            workers: 8
            service_time: { dist: exponential, mean: 5ms }
        timeline:
          - { at: 10s, for: 10s, kind: errors, service: db, caller: api, ratio: 0.5, share: 0.3 }

        """

    /// The figures `expect` can test under `clients.NAME.cohorts` (docs/scenario-reference.md).
    static let cohortFigures = ["requests", "successes", "failures", "success_ratio", "goodput_per_s", "amplification", "latency.p99"]

    static func rows(_ csv: String) -> [[String: String]] {
        let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first else { return [] }
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    @Test("each cohort figure of runs.csv is summary.json's for the same run")
    func cohortColumnsMatchTheSummary() throws {
        let file = try CLIHarness.scenarioFile(Self.scenario)
        let out = try CLIHarness.temporaryDirectory().appendingPathComponent("sweep")
        let sweep = try CLIHarness.run(["sweep", file.path, "--vary", "timeline.0.share=0.3,0.6", "--replications", "1",
                                        "--jobs", "1", "--out", out.path], timeout: 600)
        #expect(sweep.status == 0, "\(sweep.stderr)")
        let runs = Self.rows(try String(contentsOf: out.appendingPathComponent("runs.csv"), encoding: .utf8))
        #expect(runs.count == 2)
        for row in runs {
            let share = try #require(row["timeline.0.share"]), seed = try #require(row["seed"])
            // The same run alone: the sweep's seed and value given to `run`.
            let run = try CLIHarness.run(["run", file.path, "--seed", seed, "--set", "timeline.0.share=\(share)", "--format", "json"],
                                         timeout: 600)
            #expect(run.status == 0, "\(run.stderr)")
            // summary.json's number text, read in place: Foundation's JSON parser on Linux can
            // be an ulp off, and both writers print the shortest text that reads back exactly.
            let cohorts = try #require(run.stdout.range(of: "\"cohorts\""))
            for cohort in ["experiment", "control"] {
                let block = try #require(run.stdout.range(of: "\"\(cohort)\"", range: cohorts.upperBound..<run.stdout.endIndex))
                for name in Self.cohortFigures {
                    let column = "clients.users.cohorts.\(cohort).\(name)"
                    let stored = try #require(row[column], "runs.csv has no column \(column)")
                    var from = block.upperBound
                    for key in name.split(separator: ".") {
                        from = try #require(run.stdout.range(of: "\"\(key)\": ", range: from..<run.stdout.endIndex)).upperBound
                    }
                    let text = run.stdout[from...].prefix { $0 != "," && $0 != "\n" }
                    #expect(stored == text, "\(column) at share \(share): \(stored) against summary.json's \(text)")
                }
            }
        }
        // points.csv summarises them like any figure.
        let header = try String(contentsOf: out.appendingPathComponent("points.csv"), encoding: .utf8).prefix { $0 != "\n" }
        #expect(header.contains("clients.users.cohorts.control.success_ratio_mean"))
    }

    @Test("with the share's event switched off the columns stay, empty; without a share there are none")
    func columnsWithoutCohorts() throws {
        let file = try CLIHarness.scenarioFile(Self.scenario)
        let out = try CLIHarness.temporaryDirectory().appendingPathComponent("sweep")
        let sweep = try CLIHarness.run(["sweep", file.path, "--vary", "timeline.0.enabled=false,true", "--replications", "1",
                                        "--jobs", "1", "--out", out.path], timeout: 600)
        #expect(sweep.status == 0, "\(sweep.stderr)")
        let runs = Self.rows(try String(contentsOf: out.appendingPathComponent("runs.csv"), encoding: .utf8))
        let off = try #require(runs.first { $0["timeline.0.enabled"] == "false" })
        let on = try #require(runs.first { $0["timeline.0.enabled"] == "true" })
        #expect(off["clients.users.cohorts.experiment.requests"] == "")
        #expect(Double(on["clients.users.cohorts.experiment.requests"] ?? "") ?? 0 > 0)

        let plain = try CLIHarness.scenarioFile(Self.scenario.replacingOccurrences(of: ", share: 0.3", with: ""))
        let plainOut = try CLIHarness.temporaryDirectory().appendingPathComponent("sweep")
        let second = try CLIHarness.run(["sweep", plain.path, "--vary", "timeline.0.ratio=0.5", "--replications", "1",
                                         "--out", plainOut.path], timeout: 600)
        #expect(second.status == 0, "\(second.stderr)")
        let header = try String(contentsOf: plainOut.appendingPathComponent("runs.csv"), encoding: .utf8).prefix { $0 != "\n" }
        #expect(!header.contains("cohorts"))
    }
}
