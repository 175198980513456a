import SatsimAnalysis
import SatsimCore
import SatsimMetrics
import SatsimModel
import Testing

/// The verdict's notion of health (DESIGN.md, "Outcomes"): a window is healthy only when at least
/// 90% of its ended requests succeed AND the p99 latency of its successes is at most 3x the
/// baseline p99; an `slo` replaces either bound; health is judged over windows of at least 100
/// ended requests. Both halves are the SLIs of the Google SRE book, ch. 4 "Service Level
/// Objectives": request latency ("most services consider request latency ... as a key SLI") and
/// the share of requests that succeed (availability as "yield"), each aggregated over a
/// measurement window into a rate or a percentile; an SLO is a target on an SLI (SLI <= target),
/// which is what the `slo` block sets.
///
/// Every series here is synthetic, with the answer known by construction: 1-second intervals, a
/// fault from 100 s to 110 s, warmup 10 s, and every success of an interval at one latency, so a
/// window's p99 is exactly that latency (the histogram caps a percentile at the exact maximum).
@Suite("Verdict: health is success ratio and p99, over windows of enough requests")
struct VerdictHealthTests {
    static let fault = [FaultWindow(start: 100, end: 110)]

    /// `offered` requests a second, `successes(t)` of them succeed at `latency(t)` seconds each.
    static func series(
        _ seconds: Int = 600, offered: @escaping (Int) -> Double = { _ in 100 }, successes: (Int) -> Double = { _ in 100 },
        latency: (Int) -> Double = { _ in 0.1 }
    ) -> [IntervalFigures] {
        (0..<seconds).map { t in
            let ok = successes(t)
            var h = CompactLatencyHistogram()
            h.record(SimTime(seconds: latency(t)), count: Int(ok))
            return IntervalFigures(
                end: Double(t + 1), width: 1, requests: offered(t), successes: ok, failures: max(0, offered(t) - ok),
                instances: 4, latency: h)
        }
    }

    static func classify(_ intervals: [IntervalFigures], thresholds: OutcomeThresholds = OutcomeThresholds()) -> OutcomeVerdict {
        OutcomeClassifier.classify(intervals: intervals, warmup: 10, faults: fault, thresholds: thresholds)
    }

    static func isClose(_ a: Double?, _ b: Double) -> Bool { a.map { abs($0 - b) < 1e-9 } ?? false }

    // MARK: - Latency is half of health

    @Test("A queue that drains for three minutes after the spike, with no failure and p99 at 17 s, is not stable")
    func slowDrainIsNotStable() {
        // Nothing fails; the successes of 100-290 s wait up to 17 s (the backlog).
        let drain = Self.series(latency: { t in t >= 100 && t < 290 ? 17 : 0.1 })
        let v = Self.classify(drain)
        #expect(v.outcome != .stable)
        // Healthy again at 290 s, 180 s after the fault, later than the 120 s recovery window,
        // and healthy for the 310 s to the end of the 600 s run, at least that window: the queue
        // drained and the system recovered (DESIGN.md: "become healthy again and stay so").
        #expect(v.outcome == .recovered)
        #expect(Self.isClose(v.recoveryTime, 180))
        // The same drain in a run of 400 s is healthy for its last 110 s only: no recovery shown,
        // and goodput never fell below half, so neither recovered nor metastable.
        #expect(Self.classify(Self.series(400, latency: { t in t >= 100 && t < 290 ? 17 : 0.1 })).outcome == .degraded)
        #expect(Self.isClose(v.baselineLatencyP99, 0.1))
        #expect(Self.isClose(v.latencyBound, 0.3))
        // A shorter drain, back at 170 s: recovered, 60 s after the fault ended.
        let short = Self.classify(Self.series(latency: { t in t >= 100 && t < 170 ? 17 : 0.1 }))
        #expect(short.outcome == .recovered)
        #expect(Self.isClose(short.recoveryTime, 60))
    }

