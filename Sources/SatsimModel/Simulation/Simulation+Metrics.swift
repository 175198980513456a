import SatsimCore
import SatsimMetrics

extension Simulation {
    /// The most time-series rows a run keeps (``TimeSeries/maximumRows``): validation refuses a
    /// duration / metrics.interval beyond it.
    public static let maximumRows = TimeSeries.maximumRows

    static let clientColumns = [
        "requests", "attempts", "retries", "successes", "failures", "timeouts", "errors", "rejected", "goodput_per_s",
        "latency_mean", "latency_p99", "rejected_budget", "rejected_breaker", "rejected_throttle",
    ]
    static let serviceColumns = [
        "arrivals", "completions", "rejected", "dropped", "wasted", "utilization", "queue_length", "instances",
        "cache_hits", "cache_misses", "queue_full", "unrouted", "booting", "ejected", "panic",
    ]

    /// Closes a metrics interval: one time-series row.
    func tick() {
        let width = (now - lastTick).seconds
        guard width > 0 else { return }
        var row: [Double] = []
        row.reserveCapacity(timeSeries.columns.count)
        // The verdict judges the p99 of windows of several intervals: keep each interval's
        // successes, all clients together, in a form that merges exactly (a few hundred bytes).
        successLatency.append(CompactLatencyHistogram(merging: clients.map(\.latency.interval)))
        for c in clients.indices {
            let d = clients[c].counters - clients[c].atLastTick
            let hist = clients[c].latency.interval
            row += [
                Double(d.requests), Double(d.attempts), Double(d.retries), Double(d.successes), Double(d.failures),
                Double(d.count(of: .timeout)), Double(d.count(of: .error)), Double(d.count(of: .rejected)),
                Double(d.successes) / width,
                hist.meanSeconds, hist.percentileSeconds(99),
                Double(d.rejectedByBudget), Double(d.rejectedByBreaker), Double(d.rejectedByThrottle),
            ]
            clients[c].atLastTick = clients[c].counters
            clients[c].latency.fold()
        }
        // The edge breakers' columns come after the autoscalers' (``edgeBreakerColumns(_:)``).
        var edgeRow: [Double] = []
        for s in services.indices {
            let d = services[s].counters - services[s].atLastTick
            if Self.hasEdgeBreaker(spec.services[s]) { edgeRow += [Double(d.edgeBreakerAsked), Double(d.edgeBreakerRefused)] }
            let busy = services[s].busy.integral(upTo: now)
            let queued = services[s].queued.integral(upTo: now)
            let capacity = services[s].capacity.integral(upTo: now)
            let serving = services[s].serving.integral(upTo: now)
            let capacityArea = capacity - services[s].capacityAtTick
            row += [
                Double(d.arrivals), Double(d.completions), Double(d.rejected), Double(d.dropped), Double(d.wasted),
                capacityArea > 0 ? Self.busyShare(busy - services[s].busyAtTick, of: capacityArea) : 0,
                (queued - services[s].queuedAtTick) / width,
                (serving - services[s].servingAtTick) / width,
                Double(d.cacheHits), Double(d.cacheMisses), Double(d.queueFull), Double(d.unrouted),
            ]
            // Time averages over the interval: instances booting, instances ejected, share in panic.
            let booting = services[s].booting.integral(upTo: now), ejected = services[s].ejected.integral(upTo: now)
            let panic = services[s].panic.integral(upTo: now)
            row += [
                (booting - services[s].bootingAtTick) / width, (ejected - services[s].ejectedAtTick) / width,
                (panic - services[s].panicAtTick) / width,
            ]
            (services[s].bootingAtTick, services[s].ejectedAtTick, services[s].panicAtTick) = (booting, ejected, panic)
            services[s].atLastTick = services[s].counters
            (services[s].busyAtTick, services[s].queuedAtTick) = (busy, queued)
            (services[s].capacityAtTick, services[s].servingAtTick) = (capacity, serving)
        }
        for s in services.indices { if let autoscaler = services[s].autoscaler { row.append(Double(autoscaler.desired)) } }
        row += edgeRow
        timeSeries.append(time: now.seconds, values: row)
        lastTick = now
    }

    /// Busy area over capacity area, both differences of running integrals. When every worker was
    /// busy the two are equal, but their differences round apart: a saturated interval read
    /// 1.000000000000071 (health-check-cascade, seed 1). Within 1e-9 of 1 the share is 1; beyond
    /// it, busy workers did exceed the workers there were (a mid-run `set` that lowers `workers`
    /// lets the work in hand finish), and the ratio stands.
    static func busyShare(_ busyArea: Double, of capacityArea: Double) -> Double {
        let share = busyArea / capacityArea
        return share > 1 && share <= 1 + 1e-9 ? 1 : share
    }

