import SatsimCore
import SatsimMetrics

/// Cumulative counters of one service since the start of the run.
public struct ServiceCounters: Sendable, Hashable {
    public var arrivals = 0
    public var completions = 0
    public var rejected = 0
    public var dropped = 0
    public var wasted = 0
    /// Attempts failed by an `errors` fault.
    public var injectedErrors = 0
    /// Of `rejected`: attempts turned away by a full queue, and attempts refused because the
    /// balancer had no instance to send them to (the rest were refused by an outage).
    public var queueFull = 0
    public var unrouted = 0
    /// Cache lookups that found a fresh entry (and skipped the calls), and those that did not.
    public var cacheHits = 0
    public var cacheMisses = 0
    /// Attempts that started service, and their total wait in queue [ns]: whole nanoseconds,
    /// summed exactly below 2^53 (104 days of waiting) and with no division per attempt (see
    /// ``TimeIntegral/areaNanoseconds``).
    public var started = 0
    public var waitNanoseconds: Double = 0
    /// Call attempts of this service's handlers that asked a circuit breaker on their edge
    /// (`calls[i].circuit_breaker`), and those it refused (never sent).
    public var edgeBreakerAsked = 0
    public var edgeBreakerRefused = 0
    /// The total wait in queue [s].
    public var waitSum: Double { waitNanoseconds / 1e9 }

    public init() {}

    public static func - (a: ServiceCounters, b: ServiceCounters) -> ServiceCounters {
        var d = ServiceCounters()
        d.arrivals = a.arrivals - b.arrivals
        d.completions = a.completions - b.completions
        d.rejected = a.rejected - b.rejected
        d.dropped = a.dropped - b.dropped
        d.wasted = a.wasted - b.wasted
        d.injectedErrors = a.injectedErrors - b.injectedErrors
        d.queueFull = a.queueFull - b.queueFull
        d.unrouted = a.unrouted - b.unrouted
        d.cacheHits = a.cacheHits - b.cacheHits
        d.cacheMisses = a.cacheMisses - b.cacheMisses
        d.started = a.started - b.started
        d.waitNanoseconds = a.waitNanoseconds - b.waitNanoseconds
        d.edgeBreakerAsked = a.edgeBreakerAsked - b.edgeBreakerAsked
        d.edgeBreakerRefused = a.edgeBreakerRefused - b.edgeBreakerRefused
        return d
    }
}

/// Where an instance is in its life.
enum InstanceLifecycle: UInt8 {
    /// Takes new work from the balancer.
    case serving
    /// Started (or restarted) and not ready before `bootEnds`: serves nothing.
    case booting
    /// Scaled in: takes no new work, finishes what it holds, then stops.
    case draining
    /// Not running (a slot kept for scaling out).
    case stopped
}

