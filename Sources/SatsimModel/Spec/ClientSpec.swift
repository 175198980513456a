import SatsimCore

/// `clients.NAME`: a source of load.
public struct ClientSpec: Sendable, Hashable {
    public var name: String
    /// `target`: the service it calls.
    public var target: String
    /// `arrival`.
    public var arrival: ArrivalSpec
    /// `network`: one-way delay added to each attempt (each way).
    public var network: Distribution?
    /// `timeout`: per attempt; nil waits forever.
    public var timeout: SimTime?
    /// `retry`: nil sends one attempt per request.
    public var retry: RetrySpec?
    /// `circuit_breaker`.
    public var circuitBreaker: CircuitBreakerSpec?
    /// `adaptive_throttle`.
    public var adaptiveThrottle: AdaptiveThrottleSpec?

    public init(
        name: String, target: String, arrival: ArrivalSpec, network: Distribution? = nil, timeout: SimTime? = nil,
        retry: RetrySpec? = nil, circuitBreaker: CircuitBreakerSpec? = nil, adaptiveThrottle: AdaptiveThrottleSpec? = nil
    ) {
        self.name = name
        self.target = target
        self.arrival = arrival
        self.network = network
        self.timeout = timeout
        self.retry = retry
        self.circuitBreaker = circuitBreaker
        self.adaptiveThrottle = adaptiveThrottle
    }
}

/// `arrival`: open loop (a rate, independent of how the service answers) or closed loop (a fixed
/// population of users who each wait for an answer, then think).
public enum ArrivalSpec: Sendable, Hashable {
    /// `process: poisson, rate: R`: exponential inter-arrival times with mean 1/R [R per second].
    case poisson(rate: Double)
    /// `process: constant, rate: R`: one request every 1/R seconds.
    case constant(rate: Double)
    /// `process: closed, users: N, think: DIST`.
    case closed(users: Int, think: Distribution)

    /// A closed loop (users who wait for their answers), not an open one.
    public var isClosed: Bool {
        if case .closed = self { return true }
        return false
    }
}

/// The ways an attempt can end for the client (the model's outcome vocabulary, DESIGN.md).
public enum AttemptOutcome: String, Sendable, Hashable, CaseIterable, Comparable {
    /// A response before the client's timeout.
    case success
    /// A fast failure: full queue, refused, injected error, failed required call.
    case error
    /// No answer in time.
    case timeout
    /// Never sent: open breaker, empty retry budget, adaptive throttle.
    case rejected

    public static func < (a: AttemptOutcome, b: AttemptOutcome) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// `retry`.
public struct RetrySpec: Sendable, Hashable {
    /// `max_attempts`: total attempts including the first (>= 1).
    public var maxAttempts: Int
    /// `on`: which outcomes are retried (default timeout, error, rejected).
    public var on: Set<AttemptOutcome>
    /// `backoff`: nil retries at once.
    public var backoff: BackoffSpec?
    /// `budget`.
    public var budget: RetryBudgetSpec?

    public init(
        maxAttempts: Int, on: Set<AttemptOutcome> = [.timeout, .error, .rejected], backoff: BackoffSpec? = nil,
        budget: RetryBudgetSpec? = nil
    ) {
        self.maxAttempts = maxAttempts
        self.on = on
        self.backoff = backoff
        self.budget = budget
    }
}

/// `backoff`: the n-th retry (n = 0 first) waits from v = min(cap, base x multiplier^n).
public struct BackoffSpec: Sendable, Hashable {
    public var base: SimTime
    public var multiplier: Double
    public var cap: SimTime
    public var jitter: Jitter
    public init(base: SimTime, multiplier: Double = 2, cap: SimTime = .never, jitter: Jitter = .none) {
        self.base = base
        self.multiplier = multiplier
        self.cap = cap
        self.jitter = jitter
    }
}

/// `jitter` (AWS Architecture Blog, "Exponential Backoff and Jitter").
public enum Jitter: String, Sendable, Hashable, CaseIterable {
    /// Wait exactly v.
    case none
    /// Uniform on [0, v].
    case full
    /// v/2 plus uniform on [0, v/2].
    case equal
    /// min(cap, uniform on [base, 3 x previous wait]).
    case decorrelated
}

/// `budget`: retries allowed <= ratio x first attempts (a token bucket), plus a floor per second.
public struct RetryBudgetSpec: Sendable, Hashable {
    public var ratio: Double
    public var minPerSecond: Double
    public init(ratio: Double, minPerSecond: Double = 0) {
        self.ratio = ratio
        self.minPerSecond = minPerSecond
    }
}

/// `circuit_breaker`.
public struct CircuitBreakerSpec: Sendable, Hashable {
    public var failureRatio: Double
    public var minRequests: Int
    public var window: SimTime
    public var openFor: SimTime
    public var halfOpenProbes: Int
    public init(failureRatio: Double, minRequests: Int, window: SimTime, openFor: SimTime, halfOpenProbes: Int) {
        self.failureRatio = failureRatio
        self.minRequests = minRequests
        self.window = window
        self.openFor = openFor
        self.halfOpenProbes = halfOpenProbes
    }
}

/// `adaptive_throttle`: client-side rejection with p = max(0, (requests - k accepts)/(requests + 1))
/// (Google SRE book, "Handling Overload").
public struct AdaptiveThrottleSpec: Sendable, Hashable {
    public var k: Double
    public var window: SimTime
    public init(k: Double, window: SimTime) {
        self.k = k
        self.window = window
    }
}
