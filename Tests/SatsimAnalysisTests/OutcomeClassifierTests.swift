import SatsimAnalysis
import Testing

/// The verdict on synthetic time series whose answer is known by construction.
@Suite("Outcome verdict")
struct OutcomeClassifierTests {
    /// 1-second intervals from 0 to `seconds`, with goodput and failures given per second.
    static func series(
        _ seconds: Int, offered: (Int) -> Double = { _ in 100 }, successes: (Int) -> Double,
        instances: (Int) -> Double = { _ in 4 }
    ) -> [IntervalFigures] {
        (0..<seconds).map { t in
            let ok = successes(t)
            return IntervalFigures(
                end: Double(t + 1), width: 1, requests: offered(t), successes: ok, failures: max(0, offered(t) - ok),
                instances: instances(t))
        }
    }

    static let spike = [FaultWindow(start: 100, end: 110)]

    @Test("Every interval healthy: stable")
    func stable() {
        let v = OutcomeClassifier.classify(intervals: Self.series(300) { _ in 100 }, warmup: 10, faults: Self.spike)
        #expect(v.outcome == .stable)
        #expect(v.recoveryTime == nil)
        #expect(abs(v.baselineGoodput - 100) < 1e-9)
    }

    @Test("Too few successes before any fault: overloaded")
    func overloaded() {
        let v = OutcomeClassifier.classify(intervals: Self.series(300) { _ in 80 }, warmup: 10, faults: Self.spike)
        #expect(v.outcome == .overloaded)
    }

    @Test("Falls during the fault and returns within the window: recovered, with its recovery time")
    func recovered() {
        let intervals = Self.series(400) { t in t >= 100 && t < 140 ? 10 : 100 }
        let v = OutcomeClassifier.classify(intervals: intervals, warmup: 10, faults: Self.spike)
        #expect(v.outcome == .recovered)
        // Every second holds 100 ended requests, so each is its own window; from 140 s on all
        // succeed, so recovery starts at 140, 30 s after the fault's end (no goodput smoothing:
        // health is the success ratio and the p99, DESIGN.md "Outcomes").
        #expect(v.recoveryTime.map { abs($0 - (140 - 110)) < 1e-9 } == true, "recovery time \(String(describing: v.recoveryTime))")
    }

    @Test("Stays down while offered load is back to baseline: metastable")
    func metastable() {
        let v = OutcomeClassifier.classify(intervals: Self.series(600) { t in t >= 100 ? 5 : 100 }, warmup: 10, faults: Self.spike)
        #expect(v.outcome == .metastable)
    }

    @Test("Stays down because offered load collapsed too: degraded, not metastable")
    func degradedWhenLoadGone() {
        let intervals = Self.series(600, offered: { t in t >= 100 ? 5 : 100 }) { t in t >= 100 ? 1 : 100 }
        let v = OutcomeClassifier.classify(intervals: intervals, warmup: 10, faults: Self.spike)
        #expect(v.outcome == .degraded)
    }

    @Test("Half-way back: neither recovered nor metastable, so degraded")
    func degradedHalfway() {
        let v = OutcomeClassifier.classify(intervals: Self.series(600) { t in t >= 100 ? 70 : 100 }, warmup: 10, faults: Self.spike)
        #expect(v.outcome == .degraded)
    }

    @Test("The instance count reverses direction four times: oscillating")
    func oscillating() {
        let intervals = Self.series(600, successes: { t in t >= 100 && t < 105 ? 50 : 100 }) { t in
            Double(4 + (t / 60) % 2 * 3)
        }
        let v = OutcomeClassifier.classify(intervals: intervals, warmup: 10, faults: Self.spike)
        #expect(v.outcome == .oscillating)
    }

    @Test("Warmup intervals are ignored")
    func warmupIgnored() {
        let v = OutcomeClassifier.classify(intervals: Self.series(300) { t in t < 30 ? 0 : 100 }, warmup: 30, faults: [])
        #expect(v.outcome == .stable)
    }
}

extension OutcomeClassifierTests {
    @Test("Instances that move during a fault and settle after it are not oscillating")
    func movementDuringTheFaultIsNotOscillation() {
        let intervals = Self.series(600, successes: { t in t >= 100 && t < 110 ? 50 : 100 }) { t in
            t >= 100 && t < 110 ? Double(t % 2 == 0 ? 4 : 2) : 4
        }
        let v = OutcomeClassifier.classify(intervals: intervals, warmup: 10, faults: Self.spike)
        #expect(v.outcome == .recovered)
    }
}
