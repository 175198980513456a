/// A growable array in memory the owner manages by hand: reads and writes go straight to the
/// buffer, with no copy-on-write uniqueness check and no dynamic exclusivity check, and the
/// buffer's address is kept in the value itself.
///
/// **Why no Swift `Array`.** A simulation writes its hot state (slab rows, component states, the
/// calendar) a few dozen times per event. Through a Swift `Array` stored in a class every such
/// write first asks the runtime whether the buffer is uniquely referenced (a call each time);
/// callgrind counted 26 of them per event on the M/M/c benchmark, 8% of all instructions (issue
/// 10). The subscript hands out the element's address, so `column[i].field += 1` mutates in
/// place without copying the element out and back.
///
/// **Why the address in the value.** Until session 15 the column was a class: reaching an element
/// of a column stored in the simulation loaded the column object from the simulation, then the
/// object's buffer address, then the row, and after every store through a pointer the compiler
/// had to assume both loads might have changed, so it made them again at the next access.
/// callgrind's cache model counted 164 M data reads on plain at 5,000 s (the C loop makes about
/// half as many per event). Kept in the simulation's own memory, the address costs one load per
/// access, as C's global arrays do: 140 M reads, and about 8% less CPU time
/// (Benchmarks/README.md, "Session 15").
///
/// **Contract.** The value owns its storage through a strong reference, and every change of size
/// goes through its `mutating` methods, which keep the address and count. A *copy* of the value
/// goes stale once the original changes size (the storage may move): keep one value in one place
/// and reach it there. Beware `value.method(value.append(...))` with a non-mutating `method`:
/// Swift reads `value` for the call before it evaluates the argument. Debug builds check on every
/// access that the address and count are the storage's (an `assert`, as the index check), so a
/// stale copy traps in the tests; release builds drop both checks. An index that comes from
/// outside the simulation (user input) must be checked by the caller. Confined to one task (not
/// `Sendable`). The storage grows geometrically and is reused, so a steady state allocates nothing.
@frozen
public struct InlineColumn<Element>: RandomAccessCollection {
    public typealias Index = Int
    public typealias Indices = Range<Int>

    /// The owner of the storage, which frees it.
    @usableFromInline internal let storage: InlineColumnStorage<Element>
    /// The storage's address, count and capacity, kept here and only here: a change of size
    /// writes the value, not the owner (which learns of a new address, and of the count only
    /// for elements that need deinitialising).
    @usableFromInline internal var base: UnsafeMutablePointer<Element>
    @usableFromInline internal var _count: Int
    @usableFromInline internal var _capacity: Int

    /// An empty column with room for `capacity` elements before it first grows.
    @inlinable
    public init(capacity: Int = 16) {
        _capacity = Swift.max(capacity, 1)
        base = .allocate(capacity: _capacity)
        _count = 0
        storage = InlineColumnStorage(base: base)
    }

    /// Whether the owner follows the count: always for elements that need deinitialising, and
    /// in debug builds for all, so that ``isCurrent`` can check it.
    @inlinable @inline(__always)
    internal static var tracksCount: Bool { !_isPOD(Element.self) || _isDebugAssertConfiguration() }

    /// Whether this value is the column as it is (not a copy taken before a change of size): the
    /// address, and in debug builds the count, agree with the owner's.
    @inlinable
    internal var isCurrent: Bool {
        base == storage.base && (!_isDebugAssertConfiguration() || _count == storage.count)
    }

    @inlinable public var count: Int { _count }
    @inlinable public var capacity: Int { _capacity }
    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { _count }
    @inlinable public var indices: Range<Int> { 0..<_count }
    @inlinable public var isEmpty: Bool { _count == 0 }
    @inlinable public func index(after i: Int) -> Int { i &+ 1 }
    @inlinable public func index(before i: Int) -> Int { i &- 1 }

    /// The element at `i`, read and written in place (the write does not mutate the value: the
    /// elements are not part of it).
    @inlinable
    public subscript(i: Int) -> Element {
        @inline(__always) unsafeAddress {
            assert(i >= 0 && i < _count, "index \(i) out of 0..<\(_count)")
            assert(isCurrent, "a stale copy of an InlineColumn")
            return UnsafePointer(base + i)
        }
        @inline(__always) nonmutating unsafeMutableAddress {
            assert(i >= 0 && i < _count, "index \(i) out of 0..<\(_count)")
            assert(isCurrent, "a stale copy of an InlineColumn")
            return base + i
        }
    }

