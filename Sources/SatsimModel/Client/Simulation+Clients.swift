import SatsimCore

extension Simulation {
    // MARK: - Creating requests

    @inline(__always)
    func scheduleNextArrival(_ c: Int) {
        let rate = clients[c].baseRate * clients[c].loadFactor
        guard rate > 0 else { return }
        // Poisson gaps come from the stream's block of exponentials (-log v, vectorised), as
        // service times do.
        let gap = clients[c].isPoisson ? clients[c].arrivalStreamRef.with { $0.standardExponential() } / rate : 1 / rate
        // Into the client's FIFO (its arrivals come in time order). Past the calendar's FIFOs,
        // into the heap: the next arrival is usually the earliest event of all, so it may take
        // the place of the one being handled (EventCalendar.scheduleSoon).
        let time = now + SimTime(seconds: gap), fifo = clients[c].arrivalFIFO
        if fifo >= 0 {
            calendar.schedule(
                at: time, kind: EventKind.arrival.rawValue, target: UInt32(c), generation: clients[c].arrivalEpoch, fifo: fifo)
        } else {
            calendar.scheduleSoon(at: time, kind: EventKind.arrival.rawValue, target: UInt32(c), generation: clients[c].arrivalEpoch)
        }
    }

    /// A closed-loop user joins: it thinks first, then sends its first request.
    func startUser(_ c: Int) {
        clients[c].usersActive += 1
        scheduleThink(c)
    }

    func scheduleThink(_ c: Int) {
        let think = clients[c].think.map { $0.drawTime(clients[c].thinkStream) } ?? .zero
        calendar.schedule(at: now + think, kind: EventKind.userWakes.rawValue, target: UInt32(c))
    }

    /// A user finished thinking: it sends a request, or leaves if the population shrank.
    func userWakes(_ c: Int) -> Bool {
        if clients[c].usersActive > clients[c].usersWanted {
            clients[c].usersActive -= 1
            return false
        }
        newRequest(FullPath.self, client: c)
        return true
    }

    /// A client creates a request and sends its first attempt (on path `P`, ``RequestPath``).
    @inline(__always)
    func newRequest<P: RequestPath>(_: P.Type, client c: Int) {
        clients[c].counters.requests &+= 1
        let slot = requests.acquire(client: c, at: now)
        if P.full, chaos.cohorts { drawCohort(request: slot, client: c) }
        sendAttempt(P.self, request: slot)
        // Also here, not only when an attempt is sent: a request whose attempt the breaker,
        // throttle or budget rejected stays in flight (waiting to retry) without one.
        checkInFlight()
    }

    // MARK: - Attempts

    /// Records a circuit breaker's change of state, if it changed.
    func noteBreaker(client c: Int, from before: CircuitBreaker.State?) {
        guard let after = clients[c].breaker?.state, after != before else { return }
        let kind: RunEventKind
        switch after {
        case .open: kind = .breakerOpened
        case .halfOpen: kind = .breakerHalfOpen
        case .closed: kind = .breakerClosed
        }
        recordEvent(kind, subject: clients[c].spec.name, detail: "circuit breaker \(after.rawValue.replacingUnderscores)")
    }

    /// Sends the request's next attempt towards its target service.
    ///
    /// Before anything is sent the client's own guards may reject the attempt locally: the
    /// circuit breaker and the adaptive throttle (their rejections may be retried like any outcome
    /// listed in `retry.on`). The retry budget decided on a retry before its backoff.
    func sendAttempt(request r: UInt32) { sendAttempt(FullPath.self, request: r) }

    /// ``sendAttempt(request:)`` on path `P` (``RequestPath``).
    func sendAttempt<P: RequestPath>(_: P.Type, request r: UInt32) {
        if P.full, requests.isCall(r) {
            sendCallAttempt(request: r)
            return
        }
        let c = Int(requests.rows[Int(r)].client)
        let isRetry = requests.rows[Int(r)].attemptsSent > 0
        requests.rows[Int(r)].attemptsSent &+= 1
        if P.full, clients[c].guarded, !clientGuardsAdmit(request: r, client: c, isRetry: isRetry) { return }
        if isRetry { clients[c].counters.retries &+= 1 }
        clients[c].counters.attempts &+= 1
        if P.full, chaos.cohorts { countCohortAttempt(request: r, client: c) }
        let (a, generation) = attempts.acquire(
            request: r, requestGeneration: requests.slots.generation(of: r), service: clients[c].target)
        let timeout = clients[c].timeout
        if timeout != Int64.max {
            // A fixed delay after now: the FIFO keeps these in order without the heap.
            calendar.schedule(
                at: now + SimTime(nanoseconds: timeout), kind: EventKind.attemptTimeout.rawValue, slot: a,
                generation: generation, fifo: clients[c].timeoutFIFO)
        }
        let delay = P.full ? networkDelay(c) : .zero
        if delay > .zero {
            calendar.schedule(
                at: now + delay, kind: EventKind.attemptReachesService.rawValue, slot: a, generation: generation)
        } else {
            attemptReachesService(P.self, a)
        }
        // The callers check the memory budget (newRequest, and the retry event): once per event.
    }