/// One instance: its workers, its queue and its life cycle.
struct InstanceState {
    var busy: Int32 = 0
    var queue: AttemptQueue
    var lifecycle: InstanceLifecycle = .serving
    /// When it last became ready (booting -> serving) [ns]; 0 for the instances of the start.
    var readyAt: Int64 = 0
    /// Bumped on every kill, so that a boot scheduled for an earlier life is ignored.
    var epoch: UInt32 = 0
    /// The queue discipline and its state (the service's `queue.discipline`).
    var discipline: any QueueDisciplineRule = FIFODiscipline()
    /// The discipline is FIFO: the next waiting attempt is the queue's front and none is dropped,
    /// taken without the existential's two witness calls (issue 10). Set with `discipline`.
    var fifo = true
    /// The instance's own cache, when the service has one.
    var cache: LRUCache?
    /// Taken out of the balancer by its health check (it still works off what it holds).
    var ejected = false
    /// Booted with an `eject` health check and not yet through its first `healthy_after`
    /// passing probes: out of the balancer (``ejected`` is set too), as Kubernetes keeps a new
    /// pod out of a Service until its readiness probe passes. The instances of the start are in.
    /// Autoscalers count it as not ready yet (``Simulation/observe(service:state:)``).
    var awaitingReadiness = false
    /// Outlier detection (OutlierDetection.swift): ejected by it, errors in a row, times ejected
    /// in this life, when the last ejection began [ns], the multiplier of base_ejection_time
    /// (Envoy's ejectTimeBackoff: up with each ejection, down with each healthy interval), and
    /// when it last returned from an ejection [ns] (-1: never in this life).
    var outlierEjected = false
    var outlierConsecutive: Int32 = 0
    var outlierEjections: Int32 = 0
    var outlierEjectedAt: Int64 = 0
    var outlierBackoff: Int32 = 0
    var outlierReturnedAt: Int64 = -1
    var consecutiveProbeFailures = 0
    var consecutiveProbeSuccesses = 0
    /// Bumped each time the instance's probe schedule starts, so that the events of an earlier
    /// schedule are ignored.
    var probeEpoch: UInt32 = 0
    /// Probes sent to this slot since the start of the run (every life), for tests that follow
    /// the schedule probe by probe.
    var probesSent = 0
    /// The probe still out (its attempt slot and generation; slot `UInt32.max`: none), and
    /// whether a tick of the schedule came while it was: the prober sends one probe at a time
    /// (``probeDue(service:instance:epoch:)``).
    var probeOut: UInt32 = .max
    var probeOutGeneration: UInt32 = 0
    var probeTickMissed = false
    /// Stop-the-world pauses, [start, end) in ns, oldest first: work in service makes no progress
    /// during them.
    var pauses: [(start: Int64, end: Int64)] = []

    /// Whether the instance is inside a pause at `time`.
    func isPaused(at time: Int64) -> Bool {
        pauses.contains { $0.start <= time && time < $0.end }
    }

    /// Nanoseconds of pause within [from, to).
    func pausedTime(from: Int64, to: Int64) -> Int64 {
        var total: Int64 = 0
        for pause in pauses {
            let overlap = min(to, pause.end) - max(from, pause.start)
            if overlap > 0 { total += overlap }
        }
        return total
    }
}

