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
/// nest in these 32), so converting one adds no error beyond the coarser width: a percentile is
/// never below the exact sample percentile and at most 1/32 of it (plus 1 µs) above it.
///
/// Only non-empty buckets are stored, as bytes: for each, the number of empty buckets skipped
/// since the previous one and its count, both as LEB128 varints (one byte below 128). A typical
/// interval's buckets are adjacent and hold fewer than 128 observations, so a bucket costs about
/// 2 bytes (it cost 8, plus the slack of a doubling array: 4 KB an interval at 400 buckets, 38 MB
/// in a run of 10^8 events with 9,260 intervals), and nothing when no request succeeded.
public struct CompactLatencyHistogram: Sendable, Hashable {
    /// Bits of the sub-bucket index: 2^bits buckets below the first power of two that is split.
    static let bits = 6
    static let subBucketCount = 1 << bits
    static let halfCount = subBucketCount >> 1
    /// Number of buckets up to ``LatencyHistogram/highestTrackable``.
    static let bucketCount = index(ofUnits: LatencyHistogram.highestTrackable / LatencyHistogram.unitNanoseconds) + 1

    /// Non-empty buckets, ascending: (buckets skipped since the previous one, count) as LEB128
    /// varints. Canonical, so two histograms of the same observations compare equal.
    private var bytes: [UInt8] = []
    /// The number of non-empty buckets.
    public private(set) var storedBuckets: Int = 0
    /// The number of observations.
    public private(set) var count: Int = 0
    /// The exact largest observation [ns], so that a percentile never exceeds it.
    public private(set) var maxNanoseconds: Int64 = 0

    /// An empty histogram.
    public init() {}

    /// The coarse form of `histograms` taken together (e.g. every client's successes in one
    /// interval). O(buckets used by the inputs + ``bucketCount``); the fine buckets of one coarse
    /// bucket are contiguous, so they are summed in a loop the compiler vectorises.
    public init(merging histograms: [LatencyHistogram]) {
        var dense = [UInt64](repeating: 0, count: Self.bucketCount)
        dense.withUnsafeMutableBufferPointer { dense in
            var (low, high) = (Int.max, -1)
            for h in histograms where h.count > 0 {
                if let touched = Self.addCoarse(of: h, into: dense) {
                    (low, high) = (min(low, touched.lowerBound), max(high, touched.upperBound))
                }
                count += h.count
                maxNanoseconds = max(maxNanoseconds, h.maxNanoseconds)
            }
            // Only the touched buckets can be non-zero: encode those.
            guard high >= low else { return }
            (bytes, storedBuckets) = Self.encode(UnsafeBufferPointer(rebasing: dense[low...high]), offset: low)
        }
    }

    /// Every histogram of `parts` merged: the distribution of all their observations together.
    /// Exact: counts add, maxima take the largest. O(bytes of the parts + ``bucketCount``).
    public init(merging parts: some Sequence<CompactLatencyHistogram>) {
        var dense = [UInt64](repeating: 0, count: Self.bucketCount)
        dense.withUnsafeMutableBufferPointer { dense in
            for part in parts {
                part.forEachBucket { bucket, n in dense[bucket] &+= n }
                count += part.count
                maxNanoseconds = max(maxNanoseconds, part.maxNanoseconds)
            }
            (bytes, storedBuckets) = Self.encode(UnsafeBufferPointer(dense))
        }
    }

    /// Adds `count` observations of `latency` (tests and small series; O(bytes + ``bucketCount``)).
    public mutating func record(_ latency: SimTime, count n: Int = 1) {
        precondition(n >= 0, "count \(n) < 0")
        guard n > 0 else { return }
        let ns = max(latency.nanoseconds, 0)
        let bucket = min(Self.index(ofUnits: ns / LatencyHistogram.unitNanoseconds), Self.bucketCount - 1)
        var dense = [UInt64](repeating: 0, count: Self.bucketCount)
        forEachBucket { b, c in dense[b] = c }
        dense[bucket] += UInt64(n)
        (bytes, storedBuckets) = dense.withUnsafeBufferPointer { Self.encode($0) }
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
        var found: Int?
        forEachBucket { bucket, n in
            guard found == nil else { return }
            seen += n
            if seen >= rank { found = bucket }
        }
        guard let found else { return Self.seconds(maxNanoseconds) }
        let ns = (Self.highestValue(ofBucket: found) + 1) * LatencyHistogram.unitNanoseconds - 1
        return Self.seconds(min(ns, maxNanoseconds))
    }

    /// Nanoseconds to seconds, correctly rounded (300 ms is 0.3, not 0.30000000000000004), so
    /// that a p99 equal to a bound written in milliseconds compares equal.
    static func seconds(_ ns: Int64) -> Double { Double(ns) / 1e9 }