    /// The client's own guards decide on the attempt before it is sent: the circuit breaker and
    /// the adaptive throttle (their rejections may be retried like any outcome listed in
    /// `retry.on`); a first attempt also deposits into the retry budget. Returns whether it goes.
    func clientGuardsAdmit(request r: UInt32, client c: Int, isRetry: Bool) -> Bool {
        // A first attempt deposits into the retry budget; a retry took its token when it was
        // decided (``attemptEnded``), before its backoff.
        if !isRetry, clients[c].budget != nil { clients[c].budget?.deposit(at: now) }
        if clients[c].breaker != nil {
            let before = clients[c].breaker?.state
            let period = clients[c].breaker?.admit(at: now)
            noteBreaker(client: c, from: before)
            guard let period else {
                clients[c].counters.rejectedByBreaker += 1
                attemptEnded(request: r, outcome: .rejected)
                return false
            }
            requests.rows[Int(r)].breakerPeriod = period
        }
        if clients[c].throttle != nil {
            let u = clients[c].throttleStream.uniform()
            if clients[c].throttle?.shouldReject(at: now, uniform: u) == true {
                if clients[c].breaker != nil {
                    clients[c].breaker?.release(admittedIn: requests.rows[Int(r)].breakerPeriod)
                }
                clients[c].counters.rejectedByThrottle += 1
                attemptEnded(request: r, outcome: .rejected)
                return false
            }
        }
        return true
    }

    func networkDelay(_ c: Int) -> SimTime {
        guard let network = clients[c].network else { return .zero }
        return network.drawTime(clients[c].networkStream)
    }

    /// The server has an answer for an attempt (success, or a fast error). It travels back over
    /// the network unless the client already gave up.
    func respond(_ a: UInt32, outcome: AttemptOutcome) { respond(FullPath.self, a, outcome: outcome) }

    /// ``respond(_:outcome:)`` on path `P` (``RequestPath``).
    @inline(__always)
    func respond<P: RequestPath>(_: P.Type, _ a: UInt32, outcome: AttemptOutcome) {
        let i = Int(a)
        if P.full, attempts.rows[i].request == AttemptSlab.probe {
            probeAnswered(a, success: outcome == .success)
            return
        }
        if P.full, chaos.outliers, attempts.rows[i].instance >= 0, !attempts.rows[i].abandoned {
            observeOutlier(a, success: outcome == .success)
        }
        if attempts.rows[i].abandoned {
            attempts.slots.release(a)
            return
        }
        attempts.rows[i].outcome = outcome
        attempts.rows[i].phase = .toClient
        let r = attempts.rows[i].request
        // A downstream call's answer reaches the calling handler at once (no network model).
        let delay = !P.full || requests.isCall(r) ? .zero : networkDelay(Int(requests.rows[Int(r)].client))
        if delay > .zero {
            calendar.schedule(
                at: now + delay, kind: EventKind.responseReachesClient.rawValue, slot: a,
                generation: attempts.slots.generation(of: a))
        } else {
            responseReachesClient(P.self, a)
        }
    }

    func responseReachesClient(_ a: UInt32) { responseReachesClient(FullPath.self, a) }

    /// ``responseReachesClient(_:)`` on path `P` (``RequestPath``).
    @inline(__always)
    func responseReachesClient<P: RequestPath>(_: P.Type, _ a: UInt32) {
        let i = Int(a)
        let r = attempts.rows[i].request
        let outcome = attempts.rows[i].outcome
        let abandoned = attempts.rows[i].abandoned
        // Releasing the slot also cancels the pending timeout: its generation is now stale.
        attempts.slots.release(a)
        if abandoned { return }
        attemptEnded(P.self, request: r, outcome: outcome)
    }

    func attemptTimesOut(_ a: UInt32) {
        let i = Int(a)
        attempts.rows[i].abandoned = true
        let r = attempts.rows[i].request
        if chaos.outliers, attempts.rows[i].phase == .atServer || attempts.rows[i].phase == .blackholed, attempts.rows[i].instance >= 0 {
            observeOutlier(a, success: false)
        }
        // An attempt on its way to or held by a server stays alive until served or dropped: the
        // server does not know its caller gave up, and that is wasted work. An answer already on
        // its way back is simply ignored.
        if attempts.rows[i].phase == .toClient || attempts.rows[i].phase == .blackholed {
            attempts.slots.release(a)
        }
        attemptEnded(request: r, outcome: .timeout)
    }

    /// Decides what a request does after an attempt ended: done, retry, or give up.
    func attemptEnded(request r: UInt32, outcome: AttemptOutcome) { attemptEnded(FullPath.self, request: r, outcome: outcome) }

