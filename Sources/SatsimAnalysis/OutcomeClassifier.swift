import SatsimMetrics
/// The per-interval figures the verdict reads: one entry per metrics interval, all clients summed.
public struct IntervalFigures: Sendable, Hashable {
    /// End of the interval [s].
    public var end: Double
    /// Width of the interval [s].
    public var width: Double
    /// Requests created (offered load).
    public var requests: Double
    /// Requests that succeeded / failed in the interval.
    public var successes: Double
    public var failures: Double
    /// Serving instances over all services (time-averaged).
    public var instances: Double

    public init(end: Double, width: Double, requests: Double, successes: Double, failures: Double, instances: Double) {
        self.end = end
        self.width = width
        self.requests = requests
        self.successes = successes
        self.failures = failures
        self.instances = instances
    }

    /// Share of the requests that ended in this interval that succeeded; 0 when requests came
    /// but none ended, 1 when nothing was offered.
    public var successRatio: Double {
        let ended = successes + failures
        if ended > 0 { return successes / ended }
        return requests > 0 ? 0 : 1
    }

    public var goodput: Double { width > 0 ? successes / width : 0 }
}

/// A fault or operator action, as the verdict sees it: [start, end] in seconds.
public struct FaultWindow: Sendable, Hashable {
    public var start: Double
    public var end: Double
    public init(start: Double, end: Double) {
        self.start = start
        self.end = end
    }
}

/// The verdict and the figures behind it.
public struct OutcomeVerdict: Sendable, Hashable {
    public var outcome: Outcome
    /// Seconds from the end of the last fault to recovery; nil unless `recovered`.
    public var recoveryTime: Double?
    /// Mean goodput after warmup and before the first fault [successes/s].
    public var baselineGoodput: Double
    public var thresholds: OutcomeThresholds
    /// Why no outcome was judged, or nil when ``outcome`` is a judgement. Set when no metrics
    /// interval lies after the warmup (a run stopped at a limit before its warmup ended): with
    /// no measured time there is nothing to judge, and "stable" would claim health nobody saw.
    /// ``outcome`` then holds `.stable` only as a placeholder: read ``judgedOutcome``.
    /// summary.json writes `outcome: null` and this reason as `outcome_not_judged`.
    public var notJudged: String?

    /// The outcome, or nil when none was judged (see ``notJudged``).
    public var judgedOutcome: Outcome? { notJudged == nil ? outcome : nil }
}

