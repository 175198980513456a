import SatsimCore

/// Cumulative counters of one client since the start of the run. Summary and interval figures
/// are differences of two snapshots, so nothing is reset on the hot path. The hot path counts
/// with wrapping adds (`&+=`), which skip an overflow check per count: at one count per
/// nanosecond of simulated time a counter would need 292 years to reach 2^63.
public struct ClientCounters: Sendable, Equatable {
    public var requests = 0
    public var attempts = 0
    public var retries = 0
    public var successes = 0
    public var failures = 0
    /// Of `successes` and `failures`: the requests created before the warmup ended. The summary
    /// leaves them out, so that its figures describe the requests created after warmup and
    /// `successes + failures <= requests` always holds (the rest were still in flight at the end).
    public var earlySuccesses = 0
    public var earlyFailures = 0
    /// Attempts by outcome, in ``AttemptOutcome/allCases`` order: a tuple rather than an array, so
    /// that taking a snapshot never makes the next increment copy a shared buffer.
    public var outcomes: (Int, Int, Int, Int) = (0, 0, 0, 0)
    /// Of the `rejected` attempts: those the retry budget, the circuit breaker and the adaptive
    /// throttle refused, so that the story can name which guard held the load back.
    public var rejectedByBudget = 0
    public var rejectedByBreaker = 0
    public var rejectedByThrottle = 0

    public init() {}

    public static func == (a: ClientCounters, b: ClientCounters) -> Bool {
        a.requests == b.requests && a.attempts == b.attempts && a.retries == b.retries && a.successes == b.successes
            && a.failures == b.failures && a.earlySuccesses == b.earlySuccesses && a.earlyFailures == b.earlyFailures
            && a.outcomes == b.outcomes && a.rejectedByBudget == b.rejectedByBudget
            && a.rejectedByBreaker == b.rejectedByBreaker && a.rejectedByThrottle == b.rejectedByThrottle
    }

    public static func - (a: ClientCounters, b: ClientCounters) -> ClientCounters {
        var d = ClientCounters()
        d.requests = a.requests - b.requests
        d.attempts = a.attempts - b.attempts
        d.retries = a.retries - b.retries
        d.successes = a.successes - b.successes
        d.failures = a.failures - b.failures
        d.earlySuccesses = a.earlySuccesses - b.earlySuccesses
        d.earlyFailures = a.earlyFailures - b.earlyFailures
        d.outcomes = (
            a.outcomes.0 - b.outcomes.0, a.outcomes.1 - b.outcomes.1, a.outcomes.2 - b.outcomes.2,
            a.outcomes.3 - b.outcomes.3
        )
        d.rejectedByBudget = a.rejectedByBudget - b.rejectedByBudget
        d.rejectedByBreaker = a.rejectedByBreaker - b.rejectedByBreaker
        d.rejectedByThrottle = a.rejectedByThrottle - b.rejectedByThrottle
        return d
    }

    public func count(of outcome: AttemptOutcome) -> Int {
        switch outcome {
        case .success: return outcomes.0
        case .error: return outcomes.1
        case .timeout: return outcomes.2
        case .rejected: return outcomes.3
        }
    }

    /// Counts one attempt that ended in `outcome`.
    @inline(__always)
    public mutating func count(_ outcome: AttemptOutcome) {
        switch outcome {
        case .success: outcomes.0 &+= 1
        case .error: outcomes.1 &+= 1
        case .timeout: outcomes.2 &+= 1
        case .rejected: outcomes.3 &+= 1
        }
    }
}

/// The run-time state of one client.
struct ClientState {
    var spec: ClientSpec
    var target: Int
    let arrivalStream: RandomStream
    /// `arrivalStream` without reference counting, for every arrival gap.
    let arrivalStreamRef: UnownedRef<RandomStream>
    let networkStream: RandomStream
    let backoffStream: RandomStream
    /// `backoffStream` without reference counting, for every retry's jitter.
    let backoffStreamRef: UnownedRef<RandomStream>
    let thinkStream: RandomStream
    var network: Sampler?
    var think: Sampler?
    var timeout: Int64
    var maxAttempts: Int32
    /// Bit i set: outcome i (AttemptOutcome.allCases order) is retried.
    var retryMask: UInt8
    var backoff: BackoffSpec?
    /// Open loop: requests per second before any load factor; 0 for closed loop.
    var baseRate: Double
    /// Open loop: Poisson gaps, else constant ones (a `set` of arrival.process swaps them).
    var isPoisson: Bool
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
    var budget: RetryBudget?
    var breaker: CircuitBreaker?
    var throttle: AdaptiveThrottle?
    /// It has a retry budget, a circuit breaker or an adaptive throttle: sending an attempt asks
    /// them (``Simulation/refreshFastPaths()`` keeps it true to the fields above).
    var guarded = false
    let throttleStream: RandomStream
    /// Successes' latencies: each interval's, and the run's (see the box).
    let latency: LatencyHistogramBox
    /// `latency` without reference counting, for every success.
    let latencyRef: UnownedRef<LatencyHistogramBox>
    /// The calendar FIFO its attempt timeouts go to (all `timeout` after their send, so in
    /// order); -1 without a timeout.
    var timeoutFIFO = -1
    /// The calendar FIFO its next arrival goes to (an open-loop client has one pending at a time,
    /// each later than the last); -1: the heap.
    var arrivalFIFO = -1
}
