import SatsimCore

/// A latency distribution in HdrHistogram's log-linear layout: constant memory, three significant
/// digits, from 1 µs to one hour. Percentiles come from the buckets, never from sorting samples.
///
/// The layout is HdrHistogram's (Gil Tene): values are counted in units of 1 µs; the range
/// [2^k, 2^(k+1)) units is cut into 1024 equal sub-buckets (2048 below 2^11), so every bucket is
/// narrower than 0.1% of the values it holds. It is written out here rather than taken from the
/// hdrhistogram-swift package because that package's generic `record` is not specialisable across
/// modules and cost 15% of the engine's time per event (perf, M/M/c benchmark); the test suite
/// checks that both give the same percentiles.
///
/// Recording is O(1) and allocates nothing. Values beyond one hour land in the top bucket (the
/// exact maximum is kept separately).
public struct LatencyHistogram: Sendable {
    /// Sub-buckets per power of two (the first power holds twice as many).
    @usableFromInline static let subBucketBits = 11
    @usableFromInline static let subBucketCount = 1 << subBucketBits
    @usableFromInline static let halfCount = subBucketCount >> 1
    /// The unit of the buckets [ns].
    public static let unitNanoseconds: Int64 = 1_000
    /// The largest value the buckets resolve [ns] (one hour).
    public static let highestTrackable: Int64 = 3_600_000_000_000

    @usableFromInline var counts: [UInt64]
    @usableFromInline var lowestUsed = Int.max
    @usableFromInline var highestUsed = -1
    @usableFromInline var _count = 0
    @usableFromInline var _sumSeconds: Double = 0
    @usableFromInline var _maxNanoseconds: Int64 = 0
    /// The number of observations.
    public var count: Int { _count }
    /// Exact sum and maximum, so that the mean and max carry no bucketing error.
    public var sumSeconds: Double { _sumSeconds }
    public var maxNanoseconds: Int64 { _maxNanoseconds }

    public init() {
        let topIndex = Self.index(of: Self.highestTrackable / Self.unitNanoseconds)
        counts = [UInt64](repeating: 0, count: topIndex + 1)
    }

    /// The bucket layout: 11 sub-bucket bits, three significant digits.
    @usableFromInline static let layout = HdrBucketLayout(bits: subBucketBits)

    /// The bucket of a value in units.
    @inlinable @inline(__always)
    static func index(of units: Int64) -> Int { HdrBucketLayout.index(of: units, bits: subBucketBits) }

    /// The largest value (in units) that falls in bucket `index`.
    static func highestValue(ofBucket index: Int) -> Int64 { layout.highestValue(ofBucket: index) }

    /// The smallest value (in units) that falls in bucket `index`.
    static func lowestValue(ofBucket index: Int) -> Int64 { layout.lowestValue(ofBucket: index) }

    /// Adds one observation.
    @inlinable @inline(__always)
    public mutating func record(_ latency: SimTime) {
        let ns = max(latency.nanoseconds, 0)
        _sumSeconds += Double(ns) * 1e-9
        if ns > _maxNanoseconds { _maxNanoseconds = ns }
        let i = min(Self.index(of: ns / Self.unitNanoseconds), counts.count - 1)
        counts[i] &+= 1
        _count &+= 1
        if i < lowestUsed { lowestUsed = i }
        if i > highestUsed { highestUsed = i }
    }

    /// The mean in seconds (0 when empty).
    public var meanSeconds: Double { count == 0 ? 0 : sumSeconds / Double(count) }

    /// The maximum in seconds (0 when empty).
    public var maxSeconds: Double { Double(maxNanoseconds) * 1e-9 }

    /// The value at `percentile` (0-100) in seconds: the highest value of the bucket holding the
    /// ceil(percentile% x count)-th smallest observation (HdrHistogram's definition), capped by
    /// the exact maximum.
    public func percentileSeconds(_ percentile: Double) -> Double {
        guard count > 0 else { return 0 }
        // nextDown, as HdrHistogram does: 99.9 / 100 * 1000 is 999.0000000000001 in floating
        // point, and rounding that up would report the 1000th value instead of the 999th.
        let rank = max(1, UInt64((max(percentile.nextDown, 0) * Double(count) / 100).rounded(.up)))
        // Whole blocks of 64 buckets are skipped by their sums (a reduction the compiler
        // vectorises), then the block holding the rank is scanned bucket by bucket: the same
        // bucket as a plain scan, at a fraction of the cost over the ~20,000 buckets an
        // interval of seconds-long latencies spans (issue 10).
        let bucket: Int? = counts.withUnsafeBufferPointer { c in
            var seen: UInt64 = 0
            var i = lowestUsed
            while i &+ 64 <= highestUsed &+ 1 {
                var block: UInt64 = 0
                for k in i..<(i &+ 64) { block &+= c[k] }
                if seen &+ block >= rank { break }
                seen &+= block
                i &+= 64
            }
            while i <= highestUsed {
                seen &+= c[i]
                if seen >= rank { return i }
                i &+= 1
            }
            return nil
        }
        guard let bucket else { return maxSeconds }
        let ns = (Self.highestValue(ofBucket: bucket) + 1) * Self.unitNanoseconds - 1
        return Double(min(ns, maxNanoseconds)) * 1e-9
    }

