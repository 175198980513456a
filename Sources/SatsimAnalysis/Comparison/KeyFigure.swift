import SatsimMetrics
import SatsimModel

/// A figure `satsim compare` puts side by side across variants, with how to read it from a run.
///
/// Paths are those of summary.json, except `success_ratio`, which is computed here:
/// successes / (successes + failures), the share of the requests that ended which succeeded.
public struct KeyFigure: Sendable, Hashable {
    /// What the figure measures.
    public enum Measure: Sendable, Hashable {
        case goodput(client: String)
        case successRatio(client: String)
        case amplification(client: String)
        case latencyP99(client: String)
        case wasted(service: String)
        case recoveryTime
    }

    public var measure: Measure

    public init(_ measure: Measure) { self.measure = measure }

    /// The dotted path: `clients.users.goodput_per_s`, `services.api.wasted`, `recovery_time`.
    public var path: String {
        switch measure {
        case .goodput(let c): return "clients.\(c).goodput_per_s"
        case .successRatio(let c): return "clients.\(c).success_ratio"
        case .amplification(let c): return "clients.\(c).amplification"
        case .latencyP99(let c): return "clients.\(c).latency.p99"
        case .wasted(let s): return "services.\(s).wasted"
        case .recoveryTime: return "recovery_time"
        }
    }

    /// For each client goodput, success ratio, amplification and p99 latency; for each service
    /// the wasted work; then the recovery time. In the scenario's order.
    public static func all(for spec: ScenarioSpec) -> [KeyFigure] {
        var figures: [KeyFigure] = []
        for client in spec.clients {
            figures += [.goodput(client: client.name), .successRatio(client: client.name),
                        .amplification(client: client.name), .latencyP99(client: client.name)].map(KeyFigure.init)
        }
        figures += spec.services.map { KeyFigure(.wasted(service: $0.name)) }
        figures.append(KeyFigure(.recoveryTime))
        return figures
    }

    /// The figure's value in one run; nil when it has none (no recovery, no request ended, no
    /// success to time, or a non-finite value).
    public func value(result: SimulationResult, analysis: RunAnalysis) -> Double? {
        func client(_ name: String) -> ClientSummary? { result.clients.first { $0.name == name } }
        let value: Double?
        switch measure {
        case .goodput(let c): value = client(c)?.goodputPerSecond
        case .successRatio(let c):
            guard let summary = client(c), summary.successes + summary.failures > 0 else { return nil }
            value = Double(summary.successes) / Double(summary.successes + summary.failures)
        case .amplification(let c):
            guard let summary = client(c), summary.requests > 0 else { return nil }
            value = summary.amplification
        case .latencyP99(let c):
            guard let summary = client(c), summary.successes > 0 else { return nil }
            value = summary.latency.p99
        case .wasted(let s): value = result.services.first { $0.name == s }.map { Double($0.wasted) }
        case .recoveryTime: value = analysis.verdict.recoveryTime
        }
        guard let value, value.isFinite else { return nil }
        return value
    }
}
