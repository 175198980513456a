import SatsimCore

/// A latency distribution small enough to keep one per metrics interval, and mergeable exactly:
/// what the verdict needs to judge the p99 of a window of consecutive intervals.
///
/// Why not the time series' per-interval p99: the p99 of a window of intervals is not a function
/// of their p99s (the largest of them overstates it, their mean can understate it), while bucket
/// counts add exactly. Why not a ``LatencyHistogram`` per interval: its 23k buckets (184 kB) each
/// would make a one-hour run at 1 s intervals hold 660 MB.
///
/// The layout is HdrHistogram's log-linear one with 6 bits instead of 11: values (in units of
/// 1 µs) below 64 have a bucket each; above, each power of two [2^k, 2^(k+1)) is cut into 32 equal
/// buckets, so a bucket is at most 1/32 (3.1%) of the values it holds. Every bucket of a
/// ``LatencyHistogram`` lies inside exactly one bucket here (its 1024 sub-buckets per power of two
/// nest in these 32), so converting one adds no error beyond the coarser width. Only non-empty
/// buckets are stored: an interval costs 8 bytes per distinct bucket (at most 896), and nothing
/// when no request succeeded in it.
public struct CompactLatencyHistogram: Sendable, Hashable {
    /// Bits of the sub-bucket index: 2^bits buckets below the first power of two that is split.
    static let bits = 6
    static let subBucketCount = 1 << bits
    static let halfCount = subBucketCount >> 1
    /// Bucket index in the high bits of a cell, its count in the low `countBits`.
    static let countBits: UInt64 = 40
    static let countMask: UInt64 = (1 << countBits) - 1
    /// Number of buckets up to ``LatencyHistogram/highestTrackable``.
    static let bucketCount = index(ofUnits: LatencyHistogram.highestTrackable / LatencyHistogram.unitNanoseconds) + 1

    /// Non-empty buckets, ascending: `bucket << countBits | count`.
    private var cells: [UInt64] = []
    /// The number of observations.
    public private(set) var count: Int = 0
    /// The exact largest observation [ns], so that a percentile never exceeds it.
    public private(set) var maxNanoseconds: Int64 = 0

    /// An empty histogram.
    public init() {}

    /// The coarse form of `histograms` taken together (e.g. every client's successes in one
    /// interval). O(buckets used by the inputs + ``bucketCount``).
    public init(merging histograms: [LatencyHistogram]) {
        var dense = [UInt64](repeating: 0, count: Self.bucketCount)
        for h in histograms where h.count > 0 {
            for i in h.lowestUsed...h.highestUsed where h.counts[i] > 0 {
                dense[Self.index(ofUnits: LatencyHistogram.lowestValue(ofBucket: i))] += h.counts[i]
            }
            count += h.count
            maxNanoseconds = max(maxNanoseconds, h.maxNanoseconds)
        }
        cells = Self.sparse(dense)
    }

    /// Every histogram of `parts` merged: the distribution of all their observations together.
    /// Exact: counts add, maxima take the largest. O(cells of the parts + ``bucketCount``).
    public init(merging parts: some Sequence<CompactLatencyHistogram>) {
        var dense = [UInt64](repeating: 0, count: Self.bucketCount)
        for part in parts {
            for cell in part.cells { dense[Int(cell >> Self.countBits)] += cell & Self.countMask }
            count += part.count
            maxNanoseconds = max(maxNanoseconds, part.maxNanoseconds)
        }
        cells = Self.sparse(dense)
    }

    /// Adds `count` observations of `latency` (tests and small series; O(cells)).
    public mutating func record(_ latency: SimTime, count n: Int = 1) {
        precondition(n >= 0, "count \(n) < 0")
        guard n > 0 else { return }
        let ns = max(latency.nanoseconds, 0)
        let bucket = UInt64(min(Self.index(ofUnits: ns / LatencyHistogram.unitNanoseconds), Self.bucketCount - 1))
        let at = cells.firstIndex { $0 >> Self.countBits >= bucket } ?? cells.count
        if at < cells.count, cells[at] >> Self.countBits == bucket {
            cells[at] += UInt64(n)
        } else {
            cells.insert(bucket << Self.countBits | UInt64(n), at: at)
        }
        count += n
        maxNanoseconds = max(maxNanoseconds, ns)
    }

    /// The value at `percentile` (0-100) in seconds, as ``LatencyHistogram`` defines it: the
    /// highest value of the bucket holding the ceil(percentile% x count)-th smallest observation,
    /// capped by the exact maximum. Nil when empty.
    public func percentileSeconds(_ percentile: Double) -> Double? {
        guard count > 0 else { return nil }
        let rank = max(1, UInt64((max(percentile.nextDown, 0) * Double(count) / 100).rounded(.up)))
        var seen: UInt64 = 0
        for cell in cells {
            seen += cell & Self.countMask
            if seen >= rank {
                let units = Self.highestValue(ofBucket: Int(cell >> Self.countBits))
                let ns = (units + 1) * LatencyHistogram.unitNanoseconds - 1
                return Self.seconds(min(ns, maxNanoseconds))
            }
        }
        return Self.seconds(maxNanoseconds)
    }

    /// Nanoseconds to seconds, correctly rounded (300 ms is 0.3, not 0.30000000000000004), so
    /// that a p99 equal to a bound written in milliseconds compares equal.
    static func seconds(_ ns: Int64) -> Double { Double(ns) / 1e9 }

    /// The number of non-empty buckets (the memory it holds is 8 bytes each).
    public var storedBuckets: Int { cells.count }

    static let layout = HdrBucketLayout(bits: bits)

    /// The bucket of a value in units of 1 µs: HdrHistogram's index with ``bits`` bits.
    static func index(ofUnits units: Int64) -> Int { layout.index(of: units) }

    /// The largest value (in units) that falls in bucket `index`.
    static func highestValue(ofBucket index: Int) -> Int64 { layout.highestValue(ofBucket: index) }

    static func sparse(_ dense: [UInt64]) -> [UInt64] {
        var cells: [UInt64] = []
        for (i, n) in dense.enumerated() where n > 0 {
            precondition(n <= countMask, "bucket count \(n) exceeds 2^40")
            cells.append(UInt64(i) << countBits | n)
        }
        return cells
    }
}