    /// The bytes the buckets take (the array's own 32-byte header aside).
    public var storedBytes: Int { bytes.count }


    static let layout = HdrBucketLayout(bits: bits)

    /// The bucket of a value in units of 1 µs: HdrHistogram's index with ``bits`` bits.
    static func index(ofUnits units: Int64) -> Int { layout.index(of: units) }

    /// The largest value (in units) that falls in bucket `index`.
    static func highestValue(ofBucket index: Int) -> Int64 { layout.highestValue(ofBucket: index) }

    /// For each coarse bucket, the first fine bucket (``LatencyHistogram``) inside it, plus one
    /// entry past the last: coarse bucket `c` holds exactly the fine buckets
    /// `fineStart[c] ..< fineStart[c + 1]`, because the layouts nest.
    static let fineStart: [Int] = {
        var starts = (0..<bucketCount).map { LatencyHistogram.index(of: lowestValue(ofBucket: $0)) }
        starts.append(LatencyHistogram.index(of: LatencyHistogram.highestTrackable / LatencyHistogram.unitNanoseconds) + 1)
        return starts
    }()

    /// The smallest value (in units) that falls in coarse bucket `index`.
    static func lowestValue(ofBucket index: Int) -> Int64 { layout.lowestValue(ofBucket: index) }

    /// Adds the counts of `h`'s fine buckets to the coarse buckets holding them, and returns the
    /// range of coarse buckets touched (nil for an empty histogram). Every coarse bucket covers
    /// a contiguous run of fine ones (the layouts nest, ``fineStart``), so each run is one
    /// reduction over adjacent memory, with one table lookup per coarse bucket, not one index
    /// computation (issue 10: this took a third of the per-interval work).
    @discardableResult
    static func addCoarse(of h: LatencyHistogram, into dense: UnsafeMutableBufferPointer<UInt64>) -> ClosedRange<Int>? {
        guard h.highestUsed >= h.lowestUsed else { return nil }
        let first = index(ofUnits: LatencyHistogram.lowestValue(ofBucket: h.lowestUsed))
        var coarse = first
        fineStart.withUnsafeBufferPointer { starts in
            h.counts.withUnsafeBufferPointer { fine in
                var i = h.lowestUsed
                let top = h.highestUsed
                while i <= top {
                    let end = min(starts[coarse &+ 1], top &+ 1)
                    var sum: UInt64 = 0
                    for k in i..<end { sum &+= fine[k] }
                    dense[coarse] &+= sum
                    i = end
                    coarse &+= 1
                }
            }
        }
        return first...(coarse - 1)
    }

    /// Calls `body(bucket, count)` for each non-empty bucket, ascending.
    func forEachBucket(_ body: (Int, UInt64) -> Void) {
        bytes.withUnsafeBufferPointer { bytes in
            var at = 0
            var bucket = -1
            while at < bytes.count {
                bucket += 1 + Int(Self.readVarint(bytes, &at))
                body(bucket, Self.readVarint(bytes, &at))
            }
        }
    }

    /// The varint at `at`, which moves past it.
    @inline(__always)
    static func readVarint(_ bytes: UnsafeBufferPointer<UInt8>, _ at: inout Int) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = bytes[at]
            at += 1
            value |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    /// The number of bytes of `value` as a varint.
    @inline(__always)
    static func varintLength(_ value: UInt64) -> Int { max(1, (64 - value.leadingZeroBitCount + 6) / 7) }

    /// The non-empty buckets of `dense` as (skipped, count) varints, in an array of exactly that
    /// many bytes (no doubling slack: it is kept for the whole run), and their number.
    static func encode(_ dense: UnsafeBufferPointer<UInt64>, offset: Int = 0) -> ([UInt8], Int) {
        // Bucket i of `dense` is bucket offset + i: the gap before the first non-empty one counts
        // from bucket 0, as if the buckets below `offset` were there, empty.
        var length = 0, buckets = 0, previous = -1 - offset
        for (i, n) in dense.enumerated() where n > 0 {
            length += varintLength(UInt64(i - previous - 1)) + varintLength(n)
            buckets += 1
            previous = i
        }
        let bytes = [UInt8](unsafeUninitializedCapacity: length) { out, initialized in
            var at = 0
            var previous = -1 - offset
            func put(_ value: UInt64) {
                var v = value
                while v >= 0x80 {
                    out[at] = UInt8(truncatingIfNeeded: v) | 0x80
                    at += 1
                    v >>= 7
                }
                out[at] = UInt8(v)
                at += 1
            }
            for (i, n) in dense.enumerated() where n > 0 {
                put(UInt64(i - previous - 1))
                put(n)
                previous = i
            }
            initialized = at
        }
        return (bytes, buckets)
    }
}
