import SatsimCore
import SatsimMetrics

/// One run of a scenario: the components' state, the event calendar and the handlers.
///
/// Build it from a validated ``ScenarioSpec``, call ``run(limits:)``, then read ``result``.
/// Requests and attempts live in slabs of rows (arrays of structs) indexed by integers with free lists;
/// events carry integers, never closures; so the hot loop allocates nothing per event once the
/// slabs and the calendar have grown to the run's peak. A simulation runs on one task and is not
/// `Sendable`: parallelism is across runs.
public final class Simulation: EventProcessor {
    // The hot state is marked @exclusivity(unchecked): this class is confined to one task and its
    // handlers never hold overlapping accesses, and the run-time checks cost 6% of the
    // instructions per event on the M/M/c benchmark (callgrind, Benchmarks/README.md).
    @exclusivity(unchecked) public var calendar = EventCalendar(capacity: 4096)
    @exclusivity(unchecked) public var now: SimTime = .zero

    let spec: ScenarioSpec
    // Component states in InlineColumns: a write like `services[s].busy += 1` is done in place,
    // with no copy-on-write check of the array, through the address kept here (issue 10).
    @exclusivity(unchecked) var clients = InlineColumn<ClientState>()
    @exclusivity(unchecked) var services = InlineColumn<ServiceState>()
    @exclusivity(unchecked) var instances = InlineColumn<InstanceState>()
    @exclusivity(unchecked) var requests = RequestSlab()
    @exclusivity(unchecked) var attempts = AttemptSlab()
    /// Every service's downstream calls, service by service.
    @exclusivity(unchecked) var calls = InlineColumn<CallState>()
    var timeSeries: TimeSeries
    var lastTick: SimTime = .zero
    var warmedUp = false
    /// Set when a limit stops the run; the run loop then processes no further event.
    var halted: RunLimitHit? {
        didSet { haltedFlag = halted != nil }
    }
    /// `halted != nil`, kept as a plain flag: the run loop asks after every event, and the
    /// optional enum's comparison was a call each time (issue 10).
    @exclusivity(unchecked) var haltedFlag = false
    /// The kubelet's restart back-off per instance slot (``restartDelay(instance:)``): the
    /// back-off the next restart in a crash loop waits [ns] and when the last restart started
    /// [ns]; no entry before the first liveness restart. A stopped slot's next life is a new pod
    /// and starts without one. Kept apart from ``instances``: rare, and every event reads an
    /// instance's row (16 more bytes a row cost plain M/M/c about one instruction per event).
    var restartBackoffs: [Int: (backoff: Int64, last: Int64)] = [:]
    /// The timeline indices of the load spikes in progress.
    var activeSpikes: [Int] = []
    /// What happened, in time order (faults, instances, breakers): rare, so kept as a list.
    var runEvents: [RunEvent] = []
    /// ``SimulationResult/deploys``.
    var deploys: [Int: DeployProgress] = [:]
    /// ``SimulationResult/scalesAdding``.
    var scalesAdding: [Int: Bool] = [:]
    /// One per time-series row: see ``SimulationResult/successLatency``.
    var successLatency: [CompactLatencyHistogram] = []
    var prepared = false
    let end: SimTime
    var maxInFlight = Int.max
    /// The event log's bound for this run (``RunLimits/maxLogEntries``).
    var maxLogEntries = Simulation.maximumLoggedEvents
    /// The calendar size that triggers the next removal of stale events (see ``compactCalendar()``).
    var compactionThreshold = Simulation.minimumCompactionThreshold
    /// The smallest calendar worth compacting (a test lowers it to compact all the time).
    var compactionFloor = Simulation.minimumCompactionThreshold
    static let minimumCompactionThreshold = 65_536
    /// Open-loop clients' arrivals take calendar FIFOs while fewer than this many exist
    /// (see ``init(spec:arrivalFIFOLimit:)``).
    static let arrivalFIFOLimit = 4
    /// Targeted faults and cohorts (Chaos/ChaosState.swift): nothing per event without them.
    @exclusivity(unchecked) var chaos = ChaosState()
    /// Whether this run's requests take the lean path (``LeanPath``, ``isLean()``): resolved at
    /// set-up, and cleared for good when the first timeline event other than a load spike starts
    /// (``leaveLeanPath(for:)``). A test may clear it to run the same scenario on the full path.
    @exclusivity(unchecked) var lean = false
    /// Counted events, for the benchmark's events per second.
    public private(set) var countedEvents = 0

