import SatsimAnalysis
import SatsimCore
import SatsimMetrics
import SatsimModel

/// A figure of summary.json that a sweep stores for every run: one column of the `runs` table,
/// named by its summary.json path (`clients.users.goodput_per_s`, `services.api.mean_wait`).
public struct SweepFigure: Sendable, Hashable {
    /// What is read, and from which component.
    public enum Measure: Sendable, Hashable {
        case client(String, ClientField)
        /// A figure of a client's experiment or control cohort (a fault with `share`).
        case cohort(String, Cohort, CohortField)
        case service(String, ServiceField)
        case recoveryTime
        /// Successful requests of every client in the metrics intervals that start at or after
        /// the given time (`chaos`: the goodput its damage is measured on).
        case successesAfter(SimTime)
    }

    /// A client figure (summary.json names; `success_ratio` = successes / (successes + failures)).
    public enum ClientField: String, Sendable, Hashable, CaseIterable {
        case requests, attempts, successes, failures, goodput_per_s, success_ratio, amplification
        case latency_mean = "latency.mean", latency_p50 = "latency.p50", latency_p90 = "latency.p90"
        case latency_p99 = "latency.p99", latency_max = "latency.max"
    }

    /// The two cohorts of a chaos experiment (summary.json's `cohorts`).
    public enum Cohort: String, Sendable, Hashable, CaseIterable {
        case experiment, control
    }

    /// A cohort figure: every one summary.json's cohorts hold (summary.json names;
    /// `success_ratio` = successes / requests ended, as in summary.json's cohorts).
    public enum CohortField: String, Sendable, Hashable, CaseIterable {
        case requests, attempts, successes, failures, success_ratio, goodput_per_s, amplification
        case latency_mean = "latency.mean", latency_p50 = "latency.p50", latency_p90 = "latency.p90"
        case latency_p99 = "latency.p99", latency_max = "latency.max"
    }

    /// A service figure (summary.json names).
    public enum ServiceField: String, Sendable, Hashable, CaseIterable {
        case arrivals, completions, rejected, dropped, wasted, utilization, mean_queue_length, mean_wait
        case instances_min = "instances.min", instances_mean = "instances.mean", instances_max = "instances.max"
    }

    public var measure: Measure

    public init(_ measure: Measure) { self.measure = measure }

    /// The summary.json path, the column's name.
    public var path: String {
        switch measure {
        case .client(let name, let field): return "clients.\(name).\(field.rawValue)"
        case .cohort(let name, let cohort, let field): return "clients.\(name).cohorts.\(cohort.rawValue).\(field.rawValue)"
        case .service(let name, let field): return "services.\(name).\(field.rawValue)"
        case .recoveryTime: return "recovery_time"
        case .successesAfter: return "successes_after_chaos_at"
        }
    }

    /// Every client figure of every client (with its cohorts' figures when a timeline event or a
    /// chaos fault has a `share`, switched on or not, so that a sweep of `share` or `enabled`
    /// keeps them), every service figure of every service, then the recovery time, in the
    /// scenario's order. A run without cohorts has none of the cohort figures (NULL).
    public static func all(for spec: ScenarioSpec) -> [SweepFigure] {
        let cohorts = spec.timeline.contains { $0.share != nil } || (spec.chaos?.faults.contains { $0.event.share != nil } ?? false)
        return spec.clients.flatMap { client in
            ClientField.allCases.map { SweepFigure(.client(client.name, $0)) }
                + (cohorts ? Cohort.allCases.flatMap { c in CohortField.allCases.map { SweepFigure(.cohort(client.name, c, $0)) } } : [])
        }
            + spec.services.flatMap { service in ServiceField.allCases.map { SweepFigure(.service(service.name, $0)) } }
            + [SweepFigure(.recoveryTime)]
    }

    /// The figure in one run; nil when it has none (no recovery, no success to time) or it is
    /// not finite.
    public func value(result: SimulationResult, analysis: RunAnalysis) -> Double? {
        let value: Double?
        switch measure {
        case .client(let name, let field):
            guard let c = result.clients.first(where: { $0.name == name }) else { return nil }
            switch field {
            case .requests: value = Double(c.requests)
            case .attempts: value = Double(c.attempts)
            case .successes: value = Double(c.successes)
            case .failures: value = Double(c.failures)
            case .goodput_per_s: value = c.goodputPerSecond
            case .success_ratio:
                value = c.successes + c.failures > 0 ? Double(c.successes) / Double(c.successes + c.failures) : nil
            case .amplification: value = c.requests > 0 ? c.amplification : nil
            case .latency_mean: value = c.successes > 0 ? c.latency.mean : nil
            case .latency_p50: value = c.successes > 0 ? c.latency.p50 : nil
            case .latency_p90: value = c.successes > 0 ? c.latency.p90 : nil
            case .latency_p99: value = c.successes > 0 ? c.latency.p99 : nil
            case .latency_max: value = c.successes > 0 ? c.latency.max : nil
            }
        case .cohort(let name, let cohort, let field):
            guard let both = result.cohorts.first(where: { $0.client == name }) else { return nil }
            let c = cohort == .experiment ? both.experiment : both.control
            switch field {
            case .requests: value = Double(c.requests)
            case .attempts: value = Double(c.attempts)
            case .successes: value = Double(c.successes)
            case .failures: value = Double(c.failures)
            case .success_ratio: value = c.requests > 0 ? Double(c.successes) / Double(c.requests) : nil
            case .goodput_per_s: value = c.goodputPerSecond
            case .amplification: value = c.requests > 0 ? c.amplification : nil
            case .latency_mean: value = c.successes > 0 ? c.latency.mean : nil
            case .latency_p50: value = c.successes > 0 ? c.latency.p50 : nil
            case .latency_p90: value = c.successes > 0 ? c.latency.p90 : nil
            case .latency_p99: value = c.successes > 0 ? c.latency.p99 : nil
            case .latency_max: value = c.successes > 0 ? c.latency.max : nil
            }
        case .service(let name, let field):
            guard let s = result.services.first(where: { $0.name == name }) else { return nil }
            switch field {
            case .arrivals: value = Double(s.arrivals)
            case .completions: value = Double(s.completions)
            case .rejected: value = Double(s.rejected)
            case .dropped: value = Double(s.dropped)
            case .wasted: value = Double(s.wasted)
            case .utilization: value = s.utilization
            case .mean_queue_length: value = s.meanQueueLength
            case .mean_wait: value = s.meanWait
            case .instances_min: value = Double(s.instances.min)
            case .instances_mean: value = s.instances.mean
            case .instances_max: value = Double(s.instances.max)
            }
        case .recoveryTime: value = analysis.verdict.recoveryTime
        case .successesAfter(let start): value = Self.successes(in: result.timeSeries, from: start.seconds)
        }
        guard let value, value.isFinite else { return nil }
        return value
    }

    /// The successes of all clients in the intervals of `series` that start at or after `start`
    /// seconds (a row's time is its interval's end; an interval starts where the previous ends).
    static func successes(in series: TimeSeries, from start: Double) -> Double {
        let columns = series.columns.indices.filter { series.columns[$0].hasPrefix("clients.") && series.columns[$0].hasSuffix(".successes") }
        var total = 0.0
        var intervalStart = 0.0
        for row in series.rows {
            if intervalStart >= start - 1e-9 { for c in columns { total += row[c] } }
            intervalStart = row[0]
        }
        return total
    }
}