/// Classifies a run from its time series (DESIGN.md, "Outcomes").
public enum OutcomeClassifier {
    /// - Parameters:
    ///   - intervals: every metrics interval of the run, in time order.
    ///   - warmup: end of warmup [s]; earlier intervals are ignored.
    ///   - faults: the timeline's fault windows.
    public static func classify(
        intervals all: [IntervalFigures], warmup: Double, faults: [FaultWindow],
        thresholds: OutcomeThresholds = OutcomeThresholds()
    ) -> OutcomeVerdict {
        let intervals = all.filter { $0.end - $0.width >= warmup - 1e-9 }
        let firstFault = faults.map(\.start).min() ?? .infinity
        let lastFaultEnd = faults.map(\.end).max() ?? -.infinity
        let before = intervals.filter { $0.end <= firstFault + 1e-9 }
        let baselineGoodput = meanRate(before, \.successes)
        let baselineLoad = meanRate(before, \.requests)
        func verdict(_ outcome: Outcome, _ recovery: Double? = nil) -> OutcomeVerdict {
            OutcomeVerdict(outcome: outcome, recoveryTime: recovery, baselineGoodput: baselineGoodput, thresholds: thresholds)
        }
        guard !intervals.isEmpty else {
            // Nothing was measured after warmup: say so instead of calling the run stable.
            var unjudged = verdict(.stable)
            unjudged.notJudged = notJudgedReason(stoppedAt: all.last?.end ?? 0, warmup: warmup)
            return unjudged
        }

        let endedBefore = before.reduce(0) { $0 + $1.successes + $1.failures }
        let succeededBefore = before.reduce(0) { $0 + $1.successes }
        let offeredBefore = before.reduce(0) { $0 + $1.requests }
        if !before.isEmpty, offeredBefore > 0,
           endedBefore == 0 || succeededBefore / endedBefore < thresholds.successRatio {
            return verdict(.overloaded)
        }
        // Oscillation is judged under constant offered load: after the last fault has ended (a
        // fault itself may legitimately move instances up and down).
        let steady = intervals.filter { $0.end - $0.width >= (lastFaultEnd.isFinite ? lastFaultEnd : warmup) - 1e-9 }
        if reversals(steady.map(\.instances)) >= thresholds.oscillationReversals {
            return verdict(.oscillating)
        }
        if intervals.allSatisfy({ $0.successRatio >= thresholds.successRatio }) {
            return verdict(.stable)
        }
        guard lastFaultEnd.isFinite, baselineGoodput > 0 else { return verdict(.degraded) }

        // Recovered: from some point no later than the window after t_end, every interval is
        // healthy again (success ratio) and the smoothed goodput stays at or above the recovery
        // fraction of G0 until the end. Goodput that never fell (the fault only added failures)
        // recovers when the failures stop.
        let smoothed = movingMean(intervals, seconds: thresholds.smoothing)
        let target = thresholds.recoveryFraction * baselineGoodput
        var recoveryIndex: Int?
        for i in stride(from: intervals.count - 1, through: 0, by: -1) {
            if smoothed[i] >= target && intervals[i].successRatio >= thresholds.successRatio {
                recoveryIndex = i
            } else {
                break
            }
        }
        if let i = recoveryIndex {
            let start = intervals[i].end - intervals[i].width
            let delay = max(0, start - lastFaultEnd)
            if delay <= thresholds.recoveryWindow {
                return verdict(.recovered, delay)
            }
        }
        let late = intervals.filter { $0.end - $0.width >= lastFaultEnd + thresholds.recoveryWindow - 1e-9 }
        if !late.isEmpty, meanRate(late, \.successes) < thresholds.metastableFraction * baselineGoodput,
           meanRate(late, \.requests) >= thresholds.baselineLoadFraction * baselineLoad {
            return verdict(.metastable)
        }
        return verdict(.degraded)
    }

    /// The reason given when a run stopped at `stoppedAt` [s], before its warmup ended.
    public static func notJudgedReason(stoppedAt: Double, warmup: Double) -> String {
        func seconds(_ x: Double) -> String {
            if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
            return FixedDecimal.format(x, decimals: 3)
        }
        return "the run stopped at \(seconds(stoppedAt)) s, before its warmup ended at \(seconds(warmup)) s: "
            + "no time after warmup was measured, so no outcome is judged"
    }

    /// Sum of a count over intervals divided by their total width.
    static func meanRate(_ intervals: [IntervalFigures], _ count: KeyPath<IntervalFigures, Double>) -> Double {
        let width = intervals.reduce(0) { $0 + $1.width }
        return width > 0 ? intervals.reduce(0) { $0 + $1[keyPath: count] } / width : 0
    }

    /// Goodput averaged over the trailing `seconds` (at least one interval).
    static func movingMean(_ intervals: [IntervalFigures], seconds: Double) -> [Double] {
        var result: [Double] = []
        result.reserveCapacity(intervals.count)
        for i in intervals.indices {
            var successes = 0.0, width = 0.0
            var j = i
            while j >= 0 && (width < seconds || j == i) {
                successes += intervals[j].successes
                width += intervals[j].width
                j -= 1
            }
            result.append(width > 0 ? successes / width : 0)
        }
        return result
    }

    /// How often a series changes direction (ignoring flat stretches).
    static func reversals(_ series: [Double]) -> Int {
        var count = 0
        var direction = 0
        for (a, b) in zip(series, series.dropFirst()) where abs(b - a) > 1e-9 {
            let d = b > a ? 1 : -1
            if direction != 0 && d != direction { count += 1 }
            direction = d
        }
        return count
    }
}
