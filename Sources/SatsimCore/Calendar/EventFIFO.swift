/// A first-in-first-out ring of events that are scheduled in time order: the timers of one fixed
/// delay (a client's timeout, a call's timeout), which are always `now + delay` with `now` never
/// going back, so each lands behind the last. Appending and popping are O(1), against
/// O(log n) for the heap, and the heap stays smaller by as many events. See
/// ``EventCalendar/addFIFO()``.
public final class EventFIFO {
    // Unchecked for the same reason as InlineColumn's owner: one task, no overlapping access.
    @exclusivity(unchecked) @usableFromInline internal var base: UnsafeMutablePointer<ScheduledEvent>
    /// Capacity - 1; the capacity is a power of two, so an index wraps with a mask.
    @exclusivity(unchecked) @usableFromInline internal var mask: Int
    @exclusivity(unchecked) @usableFromInline internal var head: Int = 0
    @exclusivity(unchecked) @usableFromInline internal var _count: Int = 0

    @inlinable
    public init(capacity: Int = 256) {
        var size = 1
        while size < capacity { size <<= 1 }
        base = .allocate(capacity: size)
        mask = size - 1
    }

    deinit { base.deallocate() }

    @inlinable public var count: Int { _count }

    /// The earliest event (the FIFO must not be empty).
    @inlinable public var first: ScheduledEvent {
        assert(_count > 0, "first of an empty FIFO")
        return base[head]
    }

    /// The latest event (the FIFO must not be empty).
    @inlinable public var last: ScheduledEvent {
        assert(_count > 0, "last of an empty FIFO")
        return base[(head &+ _count &- 1) & mask]
    }

    @inlinable @inline(__always)
    public func append(_ event: ScheduledEvent) {
        if _count > mask { grow() }
        base[(head &+ _count) & mask] = event
        _count &+= 1
    }

    @inlinable
    @discardableResult
    public func removeFirst() -> ScheduledEvent {
        assert(_count > 0, "removeFirst of an empty FIFO")
        let event = base[head]
        _count &-= 1
        // Back to the start when empty: a ring that holds one event at a time (an open-loop
        // client's next arrival) then reuses one cache line instead of walking its whole buffer.
        head = _count == 0 ? 0 : (head &+ 1) & mask
        return event
    }

    @usableFromInline
    internal func grow() {
        let size = 2 * (mask + 1)
        let bigger = UnsafeMutablePointer<ScheduledEvent>.allocate(capacity: size)
        for k in 0..<_count { bigger[k] = base[(head + k) & mask] }
        base.deallocate()
        base = bigger
        head = 0
        mask = size - 1
    }

    /// The events from first to last.
    public var elements: [ScheduledEvent] { (0..<_count).map { base[(head + $0) & mask] } }

    /// Keeps only the events for which `isStale` is false, in order.
    @discardableResult
    public func removeAll(where isStale: (ScheduledEvent) -> Bool) -> Int {
        let kept = elements.filter { !isStale($0) }
        let removed = _count - kept.count
        head = 0
        _count = 0
        for event in kept { append(event) }
        return removed
    }

    public func removeAll() {
        head = 0
        _count = 0
    }
}
