import SatsimCore

/// Client-side adaptive throttling (`adaptive_throttle`), from Google's SRE book ("Handling
/// Overload"): over a sliding `window` the client counts `requests` (attempts it wanted to send)
/// and `accepts` (attempts the backend answered successfully), and rejects each new attempt
/// locally with probability max(0, (requests - k x accepts) / (requests + 1)).
///
/// In steady state a client that throttles sends about k times what the backend accepts: with
/// k = 2 an overloaded backend still sees twice its goodput in attempts, no more.
///
/// What an accept is: the book (https://sre.google/sre-book/handling-overload/, "Client-Side
/// Throttling") defines `accepts` as "the number of requests accepted by the backend", and
/// rejections as what an overloaded backend answers instead. A client here cannot tell an
/// overload rejection (a full queue, a queue timeout, a CoDel drop, a refused connection) from
/// any other error, nor whether a timed-out attempt was ever accepted, so only a success counts
/// as an accept. Google's own gRPC does the same in its route-lookup client, which applies this
/// throttle: grpc-java's `CachingRlsLbClient` registers every error (`onError`) as throttled by
/// the backend and only a completed call (`onCompleted`) as accepted.
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
