import SatsimCore
import SatsimMetrics
import Testing

/// The per-interval histogram the verdict keeps: coarse (32 buckets per power of two), small, and
/// merged exactly, so the p99 of a window of intervals is the p99 of all their successes.
@Suite struct CompactLatencyHistogramTests {
    static func samples(_ distribution: Distribution, count: Int, seed: UInt64) -> [SimTime] {
        let sampler = Sampler(distribution)
        let stream = RandomStream(seed: seed)
        return (0..<count).map { _ in sampler.drawTime(stream) }
    }

    static func full(_ values: some Sequence<SimTime>) -> LatencyHistogram {
        var h = LatencyHistogram()
        for v in values { h.record(v) }
        return h
    }

    /// The exact sample percentile, HdrHistogram's definition: the ceil(p% x n)-th smallest.
    static func exact(_ values: [SimTime], percent: Int) -> Double {
        let sorted = values.map(\.nanoseconds).sorted()
        let rank = max(1, (percent * sorted.count + 99) / 100)
        return Double(sorted[rank - 1]) * 1e-9
    }

    @Test("A percentile is never below the exact one, and above it by at most one bucket (1/32) or 1 µs",
          arguments: [Distribution.lognormal(mean: 0.05, cv: 1.5), .exponential(mean: 0.000_3), .uniform(min: 1, max: 30)])
    func withinOneBucket(_ distribution: Distribution) throws {
        let values = Self.samples(distribution, count: 20_011, seed: 7)
        let compact = CompactLatencyHistogram(merging: [Self.full(values)])
        #expect(compact.count == values.count)
        for percent in [50, 90, 99] {
            let exact = Self.exact(values, percent: percent)
            let reported = try #require(compact.percentileSeconds(Double(percent)))
            #expect(reported >= exact - 1e-12, "p\(percent): \(reported) < exact \(exact)")
            #expect(reported <= exact * (1 + 1.0 / 32) + 1e-6, "p\(percent): \(reported) vs exact \(exact)")
        }
    }

    @Test("Merging intervals gives exactly the histogram of all their values together")
    func mergeIsExact() {
        let values = Self.samples(.lognormal(mean: 0.04, cv: 1), count: 3_000, seed: 11)
        // Intervals of unequal sizes, one of them empty.
        let cuts = [0, 10, 10, 700, 2_990, 3_000]
        let parts = zip(cuts, cuts.dropFirst()).map { CompactLatencyHistogram(merging: [Self.full(values[$0..<$1])]) }
        let merged = CompactLatencyHistogram(merging: parts)
        let whole = CompactLatencyHistogram(merging: [Self.full(values)])
        #expect(merged == whole)
        #expect(merged.count == 3_000)
        // Not what the max of the parts' p99s would say: the 10-value part's p99 is its maximum.
        #expect(parts.compactMap { $0.percentileSeconds(99) }.max() != merged.percentileSeconds(99))
    }

    @Test("Several clients' histograms of one interval merge into one")
    func clientsTogether() {
        let a = Self.samples(.exponential(mean: 0.01), count: 500, seed: 1)
        let b = Self.samples(.exponential(mean: 0.2), count: 300, seed: 2)
        let together = CompactLatencyHistogram(merging: [Self.full(a), Self.full(b)])
        #expect(together == CompactLatencyHistogram(merging: [Self.full(a + b)]))
    }

    @Test("A percentile is capped by the exact maximum; empty has none; one slow value in 100 is above the p99")
    func edges() throws {
        var h = CompactLatencyHistogram()
        #expect(h.percentileSeconds(99) == nil)
        h.record(SimTime(seconds: 0.1), count: 99)
        h.record(SimTime(seconds: 0.3))
        // Rank ceil(0.99 x 100) = 99: the 99th smallest is 100 ms; the p99 is the top of its
        // bucket, at most 1/32 above it.
        let p99 = try #require(h.percentileSeconds(99))
        #expect(p99 >= 0.1 && p99 <= 0.1 * (1 + 1.0 / 32))
        #expect(h.percentileSeconds(100) == 0.3)
        h.record(SimTime(seconds: 0.3))
        #expect(h.percentileSeconds(99) == 0.3)
        #expect(h.storedBuckets == 2)
    }
}
