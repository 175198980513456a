import SatsimCore

/// Autoscaling (DESIGN.md, "Autoscaling"): each `interval` the autoscaler reads its metric as
/// averaged over the interval just past, decides a desired count by its policy, clamps it to
/// [min, max] and scales; new instances serve nothing until boot_time has passed. The lag of the
/// metric plus the boot time is what makes scaling oscillate.
extension Simulation {
    func autoscale(service s: Int) {
        guard var state = services[s].autoscaler else { return }
        let spec = state.spec
        defer {
            services[s].autoscaler = state
            calendar.schedule(at: now + spec.interval, kind: EventKind.autoscale.rawValue, target: UInt32(s))
        }
        // The metric, averaged over the last interval, per serving instance.
        let busy = services[s].busy.integral(upTo: now), queued = services[s].queued.integral(upTo: now)
        let capacity = services[s].capacity.integral(upTo: now), serving = services[s].serving.integral(upTo: now)
        let dBusy = busy - state.busyAtLast, dQueued = queued - state.queuedAtLast
        let dCapacity = capacity - state.capacityAtLast, dServing = serving - state.servingAtLast
        (state.busyAtLast, state.queuedAtLast, state.capacityAtLast, state.servingAtLast) = (busy, queued, capacity, serving)
        let metric: Double
        switch spec.metric {
        case .utilization: metric = dCapacity > 0 ? dBusy / dCapacity : 0
        case .queueLength: metric = dServing > 0 ? dQueued / dServing : 0
        case .concurrency: metric = dServing > 0 ? (dBusy + dQueued) / dServing : 0
        }

        let range = services[s].firstInstance..<(services[s].firstInstance + services[s].slotCount)
        let running = range.filter { instances[$0].lifecycle == .serving || instances[$0].lifecycle == .booting }.count
        let ready = range.filter { instances[$0].lifecycle == .serving }.count
        let t = now.nanoseconds
        var desired: Int
        switch spec.policy {
        case .hpa:
            desired = AutoscalerPolicyRules.hpaDesired(current: max(ready, 1), metric: metric, target: spec.target)
            // Scale-down stabilization: the highest recommendation of the window wins.
            state.recommendations.append((t, desired))
            state.recommendations.removeAll { $0.time < t - spec.scaleInCooldown.nanoseconds }
            if desired < running { desired = min(running, state.recommendations.map(\.replicas).max() ?? desired) }
            // Scale-up rate limit: max(+4, +100%) per 15 s.
            state.scaleUps.removeAll { $0.time <= t - AutoscalerPolicyRules.hpaScaleUpPeriod }
            let base = state.scaleUps.first?.from ?? running
            desired = min(desired, AutoscalerPolicyRules.hpaScaleUpLimit(base: base))
        case .targetTracking:
            desired = AutoscalerPolicyRules.targetTrackingDesired(serving: ready, metric: metric, target: spec.target)
            // Instances still warming count towards capacity already being added.
            if desired > ready && desired <= running { desired = running }
        case .step:
            desired = running + AutoscalerPolicyRules.stepAdjustment(metric: metric, target: spec.target)
        }
        desired = min(max(desired, spec.min), spec.max)
        // Cooldowns (target_tracking and step; hpa has its own window and rate limit): no
        // scale-out within scale_out_cooldown of the last one, no scale-in within
        // scale_in_cooldown of the last scaling either way.
        func since(_ time: Int64?) -> Int64 { time.map { t - $0 } ?? Int64.max }
        if desired > running {
            guard spec.policy == .hpa || since(state.lastScaleOut) >= spec.scaleOutCooldown.nanoseconds else { return }
            if spec.policy == .hpa { state.scaleUps.append((t, running)) }
            state.lastScaleOut = t
        } else if desired < running {
            let lastScaling = [state.lastScaleIn, state.lastScaleOut].compactMap { $0 }.max()
            guard spec.policy == .hpa || since(lastScaling) >= spec.scaleInCooldown.nanoseconds else { return }
            state.lastScaleIn = t
        } else {
            return
        }
        recordEvent(
            .scaled, subject: services[s].spec.name,
            detail: "\(spec.policy.rawValue) scaled from \(running) to \(desired) instances (\(spec.metric.rawValue) \(FormatNumber.short(metric)), target \(FormatNumber.short(spec.target)))")
        scale(service: s, to: desired)
    }
}

/// Short numbers for event details.
enum FormatNumber {
    static func short(_ x: Double) -> String {
        guard x.isFinite else { return "\(x)" }
        let scaled = (x * 1000).rounded() / 1000
        return scaled == scaled.rounded() ? String(Int(scaled)) : String(scaled)
    }
}