    /// Forgets every observation. O(buckets used).
    public mutating func reset() {
        if highestUsed >= lowestUsed {
            // One fill of the used range (a memset), not a checked store per bucket.
            let (from, used) = (lowestUsed, highestUsed - lowestUsed + 1)
            counts.withUnsafeMutableBufferPointer { counts in
                counts.baseAddress.map { ($0 + from).update(repeating: 0, count: used) }
            }
        }
        lowestUsed = .max
        highestUsed = -1
        _count = 0
        _sumSeconds = 0
        _maxNanoseconds = 0
    }

    /// Adds `other`'s buckets, less those of `except`, to this histogram's buckets and count; the
    /// sum and maximum are left alone (``setMoments(sumSeconds:maxNanoseconds:)`` sets them).
    /// `except` must hold a part of `other`'s observations (a bucket never goes below zero).
    ///
    /// This is how a run's histogram is built from its intervals' (each success recorded once,
    /// issue 10): one pass over the buckets `other` used, which the compiler vectorises.
    public mutating func addBuckets(of other: LatencyHistogram, except: LatencyHistogram) {
        guard other.highestUsed >= other.lowestUsed else { return }
        precondition(except.count <= other.count, "removing \(except.count) observations of \(other.count)")
        let (from, to) = (other.lowestUsed, other.highestUsed)
        if except._count == 0 {
            // The common case after warmup: nothing to leave out, so `other`'s used range is
            // exactly what grows, and one add per bucket does it.
            counts.withUnsafeMutableBufferPointer { mine in
                other.counts.withUnsafeBufferPointer { theirs in
                    for i in from...to { mine[i] &+= theirs[i] }
                }
            }
            _count &+= other._count
            if from < lowestUsed { lowestUsed = from }
            if to > highestUsed { highestUsed = to }
            return
        }
        var first = Int.max, last = -1
        counts.withUnsafeMutableBufferPointer { mine in
            other.counts.withUnsafeBufferPointer { theirs in
                except.counts.withUnsafeBufferPointer { removed in
                    for i in from...to {
                        let added = theirs[i] &- removed[i]
                        mine[i] &+= added
                    }
                    // The used range grows only by buckets that gained an observation.
                    for i in from...to where theirs[i] != removed[i] {
                        first = i
                        break
                    }
                    for i in stride(from: to, through: from, by: -1) where theirs[i] != removed[i] {
                        last = i
                        break
                    }
                }
            }
        }
        _count &+= other._count &- except._count
        if first < lowestUsed { lowestUsed = first }
        if last > highestUsed { highestUsed = last }
    }

    /// Moves `other`'s buckets, less those of `except`, into this histogram (as
    /// ``addBuckets(of:except:)``) and leaves `other` empty (as ``reset()``). With nothing to
    /// leave out, the add and the clearing are one pass over `other`'s used buckets instead of
    /// two (the add, then a fill of zeros): a run folds each interval's histogram this way.
    public mutating func moveBuckets(from other: inout LatencyHistogram, except: LatencyHistogram) {
        guard except._count == 0, other.highestUsed >= other.lowestUsed else {
            addBuckets(of: other, except: except)
            other.reset()
            return
        }
        let (from, to) = (other.lowestUsed, other.highestUsed)
        counts.withUnsafeMutableBufferPointer { mine in
            other.counts.withUnsafeMutableBufferPointer { theirs in
                for i in from...to {
                    mine[i] &+= theirs[i]
                    theirs[i] = 0
                }
            }
        }
        _count &+= other._count
        if from < lowestUsed { lowestUsed = from }
        if to > highestUsed { highestUsed = to }
        // Every used bucket is zero now: only the bookkeeping is left to reset.
        other.lowestUsed = .max
        other.highestUsed = -1
        other._count = 0
        other._sumSeconds = 0
        other._maxNanoseconds = 0
    }

    /// Sets the exact sum and maximum, for a histogram whose buckets came from
    /// ``addBuckets(of:except:)`` and whose moments were accumulated alongside.
    public mutating func setMoments(sumSeconds: Double, maxNanoseconds: Int64) {
        _sumSeconds = sumSeconds
        _maxNanoseconds = maxNanoseconds
    }

    /// mean, p50, p90, p99 and max, in seconds.
    public var summary: LatencySummary {
        LatencySummary(
            mean: meanSeconds, p50: percentileSeconds(50), p90: percentileSeconds(90), p99: percentileSeconds(99),
            max: maxSeconds)
    }
}

/// `latency` in summary.json: seconds.
public struct LatencySummary: Sendable, Hashable {
    public var mean: Double
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var max: Double
    public init(mean: Double, p50: Double, p90: Double, p99: Double, max: Double) {
        self.mean = mean
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.max = max
    }
}
