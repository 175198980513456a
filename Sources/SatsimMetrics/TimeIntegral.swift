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
    /// The integral up to `lastChange`, in value x seconds.
    public var area: Double = 0

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
        area + value * (time - lastChange).seconds
    }

    @usableFromInline
    internal mutating func advance(to time: SimTime) {
        area += value * (time - lastChange).seconds
        lastChange = time
    }
}
