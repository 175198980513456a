import SatsimCore

/// One entry of a service's `calls`, ready to run: the downstream service, the probability that
/// a request makes it, and the call's own timeout, retry policy and tolerance of failure.
struct CallState {
    var spec: CallSpec
    /// The calling service and the called one (indices into `Simulation.services`).
    let caller: Int
    var target: Int
    var timeout: Int64
    var maxAttempts: Int32
    /// Bit i set: outcome i (AttemptOutcome.allCases order) is retried.
    var retryMask: UInt8
    var backoff: BackoffSpec?
    var budget: RetryBudget?
    /// The edge's circuit breaker (`calls[i].circuit_breaker`), set by `prepareEdgeBreakers`.
    var breaker: CircuitBreaker?
    /// Draws whether the call is made, and the backoff jitter.
    let stream: RandomStream
    /// `stream` without reference counting, for every retry's jitter.
    let streamRef: UnownedRef<RandomStream>
    /// The calendar FIFO its attempt timeouts go to (all `timeout` after their send, so in
    /// order); -1 without a timeout (one a `set` gives later goes to the heap, in the same order).
    var timeoutFIFO = -1
}
