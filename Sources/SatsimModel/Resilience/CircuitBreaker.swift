import SatsimCore

/// A client-side circuit breaker (`circuit_breaker`).
///
/// Closed, it lets attempts through and counts their outcomes over a sliding `window`. When at
/// least `min_requests` attempts ended in the window and the share that failed (error or
/// timeout) reaches `failure_ratio`, it opens: for `open_for` every attempt is rejected without
/// being sent. Then it is half-open: it lets `half_open_probes` attempts through; if all of them
/// succeed it closes (with a fresh window), and the first failure opens it again. This is the
/// state machine of Hystrix, resilience4j and Polly.
struct CircuitBreaker {
    enum State: String { case closed, open, halfOpen = "half_open" }

    let spec: CircuitBreakerSpec
    private(set) var state: State = .closed
    private var openedAt: SimTime = .zero
    /// first: attempts ended; second: failures.
    private var window: SlidingWindow
    private var probesSent = 0
    private var probesSucceeded = 0
    /// Times the breaker opened.
    private(set) var openings = 0
    /// Total time spent open, and when the current open period started [for time-in-state].
    private(set) var openSeconds = 0.0

    init(_ spec: CircuitBreakerSpec) {
        self.spec = spec
        window = SlidingWindow(span: spec.window)
    }

    /// Whether an attempt may be sent now; counts a half-open probe when it may.
    mutating func allow(at now: SimTime) -> Bool {
        switch state {
        case .closed:
            return true
        case .open:
            guard now - openedAt >= spec.openFor else { return false }
            openSeconds += (now - openedAt).seconds
            state = .halfOpen
            probesSent = 0
            probesSucceeded = 0
            fallthrough
        case .halfOpen:
            guard probesSent < spec.halfOpenProbes else { return false }
            probesSent += 1
            return true
        }
    }

    /// An attempt that was let through ended.
    mutating func record(success: Bool, at now: SimTime) {
        switch state {
        case .closed:
            window.add(first: 1, second: success ? 0 : 1, at: now)
            let (ended, failed) = window.sums(at: now)
            if ended >= Double(spec.minRequests) && failed / ended >= spec.failureRatio {
                open(at: now)
            }
        case .halfOpen:
            if !success {
                open(at: now)
            } else {
                probesSucceeded += 1
                if probesSucceeded >= spec.halfOpenProbes {
                    state = .closed
                    window.reset()
                }
            }
        case .open:
            // An answer to an attempt sent before the breaker opened changes nothing.
            break
        }
    }

    private mutating func open(at now: SimTime) {
        state = .open
        openedAt = now
        openings += 1
    }

    /// Seconds spent open up to `now`, the current open period included.
    func secondsOpen(upTo now: SimTime) -> Double {
        state == .open ? openSeconds + (now - openedAt).seconds : openSeconds
    }
}
