import SatsimCore
import SatsimMetrics

/// What a run produced: end-of-run figures after warmup, the time series, and how it stopped.
public struct SimulationResult: Sendable {
    public var scenario: String
    public var seed: UInt64
    /// Simulated time the figures cover (after warmup) [s].
    public var measuredSeconds: Double
    public var clients: [ClientSummary]
    public var services: [ServiceSummary]
    public var timeSeries: TimeSeries
    /// Set when the run stopped at a limit; the figures are then partial.
    public var limitHit: RunLimitHit?
    /// Counted events: arrivals, retries sent, departures, timeouts fired.
    public var eventCount: Int
    /// Where the run stopped [s].
    public var endSeconds: Double
    /// What happened, in time order: faults, instance life cycles, breaker changes.
    public var events: [RunEvent]
    /// The latency of the requests that succeeded in each metrics interval, all clients together:
    /// one per row of ``timeSeries``, for the verdict's p99 over windows of intervals.
    public var successLatency: [CompactLatencyHistogram]
    /// Each client's figures per cohort, when a fault of the timeline has a `share` (else empty).
    public var cohorts: [ClientCohorts] = []
}
