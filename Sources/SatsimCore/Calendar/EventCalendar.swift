/// The future event list: a binary min-heap ordered by (time, insertion sequence), plus FIFO
/// rings for timers of a fixed delay.
///
/// **Ordering contract.** Events fire in order of time; events scheduled for the same time fire
/// in the order they were scheduled (first in, first out). The sequence number makes the order a
/// strict total order, so a run is deterministic whatever the internal layout: which structure
/// holds an event (the heap or a FIFO) never changes when it fires.
///
/// **Cancellation** is lazy: an event is not removed when it is cancelled. A model cancels by bumping
/// a generation number (``TimerSlots``) and skips a stale event when it pops. This keeps `schedule`
/// and `popNext` at O(log n) with no search.
///
/// **Take and settle.** The run loop takes the earliest event (``take()``) and removes it from the
/// heap only after the handler (``settle()``). Meanwhile a handler that schedules an event likely
/// to be the earliest of all (the next arrival, ``scheduleSoon(at:kind:target:slot:generation:)``)
/// may put it straight into the root, where a pop and a push would each have walked the heap's
/// height (issue 10: 8% fewer instructions per event on the M/M/c model, 623 to 572).
///
/// **Fixed delays.** A timer scheduled `delay` after now, with the same `delay` every time (a
/// client's timeout), always lands behind the previous one, so a FIFO ring keeps such timers in
/// order at O(1) (``addFIFO()``, ``schedule(at:kind:target:slot:generation:fifo:)``). An event
/// that would not land behind its FIFO's last goes to the heap instead, so the order stays exact.
///
/// A binary heap was chosen over swift-collections' min-max `Heap` because a simulator only ever
/// pops the minimum; the notes measured the plain heap 25-35% faster. A 4-ary heap was measured
/// against it on the reference models (issue 10, callgrind and wall time, whole process): 2.6%
/// more instructions on the M/M/c model and 2-15% slower, so the heap stays binary; with about
/// a hundred pending events it fits in the L1 cache either way. A key-only heap (16-byte keys,
/// the payload in a side array), measured in the C reference loop, made 0.4-2.6% fewer
/// instructions and ran 1-3% slower: the payload's load waits for the pop (session 19). The storage is an
/// ``InlineColumn``: no copy-on-write check per operation, and the heap's address kept in the
/// calendar itself. A calendar belongs to one model and is used where it is stored: a copy
/// shares the storage but not its size, and goes stale at the original's next change. The storage grows
/// geometrically and is reused, so a steady-state run allocates nothing per event.
public struct EventCalendar {
    @usableFromInline internal var heap: InlineColumn<ScheduledEvent>
    @usableFromInline internal var fifos = InlineColumn<EventFIFO>(capacity: 4)
    /// The same FIFOs, unretained, for the hot path: reading a class reference out of `fifos` into
    /// a local costs a retain and a release (2.7% of the instructions on the retry benchmark,
    /// callgrind). `fifos` keeps them alive for as long as the calendar lives.
    @usableFromInline internal var fifoRefs = InlineColumn<UnownedRef<EventFIFO>>(capacity: 4)
    /// The number of FIFOs added so far.
    public internal(set) var fifoCount = 0
    /// The FIFO whose first event fires earliest of all FIFOs' first events, or -1 when every
    /// FIFO is empty. Kept up to date as events come and go, so that finding the next event
    /// compares the heap's root with one FIFO, not with all of them (the 4-service benchmark, with
    /// four FIFOs: 1,239 -> 1,186 instructions per event, callgrind, issue 10). An append
    /// changes it only when it lands in an empty FIFO (otherwise it goes behind that FIFO's first
    /// event, which fires no later than it); taking that FIFO's first event rescans them.
    @usableFromInline internal var fifoBest = -1
    /// ``fifoBest``'s first event's time and sequence ((Int64.max, UInt64.max) when every FIFO is
    /// empty), in the calendar itself: the run loop compares the heap's root with them directly,
    /// and follows the FIFO's reference to its ring only for an event it takes from there. The
    /// comparison decides between an arrival and a departure in plain M/M/c, a branch that goes
    /// either way at random; the chain of loads through the ring made its misprediction cost more.
    @usableFromInline internal var fifoBestTime: Int64 = .max
    @usableFromInline internal var fifoBestSequence: UInt64 = .max
    /// Each FIFO's first event's time and sequence, side by side, so that finding ``fifoBest``
    /// reads one small array instead of following every FIFO's reference; an empty FIFO holds
    /// (Int64.max, UInt64.max), which no pending event can have (its sequence is below
    /// ``nextSequence``).
    @usableFromInline internal var fifoHeadTimes = InlineColumn<Int64>(capacity: 4)
    @usableFromInline internal var fifoHeadSequences = InlineColumn<UInt64>(capacity: 4)
    /// The events in all FIFOs together, so that ``count`` is two loads (the run loop's memory
    /// check asks for it after every request).
    @usableFromInline internal var fifoEvents = 0
    @usableFromInline internal var nextSequence: UInt64 = 0
    /// True from ``take()`` of an event from the heap until the ``settle()`` after it: the root
    /// still holds that event, which has fired, and a schedule may take its place.
    @usableFromInline internal var rootHole = false

