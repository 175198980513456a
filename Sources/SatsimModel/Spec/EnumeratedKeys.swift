import SatsimCore

// The model's vocabulary for the scenario keys that take one of a fixed list of words. The
// scenario schema builds its `.choice` lists from these enums' raw values, and the decoder maps
// each word back through them, so a word exists in the format exactly when the model has a case
// for it: a word listed in one place only can neither validate nor fall back silently.

/// `arrival.process`.
public enum ArrivalProcess: String, Sendable, Hashable, CaseIterable {
    case poisson, constant, closed
}

extension ArrivalSpec {
    /// This arrival's process.
    public var process: ArrivalProcess {
        switch self {
        case .poisson: return .poisson
        case .constant: return .constant
        case .closed: return .closed
        }
    }
}

/// `timeline[i].kind`.
public enum TimelineKind: String, Sendable, Hashable, CaseIterable {
    case loadSpike = "load_spike"
    case latency, errors, outage, kill
    case cacheFlush = "cache_flush"
    case pause, scale, deploy, set
}

extension TimelineAction {
    /// This action's kind.
    public var kind: TimelineKind {
        switch self {
        case .loadSpike: return .loadSpike
        case .latency: return .latency
        case .errors: return .errors
        case .outage: return .outage
        case .kill: return .kill
        case .cacheFlush: return .cacheFlush
        case .pause: return .pause
        case .scale: return .scale
        case .deploy: return .deploy
        case .set: return .set
        }
    }
}

extension AttemptOutcome {
    /// The outcomes a retry policy's `on` may list: every failure (a success is never retried),
    /// in the order the format documents them. A test keeps it equal to every case but success.
    public static let retryable: [AttemptOutcome] = [.timeout, .error, .rejected]
}
