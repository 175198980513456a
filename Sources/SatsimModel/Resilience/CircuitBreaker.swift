import SatsimCore

/// A client-side circuit breaker (`circuit_breaker`).
///
/// Closed, it lets attempts through and counts their outcomes over a sliding `window`. When at
/// least `min_requests` attempts ended in the window and the share that failed (error or
/// timeout) reaches `failure_ratio`, it opens: for `open_for` every attempt is rejected without
/// being sent. Then it is half-open: it lets `half_open_probes` attempts through; if all of them
/// succeed it closes (with a fresh window), and the first failure opens it again. This is the
/// state machine of Hystrix, resilience4j and Polly, with one difference in half-open:
/// resilience4j waits for its permittedNumberOfCallsInHalfOpenState calls and opens again only
/// when their failure rate reaches failureRateThreshold, so with threshold 0.5 and 5 probes two
/// failures still close it. Here any failed probe reopens it (Hystrix's and Polly's single
/// trial call, generalised to `half_open_probes`), which is the same rule whenever
/// failure_ratio x half_open_probes <= 1, and the schema says so ("all must succeed to close").
///
/// Only the attempts a state admitted decide what that state does. Each change of state starts
/// a new `Period`; an attempt carries the period it was admitted in, and its outcome counts only
/// if the breaker is still in that period when it ends. So when the client's timeout is longer
/// than `open_for`, the late answers of attempts sent while closed neither close nor reopen the
/// half-open breaker (resilience4j evaluates, in HALF_OPEN, the permittedNumberOfCallsInHalfOpenState
/// calls it let through; Hystrix and Polly let their trial call decide), and they do not refill the
/// window of a breaker that closed again with a fresh one.
struct CircuitBreaker {
    enum State: String { case closed, open, halfOpen = "half_open" }

    /// Numbers the stretches between changes of state. It wraps after 2^32 changes, far beyond
    /// any run; only equality matters.
    typealias Period = UInt32

    let spec: CircuitBreakerSpec
    private(set) var state: State = .closed
    /// The current stretch of `state`: bumped at every change of state.
    private(set) var period: Period = 0
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

    /// Whether an attempt may be sent now: the period it is admitted in, or nil if it is
    /// rejected. Counts a half-open probe when it admits one.
    mutating func admit(at now: SimTime) -> Period? {
        switch state {
        case .closed:
            return period
        case .open:
            guard now - openedAt >= spec.openFor else { return nil }
            openSeconds += (now - openedAt).seconds
            enter(.halfOpen)
            probesSent = 0
            probesSucceeded = 0
            fallthrough
        case .halfOpen:
            guard probesSent < spec.halfOpenProbes else { return nil }
            probesSent += 1
            return period
        }
    }

    /// An attempt `admit` let through in `admitted` was not sent after all (a later guard, the
    /// adaptive throttle, rejected it): the probe it took, if any, is free again. Otherwise a
    /// half-open breaker would wait for the answer to a probe never sent, and reject everything
    /// meanwhile. resilience4j's `releasePermission` does the same for a permitted call that
    /// is not made.
    mutating func release(admittedIn admitted: Period) {
        if state == .halfOpen && admitted == period && probesSent > 0 {
            probesSent -= 1
        }
    }

    /// An attempt admitted in `admitted` (what `admit` returned) ended. Its outcome counts only
    /// in the period that admitted it: an answer that arrives after the breaker changed state
    /// belongs to a past the breaker has already judged.
    mutating func record(success: Bool, admittedIn admitted: Period, at now: SimTime) {
        guard admitted == period else { return }
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
                    enter(.closed)
                    window.reset()
                }
            }
        case .open:
            // Nothing is admitted while open, so no outcome can belong to this period.
            break
        }
    }

    private mutating func enter(_ next: State) {
        state = next
        period &+= 1
    }

    private mutating func open(at now: SimTime) {
        enter(.open)
        openedAt = now
        openings += 1
    }

    /// Seconds spent open up to `now`, the current open period included.
    func secondsOpen(upTo now: SimTime) -> Double {
        state == .open ? openSeconds + (now - openedAt).seconds : openSeconds
    }
}
