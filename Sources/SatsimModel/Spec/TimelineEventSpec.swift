import SatsimCore

/// One entry of `timeline`: a fault or operator action at a given time.
public struct TimelineEventSpec: Sendable, Hashable {
    /// `at`.
    public var at: SimTime
    /// `for`: nil for a step (kill, scale, deploy, set, cache_flush).
    public var duration: SimTime?
    /// `kind` and its own keys.
    public var action: TimelineAction
    /// `enabled`: false leaves the event out of the run (a variant, `--set` or a sweep switches it).
    public var enabled: Bool
    /// `caller` of a `latency` or `errors` fault: only attempts of calls from that service (one
    /// edge of the call graph); nil: every caller.
    public var caller: String?
    /// `share` of a `latency` or `errors` fault: only requests of the experiment cohort, this
    /// share of every client's requests, chosen when a request is created; nil: every request.
    public var share: Double?
    /// For an enabled `set`: the settings it puts in force, resolved by the scenario layer
    /// (nil for other kinds, and for a spec built without the loader).
    public var resolved: ResolvedSetting?
    public init(at: SimTime, duration: SimTime? = nil, action: TimelineAction, enabled: Bool = true,
                resolved: ResolvedSetting? = nil, caller: String? = nil, share: Double? = nil) {
        self.caller = caller
        self.share = share
        self.at = at
        self.duration = duration
        self.action = action
        self.enabled = enabled
        self.resolved = resolved
    }

    /// When a fault with `for` ends; `at` for a step.
    public var end: SimTime { duration.map { at + $0 } ?? at }
}

/// `timeline[i].kind` with the keys each kind takes.
public enum TimelineAction: Sendable, Hashable {
    case loadSpike(client: String, factor: Double)
    case latency(service: String, add: Distribution)
    case errors(service: String, ratio: Double)
    case outage(service: String, mode: OutageMode)
    case kill(service: String, count: Int)
    case cacheFlush(service: String)
    case pause(service: String, count: Int)
    case scale(service: String, to: Int)
    case deploy(service: String, batch: Int, every: SimTime)
    case set(ScalarOverride)

    /// The `kind:` name used in scenario files.
    public var kindName: String {
        switch self {
        case .loadSpike: return "load_spike"
        case .latency: return "latency"
        case .errors: return "errors"
        case .outage: return "outage"
        case .kill: return "kill"
        case .cacheFlush: return "cache_flush"
        case .pause: return "pause"
        case .scale: return "scale"
        case .deploy: return "deploy"
        case .set: return "set"
        }
    }

    /// Whether this kind is a fault that may or must have `for` (false: a step).
    public var isWindowed: Bool {
        switch self {
        case .loadSpike, .latency, .errors, .outage, .pause: return true
        case .kill, .cacheFlush, .scale, .deploy, .set: return false
        }
    }
}

/// `outage.mode`.
public enum OutageMode: String, Sendable, Hashable, CaseIterable {
    /// Attempts hang: no answer, the caller times out.
    case blackhole
    /// Attempts fail fast.
    case refuse
}

/// What a timeline `set` puts in force, decoded ahead of the run by the scenario layer so that
/// the model never parses text mid-run.
///
/// Every client's and service's settings as they stand once the event starts (`atStart`) and,
/// for a `set` with `for`, once it ends (`atEnd`). The settings in force at a time t are the
/// file's, then every enabled step `set` with at <= t and every enabled windowed `set` with
/// at <= t < at + for, applied in order of `at` (file order among equal times). So a windowed
/// `set` reverts to exactly what was in force without it, and two events at the same moment
/// resolve to the same settings whatever order they run in.
public struct ResolvedSetting: Sendable, Hashable {
    public var atStart: SettingsSnapshot
    public var atEnd: SettingsSnapshot?
    /// The value the path had before the event started (its text in the file, or nil: default).
    public var previousValue: String?
    /// With `for`: the value in force once it ends, without it (nil: the default). Not always
    /// ``previousValue``: a `set` that started during the window, or a window that began before
    /// it and ended during it, changes what comes back.
    public var restoredValue: String?
    public init(atStart: SettingsSnapshot, atEnd: SettingsSnapshot?, previousValue: String?, restoredValue: String? = nil) {
        self.atStart = atStart
        self.atEnd = atEnd
        self.previousValue = previousValue
        self.restoredValue = restoredValue
    }
}

/// Every client's and service's settings at one moment, in the scenario's order.
public struct SettingsSnapshot: Sendable, Hashable {
    public var clients: [ClientSpec]
    public var services: [ServiceSpec]
    public init(clients: [ClientSpec], services: [ServiceSpec]) {
        self.clients = clients
        self.services = services
    }
}
