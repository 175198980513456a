import SatsimCore

/// Counts over a sliding window of simulated time, kept as a ring of equal buckets.
///
/// The window is `buckets` x `bucketWidth` long; a sum covers the current bucket and the
/// `buckets - 1` before it, so its span is between (buckets - 1) and buckets widths. This is the
/// windowed adder of Finagle's retry budget and of most circuit breakers (Hystrix's rolling
/// counters). Adding and summing are O(buckets) at worst, allocate nothing, and use only
/// simulated time.
struct SlidingWindow {
    /// Per bucket: the values of each series (two series: e.g. attempts and failures).
    private var first: [Double]
    private var second: [Double]
    private let bucketWidth: Int64
    /// The index (time / width) of the newest bucket.
    private var newest: Int64 = 0

    /// A window of `span` in (at most) `buckets` buckets. A span shorter than `buckets`
    /// nanoseconds (a scenario may write `window: 0.005us`) gets one bucket per
    /// nanosecond, at least one: the window then covers about the current instant, which is what
    /// so short a window means.
    init(span: SimTime, buckets: Int = 10) {
        precondition(buckets >= 1, "a sliding window needs at least one bucket, found \(buckets)")
        let count = Int(min(Int64(buckets), max(span.nanoseconds, 1)))
        first = [Double](repeating: 0, count: count)
        second = [Double](repeating: 0, count: count)
        bucketWidth = max(span.nanoseconds / Int64(count), 1)
    }

    /// Moves the window forward to `now`, clearing buckets that fell out of it.
    private mutating func advance(to now: SimTime) {
        let index = now.nanoseconds / bucketWidth
        guard index > newest else { return }
        let stale = min(index - newest, Int64(first.count))
        for k in 1...stale {
            let slot = Int((newest + k) % Int64(first.count))
            first[slot] = 0
            second[slot] = 0
        }
        newest = index
    }

    mutating func add(first value: Double = 0, second other: Double = 0, at now: SimTime) {
        advance(to: now)
        let slot = Int(newest % Int64(first.count))
        first[slot] += value
        second[slot] += other
    }

    /// The sums of both series over the window ending at `now`.
    mutating func sums(at now: SimTime) -> (first: Double, second: Double) {
        advance(to: now)
        return (first.reduce(0, +), second.reduce(0, +))
    }

    /// Forgets everything.
    mutating func reset() {
        for i in first.indices {
            first[i] = 0
            second[i] = 0
        }
    }
}
