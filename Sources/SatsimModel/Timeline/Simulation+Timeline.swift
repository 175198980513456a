import SatsimCore

extension Simulation {
    /// The largest closed-loop population a run holds [users]: the schema's bound on `users`,
    /// which validation also applies to users x load-spike factors. Each user is one pending
    /// event or one request, so this bounds what a population costs in memory.
    public static let maximumUsers = 10_000_000

    /// The most entries a run's event log holds before the run stops at a limit, unless
    /// `--max-log-entries` (``RunLimits/maxLogEntries``) says otherwise.
    ///
    /// The log grows with state changes, not with what is in flight: a circuit breaker with an
    /// `open_for` of microseconds under a long outage opens and half-opens on every request,
    /// 3.8 million entries (1.3 GB, and a 360 MB events.jsonl) in 20 simulated seconds, and an
    /// hour of it aborted for want of memory. 100,000 entries are about 15 MB in memory and
    /// 10 MB of events.jsonl, far more than a story can tell.
    public static let maximumLoggedEvents = 100_000
    /// Counted events in a row at one instant past which the run stops as stuck
    /// (``RunLimitHit/timeStoodStill(events:at:)``), unless the file allows larger bursts
    /// (``standStillBound(limits:)``): ten times the largest closed-loop population, whose users
    /// may all wake at the same instant without anything being wrong. A loop with no delay
    /// reaches it in 5 to 10 s of simulating.
    public static let standStillEvents = 10 * maximumUsers

    func recordEvent(_ kind: RunEventKind, subject: String, detail: String) {
        runEvents.append(RunEvent(time: now.seconds, kind: kind, subject: subject, detail: detail))
        if runEvents.count >= maxLogEntries, halted == nil { haltEventLog() }
    }

    /// Stops the run: its event log is full (see ``maximumLoggedEvents``, ``RunLimits/maxLogEntries``). The message names the
    /// subject and kind that wrote the most entries, the likely cause.
    func haltEventLog() {
        var counts: [String: (subject: String, kind: RunEventKind, count: Int)] = [:]
        for event in runEvents {
            let key = event.subject + "\u{0}" + event.kind.rawValue
            counts[key, default: (event.subject, event.kind, 0)].count += 1
        }
        // Ties go to the first in name order, so the message does not depend on hashing.
        let top = counts.values.max { ($0.count, $1.subject, $1.kind.rawValue) < ($1.count, $0.subject, $0.kind.rawValue) }
        halted = .eventLog(count: runEvents.count, top: top.map { LoggedEventCount($0.subject, $0.kind.rawValue, $0.count) }, at: now)
    }

    func serviceIndex(_ name: String) -> Int? { services.firstIndex { $0.spec.name == name } }