    /// Prepares a run. The spec must have passed the scenario layer's validation, and
    /// ``ModelSupport/unsupportedFeatures(in:)`` must be empty.
    public convenience init(spec: ScenarioSpec) {
        self.init(spec: spec, arrivalFIFOLimit: Simulation.arrivalFIFOLimit)
    }

    /// ``init(spec:)`` with arrivals kept in calendar FIFOs only while fewer than
    /// `arrivalFIFOLimit` FIFOs exist (0: every arrival in the heap; tests compare the two).
    init(spec: ScenarioSpec, arrivalFIFOLimit: Int) {
        GSL.prepare()
        self.spec = spec
        self.end = spec.duration
        var columns: [String] = []
        for client in spec.clients {
            columns += Self.clientColumns.map { "clients.\(client.name).\($0)" }
        }
        for service in spec.services {
            columns += Self.serviceColumns.map { "services.\(service.name).\($0)" }
        }
        columns += Self.autoscalerColumns(spec)
        columns += Self.edgeBreakerColumns(spec)
        timeSeries = TimeSeries(columns: columns)

        for service in spec.services {
            let stream = { (purpose: String) in
                RandomStream(seed: spec.seed, component: "services.\(service.name).\(purpose)")
            }
            let first = instances.count
            // Reserve a slot for every instance the scenario can ever run at once.
            var slots = max(service.instances, service.autoscaler?.max ?? 0)
            for event in spec.timeline where event.enabled {
                if case .scale(let name, let to) = event.action, name == service.name { slots = max(slots, to) }
                // A `set` may raise the count or the autoscaler's bounds mid-run.
                for snapshot in [event.resolved?.atStart, event.resolved?.atEnd].compactMap({ $0 }) {
                    for other in snapshot.services where other.name == service.name {
                        slots = max(slots, other.instances, other.autoscaler?.max ?? 0)
                    }
                }
            }
            for slot in 0..<slots {
                let initial = min(service.queue.capacity ?? 64, 1024)
                var instance = InstanceState(queue: AttemptQueue(initialCapacity: initial))
                instance.cache = service.cache.map { LRUCache(capacity: $0.capacity, ttl: $0.ttl) }
                instance.discipline = service.queue.discipline.makeRule()
                instance.fifo = service.queue.discipline == .fifo
                if slot >= service.instances { instance.lifecycle = .stopped }
                instances.append(instance)
            }
            let serviceStream = stream("service_time")
            var state = ServiceState(
                spec: service, serviceStream: serviceStream, serviceStreamRef: UnownedRef(serviceStream),
                balancerStream: stream("balancer"),
                serviceTime: Sampler(service.serviceTime), workers: Int32(service.workers),
                queueCapacity: service.queue.capacity ?? Int.max,
                queueTimeout: service.queue.timeout?.nanoseconds ?? Int64.max,
                contention: service.contention,
                firstInstance: first, slotCount: slots, healthCheck: service.healthCheck,
                bootTime: service.bootTime.nanoseconds, faultStream: stream("faults"))
            state.servingList = Array(first..<(first + service.instances))
            state.slotsUsed = min(service.instances, slots)
            if service.balancer == .leastOutstanding && slots > 1 {
                let tree = LeastLoadTree(firstInstance: first, slotCount: slots)
                tree.rebuild(state.servingList) { _ in 0 }
                state.loadTree = tree
                state.loadTreeRef = UnownedRef(tree)
            }
            state.capacity.set(Double(service.instances * service.workers), at: .zero)
            state.serving.set(Double(service.instances), at: .zero)
            state.servingLevel = service.instances
            state.autoscaler = service.autoscaler.map { AutoscalerState($0, initialInstances: service.instances) }
            if let cache = service.cache {
                state.keys = ZipfSampler(n: cache.keys, exponent: cache.zipf)
                let cacheStream = stream("cache")
                state.cacheStream = cacheStream
                state.cacheStreamRef = UnownedRef(cacheStream)
            }
            if service.healthCheck != nil { state.healthStream = stream("health") }
            services.append(state)
        }
        for (s, service) in spec.services.enumerated() {
            services[s].firstCall = calls.count
            services[s].callCount = service.calls.count
            for (k, call) in service.calls.enumerated() {
                guard let target = spec.services.firstIndex(where: { $0.name == call.service }) else {
                    preconditionFailure("service \(service.name) calls unknown service \(call.service): validate the spec first")
                }
                let callStream = RandomStream(seed: spec.seed, component: "services.\(service.name).calls.\(k)")
                calls.append(
                    CallState(
                        spec: call, caller: s, target: target, timeout: call.timeout?.nanoseconds ?? Int64.max,
                        maxAttempts: Int32(clamping: call.retry?.maxAttempts ?? 1),
                        retryMask: Self.retryMask(call.retry), backoff: call.retry?.backoff,
                        budget: call.retry?.budget.map(RetryBudget.init),
                        stream: callStream, streamRef: UnownedRef(callStream)))
                if call.timeout != nil { calls[calls.count - 1].timeoutFIFO = calendar.addFIFO() }
            }
        }
        for client in spec.clients {
            let stream = { (purpose: String) in
                RandomStream(seed: spec.seed, component: "clients.\(client.name).\(purpose)")
            }
            guard let target = spec.services.firstIndex(where: { $0.name == client.target }) else {
                preconditionFailure("client \(client.name) targets unknown service \(client.target): validate the spec first")
            }
            let mask = Self.retryMask(client.retry)
            var rate = 0.0, poisson = false, closed = false
            var think: Sampler?
            switch client.arrival {
            case .poisson(let r): (rate, poisson) = (r, true)
            case .constant(let r): rate = r
            case .closed(_, let thinkTime): (closed, think) = (true, Sampler(thinkTime))
            }
            let arrivalStream = stream("arrival"), backoffStream = stream("backoff"), latency = LatencyHistogramBox()
            clients.append(
                ClientState(
                    spec: client, target: target, arrivalStream: arrivalStream,
                    arrivalStreamRef: UnownedRef(arrivalStream), networkStream: stream("network"),
                    backoffStream: backoffStream, backoffStreamRef: UnownedRef(backoffStream), thinkStream: stream("think"),
                    network: client.network.map(Sampler.init), think: think,
                    timeout: client.timeout?.nanoseconds ?? Int64.max,
                    maxAttempts: Int32(clamping: client.retry?.maxAttempts ?? 1), retryMask: mask,
                    backoff: client.retry?.backoff, baseRate: rate, isPoisson: poisson, isClosed: closed,
                    budget: client.retry?.budget.map(RetryBudget.init), breaker: client.circuitBreaker.map(CircuitBreaker.init),
                    throttle: client.adaptiveThrottle.map(AdaptiveThrottle.init), throttleStream: stream("throttle"),
                    latency: latency, latencyRef: UnownedRef(latency)))
            // A client with a timeout, or one a timeline `set` may give one mid-run, keeps its
            // attempt timeouts in a FIFO; the others cost the calendar nothing.
            let timeoutPath = "clients.\(client.name).timeout"
            let setLater = spec.timeline.contains {
                if case .set(let change) = $0.action { return change.path == timeoutPath } else { return false }
            }
            if client.timeout != nil || setLater { clients[clients.count - 1].timeoutFIFO = calendar.addFIFO() }
        }
        // An open-loop client's next arrival is always later than its last, so a FIFO keeps it
        // too: taking it costs no pop from the heap, where an arrival is half of the events (the
        // M/M/c benchmark: 4% less CPU time, Benchmarks/README.md, "Session 16"). Timeouts come
        // first, and arrivals take FIFOs only while there are few: taking an event from a FIFO
        // compares the first events of all of them.
        for c in clients.indices where !clients[c].isClosed && calendar.fifoCount < arrivalFIFOLimit {
            clients[c].arrivalFIFO = calendar.addFIFO()
        }
        prepareChaos()
        prepareEdgeBreakers()
        refreshFastPaths()
        lean = isLean()
    }

