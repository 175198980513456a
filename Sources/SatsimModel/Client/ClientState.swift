import SatsimCore

/// Cumulative counters of one client since the start of the run. Summary and interval figures
/// are differences of two snapshots, so nothing is reset on the hot path.
public struct ClientCounters: Sendable, Hashable {
    public var requests = 0
    public var attempts = 0
    public var retries = 0
    public var successes = 0
    public var failures = 0
    /// Attempts by outcome, indexed like ``AttemptOutcome/allCases``.
    public var outcomes: [Int] = [0, 0, 0, 0]

    public init() {}

    public static func - (a: ClientCounters, b: ClientCounters) -> ClientCounters {
        var d = ClientCounters()
        d.requests = a.requests - b.requests
        d.attempts = a.attempts - b.attempts
        d.retries = a.retries - b.retries
        d.successes = a.successes - b.successes
        d.failures = a.failures - b.failures
        d.outcomes = zip(a.outcomes, b.outcomes).map { $0 - $1 }
        return d
    }

    public func count(of outcome: AttemptOutcome) -> Int {
        switch outcome {
        case .success: return outcomes[0]
        case .error: return outcomes[1]
        case .timeout: return outcomes[2]
        case .rejected: return outcomes[3]
        }
    }
}

/// The run-time state of one client.
struct ClientState {
    let spec: ClientSpec
    let target: Int
    let arrivalStream: RandomStream
    let networkStream: RandomStream
    let backoffStream: RandomStream
    let thinkStream: RandomStream
    let network: Sampler?
    let think: Sampler?
    let timeout: Int64
    let maxAttempts: Int32
    /// Bit i set: outcome i (AttemptOutcome.allCases order) is retried.
    let retryMask: UInt8
    let backoff: BackoffSpec?
    /// Open loop: requests per second before any load factor; 0 for closed loop.
    let baseRate: Double
    let isPoisson: Bool
    let isClosed: Bool
    /// Multiplies the open-loop rate or the closed-loop population (load_spike).
    var loadFactor: Double = 1
    /// Bumped when the rate changes, so the pending arrival is replaced.
    var arrivalEpoch: UInt32 = 0
    /// Closed loop: users that should exist now, and users that do (thinking or waiting).
    var usersWanted = 0
    var usersActive = 0
    var counters = ClientCounters()
    var atWarmup = ClientCounters()
    var atLastTick = ClientCounters()
    var latency = LatencyHistogramBox()
    var intervalLatency = LatencyHistogramBox()
}
