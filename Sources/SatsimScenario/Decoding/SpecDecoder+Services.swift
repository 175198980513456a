import SatsimCore
import SatsimModel

extension SpecDecoder {
    /// `services.NAME`.
    mutating func service(_ entry: YAMLEntry) -> ServiceSpec? {
        let path = "services.\(entry.key)"
        componentName(entry, path)
        let before = diagnostics.count
        guard let f = fields(entry.value, path, shape: "SERVICE") else { return nil }
        let instances = integer(f, "instances")
        let workers = integer(f, "workers")
        let serviceTime = distribution(f, "service_time")
        let contention = number(f, "contention")
        var queue = QueueSpec()
        if let q = nested(f, "queue", shape: "queue") {
            queue.capacity = integer(q, "capacity")
            if let discipline = choice(q, "discipline", as: QueueDiscipline.self) { queue.discipline = discipline }
            queue.timeout = duration(q, "timeout")
        }
        let balancer = choice(f, "balancer", as: BalancerKind.self)
        var calls: [CallSpec] = []
        for (index, item) in list(f, "calls").enumerated() {
            guard let c = fields(item, "\(path).calls.\(index)", shape: "call") else { continue }
            let service = text(c, "service"), probability = number(c, "probability")
            let timeout = duration(c, "timeout"), optional = boolean(c, "optional")
            let retry = nested(c, "retry", shape: "retry").flatMap { self.retry($0) }
            var breaker: CircuitBreakerSpec?
            if let b = nested(c, "circuit_breaker", shape: "circuit_breaker") {
                let ratio = number(b, "failure_ratio"), minRequests = integer(b, "min_requests")
                let window = duration(b, "window"), openFor = duration(b, "open_for"), probes = integer(b, "half_open_probes")
                if let ratio, let minRequests, let window, let openFor, let probes {
                    breaker = CircuitBreakerSpec(
                        failureRatio: ratio, minRequests: minRequests, window: window, openFor: openFor, halfOpenProbes: probes)
                }
            }
            if let service, let probability, let optional {
                calls.append(CallSpec(service: service, probability: probability, timeout: timeout, retry: retry, optional: optional,
                                      circuitBreaker: breaker))
            }
        }
        var cache: CacheSpec?
        if let c = nested(f, "cache", shape: "cache") {
            let keys = integer(c, "keys"), zipf = number(c, "zipf"), capacity = integer(c, "capacity")
            let ttl = duration(c, "ttl")
            if let keys, let zipf, let capacity {
                cache = CacheSpec(keys: keys, zipf: zipf, capacity: capacity, ttl: ttl)
            }
        }
        var health: HealthCheckSpec?
        if let h = nested(f, "health_check", shape: "health_check") {
            let interval = duration(h, "interval"), timeout = duration(h, "timeout")
            let unhealthy = integer(h, "unhealthy_after"), healthy = integer(h, "healthy_after")
            let action = choice(h, "action", as: HealthAction.self)
            let panic = number(h, "panic_threshold"), jitter = number(h, "jitter")
            if let interval, let timeout, let unhealthy, let healthy, let action, let panic, let jitter {
                health = HealthCheckSpec(
                    interval: interval, timeout: timeout, unhealthyAfter: unhealthy, healthyAfter: healthy,
                    action: action, panicThreshold: panic, jitter: jitter)
            }
        }
        let bootTime = duration(f, "boot_time")
        var autoscaler: AutoscalerSpec?
        if let a = nested(f, "autoscaler", shape: "autoscaler") {
            let policy = choice(a, "policy", as: AutoscalerPolicy.self), metric = choice(a, "metric", as: AutoscalerMetric.self)
            let target = number(a, "target"), interval = duration(a, "interval")
            let low = integer(a, "min"), high = integer(a, "max")
            let scaleIn = duration(a, "scale_in_cooldown"), scaleOut = duration(a, "scale_out_cooldown")
            // An omitted scale_in_cooldown takes the policy's default (hpa: Kubernetes' 300 s).
            if let policy, let metric, let target, let interval, let low, let high, let scaleOut {
                autoscaler = AutoscalerSpec(
                    policy: policy, metric: metric, target: target, interval: interval, min: low, max: high,
                    scaleInCooldown: scaleIn, scaleOutCooldown: scaleOut)
            }
        }
        var outliers: OutlierDetectionSpec?
        if let o = nested(f, "outlier_detection", shape: "outlier_detection"), let consecutive = integer(o, "consecutive_errors"),
           let interval = duration(o, "interval"), let base = duration(o, "base_ejection_time"),
           let percent = integer(o, "max_ejection_percent")
        {
            let longest = duration(o, "max_ejection_time")
            if let longest, longest < base, let entry = o.entries["max_ejection_time"] {
                // Envoy refuses it too (DetectorImpl::create: "max_ejection_time cannot be smaller
                // than base_ejection_time"): the cap would cut even the first ejection short.
                error(entry.value.position, o.child("max_ejection_time"),
                      "found \(longest.description), below base_ejection_time \(base.description); expected a duration >= base_ejection_time")
            }
            outliers = OutlierDetectionSpec(
                consecutiveErrors: consecutive, interval: interval, baseEjectionTime: base, maxEjectionPercent: percent,
                maxEjectionTime: longest)
        }
        guard diagnostics.count == before, let instances, let workers, let serviceTime, let contention, let balancer,
            let bootTime
        else { return nil }
        return ServiceSpec(
            name: entry.key, instances: instances, workers: workers, serviceTime: serviceTime, contention: contention,
            queue: queue, balancer: balancer, calls: calls, cache: cache, healthCheck: health, bootTime: bootTime,
            autoscaler: autoscaler, outlierDetection: outliers)
    }
}
