import Foundation
import Testing

/// "No input, however extreme, traps, aborts, hangs or exhausts memory": a file that certainly
/// needs more counted events than the default event budget is refused at once (exit 2, at the
/// key), where it used to simulate for minutes until the budget stopped it (10^9 requests/s over
/// an hour: 100 s; probes every microsecond: 190 s, release build). With `--max-events` given,
/// the user asked for a run that stops at that budget: it runs, and exits 1 with the partial
/// results (scenario-format.md, exit codes: "1 the simulation ran but hit a limit").
@Suite struct EventBudgetEndToEndTests {
    static let flood = """
        name: flood
        description: a rate no run of an hour can reach the end of
        duration: 1h
        clients:
          users:
            target: api
            arrival: { process: poisson, rate: 1000000000/s }
        services:
          api:
            instances: 1
            workers: 4
            service_time: { dist: exponential, mean: 20ms }
            queue: { capacity: 100 }

        """

    @Test func runValidateCheckAndCompareRefuseAtTheRate() throws {
        let file = try HostilePlanTests.file(Self.flood)
        let phrase = "scenario.yaml:7:40: error: clients.users.arrival.rate: found 1000000000/s, which sends at least 2399981026334 requests over the run's 1h, more than the event budget of 2000000000 counted events"
        for command in ["run", "check", "compare", "explain"] {
            HostilePlanTests.expect(try HostilePlanTests.satsim([command, file]), 2, [phrase, "expected a rate <= 555555/s"])
        }
        HostilePlanTests.expect(try HostilePlanTests.satsim(["validate", file]), 2, [phrase], in: \.stdout)
    }

    @Test func anExplicitBudgetRunsToItAndStopsWithPartialResults() throws {
        let file = try HostilePlanTests.file(Self.flood)
        let out = try HostilePlanTests.folder()
        let outcome = try HostilePlanTests.satsim(["run", file, "--max-events", "20000", "--out", out])
        HostilePlanTests.expect(outcome, 1, ["the run stopped at", "after its event budget of 20000 events"])
        #expect(FileManager.default.fileExists(atPath: out + "/summary.json"))
    }

    /// A sweep runs its points, not the file as written: a file whose own rate is past the
    /// budget sweeps rates within it (it was refused at the file's rate), and is refused when
    /// nothing is varied (its one point is the file).
    @Test func aSweepChecksThePointsItRunsNotTheFile() throws {
        let file = try HostilePlanTests.file(Self.flood.replacingOccurrences(of: "duration: 1h", with: "duration: 10s"))
        let outcome = try HostilePlanTests.satsim(["sweep", file, "--out", try HostilePlanTests.folder(), "--replications", "1",
                                                   "--vary", "clients.users.arrival.rate=10/s,20/s"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let nothing = try HostilePlanTests.satsim(["sweep", file, "--out", try HostilePlanTests.folder("none"), "--replications", "1"])
        HostilePlanTests.expect(nothing, 2, ["clients.users.arrival.rate: found 1000000000/s", "more than the event budget"])
    }

    /// A sweep point past the budget is told at its --vary; the file's own rate is fine.
    @Test func aSweepPointPastTheBudgetIsToldAtItsVary() throws {
        let file = try HostilePlanTests.file(Self.flood.replacingOccurrences(of: "1000000000/s", with: "10/s"))
        let outcome = try HostilePlanTests.satsim(["sweep", file, "--out", try HostilePlanTests.folder(),
                                                   "--vary", "clients.users.arrival.rate=10/s,1000000000/s"])
        HostilePlanTests.expect(outcome, 2, ["--vary:1:", "clients.users.arrival.rate: found 1000000000/s", "more than the event budget"])
    }
}
