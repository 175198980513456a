import SatsimCore
import SatsimMetrics
import SatsimModel

/// A run's result read through the verdict.
public struct RunAnalysis: Sendable {
    public var verdict: OutcomeVerdict
    public var intervals: [IntervalFigures]
    /// The windows health was judged on, after warmup, in order (DESIGN.md, "Outcomes").
    public var windows: [HealthWindow]
    public var faults: [FaultWindow]
    /// How far each rolling deploy got (``SimulationResult/deploys``), for ``effectEnd(of:in:)``.
    public var deploys: [Int: DeployProgress] = [:]
    /// Whether each `scale` the run applied started instances (``SimulationResult/scalesAdding``).
    public var scalesAdding: [Int: Bool] = [:]

    /// ``effectEnd(of:in:deploy:)`` with this run's deploys: a deploy ends when the last batch
    /// it actually restarted has booted.
    public func effectEnd(of event: TimelineEventSpec, in spec: ScenarioSpec) -> SimTime {
        Self.effectEnd(of: event, in: spec, deploys: deploys, scalesAdding: scalesAdding)
    }

    /// ``effectEnd(of:in:)`` with the run's deploys and scales given.
    static func effectEnd(of event: TimelineEventSpec, in spec: ScenarioSpec, deploys: [Int: DeployProgress],
                          scalesAdding: [Int: Bool]) -> SimTime {
        switch event.action {
        case .deploy:
            guard !deploys.isEmpty, let index = spec.timeline.firstIndex(of: event) else { return Self.effectEnd(of: event, in: spec) }
            return Self.effectEnd(of: event, in: spec, deploy: deploys[index])
        case .scale:
            // A scale that started no instance (a scale-down, or to the count running) is over
            // at once: nothing boots.
            guard let index = spec.timeline.firstIndex(of: event), scalesAdding[index] == false else { return Self.effectEnd(of: event, in: spec) }
            return event.end
        default:
            return Self.effectEnd(of: event, in: spec)
        }
    }

    /// When a timeline event stops disturbing the system, so that the verdict counts operator
    /// actions as faults until then (DESIGN.md, "Outcomes"): a fault's `for` window; for a step
    /// that restarts or adds instances (kill, scale, deploy, or a `set` of
    /// `services.NAME.instances`), when the last of them has booted (a rolling deploy lasts one
    /// `every` per further batch); a `set` with `for` when it reverts (plus a boot when it
    /// changes an instance count). A cache flush, and a `set` of any other setting, act at once:
    /// what they leave behind (a cold cache, a new configuration settling) is what the recovery
    /// time measures, as for a deploy's cold caches.
    ///
    /// A deploy restarts, at each step, the instances running then, which a scale or an
    /// autoscaler may have changed since the start: `deploy` (the run's ``DeployProgress``) gives
    /// the batches it restarted. Without it (a run stopped before the deploy began), or for a
    /// deploy a limit stopped midway, the batches of the scenario's starting instance count
    /// stand in, or the batches restarted so far if more. "The deploy was over" was told at
    /// 2m10s of a deploy whose third batch booted at 3m10s, api having been scaled from 2 to 6.
    public static func effectEnd(of event: TimelineEventSpec, in spec: ScenarioSpec, deploy: DeployProgress? = nil) -> SimTime {
        func boot(_ name: String) -> SimTime { spec.service(named: name)?.bootTime ?? .zero }
        switch event.action {
        case .kill(let name, _), .scale(let name, _):
            return event.end + boot(name)
        case .deploy(let name, let batch, let every):
            guard let service = spec.service(named: name) else { return event.end }
            let planned = (service.instances + max(batch, 1) - 1) / max(batch, 1)
            let batches = deploy.map { $0.finished ? $0.batches : max($0.batches, planned) } ?? planned
            // A deploy that found nothing to restart restarted nothing: it ends as it begins.
            guard batches > 0 else { return event.at }
            let (span, overflow) = every.nanoseconds.multipliedReportingOverflow(by: Int64(batches - 1))
            return event.at + SimTime(nanoseconds: overflow ? .max : span) + service.bootTime
        case .set(let change):
            let parts = change.path.split(separator: ".")
            if parts.count == 3, parts[0] == "services", parts[2] == "instances" {
                return event.end + boot(String(parts[1]))
            }
            return event.end
        case .loadSpike, .latency, .errors, .outage, .pause, .cacheFlush:
            return event.end
        }
    }

