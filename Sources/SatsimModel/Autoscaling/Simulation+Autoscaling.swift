import SatsimCore

/// Autoscaling (DESIGN.md, "Autoscaling"): each `interval` the autoscaler reads its metric as
/// averaged over the interval just past, its policy decides the instance count, and the service
/// scales; new instances serve nothing until boot_time has passed. The lag of the metric plus
/// the boot time is what makes scaling oscillate.
extension Simulation {
    func autoscale(service s: Int) {
        guard var state = services[s].autoscaler else { return }
        let spec = state.spec
        defer {
            services[s].autoscaler = state
            calendar.schedule(at: now + spec.interval, kind: EventKind.autoscale.rawValue, target: UInt32(s))
        }
        let observation = observe(service: s, state: &state)
        let running = observation.running
        let desired = state.policy.decide(observation)
        state.desired = desired
        guard desired != running else { return }
        recordEvent(
            .scaled, subject: services[s].spec.name,
            detail: "\(spec.policy.rawValue) scaled from \(running) to \(desired) instances (\(spec.metric.rawValue) \(FormatNumber.short(observation.metric)), target \(FormatNumber.short(spec.target)))")
        scale(service: s, to: desired)
    }

    /// The metric averaged over the interval since the last decision, the capacity that served
    /// it, and the instance counts now.
    func observe(service s: Int, state: inout AutoscalerState) -> ScalingObservation {
        let busy = services[s].busy.integral(upTo: now), queued = services[s].queued.integral(upTo: now)
        let capacity = services[s].capacity.integral(upTo: now), serving = services[s].serving.integral(upTo: now)
        let dBusy = busy - state.busyAtLast, dQueued = queued - state.queuedAtLast
        let dCapacity = capacity - state.capacityAtLast, dServing = serving - state.servingAtLast
        (state.busyAtLast, state.queuedAtLast, state.capacityAtLast, state.servingAtLast) = (busy, queued, capacity, serving)
        let since = state.lastDecision
        state.lastDecision = now.nanoseconds
        let width = SimTime(nanoseconds: now.nanoseconds - since).seconds
        let metric: Double, served: Double
        switch state.spec.metric {
        case .utilization:
            metric = dCapacity > 0 ? dBusy / dCapacity : 0
            served = width > 0 ? dCapacity / (Double(services[s].workers) * width) : 0
        case .queueLength:
            metric = dServing > 0 ? dQueued / dServing : 0
            served = width > 0 ? dServing / width : 0
        case .concurrency:
            metric = dServing > 0 ? (dBusy + dQueued) / dServing : 0
            served = width > 0 ? dServing / width : 0
        }
        var running = 0, ready = 0, readyWhole = 0
        for i in services[s].firstInstance..<(services[s].firstInstance + services[s].slotsUsed) {
            switch instances[i].lifecycle {
            case .serving:
                running += 1
                // A booted instance whose readiness probe has not passed yet is not ready (its
                // pod's Ready condition is False): it counts like one still booting.
                guard !instances[i].awaitingReadiness else { break }
                ready += 1
                if instances[i].readyAt <= since { readyWhole += 1 }
            case .booting:
                running += 1
            case .draining, .stopped:
                break
            }
        }
        return ScalingObservation(
            time: now.nanoseconds, metric: metric, served: served, running: running, ready: ready,
            readyWholeInterval: readyWhole)
    }
}

/// Short numbers for event details.
enum FormatNumber {
    static func short(_ x: Double) -> String {
        guard x.isFinite else { return "\(x)" }
        let scaled = (x * 1000).rounded() / 1000
        // Beyond 2^53 every double is whole, and Int(_:) would trap past Int.max.
        guard abs(scaled) < 1e15 else { return "\(x)" }
        return scaled == scaled.rounded() ? String(Int(scaled)) : String(scaled)
    }
}