    /// Whether the run may take the lean request path (``LeanPath``) now: no client has a retry
    /// budget, breaker, throttle, network delay or closed-loop users; no service has a health
    /// check, cache, downstream calls, outlier detection, autoscaler, fault or contention; and
    /// there are no cohorts. Timeouts, retries, backoff, queue limits and disciplines, several
    /// instances behind a balancer and load spikes all stay on it.
    ///
    /// A timeline event other than a load spike (a pause, deploy, scaling, kill, fault or `set`)
    /// is what can bring the others mid-run, so the run leaves the lean path for good when the
    /// first one starts (``leaveLeanPath(for:)``), before it acts: until then the state is what
    /// the full path would have made, since the two differ only in the mechanisms absent so far.
    func isLean() -> Bool {
        guard !chaos.cohorts, !chaos.outliers else { return false }
        for c in clients.indices {
            if isGuarded(client: c) || clients[c].network != nil || clients[c].isClosed { return false }
        }
        for s in services.indices {
            if !isQuiet(service: s) || services[s].healthCheck != nil || services[s].keys != nil
                || services[s].callCount > 0 || services[s].spec.outlierDetection != nil || services[s].autoscaler != nil
                || services[s].loadTree != nil
            {
                return false
            }
        }
        return true
    }

    /// Timeline event `index` is about to start: unless it is a load spike, the run takes the
    /// full path from now on (``isLean()``).
    func leaveLeanPath(for index: Int) {
        guard lean else { return }
        if case .loadSpike = spec.timeline[index].action { return }
        lean = false
    }

