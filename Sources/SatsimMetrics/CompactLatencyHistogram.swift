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
    /// interval). O(non-empty buckets of the inputs + coarse buckets they span): the dense
    /// scratch covers only that span, and each input is read through its occupancy bitmap.
    public init(merging histograms: [LatencyHistogram]) {
        var (low, high) = (Int.max, -1)
        var inputs = 0, only = 0
        for (k, h) in histograms.enumerated() where h.count > 0 && h.highestUsed >= h.lowestUsed {
            low = min(low, Self.index(ofUnits: LatencyHistogram.lowestValue(ofBucket: h.lowestUsed)))
            high = max(high, Self.index(ofUnits: LatencyHistogram.lowestValue(ofBucket: h.highestUsed)))
            count += h.count
            maxNanoseconds = max(maxNanoseconds, h.maxNanoseconds)
            (inputs, only) = (inputs + 1, k)
        }
        guard high >= low else { return }
        if inputs == 1 && count <= 2 * (high - low + 1) {
            // One sparse input (one client over a short interval, the common case): its coarse
            // buckets come out of one walk over its non-empty fine buckets, in order, with no
            // scratch to clear or scan. A dense one (many observations per coarse bucket) is
            // cheaper through the scratch, which the fine buckets are walked into once.
            (bytes, storedBuckets) = Self.encode(coarseOf: histograms[only])
            return
        }
        var dense = [UInt64](repeating: 0, count: high - low + 1)
        dense.withUnsafeMutableBufferPointer { dense in
            for h in histograms { Self.forEachCoarse(of: h) { bucket, n in dense[bucket &- low] &+= n } }
            (bytes, storedBuckets) = Self.encode(UnsafeBufferPointer(dense), offset: low)
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

    /// Calls `body(coarse bucket, count)` for each non-empty coarse bucket of `h`, ascending: the
    /// non-empty fine buckets in order (the occupancy bitmap), summed while they fall in the same
    /// coarse bucket (``fineStart``, exact because the layouts nest). O(non-empty fine buckets +
    /// coarse buckets spanned), where scanning every fine bucket of the span took a third of the
    /// per-interval work (issue 10).
    @inline(__always)
    static func forEachCoarse(of h: LatencyHistogram, _ body: (Int, UInt64) -> Void) {
        guard h.highestUsed >= h.lowestUsed else { return }
        var coarse = index(ofUnits: LatencyHistogram.lowestValue(ofBucket: h.lowestUsed))
        var pending: UInt64 = 0
        fineStart.withUnsafeBufferPointer { starts in
            h.counts.withUnsafeBufferPointer { fine in
                LatencyHistogram.forEachUsed(fine, h.lowestUsed, h.highestUsed) { i, n in
                    if starts[coarse &+ 1] <= i {
                        // Every fine bucket visited holds something, so the pending sum does.
                        body(coarse, pending)
                        pending = 0
                        repeat { coarse &+= 1 } while starts[coarse &+ 1] <= i
                    }
                    pending &+= n
                }
            }
        }
        if pending > 0 { body(coarse, pending) }
    }

    /// `h`'s coarse buckets as (skipped, count) varints, exactly as ``encode(_:offset:)`` writes
    /// them from a dense copy, and their number: one walk into a scratch of the largest size
    /// they can take (two varints of at most 10 bytes per coarse bucket spanned), then a copy of
    /// the bytes written into an array of exactly that size.
    static func encode(coarseOf h: LatencyHistogram) -> ([UInt8], Int) {
        guard h.highestUsed >= h.lowestUsed else { return ([], 0) }
        let low = index(ofUnits: LatencyHistogram.lowestValue(ofBucket: h.lowestUsed))
        let high = index(ofUnits: LatencyHistogram.lowestValue(ofBucket: h.highestUsed))
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20 * (high - low + 1)) { scratch in
            var at = 0, buckets = 0, previous = -1
            forEachCoarse(of: h) { bucket, n in
                put(UInt64(bucket - previous - 1), into: scratch, at: &at)
                put(n, into: scratch, at: &at)
                buckets += 1
                previous = bucket
            }
            return (Array(UnsafeBufferPointer(rebasing: scratch[..<at])), buckets)
        }
    }

    /// Writes `value` as a LEB128 varint at `at`, which moves past it.
    @inline(__always)
    static func put(_ value: UInt64, into out: UnsafeMutableBufferPointer<UInt8>, at: inout Int) {
        var v = value
        while v >= 0x80 {
            out[at] = UInt8(truncatingIfNeeded: v) | 0x80
            at += 1
            v >>= 7
        }
        out[at] = UInt8(v)
        at += 1
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
            for (i, n) in dense.enumerated() where n > 0 {
                put(UInt64(i - previous - 1), into: out, at: &at)
                put(n, into: out, at: &at)
                previous = i
            }
            initialized = at
        }
        return (bytes, buckets)
    }
}
