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
///   permittedNumberOfCallsInHalfOpenState) and rejects the rest "until all permitted calls have
///   completed"; then "if the failure rate is then equal or greater than the configured
///   threshold, the state changes back to OPEN", and below it, back to CLOSED, with an empty
///   window (https://resilience4j.readme.io/docs/circuitbreaker, "Introduction": the state
///   machine; with one probe, Hystrix's single trial request and Fowler's trial call);
/// - only the attempts a state admitted decide it: answers to attempts admitted in an earlier
///   state (late answers when the timeout is longer than `open_for`) change nothing.
@Suite("Circuit breaker state machine")
struct CircuitBreakerTests {
    static let spec = CircuitBreakerSpec(
        failureRatio: 0.5, minRequests: 10, window: SimTime(seconds: 10), openFor: SimTime(seconds: 5), halfOpenProbes: 3)

    static func at(_ seconds: Double) -> SimTime { SimTime(seconds: seconds) }

    /// Lets `count` attempts through at `time` and records their outcomes there.
    static func ended(_ breaker: Box, _ count: Int, success: Bool, at time: SimTime) {
        for _ in 0..<count {
            let period = breaker.admit(at: time)
            #expect(period != nil)
            if let period { breaker.record(success: success, admittedIn: period, at: time) }
        }
    }

    /// A breaker opened at 1 s by ten failures.
    static func opened() -> Box {
        let breaker = Box(spec)
        ended(breaker, 10, success: false, at: at(1))
        #expect(breaker.state == .open)
        return breaker
    }

    /// The breaker in a box, so that `#expect` can call its mutating methods. `allow` keeps the
    /// period of each attempt it let through, and `record(success:at:)` answers the oldest of
    /// them, as a client whose answers come back in the order it sent them.
    final class Box {
        var breaker: CircuitBreaker
        var outstanding: [CircuitBreaker.Period] = []
        init(_ spec: CircuitBreakerSpec) { breaker = CircuitBreaker(spec) }
        func allow(at time: SimTime) -> Bool {
            guard let period = breaker.admit(at: time) else { return false }
            outstanding.append(period)
            return true
        }
        func record(success: Bool, at time: SimTime) {
            guard !outstanding.isEmpty else {
                Issue.record("an answer with no attempt outstanding")
                return
            }
            breaker.record(success: success, admittedIn: outstanding.removeFirst(), at: time)
        }
        func admit(at time: SimTime) -> CircuitBreaker.Period? { breaker.admit(at: time) }
        func record(success: Bool, admittedIn period: CircuitBreaker.Period, at time: SimTime) {
            breaker.record(success: success, admittedIn: period, at: time)
        }
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
        Self.ended(breaker, 1, success: false, at: Self.at(1))
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
        Self.ended(breaker, 1, success: true, at: Self.at(1))
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
        Self.ended(slid, 1, success: false, at: Self.at(11.5))
        #expect(slid.state == .open)
    }

    // MARK: - Open

    /// resilience4j's `OpenState.tryAcquirePermission` moves to half-open only when
    /// `clock.instant().isAfter(retryAfterWaitDuration)`, Hystrix's `isAfterSleepWindow` when
    /// `currentTime > circuitOpenedOrLastTestedTime + sleepWindowInMilliseconds`: strictly after.
    @Test("Open: rejects until strictly after open_for, then lets the first probe through")
    func openFor() {
        let breaker = Self.opened()
        // Opened at 1 s; open_for 5 s.
        #expect(!breaker.allow(at: Self.at(1)))
        #expect(!breaker.allow(at: Self.at(3)))
        #expect(!breaker.allow(at: SimTime(nanoseconds: Self.at(6).nanoseconds - 1)))
        #expect(!breaker.allow(at: Self.at(6)))
        #expect(breaker.state == .open)
        #expect(breaker.allow(at: SimTime(nanoseconds: Self.at(6).nanoseconds + 1)))
        #expect(breaker.state == .halfOpen)
        #expect(abs(breaker.secondsOpen(upTo: Self.at(7)) - 5) < 1e-6)
    }

