import SatsimCore
@testable import SatsimModel
import Testing

/// Each control-loop rule against numbers derived by hand from its owner's documentation.
///
/// Sources: Kubernetes, "Horizontal Pod Autoscaling"
/// (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/, sections
/// "Algorithm details", "Stabilization window", "Default Behavior") and its controller,
/// kubernetes/kubernetes pkg/controller/podautoscaler/horizontal.go and replica_calculator.go;
/// AWS EC2 Auto Scaling, "Step and simple scaling policies" (section "Instance warmup",
/// https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html) and
/// "Target tracking scaling policies".
///
/// The load is deterministic (constant arrivals, constant service times, one worker per
/// instance, round robin), so each instance's utilization over an interval is lambda x S / n up
/// to one service time at each edge of the 15 s interval (10 ms / 15 s < 0.1%), and the counts
/// are exact.
@Suite("Control loops, exactly")
struct ControlLoopTests {
    static let serviceTime = 0.010

    static func spec(
        policy: AutoscalerPolicy, rate: Double, instances: Int, target: Double, min: Int = 1, max: Int = 40,
        metric: AutoscalerMetric = .utilization, bootTime: Double = 0, scaleIn: Double? = nil, scaleOut: Double = 0,
        queueCapacity: Int? = 1000, duration: Double = 400, warmup: Double = 0, timeline: [TimelineEventSpec] = []
    ) -> ScenarioSpec {
        ScenarioSpec(
            name: "control-loop", duration: SimTime(seconds: duration), warmup: SimTime(seconds: warmup), seed: 3,
            clients: [ClientSpec(name: "users", target: "api", arrival: .constant(rate: rate))],
            services: [
                ServiceSpec(
                    name: "api", instances: instances, workers: 1, serviceTime: .constant(value: serviceTime),
                    queue: QueueSpec(capacity: queueCapacity), bootTime: SimTime(seconds: bootTime),
                    autoscaler: AutoscalerSpec(
                        policy: policy, metric: metric, target: target, interval: SimTime(seconds: 15), min: min, max: max,
                        scaleInCooldown: scaleIn.map { SimTime(seconds: $0) }, scaleOutCooldown: SimTime(seconds: scaleOut)))
            ],
            timeline: timeline)
    }

    /// Every scaling action: (time [s], from, to).
    static func scalings(_ result: SimulationResult) -> [(time: Double, from: Int, to: Int)] {
        result.events.filter { $0.kind == .scaled }.compactMap { event in
            let words = event.detail.split(separator: " ")
            guard let from = words.firstIndex(of: "from"), let to = words.firstIndex(of: "to"),
                  let a = Int(words[from + 1]), let b = Int(words[to + 1]) else { return nil }
            return (event.time, a, b)
        }
    }

    // MARK: - HPA

    @Test("hpa: ceil(current x metric / target), and no change within the 0.1 tolerance (K8s algorithm details)")
    func hpaFormula() {
        // The docs' examples: a ratio of 2.0 doubles the count, 0.5 halves it; 1.05 is within
        // the tolerance. 3 ready pods: ceil(2 x 3) = 6, ceil(0.5 x 3) = 2, unchanged 3.
        #expect(HPAPolicy.proposal(usageRatio: 2, ready: 3, notReady: 0, current: 3, ceiling: 100) == 6)
        #expect(HPAPolicy.proposal(usageRatio: 0.5, ready: 3, notReady: 0, current: 3, ceiling: 100) == 2)
        #expect(HPAPolicy.proposal(usageRatio: 1.05, ready: 3, notReady: 0, current: 3, ceiling: 100) == 3)
        #expect(HPAPolicy.proposal(usageRatio: 0.91, ready: 3, notReady: 0, current: 3, ceiling: 100) == 3)
        #expect(HPAPolicy.proposal(usageRatio: 1.11, ready: 10, notReady: 0, current: 10, ceiling: 100) == 12)
        // No ready pod reported a metric: no recommendation (replica_calculator: "did not
        // receive metrics for any ready pods").
        #expect(HPAPolicy.proposal(usageRatio: 2, ready: 0, notReady: 3, current: 3, ceiling: 100) == nil)
    }

