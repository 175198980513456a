/// A growable array in memory the owner manages by hand: reads and writes go straight to the
/// buffer, with no copy-on-write uniqueness check and no dynamic exclusivity check.
///
/// **Why.** A simulation writes its hot state (slab columns, component states, the calendar) a
/// few dozen times per event. Through a Swift `Array` stored in a class every such write first
/// asks the runtime whether the buffer is uniquely referenced (a call each time); callgrind
/// counted 26 of them per event on the M/M/c benchmark, 8% of all instructions. A column is a
/// class, so it is never copied implicitly, and its subscript hands out the element's address,
/// so that `column[i].field += 1` mutates in place without copying the element out and back.
///
/// **Contract.** A column has reference semantics: two variables holding it see the same
/// elements. It is confined to one task (not `Sendable`). Indices are checked by `assert`, which
/// the debug builds the tests run keep and release builds drop: an index that comes from
/// outside the simulation (user input) must be checked by the caller. The storage grows
/// geometrically and is reused, so a steady state allocates nothing.
public final class UnsafeColumn<Element>: RandomAccessCollection {
    // The stored properties are @exclusivity(unchecked): a column is confined to one task, and
    // the run-time access tracking on a class's properties would cost more than the array checks
    // this type exists to avoid.
    public typealias Index = Int
    public typealias Indices = Range<Int>

    @exclusivity(unchecked) @usableFromInline internal var base: UnsafeMutablePointer<Element>
    @exclusivity(unchecked) @usableFromInline internal var _count: Int = 0
    @exclusivity(unchecked) @usableFromInline internal var _capacity: Int

    /// An empty column with room for `capacity` elements before it first grows.
    @inlinable
    public init(capacity: Int = 16) {
        _capacity = Swift.max(capacity, 1)
        base = .allocate(capacity: _capacity)
    }

    /// A column holding `elements`.
    @inlinable
    public convenience init<S: Sequence>(_ elements: S) where S.Element == Element {
        self.init(capacity: elements.underestimatedCount)
        for element in elements { append(element) }
    }

    deinit {
        base.deinitialize(count: _count)
        base.deallocate()
    }

    @inlinable public var count: Int { _count }
    @inlinable public var capacity: Int { _capacity }
    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { _count }
    @inlinable public var indices: Range<Int> { 0..<_count }
    @inlinable public var isEmpty: Bool { _count == 0 }
    @inlinable public func index(after i: Int) -> Int { i &+ 1 }
    @inlinable public func index(before i: Int) -> Int { i &- 1 }

    /// The element at `i`, read and written in place.
    @inlinable
    public subscript(i: Int) -> Element {
        unsafeAddress {
            assert(i >= 0 && i < _count, "index \(i) out of 0..<\(_count)")
            return UnsafePointer(base + i)
        }
        unsafeMutableAddress {
            assert(i >= 0 && i < _count, "index \(i) out of 0..<\(_count)")
            return base + i
        }
    }

    /// The address of element 0, for loops that index the storage directly (valid until the next
    /// append, which may move the storage).
    @inlinable public var baseAddress: UnsafeMutablePointer<Element> { base }

    /// Calls `body` with the elements as a buffer (as `Array.withUnsafeBufferPointer`).
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: base, count: _count))
    }

    /// Appends an element; O(1) amortised.
    @inlinable
    public func append(_ element: Element) {
        if _count == _capacity { grow(to: 2 * _capacity) }
        (base + _count).initialize(to: element)
        _count &+= 1
    }

    /// Appends an uninitialized element and returns its index: the caller must initialize it
    /// (``baseAddress`` + index) before anything reads it or the column is freed. A heap's push
    /// uses it to write the new element once, at its final place, instead of at the end and then
    /// again where it settles. For a trivial `Element` (plain integers, as a calendar's events),
    /// an assignment through the pointer initializes the slot.
    @inlinable
    public func appendUninitialized() -> Int {
        if _count == _capacity { grow(to: 2 * _capacity) }
        let index = _count
        _count &+= 1
        return index
    }

    /// Makes room for at least `capacity` elements.
    @inlinable
    public func reserveCapacity(_ capacity: Int) {
        if capacity > _capacity { grow(to: capacity) }
    }

    @usableFromInline
    internal func grow(to capacity: Int) {
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity)
        bigger.moveInitialize(from: base, count: _count)
        base.deallocate()
        base = bigger
        _capacity = capacity
    }

    /// Removes and returns the last element; the column must not be empty.
    @inlinable
    @discardableResult
    public func removeLast() -> Element {
        precondition(_count > 0, "removeLast on an empty column")
        _count &-= 1
        return (base + _count).move()
    }

    /// Removes and returns the last element, or nil when empty.
    @inlinable
    public func popLast() -> Element? {
        guard _count > 0 else { return nil }
        _count &-= 1
        return (base + _count).move()
    }

    /// Removes every element and keeps the storage.
    @inlinable
    public func removeAll() {
        base.deinitialize(count: _count)
        _count = 0
    }

    /// Removes the elements for which `shouldRemove` is true, keeping the order of the rest.
    /// - Returns: how many were removed.
    @inlinable
    @discardableResult
    public func removeAll(where shouldRemove: (Element) -> Bool) -> Int {
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
        return removed
    }
}
