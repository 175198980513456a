import SatsimCore
import SatsimModel

/// One question `satsim explain` asks of a scenario: "what if this mechanism were switched off,
/// or this timeline event had not happened?", as the transformed spec that answers it.
///
/// What "switched off" means, mechanism by mechanism (the README and `explain --help` say the
/// same):
/// - `retry` (a client's): `max_attempts` 1, one attempt per request.
/// - `call_retry` (a service's call to another): `max_attempts` 1 on that call.
/// - `retry_budget`: the budget removed; retries are then limited only by `max_attempts`.
/// - `circuit_breaker`, `adaptive_throttle`, `health_check`, `queue_timeout`: removed (none).
/// - `codel`: the queue discipline becomes `fifo`.
/// - `autoscaler`: removed, so the service keeps its initial instance count (timeline `scale`
///   events still apply).
/// - `cache`: a cache that never goes cold: a `cache_flush`, a restart or a boot no longer
///   empties it (``CacheSpec/neverCold``); hits, misses, TTL and LRU work as before.
/// - `fault`: the timeline event removed (every kind, operator actions included).
/// - `outlier_detection`: removed, no instance is ejected by it. `circuit_breaker` also covers
///   a call edge's breaker (removed).
public struct Counterfactual: Sendable, Hashable {
    /// The mechanism's name, one of ``Counterfactual/mechanisms``.
    public var mechanism: String
    /// The scenario path of what was switched off: `clients.users.retry`, `timeline.0`.
    public var subject: String
    /// What changed, in plain words: `max_attempts 4 -> 1 (no retries)`.
    public var change: String
    /// The scenario with the change made.
    public var spec: ScenarioSpec
    /// Whether the change alters the load offered (a removed `load_spike`): goodput is then no
    /// measure of harm, since less demand is served with less goodput.
    public var changesDemand: Bool

    public init(mechanism: String, subject: String, change: String, spec: ScenarioSpec, changesDemand: Bool = false) {
        self.mechanism = mechanism
        self.subject = subject
        self.change = change
        self.spec = spec
        self.changesDemand = changesDemand
    }

    /// Every mechanism name the contract lists, in the order counterfactuals are built.
    public static let mechanisms = [
        "retry", "call_retry", "retry_budget", "circuit_breaker", "adaptive_throttle", "queue_timeout", "codel",
        "health_check", "outlier_detection", "autoscaler", "cache", "fault",
    ]

    /// Every counterfactual of `spec`: for each client (in file order) its retry, retry budget,
    /// circuit breaker and adaptive throttle; for each service (in file order) each call's retry
    /// and budget, its queue timeout, CoDel, health check, autoscaler and cache; then each
    /// timeline event (in file order) removed. Only what the scenario uses is listed: a retry
    /// with `max_attempts` 1 is already off, a `fifo` queue has no CoDel to switch off.
    ///
    /// - Complexity: O(mechanisms x size of the spec), the specs being copied.
    ///
    /// A timeline `set` puts in force settings resolved ahead of the run from the whole file
    /// (``ResolvedSetting``). So that a mechanism switched off stays off after a `set` starts or
    /// ends, each edit is made to those settings too. Removing a `set` while other sets exist
    /// changes what the others put in force where they overlap it; `resolving(i)` returns the
    /// scenario loaded again with timeline event `i` disabled, its sets resolved without it, and
    /// is used for those. Without it (or if loading fails) the event is removed and the other
    /// sets keep the settings resolved with it.
    public static func all(for spec: ScenarioSpec, resolving: ((Int) -> ScenarioSpec?)? = nil) -> [Counterfactual] {
        let sets = spec.timeline.indices.filter { spec.timeline[$0].enabled && spec.timeline[$0].resolved != nil }
        return edits(for: spec).map { edit in
            var changed: ScenarioSpec
            if let removed = edit.removesTimelineEvent, sets.contains(where: { $0 != removed }),
               spec.timeline[removed].isSet, let reloaded = resolving?(removed) {
                changed = reloaded
            } else {
                changed = spec
                edit.apply(&changed)
                if edit.removesTimelineEvent == nil { applyToSettings(edit.apply, in: &changed) }
            }
            return Counterfactual(
                mechanism: edit.mechanism, subject: edit.subject, change: edit.change, spec: changed,
                changesDemand: edit.changesDemand)
        }
    }

    /// Makes `edit` to every client's and service's settings a timeline `set` puts in force.
    private static func applyToSettings(_ edit: (inout ScenarioSpec) -> Void, in spec: inout ScenarioSpec) {
        func edited(_ snapshot: SettingsSnapshot) -> SettingsSnapshot {
            var scratch = spec
            scratch.clients = snapshot.clients
            scratch.services = snapshot.services
            edit(&scratch)
            return SettingsSnapshot(clients: scratch.clients, services: scratch.services)
        }
        for i in spec.timeline.indices {
            guard var resolved = spec.timeline[i].resolved else { continue }
            resolved.atStart = edited(resolved.atStart)
            resolved.atEnd = resolved.atEnd.map(edited)
            spec.timeline[i].resolved = resolved
        }
    }

    /// How many counterfactuals ``all(for:)`` makes, without copying the spec for each: a
    /// timeline of n events makes n copies of n events, which `explain` counts and refuses
    /// before building them when n is in the thousands (5,000 events asked for gigabytes).
    public static func count(for spec: ScenarioSpec) -> Int { edits(for: spec).count }

