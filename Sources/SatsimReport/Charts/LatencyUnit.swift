import SatsimMetrics
import SatsimModel

/// The one unit every latency of a report is written in: its charts, its tables and their
/// headings. Milliseconds when every latency the report shows is under 1 s, seconds otherwise,
/// so that no reader compares "800" on one chart with "1.2" on the next.
public enum LatencyUnit: String, Sendable, Hashable {
    case milliseconds = "ms"
    case seconds = "s"

    /// Multiplies a latency [s] for display.
    public var scale: Double { self == .milliseconds ? 1000 : 1 }

    /// The unit for latencies [s] whose largest is `largest` (NaN and infinities ignored).
    public static func forLargest(_ largest: Double) -> LatencyUnit {
        largest.isFinite && largest >= 1 ? .seconds : .milliseconds
    }

    /// The unit of a run's report: from the largest latency any of its charts or tables shows
    /// (each client's max, p99 and mean; per-interval p99 and mean; each service's mean wait).
    public static func of(_ result: SimulationResult) -> LatencyUnit {
        var largest = 0.0
        for client in result.clients {
            for v in [client.latency.max, client.latency.p99, client.latency.mean] where v.isFinite { largest = max(largest, v) }
        }
        for service in result.services where service.meanWait.isFinite { largest = max(largest, service.meanWait) }
        for client in result.clients {
            for figure in ["latency_p99", "latency_mean"] {
                let successes = result.timeSeries.column("clients.\(client.name).successes") ?? []
                for (i, v) in (result.timeSeries.column("clients.\(client.name).\(figure)") ?? []).enumerated()
                where v.isFinite && i < successes.count && successes[i] > 0 {
                    largest = max(largest, v)
                }
            }
        }
        return forLargest(largest)
    }

    /// A latency [s] in this unit, without the unit: `850`, `12.5`, `1.25`, `0.35`, `-` when
    /// not finite.
    public func format(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "-" }
        let v = seconds * scale
        if v == 0 { return "0" }
        let magnitude = abs(v)
        return FixedDecimal.format(v, decimals: magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3)
    }
}