    /// Resolves, for each client and service, whether the request path may skip the mechanisms
    /// it does not use (issue 10: one model, specialised by configuration): a client without a
    /// budget, breaker or throttle sends without asking them, and a service no fault acts on and
    /// without contention starts work without the fault checks. Called at set-up and after every
    /// timeline event (faults, `set`, chaos faults), the only places those fields change; a test
    /// checks the flags against the fields after every event of the scenarios that change them.
    func refreshFastPaths() {
        for c in clients.indices { clients[c].guarded = isGuarded(client: c) }
        for s in services.indices { services[s].quiet = isQuiet(service: s) }
    }

    /// What `ClientState.guarded` must be: the client has a budget, breaker or throttle.
    func isGuarded(client c: Int) -> Bool {
        clients[c].budget != nil || clients[c].breaker != nil || clients[c].throttle != nil
    }

    /// What `ServiceState.quiet` must be: no fault acts on the service and it has no contention.
    func isQuiet(service s: Int) -> Bool {
        services[s].blackholing == 0 && services[s].refusing == 0
            && services[s].errorRatios.isEmpty && services[s].addedLatency.isEmpty && services[s].contention == 0
            && (chaos.activeFaults == 0 || chaos.faults.isEmpty || chaos.faults[s].isEmpty)
    }

    /// Bit i set when outcome i (in `AttemptOutcome.allCases` order) is retried.
    static func retryMask(_ retry: RetrySpec?) -> UInt8 {
        var mask: UInt8 = 0
        for (bit, outcome) in AttemptOutcome.allCases.enumerated() where retry?.on.contains(outcome) ?? false {
            mask |= 1 << UInt8(bit)
        }
        return mask
    }