    /// metrics/utilization.go, `GetResourceUtilizationRatio`: `currentUtilization =
    /// int32((metricsTotal * 100) / requestsTotal)`, an integer division, and the ratio is
    /// `float64(currentUtilization) / float64(targetUtilization)`, both whole percentages.
    @Test("hpa: CPU utilization is a whole percentage, as GetResourceUtilizationRatio computes it")
    func hpaWholePercent() {
        // 55.4% of a 50% target: 55 / 50 = 1.1, and |1 - 1.1| is 0.10000000000000009 in
        // floating point, just outside the tolerance: ceil(1.1 x 10) = 11 pods. As a fraction,
        // 0.554 / 0.5 = 1.108 would ask for ceil(11.08) = 12.
        #expect(HPAPolicy.ratio(0.554, target: 0.5, wholePercent: true) == 1.1)
        #expect(HPAPolicy.proposal(metric: 0.554, target: 0.5, wholePercent: true, ready: 10, notReady: 0, current: 10, ceiling: 100) == 11)
        #expect(HPAPolicy.proposal(metric: 0.554, target: 0.5, wholePercent: false, ready: 10, notReady: 0, current: 10, ceiling: 100) == 12)
        // 99.9% is 99%: against a 90% target, 1.1 again, not 1.11.
        #expect(HPAPolicy.ratio(0.999, target: 0.9, wholePercent: true) == 99.0 / 90.0)
        // A utilization that is a whole percentage stays one: 0.29 x 100 is 28.999999999999996 in
        // floating point, 29 in the controller's integers.
        #expect(HPAPolicy.ratio(0.29, target: 0.5, wholePercent: true) == 29.0 / 50.0)
        #expect(HPAPolicy.ratio(0.7, target: 0.7, wholePercent: true) == 1)
        // The recomputation with not-ready pods at 0% truncates again: 4 ready at 68.375%, 1
        // booting: floor(68.375 x 4 / 5) = 54%, 54 / 50 = 1.08, within the tolerance: no change.
        #expect(HPAPolicy.proposal(metric: 0.68375, target: 0.5, wholePercent: true, ready: 4, notReady: 1, current: 5, ceiling: 100) == 5)
        // 76.875% x 4 / 5 = 61.5 -> 61%: 1.22, ceil(1.22 x 5) = ceil(6.1) = 7 (unfloored, 61.5%
        // would give 1.23 and the same 7; floored at every step, the ratio never exceeds it).
        #expect(HPAPolicy.proposal(metric: 0.76875, target: 0.5, wholePercent: true, ready: 4, notReady: 1, current: 5, ceiling: 100) == 7)
    }

    @Test("hpa: not-ready pods count as 0% of the target on a scale-up (replica_calculator.go)")
    func hpaNotReadyAsZeroOnScaleUp() {
        // 4 ready at ratio 1.3 and 1 not ready: without the rule, ceil(1.3 x 4) = 6 > 5 running;
        // with it, the ratio over all 5 is 1.3 x 4 / 5 = 1.04, within the tolerance: stay at 5.
        #expect(HPAPolicy.proposal(usageRatio: 1.3, ready: 4, notReady: 1, current: 5, ceiling: 100) == 5)
        // 2 ready at 1.4 and 2 not ready: 1.4 x 2 / 4 = 0.7 < 1 would flip the direction: stay.
        #expect(HPAPolicy.proposal(usageRatio: 1.4, ready: 2, notReady: 2, current: 4, ceiling: 100) == 4)
        // 2 ready at 3.0 and 1 not ready: 3 x 2 / 3 = 2.0, ceil(2.0 x 3) = 6.
        #expect(HPAPolicy.proposal(usageRatio: 3, ready: 2, notReady: 1, current: 3, ceiling: 100) == 6)

        // The same in a run: 4 instances at 260/s x 10 ms = 2.6 busy, 0.65 each, target 0.5:
        // ratio 1.3. An operator adds a fifth at 1 s, booting for 60 s. At 15, 30, 45 and 60 s
        // the HPA sees 4 ready and 1 not ready: 1.04, no change. At 75 s the fifth was ready for
        // only 14 of the 15 s (still ignored, and 0.527 / 0.5 x 4 / 5 < 1); from 90 s on 2.6 / 5
        // = 0.52, ratio 1.04: within the tolerance. So no scaling at all.
        let spec = Self.spec(
            policy: .hpa, rate: 260, instances: 4, target: 0.5, bootTime: 60, duration: 120,
            timeline: [TimelineEventSpec(at: SimTime(seconds: 1), action: .scale(service: "api", to: 5))])
        let result = Simulation(spec: spec).run()
        #expect(Self.scalings(result).isEmpty, "scaled \(Self.scalings(result))")
    }

