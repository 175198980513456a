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

/// Cooldowns as AWS defines them for target tracking and step scaling policies (Application
/// Auto Scaling, `TargetTrackingScalingPolicyConfiguration` and `StepScalingPolicyConfiguration`
/// in the API reference, https://docs.aws.amazon.com/autoscaling/application/APIReference/):
///
/// - **Scale-out cooldown**: after a scale-out, the policy "won't increase the desired capacity
///   again unless either a larger scale out is triggered or the cooldown period ends". The capacity
///   the earlier scale-out added counts as part of the desired capacity of the next one: during the
///   cooldown a scale-out goes through only to a count above the one the last scale-out set, and
///   it restarts the cooldown. (Step: a breach worth +3 during the cooldown of a +2 adds only 1.)
/// - **Scale-in cooldown**: after a scale-in, no scale-in until it has expired. A scale-out during
///   it goes through at once and ends it ("the scale-in cooldown period stops and doesn't
///   complete"). A scale-out does not start one: nothing in AWS's definition blocks a scale-in
///   after a scale-out (instance warmup does while the new instances boot:
///   ``ScalingArithmetic/holdingScaleInWhileWarming(_:_:_:)``).
struct Cooldowns {
    let scaleOut: Int64
    let scaleIn: Int64
    /// When the last scale-out happened, and the count it set.
    private(set) var lastScaleOut: (time: Int64, to: Int)?
    /// The count the scale-out that began the cooldown in progress was computed from (step's
    /// current capacity then); nil outside a scale-out cooldown.
    private var scaleOutBase: Int?
    /// When the scale-in cooldown in progress began; nil when none is in progress.
    private(set) var lastScaleIn: Int64?

    init(_ spec: AutoscalerSpec) {
        scaleOut = spec.scaleOutCooldown.nanoseconds
        scaleIn = spec.scaleInCooldown.nanoseconds
    }

    /// Whether a scale-out cooldown is in effect at `time`.
    func inScaleOutCooldown(at time: Int64) -> Bool {
        guard let last = lastScaleOut else { return false }
        return time - last.time < scaleOut
    }

    /// The capacity a step scale-out adds its step to at `time`: `current` (the serving
    /// capacity), or during a scale-out cooldown the capacity the cooldown's first scale-out
    /// started from if that is lower, so the earlier scale-out's instances count as already added.
    func scaleOutReference(current: Int, at time: Int64) -> Int {
        guard inScaleOutCooldown(at: time), let base = scaleOutBase else { return current }
        return Swift.min(current, base)
    }

    /// `desired` if the cooldowns allow moving there from `running` at `time` (and records the
    /// move), else `running`. `base` is the capacity a scale-out was computed from (recorded for
    /// ``scaleOutReference(current:at:)``); it defaults to `running`.
    mutating func allow(_ desired: Int, from running: Int, at time: Int64, base: Int? = nil) -> Int {
        if desired > running {
            if inScaleOutCooldown(at: time), let last = lastScaleOut {
                // A larger scale-out only; the cooldown restarts, its base stays.
                guard desired > last.to else { return running }
            } else {
                scaleOutBase = base ?? running
            }
            lastScaleOut = (time, desired)
            lastScaleIn = nil
        } else if desired < running {
            if let last = lastScaleIn, time - last < scaleIn { return running }
            lastScaleIn = time
        }
        return desired
    }
}
