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
    /// Latency of the requests that succeeded in the interval (empty: not measured, and the
    /// latency bound is then not judged for it).
    public var latency: CompactLatencyHistogram

    public init(
        end: Double, width: Double, requests: Double, successes: Double, failures: Double, instances: Double,
        latency: CompactLatencyHistogram = CompactLatencyHistogram()
    ) {
        self.end = end
        self.width = width
        self.requests = requests
        self.successes = successes
        self.failures = failures
        self.instances = instances
        self.latency = latency
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
    /// Where the stretch of healthy windows that lasts to the end of the run starts
    /// (``OutcomeClassifier/healthyFrom``), when the run fell after a fault and came back: also
    /// for a return too late and too short to count as a recovery. Nil when the run never fell,
    /// or its last window is unhealthy with no healthy stretch inside it.
    public var healthySince: Double?
    /// Mean goodput after warmup and before the first fault [successes/s]; 0 when no interval
    /// lies there (see ``hasBaseline``).
    public var baselineGoodput: Double
    /// Whether any metrics interval after warmup ends by the first fault, so that G0 and the
    /// baseline p99 were measured. Without one (a fault at or before warmup's end) recovery is
    /// judged by health alone, and metastable and oscillating-by-goodput cannot be judged.
    public var hasBaseline = true
    /// For an `oscillating` verdict, which of DESIGN.md's two tests held: the serving instances'
    /// reversals (true), checked first, or goodput's swings (false).
    public var oscillatingByInstances = false
    /// The p99 latency of the successes after warmup and before the first fault [s]; nil when
    /// none succeeded there (or the first fault starts at warmup's end).
    public var baselineLatencyP99: Double?
    /// The p99 bound a healthy window met [s]: the SLO's `latency_p99`, else
    /// ``OutcomeThresholds/latencyFactor`` x ``baselineLatencyP99``; nil when neither exists, and
    /// latency was then not judged.
    public var latencyBound: Double?
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
    ///   - faults: the timeline's fault windows, operator actions included until their effect ends.
    public static func classify(
        intervals all: [IntervalFigures], warmup: Double, faults: [FaultWindow],
        thresholds: OutcomeThresholds = OutcomeThresholds()
    ) -> OutcomeVerdict {
        judge(intervals: all, warmup: warmup, faults: faults, thresholds: thresholds).verdict
    }

    /// The verdict and the health windows it was judged on.
    static func judge(
        intervals all: [IntervalFigures], warmup: Double, faults: [FaultWindow], thresholds: OutcomeThresholds
    ) -> (verdict: OutcomeVerdict, windows: [HealthWindow]) {
        let intervals = all.filter { $0.end - $0.width >= warmup - 1e-9 }
        let firstFault = faults.map(\.start).min() ?? .infinity
        let lastFaultEnd = faults.map(\.end).max() ?? -.infinity
        let before = intervals.filter { $0.end <= firstFault + 1e-9 }
        let baselineGoodput = meanRate(before, \.successes)
        let baselineLoad = meanRate(before, \.requests)
        let baselineLatencyP99 = CompactLatencyHistogram(merging: before.lazy.map(\.latency)).percentileSeconds(99)
        let latencyBound = thresholds.latencyP99 ?? baselineLatencyP99.map { thresholds.latencyFactor * $0 }
        let windows = healthWindows(intervals, thresholds: thresholds, latencyBound: latencyBound)
        func verdict(_ outcome: Outcome, _ recovery: Double? = nil) -> (OutcomeVerdict, [HealthWindow]) {
            var v = OutcomeVerdict(
                outcome: outcome, recoveryTime: recovery, baselineGoodput: baselineGoodput,
                baselineLatencyP99: baselineLatencyP99, latencyBound: latencyBound, thresholds: thresholds)
            v.hasBaseline = !before.isEmpty
            return (v, windows)
        }
        guard !intervals.isEmpty else {
            // Nothing was measured after warmup: say so instead of calling the run stable.
            var (unjudged, _) = verdict(.stable)
            unjudged.notJudged = notJudgedReason(stoppedAt: all.last?.end ?? 0, warmup: warmup)
            return (unjudged, windows)
        }

        // Overloaded: the pre-fault period, taken whole, is not healthy. Its p99 meets the default
        // bound by construction (it is 1/3 of it), so only an SLO's latency_p99 can fail it.
        let endedBefore = before.reduce(0) { $0 + $1.successes + $1.failures }
        let succeededBefore = before.reduce(0) { $0 + $1.successes }
        let offeredBefore = before.reduce(0) { $0 + $1.requests }
        if !before.isEmpty, offeredBefore > 0,
           endedBefore == 0 || succeededBefore / endedBefore < thresholds.successRatio
            || (thresholds.latencyP99.map { bound in (baselineLatencyP99 ?? 0) > bound } ?? false) {
            return verdict(.overloaded)
        }
        // Oscillation is judged under constant offered load: after the last fault has ended (a
        // fault itself may legitimately move instances up and down).
        let steady = intervals.filter { $0.end - $0.width >= (lastFaultEnd.isFinite ? lastFaultEnd : warmup) - 1e-9 }
        if reversals(steady.map(\.instances)) >= thresholds.oscillationReversals {
            var (byInstances, judged) = verdict(.oscillating)
            byInstances.oscillatingByInstances = true
            return (byInstances, judged)
        }
        guard let lastUnhealthy = windows.lastIndex(where: { !$0.isHealthy }) else {
            return verdict(.stable)
        }
        guard lastFaultEnd.isFinite else { return verdict(.degraded) }

        // Recovered: the windows after the last unhealthy one are healthy to the end, and the
        // first of them starts no later than the recovery window after t_end (or, later, they
        // last at least that window: below). The recovery time runs from t_end to that start, so
        // it follows whichever of success ratio and latency came back last.
        // The healthy stretch starts where the windows, cut from there, are healthy to the end:
        // inside the last unhealthy window when its end came after the return (a low rate, whose
        // windows span many intervals), not at the next cut (``healthyFrom``).
        // The last window itself may hold the return: at 0.2 requests/s one window spans the
        // whole run, and a minute's outage in it can leave it unhealthy (88% succeeded) although
        // every request after the outage succeeded. Then a healthy stretch is one found inside it,
        // never its end (``healthyFrom``'s `fallback`).
        let healthySince = healthyFrom(
            intervals, after: windows[lastUnhealthy], thresholds: thresholds, latencyBound: latencyBound,
            fallback: lastUnhealthy + 1 < windows.count ? windows[lastUnhealthy].end : nil)
        func judged(_ outcome: Outcome, _ recovery: Double? = nil) -> (OutcomeVerdict, [HealthWindow]) {
            var (v, w) = verdict(outcome, recovery)
            v.healthySince = healthySince
            return (v, w)
        }
        if let healthySince {
            let delay = max(0, healthySince - lastFaultEnd)
            if delay <= thresholds.recoveryWindow {
                return judged(.recovered, delay)
            }
        }
        // Metastable and oscillating by goodput compare with G0. Without it (no interval after
        // warmup comes before the first fault, G0 reads 0) neither can hold: goodputSwings counts
        // nothing at a step of 0, and no goodput is below half of 0. Recovery above is judged by
        // health alone, as its definition reads.
        let late = intervals.filter { $0.end - $0.width >= lastFaultEnd + thresholds.recoveryWindow - 1e-9 }
        // Oscillating by goodput: long after the last fault, under the baseline's offered load,
        // goodput keeps swinging by more than a quarter of G0 (DESIGN.md's second test). Judged
        // before metastability: a failure that comes and goes is told as such, not averaged.
        // The offered load "back to its baseline" (DESIGN.md): within [f, 1/f] of its level
        // before the first fault. A load raised for good (an operator's `set` of the arrival
        // rate) is no trigger gone: at three times the baseline, "with the offered load back to
        // its baseline ... a metastable failure" was told of plain overload.
        let lateLoad = late.isEmpty ? 0 : meanRate(late, \.requests)
        let loadIsBack = lateLoad >= thresholds.baselineLoadFraction * baselineLoad
            && lateLoad <= baselineLoad / max(thresholds.baselineLoadFraction, 1e-9)
        if !late.isEmpty, loadIsBack,
           goodputSwings(goodputBlocks(late, minimumRequests: thresholds.oscillationBlockRequests),
                         step: thresholds.oscillationGoodputSwing * baselineGoodput).reversals >= thresholds.oscillationReversals {
            return judged(.oscillating)
        }
        // Recovered later than the recovery window: healthy again and staying so, as DESIGN.md
        // defines it, once the healthy stretch has lasted at least that window to the run's end.
        // A backlog that drains for minutes after its spike is a recovery, told with its time; a
        // return in the run's last moments (a lull in a retry storm, a flapping breaker's healthy
        // phase) shows no staying, and is judged by what held before it, below.
        if let healthySince, let runEnd = intervals.last?.end,
           runEnd - healthySince >= thresholds.recoveryWindow - 1e-9 {
            return judged(.recovered, max(0, healthySince - lastFaultEnd))
        }
        if !late.isEmpty, meanRate(late, \.successes) < thresholds.metastableFraction * baselineGoodput, loadIsBack {
            return judged(.metastable)
        }
        return judged(.degraded)
    }

    /// Cuts `intervals` (after warmup, in order) into windows judged for health: from the first
    /// interval on, consecutive intervals are merged until they hold at least
    /// ``OutcomeThresholds/minimumWindowRequests`` requests (``WindowFill``: the ended requests
    /// the success ratio is measured on, or the requests offered when more came than ended). A
    /// remainder too small to judge at the end of the run joins the window before it. An
    /// interval that holds enough on its own is its own window.
    public static func healthWindows(
        _ intervals: [IntervalFigures], thresholds: OutcomeThresholds, latencyBound: Double?
    ) -> [HealthWindow] {
        let ranges = healthRanges(intervals, holding: Double(thresholds.minimumWindowRequests))
        return ranges.map {
            HealthWindow(intervals[$0], successRatio: thresholds.successRatio, latencyBound: latencyBound)
        }
    }

    /// Where health returned for good, given the last unhealthy window (followed by healthy
    /// ones): the start of the earliest interval inside it from which the intervals, cut into
    /// windows from there on as ``healthWindows`` cuts them, make only healthy windows to the end
    /// of the run; the end of that window (the next cut) when no such interval is inside it.
    ///
    /// DESIGN.md ("Outcomes") dates the recovery at "the first of the healthy intervals that
    /// last to the end". Windows are cut from the end of warmup on, so the window that holds the
    /// return also holds some of the failure before it; at 10 requests/s a window spans ten
    /// seconds, and taking the next cut would date the return up to a window late. Cutting again
    /// from each interval in that window finds the earliest start whose windows are all healthy.
    /// Each trial stops at its first unhealthy window, and the trials together look at no more
    /// than ``refinementBudget`` intervals (a bound for hostile runs of millions of empty
    /// intervals); past it the next cut is the answer.
    ///
    /// - Parameter fallback: the answer when no interval inside the window starts a healthy
    ///   stretch: the window's end (the next cut) when healthy windows follow it, nil when it is
    ///   the run's last window (nothing healthy follows it).
    static func healthyFrom(
        _ intervals: [IntervalFigures], after unhealthy: HealthWindow, thresholds: OutcomeThresholds, latencyBound: Double?,
        fallback: Double?
    ) -> Double? {
        let cut = unhealthy.end
        guard let first = intervals.firstIndex(where: { $0.end - $0.width >= unhealthy.start - 1e-9 }) else { return fallback }
        let next = intervals.firstIndex(where: { $0.end - $0.width >= cut - 1e-9 }) ?? intervals.count
        guard first + 1 < next else { return fallback }
        let minimum = Double(thresholds.minimumWindowRequests)
        var budget = refinementBudget
        trials: for j in (first + 1)..<next {
            var from = j, sum = WindowFill(), i = j
            while i < intervals.count {
                budget -= 1
                if budget < 0 { break trials }
                sum.add(intervals[i])
                i += 1
                // A window closes at the minimum, unless what is left cannot make one of its own
                // (it then joins this one, as ``healthRanges`` does).
                guard sum.amount >= minimum else { continue }
                var rest = WindowFill(), k = i
                while k < intervals.count && rest.amount < minimum {
                    rest.add(intervals[k])
                    k += 1
                }
                budget -= k - i
                let to = rest.amount >= minimum ? i : intervals.count
                let window = HealthWindow(intervals[from..<to], successRatio: thresholds.successRatio, latencyBound: latencyBound)
                if !window.isHealthy { continue trials }
                from = to
                i = to
                sum = WindowFill()
            }
            if from < intervals.count {
                // Only a remainder short of the minimum is left, with no window before it from j:
                // judged on its own, as the one window ``mergedRanges`` would make.
                // A stretch in which no request ended shows nothing: the last seconds of a service
                // scaled to zero, which happened to see no request at 0.2/s, are not a return.
                let window = HealthWindow(intervals[from...], successRatio: thresholds.successRatio, latencyBound: latencyBound)
                if !window.isHealthy || window.successes + window.failures == 0 { continue trials }
            }
            return intervals[j].end - intervals[j].width
        }
        return fallback
    }

    /// What a health window holds so far, toward its minimum: the requests that ended in it and
    /// those offered in it, whichever is more (DESIGN.md, "Outcomes": a window holds at least 100
    /// requests). Counted on ended requests alone, a service that stopped answering (a latency
    /// of 1000 h from 10 s) ended nothing more, so its one window ran from before the fault to
    /// the end of the run, holding only the successes before it, and the run was judged `stable`
    /// while its goodput stayed 0 for 45 s; with the offered requests counted too, its windows
    /// after the fault hold requests and none that ended: a success ratio of 0. The two sums are
    /// kept apart and compared whole: a sum of each interval's larger count (the first version)
    /// closed windows at 1 request/s holding some 70 of either, and noise in a healthy
    /// baseline of 95% made windows unhealthy.
    struct WindowFill {
        var ended = 0.0, offered = 0.0
        @inline(__always) mutating func add(_ interval: IntervalFigures) {
            ended += interval.successes + interval.failures
            offered += interval.requests
        }
        var amount: Double { max(ended, offered) }
    }

    /// The most intervals ``healthyFrom`` looks at over all its trials.
    static let refinementBudget = 4_000_000

    /// `intervals` cut into health windows as ``mergedRanges`` cuts runs, each closed once its
    /// ``WindowFill`` reaches `minimum`.
    static func healthRanges(_ intervals: [IntervalFigures], holding minimum: Double) -> [Range<Int>] {
        mergedRanges(intervals, from: WindowFill(), adding: { $0.add($1) }, closesAt: { $0.amount >= minimum })
    }

    /// `intervals` cut into runs of consecutive intervals, from the first on, each closed once the
    /// sum of `amount` over it reaches `minimum`; a remainder short of it joins the run before it
    /// (or is the only one). Goodput blocks are cut this way, health windows (``healthRanges``) by
    /// the same rule over two counts.
    static func mergedRanges(
        _ intervals: [IntervalFigures], holding minimum: Double, of amount: (IntervalFigures) -> Double
    ) -> [Range<Int>] {
        mergedRanges(intervals, from: 0.0, adding: { $0 += amount($1) }, closesAt: { $0 >= minimum })
    }

    /// `intervals` cut into runs, each closed once what `add` gathered into a `Fill` from
    /// `empty` satisfies `closes`; a remainder short of it joins the run before it.
    static func mergedRanges<Fill>(
        _ intervals: [IntervalFigures], from empty: Fill, adding add: (inout Fill, IntervalFigures) -> Void, closesAt closes: (Fill) -> Bool
    ) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var from = 0, fill = empty
        for (i, interval) in intervals.enumerated() {
            add(&fill, interval)
            if closes(fill) {
                ranges.append(from..<(i + 1))
                from = i + 1
                fill = empty
            }
        }
        if from < intervals.count {
            if let last = ranges.popLast() {
                ranges.append(last.lowerBound..<intervals.count)
            } else {
                ranges.append(from..<intervals.count)
            }
        }
        return ranges
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

    /// The reason given when a run stopped at its in-flight memory budget while its measured
    /// windows looked healthy: the backlog that stopped it is not in them.
    public static func backlogReason(inFlight: Int, stoppedAt: Double, windowsSay: Outcome) -> String {
        let at = stoppedAt == stoppedAt.rounded() && abs(stoppedAt) < 1e15
            ? String(Int64(stoppedAt)) : FixedDecimal.format(stoppedAt, decimals: 3)
        return "the run stopped at \(at) s with \(inFlight) requests, attempts and probes in flight, over its memory "
            + "budget (--max-in-flight): that backlog built up after the last measured window, which alone would read "
            + "\(windowsSay.rawValue), so no outcome is judged"
    }

    /// Sum of a count over intervals divided by their total width.
    static func meanRate(_ intervals: [IntervalFigures], _ count: KeyPath<IntervalFigures, Double>) -> Double {
        let width = intervals.reduce(0) { $0 + $1.width }
        return width > 0 ? intervals.reduce(0) { $0 + $1[keyPath: count] } / width : 0
    }

    /// A block of consecutive metrics intervals: its span [s] and goodput [successes/s].
    public struct GoodputBlock: Sendable, Hashable {
        public var start: Double
        public var end: Double
        public var goodput: Double
        public init(start: Double, end: Double, goodput: Double) {
            self.start = start
            self.end = end
            self.goodput = goodput
        }
    }

    /// `intervals` (consecutive, in order) merged from the first on until each block holds at
    /// least `minimumRequests` offered requests; a remainder with fewer joins the block before
    /// it (or is the one block, when there is no other).
    public static func goodputBlocks(_ intervals: [IntervalFigures], minimumRequests: Int) -> [GoodputBlock] {
        mergedRanges(intervals, holding: Double(minimumRequests), of: { $0.requests }).map { range in
            let part = intervals[range]
            let width = part.reduce(0) { $0 + $1.width }
            let start = part.first!.end - part.first!.width
            return GoodputBlock(start: start, end: part.last!.end,
                                goodput: width > 0 ? part.reduce(0) { $0 + $1.successes } / width : 0)
        }
    }

    /// The turning points of `blocks`' goodput that count as swings: a zigzag with hysteresis
    /// `step`, where a new extreme of the current direction moves the turning point and a move
    /// back by more than `step` from it is a reversal. Small wiggles (noise) never count, however
    /// many there are. Returns the reversals and the lowest and highest goodput of the blocks
    /// (the swing's range). A `step` of 0 or less counts nothing.
    public static func goodputSwings(_ blocks: [GoodputBlock], step: Double) -> (reversals: Int, low: Double, high: Double) {
        let series = blocks.map(\.goodput)
        let low = series.min() ?? 0, high = series.max() ?? 0
        guard step > 0, let first = series.first else { return (0, low, high) }
        // Until the first move larger than step, the series has no direction: its range so far
        // is watched from both ends.
        var lowest = first, highest = first, extreme = first
        var direction = 0, reversals = 0
        for g in series.dropFirst() {
            if direction == 0 {
                lowest = min(lowest, g)
                highest = max(highest, g)
                if g - lowest > step {
                    direction = 1
                    extreme = g
                } else if highest - g > step {
                    direction = -1
                    extreme = g
                }
            } else if direction == 1 {
                if g >= extreme {
                    extreme = g
                } else if extreme - g > step {
                    reversals += 1
                    direction = -1
                    extreme = g
                }
            } else if g <= extreme {
                extreme = g
            } else if g - extreme > step {
                reversals += 1
                direction = 1
                extreme = g
            }
        }
        return (reversals, low, high)
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