    /// Runs to the end of the scenario or to a limit, whichever comes first.
    ///
    /// With `progress`, the run loop goes in chunks of at most `progressEvery` counted events and
    /// `progress(now)` is called after each (a progress bar for a long run). Chunking changes
    /// nothing in the run: a chunk stops exactly where the loop would check its event budget, and
    /// the next chunk goes on from the same calendar and clock, so the result is the same bits as
    /// one uninterrupted loop.
    ///
    /// The run also stops (``RunLimitHit/timeStoodStill(events:at:)``) when simulated time stood
    /// still for `standStill` counted events in a row (by default ``standStillBound(limits:)``):
    /// the clock is read at every multiple of `standStill` counted events, and the run stops
    /// when it reads the same instant twice in a row. A check per `standStill` events, not per
    /// event; and at the same events with or without progress chunks, so that `satsim run`
    /// (which reports progress) stops where `compare`, `sweep` and `explain` stop.
    @discardableResult
    public func run(limits: RunLimits = RunLimits(), progressEvery chunk: Int = 0,
                    progress: ((SimTime) -> Void)? = nil, standStill: Int? = nil) -> SimulationResult {
        maxInFlight = limits.maxInFlight
        maxLogEntries = max(1, limits.maxLogEntries)
        prepare()
        let standStill = max(1, standStill ?? standStillBound(limits: limits))
        var step = progress != nil && chunk > 0 ? min(chunk, standStill) : standStill
        if limits.stopOnInterrupt { step = min(step, RunLimits.interruptCheckEvents) }
        var report = RunReport(stop: .eventBudgetExhausted, events: 0, popped: 0, time: now)
        // The clock at the last multiple of `standStill` counted events.
        var instant = now
        while report.stop == .eventBudgetExhausted && report.events < limits.maxEvents {
            // Up to the next multiple of `standStill`, where the clock is read.
            let toCheck = standStill - report.events % standStill
            let part = segment(eventBudget: min(step, toCheck, limits.maxEvents - report.events))
            report = RunReport(stop: part.stop, events: report.events + part.events,
                               popped: report.popped &+ part.popped, time: part.time)
            progress?(now)
            if limits.stopOnInterrupt, report.stop == .eventBudgetExhausted, halted == nil, let signal = Interrupts.received {
                halted = .interrupted(signal: signal, at: now)
                break
            }
            guard report.stop == .eventBudgetExhausted, report.events % standStill == 0 else { continue }
            if now == instant, halted == nil {
                halted = .timeStoodStill(events: standStill, at: now)
                break
            }
            instant = now
            if limits.stopEarlyOverBudget, halted == nil, let projected = projectedEvents(after: report.events, of: limits),
               projected > Double(RunLimits.paceMargin) * Double(limits.maxEvents) {
                halted = .paceOverBudget(events: report.events, projected: projected, budget: limits.maxEvents, end: end, at: now)
                break
            }
        }
        countedEvents = report.events
        if report.stop == .eventBudgetExhausted, halted == nil {
            halted = .eventBudget(events: report.events, at: now)
        }
        return finish(report: report)
    }

    /// The counted events a run that has made `events` of them by now would make by its end, at
    /// the same pace (events per simulated second since time 0); nil before time has advanced.
    /// Read at the stand-still checks only, so a run pays nothing for it per event.
    func projectedEvents(after events: Int, of limits: RunLimits) -> Double? {
        guard now.nanoseconds > 0, end > now else { return nil }
        let elapsed = Double(now.nanoseconds), remaining = Double(end.nanoseconds - now.nanoseconds)
        return Double(events) + Double(events) * (remaining / elapsed)
    }

    /// One stretch of the run loop, up to `eventBudget` counted events. Out of line, so that the
    /// loop and its handler are inlined here as one straight call (issue 10: called from inside
    /// ``run(limits:progressEvery:progress:standStill:)``'s loop of chunks, the optimizer left
    /// `RunLoop.run` out of line and called the handler through a closure on every event, plain
    /// 542 -> 564 instructions per event and retry 646 -> 681).
    @inline(never)
    func segment(eventBudget: Int) -> RunReport {
        RunLoop.run(self, until: end, eventBudget: eventBudget) { self.process($0) }
    }

    /// Schedules what happens on its own: first arrivals, users, ticks, warmup, the timeline.
    /// ``run(limits:)`` calls it; a test that drives the run loop itself in slices calls it once
    /// first. Later calls do nothing.
    public func prepare() {
        guard !prepared else { return }
        prepared = true
        for c in clients.indices {
            if clients[c].isClosed {
                if case .closed(let users, _) = clients[c].spec.arrival {
                    clients[c].usersWanted = users
                    for _ in 0..<users { startUser(c) }
                }
            } else {
                scheduleNextArrival(c)
            }
        }
        let interval = spec.metricsInterval
        // A tick at the end of warmup is the warmup event's (``warmupEndsAtTick``).
        if interval.nanoseconds > 0 && interval < end && !(warmupEndsAtTick && interval == spec.warmup) {
            calendar.schedule(at: interval, kind: EventKind.metricsTick.rawValue)
        }
        if spec.warmup > .zero {
            calendar.schedule(at: spec.warmup, kind: EventKind.warmupEnds.rawValue)
        } else {
            warmedUp = true
        }
        for (s, service) in services.enumerated() {
            if let autoscaler = service.autoscaler {
                calendar.schedule(at: autoscaler.spec.interval, kind: EventKind.autoscale.rawValue, target: UInt32(s))
            }
            for instance in service.servingList where service.healthCheck != nil {
                startProbing(service: s, instance: instance)
            }
            if service.spec.outlierDetection != nil { scheduleOutlierReview(service: s) }
        }
        for (index, event) in spec.timeline.enumerated() where event.enabled {
            calendar.schedule(at: event.at, kind: EventKind.timelineStarts.rawValue, target: UInt32(index))
            if let duration = event.duration {
                calendar.schedule(at: event.at + duration, kind: EventKind.timelineEnds.rawValue, target: UInt32(index))
            }
        }
    }