    @Test("Open: late answers of attempts sent before it opened change nothing")
    func openIgnoresLateAnswers() {
        // Twenty attempts go out at 0.5 s and are still out when ten failures open it at 1 s.
        let breaker = Box(Self.spec)
        for _ in 0..<20 { #expect(breaker.allow(at: Self.at(0.5))) }
        let late = breaker.outstanding
        Self.ended(breaker, 10, success: false, at: Self.at(1))
        #expect(breaker.state == .open)
        for period in late { breaker.record(success: true, admittedIn: period, at: Self.at(2)) }
        #expect(breaker.state == .open)
        #expect(!breaker.allow(at: Self.at(5.9)))
        #expect(breaker.allow(at: Self.at(6.1)))
    }

    // MARK: - Half-open

    @Test("Half-open: exactly half_open_probes attempts go through, however many ask")
    func probeLimit() {
        let breaker = Self.opened()
        let allowed = (0..<10).filter { _ in breaker.allow(at: Self.at(6.001)) }.count
        #expect(allowed == Self.spec.halfOpenProbes)
        // Still none while the probes are out, however long they take.
        #expect(!breaker.allow(at: Self.at(30)))
        #expect(breaker.state == .halfOpen)
    }

    @Test("Half-open: all probes succeeded: closes when the last one ends, not before")
    func allProbesSucceed() {
        let breaker = Self.opened()
        for _ in 0..<3 { #expect(breaker.allow(at: Self.at(6.001))) }
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

    /// resilience4j (https://resilience4j.readme.io/docs/circuitbreaker, "Introduction"): in
    /// HALF_OPEN "further calls are rejected ... until all permitted calls have completed. If
    /// the failure rate is then equal or greater than the configured threshold, the state
    /// changes back to OPEN. If the failure rate ... is below the threshold, the state changes
    /// back to CLOSED." With failure_ratio 0.5 and 3 probes: 0 or 1 failed (0, 1/3) closes it;
    /// 2 or 3 failed (2/3, 1) open it again, for open_for from the last probe's end. The failed
    /// probes come first, so a rule that reopened at the first failure would reopen at 6.1 s.
    @Test("Half-open: once every probe ended, their failed share against failure_ratio decides", arguments: [0, 1, 2, 3])
    func probesFailureRateDecides(failures: Int) {
        let breaker = Self.opened()
        for _ in 0..<3 { #expect(breaker.allow(at: Self.at(6.001))) }
        for k in 0..<3 {
            #expect(breaker.state == .halfOpen, "decided after \(k) of the 3 probes ended")
            #expect(!breaker.allow(at: Self.at(6.05 + 0.1 * Double(k))), "a fourth probe went out")
            breaker.record(success: k >= failures, at: Self.at(6.1 + 0.1 * Double(k)))
        }
        if failures * 2 >= 3 {
            #expect(breaker.state == .open)
            #expect(breaker.openings == 2)
            // Open for open_for from the third probe's end (6.3 s), 11.3 s itself included.
            #expect(!breaker.allow(at: Self.at(11.3)))
            let after = SimTime(nanoseconds: Self.at(11.3).nanoseconds + 1)
            #expect(breaker.allow(at: after))
            #expect(breaker.state == .halfOpen)
            // A new half-open period: again exactly half_open_probes, counted afresh.
            let allowed = 1 + (0..<10).filter { _ in breaker.allow(at: after) }.count
            #expect(allowed == Self.spec.halfOpenProbes)
        } else {
            #expect(breaker.state == .closed)
            #expect(breaker.openings == 1)
            #expect(breaker.allow(at: Self.at(6.3)))
        }
    }

    @Test("Half-open: a failed share exactly at failure_ratio opens it again (>=), just below closes it")
    func probeThresholdIsInclusive() {
        // 2 probes, ratio 0.5: one failure is a failure rate of exactly 0.5, "equal or greater".
        var spec = Self.spec
        spec.halfOpenProbes = 2
        let atThreshold = Box(spec)
        Self.ended(atThreshold, 10, success: false, at: Self.at(1))
        for _ in 0..<2 { #expect(atThreshold.allow(at: Self.at(6.001))) }
        atThreshold.record(success: true, at: Self.at(6.1))
        atThreshold.record(success: false, at: Self.at(6.2))
        #expect(atThreshold.state == .open)
        // 4 probes, ratio 0.5: one failure is 0.25, below it.
        spec.halfOpenProbes = 4
        let below = Box(spec)
        Self.ended(below, 10, success: false, at: Self.at(1))
        for _ in 0..<4 { #expect(below.allow(at: Self.at(6.001))) }
        below.record(success: false, at: Self.at(6.1))
        for _ in 0..<3 { below.record(success: true, at: Self.at(6.2)) }
        #expect(below.state == .closed)
    }

    @Test("Closed again, it starts from an empty window")
    func closesWithFreshWindow() {
        let breaker = Self.opened()
        for _ in 0..<3 { #expect(breaker.allow(at: Self.at(6.001))) }
        for _ in 0..<3 { breaker.record(success: true, at: Self.at(6.5)) }
        #expect(breaker.state == .closed)
        // The ten failures of 1 s are still inside a 10 s window at 7 s; a fresh window holds
        // only the nine failures since, fewer than min_requests.
        Self.ended(breaker, 9, success: false, at: Self.at(7))
        #expect(breaker.state == .closed)
        Self.ended(breaker, 1, success: false, at: Self.at(7))
        #expect(breaker.state == .open)
        #expect(breaker.openings == 2)
    }

    @Test("One probe: its success closes, its failure reopens")
    func singleProbe() {
        var spec = Self.spec
        spec.halfOpenProbes = 1
        let breaker = Box(spec)
        Self.ended(breaker, 10, success: false, at: Self.at(1))
        #expect(breaker.allow(at: Self.at(6.001)))
        #expect(!breaker.allow(at: Self.at(6.001)))
        breaker.record(success: true, at: Self.at(6.1))
        #expect(breaker.state == .closed)
        // Its failure reopens it at once.
        let failing = Box(spec)
        Self.ended(failing, 10, success: false, at: Self.at(1))
        #expect(failing.allow(at: Self.at(6.001)))
        failing.record(success: false, at: Self.at(6.1))
        #expect(failing.state == .open)
        #expect(failing.openings == 2)
    }

    // MARK: - Only the attempts a state admitted decide it

    /// A breaker opened at 1 s by ten failures while `count` attempts sent at 0.5 s were still
    /// out; returns it with the periods those attempts were admitted in.
    static func openedWithStragglers(_ count: Int) -> (Box, [CircuitBreaker.Period]) {
        let breaker = Box(spec)
        let stragglers = (0..<count).compactMap { _ in breaker.admit(at: at(0.5)) }
        #expect(stragglers.count == count)
        ended(breaker, 10, success: false, at: at(1))
        #expect(breaker.state == .open)
        return (breaker, stragglers)
    }

    @Test("Half-open: late successes of attempts sent while closed do not close it; only its probes do")
    func lateSuccessesDoNotClose() {
        // resilience4j's half-open state judges the permittedNumberOfCallsInHalfOpenState calls
        // it let through ("CircuitBreaker", resilience4j.readme.io); Hystrix and Polly let their
        // trial call decide. Here 20 answers of attempts sent at 0.5 s, while closed, arrive
        // between the probes: they are not probes.
        let (breaker, stragglers) = Self.openedWithStragglers(20)
        for _ in 0..<3 { #expect(breaker.allow(at: Self.at(6.001))) }
        for period in stragglers { breaker.record(success: true, admittedIn: period, at: Self.at(6.05)) }
        #expect(breaker.state == .halfOpen, "closed by answers to attempts sent before it opened")
        #expect(!breaker.allow(at: Self.at(6.05)), "a fourth probe went out")
        breaker.record(success: true, at: Self.at(6.1))
        breaker.record(success: true, at: Self.at(6.2))
        #expect(breaker.state == .halfOpen)
        breaker.record(success: true, at: Self.at(6.3))
        #expect(breaker.state == .closed)
        #expect(breaker.openings == 1)
    }

    @Test("Half-open: late failures of attempts sent while closed do not reopen it")
    func lateFailuresDoNotReopen() {
        let (breaker, stragglers) = Self.openedWithStragglers(20)
        for _ in 0..<3 { #expect(breaker.allow(at: Self.at(6.001))) }
        for period in stragglers { breaker.record(success: false, admittedIn: period, at: Self.at(6.05)) }
        #expect(breaker.state == .halfOpen, "reopened by a timeout of an attempt sent before it opened")
        #expect(breaker.openings == 1)
        for _ in 0..<3 { breaker.record(success: true, at: Self.at(6.1)) }
        #expect(breaker.state == .closed)
    }

    @Test("Half-open: the probes that ended early wait for the slow one; its answer decides the period")
    func slowProbeDecides() {
        let breaker = Self.opened()
        for _ in 0..<3 { #expect(breaker.allow(at: Self.at(6.001))) }
        // Two probes fail at once; the third is slow. Until it ends, nothing else goes out,
        // however long it takes, and the breaker neither closes nor opens.
        breaker.record(success: false, at: Self.at(6.1))
        breaker.record(success: false, at: Self.at(6.1))
        #expect(breaker.state == .halfOpen)
        #expect(!breaker.allow(at: Self.at(30)))
        // It succeeds at 31 s: 2 of 3 failed, 2/3 >= 0.5, open again from 31 s.
        breaker.record(success: true, at: Self.at(31))
        #expect(breaker.state == .open)
        #expect(breaker.openings == 2)
        #expect(!breaker.allow(at: SimTime(nanoseconds: Self.at(36).nanoseconds - 1)))
        #expect(breaker.allow(at: Self.at(36.001)))
    }

    @Test("Half-open: a probe admitted but not sent (release) frees its slot; a stale release frees none")
    func releaseFreesAProbe() {
        let (breaker, stragglers) = Self.openedWithStragglers(1)
        let probes = (0..<3).compactMap { _ in breaker.admit(at: Self.at(6.001)) }
        #expect(probes.count == 3)
        #expect(breaker.admit(at: Self.at(6.001)) == nil)
        // An attempt admitted while closed, released now, is not one of the probes.
        breaker.breaker.release(admittedIn: stragglers[0])
        #expect(breaker.admit(at: Self.at(6.001)) == nil, "a release from the closed period freed a probe")
        // The third probe was not sent after all: one more may go, and no more.
        breaker.breaker.release(admittedIn: probes[2])
        let replacement = breaker.admit(at: Self.at(6.01))
        #expect(replacement != nil)
        #expect(breaker.admit(at: Self.at(6.01)) == nil)
        // The three probes sent close it.
        for period in [probes[0], probes[1], replacement].compactMap({ $0 }) {
            breaker.record(success: true, admittedIn: period, at: Self.at(6.1))
        }
        #expect(breaker.state == .closed)
    }

    @Test("Closed again: late failures from before it opened stay out of the fresh window")
    func lateFailuresStayOutOfFreshWindow() {
        // Ten attempts sent at 0.5 s answer only at 7 s, after the probes closed the breaker at
        // 6.5 s: they belong to the closed period that ended at 1 s, whose window was dropped.
        let (breaker, stragglers) = Self.openedWithStragglers(10)
        for _ in 0..<3 { #expect(breaker.allow(at: Self.at(6.001))) }
        for _ in 0..<3 { breaker.record(success: true, at: Self.at(6.5)) }
        #expect(breaker.state == .closed)
        for period in stragglers { breaker.record(success: false, admittedIn: period, at: Self.at(7)) }
        #expect(breaker.state == .closed, "opened by failures of attempts sent before it last opened")
        // Its own ten failures open it.
        Self.ended(breaker, 10, success: false, at: Self.at(7))
        #expect(breaker.state == .open)
        #expect(breaker.openings == 2)
    }
}

/// The same rule through the simulation: a client whose timeout is longer than `open_for`, so
/// that answers to attempts sent while the breaker was closed arrive while it is half-open.
@Suite("Circuit breaker through the simulation: late answers")
struct CircuitBreakerLateAnswerTests {
    static let breaker = CircuitBreakerSpec(
        failureRatio: 0.5, minRequests: 10, window: SimTime(seconds: 10), openFor: SimTime(seconds: 1), halfOpenProbes: 3)

    static func times(_ result: SimulationResult, _ kind: RunEventKind) -> [Double] {
        result.events.filter { $0.kind == kind }.map(\.time)
    }

    static func near(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) < 1e-9 }
    }

    @Test("Late successes: the breaker closes when its third probe answers, not at the third late answer")
    func closesOnItsOwnProbes() {
        // One request every 10 ms (the first at 10 ms), timeout 3 s; the service answers each in
        // 1.5 s, except from 0.195 to 0.345 s when it fails every attempt at once. Derived by hand:
        // - the attempts of 0.01...0.19 s (19) are out, to succeed at 1.51...1.69 s;
        // - those of 0.20...0.29 s fail at once, and the 10th failure (0.29 s) opens the
        //   breaker: the arrivals of 0.30...1.29 s are rejected (100; the one at exactly
        //   open_for after the opening too), so the rest of the fault goes unseen;
        // - at 1.30 s it is half-open: probes at 1.30, 1.31, 1.32 s, answered at 2.80, 2.81 and
        //   2.82 s; the 19 late successes of 1.51...1.69 s were admitted while closed and count
        //   for nothing (counted as probes, the third would close it at 1.53 s);
        // - the arrivals of 1.33...2.81 s are rejected (149); the third probe's answer at 2.82 s
        //   comes before the arrival of 2.82 s (scheduled earlier) and closes the breaker;
        // - 2.82...4.00 s: 119 attempts, none answered by the end.
        let spec = ScenarioSpec(
            name: "breaker-late-successes", duration: SimTime(seconds: 4), seed: 1,
            clients: [
                ClientSpec(
                    name: "users", target: "api", arrival: .constant(rate: 100), timeout: SimTime(seconds: 3),
                    circuitBreaker: Self.breaker)
            ],
            services: [ServiceSpec(name: "api", instances: 1, workers: 1000, serviceTime: .constant(value: 1.5))],
            timeline: [
                TimelineEventSpec(at: SimTime(seconds: 0.195), duration: SimTime(seconds: 0.15), action: .errors(service: "api", ratio: 1))
            ])
        let result = Simulation(spec: spec).run()
        let c = result.clients[0]
        #expect(Self.near(Self.times(result, .breakerOpened), [0.29]), "opened at \(Self.times(result, .breakerOpened))")
        #expect(Self.near(Self.times(result, .breakerHalfOpen), [1.30]), "half-open at \(Self.times(result, .breakerHalfOpen))")
        #expect(Self.near(Self.times(result, .breakerClosed), [2.82]), "closed at \(Self.times(result, .breakerClosed))")
        #expect(c.requests == 400)
        #expect(c.attempts == 19 + 10 + 3 + 119)
        #expect(c.attemptOutcomes["rejected"] == 100 + 149)
        #expect(c.attemptOutcomes["error"] == 10)
        #expect(c.successes == 19 + 3)
        #expect(result.services[0].arrivals == c.attempts)
    }

    @Test("Late timeouts: the breaker reopens when its last probe times out, not at a late timeout")
    func reopensOnItsOwnProbe() {
        // One request every 10 ms, timeout 2 s, a service that takes 5 s: every attempt times
        // out. Derived by hand:
        // - the timeouts of 2.01...2.10 s are the first ten: the breaker opens at 2.10 s (that
        //   timeout was scheduled before the arrival of 2.10 s, which is rejected); 209 attempts
        //   went out while closed, and their timeouts go on until 4.09 s;
        // - the arrival of 3.10 s, exactly open_for after the opening, is rejected; at 3.11 s
        //   it is half-open (the late timeout of 3.11 s comes first, while open): probes at
        //   3.11, 3.12, 3.13 s; the late timeouts of 3.12...4.09 s do not count (the one of
        //   3.12 s would count as a probe);
        // - the probes time out at 5.11, 5.12 and 5.13 s; when the third has ended, all three
        //   failed (3/3 >= 0.5) and it opens again at 5.13 s, until after the end (6 s).
        let spec = ScenarioSpec(
            name: "breaker-late-timeouts", duration: SimTime(seconds: 6), seed: 1,
            clients: [
                ClientSpec(
                    name: "users", target: "api", arrival: .constant(rate: 100), timeout: SimTime(seconds: 2),
                    circuitBreaker: Self.breaker)
            ],
            services: [ServiceSpec(name: "api", instances: 1, workers: 1000, serviceTime: .constant(value: 5))])
        let result = Simulation(spec: spec).run()
        let c = result.clients[0]
        #expect(Self.near(Self.times(result, .breakerOpened), [2.10, 5.13]), "opened at \(Self.times(result, .breakerOpened))")
        #expect(Self.near(Self.times(result, .breakerHalfOpen), [3.11]), "half-open at \(Self.times(result, .breakerHalfOpen))")
        #expect(Self.times(result, .breakerClosed).isEmpty)
        #expect(c.requests == 600)
        #expect(c.attempts == 209 + 3)
        #expect(c.attemptOutcomes["timeout"] == 209 + 3)
        #expect(c.attemptOutcomes["rejected"] == 600 - 212)
        #expect(result.services[0].arrivals == c.attempts)
    }
}

/// A breaker and an adaptive throttle on the same client: the breaker admits a half-open probe,
/// then the throttle may still reject it locally. Such a probe is never sent and never answered.
@Suite("Circuit breaker with an adaptive throttle")
struct CircuitBreakerThrottleTests {
    @Test("A probe the throttle rejects gives its slot back: the breaker closes once the service recovers")
    func throttledProbeIsReleased() {
        // The service answers each attempt in 10 ms, except from 20 to 40 s when it fails them
        // all. The breaker opens at the tenth failure; from then on the throttle sees only the
        // probes, none accepted, and rejects each with probability requests / (requests + 1)
        // over its window (0.5 with one probe in it), probes included. A probe slot kept by a
        // probe that was never sent would hold the breaker half-open, rejecting everything, to
        // the end.
        let spec = ScenarioSpec(
            name: "breaker-and-throttle", duration: SimTime(seconds: 120), seed: 3,
            clients: [
                ClientSpec(
                    name: "users", target: "api", arrival: .constant(rate: 100), timeout: SimTime(seconds: 1),
                    circuitBreaker: CircuitBreakerSpec(
                        failureRatio: 0.5, minRequests: 10, window: SimTime(seconds: 10), openFor: SimTime(seconds: 1),
                        halfOpenProbes: 3),
                    adaptiveThrottle: AdaptiveThrottleSpec(k: 2, window: SimTime(seconds: 10)))
            ],
            services: [ServiceSpec(name: "api", instances: 1, workers: 100, serviceTime: .constant(value: 0.01))],
            timeline: [
                TimelineEventSpec(at: SimTime(seconds: 20), duration: SimTime(seconds: 20), action: .errors(service: "api", ratio: 1))
            ])
        let result = Simulation(spec: spec).run()
        #expect(result.events.contains { $0.kind == .breakerOpened })
        let closed = result.events.filter { $0.kind == .breakerClosed }.map(\.time)
        #expect(closed.count == 1 && closed.allSatisfy { $0 > 40 }, "closed at \(closed)")
        // Once both let go, every request succeeds again. The throttle is slow to let go (its
        // window held about 1,000 rejected tries and no accept when the fault ended, so it sends
        // about one try in a thousand at first; it takes tens of seconds), but by the last 10 s
        // it rejects nothing: 100 a second, give or take one at the edges of the intervals.
        // With the probe slot leaked, nothing succeeds after 40 s.
        let successes = result.timeSeries.column("clients.users.successes") ?? []
        #expect(successes.count == 120)
        #expect(successes.suffix(10).reduce(0, +) >= 999, "successes in the last 10 s: \(successes.suffix(10))")
    }
}
