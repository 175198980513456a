/// What `explain` switched off (or removed) and what that did, as a counterfactual finding
/// carries it (``Finding/switchedOff``): explain.json's `mechanism`, `subject`, `change` and
/// `effect`, with the rule that decided the effect.
public struct SwitchOff: Sendable, Hashable {
    /// One of ``Counterfactual/mechanisms``.
    public var mechanism: String
    /// The scenario path of what was switched off: `clients.users.retry`, `timeline.0`.
    public var subject: String
    /// What changed, in plain words.
    public var change: String
    public var effect: Explanation.Effect
    /// The rule that decided ``effect``; nil for `none`.
    public var rule: Explanation.Rule?
    /// Whether the change alters the load offered (a removed `load_spike`), so that goodput was
    /// not judged (``Counterfactual/changesDemand``).
    public var changesDemand: Bool
    /// The row of `explain`'s table: 1 for the first counterfactual (0 is the base).
    public var row: Int

    public init(mechanism: String, subject: String, change: String, effect: Explanation.Effect, rule: Explanation.Rule?,
                changesDemand: Bool, row: Int) {
        self.mechanism = mechanism
        self.subject = subject
        self.change = change
        self.effect = effect
        self.rule = rule
        self.changesDemand = changesDemand
        self.row = row
    }
}

/// What a figure of a counterfactual finding measures, over the finding's replications, so that
/// a test can hold it to `explain`'s runs (and to explain.json, whose keys the row figures are).
///
/// `row` is a row of `explain`'s table: 0 for the base, k for the k-th counterfactual.
public enum ExplainedMeasure: Sendable, Hashable {
    /// Which number of a mean with its 95% Student-t interval.
    public enum Bound: String, Sendable, Hashable {
        /// The mean.
        case mean
        /// The interval's low end (for a difference: its end nearer 0).
        case low
        /// The interval's high end (for a difference: its end farther from 0).
        case high
    }

    /// The replications of every row.
    case replications
    /// The confidence level of every interval (``MeanInterval/level``, 0.95).
    case level
    /// The row's runs that ended in `outcome` (a key of explain.json's `outcomes`).
    case outcomeCount(row: Int, outcome: String)
    /// The row's runs whose outcome is bad (``Explanation/badOutcomes``).
    case badRuns(row: Int)
    /// The row's runs whose outcome is `stable`.
    case stableRuns(row: Int)
    /// Total goodput over the clients after warmup [requests/s]: explain.json's `goodput_per_s`
    /// (the interval cut at 0).
    case goodput(row: Int, Bound)
    /// The recovery time [s] over the runs that recovered: explain.json's `recovery_time` (the
    /// interval cut at 0).
    case recoveryTime(row: Int, Bound)
    /// The row's runs with a recovery time (those `recovery_time` is over).
    case recoveredRuns(row: Int)
    /// The size of the paired difference (row - base) that `rule` decided on: |mean|, and the
    /// interval's ends |mean| -/+ its half width (the interval excludes 0, so both have its sign).
    case difference(row: Int, Explanation.Rule, Bound)
    /// The floor of `rule` (``Explanation/successFloor``, ``Explanation/goodputFloor``).
    case floor(Explanation.Rule)
    /// McNemar's mid-p value of the paired runs (row against the base) that `rule`, 1 or 2,
    /// decided on (``McNemarTest/midP``).
    case pValue(row: Int, Explanation.Rule)
}
