import SatsimCore

/// AWS step scaling (EC2 Auto Scaling, "Step and simple scaling policies",
/// https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html): fixed
/// adjustments by the size of the alarm breach: +1 instance above the target, +2 above 1.5 x
/// the target, +3 above 2 x; -1 below half the target.
///
/// Instance warmup, as AWS documents it: while instances warm up they are not part of the
/// current capacity, and a scale-out sets the desired capacity to the current capacity plus the
/// step, never below the desired capacity already set. So a breach in the same step as the one
/// whose instances are still booting adds nothing, and a breach in a larger step adds only the
/// difference (the AWS example: 10 serving and 1 warming, a breach worth +3 asks for 13, adding 2).
/// While any instance warms up, no scale-in (``ScalingArithmetic/holdingScaleInWhileWarming(_:_:_:)``).
/// During a scale-out cooldown the step is added to the capacity the cooldown's scale-out started
/// from, even once its instances serve (AWS: "the previous increase of 2 is considered part of the
/// current capacity. Therefore, only 1 is added"): see ``Cooldowns``.
struct StepPolicy: ScalingPolicy {
    let spec: AutoscalerSpec
    private var cooldowns: Cooldowns

    init(spec: AutoscalerSpec) {
        self.spec = spec
        cooldowns = Cooldowns(spec)
    }

    /// The step adjustment for a metric reading [instances].
    static func adjustment(metric: Double, target: Double) -> Int {
        if metric > 2 * target { return 3 }
        if metric > 1.5 * target { return 2 }
        if metric > target { return 1 }
        if metric < 0.5 * target { return -1 }
        return 0
    }

    /// The desired count after a breach worth `adjustment`: scale-out from the serving capacity
    /// (warming instances excluded) but never below what is already running or booting;
    /// scale-in from the running count.
    static func desired(adjustment: Int, ready: Int, running: Int) -> Int {
        if adjustment > 0 { return max(running, ready + adjustment) }
        return running + adjustment
    }

    mutating func decide(_ o: ScalingObservation) -> Int {
        let step = Self.adjustment(metric: o.metric, target: spec.target)
        guard step != 0 else { return o.running }
        let reference = cooldowns.scaleOutReference(current: o.ready, at: o.time)
        let desired = ScalingArithmetic.holdingScaleInWhileWarming(
            ScalingArithmetic.clamp(Self.desired(adjustment: step, ready: reference, running: o.running), spec), o, spec)
        return cooldowns.allow(desired, from: o.running, at: o.time, base: o.ready)
    }
}
