import SatsimCore

/// Requests in flight, as parallel arrays indexed by slot.
///
/// The columns are ``UnsafeColumn``s owned by the simulation: a write is a store, with no
/// copy-on-write check (issue 10). Only the simulation's handlers index them, with slots the
/// slab handed out.
struct RequestSlab {
    var slots = TimerSlots()
    let client = UnsafeColumn<UInt32>()
    let start = UnsafeColumn<Int64>()
    let attemptsSent = UnsafeColumn<Int32>()
    /// The previous backoff wait, for decorrelated jitter [ns].
    let previousBackoff = UnsafeColumn<Int64>()
    /// For a downstream call: the attempt (slot and generation) whose handler made it, and the
    /// call's index in `Simulation.calls`; `noParent` for a client's request.
    let parent = UnsafeColumn<UInt32>()
    let parentGeneration = UnsafeColumn<UInt32>()
    let call = UnsafeColumn<Int32>()
    /// The circuit-breaker period (`CircuitBreaker.Period`) its current attempt was admitted in.
    /// Kept per request, not per attempt: a request has one attempt the client still waits for
    /// (a timed-out one is abandoned before the retry goes out), and only that one is recorded.
    let breakerPeriod = UnsafeColumn<UInt32>()
    /// The cohort draw u ~ U(0, 1) of the client request it belongs to (ChaosState); written
    /// only when the scenario has cohorts.
    let cohort = UnsafeColumn<Double>()

    static let noParent = UInt32.max

    /// Whether request `r` is a downstream call rather than a client's request.
    @inline(__always)
    func isCall(_ r: UInt32) -> Bool { parent[Int(r)] != RequestSlab.noParent }

    mutating func acquire(client c: Int, at time: SimTime) -> UInt32 {
        let (slot, _) = slots.acquire()
        let i = Int(slot)
        if i == client.count {
            client.append(0)
            start.append(0)
            attemptsSent.append(0)
            previousBackoff.append(0)
            parent.append(RequestSlab.noParent)
            parentGeneration.append(0)
            call.append(-1)
            breakerPeriod.append(0)
            cohort.append(1)
        }
        parent[i] = RequestSlab.noParent
        client[i] = UInt32(c)
        start[i] = time.nanoseconds
        attemptsSent[i] = 0
        previousBackoff[i] = 0
        return slot
    }
}

/// Attempts in flight (sent and not yet answered, or abandoned by the client and still held by a
/// server), as parallel arrays indexed by slot (``UnsafeColumn``s, as in ``RequestSlab``).
struct AttemptSlab {
    /// The `request` of a health-check probe, which belongs to no request.
    static let probe = UInt32.max
    var slots = TimerSlots()
    let request = UnsafeColumn<UInt32>()
    let requestGeneration = UnsafeColumn<UInt32>()
    let service = UnsafeColumn<UInt32>()
    let instance = UnsafeColumn<Int32>()
    let enqueuedAt = UnsafeColumn<Int64>()
    let outcome = UnsafeColumn<AttemptOutcome>()
    /// The client stopped waiting (timeout); the server does not know.
    let abandoned = UnsafeColumn<Bool>()
    let phase = UnsafeColumn<AttemptPhase>()
    /// When service started, and the work it needs [ns] (pauses stretch it).
    let startedAt = UnsafeColumn<Int64>()
    let work = UnsafeColumn<Int64>()
    /// The next of its service's calls the handler will make.
    let callCursor = UnsafeColumn<Int32>()
    /// The cache key the handler looked up and missed (-1: none), cached once its calls succeed.
    let cacheKey = UnsafeColumn<Int>()

    mutating func acquire(request r: UInt32, requestGeneration g: UInt32, service s: Int) -> (UInt32, UInt32) {
        let (slot, generation) = slots.acquire()
        let i = Int(slot)
        if i == request.count {
            request.append(0)
            requestGeneration.append(0)
            service.append(0)
            instance.append(-1)
            enqueuedAt.append(0)
            outcome.append(.success)
            abandoned.append(false)
            phase.append(.toService)
            startedAt.append(0)
            work.append(0)
            callCursor.append(0)
            cacheKey.append(-1)
        }
        request[i] = r
        requestGeneration[i] = g
        service[i] = UInt32(s)
        instance[i] = -1
        abandoned[i] = false
        outcome[i] = .success
        phase[i] = .toService
        callCursor[i] = 0
        cacheKey[i] = -1
        return (slot, generation)
    }
}

/// Where an attempt is.
enum AttemptPhase: UInt8 {
    /// Crossing the network towards its service.
    case toService
    /// Queued or in service at an instance.
    case atServer
    /// Its answer is crossing the network back to the client.
    case toClient
    /// Swallowed by a blackhole outage: no answer will ever come.
    case blackholed
}
