import SatsimCore

/// Kubernetes' Horizontal Pod Autoscaler, as its controller computes it: the replica count from
/// the metric (`replica_calculator.go`), then the stabilization windows and the rate limits of
/// the default scaling behavior (`horizontal.go`, `normalizeDesiredReplicasWithBehaviors`), both
/// in kubernetes/kubernetes `pkg/controller/podautoscaler`; documented at
/// https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/.
///
/// An instance maps to a pod: serving is ready, booting is not ready. `scale_in_cooldown` is the
/// scale-down stabilization window (default 300 s, the controller's
/// `--horizontal-pod-autoscaler-downscale-stabilization`), `scale_out_cooldown` the scale-up
/// stabilization window (default 0 s, as `behavior.scaleUp.stabilizationWindowSeconds`).
struct HPAPolicy: ScalingPolicy {
    /// No change while |metric / target - 1| <= 0.1 (`--horizontal-pod-autoscaler-tolerance`).
    static let tolerance = 0.1
    /// The period of the default rate limits [ns].
    static let ratePeriod: Int64 = 15_000_000_000

    /// One rate limit of a scaling behavior: at most `value` pods, or `value` percent of the
    /// count at the start of the period, per `period`.
    struct RateRule {
        enum Kind { case pods, percent }
        var kind: Kind
        var value: Int
        /// [ns]
        var period: Int64
    }

    /// The default `behavior.scaleUp.policies` (selectPolicy Max): +100% or +4 pods per 15 s,
    /// whichever allows more.
    static let scaleUpRules = [
        RateRule(kind: .percent, value: 100, period: ratePeriod), RateRule(kind: .pods, value: 4, period: ratePeriod),
    ]
    /// The default `behavior.scaleDown.policies`: -100% per 15 s, so only `min` bounds a drop.
    static let scaleDownRules = [RateRule(kind: .percent, value: 100, period: ratePeriod)]

    let spec: AutoscalerSpec
    let scaleUpWindow: Int64
    let scaleDownWindow: Int64
    /// The lowest recommendation of the scale-up window and the highest of the scale-down window.
    private var lowestRecent = WindowExtremum(keepsMinimum: true)
    private var highestRecent = WindowExtremum(keepsMinimum: false)
    /// Scaling actions of the last rate period, (time, replicas added or removed).
    private var scaleUps: [(time: Int64, change: Int)] = []
    private var scaleDowns: [(time: Int64, change: Int)] = []

    init(spec: AutoscalerSpec, initialInstances: Int) {
        self.spec = spec
        scaleUpWindow = spec.scaleOutCooldown.nanoseconds
        scaleDownWindow = spec.scaleInCooldown.nanoseconds
        // recordInitialRecommendation: the controller's first sight of the autoscaler (here the
        // start of the run) counts as a recommendation of the current count, so nothing scales
        // down before a whole stabilization window has passed.
        let initial = min(max(initialInstances, 0), spec.max)
        lowestRecent.add(initial, at: 0)
        highestRecent.add(initial, at: 0)
    }

    mutating func decide(_ o: ScalingObservation) -> Int {
        let current = o.running
        // A target scaled to zero has autoscaling disabled (horizontal.go, reconcileAutoscaler).
        guard current > 0 else { return current }
        let desired: Int
        if current > spec.max {
            desired = spec.max
        } else if current < spec.min {
            desired = spec.min
        } else {
            let counted = Self.readyCounted(o, metric: spec.metric)
            guard let proposal = Self.proposal(
                metric: o.metric, target: spec.target, wholePercent: spec.metric == .utilization, ready: counted,
                notReady: max(0, current - counted), current: current, ceiling: spec.max)
            else { return current }
            desired = normalize(proposal, current: current, at: o.time)
        }
        if desired != current { storeScaleEvent(from: current, to: desired, at: o.time) }
        return desired
    }

    /// The instances whose metric the controller counts as ready (replica_calculator.go,
    /// `groupPods`). A pending pod (a booting instance) is unready for every metric. So, here, is
    /// an instance whose readiness probe has not passed yet: it takes no traffic and has no metric
    /// of its own (Kubernetes would count a Running, not-Ready pod's own metric for a non-CPU
    /// metric). Only for CPU (`utilization`) is a Ready pod also set aside when its metric window
    /// began before its last readiness transition (within `--horizontal-pod-autoscaler-cpu-initialization-period`,
    /// 5 minutes by default, longer than any interval here): its CPU then still reflects start-up.
    /// For other metrics (`queue_length`, `concurrency`: pods metrics, `GetMetricReplicas`) the
    /// controller applies no such rule, and a pod that became Ready during the window counts.
    static func readyCounted(_ o: ScalingObservation, metric: AutoscalerMetric) -> Int {
        metric == .utilization ? o.readyWholeInterval : o.ready
    }

