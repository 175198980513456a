/// A reference to an object that something else keeps alive, stored as a plain pointer.
///
/// Reading a strong reference out of a component state held in an ``InlineColumn`` and calling
/// a method on it costs a retain and a release (the compiler cannot prove the memory unchanged
/// during the call): about 22 instructions per use, measured with callgrind on the random stream
/// of every service time and the latency histogram of every success (issue 10). An `UnownedRef`
/// is a trivial value: ``with(_:)`` hands the object to its body at +0, with no reference count
/// traffic. The caller guarantees the object outlives every use (the state keeps a strong
/// reference next to it).
@frozen
public struct UnownedRef<Object: AnyObject> {
    @usableFromInline internal let raw: UnsafeMutableRawPointer

    @inlinable
    public init(_ object: Object) { raw = Unmanaged.passUnretained(object).toOpaque() }

    /// Calls `body` with the object, without retaining it.
    @inlinable @inline(__always)
    public func with<Result>(_ body: (Object) -> Result) -> Result {
        Unmanaged<Object>.fromOpaque(raw)._withUnsafeGuaranteedRef(body)
    }
}
