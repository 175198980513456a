import SatsimCore

/// The running integral of a piecewise-constant quantity over simulated time (a queue length, a
/// count of busy workers), from which time averages over any window are differences.
///
/// Call ``set(_:at:)`` whenever the quantity changes; O(1), no allocation.
public struct TimeIntegral: Sendable {
    /// The current value of the quantity.
    public var value: Double = 0
    /// The time of the last change.
    public var lastChange: SimTime = .zero
    /// The integral up to `lastChange`, in value x nanoseconds: a change then costs a multiply
    /// and an add, with no division on the event path (the conversion to seconds, a division by
    /// 1e9, was a tenth of the request handler's samples on the M/M/c benchmark, perf, issue 10).
    /// A whole-number value times a span in nanoseconds is exact in a `Double` below 2^53, so
    /// a count of busy workers integrates without rounding up to 9 x 10^15 worker-nanoseconds
    /// (100 workers for a day), and rounds once per change beyond, as value x seconds did.
    public var areaNanoseconds: Double = 0
    /// The integral up to `lastChange`, in value x seconds.
    public var area: Double { areaNanoseconds / 1e9 }

    public init(value: Double = 0, at time: SimTime = .zero) {
        self.value = value
        self.lastChange = time
    }

    /// Records that the quantity becomes `newValue` at `time` (time must not go backwards).
    @inlinable
    public mutating func set(_ newValue: Double, at time: SimTime) {
        advance(to: time)
        value = newValue
    }

    /// Adds `delta` to the quantity at `time`.
    @inlinable
    public mutating func add(_ delta: Double, at time: SimTime) {
        set(value + delta, at: time)
    }

    /// The integral from the start up to `time`, which must not be earlier than the last change.
    @inlinable
    public func integral(upTo time: SimTime) -> Double {
        (areaNanoseconds + value * Double(time.nanoseconds &- lastChange.nanoseconds)) / 1e9
    }

    @usableFromInline
    internal mutating func advance(to time: SimTime) {
        areaNanoseconds += value * Double(time.nanoseconds &- lastChange.nanoseconds)
        lastChange = time
    }
}
