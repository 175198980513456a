import SatsimAnalysis
import Testing

/// The recovery time against DESIGN.md's words ("Outcomes"): "the summary gives the recovery
/// time, from t_end to the first of the healthy intervals that last to the end". Health is judged
/// over windows of at least 100 ended requests cut from the end of warmup on; at a low rate a
/// window spans many intervals, and the return is dated inside the window that holds it, not at
/// the next cut.
@Suite("Recovery time resolution")
struct RecoveryTimeResolutionTests {
    /// 10 requests a second for 60 s (deterministic, as `process: constant` at 10/s with a 10 ms
    /// service); every one fails in the seconds `failing` and succeeds otherwise.
    static func intervals(failing: Range<Int>, seconds: Int = 60) -> [IntervalFigures] {
        (0..<seconds).map { t in
            let down = failing.contains(t)
            return IntervalFigures(end: Double(t + 1), width: 1, requests: 10, successes: down ? 0 : 10,
                                   failures: down ? 10 : 0, instances: 1)
        }
    }

    @Test("A 10/s service healthy again the second its outage ends recovers in 0 s, not at the next window boundary")
    func recoveryTimeFollowsTheReturnNotTheWindowCut() {
        // Every request from 25 s on succeeds: windows of at least 100 requests cut from 25 s are
        // all healthy to the end, so the recovery time is 0. The windows cut from 0 s put the
        // outage in [20, 30], whose end (5 s after the fault) was the answer before.
        let v = OutcomeClassifier.classify(intervals: Self.intervals(failing: 20..<25), warmup: 0, faults: [FaultWindow(start: 20, end: 25)])
        #expect(v.outcome == .recovered)
        #expect(v.recoveryTime == 0)
    }

    @Test("Failures that outlast the fault by 3 s, inside one window, give a recovery time of 3 s")
    func recoveryTimeIsTheSecondsOfFailureAfterTheFault() {
        // The fault ends at 23 s but requests fail until 26 s. A window cut from 24 s or 25 s
        // holds 20 or 10 failures of 100 (80% and 90%): the first is unhealthy under the 90%
        // bound, the second meets it. So health holds from 25 s: 2 s after the fault. The bound
        // is met at exactly 90% (HealthWindow: ratio >= bound), which this case pins too.
        let v = OutcomeClassifier.classify(intervals: Self.intervals(failing: 20..<26), warmup: 0, faults: [FaultWindow(start: 20, end: 23)])
        #expect(v.outcome == .recovered)
        #expect(v.recoveryTime == 2)
        // A stricter bound (95%): a window from 25 s (10 failures in 100) is not healthy, from 26 s
        // on every one is: 3 s.
        var strict = OutcomeThresholds()
        strict.successRatio = 0.95
        let s = OutcomeClassifier.classify(intervals: Self.intervals(failing: 20..<26), warmup: 0, faults: [FaultWindow(start: 20, end: 23)], thresholds: strict)
        #expect(s.outcome == .recovered)
        #expect(s.recoveryTime == 3)
    }

    @Test("Only the last unhealthy window is searched, and the windows shown keep their cuts")
    func theSearchStaysInTheLastUnhealthyWindow() {
        // Outages at 12-14 s and 41-45 s, one fault list ending at 45 s. Windows cut from 0 s:
        // [0,10] healthy, [10,20] 80%, [20,30] and [30,40] healthy, [40,50] 60%, [50,60] healthy.
        // Health returns at 45 s, the fault's end: 0 s.
        let series: [IntervalFigures] = (0..<60).map { t in
            let down = (12..<14).contains(t) || (41..<45).contains(t)
            return IntervalFigures(end: Double(t + 1), width: 1, requests: 10, successes: down ? 0 : 10, failures: down ? 10 : 0, instances: 1)
        }
        let v = OutcomeClassifier.classify(intervals: series, warmup: 0, faults: [FaultWindow(start: 12, end: 45)])
        #expect(v.outcome == .recovered)
        #expect(v.recoveryTime == 0)
        let windows = OutcomeClassifier.healthWindows(series, thresholds: OutcomeThresholds(), latencyBound: nil)
        #expect(windows.map(\.start) == [0, 10, 20, 30, 40, 50])
        #expect(windows.map(\.isHealthy) == [true, false, true, true, false, true])
    }

    @Test("A hostile run whose last unhealthy window spans a million intervals is judged without a quadratic search")
    func theSearchIsBounded() {
        // One failure every 10^4 s for 10^6 s, then 100 successes in one second and 200 s of 10
        // a second. Cut from 0 s, the 100th failure (at 990,000 s) closes one unhealthy window of
        // 990,001 intervals; the next, from 990,001 s, is healthy. A window cut from j inside the
        // first holds the failures after j and the 100 successes: healthy only once j is past all
        // but 11 failures (j > 880,000 s), so every earlier trial scans on to the 10^6th second,
        // some 10^11 steps in all. The trials stop at OutcomeClassifier's budget and the next cut
        // stands: 990,001 s, 990,000 s after the fault (unbounded, the search would say 880,000).
        let quiet = 1_000_000
        var series: [IntervalFigures] = []
        series.reserveCapacity(quiet + 201)
        for t in 0..<quiet {
            let fails: Double = t % 10_000 == 0 ? 1 : 0
            series.append(IntervalFigures(end: Double(t + 1), width: 1, requests: fails, successes: 0, failures: fails, instances: 1))
        }
        series.append(IntervalFigures(end: Double(quiet + 1), width: 1, requests: 100, successes: 100, failures: 0, instances: 1))
        for t in 1...200 {
            series.append(IntervalFigures(end: Double(quiet + 1 + t), width: 1, requests: 10, successes: 10, failures: 0, instances: 1))
        }
        let v = OutcomeClassifier.classify(intervals: series, warmup: 0, faults: [FaultWindow(start: 0, end: 1)])
        #expect(v.outcome == .recovered)
        #expect(v.recoveryTime == 990_000)
    }

