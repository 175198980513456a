import ArgumentParser
import SatsimModel

/// `--max-events` and `--max-in-flight`, shared by every command that runs simulations.
struct RunLimitOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Stop a run cleanly after this many counted events (arrivals, retries, departures, timeouts fired, health probes, autoscaler decisions; default 2,000,000,000). Without the flag, a scenario that certainly needs more than the default is refused before it runs, at the key that asks for the most.",
            transform: FlagValue.count(in: 1...Int.max))
    var maxEvents: Int?

    @Option(parsing: .unconditional, help: "Stop a run cleanly when more requests, attempts and health probes than this are in flight (default 2,000,000: about 200 MB).",
            transform: FlagValue.count(in: 1...Int.max))
    var maxInFlight: Int = RunLimits().maxInFlight

    @Option(parsing: .unconditional, help: "Stop a run cleanly when its event log (events.jsonl: breaker changes, ejections, scaling, restarts) holds this many entries (default 100,000: about 15 MB in memory, 10 MB of events.jsonl).",
            transform: FlagValue.count(in: 1...Int.max))
    var maxLogEntries: Int = RunLimits().maxLogEntries

    func validate() throws {
        if let maxEvents, maxEvents <= 0 { throw ValidationError("--max-events must be > 0, found \(maxEvents)") }
        guard maxInFlight > 0 else { throw ValidationError("--max-in-flight must be > 0, found \(maxInFlight)") }
        guard maxLogEntries > 0 else { throw ValidationError("--max-log-entries must be > 0, found \(maxLogEntries)") }
    }

    /// The budgets as the model takes them.
    /// Without `--max-events`, a run that would need more than twice the default budget at its
    /// pace so far stops early (``RunLimits/stopEarlyOverBudget``), as a file that certainly
    /// needs more is refused before it runs.
    var limits: RunLimits {
        RunLimits(maxEvents: maxEvents ?? RunLimits().maxEvents, maxInFlight: maxInFlight, stopEarlyOverBudget: maxEvents == nil,
                  maxLogEntries: maxLogEntries)
    }

    /// The budget a scenario is checked against when it is loaded (``EventFloor``): the default
    /// one when `--max-events` is not given; nil when it is, since the user then asked for a run
    /// that stops at that budget with its partial results.
    var eventBudgetCheck: Int? { maxEvents == nil ? RunLimits().maxEvents : nil }
}
