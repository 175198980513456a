/// HdrHistogram's bucket layout, shared by ``LatencyHistogram`` and ``CompactLatencyHistogram``:
/// the first 2^bits values each have a bucket of their own, and every later power of two is
/// split into 2^(bits - 1) buckets, so a bucket's width is at most 2^(1 - bits) of its values.
///
/// `bits` is a compile-time constant at every call site; the functions are inlinable so the hot
/// path of ``LatencyHistogram/record(_:)`` compiles to the same shifts as before.
@usableFromInline
struct HdrBucketLayout: Sendable {
    @usableFromInline let bits: Int
    @usableFromInline let subBucketCount: Int
    @usableFromInline let halfCount: Int

    @inlinable
    init(bits: Int) {
        precondition(bits >= 2 && bits <= 32, "HdrHistogram layout with \(bits) sub-bucket bits")
        self.bits = bits
        subBucketCount = 1 << bits
        halfCount = subBucketCount >> 1
    }

    /// The bucket of a value in units. O(1).
    @inlinable @inline(__always)
    func index(of units: Int64) -> Int { Self.index(of: units, bits: bits) }

    /// The bucket of a value in units, for a layout of `bits` sub-bucket bits: with `bits` a
    /// literal the hot path needs no layout value (a lazily initialised global is a call per
    /// record) and no overflow checks (every quantity is below 2^7 or 2^64 >> magnitude).
    @inlinable @inline(__always)
    static func index(of units: Int64, bits: Int) -> Int {
        let v = UInt64(max(units, 0))
        // The power of two above the first 2^bits values; 0 below them.
        let magnitude = max(0, (64 &- v.leadingZeroBitCount) &- bits)
        let sub = Int(truncatingIfNeeded: v >> UInt64(magnitude))
        let half = 1 << (bits &- 1)
        return magnitude == 0 ? sub : (magnitude &+ 1) &* half &+ (sub &- half)
    }

    /// The largest value (in units) that falls in bucket `index`.
    func highestValue(ofBucket index: Int) -> Int64 {
        if index < subBucketCount { return Int64(index) }
        let magnitude = index / halfCount - 1
        let sub = index % halfCount + halfCount
        return (Int64(sub + 1) << Int64(magnitude)) - 1
    }

    /// The smallest value (in units) that falls in bucket `index`.
    func lowestValue(ofBucket index: Int) -> Int64 {
        if index < subBucketCount { return Int64(index) }
        let magnitude = index / halfCount - 1
        let sub = index % halfCount + halfCount
        return Int64(sub) << Int64(magnitude)
    }
}
