import Histogram
import SatsimCore
import SatsimMetrics
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Latency samples [ns] from a seeded stream.
private func latencies(_ distribution: Distribution, count: Int, seed: UInt64) -> [Int64] {
    let sampler = Sampler(distribution)
    let stream = RandomStream(seed: seed)
    return (0..<count).map { _ in sampler.drawTime(stream).nanoseconds }
}

/// The exact percentile of a sorted sample: the ceil(p% x n)-th smallest value, HdrHistogram's
/// definition. `perTenThousand` is the percentile in hundredths of a percent, so the rank is
/// computed in integers with no rounding.
private func exactPercentile(_ sorted: [Int64], perTenThousand: Int) -> Int64 {
    let rank = max(1, (perTenThousand * sorted.count + 9_999) / 10_000)
    return sorted[rank - 1]
}

private let percentilesPerTenThousand = [100, 1_000, 2_500, 5_000, 7_500, 9_000, 9_900, 9_990, 9_999, 10_000]

private let latencyCases: [Distribution] = [
    .lognormal(mean: 0.05, cv: 1.5),  // a typical service: milliseconds with a long tail
    .exponential(mean: 0.000_3),  // sub-millisecond: the 1 µs resolution floor matters
    .uniform(min: 1, max: 30),  // seconds: high magnitudes, wide buckets
]

@Suite struct LatencyHistogramTests {
    /// The property that matters: a reported percentile is never below the exact sample percentile
    /// and exceeds it by at most one bucket, i.e. by at most 1/1024 < 0.1% of the value (or 1 µs,
    /// the unit, below 1.024 ms where buckets are one unit wide).
    @Test(arguments: latencyCases)
    func percentilesAreWithinOneTenthOfAPercentOfTheExactOnes(_ distribution: Distribution) {
        // 100,003: not a round count, so that no percentile rank is an exact integer by accident.
        let samples = latencies(distribution, count: 100_003, seed: 31)
        var histogram = LatencyHistogram()
        for ns in samples { histogram.record(SimTime(nanoseconds: ns)) }
        let sorted = samples.sorted()
        for p in percentilesPerTenThousand {
            let exact = Double(exactPercentile(sorted, perTenThousand: p))
            let reported = (histogram.percentileSeconds(Double(p) / 100) * 1e9).rounded()
            let allowance = max(exact / 1_024, 1_000)
            #expect(reported >= exact && reported <= exact + allowance, "p\(Double(p) / 100): \(reported) ns vs exact \(exact) ns")
        }
    }

    /// Same data, same percentiles as hdrhistogram-swift. The reference is set up as the brief's
    /// `lowestDiscernibleValue: 1_000` ns, which HdrHistogram rounds *down* to a power of two: its unit
    /// is 512 ns, satsim's is 1,000 ns. So the two bucket grids differ and both report the top of
    /// their own bucket ("highest equivalent value", bucket upper edge minus one ns): neither is
    /// biased against the other by more than one bucket of the coarser grid, which is the bound here.
    @Test(arguments: latencyCases)
    func percentilesAgreeWithHdrHistogram(_ distribution: Distribution) {
        let samples = latencies(distribution, count: 100_003, seed: 37)
        var ours = LatencyHistogram()
        var reference = Histogram<UInt64>(
            lowestDiscernibleValue: 1_000, highestTrackableValue: 3_600_000_000_000, numberOfSignificantValueDigits: .three)
        for ns in samples {
            ours.record(SimTime(nanoseconds: ns))
            reference.record(UInt64(ns))
        }
        let sorted = samples.sorted()
        for p in percentilesPerTenThousand {
            let percent = Double(p) / 100
            let mine = (ours.percentileSeconds(percent) * 1e9).rounded()
            let theirs = Double(reference.valueAtPercentile(percent))
            let exact = Double(exactPercentile(sorted, perTenThousand: p))
            #expect(abs(mine - theirs) <= max(exact / 1_024, 1_000), "p\(percent): satsim \(mine) ns, HdrHistogram \(theirs) ns")
        }
        #expect(ours.count == Int(reference.totalCount))
    }