    /// Starts or ends timeline event `index`. Only the kinds ``ModelSupport`` accepts reach here.
    func applyTimeline(_ index: Int, starting: Bool) {
        let event = spec.timeline[index]
        let window = event.duration.map { " for \($0.description)" } ?? ""
        if event.isTargetedFault {
            applyTargetedFault(index, starting: starting)
            return
        }
        switch event.action {
        case .loadSpike(let name, let factor):
            guard let c = clients.firstIndex(where: { $0.spec.name == name }) else { return }
            // The product of the spikes active now, recomputed rather than multiplied and divided
            // back: x1e300 then /1e300 would leave infinity (or 0) behind once it overflowed.
            if starting {
                activeSpikes.append(index)
            } else {
                activeSpikes.removeAll { $0 == index }
            }
            var product = 1.0
            for k in activeSpikes {
                if case .loadSpike(let other, let f) = spec.timeline[k].action, other == name { product *= f }
            }
            setLoadFactor(client: c, product)
            recordEvent(
                starting ? .faultStarted : .faultEnded, subject: name,
                detail: starting ? "load spike x\(factor)\(window)" : "load spike over")
        case .latency(let name, let add):
            guard let s = serviceIndex(name) else { return }
            if starting {
                services[s].addedLatency.append(Sampler(add))
            } else if let k = services[s].addedLatency.firstIndex(where: { $0.distribution == add }) {
                services[s].addedLatency.remove(at: k)
            }
            recordEvent(starting ? .faultStarted : .faultEnded, subject: name, detail: starting ? "added latency \(add)\(window)" : "added latency over")
        case .errors(let name, let ratio):
            guard let s = serviceIndex(name) else { return }
            if starting {
                services[s].errorRatios.append(ratio)
            } else if let k = services[s].errorRatios.firstIndex(of: ratio) {
                services[s].errorRatios.remove(at: k)
            }
            recordEvent(starting ? .faultStarted : .faultEnded, subject: name, detail: starting ? "failing \(ratio) of requests\(window)" : "errors over")
        case .outage(let name, let mode):
            guard let s = serviceIndex(name) else { return }
            let delta = starting ? 1 : -1
            switch mode {
            case .refuse: services[s].refusing += delta
            case .blackhole: services[s].blackholing += delta
            }
            recordEvent(starting ? .faultStarted : .faultEnded, subject: name, detail: starting ? "outage (\(mode.rawValue))\(window)" : "outage over")
        case .kill(let name, let count):
            guard let s = serviceIndex(name) else { return }
            let victims = Array(services[s].servingList.prefix(count))
            for instance in victims { kill(service: s, instance: instance, reason: "killed") }
        case .scale(let name, let to):
            guard let s = serviceIndex(name) else { return }
            // The operator's action itself, in events.jsonl beside the instances it boots or
            // drains (scenario-format.md: events.jsonl holds operator actions and scaling), so
            // that even a scale to the count already running leaves its trace.
            let range = services[s].firstInstance..<(services[s].firstInstance + services[s].slotCount)
            let running = range.reduce(0) { $0 + (instances[$1].lifecycle == .serving || instances[$1].lifecycle == .booting ? 1 : 0) }
            recordEvent(.faultStarted, subject: name, detail: "an operator scaled from \(running) to \(to) instance\(to == 1 ? "" : "s")")
            scalesAdding[index] = to > running
            scale(service: s, to: to)
        case .deploy:
            deployStep(timelineIndex: index, batch: 0)
        case .pause(let name, let count):
            guard starting, let s = serviceIndex(name), let duration = event.duration else { return }
            for instance in services[s].servingList.prefix(count) {
                pause(service: s, instance: instance, until: now + duration)
            }
        case .cacheFlush(let name):
            guard let s = serviceIndex(name) else { return }
            for instance in services[s].firstInstance..<(services[s].firstInstance + services[s].slotCount)
            where services[s].spec.cache?.neverCold != true {
                instances[instance].cache?.removeAll()
            }
            recordEvent(.faultStarted, subject: name, detail: "cache flushed on every instance")
        case .set:
            applySetting(index, starting: starting)
        }
    }

    /// A closed-loop population of `users` scaled by `factor`, rounded, within
    /// 0...``maximumUsers``. Validation keeps users x factor within that bound; the clamp keeps
    /// the conversion from trapping should a factor ever slip past it (`Int(1e300)` traps), and
    /// bounds the loop that starts one user, one pending event, per new user.
    static func population(users: Int, factor: Double) -> Int {
        let scaled = (Double(users) * factor).rounded()
        guard scaled.isFinite else { return scaled.isNaN ? users : maximumUsers }
        return Int(min(max(scaled, 0), Double(maximumUsers)))
    }

    /// Changes a client's offered load: the open-loop rate, or the closed-loop population.
    func setLoadFactor(client c: Int, _ factor: Double) {
        clients[c].loadFactor = factor
        if clients[c].isClosed {
            guard case .closed(let users, _) = clients[c].spec.arrival else { return }
            let wanted = Self.population(users: users, factor: factor)
            clients[c].usersWanted = wanted
            // New users join at once; surplus users leave when they next finish a request.
            while clients[c].usersActive < wanted { startUser(c) }
        } else {
            // Poisson arrivals are memoryless, so redrawing the next gap at the new rate is exact.
            clients[c].arrivalEpoch &+= 1
            scheduleNextArrival(c)
        }
    }

    // MARK: - Instance life cycle