    @Test("hpa: on a scale-down, not-ready pods are set aside: ceil(ratio x ready pods), not x all pods, nor counted at 100%")
    func hpaNotReadySetAsideOnScaleDown() {
        // https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/, "Algorithm
        // details": a pod that has yet to become ready is set aside, the ratio is computed over
        // the pods that remain, and only a scale-up treats not-ready pods as 0% of the target
        // (missing metrics, not unreadiness, are taken as 100% on a scale-down).
        // replica_calculator.go, GetResourceReplicas: with no missing pods and a ratio below 1,
        // the answer is ceil(usageRatio x readyPodCount).
        // 6 ready at a ratio of 2.8 / 6 = 0.4667 and 2 not ready, 8 in all:
        // ceil(0.4667 x 6) = 3; over all 8 it would be ceil(3.73) = 4, and with the 2 at 100%
        // ceil((2.8 + 2) / 8 x 8) = 5.
        #expect(HPAPolicy.proposal(usageRatio: 2.8 / 6, ready: 6, notReady: 2, current: 8, ceiling: 100) == 3)

        // The same in a run: 6 instances carry 140/s x 10 ms = 1.4 busy workers, 0.2333 each,
        // target 0.5. An operator scales to 8 at 1 s; the 2 new ones boot for 60 s. With a 0 s
        // scale-down window the first decision (15 s) sees 6 ready, 2 booting: 8 -> 3.
        let spec = Self.spec(
            policy: .hpa, rate: 140, instances: 6, target: 0.5, bootTime: 60, scaleIn: 0, duration: 16,
            timeline: [TimelineEventSpec(at: SimTime(seconds: 1), action: .scale(service: "api", to: 8))])
        let scalings = Self.scalings(Simulation(spec: spec).run())
        #expect(scalings.count == 1 && scalings.first?.time == 15 && scalings.first?.from == 8 && scalings.first?.to == 3,
                "scaled \(scalings)")
    }

    @Test("hpa: an instance ready for only part of the interval is not ready yet (a metric window must follow readiness)")
    func hpaPartialWindowIsNotReady() {
        // Kubernetes ignores a CPU sample whose window began before the pod became ready
        // (replica_calculator.go, groupPods). 4 instances carry L = 2735/s x 1 ms = 2.735 busy
        // workers, target 0.5; a fifth, added at 1 s, boots for 15 s and is ready at 16 s.
        // At 15 s: booting, ratio 2.735 / 4 / 0.5 = 1.3675, over all 5: 1.094 <= 1.1, no change.
        // At 30 s: capacity was 4 for 1 s and 5 for 14 s (4.933 on average): ratio
        // 2.735 / 4.933 / 0.5 = 1.1088. The fifth was ready for 14 s only: not ready, so over
        // all 5: 1.1088 x 4 / 5 = 0.887 < 1, no change. (Counting it as ready would ask for
        // ceil(1.1088 x 5) = 6.) At 45 s all 5 are ready: 2.735 / 5 / 0.5 = 1.094, no change.
        let spec = Self.spec(
            policy: .hpa, rate: 2735, instances: 4, target: 0.5, bootTime: 15, duration: 50,
            timeline: [TimelineEventSpec(at: SimTime(seconds: 1), action: .scale(service: "api", to: 5))])
        var quick = spec
        quick.services[0].serviceTime = .constant(value: 0.001)
        let result = Simulation(spec: quick).run()
        #expect(Self.scalings(result).isEmpty, "scaled \(Self.scalings(result))")
    }

    @Test("hpa: the initial recommendation and the default 300 s window: no scale-down before 300 s, then all at once")
    func hpaNoScaleDownBeforeWindow() {
        // 10 instances and 90/s x 10 ms = 0.9 busy worker: 0.09 each, target 0.5, ratio 0.18, so
        // every recommendation from 15 s on is ceil(0.18 x 10) = 2. The controller recorded 10 at
        // its first sight of the autoscaler (t = 0, recordInitialRecommendation), and a
        // scale-down takes the highest recommendation of the last 300 s (scale_in_cooldown
        // omitted: the default window). The t = 0 one leaves the window at 300 s (a
        // recommendation counts while its time is after now - 300 s), so the first scale-down is
        // at 300 s; the default scale-down policy (100% per 15 s) lets it go straight to 2.
        let result = Simulation(spec: Self.spec(policy: .hpa, rate: 90, instances: 10, target: 0.5)).run()
        let scalings = Self.scalings(result)
        #expect(scalings.count == 1, "scaled \(scalings)")
        #expect(scalings.first?.time == 300 && scalings.first?.from == 10 && scalings.first?.to == 2, "scaled \(scalings)")
    }

    @Test("hpa: scale-down is limited to 100% per 15 s, so min is the only bound on one step")
    func hpaScaleDownRate() {
        // The limit is the count at the start of the period x (1 - 100%), truncated: 0.
        let policy = HPAPolicy(
            spec: AutoscalerSpec(policy: .hpa, metric: .utilization, target: 0.5, interval: SimTime(seconds: 15), min: 1, max: 40),
            initialInstances: 10)
        #expect(policy.scaleDownLimit(current: 10, at: 0) == 0)
        // With a 30 s window (scale_in_cooldown: 30s), 20 instances at 90/s x 10 ms / 20 = 0.045
        // each (ratio 0.09): the recommendation ceil(0.09 x 20) = 2 is held by the initial 20 until 30 s, then the
        // whole drop happens in one decision: 20 -> 2, not 20 -> 10 -> 5 as a 50% policy would do.
        let result = Simulation(spec: Self.spec(policy: .hpa, rate: 90, instances: 20, target: 0.5, scaleIn: 30, duration: 100)).run()
        let scalings = Self.scalings(result)
        #expect(scalings.count == 1 && scalings.first?.time == 30 && scalings.first?.to == 2, "scaled \(scalings)")
    }

    @Test("hpa: scale-up is limited to max(+4, +100%) per 15 s (K8s default behavior)")
    func hpaScaleUpRate() {
        // 1000/s x 10 ms = 10 workers' worth on 1 instance; concurrency (busy + queued per
        // instance) grows without bound, so the metric asks for far more than the limit. From
        // 1: max(1 + 4, 2 x 1) = 5; then max(9, 10) = 10; 20; 40 = max. Boot time 0.
        let result = Simulation(spec: Self.spec(
            policy: .hpa, rate: 1000, instances: 1, target: 1, metric: .concurrency, queueCapacity: nil, duration: 70)).run()
        let scalings = Self.scalings(result)
        #expect(scalings.map(\.to) == [5, 10, 20, 40], "scaled \(scalings)")
        #expect(scalings.map(\.time) == [15, 30, 45, 60], "scaled \(scalings)")
    }

    /// An HPA decision on its own: `metric` averaged over the interval, `ready` instances ready
    /// for all of it out of `running`.
    static func hpaObservation(at time: Double, metric: Double, running: Int, ready: Int) -> ScalingObservation {
        ScalingObservation(
            time: SimTime(seconds: time).nanoseconds, metric: metric, served: Double(ready), running: running,
            ready: ready, readyWholeInterval: ready)
    }

    static func hpa(initial: Int, scaleIn: Double? = nil, scaleOut: Double = 0) -> HPAPolicy {
        HPAPolicy(
            spec: AutoscalerSpec(
                policy: .hpa, metric: .utilization, target: 0.5, interval: SimTime(seconds: 15), min: 1, max: 40,
                scaleInCooldown: scaleIn.map { SimTime(seconds: $0) }, scaleOutCooldown: SimTime(seconds: scaleOut)),
            initialInstances: initial)
    }

    /// replica_calculator.go, `groupPods` (kubernetes/kubernetes, pkg/controller/podautoscaler):
    /// a pending pod is unready for every metric, but only for CPU is a Ready pod also left out
    /// when "one window of metric wasn't collected since last state transition". Six instances
    /// at twice the target, three of them ready for only the end of the interval: under
    /// `utilization` those three count as unready, at 0% on a scale-up, so the ready three's
    /// excess is shared (2 x 3 / 6 = 1.0, within the tolerance: no change); under `concurrency`
    /// (a pods metric, `GetMetricReplicas`) all six count, and ceil(2 x 6) = 12 within the rate
    /// limit max(6 + 4, 2 x 6).
    @Test("hpa: an instance ready for part of the interval is set aside for utilization (CPU) only", arguments: [
        (AutoscalerMetric.utilization, 6), (.concurrency, 12), (.queueLength, 12),
    ])
    func hpaPartWindowReadiness(metric: AutoscalerMetric, expected: Int) {
        var policy = HPAPolicy(
            spec: AutoscalerSpec(
                policy: .hpa, metric: metric, target: 0.5, interval: SimTime(seconds: 15), min: 1, max: 40,
                scaleInCooldown: nil, scaleOutCooldown: SimTime(seconds: 0)),
            initialInstances: 6)
        let o = ScalingObservation(
            time: SimTime(seconds: 15).nanoseconds, metric: 1.0, served: 6, running: 6, ready: 6, readyWholeInterval: 3)
        #expect(policy.decide(o) == expected, "\(metric)")
    }

    @Test("hpa: a high recommendation still in the scale-down window holds the count, never raises it while the metric asks for less")
    func hpaScaleDownWindowNeverScalesUp() {
        // horizontal.go, stabilizeRecommendationWithBehaviors: recommendation = currentReplicas,
        // raised to the lowest recommendation of the scale-up window if below it, lowered to the
        // highest of the scale-down window if above it. The windows bound the current count;
        // they do not replace it. Default windows: scale-up 0 s, scale-down 300 s.
        var policy = Self.hpa(initial: 1)
        // 15 s: 1 pod at 10 / 0.5 = 20 x target asks for 20; the rate limit allows
        // max(1 + 4, 2 x 1) = 5.
        #expect(policy.decide(Self.hpaObservation(at: 15, metric: 10, running: 1, ready: 1)) == 5)
        // 30 s: 5 pods at 0.375 / 0.5 = 0.75 ask for ceil(0.75 x 5) = 4. The 20 of 15 s ago is
        // the highest of the scale-down window: it holds the count at 5. (Taking it as the
        // answer would scale up to 10, the rate limit from 5, while the metric asks for less.)
        #expect(policy.decide(Self.hpaObservation(at: 30, metric: 0.375, running: 5, ready: 5)) == 5)
    }

    @Test("hpa in a run: after a rate-limited scale-up, a load that falls away never scales the service up further")
    func hpaNoScaleUpAfterTheLoadFalls() {
        // 1 instance, target 0.1, 20/s x 50 for the first 15 s (1,000/s of 10 ms: saturated,
        // utilization 1, ratio 10): at 15 s the HPA asks for 10 and the rate limit allows
        // max(1 + 4, 2 x 1) = 5. From 15 s the load is 20/s: 0.2 busy workers over 5, 0.04 each,
        // ratio 0.4, a recommendation of 2. The 10 of 15 s stays the highest of the 300 s
        // scale-down window, so the count holds at 5 to the end (100 s): one scaling in all.
        // (Taking the window's 10 as the answer scaled 5 -> 10 at 30 s.)
        let spike = [TimelineEventSpec(at: .zero, duration: SimTime(seconds: 15), action: .loadSpike(client: "users", factor: 50))]
        let result = Simulation(spec: Self.spec(
            policy: .hpa, rate: 20, instances: 1, target: 0.1, queueCapacity: 1, duration: 100, timeline: spike)).run()
        let scalings = Self.scalings(result)
        #expect(scalings.count == 1 && scalings.first?.time == 15 && scalings.first?.to == 5, "scaled \(scalings)")
    }

    @Test("hpa: a low recommendation still in the scale-up window holds the count, never lowers it while the metric asks for more")
    func hpaScaleUpWindowNeverScalesDown() {
        // The same rule with a 60 s scale-up window (scale_out_cooldown: 60s, as
        // behavior.scaleUp.stabilizationWindowSeconds). 5 pods, target 0.5.
        var policy = Self.hpa(initial: 5, scaleOut: 60)
        // 15 s: 0.25 / 0.5 = 0.5 asks for ceil(0.5 x 5) = 3; the initial 5 in the scale-down
        // window holds 5.
        #expect(policy.decide(Self.hpaObservation(at: 15, metric: 0.25, running: 5, ready: 5)) == 5)
        // 30 s to 60 s: 0.75 / 0.5 = 1.5 asks for ceil(1.5 x 5) = 8; the 3 of 15 s is the lowest
        // of the scale-up window: it holds 5 (taking it as the answer would scale down to 3).
        for t in [30.0, 45, 60] {
            #expect(policy.decide(Self.hpaObservation(at: t, metric: 0.75, running: 5, ready: 5)) == 5, "at \(t) s")
        }
        // 75 s: the window (after 15 s) holds only 8s: up to 8, within max(5 + 4, 2 x 5).
        #expect(policy.decide(Self.hpaObservation(at: 75, metric: 0.75, running: 5, ready: 5)) == 8)
    }

    @Test("hpa: the rate limits count from the start of the period, undoing removals as well as additions")
    func hpaRateLimitCountsBothDirections() {
        // horizontal.go, calculateScaleUpLimitWithScalingRules: periodStartReplicas =
        // currentReplicas - replicasAddedInCurrentPeriod + replicasDeletedInCurrentPeriod.
        // Scale-down window 0 s, decisions 5 s apart (a 5 s sync period), 10 pods, target 0.5.
        var policy = Self.hpa(initial: 10, scaleIn: 0)
        // 5 s: 0.125 / 0.5 = 0.25 asks for ceil(0.25 x 10) = 3; -100% per 15 s allows it.
        #expect(policy.decide(Self.hpaObservation(at: 5, metric: 0.125, running: 10, ready: 10)) == 3)
        // 10 s: 3 pods at 2 / 0.5 = 4 ask for 12. The period began with 3 + 7 removed = 10 pods,
        // so the limit is max(10 + 4, 2 x 10) = 20 and 12 is allowed (counting from 3 it would be
        // max(3 + 4, 2 x 3) = 7).
        #expect(policy.periodStart(current: 3, period: HPAPolicy.ratePeriod, at: SimTime(seconds: 10).nanoseconds) == 10)
        #expect(policy.decide(Self.hpaObservation(at: 10, metric: 2, running: 3, ready: 3)) == 12)
    }

    @Test("hpa: a count outside [min, max] goes straight to the bound, whatever the metric; a count of 0 disables it")
    func hpaOutsideItsRange() {
        // horizontal.go, reconcileAutoscaler: scale.Spec.Replicas == 0 (with minReplicas != 0)
        // disables autoscaling; currentReplicas > maxReplicas sets maxReplicas and
        // currentReplicas < minReplicas sets minReplicas, before any metric, stabilization or
        // rate limit.
        let spec = AutoscalerSpec(policy: .hpa, metric: .utilization, target: 0.5, interval: SimTime(seconds: 15), min: 3, max: 8)
        var policy = HPAPolicy(spec: spec, initialInstances: 5)
        // 20 pods (an operator's scale-up) at a tenth of the target: max, 8, not the 5 that the
        // stabilized recommendation (the initial 5 in the scale-down window) would give.
        #expect(policy.decide(Self.hpaObservation(at: 15, metric: 0.05, running: 20, ready: 20)) == 8)
        // 1 pod at 0.1 x the target (asks for 1): min, 3, although the scale-up rules allow 5.
        #expect(policy.decide(Self.hpaObservation(at: 30, metric: 0.05, running: 1, ready: 1)) == 3)
        #expect(policy.decide(Self.hpaObservation(at: 45, metric: 2, running: 0, ready: 0)) == 0)
    }

    // MARK: - Step (AWS)

    @Test("step: warming instances count as capacity already added; a repeated breach in the same step adds nothing")
    func stepDoesNotReAddDuringWarmup() {
        // The AWS example: 10 in service and 1 warming (desired 11). A breach in the +1 step
        // asks for 10 + 1 = 11: nothing more; a breach in the +3 step asks for 13: 2 more.
        #expect(StepPolicy.desired(adjustment: 1, ready: 10, running: 11) == 11)
        #expect(StepPolicy.desired(adjustment: 3, ready: 10, running: 11) == 13)
        #expect(StepPolicy.desired(adjustment: -1, ready: 10, running: 11) == 10)

        // In a run: 2 instances at 120/s x 10 ms = 1.2 busy, 0.6 each, target 0.5: a breach in
        // the +1 step (0.5 < 0.6 <= 0.75). At 15 s: 2 + 1 = 3, booting for 100 s. At 30, 45,
        // ..., 105 s the same breach asks for 2 + 1 = 3 again: no change (scaling by +1 each
        // time would have reached 9 by 105 s).
        let result = Simulation(spec: Self.spec(policy: .step, rate: 120, instances: 2, target: 0.5, bootTime: 100, duration: 110)).run()
        let scalings = Self.scalings(result)
        #expect(scalings.count == 1 && scalings.first?.time == 15 && scalings.first?.to == 3, "scaled \(scalings)")
    }

    // MARK: - Target tracking (AWS)

    @Test("target_tracking holds the count under constant demand while batches boot (no 7 -> 12 -> 7)", arguments: [50.0, 60.0, 70.0])
    func targetTrackingHoldsSteady(bootTime: Double) {
        // 380/s x 10 ms = 3.8 busy workers; target 0.6 per instance: ceil(3.8 / 0.6) = ceil(6.33)
        // = 7 instances. Starting from 2 (saturated), the count must only grow, never pass 7,
        // and end at 7: the load is measured on the capacity that served it, so a batch
        // becoming ready does not inflate it.
        let result = Simulation(spec: Self.spec(
            policy: .targetTracking, rate: 380, instances: 2, target: 0.6, bootTime: bootTime, queueCapacity: 10, duration: 900)).run()
        let scalings = Self.scalings(result)
        #expect(scalings.allSatisfy { $0.to > $0.from }, "scaled down: \(scalings)")
        #expect(scalings.map(\.to).max() == 7, "scaled \(scalings)")
        #expect(scalings.last?.to == 7, "scaled \(scalings)")
        #expect(TargetTrackingPolicy.needed(metric: 0.38 / 0.7, served: 7, target: 0.6, ceiling: 40) == 7)
        // Half the 7 ready for the whole interval: the load is the same 3.8, so is the answer.
        #expect(TargetTrackingPolicy.needed(metric: 3.8 / 5.5, served: 5.5, target: 0.6, ceiling: 40) == 7)
    }

    // MARK: - AWS instance warmup and scale-in

    @Test("target_tracking and step: no scale-in while an instance warms up (AWS instance warmup); a count above max still goes to max")
    func awsNoScaleInWhileWarming() {
        // EC2 Auto Scaling, "Set the default instance warmup for an Auto Scaling group", section
        // "Scaling performance considerations"
        // (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-default-instance-warmup.html):
        // while instances warm up, dynamic scaling (target tracking and step) turns conservative
        // when demand falls, and scale-in is blocked until the new instances finish warming up.
        // A booting instance is a warming one here.
        let spec = AutoscalerSpec(policy: .targetTracking, metric: .utilization, target: 0.5, interval: SimTime(seconds: 15), min: 1, max: 40)
        // 6 serving, 3 booting, a load of 0.9 busy workers over the 6 that served: ceil(1.8) = 2
        // wanted, but 3 still boot: stay at 9.
        let warming = ScalingObservation(
            time: SimTime(seconds: 15).nanoseconds, metric: 0.15, served: 6, running: 9, ready: 6, readyWholeInterval: 6)
        var tracking = TargetTrackingPolicy(spec: spec)
        #expect(tracking.decide(warming) == 9)
        // Once all 9 serve, down to 2 at once.
        var booted = warming
        (booted.time, booted.ready, booted.readyWholeInterval) = (SimTime(seconds: 30).nanoseconds, 9, 9)
        #expect(tracking.decide(booted) == 2)
        // The same for step's -1.
        var stepSpec = spec
        stepSpec.policy = .step
        var step = StepPolicy(spec: stepSpec)
        #expect(step.decide(warming) == 9)
        #expect(step.decide(booted) == 8)
        // A max lowered below the running count (a `set`) is the group's bound, not a policy's
        // scale-in: 9 running, max 5, goes to 5 although 3 boot.
        var lowered = spec
        lowered.max = 5
        var bounded = TargetTrackingPolicy(spec: lowered)
        #expect(bounded.decide(warming) == 5)

        // In a run: 4 instances carry 90/s x 10 ms = 0.9 busy workers, target 0.5: ceil(1.8) = 2
        // would do. An operator scales to 6 at 1 s; the 2 new ones boot for 60 s. The decisions
        // at 15, 30, 45 and 60 s see them booting and hold 6; at 75 s all 6 serve: 6 -> 2.
        // (Scaling in at once went 6 -> 2 at 15 s, stopping the 2 booting instances.)
        let operatorScale = [TimelineEventSpec(at: SimTime(seconds: 1), action: .scale(service: "api", to: 6))]
        let tracked = Self.scalings(Simulation(spec: Self.spec(
            policy: .targetTracking, rate: 90, instances: 4, target: 0.5, bootTime: 60, duration: 80, timeline: operatorScale)).run())
        #expect(tracked.count == 1 && tracked.first?.time == 75 && tracked.first?.from == 6 && tracked.first?.to == 2,
                "scaled \(tracked)")
        // step: 0.9 / 4 = 0.225 < half the target, a -1 breach every decision; the first -1 comes
        // at 75 s (6 -> 5), not at 15 s.
        let stepped = Self.scalings(Simulation(spec: Self.spec(
            policy: .step, rate: 90, instances: 4, target: 0.5, bootTime: 60, duration: 80, timeline: operatorScale)).run())
        #expect(stepped.count == 1 && stepped.first?.time == 75 && stepped.first?.from == 6 && stepped.first?.to == 5,
                "scaled \(stepped)")
    }

    // MARK: - AWS cooldowns

    /// An observation at `time` s where the load asks target tracking (target 0.5) for exactly
    /// `need` instances: metric need / 4 over 2 served, so need / 4 x 2 / 0.5 = need with no
    /// rounding. Every instance serves (no warmup hold).
    static func awsObservation(at time: Double, need: Int, running: Int) -> ScalingObservation {
        ScalingObservation(
            time: SimTime(seconds: time).nanoseconds, metric: Double(need) / 4, served: 2, running: running,
            ready: running, readyWholeInterval: running)
    }

    @Test("target_tracking cooldowns as Application Auto Scaling defines them: a larger scale-out passes the scale-out cooldown; only a scale-in starts the scale-in cooldown, and a scale-out ends it")
    func targetTrackingAWSCooldowns() {
        // Application Auto Scaling API reference, TargetTrackingScalingPolicyConfiguration
        // (https://docs.aws.amazon.com/autoscaling/application/APIReference/API_TargetTrackingScalingPolicyConfiguration.html):
        // ScaleOutCooldown: "The scaling policy won't increase the desired capacity again unless
        // either a larger scale out is triggered or the cooldown period ends."
        // ScaleInCooldown: "The amount of time ... after a scale-in activity completes before
        // another scale-in activity can start ... if another alarm triggers a scale-out activity
        // during the scale-in cooldown period, [it] scales out the target immediately. In this
        // case, the scale-in cooldown period stops and doesn't complete."
        let spec = AutoscalerSpec(
            policy: .targetTracking, metric: .utilization, target: 0.5, interval: SimTime(seconds: 15), min: 1, max: 40,
            scaleInCooldown: SimTime(seconds: 300), scaleOutCooldown: SimTime(seconds: 60))
        var policy = TargetTrackingPolicy(spec: spec)
        #expect(policy.decide(Self.awsObservation(at: 15, need: 5, running: 2)) == 5)   // scale-out; cooldown to 75 s
        #expect(policy.decide(Self.awsObservation(at: 30, need: 8, running: 5)) == 8)   // larger: through; cooldown to 90 s
        #expect(policy.decide(Self.awsObservation(at: 45, need: 6, running: 8)) == 6)   // a scale-in right after a scale-out
        #expect(policy.decide(Self.awsObservation(at: 60, need: 7, running: 6)) == 6)   // up, but not above 8, in the cooldown
        #expect(policy.decide(Self.awsObservation(at: 75, need: 4, running: 6)) == 6)   // scale-in cooldown (45 s to 345 s)
        #expect(policy.decide(Self.awsObservation(at: 90, need: 7, running: 6)) == 7)   // scale-out cooldown over: up, ends the scale-in one
        #expect(policy.decide(Self.awsObservation(at: 105, need: 3, running: 7)) == 3)  // so this scale-in goes through
        #expect(policy.decide(Self.awsObservation(at: 120, need: 2, running: 3)) == 3)  // and starts a new scale-in cooldown
    }

    @Test("step during its cooldown: the earlier scale-out counts as capacity already added (AWS: a +3 breach after a +2 adds 1)")
    func stepAWSCooldown() {
        // Application Auto Scaling API reference, StepScalingPolicyConfiguration, Cooldown
        // (https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepScalingPolicyConfiguration.html):
        // "when an alarm triggers a step scaling policy to increase the capacity by 2, the
        // scaling activity completes successfully, and a cooldown period starts. If an alarm
        // triggers again during the cooldown period but at a more aggressive step adjustment of
        // 3, the previous increase of 2 is considered part of the current capacity. Therefore,
        // only 1 is added to the capacity."
        let spec = AutoscalerSpec(
            policy: .step, metric: .utilization, target: 0.5, interval: SimTime(seconds: 15), min: 1, max: 40,
            scaleOutCooldown: SimTime(seconds: 300))
        func observation(at time: Double, metric: Double, running: Int) -> ScalingObservation {
            ScalingObservation(time: SimTime(seconds: time).nanoseconds, metric: metric, served: Double(running),
                               running: running, ready: running, readyWholeInterval: running)
        }
        var policy = StepPolicy(spec: spec)
        #expect(policy.decide(observation(at: 15, metric: 0.8, running: 10)) == 12)   // > 1.5 x the target: +2
        // The 2 new instances already serve; the same +2 breach asks for 10 + 2 again: nothing.
        #expect(policy.decide(observation(at: 30, metric: 0.8, running: 12)) == 12)
        // A +3 breach (> 2 x the target) asks for 10 + 3: 1 more, not 12 + 3.
        #expect(policy.decide(observation(at: 45, metric: 1.2, running: 12)) == 13)
        // After the cooldown (restarted at 45 s, so until 345 s) the step adds to the capacity then.
        #expect(policy.decide(observation(at: 330, metric: 0.6, running: 13)) == 13)
        #expect(policy.decide(observation(at: 345, metric: 0.6, running: 13)) == 14)
    }

    // MARK: - No trap

    @Test("a target of 1e-18, 1e-300 or a denormal never traps: the count goes to max", arguments: [1e-18, 1e-300, Double.leastNonzeroMagnitude])
    func tinyTargets(target: Double) {
        for policy in AutoscalerPolicy.allCases {
            let result = Simulation(spec: Self.spec(policy: policy, rate: 100, instances: 2, target: target, max: 6, duration: 60)).run()
            #expect(Self.scalings(result).last?.to == 6, "\(policy) with target \(target): \(Self.scalings(result))")
        }
        #expect(ScalingArithmetic.ceilCount(.infinity, ceiling: 40) == 40)
        #expect(ScalingArithmetic.ceilCount(1e300, ceiling: 40) == 40)
        #expect(ScalingArithmetic.ceilCount(.nan, ceiling: 40) == nil)
        #expect(FormatNumber.short(1e300) == "1e+300")
    }

    // MARK: - Summary

    @Test("instances {min, mean, max} cover the time after warmup only")
    func instancesAfterWarmup() {
        // 2 instances; an operator scales to 5 at 10 s (boot 1 s); warmup ends at 60 s. After
        // warmup 5 serve throughout: min = mean = max = 5, although 2 served before.
        var spec = Self.spec(
            policy: .step, rate: 100, instances: 2, target: 0.5, bootTime: 1, duration: 120, warmup: 60,
            timeline: [TimelineEventSpec(at: SimTime(seconds: 10), action: .scale(service: "api", to: 5))])
        spec.services[0].autoscaler = nil
        let api = Simulation(spec: spec).run().services[0]
        #expect(api.instances.min == 5 && api.instances.max == 5, "\(api.instances)")
        #expect(abs(api.instances.mean - 5) < 1e-9)
    }
}