    /// The address of element 0 (valid until the column next grows).
    @inlinable public var baseAddress: UnsafeMutablePointer<Element> {
        assert(isCurrent, "a stale copy of an InlineColumn")
        return base
    }

    /// Calls `body` with the elements as a buffer.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: base, count: _count))
    }

    /// Appends an element; O(1) amortised.
    @inlinable @inline(__always)
    public mutating func append(_ element: Element) {
        assert(isCurrent, "a stale copy of an InlineColumn")
        if _count == _capacity { grow(to: 2 &* _capacity) }
        (base + _count).initialize(to: element)
        _count &+= 1
        if Self.tracksCount { storage.count = _count }
    }

    /// Makes room for at least `capacity` elements.
    @inlinable
    public mutating func reserveCapacity(_ capacity: Int) {
        if capacity > _capacity { grow(to: capacity) }
    }

    @usableFromInline @inline(never)
    internal mutating func grow(to capacity: Int) {
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity)
        bigger.moveInitialize(from: base, count: _count)
        base.deallocate()
        base = bigger
        _capacity = capacity
        storage.base = bigger
    }

    /// Removes and returns the last element, or nil when empty.
    @inlinable @inline(__always)
    public mutating func popLast() -> Element? {
        assert(isCurrent, "a stale copy of an InlineColumn")
        guard _count > 0 else { return nil }
        _count &-= 1
        if Self.tracksCount { storage.count = _count }
        return (base + _count).move()
    }

    /// Appends an uninitialized element and returns its index: the caller writes it (through
    /// ``baseAddress``) before anything reads it. Only for a trivial `Element`, which an assignment
    /// through the address initializes. A heap's push uses it to write the new element once, at
    /// its final place, instead of at the end and then again where it settles.
    @inlinable @inline(__always)
    public mutating func appendUninitialized() -> Int {
        assert(_isPOD(Element.self), "appendUninitialized needs a trivial element")
        if _count == _capacity { grow(to: 2 &* _capacity) }
        let index = _count
        _count &+= 1
        if Self.tracksCount { storage.count = _count }
        return index
    }

    /// Removes and returns the last element; the column must not be empty.
    @inlinable @inline(__always)
    @discardableResult
    public mutating func removeLast() -> Element {
        precondition(_count > 0, "removeLast on an empty column")
        _count &-= 1
        if Self.tracksCount { storage.count = _count }
        return (base + _count).move()
    }

    /// Removes the elements for which `shouldRemove` is true, keeping the order of the rest.
    /// - Returns: how many were removed.
    @inlinable
    @discardableResult
    public mutating func removeAll(where shouldRemove: (Element) -> Bool) -> Int {
        var kept = 0
        for i in 0..<_count {
            if shouldRemove(base[i]) {
                (base + i).deinitialize(count: 1)
            } else {
                if kept != i { (base + kept).moveInitialize(from: base + i, count: 1) }
                kept &+= 1
            }
        }
        let removed = _count - kept
        _count = kept
        if Self.tracksCount { storage.count = _count }
        return removed
    }

    /// Removes every element and keeps the storage.
    @inlinable
    public mutating func removeAll() {
        base.deinitialize(count: _count)
        _count = 0
        storage.count = 0
    }
}

/// Frees an ``InlineColumn``'s storage when the last copy of the column goes. It knows the
/// storage's address, and its count only for elements that need deinitialising (a plain
/// integer row has nothing to deinitialise, so its appends write nothing here).
@usableFromInline
internal final class InlineColumnStorage<Element> {
    @exclusivity(unchecked) @usableFromInline internal var base: UnsafeMutablePointer<Element>
    @exclusivity(unchecked) @usableFromInline internal var count = 0

    @inlinable
    internal init(base: UnsafeMutablePointer<Element>) { self.base = base }

    deinit {
        if !_isPOD(Element.self) { base.deinitialize(count: count) }
        base.deallocate()
    }
}
