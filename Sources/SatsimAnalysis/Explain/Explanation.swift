import SatsimMetrics
import SatsimModel

/// What `satsim explain` found: the base scenario and each counterfactual (a mechanism switched
/// off, a timeline event removed) over the same replications with common random numbers, and for
/// each counterfactual whether the mechanism is a cause of the bad outcome, a protection against
/// it, or neither.
///
/// The effect rule, judged on runs paired by replication (counterfactual - base), as `compare`
/// judges them: a figure by the 95% Student-t interval of its paired differences
/// (``MeanInterval``), an outcome (1 or 0 per run) by McNemar's mid-p test of the paired runs
/// at 0.05 (``McNemarTest``):
/// 1. bad outcomes (degraded, metastable, oscillating, overloaded: 1 per run, else 0): when the
///    test tells the two apart, fewer bad runs without the mechanism make it a `cause`, more
///    make it a `protection`;
/// 2. otherwise disturbed runs (any outcome but `stable`: a run that only `recovered` was still
///    knocked over): more runs `stable` without the mechanism make it a `cause`, fewer a
///    `protection`. Removing a load spike that the system recovers from is a cause, though it
///    lowers goodput;
/// 3. otherwise the success ratio (the mean over clients of successes / requests ended): a
///    difference whose interval excludes 0 and that reaches half a percentage point;
/// 4. otherwise total goodput (the sum over clients) [requests/s]: when its interval excludes 0
///    and the difference reaches 1% of the base's goodput, higher goodput without the mechanism
///    makes it a `cause`, lower a `protection`. Skipped when the counterfactual changes the load
///    offered (``Counterfactual/changesDemand``): less demand serves less, which is no harm;
/// 5. otherwise `none`.
///
/// The floors in 3 and 4 keep a difference that is real but too small to matter (600.0/s against
/// 600.0/s with common random numbers) from being called a cause or a protection.
public struct Explanation: Sendable {
    /// What a mechanism did to the outcome.
    public enum Effect: String, Sendable, Hashable {
        /// Switching it off made the outcome better.
        case cause
        /// Switching it off made the outcome worse.
        case protection
        /// No difference beyond the intervals.
        case none
    }

    /// The rule of the effect rule (see the type's comment) that decided an effect, in the order
    /// they are tried.
    public enum Rule: String, Sendable, Hashable, CaseIterable {
        /// 1: the bad outcomes (degraded, metastable, oscillating, overloaded).
        case badOutcomes = "bad_outcomes"
        /// 2: the runs knocked over at all (any outcome but `stable`).
        case disturbedRuns = "disturbed_runs"
        /// 3: the success ratio, mean over clients.
        case successRatio = "success_ratio"
        /// 4: total goodput [requests/s].
        case goodput
    }

    /// One column: the base or a counterfactual, aggregated over its replications.
    public struct Column: Sendable {
        /// nil for the base.
        public var counterfactual: Counterfactual?
        /// Runs per outcome label (`not_judged` included), most frequent first.
        public var outcomes: [(outcome: String, count: Int)]
        /// Total goodput over the clients [requests/s]; nil when no run has one.
        public var goodput: MeanInterval?
        /// Recovery time [s] over the runs that recovered; nil when none did.
        public var recoveryTime: MeanInterval?
        /// McNemar's test of the bad-outcome indicator, paired by replication (nil for the base,
        /// and with fewer than 2 pairs).
        public var badDifference: McNemarTest?
        /// McNemar's test of the disturbed-run indicator (nil for the base, and with fewer than 2 pairs).
        public var disturbedDifference: McNemarTest?
        /// The paired difference of the success ratio, mean over clients (nil for the base).
        public var successDifference: MeanInterval?
        /// The paired difference of total goodput [requests/s] (nil for the base).
        public var goodputDifference: MeanInterval?
        /// `.none` for the base.
        public var effect: Effect
        /// The rule that decided ``effect``; nil for `none` and for the base.
        public var rule: Rule?
        /// The runs that stopped at a limit.
        public var limited: Int
    }

    /// The outcomes counted as bad by the effect rule.
    public static let badOutcomes: Set<Outcome> = [.degraded, .metastable, .oscillating, .overloaded]

    /// The smallest success-ratio difference (a fraction, 0.005 = half a percentage point) that
    /// rule 3 counts.
    public static let successFloor = 0.005
    /// The smallest goodput difference, as a share of the base's mean goodput, that rule 4 counts.
    public static let goodputFloor = 0.01

    public var scenario: String
    public var baseSeed: UInt64
    public var replications: Int
    public var base: Column
    public var counterfactuals: [Column]

