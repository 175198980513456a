/// End-of-run figures for one client (summary.json `clients.NAME`), after warmup.
public struct ClientSummary: Sendable, Hashable {
    public var name: String
    /// Requests created.
    public var requests: Int
    /// Attempts sent, retries included.
    public var attempts: Int
    /// Requests that ended in success.
    public var successes: Int
    /// Requests that ended without success.
    public var failures: Int
    /// Successes per second of measured time.
    public var goodputPerSecond: Double
    /// attempts / requests (0 when there were no requests).
    public var amplification: Double
    /// Latency of successful requests, first attempt to final response.
    public var latency: LatencySummary
    /// Attempts that ended in each way (success, error, timeout, rejected).
    public var attemptOutcomes: [String: Int]

    public init(
        name: String, requests: Int, attempts: Int, successes: Int, failures: Int, goodputPerSecond: Double,
        amplification: Double, latency: LatencySummary, attemptOutcomes: [String: Int]
    ) {
        self.name = name
        self.requests = requests
        self.attempts = attempts
        self.successes = successes
        self.failures = failures
        self.goodputPerSecond = goodputPerSecond
        self.amplification = amplification
        self.latency = latency
        self.attemptOutcomes = attemptOutcomes
    }
}

/// End-of-run figures for one service (summary.json `services.NAME`), after warmup.
public struct ServiceSummary: Sendable, Hashable {
    public var name: String
    /// Attempts that reached it (probes excluded).
    public var arrivals: Int
    /// Attempts it finished serving.
    public var completions: Int
    /// Turned away at once (full queue, refused).
    public var rejected: Int
    /// Removed from the queue before service (queue timeout, codel).
    public var dropped: Int
    /// Completed after the caller gave up.
    public var wasted: Int
    /// Busy workers / workers of serving instances, time-averaged.
    public var utilization: Double
    /// Time-averaged number waiting in queues, all instances.
    public var meanQueueLength: Double
    /// Mean time in queue of the attempts that started service [s].
    public var meanWait: Double
    /// Instances serving: min, time-averaged mean, max.
    public var instances: InstanceRange

    public init(
        name: String, arrivals: Int, completions: Int, rejected: Int, dropped: Int, wasted: Int, utilization: Double,
        meanQueueLength: Double, meanWait: Double, instances: InstanceRange
    ) {
        self.name = name
        self.arrivals = arrivals
        self.completions = completions
        self.rejected = rejected
        self.dropped = dropped
        self.wasted = wasted
        self.utilization = utilization
        self.meanQueueLength = meanQueueLength
        self.meanWait = meanWait
        self.instances = instances
    }
}

/// `instances` in summary.json.
public struct InstanceRange: Sendable, Hashable {
    public var min: Int
    public var mean: Double
    public var max: Int
    public init(min: Int, mean: Double, max: Int) {
        self.min = min
        self.mean = mean
        self.max = max
    }
}
