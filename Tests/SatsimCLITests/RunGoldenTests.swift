import Foundation
import SatsimTestSupport
import Testing

/// The text and JSON that `satsim run` prints, kept as golden files (re-record with
/// `RECORD_SNAPSHOTS=1 swift test --filter RunGoldenTests`).
@Suite("satsim run output, golden")
struct RunGoldenTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    @Test("The text summary of a small run")
    func textSummary() throws {
        let file = try CLIHarness.scenarioFile(RunEndToEndTests.small, name: "small.yaml")
        let result = try CLIHarness.run(["run", file.path])
        #expect(result.status == 0)
        Golden.expect(result.stdout, named: "small-run.txt", in: Self.golden)
    }

    @Test("summary.json of a small run")
    func summaryJSON() throws {
        let file = try CLIHarness.scenarioFile(RunEndToEndTests.small, name: "small.yaml")
        let result = try CLIHarness.run(["run", file.path, "--format", "json"])
        #expect(result.status == 0)
        Golden.expect(result.stdout, named: "small-summary.json", in: Self.golden)
    }

    @Test("A bad scenario's diagnostics on standard error, exit code 2")
    func badScenario() throws {
        let text = RunEndToEndTests.small
            .replacingOccurrences(of: "workers: 4", with: "workers: 0")
            .replacingOccurrences(of: "target: api", with: "target: apx")
            .replacingOccurrences(of: "timeout: 500ms", with: "timout: 500ms")
        let file = try CLIHarness.scenarioFile(text, name: "bad.yaml")
        let result = try CLIHarness.run(["run", file.path])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        Golden.expect(result.stderr.replacingOccurrences(of: file.path, with: "bad.yaml"), named: "bad-run.txt", in: Self.golden)
    }
}