    /// Creates an empty calendar with room for `capacity` events before it first grows.
    public init(capacity: Int = 1024) {
        heap = InlineColumn(capacity: capacity)
    }

    /// The number of pending events, stale ones included.
    @inlinable public var count: Int { heap.count &- (rootHole ? 1 : 0) &+ fifoEvents }

    @inlinable public var isEmpty: Bool { count == 0 }

    /// The earliest pending event, without removing it (call ``settle()`` first after a ``take()``).
    @inlinable public var next: ScheduledEvent? {
        if fifoCount == 0 { return heap.isEmpty ? nil : heap[0] }
        let (_, event) = earliest()
        return event
    }

    /// The most FIFOs a calendar keeps. Taking an event from a FIFO compares the first event of
    /// every FIFO (``findBestFIFO()``), so its cost grows with their number: a scenario of 5,000
    /// call edges with a timeout each (a 1 MiB file holds 30,000) scanned 5,000 heads per event
    /// and took over five minutes for ten simulated seconds. Timers past the bound go to the heap, at O(log n), and fire in the same order.
    public static let maximumFIFOs = 16

    /// Adds a FIFO for timers of one fixed delay and returns its number, for
    /// ``schedule(at:kind:target:slot:generation:fifo:)``; or -1 (none: the heap keeps those
    /// timers) when the calendar has ``maximumFIFOs`` already.
    public mutating func addFIFO() -> Int {
        guard fifoCount < Self.maximumFIFOs else { return -1 }
        let fifo = EventFIFO()
        fifos.append(fifo)
        fifoRefs.append(UnownedRef(fifo))
        fifoHeadTimes.append(.max)
        fifoHeadSequences.append(.max)
        fifoCount = fifos.count
        return fifoCount - 1
    }

    /// Schedules an event.
    ///
    /// - Complexity: O(log n), amortised; no allocation once the storage has grown to the run's
    ///   peak number of pending events.
    @inlinable
    public mutating func schedule(
        at time: SimTime, kind: UInt32, target: UInt32 = 0, slot: UInt32 = 0, generation: UInt32 = 0
    ) {
        let event = ScheduledEvent(
            time: time, sequence: nextSequence, kind: kind, target: target, slot: slot, generation: generation)
        nextSequence &+= 1
        // With the event being handled still in the root (``take()``), the new one rises below
        // it: it cannot pass it, since that event fired at the current time and was scheduled
        // first. An event in the past would: the root is settled first.
        if rootHole && event.firesBefore(heap[0]) { settle() }
        // The new event rises from a hole at the end (rise writes it once, where it settles).
        // The hole first: `rise`'s `self` would be read before its arguments, a copy whose heap
        // still has the address and count from before the append (``InlineColumn``).
        let hole = heap.appendUninitialized()
        rise(event, from: hole, above: 0)
    }

