import SatsimCore

/// One entry of `timeline`: a fault or operator action at a given time.
public struct TimelineEventSpec: Sendable, Hashable {
    /// `at`.
    public var at: SimTime
    /// `for`: nil for a step (kill, scale, deploy, set, cache_flush).
    public var duration: SimTime?
    /// `kind` and its own keys.
    public var action: TimelineAction
    public init(at: SimTime, duration: SimTime? = nil, action: TimelineAction) {
        self.at = at
        self.duration = duration
        self.action = action
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
