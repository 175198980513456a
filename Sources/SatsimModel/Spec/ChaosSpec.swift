import SatsimCore

/// `chaos`: the candidate faults `satsim chaos` combines, and when and how often they are tried.
public struct ChaosSpec: Sendable, Hashable {
    /// `chaos.faults`, in file order: a fault's index in this list is its index in the output.
    public var faults: [ChaosFaultSpec]
    /// `chaos.at`: when the chosen faults start (each fault's own `at` is an offset from it).
    public var at: SimTime
    /// `chaos.max_together`: combinations of 1 ... maxTogether faults are tried.
    public var maxTogether: Int
    /// `chaos.replications`: runs per combination, on the same seeds for every combination.
    public var replications: Int
    /// The settings in force that the `set` faults put in place, resolved by the scenario layer
    /// for each subset of them (indices into `faults`, ascending): for the timeline of the file's
    /// events followed by those faults, each event's ``TimelineEventSpec/resolved``. Empty when
    /// no fault is a `set`.
    public var resolvedSettings: [[Int]: [ResolvedSetting?]] = [:]

    public init(faults: [ChaosFaultSpec], at: SimTime, maxTogether: Int, replications: Int) {
        self.faults = faults
        self.at = at
        self.maxTogether = maxTogether
        self.replications = replications
    }
}

/// One item of `chaos.faults`: a timeline event whose `at` is an offset from `chaos.at`.
public struct ChaosFaultSpec: Sendable, Hashable {
    /// `label`, or a name made from the event (`kill api`) when absent.
    public var label: String
    /// The event, its `at` the offset from `chaos.at` (0 when absent).
    public var event: TimelineEventSpec

    public init(label: String, event: TimelineEventSpec) {
        self.label = label
        self.event = event
    }

    /// The event as it joins the timeline of a run: started at `chaosAt` + its offset.
    public func scheduled(after chaosAt: SimTime) -> TimelineEventSpec {
        var event = event
        event.at = chaosAt + event.at
        return event
    }
}
