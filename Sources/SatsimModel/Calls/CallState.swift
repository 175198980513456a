import SatsimCore

/// One entry of a service's `calls`, ready to run: the downstream service, the probability that
/// a request makes it, and the call's own timeout, retry policy and tolerance of failure.
struct CallState {
    let spec: CallSpec
    /// The calling service and the called one (indices into `Simulation.services`).
    let caller: Int
    let target: Int
    let timeout: Int64
    let maxAttempts: Int32
    /// Bit i set: outcome i (AttemptOutcome.allCases order) is retried.
    let retryMask: UInt8
    let backoff: BackoffSpec?
    var budget: RetryBudget?
    /// Draws whether the call is made, and the backoff jitter.
    let stream: RandomStream
}
