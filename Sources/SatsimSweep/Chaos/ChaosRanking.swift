/// The result of `satsim chaos`: every combination with its outcomes and damage, worst first,
/// and the emergent ones marked.
///
/// Damage (`goodput_lost`): with S(c, r) the successful requests of every client in the metrics
/// intervals that start at or after `chaos.at` in replication r of combination c, and S(b, r)
/// the baseline's on the same seed,
///     goodput_lost(c) = clamp(1 - sum_r S(c, r) / sum_r S(b, r), 0, 1).
/// Both cover the same window, so this is the share of the baseline's goodput after `at` that
/// the combination loses. It is clamped at 0 because a fault can add goodput (a load spike brings
/// more requests, and a healthy system serves them): more work served is not negative damage,
/// and ranking by it would put such faults below harmless ones. It is at most 1 by construction
/// for non-negative counts; a baseline without a success after `at` gives 0 (nothing to lose).
///
/// Emergent (scenario-format.md, "CHAOS"): a combination of two or more faults is emergent when a
/// strict majority of its runs end `metastable` or `degraded` while, for every proper subset
/// (every smaller combination of its faults, the baseline included as the empty subset), a
/// strict majority of runs end `stable` or `recovered`. All proper subsets are in the plan, since
/// every size from 1 to max_together is run.
///
/// Order, worst first: goodput_lost descending, then more runs metastable or degraded, then
/// fewer faults (the smaller explanation first), then the fault indices.
public struct ChaosRanking: Sendable {
    public struct Entry: Sendable, Hashable {
        /// The fault indices, ascending.
        public var faults: [Int]
        public var labels: [String]
        /// Runs stored for the combination.
        public var runs: Int
        /// Count of each outcome name; runs stopped at a limit before being judged count as `unjudged`.
        public var outcomes: [String: Int]
        public var goodputLost: Double
        public var emergent: Bool
        /// Mean successes after `at` per run.
        public var meanSuccesses: Double
        /// Runs a limit stopped before the run's end: their successes cover only the time they ran.
        public var stoppedAtLimit: Int = 0

        /// Runs ending metastable or degraded.
        public var failing: Int { (outcomes["metastable"] ?? 0) + (outcomes["degraded"] ?? 0) }
        /// Runs ending stable or recovered.
        public var passing: Int { (outcomes["stable"] ?? 0) + (outcomes["recovered"] ?? 0) }
        /// A strict majority of runs metastable or degraded.
        public var fails: Bool { 2 * failing > runs }
        /// A strict majority of runs stable or recovered.
        public var passes: Bool { 2 * passing > runs }
    }

    /// The baseline (no fault).
    public var baseline: Entry
    /// Every combination of one or more faults, worst first.
    public var combinations: [Entry]
    /// Runs stored of the plan's runs (fewer when shards are missing).
    public var storedRuns: Int
    public var plannedRuns: Int

    /// The outcome names, in the order outputs list them.
    public static let outcomeOrder = ["stable", "recovered", "degraded", "metastable", "oscillating", "overloaded", "unjudged"]

    /// Ranks the stored runs of `search`'s plan.
    /// - Parameter records: the store's runs; the first figure of each is S (``ChaosSearch``'s plan
    ///   stores successes after `at` first).
    public init(search: ChaosSearch, records: [RunRecord]) {
        self.init(outline: search.outline, records: records)
    }

    /// Ranks the stored runs of the search `outline` describes (its own, or one read back from
    /// a store by `merge`); `records` as for ``init(search:records:)``.
    public init(outline: ChaosOutline, records: [RunRecord]) {
        let points = outline.combinations.count
        var outcomes = Array(repeating: [String: Int](), count: points)
        var runs = Array(repeating: 0, count: points)
        // Successes summed over the replications stored for both the point and the baseline, so a
        // partial store compares like with like.
        var successes = Array(repeating: [Int: Double](), count: points)
        var limited = Array(repeating: 0, count: points)
        for record in records {
            let p = record.key.point
            runs[p] += 1
            if record.limit != nil { limited[p] += 1 }
            outcomes[p][record.outcome ?? "unjudged", default: 0] += 1
            successes[p][record.key.replication] = record.values.first.flatMap { $0 } ?? 0
        }
        let labels = outline.labels
        func entry(_ p: Int) -> Entry {
            let shared = successes[p].keys.filter { successes[0][$0] != nil }
            let lost: Double
            let base = shared.reduce(0.0) { $0 + (successes[0][$1] ?? 0) }
            let mine = shared.reduce(0.0) { $0 + (successes[p][$1] ?? 0) }
            lost = base > 0 ? min(1, max(0, 1 - mine / base)) : 0
            let mean = successes[p].isEmpty ? 0 : successes[p].values.reduce(0, +) / Double(successes[p].count)
            return Entry(faults: outline.combinations[p], labels: outline.combinations[p].map { labels[$0] }, runs: runs[p],
                         outcomes: outcomes[p], goodputLost: lost, emergent: false, meanSuccesses: mean, stoppedAtLimit: limited[p])
        }
        var entries = (0..<points).map(entry)
        let index = Dictionary(uniqueKeysWithValues: outline.combinations.enumerated().map { ($1, $0) })
        for p in 1..<points where outline.combinations[p].count >= 2 && entries[p].fails {
            let faults = outline.combinations[p]
            // Every proper subset, the empty one (baseline) included.
            let subsets = (0..<faults.count).flatMap { size in ChaosSearch.subsets(of: faults.count, size: size).map { $0.map { faults[$0] } } }
                + [[]]
            entries[p].emergent = subsets.allSatisfy { subset in index[subset].map { entries[$0].passes } ?? false }
        }
        baseline = entries[0]
        combinations = entries.dropFirst().sorted { a, b in
            if a.goodputLost != b.goodputLost { return a.goodputLost > b.goodputLost }
            if a.failing != b.failing { return a.failing > b.failing }
            if a.faults.count != b.faults.count { return a.faults.count < b.faults.count }
            return a.faults.lexicographicallyPrecedes(b.faults)
        }
        storedRuns = records.count
        plannedRuns = outline.runCount
    }
}
