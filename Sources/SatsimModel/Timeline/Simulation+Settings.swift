import SatsimCore

/// Operator actions mid-run: a timeline `set` puts new settings in force.
///
/// The scenario layer resolves each `set` ahead of the run into the full settings in force once
/// it starts and, with `for`, once it ends (``ResolvedSetting``). Here each client and service
/// whose settings differ takes the new ones, following the rule ``MidRunRule`` states for work in
/// flight. All of it is rare (one call per event), so it may allocate; nothing here touches the
/// hot path, which reads the same cached fields it always did.
extension Simulation {
    /// Starts (`starting`) or ends timeline `set` number `index`.
    func applySetting(_ index: Int, starting: Bool) {
        let event = spec.timeline[index]
        guard case .set(let override) = event.action, let resolved = event.resolved else { return }
        guard let snapshot = starting ? resolved.atStart : resolved.atEnd else { return }
        var changed: [String] = []
        for c in clients.indices where c < snapshot.clients.count && clients[c].spec != snapshot.clients[c] {
            reconfigure(client: c, to: snapshot.clients[c])
            changed.append(snapshot.clients[c].name)
        }
        for s in services.indices where s < snapshot.services.count && services[s].spec != snapshot.services[s] {
            reconfigure(service: s, to: snapshot.services[s])
            changed.append(snapshot.services[s].name)
        }
        let rule: String
        switch MidRunRule.rule(for: override.path) {
        case .applies(let text): rule = text
        case .refused(let text): rule = text
        }
        let window = event.duration.map { " for \($0.description)" } ?? ""
        let previous = resolved.previousValue ?? "its default"
        let effect = changed.isEmpty ? "nothing changed (already in force)" : rule
        if starting {
            recordEvent(.settingChanged, subject: override.path,
                        detail: "an operator set \(override.path) to \(override.value)\(window) (was \(previous)): \(effect)")
        } else {
            let restored = resolved.restoredValue ?? "its default"
            let after = event.duration?.description ?? ""
            // The value in force without this event, not the one before it started: another
            // `set` may have started, or ended, during the window.
            recordEvent(.settingRestored, subject: override.path,
                        detail: changed.isEmpty
                            ? "\(override.path): the set to \(override.value) ended after \(after); \(restored) stays in force: nothing changed"
                            : "\(override.path) set back to \(restored) after \(after): \(rule)")
        }
    }

    /// Puts a client's new settings in force (rules: ``MidRunRule``).
    func reconfigure(client c: Int, to new: ClientSpec) {
        let old = clients[c].spec
        clients[c].spec = new
        if new.target != old.target, let t = serviceIndex(new.target) { clients[c].target = t }
        clients[c].network = new.network.map(Sampler.init)
        clients[c].timeout = new.timeout?.nanoseconds ?? Int64.max
        clients[c].maxAttempts = Int32(clamping: new.retry?.maxAttempts ?? 1)
        clients[c].retryMask = Self.retryMask(new.retry)
        clients[c].backoff = new.retry?.backoff
        if new.retry?.budget != old.retry?.budget { clients[c].budget = new.retry?.budget.map(RetryBudget.init) }
        if new.circuitBreaker != old.circuitBreaker {
            let before = clients[c].breaker?.state
            clients[c].breaker = new.circuitBreaker.map(CircuitBreaker.init)
            // A breaker that was open and restarts closed says so in the log.
            if before != nil, before != .closed, clients[c].breaker?.state == .closed {
                recordEvent(.breakerClosed, subject: new.name, detail: "circuit breaker closed (restarted with new settings)")
            }
        }
        if new.adaptiveThrottle != old.adaptiveThrottle {
            clients[c].throttle = new.adaptiveThrottle.map(AdaptiveThrottle.init)
        }
        guard new.arrival != old.arrival else { return }
        // An open loop never becomes closed, nor a closed one open (validation refuses such a
        // `set`: ``MidRunRule``); were one to reach here, the arrivals would stay as they are.
        guard new.arrival.isClosed == clients[c].isClosed else { return }
        switch new.arrival {
        case .poisson(let rate), .constant(let rate):
            clients[c].baseRate = rate
            if case .poisson = new.arrival { clients[c].isPoisson = true } else { clients[c].isPoisson = false }
            // Redrawn, as a load spike does: exact for Poisson arrivals (memoryless); a changed
            // process draws its first gap from now.
            clients[c].arrivalEpoch &+= 1
            scheduleNextArrival(c)
        case .closed(let users, let think):
            clients[c].think = Sampler(think)
            let wanted = Self.population(users: users, factor: clients[c].loadFactor)
            clients[c].usersWanted = wanted
            while clients[c].usersActive < wanted { startUser(c) }
        }
    }