    /// With HdrHistogram counting whole microseconds (unit 1, three digits: 2,048 sub-buckets), its
    /// buckets are exactly satsim's, and the only difference is the upper edge: HdrHistogram reports
    /// the bucket's highest value in its unit (µs, inclusive), satsim the bucket's last nanosecond,
    /// so satsim = (HdrHistogram + 1) µs - 1 ns, exactly. Both cap at the recorded maximum.
    @Test(arguments: latencyCases)
    func theBucketLayoutIsHdrHistogramsInMicroseconds(_ distribution: Distribution) {
        let samples = latencies(distribution, count: 100_003, seed: 53)
        var ours = LatencyHistogram()
        var reference = Histogram<UInt64>(
            lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        for ns in samples {
            ours.record(SimTime(nanoseconds: ns))
            reference.record(UInt64(ns / 1_000))
        }
        let maxNanoseconds = ours.maxNanoseconds
        for p in percentilesPerTenThousand + [1, 3_333, 6_667, 9_950, 9_995] {
            let percent = Double(p) / 100
            let mine = Int64((ours.percentileSeconds(percent) * 1e9).rounded())
            let theirs = Int64(reference.valueAtPercentile(percent))
            if mine == maxNanoseconds {
                #expect(theirs == maxNanoseconds / 1_000, "p\(percent): capped at the maximum")
            } else {
                #expect(mine == (theirs + 1) * 1_000 - 1, "p\(percent): satsim \(mine) ns, HdrHistogram \(theirs) µs")
            }
        }
    }

    /// Every power-of-two boundary of the layout, read through the public API: a bucket's reported
    /// top is at or above each value it holds, at most one bucket width (1/1024 of the value, or
    /// 1 µs) above it, a whole microsecond minus 1 ns, and the next nanosecond opens a new bucket.
    @Test func bucketEdgesAtEveryMagnitude() {
        var histogram = LatencyHistogram()
        // The top of the bucket holding `ns`: the median of {ns, one hour} is the lower of the two,
        // reported as its bucket's top (not capped, since the maximum is far above).
        func top(_ ns: Int64) -> Int64 {
            histogram.reset()
            histogram.record(SimTime(nanoseconds: ns))
            histogram.record(SimTime(nanoseconds: LatencyHistogram.highestTrackable))
            return Int64((histogram.percentileSeconds(50) * 1e9).rounded())
        }
        for magnitude in 0..<32 {
            for units in [(Int64(1) << magnitude) - 1, Int64(1) << magnitude, (Int64(1) << magnitude) + 1] where units > 0 {
                for ns in [units * 1_000, units * 1_000 + 999] {
                    let edge = top(ns)
                    #expect(edge >= ns && edge - ns <= max(ns / 1_024, 999), "value \(ns) ns reported as \(edge) ns")
                    #expect(edge % 1_000 == 999, "bucket tops are whole microseconds minus 1 ns: \(edge)")
                    #expect(top(edge + 1) > edge, "\(edge + 1) ns falls in the bucket ending at \(edge)")
                }
            }
        }
    }

    /// 99.9% of 1,000 is 999 in exact arithmetic, but `99.9 / 100 * 1000` is 999.0000000000001 in
    /// floating point, so rounding up gives rank 1,000: the maximum instead of the 999th value.
    /// HdrHistogram avoids this by taking `percentile.nextDown` before rounding up.
    @Test(arguments: [1_000, 10_000, 100_000])
    func aPercentileRankIsNotInflatedByRoundoff(count: Int) {
        var histogram = LatencyHistogram()
        // Values 1, 2, ..., count ms: the exact p99.9 is the (0.999 count)-th, strictly below the max.
        for i in 1...count { histogram.record(SimTime(nanoseconds: Int64(i) * 1_000_000)) }
        let exact = Double(count * 999 / 1_000) * 1e-3
        let reported = histogram.percentileSeconds(99.9)
        #expect(reported >= exact && reported <= exact * (1 + 1.0 / 1_024), "p99.9 of 1...\(count) ms: \(reported) s, exact \(exact) s")
    }

    @Test func anEmptyHistogramReportsZero() {
        let histogram = LatencyHistogram()
        #expect(histogram.count == 0)
        #expect(histogram.summary == LatencySummary(mean: 0, p50: 0, p90: 0, p99: 0, max: 0))
        #expect(histogram.percentileSeconds(100) == 0)
    }

    @Test func resetForgetsEveryObservation() {
        var used = LatencyHistogram()
        for ns in latencies(.lognormal(mean: 0.2, cv: 1), count: 5_000, seed: 41) { used.record(SimTime(nanoseconds: ns)) }
        used.reset()
        #expect(used.count == 0)
        #expect(used.summary == LatencySummary(mean: 0, p50: 0, p90: 0, p99: 0, max: 0))
        // After a reset it answers exactly as a fresh histogram fed the same values. Half the new
        // values lie below every old one and half above, so that a count left over anywhere in the
        // old range would be scanned and shift the percentiles just above the median.
        var fresh = LatencyHistogram()
        let values = Array(repeating: SimTime(nanoseconds: 1_000), count: 10)
            + Array(repeating: SimTime(seconds: 1_000), count: 10)
        for value in values {
            used.record(value)
            fresh.record(value)
        }
        for percentile in [1.0, 50, 51, 55, 90, 100] {
            #expect(used.percentileSeconds(percentile) == fresh.percentileSeconds(percentile), "p\(percentile)")
        }
        #expect(used.summary == fresh.summary)
        #expect(used.count == fresh.count)
    }

    @Test func valuesBeyondAnHourClampToTheTopBucket() {
        var histogram = LatencyHistogram()
        let twoHours = SimTime(seconds: 7_200)
        histogram.record(twoHours)
        histogram.record(SimTime(seconds: 1e7))
        #expect(histogram.count == 2)
        // The maximum and the mean are exact; percentiles stop at the top bucket's edge (1 h).
        #expect(histogram.maxNanoseconds == SimTime(seconds: 1e7).nanoseconds)
        let p50 = histogram.percentileSeconds(50)
        #expect(p50 >= 3_600 && p50 <= 3_600 * (1 + 1.0 / 1_024), "p50 \(p50)")
        #expect(abs(histogram.meanSeconds - (7_200 + 1e7) / 2) <= 1e-9 * histogram.meanSeconds)
    }

    @Test func negativeLatenciesCountAsZero() {
        var histogram = LatencyHistogram()
        histogram.record(SimTime(nanoseconds: -5))
        #expect(histogram.count == 1)
        #expect(histogram.maxNanoseconds == 0)
        #expect(histogram.percentileSeconds(50) < 1e-6)  // the first bucket: [0, 1 µs)
    }

    @Test func theMeanAndMaximumAreExact() {
        var histogram = LatencyHistogram()
        let samples = latencies(.gamma(mean: 0.01, cv: 2), count: 10_000, seed: 47)
        for ns in samples { histogram.record(SimTime(nanoseconds: ns)) }
        let exactMean = samples.reduce(0.0) { $0 + Double($1) * 1e-9 } / Double(samples.count)
        #expect(abs(histogram.meanSeconds - exactMean) <= 1e-12 * exactMean)
        #expect(histogram.maxNanoseconds == samples.max())
    }
}