    /// ``attemptEnded(request:outcome:)`` on path `P` (``RequestPath``).
    func attemptEnded<P: RequestPath>(_: P.Type, request r: UInt32, outcome: AttemptOutcome) {
        if P.full, requests.isCall(r) {
            callAttemptEnded(request: r, outcome: outcome)
            return
        }
        let ri = Int(r)
        let c = Int(requests.rows[ri].client)
        // A success, the common case, is counted without the switch over outcomes.
        if outcome == .success { clients[c].counters.count(.success) } else { clients[c].counters.count(outcome) }
        if P.full, outcome != .rejected {
            if clients[c].breaker != nil {
                let before = clients[c].breaker?.state
                clients[c].breaker?.record(success: outcome == .success, admittedIn: requests.rows[ri].breakerPeriod, at: now)
                noteBreaker(client: c, from: before)
            }
            if outcome == .success { clients[c].throttle?.accepted(at: now) }
        }
        if outcome == .success {
            let latency = now - SimTime(nanoseconds: requests.rows[ri].start)
            clients[c].counters.successes &+= 1
            let early = createdBeforeWarmup(ri)
            if early { clients[c].counters.earlySuccesses &+= 1 }
            clients[c].latencyRef.with { $0.record(latency, counted: !early) }
            if P.full, chaos.cohorts { countCohort(request: ri, client: c, success: true, latency: latency) }
            finishRequest(P.self, r, client: c)
            return
        }
        if requests.rows[ri].attemptsSent < clients[c].maxAttempts
            && clients[c].retryMask & (1 << UInt8(outcome.index)) != 0
        {
            // The retry budget is asked now, when the retry is decided, before any backoff, as
            // Finagle's RetryFilter does (tryWithdraw, then schedule the retry after the backoff;
            // when it is refused, the request fails at once with this attempt's outcome). The
            // refused retry counts as a rejected attempt (DESIGN.md: "never sent: ... empty
            // retry budget").
            // (A client with a budget never takes the lean path: ``Simulation/isGuarded(client:)``.)
            if P.full, clients[c].budget != nil, clients[c].budget?.tryWithdraw(at: now) == false {
                clients[c].counters.count(.rejected)
                clients[c].counters.rejectedByBudget += 1
                countFailure(request: ri, client: c)
                finishRequest(P.self, r, client: c)
                return
            }
            let wait = backoff(request: r, spec: clients[c].backoff, stream: clients[c].backoffStreamRef)
            if wait > .zero {
                calendar.schedule(
                    at: now + wait, kind: EventKind.retry.rawValue, slot: r, generation: requests.slots.generation(of: r))
            } else {
                calendar.schedule(
                    at: now, kind: EventKind.retry.rawValue, slot: r, generation: requests.slots.generation(of: r))
            }
            return
        }
        countFailure(request: ri, client: c)
        finishRequest(P.self, r, client: c)
    }

    /// A request ended without success.
    @inline(__always)
    func countFailure(request ri: Int, client c: Int) {
        clients[c].counters.failures &+= 1
        if createdBeforeWarmup(ri) { clients[c].counters.earlyFailures &+= 1 }
        if chaos.cohorts { countCohort(request: ri, client: c, success: false, latency: .zero) }
    }

    /// Whether request `ri` was created before the warmup ended: the summary leaves it out.
    @inline(__always)
    func createdBeforeWarmup(_ ri: Int) -> Bool {
        requests.rows[ri].start < spec.warmup.nanoseconds
    }

    @inline(__always)
    func finishRequest(_ r: UInt32, client c: Int) { finishRequest(FullPath.self, r, client: c) }

    /// ``finishRequest(_:client:)`` on path `P` (``RequestPath``).
    @inline(__always)
    func finishRequest<P: RequestPath>(_: P.Type, _ r: UInt32, client c: Int) {
        requests.slots.release(r)
        if P.full, clients[c].isClosed {
            if clients[c].usersActive > clients[c].usersWanted {
                clients[c].usersActive -= 1
            } else {
                scheduleThink(c)
            }
        }
    }

    /// The wait before the n-th retry (n = 0 first): v = min(cap, base x multiplier^n), then jitter.
    func backoff(request r: UInt32, spec: BackoffSpec?, stream: UnownedRef<RandomStream>) -> SimTime {
        guard let spec else { return .zero }
        let n = Double(requests.rows[Int(r)].attemptsSent - 1)
        let base = spec.base.seconds
        let cap = spec.cap.seconds
        let v = min(cap, base * pow(spec.multiplier, n))
        let wait: Double
        switch spec.jitter {
        case .none: wait = v
        case .full: wait = v * stream.with { $0.uniform() }
        case .equal: wait = v / 2 + v / 2 * stream.with { $0.uniform() }
        case .decorrelated:
            let previous = requests.rows[Int(r)].previousBackoff == 0 ? base : Double(requests.rows[Int(r)].previousBackoff) * 1e-9
            let hi = max(base, 3 * previous)
            wait = min(cap, base + (hi - base) * stream.with { $0.uniform() })
        }
        let time = SimTime(seconds: wait)
        requests.rows[Int(r)].previousBackoff = max(time.nanoseconds, 1)
        return time
    }
}

extension AttemptOutcome {
    /// Position in `allCases`, for counters and bit masks.
    @inline(__always)
    var index: Int {
        switch self {
        case .success: return 0
        case .error: return 1
        case .timeout: return 2
        case .rejected: return 3
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
