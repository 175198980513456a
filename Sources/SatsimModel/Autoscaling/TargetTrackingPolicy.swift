import SatsimCore

/// AWS target tracking (EC2 Auto Scaling, "Target tracking scaling policies",
/// https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html): the
/// capacity that brings the metric to its target, in proportion.
///
/// The load is measured on the capacity that actually served during the interval: the metric
/// (an average per unit of serving capacity) times the time-averaged serving capacity. So under
/// constant demand the answer stays the same when a batch of instances becomes ready just before
/// a decision; multiplying by the instantaneous ready count instead would apply the old, higher
/// per-instance metric to the new, larger count, overshoot, and fall back once the metric caught
/// up (7 -> 12 -> 7 with boot times of 50-70 s). Instances still warming count as capacity
/// already added (their metrics are not aggregated yet, AWS "instance warmup"): the policy asks
/// for the total it needs, and scales out only by what is not already running or booting. While
/// any instance boots it does not scale in (AWS blocks dynamic scale-in until warmup ends:
/// ``ScalingArithmetic/holdingScaleInWhileWarming(_:_:_:)``).
struct TargetTrackingPolicy: ScalingPolicy {
    let spec: AutoscalerSpec
    private var cooldowns: Cooldowns

    init(spec: AutoscalerSpec) {
        self.spec = spec
        cooldowns = Cooldowns(spec)
    }

    /// ceil(load / target), where load = metric x the capacity that served it; nil when nothing
    /// served during the interval (no data: AWS leaves the capacity alone).
    static func needed(metric: Double, served: Double, target: Double, ceiling: Int) -> Int? {
        guard served > 0 else { return nil }
        return ScalingArithmetic.ceilCount(metric * served / target, ceiling: ceiling)
    }

    mutating func decide(_ o: ScalingObservation) -> Int {
        guard let needed = Self.needed(metric: o.metric, served: o.served, target: spec.target, ceiling: spec.max)
        else { return o.running }
        let desired = ScalingArithmetic.holdingScaleInWhileWarming(ScalingArithmetic.clamp(needed, spec), o, spec)
        return cooldowns.allow(desired, from: o.running, at: o.time)
    }
}
