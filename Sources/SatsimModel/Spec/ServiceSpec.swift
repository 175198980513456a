import SatsimCore

/// `services.NAME`: instances behind a load balancer.
public struct ServiceSpec: Sendable, Hashable {
    public var name: String
    /// `instances`: initial count (>= 0... the scenario layer requires >= 1).
    public var instances: Int
    /// `workers`: concurrent requests per instance (>= 1).
    public var workers: Int
    /// `service_time`.
    public var serviceTime: Distribution
    /// `contention`: service time x (1 + contention x requests in service on the instance).
    public var contention: Double
    /// `queue`.
    public var queue: QueueSpec
    /// `balancer`.
    public var balancer: BalancerKind
    /// `calls`, in order.
    public var calls: [CallSpec]
    /// `cache`.
    public var cache: CacheSpec?
    /// `health_check`.
    public var healthCheck: HealthCheckSpec?
    /// `boot_time`.
    public var bootTime: SimTime
    /// `autoscaler`.
    public var autoscaler: AutoscalerSpec?
    /// `outlier_detection`: passive ejection of instances that keep failing (Envoy's).
    public var outlierDetection: OutlierDetectionSpec?

    public init(
        name: String, instances: Int = 1, workers: Int = 1, serviceTime: Distribution, contention: Double = 0,
        queue: QueueSpec = QueueSpec(), balancer: BalancerKind = .roundRobin, calls: [CallSpec] = [],
        cache: CacheSpec? = nil, healthCheck: HealthCheckSpec? = nil, bootTime: SimTime = .zero,
        autoscaler: AutoscalerSpec? = nil, outlierDetection: OutlierDetectionSpec? = nil
    ) {
        self.outlierDetection = outlierDetection
        self.name = name
        self.instances = instances
        self.workers = workers
        self.serviceTime = serviceTime
        self.contention = contention
        self.queue = queue
        self.balancer = balancer
        self.calls = calls
        self.cache = cache
        self.healthCheck = healthCheck
        self.bootTime = bootTime
        self.autoscaler = autoscaler
    }
}

/// `queue`.
public struct QueueSpec: Sendable, Hashable {
    /// `capacity`: per instance, the requests waiting (those in service hold a worker, not a
    /// slot: an instance holds at most workers + capacity); nil is unbounded. A full queue
    /// rejects at once.
    public var capacity: Int?
    /// `discipline`.
    public var discipline: QueueDiscipline
    /// `timeout`: the server drops work that waited longer, when a worker reaches it (not by a
    /// timer: until then it holds its queue slot); nil never drops.
    public var timeout: SimTime?
    public init(capacity: Int? = nil, discipline: QueueDiscipline = .fifo, timeout: SimTime? = nil) {
        self.capacity = capacity
        self.discipline = discipline
        self.timeout = timeout
    }
}

/// `queue.discipline`.
public enum QueueDiscipline: String, Sendable, Hashable, CaseIterable {
    case fifo, lifo, codel
}

/// `balancer`.
public enum BalancerKind: String, Sendable, Hashable, CaseIterable {
    /// Each serving instance in turn.
    case roundRobin = "round_robin"
    /// A serving instance drawn uniformly.
    case random
    /// The serving instance holding the fewest requests (in service or queued).
    case leastOutstanding = "least_outstanding"
    /// The fewer-loaded of two instances drawn independently (they may coincide), as Envoy's
    /// least request balancer with choice_count 2 does it.
    case powerOfTwo = "power_of_two"
}

/// One entry of `calls`.
public struct CallSpec: Sendable, Hashable {
    public var service: String
    public var probability: Double
    public var timeout: SimTime?
    public var retry: RetrySpec?
    public var optional: Bool
    /// `circuit_breaker`: one per call edge (shared by the calling service's instances).
    public var circuitBreaker: CircuitBreakerSpec?
    public init(service: String, probability: Double = 1, timeout: SimTime? = nil, retry: RetrySpec? = nil, optional: Bool = false,
                circuitBreaker: CircuitBreakerSpec? = nil) {
        self.circuitBreaker = circuitBreaker
        self.service = service
        self.probability = probability
        self.timeout = timeout
        self.retry = retry
        self.optional = optional
    }
}

/// `cache`: a hit skips every call of the service.
public struct CacheSpec: Sendable, Hashable {
    public var keys: Int
    public var zipf: Double
    public var capacity: Int
    public var ttl: SimTime?
    /// Not a scenario key: when true, a `cache_flush` and an instance's restart or boot no
    /// longer empty the cache (entries still expire by `ttl` and are evicted by LRU). It is how
    /// `satsim explain` switches a cache's cold start off, to ask what going cold cost.
    public var neverCold: Bool
    public init(keys: Int, zipf: Double, capacity: Int, ttl: SimTime? = nil, neverCold: Bool = false) {
        self.keys = keys
        self.zipf = zipf
        self.capacity = capacity
        self.ttl = ttl
        self.neverCold = neverCold
    }
}