    /// The replica count the metric asks for (replica_calculator.go, `GetResourceReplicas`).
    /// `ready` instances reported a full window of the metric; `notReady` ones (booting, or
    /// ready for only part of the window) are left out, except on a scale-up, where they count
    /// as 0% of the target: they will take load soon, so the ready ones' excess is shared with
    /// them before more are asked for. Nil when no instance reported (no change). The answer is
    /// clamped to [0, ceiling].
    static func proposal(usageRatio: Double, ready: Int, notReady: Int, current: Int, ceiling: Int) -> Int? {
        proposal(metric: usageRatio, target: 1, wholePercent: false, ready: ready, notReady: notReady, current: current, ceiling: ceiling)
    }

    /// The usage ratio of `metric` against `target`. For CPU utilization (`wholePercent`) as
    /// `GetResourceUtilizationRatio` computes it: the utilization is a whole percentage, the
    /// integer division `metricsTotal * 100 / requestsTotal`, over the target's whole percentage
    /// (`targetAverageUtilization` is an int32). So 55.4% against a 50% target is 55 / 50 = 1.1,
    /// just outside the 0.1 tolerance in floating point (|1 - 1.1| = 0.10000000000000009): 10
    /// pods ask for ceil(1.1 x 10) = 11, where 0.554 / 0.5 = 1.108 would ask for 12. A target that is not a whole percentage (satsim
    /// allows one; Kubernetes does not) divides as it is. The 1e-9 keeps a utilization that is a
    /// whole percentage in exact arithmetic (0.29 x 100 = 28.999999999999996 in floating point)
    /// from dropping a point the controller's integer arithmetic would not drop.
    static func ratio(_ metric: Double, target: Double, wholePercent: Bool) -> Double {
        guard wholePercent else { return metric / target }
        let percent = (metric * 100 + 1e-9).rounded(.down)
        let targetPercent = target * 100, whole = targetPercent.rounded()
        return percent / (abs(targetPercent - whole) < 1e-9 ? whole : targetPercent)
    }

    /// ``proposal(usageRatio:ready:notReady:current:ceiling:)`` from the metric and its target,
    /// the ratio computed as ``ratio(_:target:wholePercent:)`` does, also when it is recomputed
    /// with the not-ready instances at 0%.
    static func proposal(
        metric: Double, target: Double, wholePercent: Bool, ready: Int, notReady: Int, current: Int, ceiling: Int
    ) -> Int? {
        let usageRatio = ratio(metric, target: target, wholePercent: wholePercent)
        guard ready > 0, !usageRatio.isNaN else { return nil }
        guard notReady > 0 && usageRatio > 1 else {
            if abs(1 - usageRatio) <= tolerance { return current }
            return ScalingArithmetic.ceilCount(usageRatio * Double(ready), ceiling: ceiling)
        }
        let all = ready + notReady
        // The not-ready instances' 0% joins the average: the requests grow, the usage does not.
        let rebalanced = wholePercent
            ? ratio(metric * Double(ready) / Double(all), target: target, wholePercent: true)
            : usageRatio * Double(ready) / Double(all)
        // Within the tolerance, or the not-ready pods would absorb the excess (the direction
        // would flip): no change.
        if abs(1 - rebalanced) <= tolerance || rebalanced < 1 { return current }
        guard let count = ScalingArithmetic.ceilCount(rebalanced * Double(all), ceiling: ceiling) else { return nil }
        return max(count, current)
    }