    /// ``schedule(at:kind:target:slot:generation:)`` for an event likely to be the earliest of
    /// all, such as the next arrival a few milliseconds ahead: while the root holds the event
    /// being handled (``take()``), the new one takes its place when it belongs there (a few
    /// comparisons, where the pop in ``settle()`` and a push would each walk the heap's height).
    /// Only the sites that schedule such events call it, so that the others stay small.
    @inlinable @inline(__always)
    public mutating func scheduleSoon(
        at time: SimTime, kind: UInt32, target: UInt32 = 0, slot: UInt32 = 0, generation: UInt32 = 0
    ) {
        guard rootHole else {
            schedule(at: time, kind: kind, target: target, slot: slot, generation: generation)
            return
        }
        let event = ScheduledEvent(
            time: time, sequence: nextSequence, kind: kind, target: target, slot: slot, generation: generation)
        if fillRoot(with: event) {
            nextSequence &+= 1
            return
        }
        schedule(at: time, kind: kind, target: target, slot: slot, generation: generation)
    }

    /// Schedules an event into FIFO `fifo` (from ``addFIFO()``, or -1 for none): O(1) when it lands behind the
    /// FIFO's last event, as a fixed delay after the current time always does; otherwise it goes
    /// to the heap. Either way it fires in the calendar's order.
    @inlinable @inline(__always)
    public mutating func schedule(
        at time: SimTime, kind: UInt32, target: UInt32 = 0, slot: UInt32 = 0, generation: UInt32 = 0, fifo: Int
    ) {
        // No FIFO (-1): the heap keeps it, in the same order.
        guard fifo >= 0 else {
            schedule(at: time, kind: kind, target: target, slot: slot, generation: generation)
            return
        }
        let event = ScheduledEvent(time: time, sequence: nextSequence, kind: kind, target: target, slot: slot, generation: generation)
        // 0: not appended (the heap takes it), 1: appended behind other events, 2: appended to
        // an empty FIFO.
        let appended = fifoRefs[fifo].with { queue -> Int in
            if queue.count == 0 {
                queue.append(event)
                return 2
            }
            guard time.nanoseconds >= queue.last.time.nanoseconds else { return 0 }
            queue.append(event)
            return 1
        }
        guard appended != 0 else {
            schedule(at: time, kind: kind, target: target, slot: slot, generation: generation)
            return
        }
        if appended == 2 {
            fifoHeadTimes[fifo] = time.nanoseconds
            fifoHeadSequences[fifo] = event.sequence
            if time.nanoseconds < fifoBestTime || (time.nanoseconds == fifoBestTime && event.sequence < fifoBestSequence) {
                (fifoBest, fifoBestTime, fifoBestSequence) = (fifo, time.nanoseconds, event.sequence)
            }
        }
        nextSequence &+= 1
        fifoEvents &+= 1
    }

    /// Where the earliest event is (-1: the heap's top, k: FIFO k) and the event, or nil.
    @inlinable
    internal func earliest() -> (Int, ScheduledEvent?) {
        let root: ScheduledEvent? = heap.isEmpty ? nil : heap[0]
        guard fifoBest >= 0 else { return (-1, root) }
        if let root,
           !(fifoBestTime < root.time.nanoseconds || (fifoBestTime == root.time.nanoseconds && fifoBestSequence < root.sequence))
        {
            return (-1, root)
        }
        return (fifoBest, fifoRefs[fifoBest].with { $0.first })
    }

    /// Takes the first event of FIFO `k`, which must be ``fifoBest``, and finds the new best.
    @inlinable @inline(__always)
    internal mutating func takeFromFIFO(_ k: Int) -> ScheduledEvent {
        fifoEvents &-= 1
        let (event, next) = fifoRefs[k].with { queue -> (ScheduledEvent, ScheduledEvent?) in
            let event = queue.removeFirst()
            return (event, queue.count > 0 ? queue.first : nil)
        }
        fifoHeadTimes[k] = next?.time.nanoseconds ?? .max
        fifoHeadSequences[k] = next?.sequence ?? .max
        findBestFIFO()
        return event
    }