    /// Aggregates `runs` (`[column][replication]`, the base first, then one list per
    /// counterfactual in `counterfactuals`' order), each read with `figures`.
    ///
    /// - Complexity: O(columns x replications x figures).
    public init(
        scenario: String, baseSeed: UInt64, counterfactuals: [Counterfactual], figures: [KeyFigure], runs: [[RunFigures]]
    ) {
        precondition(runs.count == counterfactuals.count + 1, "one list of runs per column, the base first")
        let comparison = Comparison(
            scenario: scenario, baseSeed: baseSeed,
            variants: [Comparison.baseName] + counterfactuals.map(\.subject), figures: figures, runs: runs)
        let goodputIndices = figures.indices.filter {
            if case .goodput = figures[$0].measure { return true } else { return false }
        }
        let recoveryIndex = figures.firstIndex { $0.measure == .recoveryTime }
        let successIndices = figures.indices.filter {
            if case .successRatio = figures[$0].measure { return true } else { return false }
        }
        func success(_ run: RunFigures) -> Double? {
            let values = successIndices.compactMap { run.values[$0] }
            return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
        }
        func disturbed(_ run: RunFigures) -> Bool? { run.outcome.map { $0 != .stable } }
        func goodput(_ run: RunFigures) -> Double? {
            let values = goodputIndices.compactMap { run.values[$0] }
            return values.isEmpty ? nil : values.reduce(0, +)
        }
        func bad(_ run: RunFigures) -> Bool? { run.outcome.map { Self.badOutcomes.contains($0) } ?? false }
        func test(_ column: [RunFigures], _ value: (RunFigures) -> Bool?) -> McNemarTest? {
            var pairs: [(variant: Bool, base: Bool)] = []
            for (run, baseRun) in zip(column, runs[0]) {
                if let a = value(run), let b = value(baseRun) { pairs.append((a, b)) }
            }
            return McNemarTest(pairs: pairs)
        }
        func paired(_ column: [RunFigures], _ value: (RunFigures) -> Double?) -> MeanInterval? {
            var differences: [Double] = []
            for (run, baseRun) in zip(column, runs[0]) {
                if let a = value(run), let b = value(baseRun) { differences.append(a - b) }
            }
            return MeanInterval(samples: differences)
        }
        func column(_ index: Int) -> Column {
            let list = runs[index]
            var result = Column(
                counterfactual: index == 0 ? nil : counterfactuals[index - 1],
                outcomes: comparison.outcomeCounts(variant: index),
                goodput: MeanInterval(samples: list.compactMap(goodput)),
                recoveryTime: recoveryIndex.flatMap { i in MeanInterval(samples: list.compactMap { $0.values[i] }) },
                badDifference: nil, disturbedDifference: nil, successDifference: nil, goodputDifference: nil,
                effect: .none, rule: nil,
                limited: list.filter { $0.limit != nil }.count)
            guard index > 0 else { return result }
            result.badDifference = test(list, bad)
            result.disturbedDifference = test(list, disturbed)
            result.successDifference = paired(list, success)
            result.goodputDifference = paired(list, goodput)
            let demandChanged = counterfactuals[index - 1].changesDemand
            (result.effect, result.rule) = Self.judgement(
                bad: result.badDifference, disturbed: result.disturbedDifference, success: result.successDifference,
                goodput: demandChanged ? nil : result.goodputDifference,
                baseGoodput: MeanInterval(samples: runs[0].compactMap(goodput))?.mean)
            return result
        }
        self.scenario = scenario
        self.baseSeed = baseSeed
        self.replications = runs[0].count
        base = column(0)
        self.counterfactuals = counterfactuals.indices.map { column($0 + 1) }
    }

    /// The effect rule (see the type's comment) on the paired differences (counterfactual - base)
    /// of the bad-outcome and disturbed-run indicators, the success ratio and total goodput
    /// [requests/s]; `baseGoodput` is the base's mean goodput, for rule 4's floor.
    public static func effect(
        bad: McNemarTest?, disturbed: McNemarTest? = nil, success: MeanInterval? = nil, goodput: MeanInterval?,
        baseGoodput: Double? = nil
    ) -> Effect {
        judgement(bad: bad, disturbed: disturbed, success: success, goodput: goodput, baseGoodput: baseGoodput).effect
    }

    /// ``effect(bad:disturbed:success:goodput:baseGoodput:)`` with the rule that decided it (nil
    /// for `none`).
    public static func judgement(
        bad: McNemarTest?, disturbed: McNemarTest? = nil, success: MeanInterval? = nil, goodput: MeanInterval?,
        baseGoodput: Double? = nil
    ) -> (effect: Effect, rule: Rule?) {
        if let bad, bad.differs(level: Self.level) { return (bad.difference < 0 ? .cause : .protection, .badOutcomes) }
        if let disturbed, disturbed.differs(level: Self.level) { return (disturbed.difference < 0 ? .cause : .protection, .disturbedRuns) }
        if let success, success.excludesZero, abs(success.mean) >= successFloor {
            return (success.mean > 0 ? .cause : .protection, .successRatio)
        }
        if let goodput, goodput.excludesZero, abs(goodput.mean) >= goodputFloor * abs(baseGoodput ?? 0) {
            return (goodput.mean > 0 ? .cause : .protection, .goodput)
        }
        return (.none, nil)
    }

    /// The runs that stopped at a limit, over every column.
    public var limitedRuns: Int { ([base] + counterfactuals).reduce(0) { $0 + $1.limited } }
}