    @Test("A recovery whose latency lags its goodput: the recovery time follows the latency")
    func latencyLagsGoodput() {
        // Failures stop at 115 s (success ratio back 5 s after the fault); the successes stay
        // slow (2 s, above the 0.3 s bound) until 150 s.
        let intervals = Self.series(
            successes: { t in t >= 100 && t < 115 ? 10 : 100 }, latency: { t in t >= 100 && t < 150 ? 2 : 0.1 })
        let v = Self.classify(intervals)
        #expect(v.outcome == .recovered)
        #expect(Self.isClose(v.recoveryTime, 40), "recovery time \(String(describing: v.recoveryTime)), not 5 (goodput)")
    }

    // MARK: - Boundaries

    @Test("A late return is a recovery once healthy for exactly the recovery window, not 1 s less")
    func lateRecoveryBoundary() {
        // Unhealthy (p99 17 s) until 290 s, 180 s after the fault's end; healthy to the run's end.
        func run(_ seconds: Int) -> OutcomeVerdict {
            Self.classify(Self.series(seconds, latency: { t in t >= 100 && t < 290 ? 17 : 0.1 }))
        }
        #expect(run(410).outcome == .recovered)
        #expect(Self.isClose(run(410).recoveryTime, 180))
        #expect(run(409).outcome == .degraded)
    }

    @Test("Success ratio: exactly 90% is healthy, 89% is not")
    func successRatioBoundary() {
        let at = Self.classify(Self.series(successes: { t in t >= 100 && t < 130 ? 90 : 100 }))
        #expect(at.outcome == .stable)
        let below = Self.classify(Self.series(successes: { t in t >= 100 && t < 130 ? 89 : 100 }))
        #expect(below.outcome == .recovered)
        #expect(Self.isClose(below.recoveryTime, 20))
    }

    @Test("p99: exactly 3x the baseline p99 is healthy, 3.1x is not")
    func latencyBoundary() {
        // 125 ms and 375 ms are exact in binary, so "exactly 3x" is exact in floating point too.
        let at = Self.classify(Self.series(latency: { t in t >= 100 && t < 130 ? 0.375 : 0.125 }))
        #expect(at.latencyBound == 0.375)
        #expect(at.outcome == .stable)
        let above = Self.classify(Self.series(latency: { t in t >= 100 && t < 130 ? 0.3875 : 0.125 }))
        #expect(above.outcome == .recovered)
        #expect(Self.isClose(above.recoveryTime, 20))
    }

    @Test("p99 of 100 successes: one slow success does not make a window unhealthy, two do")
    func percentileRank() {
        func run(slow: Int) -> OutcomeVerdict {
            let intervals = Self.series().enumerated().map { t, interval in
                var copy = interval
                if t == 120 {
                    // ceil(0.99 x 100) = 99: the 99th smallest of 100 is slow only when 2 are.
                    var h = CompactLatencyHistogram()
                    h.record(SimTime(seconds: 0.1), count: 100 - slow)
                    h.record(SimTime(seconds: 5), count: slow)
                    copy.latency = h
                }
                return copy
            }
            return Self.classify(intervals)
        }
        #expect(run(slow: 1).outcome == .stable)
        #expect(run(slow: 2).outcome == .recovered)
    }

    // MARK: - Windows of enough requests

