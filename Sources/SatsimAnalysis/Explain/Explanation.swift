import SatsimMetrics
import SatsimModel

/// What `satsim explain` found: the base scenario and each counterfactual (a mechanism switched
/// off, a timeline event removed) over the same replications with common random numbers, and for
/// each counterfactual whether the mechanism is a cause of the bad outcome, a protection against
/// it, or neither.
///
/// The effect rule, judged on differences paired by replication (counterfactual - base), each
/// with its 95% Student-t interval as `compare` computes it (``MeanInterval``):
/// 1. bad outcomes (degraded, metastable, oscillating, overloaded: 1 per run, else 0): when the
///    interval of the difference excludes 0, fewer bad runs without the mechanism make it a
///    `cause`, more make it a `protection`;
/// 2. otherwise total goodput (the sum over clients) [requests/s]: when its interval excludes 0,
///    higher goodput without the mechanism makes it a `cause`, lower a `protection`;
/// 3. otherwise `none`.
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
        /// The paired difference of the bad-outcome indicator (nil for the base).
        public var badDifference: MeanInterval?
        /// The paired difference of total goodput [requests/s] (nil for the base).
        public var goodputDifference: MeanInterval?
        /// `.none` for the base.
        public var effect: Effect
        /// The runs that stopped at a limit.
        public var limited: Int
    }

    /// The outcomes counted as bad by the effect rule.
    public static let badOutcomes: Set<Outcome> = [.degraded, .metastable, .oscillating, .overloaded]

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
        func goodput(_ run: RunFigures) -> Double? {
            let values = goodputIndices.compactMap { run.values[$0] }
            return values.isEmpty ? nil : values.reduce(0, +)
        }
        func bad(_ run: RunFigures) -> Double { run.outcome.map { Self.badOutcomes.contains($0) } == true ? 1 : 0 }
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
                badDifference: nil, goodputDifference: nil, effect: .none,
                limited: list.filter { $0.limit != nil }.count)
            guard index > 0 else { return result }
            result.badDifference = paired(list, bad)
            result.goodputDifference = paired(list, goodput)
            result.effect = Self.effect(bad: result.badDifference, goodput: result.goodputDifference)
            return result
        }
        self.scenario = scenario
        self.baseSeed = baseSeed
        self.replications = runs[0].count
        base = column(0)
        self.counterfactuals = counterfactuals.indices.map { column($0 + 1) }
    }

    /// The effect rule (see the type's comment) on the paired differences (counterfactual - base)
    /// of the bad-outcome indicator and of total goodput [requests/s].
    public static func effect(bad: MeanInterval?, goodput: MeanInterval?) -> Effect {
        if let bad, bad.excludesZero { return bad.mean < 0 ? .cause : .protection }
        if let goodput, goodput.excludesZero { return goodput.mean > 0 ? .cause : .protection }
        return .none
    }

    /// The runs that stopped at a limit, over every column.
    public var limitedRuns: Int { ([base] + counterfactuals).reduce(0) { $0 + $1.limited } }
}
