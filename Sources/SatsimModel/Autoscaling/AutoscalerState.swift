import SatsimCore

/// What an autoscaler remembers between its decisions: the integrals at the last decision (to
/// average the metric over the interval just past) and its policy with the policy's own memory.
struct AutoscalerState {
    let spec: AutoscalerSpec
    var policy: any ScalingPolicy
    var busyAtLast = 0.0
    var queuedAtLast = 0.0
    var capacityAtLast = 0.0
    var servingAtLast = 0.0
    /// The time of the last decision [ns]; 0 before the first.
    var lastDecision: Int64 = 0
    /// The count the policy last asked for (the initial count before its first decision), for
    /// the time series' `desired_instances`.
    var desired: Int

    /// `initialInstances`: the service's count at the start, which Kubernetes' HPA records as
    /// its first recommendation.
    init(_ spec: AutoscalerSpec, initialInstances: Int) {
        self.spec = spec
        desired = initialInstances
        policy = spec.policy.makeScalingPolicy(spec: spec, initialInstances: initialInstances)
    }
}