/// The run-time state of one service.
struct ServiceState {
    var spec: ServiceSpec
    let serviceStream: RandomStream
    /// `serviceStream` without reference counting, for the draw of every service time.
    let serviceStreamRef: UnownedRef<RandomStream>
    let balancerStream: RandomStream
    var serviceTime: Sampler
    var workers: Int32
    /// Per-instance queue capacity; Int.max when unbounded.
    var queueCapacity: Int
    var queueTimeout: Int64
    var contention: Double
    let firstInstance: Int
    /// Instance slots reserved for this service: enough for every scale-out the scenario can ask.
    let slotCount: Int
    /// Slots from `firstInstance` that have ever held an instance (the rest were never started):
    /// an autoscaler's decision counts instances over these only. Over every reserved slot, an
    /// autoscaler deciding every microsecond with `max: 10000` and 2 instances ran for hours.
    var slotsUsed: Int = 0
    /// The instances the balancer chooses from, in index order: the serving instances that are
    /// not ejected, or every serving instance while the healthy share is below the panic
    /// threshold.
    var servingList: [Int] = []
    /// The instances outlier detection ejected since its last review that found them back with
    /// no multiplier left: every instance that is ejected or has a multiplier above zero is here
    /// (others may be too, until the next review drops them). The review walks this list instead
    /// of every instance slot: a review every millisecond of 10,000 instances took 58 s of CPU
    /// over an hour of simulated time when it walked the slots.
    var outlierWatch: [Int] = []
    /// Ejections outlier detection turned down (max_ejection_percent reached) since the last one
    /// it logged, and when it logged that one [ns]: at most one `outlier_not_ejected` entry per
    /// review `interval`, which counts the refusals it stands for.
    var outlierRefusals = 0
    var outlierRefusalLoggedAt = Int64.min
    /// The least-outstanding balancer's tree over `servingList` (``LeastLoadTree``), for a
    /// service with that balancer and more than one instance slot; nil otherwise.
    var loadTree: LeastLoadTree?
    /// `loadTree` unretained (``UnownedRef``), for the update at every change of an instance's
    /// load.
    var loadTreeRef: UnownedRef<LeastLoadTree>?
    var healthCheck: HealthCheckSpec?
    /// Whether the healthy share is below the panic threshold.
    var panicking = false
    var autoscaler: AutoscalerState?
    /// Key popularity and its stream, when the service has a cache.
    var keys: ZipfSampler?
    var cacheStream: RandomStream?
    /// `cacheStream` unretained, for the draw on every request (``UnownedRef``): reading the
    /// reference out of the state to pass it on cost a retain and a release per request.
    var cacheStreamRef: UnownedRef<RandomStream>?
    /// The health checks' stream (probe phases and jitter), when the service has health checks.
    var healthStream: RandomStream?
    var bootTime: Int64
    let faultStream: RandomStream
    /// Active faults: error ratio (the largest active), refusing and blackhole outages, and
    /// latency added to each service start.
    var errorRatios: [Double] = []
    var refusing = 0
    var blackholing = 0
    var addedLatency: [Sampler] = []
    /// No fault acts on it and it has no contention: the request path skips every fault and
    /// contention check (``Simulation/refreshFastPaths()`` keeps it true to the fields above).
    var quiet = true
    /// Its calls: `Simulation.calls[firstCall ..< firstCall + callCount]`.
    var firstCall = 0
    var callCount = 0
    var roundRobin = 0
    var counters = ServiceCounters()
    var atWarmup = ServiceCounters()
    var atLastTick = ServiceCounters()
    /// Busy workers and queued attempts over all instances, and worker capacity of serving instances.
    var busy = TimeIntegral()
    var queued = TimeIntegral()
    var capacity = TimeIntegral()
    var serving = TimeIntegral()
    var busyAtWarmup = 0.0, queuedAtWarmup = 0.0, capacityAtWarmup = 0.0, servingAtWarmup = 0.0
    var busyAtTick = 0.0, queuedAtTick = 0.0, capacityAtTick = 0.0, servingAtTick = 0.0
    /// For the story's per-interval figures: booting instances, serving instances ejected by
    /// their health check that the balancer skips (none in panic mode), and whether the balancer
    /// is in panic mode (1) or not (0).
    var booting = TimeIntegral(), ejected = TimeIntegral(), panic = TimeIntegral()
    var bootingAtTick = 0.0, ejectedAtTick = 0.0, panicAtTick = 0.0
    /// The most workers and the largest queue capacity a mid-run `set` has lowered from: work
    /// already in service or queued stays (MidRunRule), so the invariants allow up to these.
    var workersBeforeLowering: Int32 = 0
    var capacityBeforeLowering = 0
    var minServing = Int.max
    var maxServing = 0
    /// The serving count now, and since when [ns]: it enters ``minServing`` and ``maxServing``
    /// only once held for some time. cold-autoscaler's summary read `instances.max: 9` where no
    /// more than 6 ever served: three instances became ready and were scaled in at the same
    /// instant.
    var servingLevel = 0
    var servingLevelSince: Int64 = 0

    /// `serving` instances serve from `time` [ns] on; the count it replaces is recorded when it
    /// was held for some time, and forgotten when it was set at this same instant.
    mutating func servingChanged(to serving: Int, at time: Int64) {
        if time > servingLevelSince { commitServingLevel() }
        servingLevel = serving
        servingLevelSince = time
    }

    /// The serving count now enters the range.
    mutating func commitServingLevel() {
        minServing = min(minServing, servingLevel)
        maxServing = max(maxServing, servingLevel)
    }
}
