import CGSL
import SatsimAnalysis
import SatsimCore
import SatsimModel
import SatsimScenario
import Testing
@testable import SatsimSweep

/// The acceptance region of a count of covering intervals: X ~ Binomial(trials, level) lies in
/// it with probability at least 1 - alpha (alpha / 2 cut from each tail, GSL's binomial CDF),
/// so a correct interval fails the check about once in 1 / alpha runs of a different seed, and
/// one whose real coverage is far from `level` fails it.
func coverageBounds(trials: Int, level: Double, alpha: Double = 0.002) -> ClosedRange<Int> {
    GSL.prepare()
    var low = 0
    while low < trials, gsl_cdf_binomial_P(UInt32(low), level, UInt32(trials)) < alpha / 2 { low += 1 }
    var high = trials
    while high > 0, gsl_cdf_binomial_Q(UInt32(high - 1), level, UInt32(trials)) < alpha / 2 { high -= 1 }
    return low...high
}

@Suite("Wilson score intervals")
struct WilsonIntervalTests {
    /// Values of Wilson's formula (E. B. Wilson, JASA 22, 1927, 209-212) at z = 1.959964,
    /// computed independently (Python, double precision); 3/10 gives [0.108, 0.603] as in the
    /// tables of Newcombe, Statistics in Medicine 17 (1998), 857-872, method 3.
    @Test(arguments: [(0, 10, 0.0, 0.2775327998628892), (3, 10, 0.10779126740630099, 0.6032218525388546),
                      (10, 10, 0.7224672001371107, 1.0), (50, 100, 0.4038315303659956, 0.5961684696340044)])
    func theIntervalIsWilsons(k: Int, n: Int, low: Double, high: Double) throws {
        let w = try #require(WilsonInterval(successes: k, trials: n))
        #expect(abs(w.low - low) < 1e-12)
        #expect(abs(w.high - high) < 1e-12)
        #expect(w.proportion == Double(k) / Double(n))
    }

    @Test func noTrialsGiveNoInterval() {
        #expect(WilsonInterval(successes: 0, trials: 0) == nil)
    }

    /// 200 independent experiments of 40 Bernoulli(0.3) trials: the 95% interval covers 0.3 in a
    /// count consistent with Binomial(200, 0.95).
    @Test func coversAKnownProbabilityNinetyFivePercentOfTheTime() {
        let stream = RandomStream(seed: 2027)
        let p = 0.3
        var covered = 0
        for _ in 0..<200 {
            let k = Int(gsl_ran_binomial(stream.gsl, p, 40))
            guard let w = WilsonInterval(successes: k, trials: 40) else { continue }
            if w.low <= p && p <= w.high { covered += 1 }
        }
        let bounds = coverageBounds(trials: 200, level: 0.95)
        #expect(bounds.contains(covered), "covered \(covered) of 200, expected within \(bounds)")
    }
}

@Suite("Point summaries: Student-t intervals on simulated M/M/1")
struct MM1CoverageTests {
    /// M/M/1 at rho = 0.5: lambda = 50/s, mu = 100/s. The mean time in queue is
    /// Wq = rho / (mu - lambda) = 0.01 s (Kleinrock, Queueing Systems vol. 1, 1975, eq. 3.26's
    /// W minus 1/mu). Each run measures 30 s (about 1500 customers) after 5 s of warmup: the queue forgets its empty
    /// start within a fraction of a second, and the ratio estimator's bias is far below the
    /// interval's width.
    static let scenario = """
        name: mm1
        description: One server, Poisson arrivals, exponential service, utilisation one half.
        duration: 35s
        warmup: 5s
        seed: 11
        clients:
          users:
            target: server
            arrival: { process: poisson, rate: 50/s }
        services:
          server:
            instances: 1
            workers: 1
            service_time: { dist: exponential, mean: 10ms }
        """

    /// 200 points, each 5 replications on seeds derived as a sweep derives them; the t interval
    /// of each point's mean wait covers Wq in a count consistent with Binomial(200, 0.95).
    @Test func theMeanWaitIntervalCoversTheAnalyticValueNinetyFivePercentOfTheTime() throws {
        let spec = try ScenarioLoader.parse(text: Self.scenario, file: "mm1.yaml")
        let plan = SweepPlan.grid(
            scenario: "mm1", seed: 11, axes: [SweepAxis(path: "description", values: (0..<200).map { "point \($0)" })],
            replications: 5, figures: SweepFigure.all(for: spec))
        let wait = try #require(plan.figures.firstIndex { $0.path == "services.server.mean_wait" })
        let runs = plan.allRuns
        let records = ParallelRunner.orderedMap(count: runs.count, jobs: 2) { index in
            RunRecord.simulate(spec: spec, key: runs[index], seed: plan.seed(of: runs[index]), figures: plan.figures,
                               limits: RunLimits())
        }
        let byPoint = Dictionary(grouping: records, by: \.key.point)
        let wq = 0.5 / (100.0 - 50.0)
        var covered = 0
        for point in plan.points.indices {
            let summary = PointSummary(point: point, values: [], records: byPoint[point] ?? [], figureCount: plan.figures.count)
            let interval = try #require(summary.figures[wait])
            let half = try #require(interval.halfWidth)
            if abs(interval.mean - wq) <= half { covered += 1 }
        }
        let bounds = coverageBounds(trials: 200, level: 0.95)
        #expect(bounds.contains(covered), "covered \(covered) of 200, expected within \(bounds)")
    }

    @Test func outcomesAreCountedAndSharedOverJudgedRunsOnly() throws {
        func record(_ r: Int, _ outcome: String?, limit: String? = nil) -> RunRecord {
            RunRecord(key: RunKey(point: 0, replication: r), seed: UInt64(r), outcome: outcome, limit: limit, values: [Double(r), nil])
        }
        let summary = PointSummary(point: 0, values: ["x"], records: [
            record(3, "metastable"), record(0, "recovered"), record(1, "metastable"), record(2, nil, limit: "events"),
        ], figureCount: 2)
        #expect(summary.runs == 4)
        #expect(summary.stoppedAtLimit == 1)
        let share = try #require(summary.share(of: .metastable))
        #expect(share.successes == 2 && share.trials == 3)
        #expect(summary.outcomes.first { $0.outcome == "recovered" }?.count == 1)
        #expect(summary.figures[0]?.mean == 1.5)
        #expect(summary.figures[1] == nil)
    }
}