    @Test("8 requests/s recovering within a minute of a burst: recovered, not degraded by one noisy second")
    func lowRateWindowsMerge() throws {
        // 5, 8 or 11 requests a second (mean 8). Everything fails from 100 s to 140 s; after
        // that, as before the fault, noise: every 20 s one success is slow (0.5 s, 10x the
        // others), and 10 s later one request in a second fails (1 of 5: 80%). Judged per
        // second, the last noisy second (590 s) is unhealthy and the run never recovers.
        let offered: (Int) -> Double = { t in [5, 8, 11][t % 3] }
        let failed: (Int) -> Double = { t in t >= 100 && t < 140 ? offered(t) : t % 20 == 15 ? 1 : 0 }
        let intervals = Self.series(offered: offered, successes: { offered($0) - failed($0) }).enumerated().map { t, interval in
            var copy = interval
            if t % 20 == 5 && interval.successes > 0 {
                var h = CompactLatencyHistogram()
                h.record(SimTime(seconds: 0.05), count: Int(interval.successes) - 1)
                h.record(SimTime(seconds: 0.5))
                copy.latency = h
            } else {
                var h = CompactLatencyHistogram()
                h.record(SimTime(seconds: 0.05), count: Int(interval.successes))
                copy.latency = h
            }
            return copy
        }
        let v = Self.classify(intervals)
        #expect(v.outcome == .recovered)
        // From warmup (10 s) on, 13 s hold 104 +- 3 requests (13 of the 5-8-11 cycle), so every
        // window is 13 s and 140 s = 10 + 10 x 13 starts one: the first window after the
        // failures, 30 s after the fault. (Had the failures ended inside a window, recovery
        // would be judged from the next one, at most one window, 14 s, later.)
        let recovery = try #require(v.recoveryTime)
        #expect(abs(recovery - 30) < 1e-9, "recovery time \(recovery)")

        var perSecond = OutcomeThresholds()
        perSecond.minimumWindowRequests = 1
        #expect(Self.classify(intervals, thresholds: perSecond).outcome == .degraded)
    }

    @Test("Windows: consecutive intervals merged until they hold 100 ended requests; the remainder joins the last")
    func windowShape() {
        let intervals = Self.series(60, offered: { _ in 8 }, successes: { _ in 8 })
        let windows = OutcomeClassifier.healthWindows(intervals, thresholds: OutcomeThresholds(), latencyBound: nil)
        // 60 s at 8/s: 4 windows of 13 s (104 requests), and 8 s (64) that join the fourth.
        #expect(windows.map(\.start) == [0, 13, 26, 39])
        #expect(windows.map(\.end) == [13, 26, 39, 60])
        #expect(windows.map { $0.successes + $0.failures } == [104, 104, 104, 168])
        // An interval with enough on its own is its own window.
        let busy = OutcomeClassifier.healthWindows(Self.series(5), thresholds: OutcomeThresholds(), latencyBound: nil)
        #expect(busy.count == 5)
    }

    /// DESIGN.md, "Outcomes": health is judged over windows of at least 100 requests. Windows
    /// hold 100 requests that ended, or 100 offered where more were offered than ended, each
    /// count summed over the window: a service that stops answering is judged on the requests
    /// it leaves unanswered (before, its one window ran to the end of the run holding only the
    /// successes before it: `stable`), and a window never closes short of 100 of either (a first
    /// version summed each interval's larger count, and at 1 request/s closed windows of some 70,
    /// whose noise made a healthy 95% baseline `degraded`).
    @Test("Windows hold 100 requests ended or 100 offered, each summed over the window; a service that stops answering is unhealthy")
    func windowsCountEndedOrOffered() {
        // One request offered in each even second, one ended (a success) in each odd second.
        let alternating = (0..<400).map { t in
            var h = CompactLatencyHistogram()
            if t % 2 == 1 { h.record(SimTime(seconds: 0.1), count: 1) }
            return IntervalFigures(end: Double(t + 1), width: 1, requests: t % 2 == 0 ? 1 : 0, successes: t % 2 == 1 ? 1 : 0, failures: 0, instances: 1, latency: h)
        }
        let windows = OutcomeClassifier.healthWindows(alternating, thresholds: OutcomeThresholds(), latencyBound: nil)
        #expect(windows.map(\.end) == [199, 400], "\(windows.map(\.end))")
        #expect(windows.allSatisfy { $0.requests >= 100 || $0.successes + $0.failures >= 100 })
        // 100 s answered at 8/s, then 100 s offered at 8/s and none ended.
        let hang = (0..<200).map { t in
            var h = CompactLatencyHistogram()
            if t < 100 { h.record(SimTime(seconds: 0.01), count: 8) }
            return IntervalFigures(end: Double(t + 1), width: 1, requests: 8, successes: t < 100 ? 8 : 0, failures: 0, instances: 1, latency: h)
        }
        let judged = OutcomeClassifier.healthWindows(hang, thresholds: OutcomeThresholds(), latencyBound: nil)
        #expect(judged.filter { $0.start >= 100 }.count >= 7, "\(judged.map(\.start))")
        #expect(judged.filter { $0.start >= 100 }.allSatisfy { !$0.isHealthy })
        #expect(judged.filter { $0.end <= 100 }.allSatisfy { $0.isHealthy })
    }

