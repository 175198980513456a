import SatsimCore

/// Circuit breakers on call edges (`services.NAME.calls.N.circuit_breaker`).
///
/// The same state machine as a client's breaker (``CircuitBreaker``: Hystrix, resilience4j,
/// Polly), one per edge of the call graph and shared by every instance of the calling service,
/// as a service mesh's per-destination breaker is per caller deployment. An attempt it rejects
/// never leaves the caller: the call attempt ends `rejected` at once (retried only if the call's
/// `retry.on` lists `rejected`). Outcomes count as a client's do: success, or failure on an error
/// or a timeout.
extension Simulation {
    /// Builds each edge's breaker from its spec. Called once by `init`.
    func prepareEdgeBreakers() {
        for k in calls.indices { calls[k].breaker = calls[k].spec.circuitBreaker.map(CircuitBreaker.init) }
    }

    /// The subject of an edge's breaker events: "api -> db".
    func edgeName(_ k: Int) -> String {
        "\(services[calls[k].caller].spec.name) -> \(services[calls[k].target].spec.name)"
    }

    /// Whether the edge's breaker lets call `r`'s next attempt through (noting the period it was
    /// admitted in, and any change of state).
    func admitThroughEdgeBreaker(request r: UInt32, call k: Int) -> Bool {
        let before = calls[k].breaker?.state
        let period = calls[k].breaker?.admit(at: now)
        noteEdgeBreaker(k, from: before)
        guard let period else { return false }
        requests.rows[Int(r)].breakerPeriod = period
        return true
    }

    /// A call attempt the breaker admitted ended.
    func recordOnEdgeBreaker(request r: UInt32, call k: Int, success: Bool) {
        let before = calls[k].breaker?.state
        calls[k].breaker?.record(success: success, admittedIn: requests.rows[Int(r)].breakerPeriod, at: now)
        noteEdgeBreaker(k, from: before)
    }

    func noteEdgeBreaker(_ k: Int, from before: CircuitBreaker.State?) {
        guard let after = calls[k].breaker?.state, after != before else { return }
        let kind: RunEventKind
        switch after {
        case .open: kind = .breakerOpened
        case .halfOpen: kind = .breakerHalfOpen
        case .closed: kind = .breakerClosed
        }
        recordEvent(kind, subject: edgeName(k), detail: "circuit breaker on calls to \(services[calls[k].target].spec.name) \(after.rawValue.replacingUnderscores)")
    }
}
