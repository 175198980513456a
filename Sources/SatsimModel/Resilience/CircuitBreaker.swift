import SatsimCore

/// A client-side circuit breaker (`circuit_breaker`), as resilience4j's CircuitBreaker
/// (https://resilience4j.readme.io/docs/circuitbreaker, "Count-based sliding window" ff. and the
/// state machine's description), whose configuration the keys mirror: `failure_ratio` is
/// failureRateThreshold, `min_requests` minimumNumberOfCalls, `window` a time-based
/// slidingWindowSize, `open_for` waitDurationInOpenState and `half_open_probes`
/// permittedNumberOfCallsInHalfOpenState.
///
/// Closed, it lets attempts through and counts their outcomes over a sliding `window`. When at
/// least `min_requests` attempts ended in the window and the share that failed (error or
/// timeout) is equal to or greater than `failure_ratio`, it opens: for `open_for` every attempt
/// is rejected without being sent. Then it is half-open: it lets `half_open_probes` attempts
/// through and rejects the rest "until all permitted calls have completed"; then, if the share
/// of those probes that failed is equal to or greater than `failure_ratio`, it opens again, and
/// otherwise it closes, with a fresh window. With one probe (Hystrix's single trial request,
/// Fowler's trial call) that probe decides alone: its failure reopens, its success closes.
///
/// Only the attempts a state admitted decide what that state does. Each change of state starts
/// a new `Period`; an attempt carries the period it was admitted in, and its outcome counts only
/// if the breaker is still in that period when it ends. So when the client's timeout is longer
/// than `open_for`, the late answers of attempts sent while closed neither close nor reopen the
/// half-open breaker (Hystrix and Polly let their trial call decide), and they do not refill the
/// window of a breaker that closed again with a fresh one. This is satsim's choice, not
/// resilience4j's code: its state machine records every call that completes into whatever state
/// is current (`CircuitBreakerStateMachine.onSuccess`/`onError`), so there a late answer of a
/// call admitted while closed counts toward the half-open decision. Its documentation's "until
/// all permitted calls have completed" is followed; its code decides a half-open state once
/// min(minimumNumberOfCalls, permittedNumberOfCallsInHalfOpenState) calls ended, which differs
/// only when min_requests is below half_open_probes.
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
    /// Probes of the current half-open period that ended, and how many of them failed.
    private var probesEnded = 0
    private var probesFailed = 0
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
            // Strictly after open_for, as resilience4j's OpenState.tryAcquirePermission
            // (`clock.instant().isAfter(retryAfterWaitDuration)`) and Hystrix's
            // isAfterSleepWindow (`currentTime > openedAt + sleepWindow`) decide: an attempt at
            // exactly open_for is still rejected.
            guard now - openedAt > spec.openFor else { return nil }
            openSeconds += (now - openedAt).seconds
            enter(.halfOpen)
            probesSent = 0
            probesEnded = 0
            probesFailed = 0
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
            // resilience4j judges the probes once all of them have completed, by the same
            // threshold as when closed: failure rate >= failure_ratio opens, below it closes.
            probesEnded += 1
            if !success { probesFailed += 1 }
            guard probesEnded >= spec.halfOpenProbes else { return }
            if Double(probesFailed) / Double(probesEnded) >= spec.failureRatio {
                open(at: now)
            } else {
                enter(.closed)
                window.reset()
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
