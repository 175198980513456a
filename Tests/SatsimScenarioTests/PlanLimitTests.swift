import SatsimScenario
import Testing

/// ``PlanLimits``: the sizes of sweep grids and chaos searches, counted exactly and without
/// overflow, so that a plan is refused before it is built (scenario-format.md, "CHAOS":
/// "combinations of 1..max_together faults"; "sweep: every combination of the listed values").
@Suite struct PlanLimitTests {
    /// sum over k = 1...K of C(n, k), from Pascal's triangle: the exact reference.
    static func pascal(_ n: Int, upTo size: Int) -> Int {
        var row = [1]
        for _ in 0..<n { row = zip(row + [0], [0] + row).map(+) }
        return (1...min(size, n)).reduce(0) { $0 + row[$1] }
    }

    @Test func combinationsAreExact() {
        for n in 1...30 {
            for k in 1...10 {
                #expect(PlanLimits.combinations(of: n, upTo: k, cap: Int.max) == Self.pascal(n, upTo: k), "n \(n), k \(k)")
            }
        }
        // The sizes the issue notes name: 10 faults taken up to 3 together are 175 combinations,
        // with the baseline the 176 points of "176 runs in 2.0 s".
        #expect(PlanLimits.combinations(of: 10, upTo: 3, cap: Int.max) == 175)
        #expect(PlanLimits.combinations(of: 0, upTo: 3, cap: 10) == 0)
    }

    @Test func countsPastTheCapAreNilNotOverflowed() {
        // C(60, <= 10) is about 9.0e10 and C(1000, <= 10) about 2.6e23, past Int64.
        #expect(PlanLimits.combinations(of: 60, upTo: 10, cap: PlanLimits.maximumPoints) == nil)
        #expect(PlanLimits.combinations(of: 1_000_000, upTo: 10, cap: Int.max) == nil)
        #expect(PlanLimits.combinations(of: 30, upTo: 2, cap: PlanLimits.maximumPoints) == 465)
        #expect(PlanLimits.product([100_000, 100_000], cap: PlanLimits.maximumPoints) == nil)
        #expect(PlanLimits.product([Int.max, 2], cap: Int.max) == nil)
        #expect(PlanLimits.product([10, 10, 1000], cap: PlanLimits.maximumPoints) == 100_000)
        #expect(PlanLimits.product([], cap: 1) == 1)
    }

    @Test func theLimitsAreInclusive() {
        #expect(PlanLimits.excess(points: PlanLimits.maximumPoints, replications: 10) == nil)
        #expect(PlanLimits.excess(points: PlanLimits.maximumPoints + 1, replications: 1) == "at most 100000 points")
        #expect(PlanLimits.excess(points: 10, replications: 100_000) == nil)
        #expect(PlanLimits.excess(points: 11, replications: 100_000) == "at most 1000000 runs (points x replications)")
        #expect(PlanLimits.excess(points: nil, replications: 1, noun: "combinations") == "at most 100000 combinations")
    }
}