    /// One counterfactual before the spec is copied: what it switches off, and how.
    private struct Edit {
        var mechanism: String
        var subject: String
        var change: String
        var changesDemand: Bool
        /// The timeline event the edit removes, for a `fault` counterfactual.
        var removesTimelineEvent: Int?
        var apply: (inout ScenarioSpec) -> Void
    }

    /// The counterfactuals of `spec` as edits, in the order ``all(for:)`` lists them.
    private static func edits(for spec: ScenarioSpec) -> [Edit] {
        var list: [Edit] = []
        func add(
            _ mechanism: String, _ subject: String, _ change: String, changesDemand: Bool = false,
            removing event: Int? = nil, _ edit: @escaping (inout ScenarioSpec) -> Void
        ) {
            list.append(Edit(mechanism: mechanism, subject: subject, change: change, changesDemand: changesDemand,
                             removesTimelineEvent: event, apply: edit))
        }
        for (c, client) in spec.clients.enumerated() {
            let path = "clients.\(client.name)"
            if let retry = client.retry {
                if retry.maxAttempts > 1 {
                    add("retry", "\(path).retry", "max_attempts \(retry.maxAttempts) -> 1 (no retries)") {
                        $0.clients[c].retry?.maxAttempts = 1
                    }
                }
                if retry.budget != nil, retry.maxAttempts > 1 {
                    add("retry_budget", "\(path).retry.budget",
                        "budget removed: retries limited only by max_attempts \(retry.maxAttempts)") {
                        $0.clients[c].retry?.budget = nil
                    }
                }
            }
            if client.circuitBreaker != nil {
                add("circuit_breaker", "\(path).circuit_breaker", "no circuit breaker") { $0.clients[c].circuitBreaker = nil }
            }
            if client.adaptiveThrottle != nil {
                add("adaptive_throttle", "\(path).adaptive_throttle", "no adaptive throttle") {
                    $0.clients[c].adaptiveThrottle = nil
                }
            }
        }
        for (s, service) in spec.services.enumerated() {
            let path = "services.\(service.name)"
            for (k, call) in service.calls.enumerated() where call.circuitBreaker != nil {
                add("circuit_breaker", "\(path).calls.\(k).circuit_breaker", "no circuit breaker on calls to \(call.service)") {
                    $0.services[s].calls[k].circuitBreaker = nil
                }
            }
            for (k, call) in service.calls.enumerated() {
                guard let retry = call.retry, retry.maxAttempts > 1 else { continue }
                add("call_retry", "\(path).calls.\(k).retry",
                    "calls to \(call.service): max_attempts \(retry.maxAttempts) -> 1 (no retries)") {
                    $0.services[s].calls[k].retry?.maxAttempts = 1
                }
                if retry.budget != nil {
                    add("retry_budget", "\(path).calls.\(k).retry.budget",
                        "budget on calls to \(call.service) removed: retries limited only by max_attempts \(retry.maxAttempts)") {
                        $0.services[s].calls[k].retry?.budget = nil
                    }
                }
            }
            if let timeout = service.queue.timeout {
                add("queue_timeout", "\(path).queue.timeout", "no queue timeout (was \(timeout))") {
                    $0.services[s].queue.timeout = nil
                }
            }
            if service.queue.discipline == .codel {
                add("codel", "\(path).queue.discipline", "discipline codel -> fifo") { $0.services[s].queue.discipline = .fifo }
            }
            if let check = service.healthCheck {
                add("health_check", "\(path).health_check", "no health check (was \(check.action.rawValue) on failure)") {
                    $0.services[s].healthCheck = nil
                }
            }
            if service.outlierDetection != nil {
                add("outlier_detection", "\(path).outlier_detection", "no outlier detection") {
                    $0.services[s].outlierDetection = nil
                }
            }
            if service.autoscaler != nil {
                add("autoscaler", "\(path).autoscaler", "no autoscaler: keeps its initial \(service.instances) instances") {
                    $0.services[s].autoscaler = nil
                }
            }
            if service.cache != nil {
                add("cache", "\(path).cache", "a cache that never goes cold: flushes and restarts no longer empty it") {
                    $0.services[s].cache?.neverCold = true
                }
            }
        }
        for (i, event) in spec.timeline.enumerated() where event.enabled {
            var spike = false
            if case .loadSpike = event.action { spike = true }
            add("fault", "timeline.\(i)", "\(Self.describe(event)) removed", changesDemand: spike, removing: i) {
                $0.timeline.remove(at: i)
            }
        }
        return list
    }

    /// `load_spike on users at 2m0s for 10s`: the event's kind, subject and times.
    static func describe(_ event: TimelineEventSpec) -> String {
        let subject: String
        switch event.action {
        case .loadSpike(let client, _): subject = client
        case .latency(let s, _), .errors(let s, _), .outage(let s, _), .kill(let s, _), .cacheFlush(let s),
             .pause(let s, _), .scale(let s, _), .deploy(let s, _, _):
            subject = s
        case .set(let assignment): subject = assignment.path
        }
        let window = event.duration.map { " for \($0)" } ?? ""
        return "\(event.action.kindName) on \(subject) at \(event.at)\(window)"
    }
}

extension TimelineEventSpec {
    /// Whether the event is an operator's `set`.
    var isSet: Bool {
        if case .set = action { return true }
        return false
    }
}
