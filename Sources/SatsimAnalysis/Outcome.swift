/// The verdict on a run (summary.json `outcome`), as DESIGN.md defines it.
public enum Outcome: String, Sendable, Hashable, CaseIterable {
    /// No metrics interval had a success ratio below the threshold.
    case stable
    /// Goodput fell, then came back within the recovery window after the last fault and stayed.
    case recovered
    /// Fell, and neither recovered nor metastable.
    case degraded
    /// Long after the trigger ended, goodput stays low while offered load is back to baseline.
    case metastable
    /// The instance count keeps reversing direction under constant offered load (after the last
    /// fault).
    case oscillating
    /// Before any fault, too few requests succeed: the design cannot carry its baseline load.
    case overloaded
}

/// The thresholds of the verdict; summary.json records the values used.
public struct OutcomeThresholds: Sendable, Hashable {
    /// An interval (or the pre-fault period) is healthy when at least this share of the requests
    /// that ended succeeded.
    public var successRatio: Double = 0.9
    /// Recovered: goodput back to at least this fraction of the pre-fault goodput G0.
    public var recoveryFraction: Double = 0.9
    /// Recovered: within this long after the last fault ends [s].
    public var recoveryWindow: Double = 120
    /// Metastable: mean goodput below this fraction of G0 from t_end + window to the end.
    public var metastableFraction: Double = 0.5
    /// Metastable requires offered load back to at least this fraction of its pre-fault level.
    public var baselineLoadFraction: Double = 0.9
    /// Oscillating: at least this many reversals of the instance count's direction.
    public var oscillationReversals: Int = 4
    /// Goodput is judged on a moving mean over this many seconds, so that Poisson noise in short
    /// intervals does not read as a fall [s].
    public var smoothing: Double = 10

    public init() {}
}
