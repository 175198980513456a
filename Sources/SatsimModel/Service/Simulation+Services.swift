import SatsimCore

extension Simulation {
    /// An attempt arrives at its service. Active faults act first (a refusing outage or injected
    /// errors fail it fast, a blackhole swallows it); otherwise the balancer picks a serving
    /// instance, which serves it at once, queues it, or turns it away when its queue is full.
    func attemptReachesService(_ a: UInt32) { attemptReachesService(FullPath.self, a) }

    /// ``attemptReachesService(_:)`` on path `P` (``RequestPath``).
    @inline(__always)
    func attemptReachesService<P: RequestPath>(_: P.Type, _ a: UInt32) {
        let i = Int(a)
        let s = Int(attempts.rows[i].service)
        services[s].counters.arrivals &+= 1
        attempts.rows[i].phase = .atServer
        if P.full, !services[s].quiet, faultEndsAttempt(a, service: s) { return }
        guard let instance = chooseInstance(service: s) else {
            // No serving instance: the connection is refused.
            services[s].counters.rejected += 1
            services[s].counters.unrouted += 1
            respond(P.self, a, outcome: .error)
            return
        }
        if !admit(P.self, a, service: s, instance: instance) {
            services[s].counters.rejected += 1
            services[s].counters.queueFull += 1
            respond(P.self, a, outcome: .error)
        }
    }

    /// Active faults act on attempt `a` as it arrives: a blackhole swallows it, a refusing outage
    /// or injected errors fail it fast. Returns whether one did (the attempt goes no further).
    func faultEndsAttempt(_ a: UInt32, service s: Int) -> Bool {
        let i = Int(a)
        if services[s].blackholing > 0 {
            attempts.rows[i].phase = .blackholed
            attributeFault(a, service: s)
            if attempts.rows[i].abandoned { attempts.slots.release(a) }
            return true
        }
        if services[s].refusing > 0 {
            services[s].counters.rejected += 1
            attributeFault(a, service: s)
            respond(a, outcome: .error)
            return true
        }
        if let ratio = services[s].errorRatios.max(), services[s].faultStream.uniform() < ratio {
            services[s].counters.injectedErrors += 1
            attributeFault(a, service: s)
            respond(a, outcome: .error)
            return true
        }
        return chaos.activeFaults > 0 && !chaos.faults[s].isEmpty && targetedError(a, service: s)
    }

    /// Hands attempt `a` to `instance`: a free worker (unless the instance is paused) starts it,
    /// otherwise it waits in the queue. Returns false when the queue is full.
    func admit(_ a: UInt32, service s: Int, instance: Int) -> Bool { admit(FullPath.self, a, service: s, instance: instance) }

    /// ``admit(_:service:instance:)`` on path `P` (``RequestPath``).
    @inline(__always)
    func admit<P: RequestPath>(_: P.Type, _ a: UInt32, service s: Int, instance: Int) -> Bool {
        attempts.rows[Int(a)].instance = Int32(instance)
        attempts.rows[Int(a)].enqueuedAt = now.nanoseconds
        if instances[instance].busy < services[s].workers && !(P.full && instances[instance].isPaused(at: now.nanoseconds)) {
            startService(P.self, a, service: s, instance: instance)
        } else if instances[instance].queue.count < services[s].queueCapacity {
            instances[instance].queue.pushBack(a)
            loadChanged(P.self, service: s, instance: instance)
            services[s].queued.add(1, at: now)
        } else {
            return false
        }
        return true
    }

