import ArgumentParser
import SatsimModel

/// `--max-events` and `--max-in-flight`, shared by every command that runs simulations.
struct RunLimitOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Stop a run cleanly after this many events (arrivals, retries, departures, timeouts fired, health probes, autoscaler decisions).",
            transform: FlagValue.count(in: 1...Int.max))
    var maxEvents: Int = RunLimits().maxEvents

    @Option(parsing: .unconditional, help: "Stop a run cleanly when more requests, attempts and health probes than this are in flight (default 2,000,000: about 200 MB).",
            transform: FlagValue.count(in: 1...Int.max))
    var maxInFlight: Int = RunLimits().maxInFlight

    func validate() throws {
        guard maxEvents > 0 else { throw ValidationError("--max-events must be > 0, found \(maxEvents)") }
        guard maxInFlight > 0 else { throw ValidationError("--max-in-flight must be > 0, found \(maxInFlight)") }
    }

    /// The budgets as the model takes them.
    var limits: RunLimits { RunLimits(maxEvents: maxEvents, maxInFlight: maxInFlight) }
}
