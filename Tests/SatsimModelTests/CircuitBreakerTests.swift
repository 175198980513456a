import SatsimCore
@testable import SatsimModel
import Testing

/// The circuit breaker's state machine, step by step, at chosen instants, against the rules
/// `circuit_breaker` documents (CircuitBreaker.swift):
/// - closed, it opens when at least `min_requests` attempts ended in the sliding `window` and
///   the share that failed reached `failure_ratio` (resilience4j's failureRateThreshold,
///   minimumNumberOfCalls and sliding window; "CircuitBreaker", resilience4j.readme.io: the
///   state changes "when the failure rate is equal or greater than" the threshold);
/// - open, it rejects every attempt for exactly `open_for`;
/// - then half-open, it lets exactly `half_open_probes` attempts through (resilience4j's
///   permittedNumberOfCallsInHalfOpenState), closes with an empty window when all of them
///   succeeded, and opens again at the first that failed (Polly's and Hystrix's trial call;
///   stricter than resilience4j, which compares the probes' failure rate to the threshold).
@Suite("Circuit breaker state machine")
struct CircuitBreakerTests {
    static let spec = CircuitBreakerSpec(
        failureRatio: 0.5, minRequests: 10, window: SimTime(seconds: 10), openFor: SimTime(seconds: 5), halfOpenProbes: 3)

    static func at(_ seconds: Double) -> SimTime { SimTime(seconds: seconds) }

    /// Lets `count` attempts through at `time` and records their outcomes there.
    static func ended(_ breaker: Box, _ count: Int, success: Bool, at time: SimTime) {
        for _ in 0..<count {
            #expect(breaker.allow(at: time))
            breaker.record(success: success, at: time)
        }
    }

    /// A breaker opened at 1 s by ten failures.
    static func opened() -> Box {
        let breaker = Box(spec)
        ended(breaker, 10, success: false, at: at(1))
        #expect(breaker.state == .open)
        return breaker
    }

    /// The breaker in a box, so that `#expect` can call its mutating methods.
    final class Box {
        var breaker: CircuitBreaker
        init(_ spec: CircuitBreakerSpec) { breaker = CircuitBreaker(spec) }
        func allow(at time: SimTime) -> Bool { breaker.allow(at: time) }
        func record(success: Bool, at time: SimTime) { breaker.record(success: success, at: time) }
        var state: CircuitBreaker.State { breaker.state }
        var openings: Int { breaker.openings }
        func secondsOpen(upTo time: SimTime) -> Double { breaker.secondsOpen(upTo: time) }
    }

    // MARK: - Closed -> open

    @Test("Stays closed below min_requests, however many of them failed")
    func minRequests() {
        let breaker = Box(Self.spec)
        Self.ended(breaker, 9, success: false, at: Self.at(1))
        #expect(breaker.state == .closed)
        breaker.record(success: false, at: Self.at(1))
        #expect(breaker.state == .open)
        #expect(breaker.openings == 1)
    }

    @Test("Opens when the failed share reaches failure_ratio (>=), whichever outcome completes the count")
    func ratioReached() {
        // 5 failures then 5 successes: the tenth ended attempt is a success, and 5/10 = 0.5.
        let breaker = Box(Self.spec)
        Self.ended(breaker, 5, success: false, at: Self.at(1))
        Self.ended(breaker, 4, success: true, at: Self.at(1))
        #expect(breaker.state == .closed)
        breaker.record(success: true, at: Self.at(1))
        #expect(breaker.state == .open)
    }

    @Test("Stays closed below failure_ratio")
    func ratioNotReached() {
        // 6 successes, then 4 failures (0.4), then a fifth failure (5/11 = 0.45): still closed;
        // a sixth (6/12 = 0.5) opens it.
        let breaker = Box(Self.spec)
        Self.ended(breaker, 6, success: true, at: Self.at(1))
        Self.ended(breaker, 5, success: false, at: Self.at(1))
        #expect(breaker.state == .closed)
        Self.ended(breaker, 1, success: false, at: Self.at(1))
        #expect(breaker.state == .open)
    }

    @Test("The window slides: outcomes older than the window no longer count")
    func slidingWindow() {
        // Five failures 11 s before five more: the first five left the 10 s window.
        let old = Box(Self.spec)
        Self.ended(old, 5, success: false, at: Self.at(0.5))
        Self.ended(old, 5, success: false, at: Self.at(11.5))
        #expect(old.state == .closed)
        // 8 s apart they are both inside it.
        let recent = Box(Self.spec)
        Self.ended(recent, 5, success: false, at: Self.at(0.5))
        Self.ended(recent, 5, success: false, at: Self.at(8.5))
        #expect(recent.state == .open)
        // Successes slide out too: 10 successes, then 10 failures 11 s later open it at the
        // tenth failure (10/10), not the twentieth.
        let slid = Box(Self.spec)
        Self.ended(slid, 10, success: true, at: Self.at(0.5))
        Self.ended(slid, 9, success: false, at: Self.at(11.5))
        #expect(slid.state == .closed)
        slid.record(success: false, at: Self.at(11.5))
        #expect(slid.state == .open)
    }