    /// Kills an instance: the attempts it holds fail at once (their connections reset) and it
    /// restarts, serving again after boot_time.
    /// `delay`: how long the restart waits before it boots [ns] (a liveness restart's back-off).
    func kill(service s: Int, instance: Int, reason: String, delay: Int64 = 0) {
        let name = services[s].spec.name
        let local = instance - services[s].firstInstance
        // Out of the balancer first, so that nothing answered below (a probe among them) can
        // act on an instance that is already gone.
        setLifecycle(service: s, instance: instance, .booting)
        // In service: find them in the slab (kills are rare, so a scan is fine).
        var lost = 0
        for a in 0..<attempts.rows.count where attempts.rows[a].phase == .atServer && Int(attempts.rows[a].instance) == instance {
            let slot = UInt32(a)
            guard attempts.slots.isCurrent(slot: slot, generation: attempts.slots.generation(of: slot)) else { continue }
            lost += 1
            respond(slot, outcome: .error)
        }
        let queued = instances[instance].queue.count
        instances[instance].queue.removeAll()
        // The process restarts, so its queue discipline does too: a CoDel carries no interval of
        // high delay, dropping state or drop count into its next life (RFC 8289 resets the first
        // two whenever the queue empties; a new process has no memory of the third either).
        if !instances[instance].fifo { instances[instance].discipline = services[s].spec.queue.discipline.makeRule() }
        services[s].queued.add(-Double(queued), at: now)
        services[s].busy.add(-Double(instances[instance].busy), at: now)
        instances[instance].busy = 0
        loadChanged(FullPath.self, service: s, instance: instance)
        instances[instance].pauses.removeAll()
        // A restart empties the cache (unless explain has switched its cold start off).
        if services[s].spec.cache?.neverCold != true { instances[instance].cache?.removeAll() }
        instances[instance].epoch &+= 1
        recordEvent(.instanceKilled, subject: name, detail: "instance \(local) \(reason); \(lost) \(lost == 1 ? "attempt" : "attempts") lost")
        boot(service: s, instance: instance, delay: delay)
    }

    /// Starts an instance booting; it serves after boot_time (after `delay` [ns] more: a
    /// restart's back-off, during which it counts as booting).
    func boot(service s: Int, instance: Int, delay: Int64 = 0) {
        if services[s].spec.cache?.neverCold != true { instances[instance].cache?.removeAll() }
        setLifecycle(service: s, instance: instance, .booting)
        recordEvent(.instanceBooting, subject: services[s].spec.name, detail: "instance \(instance - services[s].firstInstance) booting")
        calendar.schedule(
            at: now + SimTime(nanoseconds: services[s].bootTime &+ delay), kind: EventKind.instanceBoots.rawValue,
            target: UInt32(s), slot: UInt32(instance), generation: instances[instance].epoch)
    }

    func instanceBoots(service s: Int, instance: Int, epoch: UInt32) {
        guard instances[instance].epoch == epoch, instances[instance].lifecycle == .booting else { return }
        setLifecycle(service: s, instance: instance, .serving)
        let local = instance - services[s].firstInstance
        if instances[instance].awaitingReadiness, let check = services[s].healthCheck {
            recordEvent(.instanceReady, subject: services[s].spec.name,
                        detail: "instance \(local) booted; it joins the balancer after \(check.healthyAfter) passing health \(check.healthyAfter == 1 ? "check" : "checks") in a row")
        } else {
            recordEvent(.instanceReady, subject: services[s].spec.name, detail: "instance \(local) ready")
        }
    }