    /// Stabilization, then the rate limits and [min, max] (`normalizeDesiredReplicasWithBehaviors`).
    private mutating func normalize(_ proposal: Int, current: Int, at time: Int64) -> Int {
        // stabilizeRecommendationWithBehaviors: the lowest recommendation of the scale-up window
        // and the highest of the scale-down window (this one included in both) bound the
        // current count, which moves only as far as it must to fall between them. A bound never
        // moves it the other way: a low recommendation in the scale-up window cannot shrink the
        // service while the metric asks for more, nor a high one in the scale-down window grow
        // it while the metric asks for less. Then this one is recorded.
        let upBound = min(proposal, lowestRecent.extremum(after: time - scaleUpWindow) ?? proposal)
        let downBound = max(proposal, highestRecent.extremum(after: time - scaleDownWindow) ?? proposal)
        let stabilized = min(max(current, upBound), downBound)
        lowestRecent.add(proposal, at: time)
        highestRecent.add(proposal, at: time)
        // convertDesiredReplicasWithBehaviorRate.
        if stabilized > current {
            let limit = max(current, scaleUpLimit(current: current, at: time))
            return min(stabilized, min(spec.max, limit))
        }
        if stabilized < current {
            let limit = min(current, scaleDownLimit(current: current, at: time))
            return max(stabilized, max(spec.min, limit))
        }
        return stabilized
    }

    /// calculateScaleUpLimitWithScalingRules: the most each rule allows from the count at the
    /// start of its period (the current count less the replicas added and plus those removed
    /// within the period: both directions count); selectPolicy Max takes the largest.
    func scaleUpLimit(current: Int, at time: Int64) -> Int {
        var limit = Int.min
        for rule in Self.scaleUpRules {
            let start = periodStart(current: current, period: rule.period, at: time)
            let proposed = rule.kind == .pods ? start + rule.value : (start * (100 + rule.value) + 99) / 100
            limit = max(limit, proposed)
        }
        return limit
    }

    /// calculateScaleDownLimitWithBehaviors: the fewest each rule allows (a percentage rounds
    /// down, as Go's int32 conversion truncates); selectPolicy Max takes the lowest.
    func scaleDownLimit(current: Int, at time: Int64) -> Int {
        var limit = Int.max
        for rule in Self.scaleDownRules {
            let start = periodStart(current: current, period: rule.period, at: time)
            let proposed = rule.kind == .pods ? start - rule.value : start * (100 - rule.value) / 100
            limit = min(limit, proposed)
        }
        return limit
    }

    /// The count at the start of the rate period that ends now: `current - added + removed`
    /// over the scaling actions of the period, up and down alike (horizontal.go,
    /// `periodStartReplicas` in both limit functions).
    func periodStart(current: Int, period: Int64, at time: Int64) -> Int {
        current - Self.change(in: scaleUps, period: period, at: time) + Self.change(in: scaleDowns, period: period, at: time)
    }

    /// getReplicasChangePerPeriod: replicas changed by the actions strictly after time - period.
    private static func change(in events: [(time: Int64, change: Int)], period: Int64, at time: Int64) -> Int {
        events.reduce(0) { $1.time > time - period ? $0 + $1.change : $0 }
    }

    /// storeScaleEvent, forgetting actions older than the longest rate period.
    private mutating func storeScaleEvent(from current: Int, to desired: Int, at time: Int64) {
        if desired > current {
            scaleUps.removeAll { $0.time <= time - Self.ratePeriod }
            scaleUps.append((time, desired - current))
        } else {
            scaleDowns.removeAll { $0.time <= time - Self.ratePeriod }
            scaleDowns.append((time, current - desired))
        }
    }
}

/// The lowest (or highest) value recorded after a moving cutoff, over a window that only moves
/// forward: a monotonic queue. A value that a newer one dominates can never be the answer again,
/// so it is dropped; what remains is strictly monotonic, so the queue holds at most as many
/// entries as there are distinct counts (<= max + 1), however short the interval.
struct WindowExtremum {
    let keepsMinimum: Bool
    private var entries: [(time: Int64, value: Int)] = []
    private var head = 0

    init(keepsMinimum: Bool) { self.keepsMinimum = keepsMinimum }

    mutating func add(_ value: Int, at time: Int64) {
        while entries.count > head, let last = entries.last,
              keepsMinimum ? last.value >= value : last.value <= value
        {
            entries.removeLast()
        }
        entries.append((time, value))
    }

    /// The extremum of the values recorded strictly after `cutoff`, or nil when none was.
    /// Cutoffs must not decrease between calls.
    mutating func extremum(after cutoff: Int64) -> Int? {
        while head < entries.count && entries[head].time <= cutoff { head += 1 }
        if head > 64 && head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
        return head < entries.count ? entries[head].value : nil
    }
}
