import Foundation
import SatsimTestSupport
import Testing

/// `satsim check` as a user runs it: expectations printed one per line, exit codes 0, 1 and 2.
@Suite("satsim check, end to end")
struct CheckEndToEndTests {
    /// A small steady scenario (well under a second in a debug build) with `expect` appended.
    static func scenario(expect: String) -> String {
        """
        name: small-check
        description: One small service under steady load, well within its capacity.
        duration: 20s
        warmup: 2s
        seed: 5
        clients:
          users:
            target: api
            arrival: { process: poisson, rate: 100/s }
            timeout: 500ms
        services:
          api:
            instances: 1
            workers: 4
            service_time: { dist: exponential, mean: 10ms }
        \(expect)
        """
    }

    static let holding = scenario(expect: """
        expect:
          outcome: stable
          clients.users.goodput_per_s: ">= 80"
          services.api.utilization: "< 0.5"
        """)

    @Test("Every expectation holds: PASS lines, the file's verdict, exit 0")
    func allHold() throws {
        let file = try CLIHarness.scenarioFile(Self.holding)
        let result = try CLIHarness.run(["check", file.path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "\(file.path) (seed 5)")
        #expect(lines.contains("  PASS outcome stable (was stable)"))
        #expect(lines.contains { $0.hasPrefix("  PASS clients.users.goodput_per_s >= 80 (was ") })
        #expect(lines.contains { $0.hasPrefix("  PASS services.api.utilization < 0.5 (was 0.") })
        #expect(lines.last == "\(file.path): PASS, all 3 expectations hold")
    }

    @Test("A failing expectation: a FAIL line with the value found, exit 1")
    func oneFails() throws {
        let file = try CLIHarness.scenarioFile(Self.scenario(expect: """
            expect:
              outcome: metastable
              clients.users.goodput_per_s: ">= 80"
              recovery_time: "<= 60"
            """))
        let result = try CLIHarness.run(["check", file.path])
        #expect(result.status == 1, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        #expect(result.stdout.contains("  FAIL outcome metastable (was stable)\n"))
        #expect(result.stdout.contains("  PASS clients.users.goodput_per_s >= 80"))
        #expect(result.stdout.contains("  FAIL recovery_time <= 60 (no value in this run)\n"))
        #expect(result.stdout.contains("\(file.path): FAIL, 2 of 3 expectations failed"))
    }

    @Test("--set and --seed apply before the check: raising the load past capacity fails it")
    func overridesApply() throws {
        let file = try CLIHarness.scenarioFile(Self.holding)
        let result = try CLIHarness.run(["check", file.path, "--seed", "9", "--set", "services.api.workers=1"])
        #expect(result.status == 1, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        #expect(result.stdout.hasPrefix("\(file.path) (seed 9)\n"))
        #expect(result.stdout.contains("  FAIL services.api.utilization < 0.5 (was "))
    }

    @Test("An expect path that names no summary figure is bad input: exit 2, with a did-you-mean")
    func badExpectPath() throws {
        let file = try CLIHarness.scenarioFile(Self.scenario(expect: """
            expect:
              clients.users.goodput_per_sec: ">= 80"
            """))
        let result = try CLIHarness.run(["check", file.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("goodput_per_s"), "stderr: \(result.stderr)")
        #expect(result.stdout.contains("\(file.path): bad input, not checked"))
    }

    @Test("A bad file does not stop the others from being checked; bad input wins: exit 2")
    func badFileAmongGood() throws {
        let good = try CLIHarness.scenarioFile(Self.holding)
        let result = try CLIHarness.run(["check", "/nonexistent/scenario.yaml", good.path])
        #expect(result.status == 2)
        #expect(result.stdout.contains("\(good.path): PASS, all 3 expectations hold"))
    }

    @Test("An unknown variant is bad input: exit 2")
    func unknownVariant() throws {
        let file = try CLIHarness.scenarioFile(Self.holding)
        let result = try CLIHarness.run(["check", file.path, "--variant", "nope"])
        #expect(result.status == 2)
        #expect(!result.stderr.isEmpty)
    }

    @Test("A file without expect is not run, says so, and passes")
    func noExpectations() throws {
        let file = try CLIHarness.scenarioFile(Self.scenario(expect: ""))
        let result = try CLIHarness.run(["check", file.path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == "\(file.path) (seed 5): no `expect` entries, nothing to check (not run)\n")
    }

    @Test("A run that stops at a limit fails the file whatever its partial figures: exit 1")
    func limitFails() throws {
        let file = try CLIHarness.scenarioFile(Self.holding)
        let result = try CLIHarness.run(["check", file.path, "--max-events", "200"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("  FAIL the run stopped at a limit"), "stdout: \(result.stdout)")
        #expect(result.stdout.contains("the run stopped at a limit\n"))
    }

    @Test("No file is a usage error: exit 2")
    func noFile() throws {
        let result = try CLIHarness.run(["check"])
        #expect(result.status == 2)
    }

    @Test("Two files, one passing and one failing, golden (re-record with RECORD_SNAPSHOTS=1)")
    func outputGolden() throws {
        let good = try CLIHarness.scenarioFile(Self.holding, name: "good.yaml")
        let bad = try CLIHarness.scenarioFile(Self.scenario(expect: """
            expect:
              outcome: metastable
              clients.users.latency.p99: "<= 0.01"
              recovery_time: "<= 60"
            """), name: "failing.yaml")
        let result = try CLIHarness.run(["check", good.path, bad.path])
        #expect(result.status == 1)
        let text = result.stdout.replacingOccurrences(of: good.path, with: "good.yaml")
            .replacingOccurrences(of: bad.path, with: "failing.yaml")
        Golden.expect(text, named: "small-check.txt", in: RunGoldenTests.golden)
    }

    /// A shipped scenario's `expect` block states its lesson: the teaching library must keep
    /// teaching it (issue 7: "`satsim check Scenarios/*.yaml` passes, and the test suite runs it").
    @Test("satsim check passes on every shipped scenario")
    func shippedScenariosHoldTheirExpectations() throws {
        let folder = CLIHarness.root.appendingPathComponent("Scenarios")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".yaml") }.sorted().map { folder.appendingPathComponent($0).path }
        #expect(files.count >= 7)
        let result = try CLIHarness.run(["check"] + files)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
    }
}
