import Foundation
@testable import SatsimCLI
import SatsimModel
import Testing

/// The simulated time on `satsim run`'s progress line follows the story's one rule for a time in
/// the run (the second it falls in, never rounded up to a time the run did not reach): a run
/// stopped at 129.78 s printed "run: 2m10s simulated" on standard error above a story that says
/// "The run stopped at 2m09s".
@Suite("The progress line's simulated time agrees with the story")
struct ProgressTimeTests {
    @Test("A final line truncates simulated time to its second", arguments: [
        (59.7, 0, "run: 59s simulated in "),
        (129.78, 0, "run: 2m09s simulated in "),
        (9.96, 0, "run: 9s simulated in "),
        // A story whose metrics interval is 500 ms prints times to a tenth, truncated too.
        (9.96, 1, "run: 9.9s simulated in "),
        (3600, 0, "run: 1h00m00s simulated in "),
    ])
    func finalLine(reached: Double, decimals: Int, expected: String) {
        let progress = ProgressReporter(label: "run", total: 3600, unit: .simulatedSeconds(clockDecimals: decimals), interactive: false)
        progress.update(to: reached)
        let line = progress.line(now: Date(), final: true)
        #expect(line.hasPrefix(expected), "\(line)")
    }

    @Test("The bar's done and total follow the same rule")
    func barLine() {
        let progress = ProgressReporter(label: "run", total: 60, unit: .simulatedSeconds(), interactive: false)
        progress.update(to: 59.7)
        let line = progress.line(now: Date(), final: false)
        #expect(line.contains(" 59s/1m00s simulated "), "\(line)")
    }

    /// The last progress report comes after the last chunk of events, before the clock is moved
    /// to the run's end: the final line takes the end it is given.
    @Test("finish(reached:) ends the line at the run's end")
    func finishReached() {
        let progress = ProgressReporter(label: "run", total: 360, unit: .simulatedSeconds(), interactive: false)
        progress.update(to: 359.9995)
        #expect(progress.line(now: Date(), final: true).hasPrefix("run: 5m59s simulated"))
        progress.finish(reached: 360)
        #expect(progress.line(now: Date(), final: true).hasPrefix("run: 6m00s simulated"))
    }

    @Test("A run stopped at a limit: the progress line and the story name the same second")
    func stoppedRunAgrees() throws {
        let result = try CLIHarness.run(
            ["run", "Scenarios/retry-storm.yaml", "--max-events", "200000"], currentDirectory: CLIHarness.root, timeout: 300)
        #expect(result.status == 1, "\(result.stderr)")
        let text = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard let story = text.firstMatch(of: /The run stopped at ([0-9hms]+), at a limit/),
              let progress = result.stderr.firstMatch(of: /run: ([0-9hms]+) simulated in/)
        else {
            Issue.record("no stop sentence or progress line in: \(text)\n\(result.stderr)")
            return
        }
        #expect(story.1 == progress.1, "story \(story.0), progress \(progress.0)")
    }
}

/// The command line asks for the early stop at the run's pace only with the default budget: a
/// `--max-events` given is a request to run until that budget (as it turns off the refusal of a
/// file that certainly needs more, `RunLimitOptions.eventBudgetCheck`).
@Suite struct EarlyStopFlagTests {
    @Test func theDefaultBudgetStopsEarlyAndAGivenOneDoesNot() throws {
        let defaults = try RunLimitOptions.parse([])
        #expect(defaults.limits.stopEarlyOverBudget)
        #expect(defaults.limits.maxEvents == RunLimits().maxEvents)
        let given = try RunLimitOptions.parse(["--max-events", "2000000000"])
        #expect(!given.limits.stopEarlyOverBudget)
        #expect(given.limits.maxEvents == 2_000_000_000)
    }
}

/// A run a limit stopped within its first second (health probes every microsecond that restart
/// the instances): the progress line said "0s simulated ... (0.0x real time)" and the header
/// "1h simulated" of a run that reached 10 ms.
@Suite("A run stopped within its first second")
struct SubSecondStopTests {
    @Test("The final line shows milliseconds and a rate above nothing")
    func subSecondFinalLine() {
        let progress = ProgressReporter(label: "run", total: 3600, unit: .simulatedSeconds(clockDecimals: 0), interactive: false)
        progress.update(to: 0.009999996)
        let line = progress.line(now: Date(), final: true)
        #expect(line.hasPrefix("run: 0.009s simulated in "), "\(line)")
        #expect(!line.contains("(0.0x"), "\(line)")
    }

    @Test("Small rates keep two significant digits", arguments: [
        (0.016, "0.016"), (0.0000021, "0.0000021"), (0.1, "0.1"), (3.14, "3.1"), (250.4, "250"), (0, "0.0"),
    ])
    func decimals(value: Double, expected: String) {
        #expect(ProgressReporter.decimal(value) == expected)
    }
}
