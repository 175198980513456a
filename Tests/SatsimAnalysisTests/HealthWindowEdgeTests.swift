import SatsimCore
import SatsimMetrics
import Testing

@testable import SatsimAnalysis

/// A window's p99 is the upper edge of a histogram bucket, and the bound drawn from the baseline
/// (latency_factor x the baseline's p99) is a multiple of another edge: when the two are the same
/// value reached by two floating-point paths, their last digits may differ. closed-loop-spike
/// judged a second whose 557 requests all met the bound unhealthy (p99 0.589823999 s against a
/// bound of 0.589823997 s: "From 2m10s to 2m11s, the system was unhealthy") and called a
/// stable run recovered.
@Suite("Health window: a p99 on its bound's bucket edge")
struct HealthWindowEdgeTests {
    static func window(latencyBound: (Double) -> Double) -> (window: HealthWindow, p99: Double) {
        var latency = CompactLatencyHistogram()
        latency.record(SimTime(seconds: 0.5796), count: 557)
        let figures = [IntervalFigures(end: 131, width: 1, requests: 557, successes: 557, failures: 0, instances: 1, latency: latency)]
        let p99 = latency.percentileSeconds(99) ?? .nan
        return (HealthWindow(figures[...], successRatio: 0.9, latencyBound: latencyBound(p99)), p99)
    }

    @Test("The same edge a few parts in a billion apart is met; a bound a bucket lower is not")
    func sameEdgeIsMet() {
        let (same, p99) = Self.window { $0 * (1 - 4e-9) }
        #expect(p99 >= 0.5796 && p99 < 0.5796 * 1.04, "p99 \(p99): the bucket's upper edge")
        #expect(same.latencyMet && same.isHealthy)
        #expect(!Self.window { $0 * 0.99 }.window.latencyMet, "a bound 1% below the edge is not met")
        #expect(!Self.window { $0 * (1 - 2e-6) }.window.latencyMet, "the tolerance is a millionth, not more")
    }
}
