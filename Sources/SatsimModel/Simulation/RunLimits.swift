/// Budgets that stop a run cleanly, with partial results, before it exhausts the machine.
public struct RunLimits: Sendable, Hashable {
    /// Counted events (arrivals, retries sent, departures, timeouts fired).
    public var maxEvents: Int
    /// Requests plus attempts alive at once (memory grows with what is in flight).
    public var maxInFlight: Int

    public init(maxEvents: Int = 2_000_000_000, maxInFlight: Int = 4_000_000) {
        self.maxEvents = maxEvents
        self.maxInFlight = maxInFlight
    }
}

/// Why a run stopped before its end time, with the likely cause for the message.
public enum RunLimitHit: Sendable, Hashable {
    case eventBudget(events: Int)
    case inFlight(count: Int, largestQueue: String?)

    /// A sentence for the user.
    public var message: String {
        switch self {
        case .eventBudget(let events):
            return "the run stopped after its event budget of \(events) events; raise it with --max-events, or shorten the duration"
        case .inFlight(let count, let queue):
            var text = "the run stopped with \(count) requests and attempts in flight, over its memory budget"
            if let queue {
                text += "; the queues of service '\(queue)' grew without bound (an unbounded queue under overload or a retry storm?): give queue.capacity a limit, or raise --max-in-flight"
            }
            return text
        }
    }
}