/// `health_check`.
public struct HealthCheckSpec: Sendable, Hashable {
    public var interval: SimTime
    public var timeout: SimTime
    public var unhealthyAfter: Int
    public var healthyAfter: Int
    public var action: HealthAction
    public var panicThreshold: Double
    /// `jitter`, a ratio in [0, 1]: each probe's interval is stretched by U(0, jitter x interval).
    /// Whatever it is, every instance has its own schedule, first probe at a random phase.
    public var jitter: Double
    public init(
        interval: SimTime, timeout: SimTime, unhealthyAfter: Int = 3, healthyAfter: Int = 2, action: HealthAction = .eject,
        panicThreshold: Double = 0, jitter: Double = 0
    ) {
        self.interval = interval
        self.timeout = timeout
        self.unhealthyAfter = unhealthyAfter
        self.healthyAfter = healthyAfter
        self.action = action
        self.panicThreshold = panicThreshold
        self.jitter = jitter
    }
}

/// `health_check.action`.
public enum HealthAction: String, Sendable, Hashable, CaseIterable {
    case eject, restart
}

/// `autoscaler`.
public struct AutoscalerSpec: Sendable, Hashable {
    public var policy: AutoscalerPolicy
    public var metric: AutoscalerMetric
    public var target: Double
    public var interval: SimTime
    public var min: Int
    public var max: Int
    /// `scale_in_cooldown`: hpa's scale-down stabilization window; for target_tracking and
    /// step, no scale-in this soon after the last scale-in (a scale-out ends it; see `Cooldowns`).
    public var scaleInCooldown: SimTime
    /// `scale_out_cooldown`: hpa's scale-up stabilization window; for target_tracking and step,
    /// after a scale-out only a larger one this soon (AWS's scale-out cooldown).
    public var scaleOutCooldown: SimTime
    /// `scaleInCooldown` nil takes the policy's default (``AutoscalerPolicy/defaultScaleInCooldown``).
    public init(
        policy: AutoscalerPolicy, metric: AutoscalerMetric, target: Double, interval: SimTime, min: Int, max: Int,
        scaleInCooldown: SimTime? = nil, scaleOutCooldown: SimTime = .zero
    ) {
        self.policy = policy
        self.metric = metric
        self.target = target
        self.interval = interval
        self.min = min
        self.max = max
        self.scaleInCooldown = scaleInCooldown ?? policy.defaultScaleInCooldown
        self.scaleOutCooldown = scaleOutCooldown
    }
}

/// `autoscaler.policy`. Each case's algorithm is a ``ScalingPolicy`` in its own file under
/// `Autoscaling/`; the scenario schema lists these raw values.
public enum AutoscalerPolicy: String, Sendable, Hashable, CaseIterable {
    case targetTracking = "target_tracking"
    case hpa
    case step

    /// `scale_in_cooldown` when the scenario omits it: 300 s for hpa, Kubernetes' default
    /// scale-down stabilization window (`--horizontal-pod-autoscaler-downscale-stabilization`);
    /// 0 s for target_tracking and step, as before.
    public var defaultScaleInCooldown: SimTime {
        switch self {
        case .hpa: return SimTime(nanoseconds: 300_000_000_000)
        case .targetTracking, .step: return .zero
        }
    }
}

/// `autoscaler.metric`.
public enum AutoscalerMetric: String, Sendable, Hashable, CaseIterable {
    case utilization
    case queueLength = "queue_length"
    case concurrency
}

/// `outlier_detection`: Envoy's consecutive-5xx outlier detection, on the service's balancer.
public struct OutlierDetectionSpec: Sendable, Hashable {
    /// `consecutive_errors`: errors (and timeouts) in a row that eject an instance.
    public var consecutiveErrors: Int
    /// `interval`: how often ejections are reviewed (un-ejected when their time is up).
    public var interval: SimTime
    /// `base_ejection_time`: an ejection lasts min(this x m, `maxEjectionTime`) (by default
    /// max(300 s, this)), m the ejection multiplier (Envoy's ejectTimeBackoff): one more per
    /// ejection, one less per review that finds the instance back for an interval, so the number
    /// of ejections in a row while it keeps failing.
    public var baseEjectionTime: SimTime
    /// `max_ejection_percent`: never eject more than this share of instances [%], but one may always go.
    public var maxEjectionPercent: Int
    /// `max_ejection_time`: the longest an ejection lasts, at least `baseEjectionTime`; nil for
    /// Envoy's default, max(300 s, base_ejection_time).
    public var maxEjectionTime: SimTime?
    public init(consecutiveErrors: Int = 5, interval: SimTime = SimTime(seconds: 10), baseEjectionTime: SimTime = SimTime(seconds: 30),
                maxEjectionPercent: Int = 10, maxEjectionTime: SimTime? = nil) {
        self.consecutiveErrors = consecutiveErrors
        self.interval = interval
        self.baseEjectionTime = baseEjectionTime
        self.maxEjectionPercent = maxEjectionPercent
        self.maxEjectionTime = maxEjectionTime
    }
}
