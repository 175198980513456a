/// What a timeline `set` on a KEY.PATH does to work already in flight, or why that path cannot
/// change mid-run.
///
/// The single source of these rules: validation refuses a `refused` path by name, the event log
/// tells the rule of every change, and docs/scenario-reference.md lists them (``MidRunRule/all``).
public enum MidRunRule: Sendable, Hashable {
    /// The change applies; the text says from when, and what happens to work in flight.
    case applies(String)
    /// The path cannot change mid-run; the text says why, and what to use instead.
    case refused(String)

    /// One path of each rule, for the reference (NAME and N stand for any name and index).
    public static let documentedPaths = [
        "name", "duration", "timeline.N.at",
        "clients.NAME.target", "clients.NAME.arrival.process", "clients.NAME.arrival.rate", "clients.NAME.arrival.users",
        "clients.NAME.arrival.think.mean", "clients.NAME.network.mean", "clients.NAME.timeout",
        "clients.NAME.retry.max_attempts", "clients.NAME.retry.backoff.base", "clients.NAME.retry.budget.ratio",
        "clients.NAME.circuit_breaker.failure_ratio", "clients.NAME.adaptive_throttle.k",
        "services.NAME.instances", "services.NAME.workers", "services.NAME.service_time.mean", "services.NAME.contention",
        "services.NAME.queue.capacity", "services.NAME.queue.discipline", "services.NAME.queue.timeout",
        "services.NAME.balancer", "services.NAME.calls.N.timeout", "services.NAME.cache.zipf", "services.NAME.cache.capacity",
        "services.NAME.cache.ttl", "services.NAME.health_check.interval", "services.NAME.boot_time", "services.NAME.autoscaler.max",
        "services.NAME.outlier_detection.base_ejection_time", "services.NAME.calls.N.circuit_breaker.open_for",
    ]

    /// The rule for a KEY.PATH (the path must already be known to name a scalar of the format).
    public static func rule(for path: String) -> MidRunRule {
        let parts = path.split(separator: ".").map(String.init)
        guard parts.count >= 3, parts[0] == "clients" || parts[0] == "services" else {
            let top = parts.first ?? path
            return .refused("`\(top)` holds for the whole run; only clients.* and services.* settings can change mid-run")
        }
        let key = parts.dropFirst(2)
        return parts[0] == "clients" ? clientRule(Array(key)) : serviceRule(Array(key))
    }

    private static func clientRule(_ key: [String]) -> MidRunRule {
        switch key.first {
        case "target": return .applies("attempts sent from now on go to the new target; attempts in flight finish where they are")
        case "arrival":
            switch key.dropFirst().first {
            case "process":
                return .applies("poisson and constant swap at once: the next arrival is drawn afresh from now by the new process; "
                    + "an open loop cannot become closed, nor a closed one open (change the rate, users or think time instead)")
            case "rate": return .applies("the next arrival is drawn at the new rate (load spikes in progress still multiply it)")
            case "users": return .applies("new users join at once; surplus users leave when they next finish a request")
            default: return .applies("think times drawn from now on use the new distribution; users already thinking keep theirs")
            }
        case "network": return .applies("attempts sent from now on get the new delay; attempts on the wire keep theirs")
        case "timeout": return .applies("attempts sent from now on use the new timeout; attempts in flight keep their timer")
        case "retry":
            switch key.dropFirst().first {
            case "backoff": return .applies("retries scheduled from now on wait the new backoff; retries already scheduled keep their time")
            case "budget": return .applies("the retry budget restarts with the new settings, its history of first attempts and retries forgotten")
            default: return .applies("every retry decided from now on follows it, requests in flight included; retries already scheduled are still sent")
            }
        case "circuit_breaker": return .applies("the breaker restarts closed with the new settings, its window forgotten")
        case "adaptive_throttle": return .applies("the throttle restarts with the new settings, its history forgotten")
        // Every key of CLIENT has a rule above; one added without a rule stays fixed until it has one.
        default: return .refused("this client setting has no rule for changing mid-run, so it is fixed for the run")
        }
    }

    private static func serviceRule(_ key: [String]) -> MidRunRule {
        switch key.first {
        case "instances": return .applies("the instance count changes as a `scale` event does: new instances boot, surplus ones drain")
        case "workers": return .applies("a higher count starts queued work at once; a lower one lets requests in service finish and starts no more until below it")
        case "service_time", "contention": return .applies("work that starts service from now on takes the new time; work in service keeps its time")
        case "queue":
            switch key.dropFirst().first {
            case "capacity": return .applies("arrivals from now on see the new capacity; a lower capacity evicts nothing already queued")
            case "discipline": return .applies("queued work is served in the new order from the next dequeue; a new codel starts afresh")
            default: return .applies("the new timeout applies to every attempt taken from the queue from now on, those already waiting included")
            }
        case "balancer": return .applies("attempts routed from now on use the new balancer")
        case "calls":
            return .applies("calls made from now on follow the new setting; call attempts in flight keep their target and timer; a changed retry budget restarts")
        case "cache":
            switch key.dropFirst().first {
            case "keys", "zipf": return .applies("requests from now on draw keys from the new popularity; cached entries stay")
            case "capacity": return .applies("each instance's cache takes the new size at once: a smaller one evicts its least recently used entries beyond it")
            case "ttl": return .applies("the new lifetime judges every entry from now on, those already cached included, by the age it has")
            case nil: return .applies("a whole new cache block takes effect as each of its keys would")
            default: return .refused("this cache setting has no rule for changing mid-run, so it is fixed for the run")
            }
        case "health_check": return .applies("each instance's next probe uses the new setting; a probe in flight keeps its timeout, and counts so far stay")
        case "boot_time": return .applies("instances that start booting from now on take the new time; booting ones keep theirs")
        case "autoscaler":
            return .applies("the autoscaler applies the new setting at its next decision, its history of recommendations forgotten; the decision already due keeps its time")
        case "outlier_detection":
            return .applies("every failure from now on counts against the new setting; ejections in force end at the first review where min(base_ejection_time x ejections, max_ejection_time) has passed; a new interval restarts the reviews from now")
        // Every key of SERVICE has a rule above; one added without a rule stays fixed until it has one.
        default: return .refused("this service setting has no rule for changing mid-run, so it is fixed for the run")
        }
    }
}
