import SatsimCore

/// Client-side adaptive throttling (`adaptive_throttle`), from Google's SRE book ("Handling
/// Overload"): over a sliding `window` the client counts `requests` (attempts it wanted to send)
/// and `accepts` (attempts the backend answered successfully), and rejects each new attempt
/// locally with probability max(0, (requests - k x accepts) / (requests + 1)).
///
/// In steady state a client that throttles sends about k times what the backend accepts: with
/// k = 2 an overloaded backend still sees twice its goodput in attempts, no more.
struct AdaptiveThrottle {
    let k: Double
    /// first: requests; second: accepts.
    private var window: SlidingWindow

    init(_ spec: AdaptiveThrottleSpec) {
        k = spec.k
        window = SlidingWindow(span: spec.window, buckets: 60)
    }

    /// The current rejection probability.
    mutating func rejectionProbability(at now: SimTime) -> Double {
        let (requests, accepts) = window.sums(at: now)
        return max(0, (requests - k * accepts) / (requests + 1))
    }

    /// Counts an attempt the client wants to send and decides, with the uniform draw `u`,
    /// whether to reject it locally.
    mutating func shouldReject(at now: SimTime, uniform u: Double) -> Bool {
        let p = rejectionProbability(at: now)
        window.add(first: 1, at: now)
        return u < p
    }

    /// The backend accepted an attempt.
    mutating func accepted(at now: SimTime) {
        window.add(second: 1, at: now)
    }
}
