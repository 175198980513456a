extension Simulation {
    /// Counted events in a row at one instant past which this run stops as stuck
    /// (``RunLimitHit/timeStoodStill(events:at:)``): ``standStillEvents``, or twice the largest
    /// burst the file can make at one instant without looping, when that is more.
    ///
    /// A burst is finite: each closed-loop user and each request in flight (at most
    /// `limits.maxInFlight`) can do at one instant at most what one request can, every attempt
    /// retried at once (a retry with no backoff) and answered, or timed out, at once (a zero
    /// service time): a user's wake, then per attempt its sending, its departure and its timeout,
    /// and below it the attempts of every downstream call. 10^6 users whose requests are all
    /// refused and retried 100 times at once make 10^8 counted events at one instant, then think
    /// for a second: ten times the largest population (``standStillEvents``) alone stopped them.
    /// A loop with no delay has no such bound and still stops at ``standStillEvents``.
    public func standStillBound(limits: RunLimits) -> Int {
        max(Self.standStillEvents, burstBound(limits: limits))
    }

    /// Twice the largest burst of counted events this run can make at one instant without
    /// looping (see ``standStillBound(limits:)``), saturating at `Int.max / 2`.
    public func burstBound(limits: RunLimits) -> Int {
        var memo: [String: Double] = [:]
        // Counted events one attempt at `name` can make at one instant, its calls' included.
        func perAttempt(_ name: String, depth: Int) -> Double {
            if let known = memo[name] { return known }
            // Validation refuses a cycle of calls; a deep chain saturates instead.
            guard depth < 64, let service = spec.services.first(where: { $0.name == name }) else { return .infinity }
            var events = 3.0
            for call in service.calls {
                events += Double(call.retry?.maxAttempts ?? 1) * perAttempt(call.service, depth: depth + 1)
            }
            memo[name] = events
            return events
        }
        var users = 0.0, perRequest = 0.0
        for client in spec.clients {
            if case .closed(let population, _) = client.arrival { users += Double(population) }
            perRequest = max(perRequest, 1 + Double(client.retry?.maxAttempts ?? 1) * perAttempt(client.target, depth: 0))
        }
        // Probes (sent and answered) and each service's autoscaler and outlier review.
        let rounds = 2.0 * Double(instances.count) + 2.0 * Double(services.count)
        let burst = (users + Double(limits.maxInFlight)) * perRequest + rounds
        let bound = 2 * burst
        guard bound.isFinite, bound < Double(Int.max / 2) else { return Int.max / 2 }
        return Int(bound)
    }
}