    /// Sets ``fifoBest`` by comparing every FIFO's first event: after the best FIFO lost its first
    /// event, and after a compaction.
    @inlinable
    internal mutating func findBestFIFO() {
        let times = fifoHeadTimes.baseAddress
        let sequences = fifoHeadSequences.baseAddress
        var best = 0
        for k in 1..<max(fifoCount, 1) {
            let earlier = times[k] < times[best] || (times[k] == times[best] && sequences[k] < sequences[best])
            best = earlier ? k : best
        }
        fifoBest = fifoCount > 0 && sequences[best] != .max ? best : -1
        (fifoBestTime, fifoBestSequence) = fifoBest >= 0 ? (times[best], sequences[best]) : (.max, .max)
    }

    /// Reads every FIFO's first event into ``fifoHeadTimes`` and ``fifoHeadSequences``, then
    /// finds the best: after a compaction or a clear changed many FIFOs at once.
    @usableFromInline
    internal mutating func refreshFIFOHeads() {
        for k in 0..<fifoCount {
            let first = fifoRefs[k].with { $0.count > 0 ? $0.first : nil }
            fifoHeadTimes[k] = first?.time.nanoseconds ?? .max
            fifoHeadSequences[k] = first?.sequence ?? .max
        }
        findBestFIFO()
    }

    /// Removes and returns the earliest event, as ``popNext()`` does, for a run loop that calls
    /// ``settle()`` once the event is handled. An event taken from the heap stays in the root
    /// until then, and the first event scheduled meanwhile that fires before both of the root's
    /// children takes its place: handlers often schedule such an event (the next arrival, a few
    /// milliseconds ahead, is usually the earliest of all), which then costs two comparisons
    /// where a pop and a push each walk the height of the heap. The order in which events fire
    /// does not change: it is the strict total order (time, sequence), whatever the layout.
    @inlinable
    public mutating func take() -> ScheduledEvent? {
        settle()
        if fifoCount != 0 {
            let (from, event) = earliest()
            if from >= 0 { return takeFromFIFO(from) }
            guard event != nil else { return nil }
        }
        guard !heap.isEmpty else { return nil }
        rootHole = true
        return heap[0]
    }

    /// The earliest pending event and where it is (-1: the heap's root, k: FIFO k), or nil when
    /// none is pending; ``take(from:)`` then removes it without looking for it again. The run
    /// loop peeks (is it past the end?) and then takes: one look per event instead of two, each
    /// comparing the heap's root with the earliest FIFO's first event (``fifoBest``). Call ``settle()``
    /// first after a ``take()``.
    @inlinable @inline(__always)
    public func earliestEvent() -> (source: Int, event: ScheduledEvent)? {
        if fifoCount == 0 { return heap.isEmpty ? nil : (-1, heap[0]) }
        let (from, event) = earliest()
        guard let event else { return nil }
        return (from, event)
    }

    /// Removes the event ``earliestEvent()`` just returned, as ``take()`` does: one from the heap
    /// stays in the root until ``settle()``. Nothing may be scheduled or taken in between.
    @inlinable @inline(__always)
    public mutating func take(from source: Int) -> ScheduledEvent {
        if source >= 0 { return takeFromFIFO(source) }
        rootHole = true
        return heap[0]
    }

    /// Tries to put `event` in the root's place, which holds the event being handled
    /// (``take()``): the textbook sift-down from the root, for two levels. An event that belongs
    /// there (it fires before the smaller child of its place) costs a few comparisons, where the
    /// pop (``settle()``) and a push would each have walked the heap's height. One that would go
    /// deeper is left to the push, and the root to ``settle()``: the first level moved down is
    /// put back. Returns whether the event was placed.
    @inlinable @inline(__always)
    internal mutating func fillRoot(with event: ScheduledEvent) -> Bool {
        let h = heap.baseAddress
        let n = heap.count
        // Level 0: the root's smaller child.
        if n < 2 {
            h[0] = event
            rootHole = false
            return true
        }
        let c = n > 2 && h[2].firesBefore(h[1]) ? 2 : 1
        if event.firesBefore(h[c]) {
            h[0] = event
            rootHole = false
            return true
        }
        // Level 1: the smaller child of c.
        let left = 2 &* c &+ 1
        if left >= n || event.firesBefore(h[left &+ (left &+ 1 < n && h[left &+ 1].firesBefore(h[left]) ? 1 : 0)]) {
            h[0] = h[c]
            h[c] = event
            rootHole = false
            return true
        }
        // Deeper: the push rises from a new leaf. It cannot pass the root: the event there fired
        // at the current time and was scheduled before it, so it fires first.
        return false
    }

