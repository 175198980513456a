import SatsimCore

/// What an autoscaler sees at one decision: its metric as averaged over the interval just past,
/// and the instance counts at the decision time.
struct ScalingObservation {
    /// The decision time [ns since the start of the run].
    var time: Int64
    /// The metric averaged over the interval, per unit of serving capacity: for `utilization`,
    /// busy workers / workers of serving instances; for `queue_length` and `concurrency`, per
    /// serving instance.
    var metric: Double
    /// The capacity that actually served during the interval, time-averaged [instances]: the
    /// denominator of `metric`. `metric x served` is the load itself (busy instances' worth of
    /// work, or requests waiting), whatever the number of instances that carried it.
    var served: Double
    /// Instances running: serving or booting. This is the count the autoscaler sets (Kubernetes'
    /// `spec.replicas`, AWS's desired capacity); draining instances are already leaving.
    var running: Int
    /// Instances serving now (AWS: in service and past their warmup).
    var ready: Int
    /// Of `ready`, those that were serving for the whole interval, so that the metric covers a
    /// full window of their work (Kubernetes ignores a pod whose metric window started before it
    /// became ready).
    var readyWholeInterval: Int
}

/// One autoscaling algorithm: from what it observes, the instance count to run.
///
/// Each policy is a small type in its own file that keeps its own memory between decisions
/// (recommendations, past scaling actions). Adding one is one new file, one case in
/// ``AutoscalerPolicy`` (the scenario schema lists that enum's raw values) and its line in
/// ``AutoscalerPolicy/makeScalingPolicy(spec:initialInstances:)``, which the compiler asks for.
protocol ScalingPolicy {
    /// The instance count to run from now on, within [spec.min, spec.max]; `observation.running`
    /// means no change. Called once per `interval`; the caller then scales to the answer, so a
    /// policy may record the change it returns as done.
    mutating func decide(_ observation: ScalingObservation) -> Int
}

extension AutoscalerPolicy {
    /// A fresh instance of this policy for an autoscaler with `spec`, on a service that starts
    /// with `initialInstances` instances.
    func makeScalingPolicy(spec: AutoscalerSpec, initialInstances: Int) -> any ScalingPolicy {
        switch self {
        case .hpa: return HPAPolicy(spec: spec, initialInstances: initialInstances)
        case .targetTracking: return TargetTrackingPolicy(spec: spec)
        case .step: return StepPolicy(spec: spec)
        }
    }
}

/// Instance counts from real-valued formulas, without traps.
enum ScalingArithmetic {
    /// ceil(x) as an instance count, clamped to [0, ceiling]; nil when x is NaN. A ratio can be
    /// as large as the metric over a target of 1e-300, or infinite: the user means "more than
    /// any count", so the answer is the ceiling (the autoscaler's `max`), never a trap.
    static func ceilCount(_ x: Double, ceiling: Int) -> Int? {
        guard !x.isNaN else { return nil }
        if x <= 0 { return 0 }
        if x >= Double(ceiling) { return ceiling }
        return Int(x.rounded(.up))
    }

    /// Clamps to the autoscaler's range.
    static func clamp(_ count: Int, _ spec: AutoscalerSpec) -> Int {
        Swift.min(Swift.max(count, spec.min), spec.max)
    }

    /// AWS instance warmup for dynamic scaling (target tracking and step): while any instance
    /// warms up (here: boots), no scale-in. EC2 Auto Scaling, "Set the default instance warmup
    /// for an Auto Scaling group", section "Scaling performance considerations"
    /// (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-default-instance-warmup.html):
    /// while instances warm up, the policies become conservative when demand falls, and scale-in
    /// is blocked until the new instances have finished warming up. A count above `max` (a `set`
    /// lowered it) still goes down to `max`: that is the group's bound, not a scaling policy's
    /// decision. `desired` is already within [min, max].
    static func holdingScaleInWhileWarming(_ desired: Int, _ o: ScalingObservation, _ spec: AutoscalerSpec) -> Int {
        guard desired < o.running, o.running > o.ready else { return desired }
        return Swift.max(desired, Swift.min(o.running, spec.max))
    }
}

/// Cooldowns as AWS defines them for its scaling policies: no scale-out within
/// `scale_out_cooldown` of the last scale-out; no scale-in within `scale_in_cooldown` of the last
/// scaling either way.
struct Cooldowns {
    let scaleOut: Int64
    let scaleIn: Int64
    var lastScaleOut: Int64?
    var lastScaleIn: Int64?

    init(_ spec: AutoscalerSpec) {
        scaleOut = spec.scaleOutCooldown.nanoseconds
        scaleIn = spec.scaleInCooldown.nanoseconds
    }

    /// `desired` if the cooldowns allow moving there from `running` at `time` (and records the
    /// move), else `running`.
    mutating func allow(_ desired: Int, from running: Int, at time: Int64) -> Int {
        func since(_ t: Int64?) -> Int64 { t.map { time - $0 } ?? Int64.max }
        if desired > running {
            guard since(lastScaleOut) >= scaleOut else { return running }
            lastScaleOut = time
        } else if desired < running {
            let lastScaling = [lastScaleIn, lastScaleOut].compactMap { $0 }.max()
            guard since(lastScaling) >= scaleIn else { return running }
            lastScaleIn = time
        }
        return desired
    }
}
