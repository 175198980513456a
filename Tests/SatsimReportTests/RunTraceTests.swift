import SatsimCore
import SatsimModel
import SatsimReport
import Testing

/// Every run of `compare --out` and `explain --out` keeps its ``RunTrace`` until the report is
/// drawn; at full resolution 100 runs of a day at 1 s intervals with 13 clients held 2 GB. A
/// trace keeps at most ``RunTrace/maximumPoints`` points, in groups of consecutive intervals
/// whose figures are exact where they can be (goodput: the group's successes over its width)
/// and an upper envelope where they cannot (p99: the largest of the group's).
@Suite("Run traces are bounded and keep their totals")
struct RunTraceTests {
    @Test func aLongRunIsReadInGroupsThatKeepItsSuccesses() throws {
        var spec = ReportFixture.small()
        // 30 s at 10 ms: 3,000 intervals, read in groups of 2.
        spec.metricsInterval = SimTime(seconds: 0.01)
        let result = Simulation(spec: spec).run()
        let trace = RunTrace(result: result)
        let series = result.timeSeries
        let times = try #require(series.column("time"))
        let successes = try #require(series.column("clients.users.successes"))
        let p99 = try #require(series.column("clients.users.latency_p99"))
        #expect(times.count == 3_000)
        #expect(trace.ends.count == 1_500)
        #expect(trace.ends.count <= RunTrace.maximumPoints)
        #expect(trace.ends.last == times.last)
        let users = try #require(trace.clients.first)
        for g in trace.ends.indices {
            let (a, b) = (2 * g, 2 * g + 1)
            #expect(trace.ends[g] == times[b])
            let width = times[b] - (a == 0 ? 0 : times[a - 1])
            // Integer counts over a width of 20 ms: exact up to the rounding of one division.
            #expect(abs(users.goodput[g] * width - (successes[a] + successes[b])) < 1e-9)
            let timed = [a, b].filter { successes[$0] > 0 }.map { p99[$0] }
            if let highest = timed.max() {
                #expect(users.p99[g] == highest)
            } else {
                #expect(users.p99[g].isNaN)
            }
        }
    }

    /// All the traces of one command together: 500 runs of 500 clients at 2,000 points would
    /// be 8 GB; each trace then keeps fewer points (50 at least), and a few runs keep 2,000.
    @Test func manyTracesShareOneBudget() {
        #expect(RunTrace.points(runs: 10, clients: 1) == RunTrace.maximumPoints)
        #expect(RunTrace.points(runs: 500, clients: 500) == 50)
        // 100 runs of 20 clients: 20,000,000 / (100 x 41) = 4878 > 2000; 1000 runs: 487.
        #expect(RunTrace.points(runs: 100, clients: 20) == 2_000)
        #expect(RunTrace.points(runs: 1_000, clients: 20) == 487)
        var spec = ReportFixture.small()
        spec.metricsInterval = SimTime(seconds: 0.01)
        let trace = RunTrace(result: Simulation(spec: spec).run(), points: 100)
        // 3,000 intervals in groups of 30.
        #expect(trace.ends.count == 100)
        #expect(trace.clients.allSatisfy { $0.goodput.count == 100 && $0.p99.count == 100 })
    }

    @Test func aShortRunKeepsEveryInterval() {
        let result = Simulation(spec: ReportFixture.small()).run()
        let trace = RunTrace(result: result)
        #expect(trace.ends == result.timeSeries.column("time"))
    }
}