    /// One request every 5 s for 10 minutes: 120 requests, so the whole run is one health window.
    /// Every request fails in the seconds `failing`, and succeeds otherwise.
    static func slow(failing: Range<Int>, seconds: Int = 600) -> [IntervalFigures] {
        (0..<seconds).map { t in
            let sent: Double = t % 5 == 0 ? 1 : 0
            let down = failing.contains(t)
            return IntervalFigures(end: Double(t + 1), width: 1, requests: sent, successes: down ? 0 : sent,
                                   failures: down ? sent : 0, instances: 1)
        }
    }

    @Test("The run's only window is unhealthy, failures end 60 s after the fault: recovered in 26 s, not degraded")
    func theLastWindowHoldsTheReturn() {
        // 0.2 requests/s for 600 s, one window of 120 requests. A fault 180-240 s, failures until
        // 300 s (24 requests): 80% succeed, the window is unhealthy. Cut from 266 s, the rest of
        // the run holds 66 requests (270-595 s), 6 of them failures (270-295 s): 90.9%, and being
        // short of 100 it is judged on its own, as the run's only window is. From 265 s it holds 67
        // with 7 failures, 89.6%. So health holds from 266 s, 26 s after the fault. Before, a run
        // whose last window was unhealthy was never searched: this one read "degraded", and its
        // story "It did not come back" over minutes in which all that was offered succeeded.
        let series = Self.slow(failing: 180..<300)
        #expect(OutcomeClassifier.healthWindows(series, thresholds: OutcomeThresholds(), latencyBound: nil).count == 1)
        let v = OutcomeClassifier.classify(intervals: series, warmup: 0, faults: [FaultWindow(start: 180, end: 240)])
        #expect(v.outcome == .recovered)
        #expect(v.recoveryTime == 26)
    }

    @Test("The run's only window is unhealthy and failures go on to the end: still degraded")
    func theLastWindowWithoutAReturn() {
        // A fault 180-240 s; one request in three fails from 180 s to the end: no stretch from
        // any second on is healthy, so nothing recovered, and the run is judged as before.
        let series: [IntervalFigures] = (0..<600).map { t in
            let sent: Double = t % 5 == 0 ? 1 : 0
            let fail: Double = t >= 180 && t % 15 == 0 ? sent : 0
            return IntervalFigures(end: Double(t + 1), width: 1, requests: sent, successes: sent - fail, failures: fail, instances: 1)
        }
        let v = OutcomeClassifier.classify(intervals: series, warmup: 0, faults: [FaultWindow(start: 180, end: 240)])
        #expect(v.outcome == .degraded)
        #expect(v.recoveryTime == nil)
    }

    @Test("A return inside the last window later than the recovery window counts only if it then lasts that window")
    func aLateReturnInTheLastWindow() {
        // Failures go on until 420 s. Cut from 396 s, the rest holds 40 requests (400-595 s), 4
        // failures: 90%; from 395 s, 41 with 5: 87.8%. Healthy from 396 s, 156 s after the fault
        // (past the 120 s recovery window), and for the 204 s to the end (at least that window):
        // recovered, 156 s after.
        let late = OutcomeClassifier.classify(intervals: Self.slow(failing: 180..<420), warmup: 0, faults: [FaultWindow(start: 180, end: 240)])
        #expect(late.outcome == .recovered)
        #expect(late.recoveryTime == 156)
        // Until 520 s: healthy from 511 s (18 requests, 2 failures: 88.9% from 510 s; 17 with 1
        // from 511 s), for the last 89 s only, shorter than the recovery window: no recovery is
        // shown, and the run is judged by what held before it.
        let lull = OutcomeClassifier.classify(intervals: Self.slow(failing: 180..<520), warmup: 0, faults: [FaultWindow(start: 180, end: 240)])
        #expect(lull.outcome != .recovered)
        #expect(lull.recoveryTime == nil)
    }

    @Test("Seconds in which no request ended are no return: the run's end with nothing offered is not healthy again")
    func anEmptyTailIsNoReturn() {
        // Every request fails from 180 s to 596 s (the service scaled to zero); the last request
        // is sent at 595 s, so from 596 s on nothing is offered or ends. Windows cut from 596 s
        // hold no request: nothing shows health there, and no return is dated at 596 s.
        let series = Self.slow(failing: 180..<596)
        let v = OutcomeClassifier.classify(intervals: series, warmup: 0, faults: [FaultWindow(start: 180, end: 200)])
        #expect(v.outcome != .recovered)
        #expect(v.healthySince == nil)
    }
}