    /// Whether a metrics tick falls at the end of warmup (the ticks come at whole multiples of
    /// the interval before the end of the run). The warmup event, put on the calendar before
    /// anything else can be at that instant, then closes that row itself and ends the warmup at
    /// once: an event at exactly the end of warmup counts after it in the summary and, with it,
    /// in the row after it. With a tick of its own there, the tick could fire after such an
    /// event (calendar order among events of one instant), which then counted in the summary but
    /// in the row before warmup, which the verdict leaves out.
    var warmupEndsAtTick: Bool {
        let interval = spec.metricsInterval.nanoseconds, warmup = spec.warmup.nanoseconds
        return interval > 0 && warmup > 0 && warmup % interval == 0 && spec.warmup < end
    }

    /// Dispatches one event; returns whether it counts (arrivals, retries sent, departures,
    /// timeouts fired, autoscaler decisions and health-check rounds).
    @inline(__always)
    public func process(_ event: ScheduledEvent) -> Bool {
        guard let kind = EventKind.decode(event.kind) else { return false }
        switch kind {
        case .arrival:
            let c = Int(event.target)
            guard event.generation == clients[c].arrivalEpoch else { return false }
            if lean { newRequest(LeanPath.self, client: c) } else { newRequest(FullPath.self, client: c) }
            scheduleNextArrival(c)
            return true
        case .userWakes:
            return userWakes(Int(event.target))
        case .attemptReachesService:
            guard attempts.slots.isCurrent(slot: event.slot, generation: event.generation) else { return false }
            attemptReachesService(event.slot)
            return false
        case .departure:
            guard attempts.slots.isCurrent(slot: event.slot, generation: event.generation) else { return false }
            if lean {
                departure(LeanPath.self, service: Int(event.target), attempt: event.slot)
            } else {
                departure(FullPath.self, service: Int(event.target), attempt: event.slot)
            }
            return true
        case .responseReachesClient:
            guard attempts.slots.isCurrent(slot: event.slot, generation: event.generation),
                  attempts.rows[Int(event.slot)].phase == .toClient else { return false }
            responseReachesClient(event.slot)
            return false
        case .attemptTimeout:
            guard attempts.slots.isCurrent(slot: event.slot, generation: event.generation),
                  attempts.rows[Int(event.slot)].request != AttemptSlab.probe,
                  !attempts.rows[Int(event.slot)].abandoned else { return false }
            attemptTimesOut(event.slot)
            return true
        case .retry:
            guard requests.slots.isCurrent(slot: event.slot, generation: event.generation) else { return false }
            if lean { sendAttempt(LeanPath.self, request: event.slot) } else { sendAttempt(FullPath.self, request: event.slot) }
            checkInFlight()
            return true
        case .metricsTick:
            metricsTickFires()
            return false
        case .warmupEnds:
            warmupEnds()
            return false
        case .timelineStarts:
            leaveLeanPath(for: Int(event.target))
            applyTimeline(Int(event.target), starting: true)
            refreshFastPaths()
            return false
        case .timelineEnds:
            applyTimeline(Int(event.target), starting: false)
            refreshFastPaths()
            return false
        case .instanceBoots:
            instanceBoots(service: Int(event.target), instance: Int(event.slot), epoch: event.generation)
            return false
        case .deployStep:
            deployStep(timelineIndex: Int(event.target), batch: Int(event.slot))
            return false
        case .pauseEnds:
            pauseEnds(service: Int(event.target), instance: Int(event.slot), epoch: event.generation)
            return false
        case .autoscale:
            autoscale(service: Int(event.target))
            // Counted, like every periodic round that does work, so that the event budget bounds
            // a run whose rounds come every nanosecond (the time series' rows are bounded by
            // validation instead).
            return true
        case .probe:
            probeDue(service: Int(event.target), instance: Int(event.slot), epoch: event.generation)
            return true
        case .outlierReview:
            outlierReview(service: Int(event.target), generation: event.generation)
            // Counted, like the autoscaler's rounds, so that the event budget bounds reviews
            // that come every nanosecond.
            return true
        case .probeTimeout:
            guard attempts.slots.isCurrent(slot: event.slot, generation: event.generation),
                  !attempts.rows[Int(event.slot)].abandoned else { return false }
            probeTimesOut(event.slot)
            return false
        }
    }

