import SatsimCore

/// `slo`: what "healthy" means for this system, replacing the verdict's default bounds (DESIGN.md,
/// "Outcomes"). Each key given replaces its own default and leaves the other one in force, so
/// `slo: { latency_p99: 500ms }` still asks for 90% successes.
public struct SLOSpec: Sendable, Hashable {
    /// `slo.success_ratio`: the least share of a window's ended requests that must succeed;
    /// nil keeps the default (0.9).
    public var successRatio: Double?
    /// `slo.latency_p99`: the highest p99 latency of a window's successful requests; nil keeps
    /// the default (3 x the p99 before the first fault).
    public var latencyP99: SimTime?

    public init(successRatio: Double? = nil, latencyP99: SimTime? = nil) {
        self.successRatio = successRatio
        self.latencyP99 = latencyP99
    }
}
