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

    /// DESIGN.md: metastable "while the offered load is back to its baseline: the trigger is
    /// gone". A load raised for good (three times the baseline) is a trigger still there; one
    /// within [0.9, 1/0.9] of it is back.
    @Test("Stays down under a load raised for good: degraded, not metastable; just above the baseline: metastable", arguments: [
        (300.0, false), (115.0, false), (110.0, true), (91.0, true), (89.0, false),
    ])
    func loadRaisedForGood(late: Double, metastable: Bool) {
        let intervals = Self.series(600, offered: { t in t >= 100 ? late : 100 }) { t in t >= 100 ? 5 : 100 }
        let v = OutcomeClassifier.classify(intervals: intervals, warmup: 10, faults: Self.spike)
        #expect(v.outcome == (metastable ? .metastable : .degraded), "late load \(late): \(v.outcome)")
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

/// A first fault at or before warmup's end leaves no interval to measure G0 on (DESIGN.md
/// "Outcomes": G0 is mean goodput after warmup and before the first fault). `recovered` does not
/// use G0 ("intervals turn unhealthy, then become healthy again and stay so"), so it is still
/// judged; metastable and goodput oscillation compare with G0 and are not.
extension OutcomeClassifierTests {
    /// A load dip from 0 to 90 s (warmup 30 s), then a fault from 180 to 190 s.
    static let fromTheStart = [FaultWindow(start: 0, end: 90), FaultWindow(start: 180, end: 190)]

    @Test("No baseline: a run healthy again after its last fault is recovered, with its time")
    func recoveredWithoutABaseline() {
        let intervals = Self.series(600) { t in t >= 180 && t < 200 ? 10 : 100 }
        let v = OutcomeClassifier.classify(intervals: intervals, warmup: 30, faults: Self.fromTheStart)
        #expect(!v.hasBaseline && v.baselineGoodput == 0)
        #expect(v.outcome == .recovered)
        #expect(v.recoveryTime.map { abs($0 - (200 - 190)) < 1e-9 } == true, "\(String(describing: v.recoveryTime))")
    }

    @Test("No baseline: a run that stays down is degraded, neither metastable nor oscillating against a G0 of 0")
    func degradedWithoutABaseline() {
        // Down to 20/s after the fault, with a wobble of +-1/s: against a step of 25% of 0 every
        // wobble would be a swing.
        let intervals = Self.series(600) { t in t >= 180 ? 20 + Double(t / 5 % 2) : 100 }
        let v = OutcomeClassifier.classify(intervals: intervals, warmup: 30, faults: Self.fromTheStart)
        #expect(!v.hasBaseline)
        #expect(v.outcome == .degraded)
        // With a fault-free stretch after warmup the same run is metastable.
        let measured = OutcomeClassifier.classify(intervals: intervals, warmup: 30, faults: [FaultWindow(start: 180, end: 190)])
        #expect(measured.hasBaseline && measured.outcome == .metastable)
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

/// DESIGN.md's second test of oscillation ("Outcomes"): goodput that keeps swinging by more than
/// 25% long after the trigger ended, under the baseline's offered load. Read over blocks of at
/// least 400 offered requests, counted as a zigzag: only a move of more than 25% of G0 from the
/// last turning point is a swing, so noise never is.
extension OutcomeClassifierTests {
    /// 600 s at 100 offered/s, a fault from 100 to 110 s; from `from` on, goodput alternates
    /// between 100/s and `low`/s every `half` seconds, `cycles` times, then stays at 100/s.
    static func swinging(low: Double, half: Int = 10, from: Int = 300, cycles: Int = 100) -> [IntervalFigures] {
        series(600) { t in
            guard t >= from, (t - from) / (2 * half) < cycles else { return 100 }
            return (t - from) / half % 2 == 0 ? 100 : low
        }
    }

    @Test("Goodput swinging by 40% of G0 long after the fault, load steady: oscillating")
    func goodputOscillates() {
        let v = OutcomeClassifier.classify(intervals: Self.swinging(low: 60), warmup: 10, faults: Self.spike)
        #expect(v.outcome == .oscillating)
        // Which test held, for the report page to name it alone.
        #expect(!v.oscillatingByInstances)
        let byInstances = OutcomeClassifier.classify(
            intervals: Self.series(600, successes: { _ in 100 }) { t in Double(4 + (t / 60) % 2 * 3) }, warmup: 10, faults: Self.spike)
        #expect(byInstances.outcome == .oscillating && byInstances.oscillatingByInstances)
    }

    @Test("The swing's size decides: 26% of G0 is one, 24% is not (so degraded)")
    func swingThreshold() {
        // Blocks of 4 one-second intervals (400 requests): each whole block in one phase.
        #expect(OutcomeClassifier.classify(intervals: Self.swinging(low: 74, half: 8), warmup: 10, faults: Self.spike).outcome == .oscillating)
        #expect(OutcomeClassifier.classify(intervals: Self.swinging(low: 76, half: 8), warmup: 10, faults: Self.spike).outcome == .degraded)
    }

    @Test("Four reversals are an oscillation; three are not")
    func reversalCount() {
        /// From 300 s, 20 s phases of goodput (50/s low, 100/s high), the last one held to the end.
        func phases(_ lows: [Bool]) -> [IntervalFigures] {
            Self.series(600) { t in
                guard t >= 300 else { return 100 }
                return lows[min((t - 300) / 20, lows.count - 1)] ? 50 : 100
            }
        }
        // Down (the direction is set: no reversal yet), up, down, up, down: 4 reversals.
        let four = phases([true, false, true, false, true])
        let late = four.filter { $0.end > 230 }
        let swings = OutcomeClassifier.goodputSwings(OutcomeClassifier.goodputBlocks(late, minimumRequests: 400), step: 25)
        #expect(swings.reversals == 4 && swings.low == 50 && swings.high == 100, "\(swings)")
        #expect(OutcomeClassifier.classify(intervals: four, warmup: 10, faults: Self.spike).outcome == .oscillating)
        // Down, up, down, up, and healthy from 360 s to the end: 3 reversals, no oscillation.
        // Healthy again long after the recovery window (250 s after the fault), but for the
        // last 240 s, more than that window: recovered.
        let three = phases([true, false, true, false])
        let settled = OutcomeClassifier.classify(intervals: three, warmup: 10, faults: Self.spike)
        #expect(settled.outcome == .recovered)
        #expect(settled.recoveryTime.map { abs($0 - 250) < 1e-9 } == true, "\(String(describing: settled.recoveryTime))")
    }

    @Test("Swings before the recovery window ends are not judged: a run that then stays down is metastable")
    func swingsBeforeTheRecoveryWindowEndsDoNotCount() {
        // Swinging from 110 to 190 s (7 reversals), then at 30/s to the end: from 230 s (the
        // fault's end + 120 s) goodput is flat and low, under the baseline's load.
        let intervals = Self.series(600) { t in
            guard t >= 110 else { return 100 }
            return t < 190 ? ((t - 110) / 10 % 2 == 0 ? 100 : 40) : 30
        }
        #expect(OutcomeClassifier.classify(intervals: intervals, warmup: 10, faults: Self.spike).outcome == .metastable)
        // The same swings ending healthy are the recovery.
        let back = Self.swinging(low: 40, half: 10, from: 110, cycles: 4)
        #expect(OutcomeClassifier.classify(intervals: back, warmup: 10, faults: Self.spike).outcome == .recovered)
    }

    @Test("Swings while the offered load is below its baseline are not judged: degraded")
    func swingsUnderLessLoad() {
        let intervals = Self.series(600, offered: { t in t >= 110 ? 60 : 100 }) { t in
            t < 110 ? 100 : (t / 10 % 2 == 0 ? 60 : 20)
        }
        #expect(OutcomeClassifier.classify(intervals: intervals, warmup: 10, faults: Self.spike).outcome == .degraded)
    }

    @Test("Noise of a few percent, however long, makes no swing")
    func noiseIsNotASwing() {
        // A deterministic wiggle of +-10% per interval around 70/s: blocks of 4 average it to
        // +-5% at most, far inside the step of 25/s.
        let intervals = Self.series(3600) { t in t < 100 ? 100 : 70 + (t % 3 == 0 ? 7 : t % 3 == 1 ? -7 : 3) }
        let v = OutcomeClassifier.classify(intervals: intervals, warmup: 10, faults: Self.spike)
        #expect(v.outcome == .degraded)
        let wiggle = OutcomeClassifier.goodputSwings(
            OutcomeClassifier.goodputBlocks(Array(intervals[230...]), minimumRequests: 400), step: 25)
        #expect(wiggle.reversals == 0)
    }

    @Test("The zigzag counts moves larger than its step from the last turning point")
    func zigzag() {
        func blocks(_ values: [Double]) -> [OutcomeClassifier.GoodputBlock] {
            values.enumerated().map { .init(start: Double($0.offset), end: Double($0.offset + 1), goodput: $0.element) }
        }
        // A slow drift down by more than the step, then back up: one direction set, one reversal.
        #expect(OutcomeClassifier.goodputSwings(blocks([100, 95, 90, 85, 80, 75, 90, 100]), step: 20).reversals == 1)
        // Exactly the step is not more than it.
        #expect(OutcomeClassifier.goodputSwings(blocks([100, 80, 100, 80, 100, 80]), step: 20).reversals == 0)
        #expect(OutcomeClassifier.goodputSwings(blocks([100, 79, 100, 79, 100, 79]), step: 20).reversals == 4)
        // Once a direction is set, a move back of exactly the step is not a reversal either.
        #expect(OutcomeClassifier.goodputSwings(blocks([100, 70, 90, 70, 90, 70]), step: 20).reversals == 0)
        #expect(OutcomeClassifier.goodputSwings(blocks([100, 70, 91, 70, 91, 70]), step: 20).reversals == 4)
        #expect(OutcomeClassifier.goodputSwings(blocks([100, 79, 100]), step: 0).reversals == 0)
    }
}