    /// Puts a service's new settings in force (rules: ``MidRunRule``).
    func reconfigure(service s: Int, to new: ServiceSpec) {
        let old = services[s].spec
        services[s].spec = new
        services[s].serviceTime = Sampler(new.serviceTime)
        services[s].contention = new.contention
        services[s].capacityBeforeLowering = max(services[s].capacityBeforeLowering, services[s].queueCapacity)
        services[s].queueCapacity = new.queue.capacity ?? Int.max
        services[s].queueTimeout = new.queue.timeout?.nanoseconds ?? Int64.max
        services[s].bootTime = new.bootTime.nanoseconds
        let range = services[s].firstInstance..<(services[s].firstInstance + services[s].slotCount)
        if new.queue.discipline != old.queue.discipline {
            for instance in range {
                instances[instance].discipline = new.queue.discipline.makeRule()
                instances[instance].fifo = new.queue.discipline == .fifo
            }
        }
        if let cache = new.cache, cache.keys != old.cache?.keys || cache.zipf != old.cache?.zipf {
            services[s].keys = ZipfSampler(n: cache.keys, exponent: cache.zipf)
        }
        if let cache = new.cache, let before = old.cache, cache.capacity != before.capacity || cache.ttl != before.ttl {
            // Every slot, serving or not: an instance that boots later has the new size too.
            for instance in range { instances[instance].cache?.resize(capacity: cache.capacity, ttl: cache.ttl) }
        }
        for (k, call) in new.calls.enumerated() where k < services[s].callCount {
            let i = services[s].firstCall + k
            guard calls[i].spec != call else { continue }
            let before = calls[i].spec
            calls[i].spec = call
            if let t = serviceIndex(call.service) { calls[i].target = t }
            calls[i].timeout = call.timeout?.nanoseconds ?? Int64.max
            calls[i].maxAttempts = Int32(clamping: call.retry?.maxAttempts ?? 1)
            calls[i].retryMask = Self.retryMask(call.retry)
            calls[i].backoff = call.retry?.backoff
            if call.retry?.budget != before.retry?.budget { calls[i].budget = call.retry?.budget.map(RetryBudget.init) }
            if call.circuitBreaker != before.circuitBreaker { calls[i].breaker = call.circuitBreaker.map(CircuitBreaker.init) }
        }
        if new.healthCheck != old.healthCheck {
            services[s].healthCheck = new.healthCheck
            if old.healthCheck == nil, new.healthCheck != nil {
                if services[s].healthStream == nil {
                    services[s].healthStream = RandomStream(seed: spec.seed, component: "services.\(new.name).health")
                }
                for instance in services[s].servingList { startProbing(service: s, instance: instance) }
            }
            // The panic threshold is read when routing is refreshed.
            refreshRouting(service: s)
        }
        if new.autoscaler != old.autoscaler {
            let previous = services[s].autoscaler
            if let spec = new.autoscaler {
                let running = range.filter { instances[$0].lifecycle == .serving || instances[$0].lifecycle == .booting }.count
                var state = AutoscalerState(spec, initialInstances: running)
                if let previous {
                    // The metric's window runs on from the last decision: the next one averages
                    // over the whole interval since, as it would have without the change.
                    (state.busyAtLast, state.queuedAtLast, state.capacityAtLast, state.servingAtLast, state.lastDecision) =
                        (previous.busyAtLast, previous.queuedAtLast, previous.capacityAtLast, previous.servingAtLast,
                         previous.lastDecision)
                } else {
                    state.lastDecision = now.nanoseconds
                    (state.busyAtLast, state.queuedAtLast) = (services[s].busy.integral(upTo: now), services[s].queued.integral(upTo: now))
                    (state.capacityAtLast, state.servingAtLast) =
                        (services[s].capacity.integral(upTo: now), services[s].serving.integral(upTo: now))
                    calendar.schedule(at: now + spec.interval, kind: EventKind.autoscale.rawValue, target: UInt32(s))
                }
                services[s].autoscaler = state
            } else {
                services[s].autoscaler = nil
            }
        }
        if new.outlierDetection != old.outlierDetection { reconfigureOutlierDetection(service: s, from: old.outlierDetection) }
        if new.workers != old.workers {
            services[s].workersBeforeLowering = max(services[s].workersBeforeLowering, services[s].workers)
            services[s].workers = Int32(new.workers)
            let working = range.filter { instances[$0].lifecycle == .serving || instances[$0].lifecycle == .draining }.count
            services[s].capacity.set(Double(working * new.workers), at: now)
            for instance in range where instances[instance].lifecycle != .stopped {
                startWaiting(service: s, instance: instance)
            }
        }
        if new.instances != old.instances { scale(service: s, to: new.instances) }
    }
}