    /// Sums the clients' and services' per-interval figures and classifies the run.
    /// - Parameter thresholds: nil for the defaults with the scenario's `slo` applied.
    public init(result: SimulationResult, spec: ScenarioSpec, thresholds: OutcomeThresholds? = nil) {
        let series = result.timeSeries
        let times = series.column("time") ?? []
        func total(_ names: [String]) -> [Double] {
            var sum = [Double](repeating: 0, count: times.count)
            for name in names {
                guard let column = series.column(name) else { continue }
                for i in sum.indices { sum[i] += column[i] }
            }
            return sum
        }
        let requests = total(spec.clients.map { "clients.\($0.name).requests" })
        let successes = total(spec.clients.map { "clients.\($0.name).successes" })
        let failures = total(spec.clients.map { "clients.\($0.name).failures" })
        let instances = total(spec.services.map { "services.\($0.name).instances" })
        var intervals: [IntervalFigures] = []
        var previous = 0.0
        for i in times.indices {
            intervals.append(
                IntervalFigures(
                    end: times[i], width: times[i] - previous, requests: requests[i], successes: successes[i],
                    failures: failures[i], instances: instances[i],
                    latency: i < result.successLatency.count ? result.successLatency[i] : CompactLatencyHistogram()))
            previous = times[i]
        }
        // The faults the run reached: one whose start a limit stopped the run before was never
        // simulated. Counted, it made a run stopped at 3m10s, healthy since its spike ended at
        // 2m20s, "healthy again before the last fault ended" (a kill at 8m never simulated).
        // A run stopped before any fault began keeps them all: its ending says it stopped before
        // them, where "with no fault at all" would tell of a scenario without any.
        let all = spec.timeline.indices.filter { spec.timeline[$0].enabled && !spec.setChangesNothing($0) }.map { spec.timeline[$0] }
        let reached = all.filter { $0.at.seconds <= result.endSeconds + 1e-9 }
        self.deploys = result.deploys
        self.scalesAdding = result.scalesAdding
        // Ends as the run had them (a deploy's batches, a scale that only stopped instances).
        let faults = (reached.isEmpty ? all : reached).map { event in
            FaultWindow(start: event.at.seconds, end: Self.effectEnd(
                of: event, in: spec, deploys: result.deploys, scalesAdding: result.scalesAdding).seconds)
        }
        self.intervals = intervals
        self.faults = faults
        let judged = OutcomeClassifier.judge(
            intervals: intervals, warmup: spec.warmup.seconds, faults: faults,
            thresholds: thresholds ?? OutcomeThresholds(slo: spec.slo))
        var verdict = judged.verdict
        self.windows = judged.windows
        if verdict.notJudged != nil {
            // The time series may end on the last whole interval; the run knows when it stopped.
            verdict.notJudged = OutcomeClassifier.notJudgedReason(stoppedAt: result.endSeconds, warmup: spec.warmup.seconds)
        } else if case .inFlight(let count, _, let at)? = result.limitHit, verdict.outcome == .stable || verdict.outcome == .recovered {
            // The work that filled the memory budget piled up after the last measured window (it
            // may all have arrived in the instant the run stopped): a verdict of health would
            // describe the windows and not the run.
            verdict.notJudged = OutcomeClassifier.backlogReason(inFlight: count, stoppedAt: at.seconds, windowsSay: verdict.outcome)
        }
        self.verdict = verdict
    }
}

extension RunAnalysis {
    /// When the health windows that last to the end began, for a run judged degraded or
    /// metastable after a fault although it was healthy at its end: it came back later than the
    /// recovery window after the last fault and stayed healthy for less than that window before
    /// the run ended, so the verdict does not count the recovery (OutcomeClassifier). Nil
    /// otherwise.
    public var healthyAgainAt: Double? {
        guard verdict.notJudged == nil, verdict.outcome == .degraded || verdict.outcome == .metastable, !faults.isEmpty
        else { return nil }
        // Where the verdict found the healthy stretch (OutcomeClassifier.healthyFrom): inside the
        // last unhealthy window when it holds the return, which may be the run's last window.
        return verdict.healthySince
    }

    /// Whether a metrics interval begins at or after the end of the recovery window that follows
    /// the last fault: the span the verdict reads for metastability. False when the run ended (at
    /// its duration or at a limit) before, so that a run still unhealthy at its end could be
    /// neither seen to recover nor judged metastable; true without a fault.
    public var measuredPastRecoveryWindow: Bool {
        guard let end = faults.map(\.end).max() else { return true }
        let from = end + verdict.thresholds.recoveryWindow
        return intervals.contains { $0.end - $0.width >= from - 1e-9 }
    }
}

