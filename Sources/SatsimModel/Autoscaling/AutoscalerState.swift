import SatsimCore

/// What an autoscaler remembers between its decisions.
struct AutoscalerState {
    let spec: AutoscalerSpec
    /// Integrals at the previous decision, to average the metric over the last interval.
    var busyAtLast = 0.0
    var queuedAtLast = 0.0
    var capacityAtLast = 0.0
    var servingAtLast = 0.0
    /// When the last scale-out and scale-in happened [ns]; nil: never.
    var lastScaleOut: Int64?
    var lastScaleIn: Int64?
    /// hpa: recommendations of the stabilization window, (time, replicas), oldest first.
    var recommendations: [(time: Int64, replicas: Int)] = []
    /// hpa: scale-ups in the last 15 s period, (time, added), for the rate limit.
    var scaleUps: [(time: Int64, from: Int)] = []

    init(_ spec: AutoscalerSpec) { self.spec = spec }
}

/// The pure decision rules, separated from the simulation so that each follows its published
/// formula visibly and can be tested alone.
enum AutoscalerPolicyRules {
    /// Kubernetes HPA's tolerance: no change while |metric / target - 1| <= 0.1.
    static let hpaTolerance = 0.1
    /// Kubernetes HPA's default scale-up limit: max(4 pods, 100%) per 15 s.
    static let hpaScaleUpPeriod: Int64 = 15_000_000_000

    /// hpa: ceil(current x metric / target), unless within the tolerance.
    static func hpaDesired(current: Int, metric: Double, target: Double) -> Int {
        let ratio = metric / target
        if abs(ratio - 1) <= hpaTolerance { return current }
        return Int((Double(current) * ratio).rounded(.up))
    }

    /// hpa's scale-up limit for a period that started with `base` replicas.
    static func hpaScaleUpLimit(base: Int) -> Int {
        base + max(4, base)
    }

    /// target_tracking (AWS): the capacity that brings the metric to its target, computed on
    /// the serving instances only (warming ones are excluded).
    static func targetTrackingDesired(serving: Int, metric: Double, target: Double) -> Int {
        guard serving > 0 else { return 1 }
        return Int((Double(serving) * metric / target).rounded(.up))
    }

    /// step: fixed adjustments by the size of the breach: +1 above the target, +2 above 1.5 x,
    /// +3 above 2 x; -1 below half the target.
    static func stepAdjustment(metric: Double, target: Double) -> Int {
        if metric > 2 * target { return 3 }
        if metric > 1.5 * target { return 2 }
        if metric > target { return 1 }
        if metric < 0.5 * target { return -1 }
        return 0
    }
}
