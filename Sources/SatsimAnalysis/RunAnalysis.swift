import SatsimCore
import SatsimMetrics
import SatsimModel

/// A run's result read through the verdict.
public struct RunAnalysis: Sendable {
    public var verdict: OutcomeVerdict
    public var intervals: [IntervalFigures]
    public var faults: [FaultWindow]

    /// When a timeline event stops disturbing the system: the end of its window, or for a step
    /// that restarts or adds instances, when the last of them has booted (a rolling deploy lasts
    /// one `every` per further batch).
    public static func effectEnd(of event: TimelineEventSpec, in spec: ScenarioSpec) -> SimTime {
        switch event.action {
        case .kill(let name, _), .scale(let name, _):
            return event.end + (spec.service(named: name)?.bootTime ?? .zero)
        case .deploy(let name, let batch, let every):
            guard let service = spec.service(named: name) else { return event.end }
            let batches = (service.instances + max(batch, 1) - 1) / max(batch, 1)
            return event.at + SimTime(nanoseconds: every.nanoseconds * Int64(max(batches - 1, 0))) + service.bootTime
        default:
            return event.end
        }
    }

    /// Sums the clients' and services' per-interval figures and classifies the run.
    public init(result: SimulationResult, spec: ScenarioSpec, thresholds: OutcomeThresholds = OutcomeThresholds()) {
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
                    failures: failures[i], instances: instances[i]))
            previous = times[i]
        }
        let faults = spec.timeline.map { FaultWindow(start: $0.at.seconds, end: Self.effectEnd(of: $0, in: spec).seconds) }
        self.intervals = intervals
        self.faults = faults
        var verdict = OutcomeClassifier.classify(
            intervals: intervals, warmup: spec.warmup.seconds, faults: faults, thresholds: thresholds)
        if verdict.notJudged != nil {
            // The time series may end on the last whole interval; the run knows when it stopped.
            verdict.notJudged = OutcomeClassifier.notJudgedReason(stoppedAt: result.endSeconds, warmup: spec.warmup.seconds)
        }
        self.verdict = verdict
    }
}
