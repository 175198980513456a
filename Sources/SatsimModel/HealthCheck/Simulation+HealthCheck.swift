import SatsimCore

/// Health checks (DESIGN.md, "Health checks"): every `interval` each serving instance gets a
/// probe, which waits in the instance's queue like any request and needs a free worker, though
/// no work, to be answered. No answer within `timeout` (or a full queue, or a kill) is a failure.
/// After `unhealthy_after` consecutive failures the instance is ejected from the balancer, or
/// restarted; after `healthy_after` consecutive successes an ejected instance is readmitted. An
/// overloaded instance fails its probes while working flat out, so ejecting it moves its load
/// onto its peers: below the `panic_threshold` healthy share the balancer uses every instance.
extension Simulation {
    func probeRound(service s: Int) {
        guard let check = services[s].healthCheck else { return }
        let range = services[s].firstInstance..<(services[s].firstInstance + services[s].slotCount)
        for instance in range where instances[instance].lifecycle == .serving {
            sendProbe(service: s, instance: instance, timeout: check.timeout)
        }
        // Probes are held like attempts (a slot, a timeout, a queue place): they count in flight,
        // so probes every microsecond stop at the memory budget instead of exhausting memory.
        checkInFlight()
        calendar.schedule(at: now + check.interval, kind: EventKind.probeRound.rawValue, target: UInt32(s))
    }

    func sendProbe(service s: Int, instance: Int, timeout: SimTime) {
        let (a, generation) = attempts.acquire(request: AttemptSlab.probe, requestGeneration: 0, service: s)
        attempts.phase[Int(a)] = .atServer
        calendar.schedule(at: now + timeout, kind: EventKind.probeTimeout.rawValue, slot: a, generation: generation)
        if !admit(a, service: s, instance: instance) {
            probeAnswered(a, success: false)
        }
    }

    /// The prober stops waiting: a failure. The probe stays queued, like any abandoned request,
    /// and is discarded when a worker reaches it.
    func probeTimesOut(_ a: UInt32) {
        attempts.abandoned[Int(a)] = true
        let instance = Int(attempts.instance[Int(a)])
        recordProbe(service: Int(attempts.service[Int(a)]), instance: instance, success: false)
    }

    /// A probe got its answer (or was turned away or lost); releases it.
    func probeAnswered(_ a: UInt32, success: Bool) {
        let i = Int(a)
        let abandoned = attempts.abandoned[i]
        let s = Int(attempts.service[i])
        let instance = Int(attempts.instance[i])
        attempts.phase[i] = .toClient
        attempts.slots.release(a)
        if !abandoned { recordProbe(service: s, instance: instance, success: success) }
    }

    func recordProbe(service s: Int, instance: Int, success: Bool) {
        guard let check = services[s].healthCheck, instances[instance].lifecycle == .serving else { return }
        let local = instance - services[s].firstInstance
        if success {
            instances[instance].consecutiveProbeFailures = 0
            instances[instance].consecutiveProbeSuccesses += 1
            if instances[instance].ejected && instances[instance].consecutiveProbeSuccesses >= check.healthyAfter {
                instances[instance].ejected = false
                recordEvent(.instanceReadmitted, subject: services[s].spec.name, detail: "instance \(local) passed \(check.healthyAfter) health checks and is back in the balancer")
                refreshRouting(service: s)
            }
            return
        }
        instances[instance].consecutiveProbeSuccesses = 0
        instances[instance].consecutiveProbeFailures += 1
        guard instances[instance].consecutiveProbeFailures >= check.unhealthyAfter, !instances[instance].ejected else { return }
        switch check.action {
        case .eject:
            instances[instance].ejected = true
            recordEvent(.instanceEjected, subject: services[s].spec.name, detail: "instance \(local) failed \(check.unhealthyAfter) health checks in a row and was ejected")
            refreshRouting(service: s)
        case .restart:
            kill(service: s, instance: instance, reason: "restarted after failing \(check.unhealthyAfter) health checks in a row")
        }
    }
}