    /// An operator's manual scaling: new instances boot; surplus ones drain and stop.
    func scale(service s: Int, to target: Int) {
        let range = services[s].firstInstance..<(services[s].firstInstance + services[s].slotCount)
        let running = range.filter { instances[$0].lifecycle == .serving || instances[$0].lifecycle == .booting }
        if running.count < target {
            var missing = target - running.count
            // A draining instance is still running: it simply takes work again.
            for instance in range where missing > 0 && instances[instance].lifecycle == .draining {
                setLifecycle(service: s, instance: instance, .serving, refresh: false)
                recordEvent(.instanceReady, subject: services[s].spec.name, detail: "instance \(instance - services[s].firstInstance) kept instead of drained")
                missing -= 1
            }
            for instance in range where missing > 0 && instances[instance].lifecycle == .stopped {
                instances[instance].epoch &+= 1
                boot(service: s, instance: instance)
                missing -= 1
            }
            refreshRouting(service: s)
        } else if running.count > target {
            // The newest instances go first; the balancer's list is rebuilt once, after all of
            // them (scaling in from thousands would otherwise rebuild it thousands of times).
            for instance in running.suffix(running.count - target).reversed() {
                instances[instance].epoch &+= 1
                if instances[instance].busy == 0 && instances[instance].queue.isEmpty {
                    setLifecycle(service: s, instance: instance, .stopped, refresh: false)
                    recordEvent(.instanceStopped, subject: services[s].spec.name, detail: "instance \(instance - services[s].firstInstance) stopped")
                } else {
                    setLifecycle(service: s, instance: instance, .draining, refresh: false)
                    recordEvent(.instanceDraining, subject: services[s].spec.name, detail: "instance \(instance - services[s].firstInstance) draining")
                }
            }
            refreshRouting(service: s)
        }
    }

    /// A rolling deploy: restarts `batch` instances, then the next batch `every` later, until
    /// every instance that was serving at the start has restarted once.
    func deployStep(timelineIndex index: Int, batch: Int) {
        guard case .deploy(let name, let size, let every) = spec.timeline[index].action, let s = serviceIndex(name) else { return }
        let range = services[s].firstInstance..<(services[s].firstInstance + services[s].slotCount)
        let targets = range.filter { instances[$0].lifecycle != .stopped }
        let from = batch * size
        guard from < targets.count else {
            // Nothing left to restart (none running, or the service shrank since the last
            // batch): the deploy is over, after the batches it restarted.
            deploys[index] = DeployProgress(batches: batch, finished: true)
            return
        }
        for instance in targets[from..<min(from + size, targets.count)] {
            kill(service: s, instance: instance, reason: "restarted by a rolling deploy (batch \(batch + 1))")
        }
        deploys[index] = DeployProgress(batches: batch + 1, finished: from + size >= targets.count)
        if from + size < targets.count {
            calendar.schedule(at: now + every, kind: EventKind.deployStep.rawValue, target: UInt32(index), slot: UInt32(batch + 1))
        }
    }

    /// A stop-the-world pause: the instance makes no progress until `end`.
    func pause(service s: Int, instance: Int, until end: SimTime) {
        instances[instance].pauses.append((now.nanoseconds, end.nanoseconds))
        recordEvent(.instancePaused, subject: services[s].spec.name, detail: "instance \(instance - services[s].firstInstance) paused until \(end.description)")
        calendar.schedule(
            at: end, kind: EventKind.pauseEnds.rawValue, target: UInt32(s), slot: UInt32(instance), generation: instances[instance].epoch)
    }

    /// The end of a pause of the instance's life `epoch`. An instance killed or restarted
    /// meanwhile (its health checks restarted it, a deploy) lost the pause with its process:
    /// nothing resumes, and its new life is not woken early. Its end was logged as
    /// `instance_resumed` for instances health checks had restarted while paused.
    func pauseEnds(service s: Int, instance: Int, epoch: UInt32) {
        guard instances[instance].epoch == epoch else { return }
        recordEvent(.instanceResumed, subject: services[s].spec.name, detail: "instance \(instance - services[s].firstInstance) resumed")
        startWaiting(service: s, instance: instance)
    }