    // MARK: - Open

    @Test("Open: rejects for exactly open_for, then lets the first probe through")
    func openFor() {
        let breaker = Self.opened()
        // Opened at 1 s; open_for 5 s.
        #expect(!breaker.allow(at: Self.at(1)))
        #expect(!breaker.allow(at: Self.at(3)))
        #expect(!breaker.allow(at: SimTime(nanoseconds: Self.at(6).nanoseconds - 1)))
        #expect(breaker.state == .open)
        #expect(breaker.allow(at: Self.at(6)))
        #expect(breaker.state == .halfOpen)
        #expect(abs(breaker.secondsOpen(upTo: Self.at(7)) - 5) < 1e-9)
    }

    @Test("Open: late answers of attempts sent before it opened change nothing")
    func openIgnoresLateAnswers() {
        let breaker = Self.opened()
        for _ in 0..<20 { breaker.record(success: true, at: Self.at(2)) }
        #expect(breaker.state == .open)
        #expect(!breaker.allow(at: Self.at(5.9)))
        #expect(breaker.allow(at: Self.at(6)))
    }

    // MARK: - Half-open

    @Test("Half-open: exactly half_open_probes attempts go through, however many ask")
    func probeLimit() {
        let breaker = Self.opened()
        let allowed = (0..<10).filter { _ in breaker.allow(at: Self.at(6)) }.count
        #expect(allowed == Self.spec.halfOpenProbes)
        // Still none while the probes are out, however long they take.
        #expect(!breaker.allow(at: Self.at(30)))
        #expect(breaker.state == .halfOpen)
    }

    @Test("Half-open: closes only when every probe succeeded")
    func allProbesMustSucceed() {
        let breaker = Self.opened()
        for _ in 0..<3 { #expect(breaker.allow(at: Self.at(6))) }
        breaker.record(success: true, at: Self.at(6.1))
        #expect(breaker.state == .halfOpen, "closed after the first successful probe")
        #expect(!breaker.allow(at: Self.at(6.1)))
        breaker.record(success: true, at: Self.at(6.2))
        #expect(breaker.state == .halfOpen, "closed after the second successful probe")
        #expect(!breaker.allow(at: Self.at(6.2)))
        breaker.record(success: true, at: Self.at(6.3))
        #expect(breaker.state == .closed)
        #expect(breaker.allow(at: Self.at(6.3)))
        #expect(breaker.openings == 1)
    }

    @Test("Half-open: any failed probe opens it again, for open_for from then", arguments: [0, 1, 2])
    func failedProbeReopens(successesFirst: Int) {
        let breaker = Self.opened()
        for _ in 0..<3 { #expect(breaker.allow(at: Self.at(6))) }
        for _ in 0..<successesFirst { breaker.record(success: true, at: Self.at(6.1)) }
        breaker.record(success: false, at: Self.at(7))
        #expect(breaker.state == .open)
        #expect(breaker.openings == 2)
        // The remaining probes' answers, arriving while open, change nothing.
        for _ in successesFirst..<2 { breaker.record(success: true, at: Self.at(7.5)) }
        #expect(breaker.state == .open)
        #expect(!breaker.allow(at: SimTime(nanoseconds: Self.at(12).nanoseconds - 1)))
        #expect(breaker.allow(at: Self.at(12)))
        #expect(breaker.state == .halfOpen)
        // A new half-open period: again exactly half_open_probes, counted afresh.
        let allowed = 1 + (0..<10).filter { _ in breaker.allow(at: Self.at(12)) }.count
        #expect(allowed == Self.spec.halfOpenProbes)
    }

    @Test("Closed again, it starts from an empty window")
    func closesWithFreshWindow() {
        let breaker = Self.opened()
        for _ in 0..<3 { #expect(breaker.allow(at: Self.at(6))) }
        for _ in 0..<3 { breaker.record(success: true, at: Self.at(6.5)) }
        #expect(breaker.state == .closed)
        // The ten failures of 1 s are still inside a 10 s window at 7 s; a fresh window holds
        // only the nine failures since, fewer than min_requests.
        Self.ended(breaker, 9, success: false, at: Self.at(7))
        #expect(breaker.state == .closed)
        breaker.record(success: false, at: Self.at(7))
        #expect(breaker.state == .open)
        #expect(breaker.openings == 2)
    }

    @Test("One probe: its success closes, its failure reopens")
    func singleProbe() {
        var spec = Self.spec
        spec.halfOpenProbes = 1
        let breaker = Box(spec)
        Self.ended(breaker, 10, success: false, at: Self.at(1))
        #expect(breaker.allow(at: Self.at(6)))
        #expect(!breaker.allow(at: Self.at(6)))
        breaker.record(success: true, at: Self.at(6.1))
        #expect(breaker.state == .closed)
    }
}
