extension Simulation {
    /// Checks the model's bookkeeping; traps with the offending values. O(instances + queued +
    /// slab size); tests call it between slices of a run.
    ///
    /// - every instance has 0...workers busy workers and at most its queue capacity waiting;
    /// - work conservation: an instance with waiting attempts has every worker busy;
    /// - each service's time integrals hold the current sums of busy workers and queued attempts;
    /// - every queued attempt is live, at a server, and queued at the instance that holds it.
    /// - the fast-path flags (``refreshFastPaths()``) agree with the fields they summarise, and a
    ///   run on the lean path (``lean``) still has none of the mechanisms that path leaves out,
    ///   and no timeline event but a load spike has started;
    public func checkInvariants() {
        calendar.checkInvariants()
        precondition(!lean || isLean(), "the run takes the lean path but uses a mechanism it leaves out")
        if lean, let started = spec.timeline.firstIndex(where: { event in
            guard event.enabled, event.at < now else { return false }
            if case .loadSpike = event.action { return false }
            return true
        }) {
            preconditionFailure("the run takes the lean path after timeline event \(started) started")
        }
        for c in clients.indices {
            precondition(clients[c].guarded == isGuarded(client: c),
                         "client \(clients[c].spec.name): fast path says guarded=\(clients[c].guarded)")
        }
        for s in services.indices {
            precondition(services[s].quiet == isQuiet(service: s),
                         "service \(services[s].spec.name): fast path says quiet=\(services[s].quiet)")
        }
        requests.slots.checkInvariants()
        attempts.slots.checkInvariants()
        for service in services {
            var busy = 0, queued = 0
            for i in service.firstInstance..<(service.firstInstance + service.slotCount) {
                let instance = instances[i]
                precondition(
                    i < service.firstInstance + service.slotsUsed || instance.lifecycle == .stopped,
                    "\(service.spec.name) instance \(i): started beyond the slots counted as used (\(service.slotsUsed))")
                precondition(instance.fifo == (instance.discipline is FIFODiscipline), "\(service.spec.name) instance \(i): fifo flag disagrees with its discipline")
                if instance.queue.isEmpty, let codel = instance.discipline as? CoDelDiscipline {
                    // RFC 8289 section 5.6: an empty queue cannot be above target.
                    precondition(codel.isAtRest, "\(service.spec.name) instance \(i): CoDel keeps delay state over an empty queue")
                }
                precondition(
                    instance.busy >= 0 && instance.busy <= max(service.workers, service.workersBeforeLowering),
                    "\(service.spec.name) instance \(i): \(instance.busy) busy of \(service.workers) workers")
                precondition(
                    instance.queue.count <= max(service.queueCapacity, service.capacityBeforeLowering),
                    "\(service.spec.name) instance \(i): \(instance.queue.count) queued, capacity \(service.queueCapacity)")
                precondition(
                    instance.queue.isEmpty || instance.busy >= service.workers || instance.isPaused(at: now.nanoseconds),
                    "\(service.spec.name) instance \(i): \(instance.queue.count) waiting while \(instance.busy) of \(service.workers) workers are busy")
                for slot in instance.queue.elements {
                    let a = Int(slot)
                    precondition(
                        attempts.slots.isCurrent(slot: slot, generation: attempts.slots.generation(of: slot)),
                        "queued attempt \(slot) is not live")
                    precondition(attempts.rows[a].phase == .atServer, "queued attempt \(slot) is in phase \(attempts.rows[a].phase)")
                    precondition(Int(attempts.rows[a].instance) == i, "attempt \(slot) queued at \(i) but assigned to \(attempts.rows[a].instance)")
                }
                busy += Int(instance.busy)
                queued += instance.queue.count
            }
            let running = (service.firstInstance..<(service.firstInstance + service.slotCount)).filter {
                instances[$0].lifecycle == .serving
            }
            let healthy = running.filter { !instances[$0].ejected && !instances[$0].outlierEjected }
            let routable = service.panicking ? running : healthy
            precondition(service.servingList == routable, "\(service.spec.name): balancer list \(service.servingList), expected \(routable)")
            for i in service.firstInstance..<(service.firstInstance + service.slotCount)
            where instances[i].outlierEjected || instances[i].outlierBackoff > 0 {
                precondition(service.outlierWatch.contains(i), "\(service.spec.name) instance \(i): outlier state outside the review's list")
            }
            if let tree = service.loadTree {
                // Every instance the balancer may choose holds its live load, and no other holds one.
                for i in service.firstInstance..<(service.firstInstance + service.slotCount) {
                    let expected = routable.contains(i) ? Int(instances[i].busy) + instances[i].queue.count : nil
                    precondition(tree.load(of: i) == expected, "\(service.spec.name) instance \(i): least-load tree holds \(String(describing: tree.load(of: i))), expected \(String(describing: expected))")
                }
            }
            precondition(
                service.serving.value == Double(healthy.count),
                "\(service.spec.name): serving integral at \(service.serving.value), healthy serving \(healthy.count)")
            let working = (service.firstInstance..<(service.firstInstance + service.slotCount)).filter {
                instances[$0].lifecycle == .serving || instances[$0].lifecycle == .draining
            }
            precondition(
                service.capacity.value == Double(working.count * Int(service.workers)),
                "\(service.spec.name): capacity integral at \(service.capacity.value), \(working.count) working instances")
            precondition(service.busy.value == Double(busy), "\(service.spec.name): busy integral at \(service.busy.value), workers busy \(busy)")
            precondition(service.queued.value == Double(queued), "\(service.spec.name): queued integral at \(service.queued.value), queued \(queued)")
        }
    }
}
