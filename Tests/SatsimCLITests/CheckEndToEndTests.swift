import Foundation
import SatsimScenario
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

    @Test("An outcome list passes when one matches and fails when none does; != likewise")
    func outcomeListAndNotEqual() throws {
        let passing = try CLIHarness.scenarioFile(Self.scenario(expect: """
            expect:
              outcome: [recovered, stable]
              clients.users.failures: "!= 1000000"
            """))
        let pass = try CLIHarness.run(["check", passing.path])
        #expect(pass.status == 0, "stdout: \(pass.stdout)\nstderr: \(pass.stderr)")
        #expect(pass.stdout.contains("  PASS outcome in [recovered, stable] (was stable)\n"))
        let failing = try CLIHarness.scenarioFile(Self.scenario(expect: """
            expect:
              outcome: [recovered, metastable]
            """))
        let fail = try CLIHarness.run(["check", failing.path])
        #expect(fail.status == 1, "stdout: \(fail.stdout)")
        #expect(fail.stdout.contains("  FAIL outcome in [recovered, metastable] (was stable)\n"))
        let notEqual = try CLIHarness.scenarioFile(Self.scenario(expect: """
            expect:
              outcome: "!= stable"
            """))
        let ne = try CLIHarness.run(["check", notEqual.path])
        #expect(ne.status == 1, "stdout: \(ne.stdout)")
        #expect(ne.stdout.contains("  FAIL outcome != stable (was stable)\n"))
    }

    @Test("A misspelt outcome in a list is bad input, located, with a did-you-mean: exit 2")
    func badOutcomeInList() throws {
        let file = try CLIHarness.scenarioFile(Self.scenario(expect: """
            expect:
              outcome: [recovered, stabel]
            """))
        let result = try CLIHarness.run(["check", file.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("expect.outcome.1: found stabel"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("did you mean 'stable'?"), "stderr: \(result.stderr)")
    }

    /// The small scenario with a variant that leaves one worker for 100 requests/s of 10 ms each:
    /// utilization 1, an overloaded service.
    static func withVariants(_ expect: String) -> String {
        scenario(expect: """
            variants:
              one-worker: { services.api.workers: 1 }
              two-workers: { services.api.workers: 2 }
            \(expect)
            """)
    }

    @Test("Without --variant: the base block, then a block per variant with its own, each run; exit 0")
    func variantBlocks() throws {
        let file = try CLIHarness.scenarioFile(Self.withVariants("""
            expect:
              outcome: stable
              services.api.utilization: "< 0.5"
              variants:
                one-worker:
                  outcome: "!= stable"
                  services.api.utilization: "> 0.9"
            """))
        let result = try CLIHarness.run(["check", file.path])
        #expect(result.status == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "\(file.path) (seed 5)")
        #expect(lines.contains("\(file.path): PASS, all 2 expectations hold"))
        let start = try #require(lines.firstIndex(of: "\(file.path) --variant one-worker (seed 5)"), "\(result.stdout)")
        #expect(lines[start + 1].hasPrefix("  PASS outcome != stable (was "))
        #expect(lines[start + 2].hasPrefix("  PASS services.api.utilization > 0.9 (was "))
        #expect(lines.last == "\(file.path) --variant one-worker: PASS, all 2 expectations hold")
        // two-workers has no block of its own: it is not run.
        #expect(!result.stdout.contains("two-workers"))
    }

    @Test("A failing variant block fails the file although the base holds: exit 1")
    func failingVariantBlock() throws {
        let file = try CLIHarness.scenarioFile(Self.withVariants("""
            expect:
              outcome: stable
              variants:
                one-worker: { outcome: stable }
            """))
        let result = try CLIHarness.run(["check", file.path])
        #expect(result.status == 1, "stdout: \(result.stdout)")
        #expect(result.stdout.contains("\(file.path): PASS, its 1 expectation holds\n"))
        #expect(result.stdout.contains("\(file.path) --variant one-worker: FAIL, 1 of 1 expectation failed\n"))
    }

    @Test("--variant checks that variant's own block, or the base block when it has none")
    func variantFlag() throws {
        let file = try CLIHarness.scenarioFile(Self.withVariants("""
            expect:
              services.api.utilization: "< 0.5"
              variants:
                one-worker: { services.api.utilization: "> 0.9" }
            """))
        let own = try CLIHarness.run(["check", file.path, "--variant", "one-worker"])
        #expect(own.status == 0, "stdout: \(own.stdout)")
        #expect(own.stdout.hasPrefix("\(file.path) --variant one-worker (seed 5)\n  PASS services.api.utilization > 0.9 (was "))
        #expect(!own.stdout.contains("< 0.5"))
        // two-workers: utilization about 0.5 against the base's "< 0.5" ... whichever way it falls,
        // the line shows the base block was used.
        let fallback = try CLIHarness.run(["check", file.path, "--variant", "two-workers"])
        #expect(fallback.stdout.hasPrefix("\(file.path) --variant two-workers (seed 5)\n"), "stdout: \(fallback.stdout)")
        #expect(fallback.stdout.contains(" services.api.utilization < 0.5 (was "))
    }

    @Test("A file with only variant blocks runs only those")
    func onlyVariantBlocks() throws {
        let file = try CLIHarness.scenarioFile(Self.withVariants("""
            expect:
              variants:
                one-worker: { services.api.utilization: "> 0.9" }
            """))
        let result = try CLIHarness.run(["check", file.path])
        #expect(result.status == 0, "stdout: \(result.stdout)")
        #expect(result.stdout.hasPrefix("\(file.path) --variant one-worker (seed 5)\n"))
    }

    @Test("An unknown variant in expect.variants is bad input with a did-you-mean: exit 2")
    func unknownVariantBlock() throws {
        let file = try CLIHarness.scenarioFile(Self.withVariants("""
            expect:
              variants:
                one-wroker: { outcome: overloaded }
            """))
        let result = try CLIHarness.run(["check", file.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("expect.variants.one-wroker: no variant named 'one-wroker'"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("did you mean 'one-worker'?"), "stderr: \(result.stderr)")
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
    /// teaching it (issue 7: "`satsim check Scenarios/*.yaml` passes, and the test suite runs it";
    /// issue 9: the library holds at least 14 scenarios).
    @Test("satsim check passes on every shipped scenario")
    func shippedScenariosHoldTheirExpectations() throws {
        let folder = CLIHarness.root.appendingPathComponent("Scenarios")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".yaml") }.sorted().map { folder.appendingPathComponent($0).path }
        #expect(files.count >= 14)
        let result = try CLIHarness.run(["check"] + files)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        // Every file states its lesson, and every variant its own: each is run and checked.
        for file in files {
            let spec = try ScenarioLoader.load(file: file)
            #expect(!spec.expectations.isEmpty, "\(file) has no `expect`")
            #expect(Set(spec.variantExpectations.map(\.variant)) == Set(spec.variants.map(\.name)), "\(file): a variant without expectations")
            #expect(result.stdout.contains("\(file): PASS, "), "\(file)")
            for variant in spec.variants {
                #expect(result.stdout.contains("\(file) --variant \(variant.name): PASS, "), "\(file) --variant \(variant.name)")
            }
        }
    }
}
