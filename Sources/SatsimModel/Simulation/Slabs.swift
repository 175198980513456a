import SatsimCore

/// Requests in flight: one ``RequestRow`` per slot in an ``InlineColumn`` (an array of structs,
/// as ``AttemptSlab``). Only the simulation's handlers index it, with slots the slab handed out.
struct RequestSlab {
    var slots = TimerSlots()
    var rows = InlineColumn<RequestRow>()

    static let noParent = UInt32.max

    /// Whether request `r` is a downstream call rather than a client's request.
    @inline(__always)
    func isCall(_ r: UInt32) -> Bool { rows[Int(r)].parent != RequestSlab.noParent }

    @inline(__always)
    mutating func acquire(client c: Int, at time: SimTime) -> UInt32 {
        let (slot, _) = slots.acquire()
        let i = Int(slot)
        if i == rows.count {
            rows.append(RequestRow(client: UInt32(c), start: time.nanoseconds))
        } else {
            // The call, breaker period and cohort of the slot's last request stay: every path
            // that reads them writes them first (a call's index and parent, an admitted
            // attempt's period, a drawn cohort).
            // Through one address: five stores, not five loads of the column's base between them.
            let row = rows.baseAddress + i
            row.pointee.parent = RequestSlab.noParent
            row.pointee.client = UInt32(c)
            row.pointee.start = time.nanoseconds
            row.pointee.attemptsSent = 0
            row.pointee.previousBackoff = 0
        }
        return slot
    }
}

/// One request (see ``RequestSlab``).
struct RequestRow {
    var client: UInt32
    var attemptsSent: Int32 = 0
    var start: Int64
    /// The previous backoff wait, for decorrelated jitter [ns].
    var previousBackoff: Int64 = 0
    /// For a downstream call: the attempt (slot and generation) whose handler made it, and the
    /// call's index in `Simulation.calls`; `noParent` for a client's request.
    var parent: UInt32 = RequestSlab.noParent
    var parentGeneration: UInt32 = 0
    var call: Int32 = -1
    /// The circuit-breaker period (`CircuitBreaker.Period`) its current attempt was admitted in.
    /// Kept per request, not per attempt: a request has one attempt the client still waits for
    /// (a timed-out one is abandoned before the retry goes out), and only that one is recorded.
    var breakerPeriod: UInt32 = 0
    /// The cohort draw u ~ U(0, 1) of the client request it belongs to (ChaosState); written
    /// only when the scenario has cohorts.
    var cohort: Double = 1

    @inline(__always)
    init(client: UInt32, start: Int64) {
        self.client = client
        self.start = start
    }
}

/// Attempts in flight (sent and not yet answered, or abandoned by the client and still held by a
/// server): one ``AttemptRow`` per slot in an ``InlineColumn``, an array of structs. A handler
/// reads and writes several fields of one attempt in a row; with a column per field each access
/// loaded that column's object and base first, and acquiring an attempt wrote twelve columns
/// (issue 10). Now an attempt is one 56-byte row: one base, and at most two cache lines.
struct AttemptSlab {
    /// The `request` of a health-check probe, which belongs to no request.
    static let probe = UInt32.max
    var slots = TimerSlots()
    var rows = InlineColumn<AttemptRow>()

    @inline(__always)
    mutating func acquire(request r: UInt32, requestGeneration g: UInt32, service s: Int) -> (UInt32, UInt32) {
        let (slot, generation) = slots.acquire()
        let row = AttemptRow(request: r, requestGeneration: g, service: UInt32(s))
        if Int(slot) == rows.count {
            rows.append(row)
        } else {
            rows[Int(slot)] = row
        }
        return (slot, generation)
    }
}

/// One attempt (see ``AttemptSlab``).
struct AttemptRow {
    var request: UInt32
    var requestGeneration: UInt32
    var service: UInt32
    var instance: Int32 = -1
    /// When it joined its instance (queue or service) [ns].
    var enqueuedAt: Int64 = 0
    var outcome: AttemptOutcome = .success
    /// The client stopped waiting (timeout); the server does not know.
    var abandoned = false
    var phase: AttemptPhase = .toService
    /// The next of its service's calls the handler will make.
    var callCursor: Int32 = 0
    /// When service started, and the work it needs [ns] (pauses stretch it).
    var startedAt: Int64 = 0
    var work: Int64 = 0
    /// The cache key the handler looked up and missed (-1: none), cached once its calls succeed.
    var cacheKey: Int = -1

    @inline(__always)
    init(request: UInt32, requestGeneration: UInt32, service: UInt32) {
        self.request = request
        self.requestGeneration = requestGeneration
        self.service = service
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
