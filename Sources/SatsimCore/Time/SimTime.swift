import CSatsimKernels

/// A point or span of simulated time, as a whole number of nanoseconds.
///
/// Simulated time is an integer so that ordering is exact and runs are reproducible bit for bit:
/// no two events ever compare differently on two machines because of rounding. 2^63 ns is about
/// 292 years, far beyond any scenario.
@frozen
public struct SimTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the start of the run (or the length of a span).
    public var nanoseconds: Int64

    @inlinable
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    // Computed, not `static let`: a stored static is read through an accessor that checks its
    // lazy initialisation, a call on every `> .zero` in the hot loop (issue 10).
    @inlinable public static var zero: SimTime { SimTime(nanoseconds: 0) }
    /// Later than any event a run can schedule.
    @inlinable public static var never: SimTime { SimTime(nanoseconds: .max) }

    /// Converts seconds to simulated time, rounding to the nearest nanosecond (halves away from
    /// zero, as `rounded()`) and clamping to `[0, never]`; NaN becomes zero.
    ///
    /// The rounding is done without libm's `round()`, which is a function call on every drawn
    /// duration: truncate, then add one when the part cut off is at least a half. Both steps are
    /// exact (for x >= 1 the truncation t lies in [x/2, x], so x - t is exact by Sterbenz's lemma;
    /// above 2^52 every double is an integer and the remainder is 0), so the result equals
    /// `rounded()` for every input; a test compares the two.
    ///
    /// The half-up step adds the comparison's 0 or 1 instead of branching on it: whether a drawn
    /// duration's fraction is below a half is a coin toss, and a mispredicted branch on every
    /// service time cost more than the rest of the conversion (perf, issue 10).
    @inlinable @inline(__always)
    public init(seconds: Double) {
        // The same steps in C (CSatsimKernels), where the conversion of a value already known to
        // be in range is one instruction: Swift's Int64(_:) checks it again (issue 10).
        nanoseconds = Int64(satsim_nanoseconds(seconds))
    }

    /// This time in seconds (a division, which is correctly rounded: 15 s reads exactly 15.0).
    @inlinable
    public var seconds: Double { Double(nanoseconds) / 1e9 }

    @inlinable
    public static func < (lhs: SimTime, rhs: SimTime) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// Adds a span, saturating at `never` instead of overflowing.
    @inlinable
    public static func + (lhs: SimTime, rhs: SimTime) -> SimTime {
        let (sum, overflow) = lhs.nanoseconds.addingReportingOverflow(rhs.nanoseconds)
        return SimTime(nanoseconds: overflow ? .max : sum)
    }

    @inlinable
    public static func - (lhs: SimTime, rhs: SimTime) -> SimTime {
        SimTime(nanoseconds: lhs.nanoseconds &- rhs.nanoseconds)
    }

    /// Seconds written from the integer count, so that 2 minutes reads `120s`, not the
    /// `120.00000000000001s` a conversion through Double would give.
    public var description: String {
        if self == .never { return "never" }
        let sign = nanoseconds < 0 ? "-" : ""
        let magnitude = nanoseconds.magnitude
        let whole = magnitude / 1_000_000_000
        var fraction = String(magnitude % 1_000_000_000)
        if fraction == "0" { return "\(sign)\(whole)s" }
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(sign)\(whole).\(fraction)s"
    }
}
