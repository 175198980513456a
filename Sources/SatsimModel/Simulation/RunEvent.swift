/// Something that happened during a run, for events.jsonl and the story: faults, operator
/// actions, instance life cycles, breaker state changes.
public struct RunEvent: Sendable, Hashable {
    /// Simulated time [s].
    public var time: Double
    public var kind: RunEventKind
    /// The client or service it concerns.
    public var subject: String
    /// A short plain description.
    public var detail: String

    public init(time: Double, kind: RunEventKind, subject: String, detail: String) {
        self.time = time
        self.kind = kind
        self.subject = subject
        self.detail = detail
    }
}

/// The kinds of ``RunEvent``; raw values are the `kind` field of events.jsonl.
public enum RunEventKind: String, Sendable, Hashable, CaseIterable {
    case faultStarted = "fault_started"
    case faultEnded = "fault_ended"
    case instanceKilled = "instance_killed"
    case instanceBooting = "instance_booting"
    case instanceReady = "instance_ready"
    case instanceDraining = "instance_draining"
    case instanceStopped = "instance_stopped"
    case instancePaused = "instance_paused"
    case instanceResumed = "instance_resumed"
    case instanceEjected = "instance_ejected"
    case instanceReadmitted = "instance_readmitted"
    case panicStarted = "panic_started"
    case panicEnded = "panic_ended"
    case scaled
    case breakerOpened = "breaker_opened"
    case breakerHalfOpen = "breaker_half_open"
    case breakerClosed = "breaker_closed"
    case runStopped = "run_stopped"
    /// An operator's timeline `set` put a new value in force (subject: the KEY.PATH).
    case settingChanged = "setting_changed"
    /// A `set` with `for` ended: the value in force without it is back (subject: the KEY.PATH).
    case settingRestored = "setting_restored"
    /// Outlier detection would have ejected an instance, but max_ejection_percent was reached.
    case outlierNotEjected = "outlier_not_ejected"
}

extension String {
    /// `half_open` -> `half open`, for sentences.
    var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }
}
