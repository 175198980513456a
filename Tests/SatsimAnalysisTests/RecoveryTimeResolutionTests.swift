import SatsimAnalysis
import Testing

/// The recovery time against DESIGN.md's words ("Outcomes"): "the summary gives the recovery
/// time, from t_end to the first of the healthy intervals that last to the end". Health is judged
/// over windows of at least 100 ended requests cut from the end of warmup on, so at a low rate the
/// recovery time is the distance from t_end to the next window boundary, not to the return.
@Suite("Recovery time resolution")
struct RecoveryTimeResolutionTests {
    /// 10 requests a second (deterministic, as `process: constant` at 10/s with a 10 ms service),
    /// every one failing from 20 s to 25 s (a refuse outage), every one succeeding otherwise.
    static let intervals: [IntervalFigures] = (0..<60).map { t in
        let down = t >= 20 && t < 25
        return IntervalFigures(end: Double(t + 1), width: 1, requests: 10, successes: down ? 0 : 10,
                               failures: down ? 10 : 0, instances: 1)
    }

    @Test("A 10/s service healthy again the second its outage ends recovers in 0 s, not at the next window boundary")
    func recoveryTimeFollowsTheReturnNotTheWindowCut() {
        let v = OutcomeClassifier.classify(intervals: Self.intervals, warmup: 0, faults: [FaultWindow(start: 20, end: 25)])
        #expect(v.outcome == .recovered)
        // By construction every request from 25 s on succeeds: windows of at least 100 requests
        // that start at 25 s are all healthy to the end, so "the first of the healthy intervals
        // that last to the end" starts at 25 s and the recovery time is 0 (to the metrics
        // interval, 1 s). The verdict cuts windows from 0 s ([20, 30] holds the outage) and
        // reports 5 s; `satsim run` on the same run (/tmp/design/outage-det.yaml, windows cut at
        // 11, 21, 31 s) reports 6 s and tells "at 31s, the system was healthy again".
        withKnownIssue("recovery time is quantised to the 100-request window cut (DESIGN.md 'Outcomes')") {
            #expect(v.recoveryTime.map { $0 <= 1 } == true, "recovery time \(String(describing: v.recoveryTime))")
        }
    }
}
