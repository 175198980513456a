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
    /// The top bucket's index, `index(of: highestTrackable / unitNanoseconds)`: values beyond one
    /// hour land there. Literals, not stored constants: a `static let` is a lazily initialised
    /// global, and reading one from the inlined record was a call per success (`init` asserts
    /// that the literals match the layout).
    @inlinable static var topIndex: Int { 23_220 }
    /// Where the occupancy words start in ``counts``: right after the buckets.
    @inlinable static var occupancyStart: Int { 23_221 }
    /// One bit per bucket, 64 to a word: ceil((topIndex + 1) / 64).
    @inlinable static var occupancyWords: Int { 363 }

    /// The buckets, then the occupancy words: bit `i & 63` of word `occupancyStart + i >> 6` is
    /// set exactly when bucket `i` is not empty. Both live in one array so that a record makes
    /// one uniqueness check, not two.
    ///
    /// Why the bitmap: a metrics interval of a second holds a few hundred successes spread over
    /// thousands of buckets (a plain M/M/c run's span 10k of them), and closing the interval read
    /// every bucket of that span three times (the coarse copy, the p99, the fold into the run's
    /// histogram) and cleared it: at the default 1 s interval that was 47% of all the
    /// instructions of the M/M/c benchmark (callgrind, issue 10). With the bitmap each pass visits
    /// the non-empty buckets only, at one OR per record.
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
        assert(
            Self.topIndex == Self.index(of: Self.highestTrackable / Self.unitNanoseconds)
                && Self.occupancyStart == Self.topIndex + 1 && Self.occupancyWords == (Self.topIndex + 64) / 64,
            "the histogram's layout literals do not match its layout")
        counts = [UInt64](repeating: 0, count: Self.occupancyStart + Self.occupancyWords)
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
        let i = min(Self.index(of: ns / Self.unitNanoseconds), Self.topIndex)
        counts.withUnsafeMutableBufferPointer { c in
            c[i] &+= 1
            c[Self.occupancyStart &+ (i &>> 6)] |= 1 &<< UInt64(truncatingIfNeeded: i & 63)
        }
        _count &+= 1
        if i < lowestUsed { lowestUsed = i }
        if i > highestUsed { highestUsed = i }
    }

    /// Calls `body(bucket, count)` for each non-empty bucket of `c` (a histogram's ``counts``)
    /// within `lowest...highest`, ascending. O(words spanned + non-empty buckets).
    @inline(__always)
    static func forEachUsed(
        _ c: UnsafeBufferPointer<UInt64>, _ lowest: Int, _ highest: Int, _ body: (Int, UInt64) -> Void
    ) {
        guard highest >= lowest else { return }
        for w in (lowest &>> 6)...(highest &>> 6) {
            var bits = c[occupancyStart &+ w]
            while bits != 0 {
                let i = (w &<< 6) | bits.trailingZeroBitCount
                body(i, c[i])
                bits &= bits &- 1
            }
        }
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
        guard rank <= UInt64(count) else { return maxSeconds }
        // The bucket holding the rank-th smallest observation is the lowest one with at most
        // count - rank observations above it. A high percentile is found from the top, a low one
        // from the bottom: either way the walk visits the non-empty buckets on its side only.
        let above = UInt64(count) - rank
        let bucket: Int = counts.withUnsafeBufferPointer { c in
            if above < rank {
                var seen: UInt64 = 0
                var w = highestUsed &>> 6
                while w >= lowestUsed &>> 6 {
                    var bits = c[Self.occupancyStart &+ w]
                    while bits != 0 {
                        let b = 63 &- bits.leadingZeroBitCount
                        let i = (w &<< 6) | b
                        if seen &+ c[i] > above { return i }
                        seen &+= c[i]
                        bits &= ~(1 &<< UInt64(b))
                    }
                    w &-= 1
                }
            } else {
                var seen: UInt64 = 0
                for w in (lowestUsed &>> 6)...(highestUsed &>> 6) {
                    var bits = c[Self.occupancyStart &+ w]
                    while bits != 0 {
                        let i = (w &<< 6) | bits.trailingZeroBitCount
                        seen &+= c[i]
                        if seen >= rank { return i }
                        bits &= bits &- 1
                    }
                }
            }
            // Not reached: the counts add up to `count` >= rank.
            return highestUsed
        }
        let ns = (Self.highestValue(ofBucket: bucket) + 1) * Self.unitNanoseconds - 1
        return Double(min(ns, maxNanoseconds)) * 1e-9
    }

    /// Forgets every observation. O(used span / 64 + non-empty buckets).
    public mutating func reset() {
        if highestUsed >= lowestUsed {
            let (from, to) = (lowestUsed &>> 6, highestUsed &>> 6)
            counts.withUnsafeMutableBufferPointer { c in
                for w in from...to {
                    var bits = c[Self.occupancyStart &+ w]
                    while bits != 0 {
                        c[(w &<< 6) | bits.trailingZeroBitCount] = 0
                        bits &= bits &- 1
                    }
                    c[Self.occupancyStart &+ w] = 0
                }
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
    /// issue 10): one pass over `other`'s non-empty buckets.
    public mutating func addBuckets(of other: LatencyHistogram, except: LatencyHistogram) {
        guard other.highestUsed >= other.lowestUsed else { return }
        precondition(except.count <= other.count, "removing \(except.count) observations of \(other.count)")
        var first = Int.max, last = -1
        counts.withUnsafeMutableBufferPointer { mine in
            other.counts.withUnsafeBufferPointer { theirs in
                except.counts.withUnsafeBufferPointer { removed in
                    // `except` holds a part of `other`: its non-empty buckets are among other's.
                    Self.forEachUsed(theirs, other.lowestUsed, other.highestUsed) { i, n in
                        let added = n &- removed[i]
                        guard added != 0 else { return }
                        mine[i] &+= added
                        mine[Self.occupancyStart &+ (i &>> 6)] |= 1 &<< UInt64(truncatingIfNeeded: i & 63)
                        if i < first { first = i }
                        last = i
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
    /// leave out, the add and the clearing are one pass over `other`'s non-empty buckets: a run
    /// folds each interval's histogram this way.
    public mutating func moveBuckets(from other: inout LatencyHistogram, except: LatencyHistogram) {
        guard except._count == 0, other.highestUsed >= other.lowestUsed else {
            addBuckets(of: other, except: except)
            other.reset()
            return
        }
        let (from, to) = (other.lowestUsed, other.highestUsed)
        counts.withUnsafeMutableBufferPointer { mine in
            other.counts.withUnsafeMutableBufferPointer { theirs in
                for w in (from &>> 6)...(to &>> 6) {
                    let word = Self.occupancyStart &+ w
                    var bits = theirs[word]
                    mine[word] |= bits
                    theirs[word] = 0
                    while bits != 0 {
                        let i = (w &<< 6) | bits.trailingZeroBitCount
                        mine[i] &+= theirs[i]
                        theirs[i] = 0
                        bits &= bits &- 1
                    }
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

    /// Whether every bucket's occupancy bit says what the bucket holds and the used range covers
    /// every non-empty bucket (for tests: the passes above trust both).
    public var occupancyIsConsistent: Bool {
        counts.withUnsafeBufferPointer { c in
            for i in 0...Self.topIndex {
                let bit = c[Self.occupancyStart + i >> 6] >> UInt64(i & 63) & 1
                if (c[i] != 0) != (bit == 1) { return false }
                if c[i] != 0 && (i < lowestUsed || i > highestUsed) { return false }
            }
            return true
        }
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
