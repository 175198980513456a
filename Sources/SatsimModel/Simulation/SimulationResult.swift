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
    /// Each rolling deploy the run began, by its index in the timeline: how many batches it
    /// restarted and whether it restarted its last. A deploy restarts the instances running at
    /// each step, which a scale or an autoscaler may have changed since the scenario's start, so
    /// its end (``RunAnalysis/effectEnd(of:in:deploy:)``) is read from here.
    public var deploys: [Int: DeployProgress] = [:]
    /// Each `scale` the run applied, by its index in the timeline: whether it started instances
    /// (which then boot) rather than only stopping some or changing nothing. A scale-down is over
    /// at once; it was said to last the service's boot time.
    public var scalesAdding: [Int: Bool] = [:]
}

/// How far a rolling deploy got (``SimulationResult/deploys``).
public struct DeployProgress: Sendable, Hashable {
    /// Batches restarted, the first included.
    public var batches: Int
    /// Whether the last batch was restarted (no instance was left to restart after it).
    public var finished: Bool

    public init(batches: Int, finished: Bool) {
        self.batches = batches
        self.finished = finished
    }
}