    /// Moves an instance to a new life-cycle state and keeps the balancer's list and the
    /// serving-capacity integrals in step.
    /// With `refresh` false the caller changes several instances and refreshes once itself.
    func setLifecycle(service s: Int, instance: Int, _ state: InstanceLifecycle, refresh: Bool = true) {
        let before = instances[instance].lifecycle
        let wasServing = before == .serving
        if state == .serving && before == .booting {
            instances[instance].readyAt = now.nanoseconds
            // A readiness probe's state starts as failure: a booted instance joins the balancer
            // only after healthy_after passing probes in a row (recordProbe), as a new pod joins a
            // Service's endpoints only once its readiness probe succeeds.
            if services[s].healthCheck?.action == .eject {
                instances[instance].ejected = true
                instances[instance].awaitingReadiness = true
            }
        }
        instances[instance].lifecycle = state
        if state != .stopped { services[s].slotsUsed = max(services[s].slotsUsed, instance - services[s].firstInstance + 1) }
        if (before == .booting) != (state == .booting) { services[s].booting.add(state == .booting ? 1 : -1, at: now) }
        // A stopped slot's next life is a new pod: no restart back-off carries over.
        if state == .stopped, !restartBackoffs.isEmpty { restartBackoffs[instance] = nil }
        if state != .serving {
            // A new life starts with a clean health record.
            instances[instance].ejected = false
            instances[instance].awaitingReadiness = false
            instances[instance].outlierEjected = false
            instances[instance].outlierConsecutive = 0
            instances[instance].outlierEjections = 0
            instances[instance].outlierBackoff = 0
            instances[instance].outlierReturnedAt = -1
            instances[instance].consecutiveProbeFailures = 0
            instances[instance].consecutiveProbeSuccesses = 0
        }
        // Routing and capacity depend only on serving and draining instances: a stopped slot
        // that starts booting changes neither, so scaling out to thousands costs no refreshes.
        // Every start of serving (booted, or kept instead of drained) starts its own probe schedule.
        if state == .serving && !wasServing { startProbing(service: s, instance: instance, immediately: before == .booting) }
        let idle = { (l: InstanceLifecycle) in l == .booting || l == .stopped }
        if !refresh || (idle(before) && idle(state)) { return }
        refreshRouting(service: s)
    }

    /// Recomputes the balancer's choice set and the serving-capacity integrals after a change of
    /// life cycle or health.
    ///
    /// One pass over the service's slots that reads two fields of each (no copy of an instance),
    /// reusing the balancer list's storage: a service scaled to thousands of instances boots
    /// them one by one, and each boot lands here.
    func refreshRouting(service s: Int) {
        let range = services[s].firstInstance..<(services[s].firstInstance + services[s].slotCount)
        var running: [Int] = []
        var healthy = services[s].servingList
        healthy.removeAll(keepingCapacity: true)
        services[s].servingList = []
        var working = 0
        // Through a buffer pointer, so that an unoptimised build reads the two fields in place
        // instead of copying each instance (its queue and cache retained and released).
        // (UnsafePointer's subscript is an addressor; UnsafeBufferPointer's is a copying getter.)
        instances.withUnsafeBufferPointer { buffer in
            guard let slots = buffer.baseAddress else { return }
            for i in range {
                switch slots[i].lifecycle {
                case .serving:
                    running.append(i)
                    if !slots[i].ejected && !slots[i].outlierEjected { healthy.append(i) }
                    working += 1
                case .draining:
                    working += 1
                case .booting, .stopped:
                    break
                }
            }
        }
        let panic = services[s].healthCheck?.panicThreshold ?? 0
        let panicking = !running.isEmpty && Double(healthy.count) / Double(running.count) < panic
        if panicking != services[s].panicking {
            services[s].panicking = panicking
            recordEvent(
                panicking ? .panicStarted : .panicEnded, subject: services[s].spec.name,
                detail: panicking
                    ? "only \(healthy.count) of \(running.count) instances healthy, below the panic threshold: the balancer uses them all"
                    : "\(healthy.count) of \(running.count) instances healthy: ejected instances are skipped again")
        }
        services[s].servingList = panicking ? running : healthy
        if let tree = services[s].loadTree {
            tree.rebuild(services[s].servingList) { outstanding($0) }
        }
        let serving = healthy.count
        // Ejected instances the balancer skips: none while it panics and uses them all.
        services[s].ejected.set(panicking ? 0 : Double(running.count - healthy.count), at: now)
        services[s].panic.set(panicking ? 1 : 0, at: now)
        services[s].serving.set(Double(serving), at: now)
        // Capacity counts every instance that can hold work, ejected and draining ones included
        // (they still work off their queues), so utilization stays busy / available workers.
        services[s].capacity.set(Double(working * Int(services[s].workers)), at: now)
        services[s].servingChanged(to: serving, at: now.nanoseconds)
    }
}