    /// The end of warmup: summary figures count from here.
    func markWarmup() {
        warmedUp = true
        for c in clients.indices {
            clients[c].atWarmup = clients[c].counters
            clients[c].latency.startRun()
        }
        for s in services.indices {
            services[s].atWarmup = services[s].counters
            services[s].busyAtWarmup = services[s].busy.integral(upTo: now)
            services[s].queuedAtWarmup = services[s].queued.integral(upTo: now)
            services[s].capacityAtWarmup = services[s].capacity.integral(upTo: now)
            services[s].servingAtWarmup = services[s].serving.integral(upTo: now)
            // `instances {min, max}` cover the time after warmup, as every summary figure does:
            // the count serving now counts from now on.
            (services[s].minServing, services[s].maxServing) = (Int.max, 0)
            services[s].servingLevelSince = now.nanoseconds
        }
    }

    /// Closes the last interval and computes the summary.
    func finish(report: RunReport) -> SimulationResult {
        let stop = halted == nil ? end : now
        now = stop
        if let halted { recordEvent(.runStopped, subject: spec.name, detail: halted.message) }
        if !warmedUp { markWarmup() }
        if now > lastTick { tick() }
        // Successes after the last row (at its very time) still belong to the run.
        for c in clients.indices { clients[c].latency.fold() }
        let from = min(spec.warmup, stop)
        let measured = (stop - from).seconds
        var clientSummaries: [ClientSummary] = []
        for client in clients {
            let d = client.counters - client.atWarmup
            // Requests created before warmup ended stay out, even when they ended after it.
            let successes = d.successes - d.earlySuccesses
            var outcomes: [String: Int] = [:]
            for outcome in AttemptOutcome.allCases { outcomes[outcome.rawValue] = d.count(of: outcome) }
            clientSummaries.append(
                ClientSummary(
                    name: client.spec.name, requests: d.requests, attempts: d.attempts, successes: successes,
                    failures: d.failures - d.earlyFailures, goodputPerSecond: measured > 0 ? Double(successes) / measured : 0,
                    amplification: d.requests > 0 ? Double(d.attempts) / Double(d.requests) : 0,
                    latency: client.latency.run.summary, attemptOutcomes: outcomes))
        }
        var serviceSummaries: [ServiceSummary] = []
        for s in services.indices where stop.nanoseconds > services[s].servingLevelSince || services[s].minServing == Int.max {
            services[s].commitServingLevel()
        }
        for service in services {
            let d = service.counters - service.atWarmup
            let capacityArea = service.capacity.integral(upTo: stop) - service.capacityAtWarmup
            let busyArea = service.busy.integral(upTo: stop) - service.busyAtWarmup
            let queuedArea = service.queued.integral(upTo: stop) - service.queuedAtWarmup
            let servingArea = service.serving.integral(upTo: stop) - service.servingAtWarmup
            serviceSummaries.append(
                ServiceSummary(
                    name: service.spec.name, arrivals: d.arrivals, completions: d.completions, rejected: d.rejected,
                    dropped: d.dropped, wasted: d.wasted,
                    utilization: capacityArea > 0 ? Self.busyShare(busyArea, of: capacityArea) : 0,
                    meanQueueLength: measured > 0 ? queuedArea / measured : 0,
                    meanWait: d.started > 0 ? d.waitSum / Double(d.started) : 0,
                    instances: InstanceRange(
                        min: service.minServing, mean: measured > 0 ? servingArea / measured : Double(service.servingList.count),
                        max: service.maxServing)))
        }
        return SimulationResult(
            scenario: spec.name, seed: spec.seed, measuredSeconds: measured, clients: clientSummaries,
            services: serviceSummaries, timeSeries: timeSeries, limitHit: halted, eventCount: report.events,
            endSeconds: stop.seconds, events: runEvents, successLatency: successLatency,
            cohorts: cohortSummaries(measured: measured), deploys: deploys, scalesAdding: scalesAdding)
    }

    /// `services.NAME.desired_instances` for each service with an autoscaler, after every other
    /// column: the count its policy last asked for, at the interval's end (the initial count
    /// before its first decision). Against `instances` (serving, time-averaged) it shows the
    /// autoscaler's lag.
    static func autoscalerColumns(_ spec: ScenarioSpec) -> [String] {
        spec.services.filter { $0.autoscaler != nil }.map { "services.\($0.name).desired_instances" }
    }

    /// `services.NAME.edge_breaker_calls` and `services.NAME.edge_breaker_rejected` for each
    /// service with a circuit breaker on one of its calls, after the autoscalers' columns: the
    /// call attempts of its handlers that asked an edge's breaker, and those it refused. Without
    /// them the story could not weigh an open edge breaker among the causes (a retry budget
    /// with no effect was named instead).
    static func edgeBreakerColumns(_ spec: ScenarioSpec) -> [String] {
        spec.services.filter(hasEdgeBreaker).flatMap { ["services.\($0.name).edge_breaker_calls", "services.\($0.name).edge_breaker_rejected"] }
    }

    static func hasEdgeBreaker(_ service: ServiceSpec) -> Bool {
        service.calls.contains { $0.circuitBreaker != nil }
    }
}