    /// A metrics tick: closes the row and schedules the next tick. Out of line, as every rare
    /// handler is, so that ``process(_:)`` stays small enough to be inlined into the run loop:
    /// written inline here (with the warmup's tick, below), it left `process` out of line, a
    /// call per event (plain M/M/c at 2,000 s: 188.2 M -> 192.7 M instructions).
    @inline(never)
    func metricsTickFires() {
        tick()
        let next = now + spec.metricsInterval
        if next < end && !(warmupEndsAtTick && next == spec.warmup) {
            calendar.schedule(at: next, kind: EventKind.metricsTick.rawValue)
        }
    }

    /// The end of warmup; also the tick of the row it closes when one falls there
    /// (``warmupEndsAtTick``).
    @inline(never)
    func warmupEnds() {
        if warmupEndsAtTick {
            tick()
            let next = now + spec.metricsInterval
            if next < end { calendar.schedule(at: next, kind: EventKind.metricsTick.rawValue) }
        }
        markWarmup()
    }

    /// Whether a limit stopped the run: the run loop checks it after every event.
    @inline(__always)
    public var isHalted: Bool { haltedFlag }

    /// Stops the run when a memory budget is crossed: requests, attempts and health probes (an
    /// attempt that belongs to no request) alive at once. The run loop returns after the current
    /// event, so nothing that event goes on to schedule (the next arrival) ever runs, and the run
    /// ends at `now`.
    @inline(__always)
    func checkInFlight() {
        let inFlight = requests.slots.inUse &+ attempts.slots.inUse
        if inFlight > maxInFlight, halted == nil { haltInFlight(inFlight) }
        if calendar.count > compactionThreshold { compactCalendar() }
    }

    /// Stops the run: too much in flight (see ``checkInFlight()``).
    func haltInFlight(_ inFlight: Int) {
        var largest: (name: String, length: Int)?
        for service in services {
            var length = 0
            for i in service.firstInstance..<(service.firstInstance + service.slotCount) {
                length += instances[i].queue.count
            }
            if length > (largest?.length ?? 0) { largest = (service.spec.name, length) }
        }
        halted = .inFlight(count: inFlight, largestQueue: largest?.name, at: now)
    }

    /// Removes the events that can no longer do anything: timers of attempts and requests whose
    /// slot was released since (an answered attempt's timeout) and arrivals of an earlier epoch.
    /// Without it the calendar would grow with every attempt whose long timeout never fired, not
    /// with what is in flight. The next compaction waits until the calendar has doubled past
    /// what survived, so the cost is amortised O(1) per scheduled event.
    func compactCalendar() {
        calendar.removeAll { event in
            guard let kind = EventKind(rawValue: event.kind) else { return true }
            switch kind {
            case .arrival:
                return event.generation != clients[Int(event.target)].arrivalEpoch
            case .attemptReachesService, .departure, .responseReachesClient, .attemptTimeout, .probeTimeout:
                // A released slot's generation was bumped: stale for good.
                return !attempts.slots.isCurrent(slot: event.slot, generation: event.generation)
            case .retry:
                return !requests.slots.isCurrent(slot: event.slot, generation: event.generation)
            case .probe:
                // A restarted, drained or stopped instance's schedule was superseded.
                return event.generation != instances[Int(event.slot)].probeEpoch
            case .userWakes, .metricsTick, .warmupEnds, .timelineStarts, .timelineEnds, .instanceBoots, .deployStep,
                .pauseEnds, .autoscale:
                return false
            case .outlierReview:
                return event.generation != chaos.reviewGeneration[Int(event.target)]
            }
        }
        compactionThreshold = max(2 * calendar.count, compactionFloor)
    }
}
