import SatsimModel

/// The verdict on a run (summary.json `outcome`), as DESIGN.md defines it.
public enum Outcome: String, Sendable, Hashable, CaseIterable {
    /// Every window after warmup was healthy (success ratio and p99 latency within bounds).
    case stable
    /// Windows turned unhealthy, then healthy again and stayed so to the end: healthy again
    /// within the recovery window after the last fault, or later with the healthy stretch lasting
    /// at least that window (a backlog that takes minutes to drain).
    case recovered
    /// Fell, and neither recovered nor metastable.
    case degraded
    /// Long after the trigger ended, goodput stays low while offered load is back to baseline.
    case metastable
    /// The instance count keeps reversing direction once no fault acts (after the last fault), or,
    /// long after it (from the end of the recovery window, with the offered load back to its
    /// baseline), goodput keeps swinging by more than a quarter of its baseline: DESIGN.md's two
    /// tests (``OutcomeClassifier/goodputSwings(_:step:)``).
    case oscillating
    /// Before any fault, too few requests succeed: the design cannot carry its baseline load.
    case overloaded
}

/// The thresholds of the verdict (DESIGN.md, "Outcomes"); summary.json records the values used.
public struct OutcomeThresholds: Sendable, Hashable {
    /// A window is healthy when at least this share of the requests that ended in it succeeded;
    /// so is the pre-fault period, or the run is `overloaded`. An SLO's `success_ratio` replaces it.
    public var successRatio: Double = 0.9
    /// A window is healthy when the p99 latency of its successes is at most this multiple of the
    /// baseline p99 (the p99 after warmup and before the first fault)...
    public var latencyFactor: Double = 3
    /// ...or, when an SLO sets `latency_p99`, at most this [s].
    public var latencyP99: Double?
    /// The SLO these thresholds took their bounds from, recorded as written; nil without one.
    public var slo: SLOSpec?
    /// Health is judged over windows of consecutive metrics intervals holding at least this many
    /// ended requests, so that the judgement is signal rather than Poisson noise.
    public var minimumWindowRequests: Int = 100
    /// Recovered: healthy again at most this long after the last fault ends, or, later, healthy
    /// for at least this long to the end of the run [s]. Metastable is judged from this long
    /// after the last fault's end.
    public var recoveryWindow: Double = 120
    /// Metastable: mean goodput below this fraction of G0 from t_end + window to the end.
    public var metastableFraction: Double = 0.5
    /// Metastable (and oscillating by goodput) requires the offered load back to its pre-fault
    /// level: at least this fraction of it and at most its inverse times it ([0.9, 1.11] x).
    public var baselineLoadFraction: Double = 0.9
    /// Oscillating: at least this many reversals of the instance count's direction, or of
    /// goodput's by more than ``oscillationGoodputSwing``.
    public var oscillationReversals: Int = 4
    /// Oscillating by goodput: a reversal counts once goodput has moved by more than this fraction
    /// of its baseline G0 from the last turning point (DESIGN.md: "swings ... by more than 25%").
    public var oscillationGoodputSwing: Double = 0.25
    /// Goodput's swings are read over blocks of consecutive metrics intervals holding at least
    /// this many offered requests, so that Poisson noise (about 5% of a block at 400) cannot make
    /// a swing of 25%.
    public var oscillationBlockRequests: Int = 400

    /// The defaults, with the bounds a scenario's `slo` sets replaced (each key its own bound).
    public init(slo: SLOSpec? = nil) {
        self.slo = slo
        if let ratio = slo?.successRatio { successRatio = ratio }
        latencyP99 = slo?.latencyP99?.seconds
    }
}