    /// The serving instance the balancer sends the next attempt to, or nil when none serves.
    @inline(__always)
    func chooseInstance(service s: Int) -> Int? {
        let count = services[s].servingList.count
        if count <= 1 { return services[s].servingList.first }
        switch services[s].spec.balancer {
        case .roundRobin:
            let pick = services[s].roundRobin % count
            services[s].roundRobin = pick + 1 == count ? 0 : pick + 1
            return services[s].servingList[pick]
        case .random:
            return services[s].servingList[Int(services[s].balancerStream.uniform() * Double(count))]
        case .leastOutstanding:
            // The fewest outstanding, ties to the first from a rotating start so that they spread
            // evenly instead of favouring one.
            let startAt = services[s].roundRobin % count
            services[s].roundRobin = startAt + 1 == count ? 0 : startAt + 1
            if let tree = services[s].loadTreeRef {
                return services[s].servingList[tree.with { $0.leastLoaded(from: startAt) }]
            }
            var best = services[s].servingList[startAt]
            var bestLoad = outstanding(best)
            for k in 1..<count {
                var j = startAt + k
                if j >= count { j -= count }
                let candidate = services[s].servingList[j]
                let load = outstanding(candidate)
                if load < bestLoad {
                    best = candidate
                    bestLoad = load
                }
            }
            return best
        case .powerOfTwo:
            // Envoy's least request with its default choice_count of 2
            // (LeastRequestLoadBalancer::unweightedHostPick): two independent uniform draws,
            // so both may name the same instance, and the second wins only with strictly fewer
            // outstanding requests (Mitzenmacher's d = 2 choices, also drawn independently).
            let stream = services[s].balancerStream
            let x = Int(stream.uniform() * Double(count))
            let y = Int(stream.uniform() * Double(count))
            let (first, second) = (services[s].servingList[x], services[s].servingList[y])
            return outstanding(second) < outstanding(first) ? second : first
        }
    }

    @inline(__always)
    func outstanding(_ instance: Int) -> Int {
        Int(instances[instance].busy) + instances[instance].queue.count
    }

    /// `instance`'s outstanding attempts changed: the least-outstanding balancer's tree learns it
    /// at once (``LeastLoadTree``), before anything can choose again. Nothing on the lean path,
    /// which a service with the tree never takes (``isLean()``).
    @inline(__always)
    func loadChanged<P: RequestPath>(_: P.Type, service s: Int, instance: Int) {
        guard P.full, let tree = services[s].loadTreeRef else { return }
        let load = outstanding(instance)
        tree.with { $0.update(instance: instance, load: load) }
    }

    /// A free worker of `instance` starts attempt `a` (on path `P`, ``RequestPath``).
    @inline(__always)
    func startService<P: RequestPath>(_: P.Type, _ a: UInt32, service s: Int, instance: Int) {
        let inService = instances[instance].busy
        instances[instance].busy &+= 1
        loadChanged(P.self, service: s, instance: instance)
        services[s].busy.add(1, at: now)
        if P.full, attempts.rows[Int(a)].request == AttemptSlab.probe {
            // A probe takes a worker but no work: it answers as soon as a worker reaches it.
            attempts.rows[Int(a)].startedAt = now.nanoseconds
            attempts.rows[Int(a)].work = 0
            calendar.schedule(
                at: now, kind: EventKind.departure.rawValue, target: UInt32(s), slot: a,
                generation: attempts.slots.generation(of: a))
            return
        }
        services[s].counters.started &+= 1
        // Most attempts start the moment they arrive: adding their zero wait would change no bit.
        let enqueuedAt = attempts.rows[Int(a)].enqueuedAt
        if enqueuedAt != now.nanoseconds { services[s].counters.waitNanoseconds += Double(now.nanoseconds &- enqueuedAt) }
        var work: Double
        if let mean = services[s].serviceTime.exponentialMean {
            work = services[s].serviceStreamRef.with { mean * $0.standardExponential() }
        } else {
            let sampler = services[s].serviceTime
            work = services[s].serviceStreamRef.with { sampler.draw($0) }
        }
        if P.full, !services[s].quiet {
            if services[s].contention > 0 {
                work *= 1 + services[s].contention * Double(inService)
            }
            for added in services[s].addedLatency {
                work += added.draw(services[s].faultStream)
            }
            if chaos.activeFaults > 0, !chaos.faults[s].isEmpty { work += targetedLatency(a, service: s) }
        }
        let duration = SimTime(seconds: work)
        attempts.rows[Int(a)].startedAt = now.nanoseconds
        attempts.rows[Int(a)].work = duration.nanoseconds
        calendar.schedule(
            at: now + duration, kind: EventKind.departure.rawValue, target: UInt32(s), slot: a,
            generation: attempts.slots.generation(of: a))
    }

