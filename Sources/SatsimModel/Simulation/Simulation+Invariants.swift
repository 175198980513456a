extension Simulation {
    /// Checks the model's bookkeeping; traps with the offending values. O(instances + queued +
    /// slab size); tests call it between slices of a run.
    ///
    /// - every instance has 0...workers busy workers and at most its queue capacity waiting;
    /// - work conservation: an instance with waiting attempts has every worker busy;
    /// - each service's time integrals hold the current sums of busy workers and queued attempts;
    /// - every queued attempt is live, at a server, and queued at the instance that holds it.
    public func checkInvariants() {
        calendar.checkInvariants()
        requests.slots.checkInvariants()
        attempts.slots.checkInvariants()
        for service in services {
            var busy = 0, queued = 0
            for i in service.firstInstance..<(service.firstInstance + service.slotCount) {
                let instance = instances[i]
                precondition(
                    instance.busy >= 0 && instance.busy <= service.workers,
                    "\(service.spec.name) instance \(i): \(instance.busy) busy of \(service.workers) workers")
                precondition(
                    instance.queue.count <= service.queueCapacity,
                    "\(service.spec.name) instance \(i): \(instance.queue.count) queued, capacity \(service.queueCapacity)")
                precondition(
                    instance.queue.isEmpty || instance.busy == service.workers || instance.isPaused(at: now.nanoseconds),
                    "\(service.spec.name) instance \(i): \(instance.queue.count) waiting while \(instance.busy) of \(service.workers) workers are busy")
                for slot in instance.queue.elements {
                    let a = Int(slot)
                    precondition(
                        attempts.slots.isCurrent(slot: slot, generation: attempts.slots.generation(of: slot)),
                        "queued attempt \(slot) is not live")
                    precondition(attempts.phase[a] == .atServer, "queued attempt \(slot) is in phase \(attempts.phase[a])")
                    precondition(Int(attempts.instance[a]) == i, "attempt \(slot) queued at \(i) but assigned to \(attempts.instance[a])")
                }
                busy += Int(instance.busy)
                queued += instance.queue.count
            }
            let serving = (service.firstInstance..<(service.firstInstance + service.slotCount)).filter {
                instances[$0].lifecycle == .serving
            }
            precondition(service.servingList == serving, "\(service.spec.name): serving list \(service.servingList), serving \(serving)")
            precondition(
                service.serving.value == Double(serving.count),
                "\(service.spec.name): serving integral at \(service.serving.value), serving \(serving.count)")
            precondition(service.busy.value == Double(busy), "\(service.spec.name): busy integral at \(service.busy.value), workers busy \(busy)")
            precondition(service.queued.value == Double(queued), "\(service.spec.name): queued integral at \(service.queued.value), queued \(queued)")
        }
    }
}
