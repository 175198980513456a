import SatsimCore
import SatsimMetrics

extension Simulation {
    /// Resolves the targeted faults of the timeline: whether requests draw a cohort, and the
    /// cohort streams. Called once by `init`.
    func prepareChaos() {
        chaos.faults = Array(repeating: [], count: services.count)
        chaos.reviewGeneration = Array(repeating: 0, count: services.count)
        chaos.outliers = spec.services.contains { $0.outlierDetection != nil }
            || spec.timeline.contains { event in
                event.resolved.map { r in ([r.atStart] + (r.atEnd.map { [$0] } ?? [])).contains { $0.services.contains { $0.outlierDetection != nil } } } ?? false
            }
        let shares = spec.timeline.filter { $0.enabled && $0.isTargetedFault }.compactMap(\.share)
        guard let share = shares.max() else { return }
        chaos.cohorts = true
        chaos.experimentShare = share
        chaos.streams = spec.clients.map { RandomStream(seed: spec.seed, component: "clients.\($0.name).cohort") }
        chaos.figures = Array(repeating: [CohortFigures(), CohortFigures()], count: clients.count)
    }

    /// A new client request joins a cohort, and counts in its `requests` once warmup is over,
    /// as the client's own `requests` do.
    @inline(__always)
    func drawCohort(request r: UInt32, client c: Int) {
        requests.rows[Int(r)].cohort = chaos.streams[c].uniform()
        if warmedUp { chaos.figures[c][cohort(of: Int(r))].requests += 1 }
    }

    /// The cohort of client request `ri`: 0 experiment, 1 control.
    @inline(__always)
    func cohort(of ri: Int) -> Int { requests.rows[ri].cohort < chaos.experimentShare ? 0 : 1 }

    /// An attempt of client request `r` was sent (its client's guards admitted it): it counts in
    /// its cohort's `attempts` once warmup is over, where the client counts its own. A try the
    /// breaker, the throttle or the budget turned away was never sent and is not an attempt.
    @inline(__always)
    func countCohortAttempt(request r: UInt32, client c: Int) {
        if warmedUp { chaos.figures[c][cohort(of: Int(r))].attempts += 1 }
    }

    /// Starts or ends a `latency` or `errors` fault with `caller` or `share`.
    func applyTargetedFault(_ index: Int, starting: Bool) {
        let event = spec.timeline[index]
        let name: String, ratio: Double, add: Distribution?
        switch event.action {
        case .errors(let service, let r): (name, ratio, add) = (service, r, nil)
        case .latency(let service, let a): (name, ratio, add) = (service, 0, a)
        default: return
        }
        guard let s = serviceIndex(name) else { return }
        let caller = event.caller.flatMap(serviceIndex) ?? -1
        let share = event.share ?? 1
        let window = event.duration.map { " for \($0.description)" } ?? ""
        var scope = event.caller.map { "calls from \($0)" } ?? "every caller"
        if let share = event.share { scope += ", the experiment cohort (\(FormatNumber.short(share * 100))% of requests)" }
        if starting {
            chaos.faults[s].append(.init(timelineIndex: index, caller: caller, share: share, ratio: ratio, add: add.map(Sampler.init)))
            chaos.activeFaults += 1
            let what = add.map { "added latency \($0)" } ?? "failing \(ratio) of requests"
            recordEvent(.faultStarted, subject: name, detail: "\(what) of \(scope)\(window)")
        } else {
            guard let k = chaos.faults[s].firstIndex(where: { $0.timelineIndex == index }) else { return }
            chaos.faults[s].remove(at: k)
            chaos.activeFaults -= 1
            recordEvent(.faultEnded, subject: name, detail: (add == nil ? "errors" : "added latency") + " of \(scope) over")
        }
    }

    /// Whether targeted fault `f` acts on attempt `a`.
    @inline(__always)
    func targets(_ f: ChaosState.Fault, attempt a: UInt32) -> Bool {
        let r = attempts.rows[Int(a)].request
        if r == AttemptSlab.probe { return false }
        if f.caller >= 0 {
            guard requests.isCall(r), calls[Int(requests.rows[Int(r)].call)].caller == f.caller else { return false }
        }
        return f.share >= 1 || (chaos.cohorts && requests.rows[Int(r)].cohort < f.share)
    }

    /// Injected errors of the targeted faults in progress at service `s`: true when attempt `a`
    /// fails (it is then answered).
    func targetedError(_ a: UInt32, service s: Int) -> Bool {
        for f in chaos.faults[s] where f.ratio > 0 && targets(f, attempt: a) {
            if services[s].faultStream.uniform() < f.ratio {
                services[s].counters.injectedErrors += 1
                attributeFault(a, service: s)
                respond(a, outcome: .error)
                return true
            }
        }
        return false
    }

    /// Service time added by the targeted faults in progress at service `s` to attempt `a` [s].
    func targetedLatency(_ a: UInt32, service s: Int) -> Double {
        var added = 0.0
        for f in chaos.faults[s] where targets(f, attempt: a) {
            if let sampler = f.add { added += sampler.draw(services[s].faultStream) }
        }
        return added
    }

    /// A client request ended: counts its outcome in its cohort (requests created after warmup,
    /// as the client's `successes` and `failures`). With ``drawCohort(request:client:)`` and
    /// ``countCohortAttempt(request:client:)`` the two cohorts' figures add up to the client's.
    @inline(__always)
    func countCohort(request ri: Int, client c: Int, success: Bool, latency: SimTime) {
        guard !createdBeforeWarmup(ri) else { return }
        let k = cohort(of: ri)
        if success {
            chaos.figures[c][k].successes += 1
            chaos.figures[c][k].latency.record(latency)
        } else {
            chaos.figures[c][k].failures += 1
        }
    }

    /// The cohorts' figures for the summary (empty without cohorts).
    func cohortSummaries(measured: Double) -> [ClientCohorts] {
        guard chaos.cohorts else { return [] }
        return clients.indices.map { c in
            func summary(_ f: CohortFigures) -> ClientSummary {
                ClientSummary(
                    name: clients[c].spec.name, requests: f.requests, attempts: f.attempts, successes: f.successes,
                    failures: f.failures, goodputPerSecond: measured > 0 ? Double(f.successes) / measured : 0,
                    amplification: f.requests > 0 ? Double(f.attempts) / Double(f.requests) : 0,
                    latency: f.latency.summary, attemptOutcomes: [:])
            }
            return ClientCohorts(
                client: clients[c].spec.name, experiment: summary(chaos.figures[c][0]), control: summary(chaos.figures[c][1]),
                share: chaos.experimentShare)
        }
    }
}

extension TimelineEventSpec {
    /// A `latency` or `errors` fault limited to one caller or to a share of requests.
    public var isTargetedFault: Bool {
        guard caller != nil || share != nil else { return false }
        switch action {
        case .latency, .errors: return true
        default: return false
        }
    }
}
