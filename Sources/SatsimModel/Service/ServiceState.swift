import SatsimCore
import SatsimMetrics

/// Cumulative counters of one service since the start of the run.
public struct ServiceCounters: Sendable, Hashable {
    public var arrivals = 0
    public var completions = 0
    public var rejected = 0
    public var dropped = 0
    public var wasted = 0
    /// Attempts that started service, and their total wait in queue [s].
    public var started = 0
    public var waitSum: Double = 0

    public init() {}

    public static func - (a: ServiceCounters, b: ServiceCounters) -> ServiceCounters {
        var d = ServiceCounters()
        d.arrivals = a.arrivals - b.arrivals
        d.completions = a.completions - b.completions
        d.rejected = a.rejected - b.rejected
        d.dropped = a.dropped - b.dropped
        d.wasted = a.wasted - b.wasted
        d.started = a.started - b.started
        d.waitSum = a.waitSum - b.waitSum
        return d
    }
}

/// One instance: its workers and its queue.
struct InstanceState {
    var busy: Int32 = 0
    var queue: AttemptQueue
}

/// The run-time state of one service.
struct ServiceState {
    let spec: ServiceSpec
    let serviceStream: RandomStream
    let balancerStream: RandomStream
    let serviceTime: Sampler
    let workers: Int32
    /// Per-instance queue capacity; Int.max when unbounded.
    let queueCapacity: Int
    let queueTimeout: Int64
    let lifo: Bool
    let contention: Double
    let firstInstance: Int
    var instanceCount: Int
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
    var minServing = Int.max
    var maxServing = 0
}