    /// An instance finishes an attempt, answers it (or notes the work was wasted), and takes the
    /// next waiting attempt, dropping those that waited past the queue timeout. Work caught by a
    /// stop-the-world pause finishes later by the time it was paused.
    func departure<P: RequestPath>(_: P.Type, service s: Int, attempt a: UInt32) {
        let ai = Int(a)
        // A kill already answered this attempt; its departure is void.
        guard attempts.rows[ai].phase == .atServer else { return }
        let instance = Int(attempts.rows[ai].instance)
        if P.full, !instances[instance].pauses.isEmpty {
            let started = attempts.rows[ai].startedAt
            let done = now.nanoseconds - started - instances[instance].pausedTime(from: started, to: now.nanoseconds)
            if done < attempts.rows[ai].work {
                let resume = instances[instance].pauses.map(\.end).filter { $0 > now.nanoseconds }.max() ?? now.nanoseconds
                calendar.schedule(
                    at: SimTime(nanoseconds: max(resume, now.nanoseconds) + attempts.rows[ai].work - done),
                    kind: EventKind.departure.rawValue, target: UInt32(s), slot: a,
                    generation: attempts.slots.generation(of: a))
                return
            }
        }
        if P.full, attempts.rows[ai].request == AttemptSlab.probe {
            respond(a, outcome: .success)
            releaseWorker(service: s, instance: instance)
            return
        }
        if P.full, let keys = services[s].keys, let stream = services[s].cacheStreamRef {
            // A hit skips every call of the service.
            let key = stream.with { keys.draw($0) }
            if instances[instance].cache?.lookup(key, now: now.nanoseconds) == true {
                services[s].counters.cacheHits += 1
                finishHandler(a, service: s, outcome: .success)
                return
            }
            services[s].counters.cacheMisses += 1
            attempts.rows[ai].cacheKey = key
        }
        if P.full, services[s].callCount > 0 {
            attempts.rows[ai].callCursor = 0
            proceedWithCalls(a, service: s)
        } else {
            finishHandler(P.self, a, service: s, outcome: .success)
        }
    }

    /// Fills free workers of `instance` from its queue (unless it is paused), in the order of its
    /// queue discipline, dropping what waited past the queue timeout or what the discipline drops.
    func startWaiting(service s: Int, instance: Int) { startWaiting(FullPath.self, service: s, instance: instance) }

    /// ``startWaiting(service:instance:)`` on path `P` (``RequestPath``).
    @inline(__always)
    func startWaiting<P: RequestPath>(_: P.Type, service s: Int, instance: Int) {
        while instances[instance].busy < services[s].workers && !(P.full && instances[instance].isPaused(at: now.nanoseconds)),
              let next = instances[instance].fifo ? instances[instance].queue.popFront() : instances[instance].takeNextWaiting()
        {
            loadChanged(P.self, service: s, instance: instance)
            services[s].queued.add(-1, at: now)
            let waited = now.nanoseconds - attempts.rows[Int(next)].enqueuedAt
            // The timeout is checked first: an attempt it drops never reaches the discipline.
            if waited > services[s].queueTimeout
                || !instances[instance].fifo && instances[instance].discipline.drops(
                    sojourn: waited, now: now.nanoseconds, remaining: instances[instance].queue.count)
            {
                services[s].counters.dropped &+= 1
                // The queue timeout dropped the last one: this free worker finds the queue empty,
                // which resets CoDel (RFC 8289 section 5.6). A discipline's own drop never empties it.
                if !instances[instance].fifo && instances[instance].queue.isEmpty { instances[instance].discipline.foundEmpty() }
                respond(P.self, next, outcome: .error)
                continue
            }
            startService(P.self, next, service: s, instance: instance)
        }
    }
}
