import Foundation
import SatsimCore
import Testing

@testable import SatsimMetrics

/// The occupancy bitmap of ``LatencyHistogram`` (one bit per non-empty bucket) lets closing a
/// metrics interval visit the non-empty buckets only. Every result must be what a scan of every
/// bucket gave: the percentiles (walked from the top for a high one, from the bottom for a low
/// one), the coarse copy the verdict keeps per interval (built by a walk for a sparse
/// histogram, through a dense scratch for a dense one or for several), and the fold.
@Suite("Latency histogram occupancy")
struct LatencyOccupancyTests {
    /// The bucket scan the bitmap replaced: the highest value of the bucket holding the
    /// ceil(p% x count)-th smallest observation, capped by the maximum.
    static func scannedPercentile(_ h: LatencyHistogram, _ p: Double) -> Double {
        guard h.count > 0 else { return 0 }
        let rank = max(1, UInt64((max(p.nextDown, 0) * Double(h.count) / 100).rounded(.up)))
        var seen: UInt64 = 0
        for i in 0...LatencyHistogram.topIndex {
            seen += h.counts[i]
            if seen >= rank {
                let ns = (LatencyHistogram.highestValue(ofBucket: i) + 1) * LatencyHistogram.unitNanoseconds - 1
                return Double(min(ns, h.maxNanoseconds)) * 1e-9
            }
        }
        return h.maxSeconds
    }

    static func randomHistogram(_ stream: RandomStream, count: Int, decades: Double) -> LatencyHistogram {
        var h = LatencyHistogram()
        for _ in 0..<count { h.record(SimTime(seconds: 1e-5 * pow(10, decades * stream.uniform()))) }
        return h
    }

    @Test("Percentiles from the bitmap equal a scan of every bucket, sparse or dense, low or high",
          arguments: [1, 2, 7, 90, 5_000, 100_000])
    func percentilesMatchTheScan(count: Int) {
        let stream = RandomStream(seed: UInt64(count))
        let h = Self.randomHistogram(stream, count: count, decades: 6)
        #expect(h.occupancyIsConsistent)
        for p in [0.0, 0.001, 1, 10, 49.9, 50, 50.1, 75, 90, 99, 99.9, 99.99, 100] {
            #expect(h.percentileSeconds(p) == Self.scannedPercentile(h, p), "p\(p) of \(count)")
        }
    }

    @Test("Records, resets and moves keep every bit equal to its bucket's emptiness")
    func bitmapFollowsTheBuckets() {
        let stream = RandomStream(seed: 11)
        var a = Self.randomHistogram(stream, count: 500, decades: 7)
        var b = LatencyHistogram()
        #expect(a.occupancyIsConsistent && b.occupancyIsConsistent)
        b.moveBuckets(from: &a, except: LatencyHistogram())
        #expect(a.count == 0 && a.occupancyIsConsistent && b.occupancyIsConsistent)
        // The emptied histogram records again from scratch: no stale bit survives.
        a.record(SimTime(seconds: 0.25))
        #expect(a.occupancyIsConsistent && a.percentileSeconds(0) == Self.scannedPercentile(a, 0))
        b.reset()
        #expect(b.count == 0 && b.occupancyIsConsistent)
        // Values past an hour and below a microsecond land in the end buckets, bits included.
        b.record(SimTime(seconds: 7_200))
        b.record(.zero)
        #expect(b.occupancyIsConsistent && b.percentileSeconds(100) == Self.scannedPercentile(b, 100))
        #expect(b.percentileSeconds(0) == Self.scannedPercentile(b, 0))
    }

    @Test("The coarse copy is the same bytes by the walk (sparse) and by the dense scratch",
          arguments: [3, 40, 300, 20_000])
    func coarseCopyByEitherPath(count: Int) {
        let stream = RandomStream(seed: UInt64(count) &+ 5)
        var whole = LatencyHistogram(), first = LatencyHistogram(), second = LatencyHistogram()
        for k in 0..<count {
            let latency = SimTime(seconds: 1e-5 * pow(10, 6 * stream.uniform()))
            whole.record(latency)
            if k % 2 == 0 { first.record(latency) } else { second.record(latency) }
        }
        // One input takes the walk when sparse; two inputs always take the scratch.
        let one = CompactLatencyHistogram(merging: [whole])
        let two = CompactLatencyHistogram(merging: [first, second])
        #expect(one == two)
        #expect(one.count == count && one.storedBuckets == two.storedBuckets)
        for p in [1.0, 50, 99, 100] { #expect(one.percentileSeconds(p) == two.percentileSeconds(p)) }
        // And an empty input beside a single one changes nothing.
        #expect(CompactLatencyHistogram(merging: [LatencyHistogram(), whole]) == one)
    }
}
