import Foundation
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

/// The byte encoding and the fast fine-to-coarse conversion, against a direct reference.
@Suite struct CompactLatencyHistogramEncodingTests {
    /// Values in every part of the layout: below 64 µs (a bucket per µs), 64 µs-2 ms (where the
    /// fine layout still has a bucket per µs but the coarse one is wider), and far above.
    static let spread: [SimTime] = (0..<5_000).map { i in
        let x = Double(i % 97) / 97, decade = Double(i % 11) - 6  // 1 µs .. 100 s
        return SimTime(seconds: (1 + 9 * x) * pow(10, decade))
    }

    @Test("Converting a fine histogram gives the same buckets as recording each value coarsely")
    func conversionMatchesDirectRecording() {
        var direct = CompactLatencyHistogram()
        for v in Self.spread { direct.record(v) }
        let converted = CompactLatencyHistogram(merging: [CompactLatencyHistogramTests.full(Self.spread)])
        #expect(converted == direct)
        #expect(converted.count == Self.spread.count)
        for percent in [1.0, 25, 50, 90, 99, 99.9] {
            #expect(converted.percentileSeconds(percent) == direct.percentileSeconds(percent))
        }
    }

    @Test("Counts of 128 and more, gaps of 128 buckets and more, and counts beyond 2^32 survive the encoding")
    func largeCountsAndGaps() throws {
        var h = CompactLatencyHistogram()
        h.record(SimTime(seconds: 0.000_002), count: 1)        // bucket 2
        h.record(SimTime(seconds: 0.000_003), count: 300)      // adjacent, a two-byte count
        h.record(SimTime(seconds: 3_000), count: 5_000_000_000) // hundreds of buckets later
        #expect(h.storedBuckets == 3)
        #expect(h.count == 5_000_000_301)
        // Ranks 1 and 100 of 5 x 10^9: the first bucket, then the second. 1 + 1, 1 + 2, 2 + 5 bytes.
        #expect(h.storedBytes == 12)
        #expect(try #require(h.percentileSeconds(1e-9)) == 0.000_002_999)
        #expect(try #require(h.percentileSeconds(2e-6)) == 0.000_003_999)
        let top = try #require(h.percentileSeconds(50))
        #expect(top >= 3_000 && top <= 3_000 * (1 + 1.0 / 32))
        // Merging re-encodes to the same bytes.
        #expect(CompactLatencyHistogram(merging: [h]) == h)
    }

    /// The memory the verdict keeps per interval in the M/M/c benchmark's regime: about 5,400
    /// successes a minute whose latency is a wait plus an exponential service of mean 1 s.
    @Test("An interval of 5,400 latencies spread over 13 powers of two takes about 2 bytes per bucket")
    func small() {
        let values = CompactLatencyHistogramTests.samples(.exponential(mean: 1), count: 5_400, seed: 3)
        let h = CompactLatencyHistogram(merging: [CompactLatencyHistogramTests.full(values)])
        #expect(h.storedBuckets > 300)
        // A bucket is a 1-byte gap and a 1- or 2-byte count (a few gaps of 128+ need more).
        #expect(h.storedBytes <= 3 * h.storedBuckets)
        #expect(h.storedBytes < 1_200, "\(h.storedBytes) bytes for \(h.storedBuckets) buckets")
    }

    @Test("Conversion matches direct recording at the layouts' edges and at the top, where both clamp")
    func conversionAtTheEdges() {
        // Values in the coarse layout's linear part (< 64 µs), in the fine layout's linear part
        // (< 2,048 µs), at the edges between them, in the logarithmic part and at the top, where
        // both layouts clamp (LatencyHistogram.highestTrackable, one hour).
        var values: [SimTime] = [0, 1_000, 63_000, 64_000, 65_000, 2_047_000, 2_048_000, 2_049_000, 4_095_999]
            .map { SimTime(nanoseconds: $0) }
        values += [SimTime(seconds: 0.25), SimTime(seconds: 1.5), SimTime(seconds: 3_599), SimTime(seconds: 3_600),
                   SimTime(seconds: 7_200)]
        values += CompactLatencyHistogramTests.samples(.lognormal(mean: 0.02, cv: 2), count: 600, seed: 5)
        var direct = CompactLatencyHistogram()
        for v in values { direct.record(v) }
        let converted = CompactLatencyHistogram(merging: [CompactLatencyHistogramTests.full(values)])
        #expect(converted == direct)
        #expect(converted.count == values.count)
        // A histogram whose values all sit high up starts its encoding past bucket 0.
        let high = values.filter { $0 >= SimTime(seconds: 1) }
        var directHigh = CompactLatencyHistogram()
        for v in high { directHigh.record(v) }
        #expect(CompactLatencyHistogram(merging: [CompactLatencyHistogramTests.full(high)]) == directHigh)
    }
}