    // MARK: - The slo block

    @Test("slo.success_ratio replaces the 90% bound, and leaves the latency bound at 3x baseline")
    func sloSuccessRatio() {
        let intervals = Self.series(successes: { t in t >= 100 && t < 130 ? 95 : 100 })
        #expect(Self.classify(intervals).outcome == .stable)
        let strict = OutcomeThresholds(slo: SLOSpec(successRatio: 0.99))
        let v = Self.classify(intervals, thresholds: strict)
        #expect(v.outcome == .recovered)
        #expect(Self.isClose(v.recoveryTime, 20))
        #expect(Self.isClose(v.latencyBound, 0.3))
        // Before any fault, 95% does not meet a 99% objective: overloaded.
        #expect(Self.classify(Self.series(successes: { _ in 95 }), thresholds: strict).outcome == .overloaded)
    }

    @Test("slo.latency_p99 replaces 3x the baseline p99, either way, and leaves the 90% bound")
    func sloLatency() {
        // p99 at 0.25 s during 100-130 s: within 3 x 0.1 s, beyond an SLO of 200 ms.
        let mild = Self.series(latency: { t in t >= 100 && t < 130 ? 0.25 : 0.1 })
        #expect(Self.classify(mild).outcome == .stable)
        let tight = Self.classify(mild, thresholds: OutcomeThresholds(slo: SLOSpec(latencyP99: SimTime(seconds: 0.2))))
        #expect(tight.outcome == .recovered)
        #expect(Self.isClose(tight.latencyBound, 0.2))
        // p99 at 0.4 s: beyond 3 x 0.1 s, within an SLO of 500 ms.
        let slower = Self.series(latency: { t in t >= 100 && t < 130 ? 0.4 : 0.1 })
        #expect(Self.classify(slower).outcome == .recovered)
        let loose = OutcomeThresholds(slo: SLOSpec(latencyP99: SimTime(seconds: 0.5)))
        #expect(Self.classify(slower, thresholds: loose).outcome == .stable)
        // The success ratio keeps its default: 85% is still unhealthy.
        #expect(loose.successRatio == 0.9)
        let failing = Self.series(successes: { t in t >= 100 && t < 130 ? 85 : 100 })
        #expect(Self.classify(failing, thresholds: loose).outcome == .recovered)
        // A baseline p99 beyond the SLO: the design cannot carry its load within its objective.
        let slowBaseline = Self.series(latency: { _ in 0.3 })
        #expect(Self.classify(slowBaseline, thresholds: OutcomeThresholds(slo: SLOSpec(latencyP99: SimTime(seconds: 0.2)))).outcome == .overloaded)
    }

    // MARK: - Operator actions

    @Test("An operator's kill counts as a fault until its instance has booted: recovery is timed from then")
    func operatorActionUntilItsEffectEnds() {
        let spec = ScenarioSpec(
            name: "kill", duration: SimTime(seconds: 600),
            clients: [ClientSpec(name: "users", target: "api", arrival: .poisson(rate: 100))],
            services: [ServiceSpec(name: "api", instances: 2, serviceTime: .constant(value: 0.01), bootTime: SimTime(seconds: 20))],
            timeline: [TimelineEventSpec(at: SimTime(seconds: 100), action: .kill(service: "api", count: 1))])
        let faults = spec.timeline.map {
            FaultWindow(start: $0.at.seconds, end: RunAnalysis.effectEnd(of: $0, in: spec).seconds)
        }
        #expect(faults == [FaultWindow(start: 100, end: 120)])
        // Unhealthy from the kill to 135 s: 15 s after the replacement booted, not 35 s after the kill.
        let v = OutcomeClassifier.classify(
            intervals: Self.series(successes: { t in t >= 100 && t < 135 ? 50 : 100 }), warmup: 10, faults: faults)
        #expect(v.outcome == .recovered)
        #expect(Self.isClose(v.recoveryTime, 15))
    }
}
