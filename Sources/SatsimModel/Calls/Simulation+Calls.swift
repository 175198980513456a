import SatsimCore

/// Downstream calls (DESIGN.md, "Downstream calls"): a handler does its own work, then makes its
/// service's `calls` in order, holding its worker until each call answers or gives up (thread
/// per request). A slow dependency therefore exhausts its callers' workers, which is how
/// timeouts cascade upstream. A call is a request of its own, with its own timeout, retries and
/// retry budget; a failed call that is not `optional` fails the handler's attempt with an error.
extension Simulation {
    /// The handler of attempt `a` finished its own work (or a call): make the next call that its
    /// probability selects, or, when none is left, answer.
    func proceedWithCalls(_ a: UInt32, service s: Int) {
        let ai = Int(a)
        let first = services[s].firstCall
        while Int(attempts.rows[ai].callCursor) < services[s].callCount {
            let k = first + Int(attempts.rows[ai].callCursor)
            attempts.rows[ai].callCursor += 1
            if calls[k].spec.probability < 1 && calls[k].stream.uniform() >= calls[k].spec.probability { continue }
            let r = requests.acquire(client: 0, at: now)
            requests.rows[Int(r)].parent = a
            requests.rows[Int(r)].parentGeneration = attempts.slots.generation(of: a)
            requests.rows[Int(r)].call = Int32(k)
            // A call belongs to the cohort of the request whose handler makes it.
            if chaos.cohorts { requests.rows[Int(r)].cohort = requests.rows[Int(attempts.rows[ai].request)].cohort }
            sendCallAttempt(request: r)
            return
        }
        finishHandler(a, service: s, outcome: .success)
    }

    /// Sends the next attempt of downstream call `r`.
    func sendCallAttempt(request r: UInt32) {
        let k = Int(requests.rows[Int(r)].call)
        let isRetry = requests.rows[Int(r)].attemptsSent > 0
        requests.rows[Int(r)].attemptsSent &+= 1
        // A first attempt deposits; a retry took its token when it was decided (callAttemptEnded).
        if !isRetry, calls[k].budget != nil { calls[k].budget?.deposit(at: now) }
        if calls[k].breaker != nil {
            services[calls[k].caller].counters.edgeBreakerAsked += 1
            if !admitThroughEdgeBreaker(request: r, call: k) {
                services[calls[k].caller].counters.edgeBreakerRefused += 1
                callAttemptEnded(request: r, outcome: .rejected)
                return
            }
        }
        let (a, generation) = attempts.acquire(
            request: r, requestGeneration: requests.slots.generation(of: r), service: calls[k].target)
        if calls[k].timeout != Int64.max {
            // A fixed delay after now, as a client's timeout: the edge's FIFO keeps them in order.
            calendar.schedule(
                at: now + SimTime(nanoseconds: calls[k].timeout), kind: EventKind.attemptTimeout.rawValue, slot: a,
                generation: generation, fifo: calls[k].timeoutFIFO)
        }
        attemptReachesService(a)
        checkInFlight()
    }

    /// An attempt of downstream call `r` ended: done, retry, or give up.
    func callAttemptEnded(request r: UInt32, outcome: AttemptOutcome) {
        let k = Int(requests.rows[Int(r)].call)
        if calls[k].breaker != nil, outcome != .rejected { recordOnEdgeBreaker(request: r, call: k, success: outcome == .success) }
        if outcome == .success {
            callFinished(request: r, success: true)
            return
        }
        if requests.rows[Int(r)].attemptsSent < calls[k].maxAttempts && calls[k].retryMask & (1 << UInt8(outcome.index)) != 0 {
            // The retry budget decides now, before the backoff (Finagle's RetryFilter): a refused
            // retry fails the call at once.
            if calls[k].budget != nil, calls[k].budget?.tryWithdraw(at: now) == false {
                callFinished(request: r, success: false)
                return
            }
            let wait = backoff(request: r, spec: calls[k].backoff, stream: calls[k].streamRef)
            calendar.schedule(
                at: now + wait, kind: EventKind.retry.rawValue, slot: r, generation: requests.slots.generation(of: r))
            return
        }
        callFinished(request: r, success: false)
    }

    /// Call `r` is over; its handler, if it is still there, goes on.
    func callFinished(request r: UInt32, success: Bool) {
        let ri = Int(r)
        let a = requests.rows[ri].parent
        let k = Int(requests.rows[ri].call)
        let parentAlive =
            attempts.slots.isCurrent(slot: a, generation: requests.rows[ri].parentGeneration) && attempts.rows[Int(a)].phase == .atServer
        requests.slots.release(r)
        // A kill answered the handler's attempt already: nobody waits for this call.
        guard parentAlive else { return }
        let s = calls[k].caller
        if success || calls[k].spec.optional {
            proceedWithCalls(a, service: s)
        } else {
            finishHandler(a, service: s, outcome: .error)
        }
    }

    /// The handler of attempt `a` is done: it answers (success, or an error when a required call
    /// failed), frees its worker and the worker takes the next waiting attempt.
    func finishHandler(_ a: UInt32, service s: Int, outcome: AttemptOutcome) {
        finishHandler(FullPath.self, a, service: s, outcome: outcome)
    }

    /// ``finishHandler(_:service:outcome:)`` on path `P` (``RequestPath``).
    @inline(__always)
    func finishHandler<P: RequestPath>(_: P.Type, _ a: UInt32, service s: Int, outcome: AttemptOutcome) {
        let ai = Int(a)
        let instance = Int(attempts.rows[ai].instance)
        if P.full, outcome == .success && attempts.rows[ai].cacheKey >= 0 {
            instances[instance].cache?.insert(attempts.rows[ai].cacheKey, now: now.nanoseconds)
        }
        services[s].counters.completions &+= 1
        if attempts.rows[ai].abandoned {
            services[s].counters.wasted &+= 1
        }
        respond(P.self, a, outcome: outcome)
        releaseWorker(P.self, service: s, instance: instance)
    }

    /// A worker of `instance` is free: it takes the next waiting attempt, and a draining
    /// instance with nothing left stops.
    func releaseWorker(service s: Int, instance: Int) { releaseWorker(FullPath.self, service: s, instance: instance) }

    /// ``releaseWorker(service:instance:)`` on path `P` (``RequestPath``).
    @inline(__always)
    func releaseWorker<P: RequestPath>(_: P.Type, service s: Int, instance: Int) {
        instances[instance].busy &-= 1
        loadChanged(P.self, service: s, instance: instance)
        services[s].busy.add(-1, at: now)
        startWaiting(P.self, service: s, instance: instance)
        if P.full, instances[instance].lifecycle == .draining && instances[instance].busy == 0 && instances[instance].queue.isEmpty {
            setLifecycle(service: s, instance: instance, .stopped)
            recordEvent(.instanceStopped, subject: services[s].spec.name, detail: "instance \(instance - services[s].firstInstance) drained and stopped")
        }
    }
}
