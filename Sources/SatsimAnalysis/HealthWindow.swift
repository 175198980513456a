import SatsimMetrics

/// Consecutive metrics intervals judged together: the unit of health in the verdict (DESIGN.md,
/// "Outcomes").
///
/// A window holds at least ``OutcomeThresholds/minimumWindowRequests`` requests that ended (or
/// were offered, when more were offered than ended: ``OutcomeClassifier/WindowFill``), so a
/// judgement is not made on a handful of requests: at 8 requests/s a one-second interval with 5
/// successes of 5 is as healthy as one with 8 of 8, but 1 failure of 5 would read as 80%. The
/// success ratio over n requests has a standard error of sqrt(p(1 - p)/n); at n = 100 and
/// p = 0.97 that is 1.7 points, so a healthy service stays clear of a 90% bound.
public struct HealthWindow: Sendable, Hashable {
    /// Start and end of the window [s].
    public var start: Double
    public var end: Double
    /// Requests created in the window (offered load).
    public var requests: Double
    /// Requests that succeeded / failed in the window.
    public var successes: Double
    public var failures: Double
    /// The p99 latency of the window's successes [s], from their merged histograms; nil when
    /// none succeeded.
    public var latencyP99: Double?
    /// Whether the success ratio met its bound.
    public var successRatioMet: Bool
    /// Whether the p99 met its bound (true when there is no bound or no success to measure).
    public var latencyMet: Bool

    /// The relative difference within which a p99 and its bound are the same value
    /// (``init(_:successRatio:latencyBound:)``).
    static let edgeTolerance = 1e-6

    /// Healthy: both bounds met.
    public var isHealthy: Bool { successRatioMet && latencyMet }

    /// Share of the requests that ended in the window that succeeded; 0 when requests came but
    /// none ended, 1 when nothing was offered (as ``IntervalFigures/successRatio``).
    public var successRatio: Double {
        let ended = successes + failures
        if ended > 0 { return successes / ended }
        return requests > 0 ? 0 : 1
    }

    /// Judges the intervals `figures` (consecutive, after warmup) as one window.
    /// - Parameter latencyBound: the highest healthy p99 [s], or nil to judge the ratio alone.
    init(_ figures: ArraySlice<IntervalFigures>, successRatio bound: Double, latencyBound: Double?) {
        let first = figures.first, last = figures.last
        start = first.map { $0.end - $0.width } ?? 0
        end = last?.end ?? 0
        requests = figures.reduce(0) { $0 + $1.requests }
        successes = figures.reduce(0) { $0 + $1.successes }
        failures = figures.reduce(0) { $0 + $1.failures }
        let merged = CompactLatencyHistogram(merging: figures.lazy.map(\.latency))
        latencyP99 = merged.percentileSeconds(99)
        let ended = successes + failures
        successRatioMet = (ended > 0 ? successes / ended : requests > 0 ? 0 : 1) >= bound
        latencyMet = true
        // The p99 is a bucket's upper edge, and a bound drawn from the baseline's p99 is a
        // multiple of one: the same edge reached by two floating-point paths may differ in its
        // last digits (0.589823999 s against a bound of 0.589823997 s judged a window whose
        // requests all met it unhealthy). Values within a millionth of each other are equal here,
        // far below the histogram's resolution (1/32 of a value).
        if let latencyBound, let p99 = latencyP99 { latencyMet = p99 <= latencyBound * (1 + Self.edgeTolerance) }
    }
}
