import SatsimCore

extension Simulation {
    /// An attempt arrives at its service: the balancer picks an instance, which serves it at once,
    /// queues it, or turns it away when its queue is full.
    func attemptReachesService(_ a: UInt32) {
        let i = Int(a)
        let s = Int(attempts.service[i])
        services[s].counters.arrivals += 1
        let instance = chooseInstance(service: s)
        attempts.phase[i] = .atServer
        attempts.instance[i] = Int32(instance)
        attempts.enqueuedAt[i] = now.nanoseconds
        if instances[instance].busy < services[s].workers {
            startService(a, service: s, instance: instance)
        } else if instances[instance].queue.count < services[s].queueCapacity {
            instances[instance].queue.pushBack(a)
            services[s].queued.add(1, at: now)
        } else {
            services[s].counters.rejected += 1
            respond(a, outcome: .error)
        }
    }

    /// The instance the balancer sends the next attempt to.
    func chooseInstance(service s: Int) -> Int {
        let first = services[s].firstInstance
        let count = services[s].instanceCount
        if count == 1 { return first }
        switch services[s].spec.balancer {
        case .roundRobin:
            let pick = services[s].roundRobin
            services[s].roundRobin = pick + 1 == count ? 0 : pick + 1
            return first + pick
        case .random:
            return first + Int(services[s].balancerStream.uniform() * Double(count))
        case .leastOutstanding:
            // Scan from a rotating start so that ties spread evenly instead of favouring instance 0.
            let startAt = services[s].roundRobin
            services[s].roundRobin = startAt + 1 == count ? 0 : startAt + 1
            var best = first + startAt
            var bestLoad = outstanding(best)
            for k in 1..<count {
                var j = startAt + k
                if j >= count { j -= count }
                let load = outstanding(first + j)
                if load < bestLoad {
                    best = first + j
                    bestLoad = load
                }
            }
            return best
        case .powerOfTwo:
            let stream = services[s].balancerStream
            let x = Int(stream.uniform() * Double(count))
            var y = Int(stream.uniform() * Double(count - 1))
            if y >= x { y += 1 }
            return outstanding(first + y) < outstanding(first + x) ? first + y : first + x
        }
    }

    @inline(__always)
    func outstanding(_ instance: Int) -> Int {
        Int(instances[instance].busy) + instances[instance].queue.count
    }

    func startService(_ a: UInt32, service s: Int, instance: Int) {
        let inService = instances[instance].busy
        instances[instance].busy += 1
        services[s].busy.add(1, at: now)
        services[s].counters.started += 1
        services[s].counters.waitSum += (now - SimTime(nanoseconds: attempts.enqueuedAt[Int(a)])).seconds
        var work = services[s].serviceTime.draw(services[s].serviceStream)
        if services[s].contention > 0 {
            work *= 1 + services[s].contention * Double(inService)
        }
        calendar.schedule(
            at: now + SimTime(seconds: work), kind: EventKind.departure.rawValue, target: UInt32(s), slot: a,
            generation: attempts.slots.generation(of: a))
    }

    /// An instance finishes an attempt, answers it (or notes the work was wasted), and takes the
    /// next waiting attempt, dropping those that waited past the queue timeout.
    func departure(service s: Int, attempt a: UInt32) {
        let instance = Int(attempts.instance[Int(a)])
        services[s].counters.completions += 1
        if attempts.abandoned[Int(a)] {
            services[s].counters.wasted += 1
        }
        respond(a, outcome: .success)
        instances[instance].busy -= 1
        services[s].busy.add(-1, at: now)
        while let next = services[s].lifo ? instances[instance].queue.popBack() : instances[instance].queue.popFront() {
            services[s].queued.add(-1, at: now)
            let waited = now.nanoseconds - attempts.enqueuedAt[Int(next)]
            if waited > services[s].queueTimeout {
                services[s].counters.dropped += 1
                respond(next, outcome: .error)
                continue
            }
            startService(next, service: s, instance: instance)
            break
        }
    }
}