    /// Whether the event ``take()`` left in the root is still there (tests).
    public var rootHoleOpen: Bool { rootHole }

    /// Removes the event ``take()`` left in the root, unless a schedule has taken its place.
    @inlinable
    public mutating func settle() {
        guard rootHole else { return }
        rootHole = false
        let last = heap.removeLast()
        if !heap.isEmpty { refill(from: 0, with: last) }
    }

    /// Removes and returns the earliest event (ties: the one scheduled first).
    ///
    /// - Complexity: O(log n).
    @inlinable
    public mutating func popNext() -> ScheduledEvent? {
        // A take with nothing scheduled before the settle.
        let event = take()
        settle()
        return event
    }

    /// Removes every pending event; the sequence counter keeps counting.
    public mutating func removeAll() {
        rootHole = false
        heap.removeAll()
        for k in 0..<fifoCount { fifos[k].removeAll() }
        fifoEvents = 0
        refreshFIFOHeads()
    }

    @inlinable
    internal func siftUp(from start: Int) {
        rise(heap.baseAddress[start], from: start, above: 0)
    }

    /// Places `moving` in the hole at `hole`, moving it up past every parent that fires later,
    /// but not above `top`: the last step of both a schedule (``siftUp(from:)``, a call) and a
    /// pop (``refill(from:with:)``, inlined into the run loop, where a call per pop cost 9
    /// instructions per event).
    @inlinable @inline(__always)
    internal func rise(_ moving: ScheduledEvent, from start: Int, above top: Int) {
        let h = heap.baseAddress
        var hole = start
        while hole > top {
            let parent = (hole &- 1) >> 1
            if moving.firesBefore(h[parent]) {
                h[hole] = h[parent]
                hole = parent
            } else {
                break
            }
        }
        h[hole] = moving
    }

    /// Fills the hole at `start` with `moving` by the bottom-up method: the hole first moves to a
    /// leaf along the path of smaller children (one comparison per level, between the two
    /// children), then `moving` rises from there (``rise(_:from:above:)``). The last element of a heap usually belongs
    /// near the bottom, so it rarely rises more than a level or two, and a pop costs about half
    /// the comparisons of the textbook sift-down (issue 10, measured with callgrind).
    @inlinable
    internal func refill(from start: Int, with moving: ScheduledEvent) {
        let h = heap.baseAddress
        let n = heap.count
        var hole = start
        while true {
            let left = 2 &* hole &+ 1
            if left >= n { break }
            // Children by address: one scaling per level, not one per child read. (A branch-free
            // choice of the child was measured and was slower: it makes each level's load wait for
            // the previous comparison, where a predicted branch lets the next load start early.)
            let children = h + left
            let right = left &+ 1 < n && children[1].firesBefore(children[0])
            h[hole] = children[right ? 1 : 0]
            hole = right ? left &+ 1 : left
        }
        rise(moving, from: hole, above: start)
    }

    @inlinable
    internal func siftDown(from start: Int) {
        let h = heap.baseAddress
        let n = heap.count
        var parent = start
        let moving = h[parent]
        while true {
            let left = 2 &* parent &+ 1
            if left >= n { break }
            let right = left &+ 1
            var best = left
            if right < n && h[right].firesBefore(h[left]) { best = right }
            if h[best].firesBefore(moving) {
                h[parent] = h[best]
                parent = best
            } else {
                break
            }
        }
        h[parent] = moving
    }
}
