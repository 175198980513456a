/// The largest plans `satsim sweep` and `satsim chaos` accept, counted before any of them is
/// built, so that a grid or a combination count that would take years or fill memory is refused
/// with a message instead of being allocated.
///
/// A point is one setting of the scenario (a grid point, a combination of faults); a run is one
/// replication of a point. A plan holds one small record per run and one loaded scenario per
/// point, so memory grows with both; `--shard` splits the runs of a plan, not its size.
public enum PlanLimits {
    /// The most points of one plan (the same bound as a `--vary` range's N).
    public static let maximumPoints = 100_000
    /// The most runs (points x replications) of one plan.
    public static let maximumRuns = 1_000_000

    /// The product of `factors`, or nil when it exceeds `cap` (so that no product overflows).
    public static func product(_ factors: [Int], cap: Int) -> Int? {
        var result = 1
        for factor in factors {
            guard factor >= 0 else { return nil }
            let (next, overflow) = result.multipliedReportingOverflow(by: factor)
            guard !overflow, next <= cap else { return nil }
            result = next
        }
        return result
    }

    /// The number of combinations of 1 ... `size` of `n` things, sum of C(n, k), or nil when it
    /// exceeds `cap`. Each C(n, k) comes from C(n, k-1) x (n-k+1) / k, exact in integers.
    public static func combinations(of n: Int, upTo size: Int, cap: Int) -> Int? {
        guard n > 0, size > 0 else { return 0 }
        var total = 0
        var term = 1
        for k in 1...min(size, n) {
            let (scaled, overflow) = term.multipliedReportingOverflow(by: n - k + 1)
            guard !overflow else { return nil }
            term = scaled / k
            total += term
            guard total <= cap else { return nil }
        }
        return total
    }

    /// Why a plan of `points` (nil: more than can be counted) x `replications` runs is too big,
    /// or nil when it fits. The sentence starts after "expected" in a diagnostic's message.
    /// - Parameter noun: what a point is called in the message ("points", "combinations").
    public static func excess(points: Int?, replications: Int, noun: String = "points") -> String? {
        guard let points, points <= maximumPoints else {
            return "at most \(maximumPoints) \(noun)"
        }
        guard product([points, replications], cap: maximumRuns) != nil else {
            return "at most \(maximumRuns) runs (points x replications)"
        }
        return nil
    }
}
