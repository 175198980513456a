/// Generation-numbered slots for cancellable timers and slab entries.
///
/// `acquire()` hands out a free slot and its current generation. An event scheduled for that slot
/// carries the generation; `release(_:)` bumps it, so every event still pending for the old
/// occupant becomes stale and ``isCurrent(slot:generation:)`` tells the model to skip it. Slots are
/// recycled through a free list, so memory follows what is in flight, not what has been simulated.
///
/// Each slot's generation and whether it is in use share one word (generation << 1 | in use), so
/// that the check every popped event makes is one load and one compare (issue 10: two columns
/// cost two loads and two branches on each of four checks per request). Generations count
/// modulo 2^31: an event goes wrong only if its slot is reused 2^31 times while it waits.
///
/// The columns are ``InlineColumn``s (no copy-on-write check per write, and their address kept
/// in the value): a `TimerSlots` value belongs to one slab of one run, and is used where it is
/// stored, never through a copy.
public struct TimerSlots {
    /// generation << 1 | 1 when in use.
    @usableFromInline internal var states = InlineColumn<UInt32>(capacity: 256)
    @usableFromInline internal var free = InlineColumn<UInt32>(capacity: 256)

    public init() {}

    @usableFromInline internal var _inUse: Int = 0
    /// Slots in use.
    @inlinable public var inUse: Int { _inUse }
    /// Slots ever created (the peak of `inUse`).
    @inlinable public var capacity: Int { states.count }

    /// Takes a free slot.
    /// - Returns: the slot and the generation events for it must carry.
    /// - Complexity: O(1) amortised.
    @inlinable @inline(__always)
    public mutating func acquire() -> (slot: UInt32, generation: UInt32) {
        _inUse &+= 1
        if let slot = free.popLast() {
            let state = states[Int(slot)] | 1
            states[Int(slot)] = state
            return (slot, state >> 1)
        }
        let slot = UInt32(states.count)
        states.append(1)
        return (slot, 0)
    }

    /// Frees a slot and invalidates every pending event that carries its old generation.
    @inlinable @inline(__always)
    public mutating func release(_ slot: UInt32) {
        let i = Int(slot)
        // Checked in every build: a double release would hand one slot to two owners.
        if i >= states.count || states[i] & 1 == 0 { Self.notInUse(slot) }
        // Not in use, and the next generation (wrapping within 31 bits).
        states[i] = (states[i] &+ 1) & ~1
        free.append(slot)
        _inUse &-= 1
    }

    /// Stops the program: `slot` was released while not in use (a bug in the model, never input).
    @usableFromInline @inline(never)
    internal static func notInUse(_ slot: UInt32) -> Never {
        preconditionFailure("release of slot \(slot), which is not in use")
    }

    /// The current generation of `slot` (what an event scheduled now must carry).
    @inlinable
    public func generation(of slot: UInt32) -> UInt32 { states[Int(slot)] >> 1 }

    /// Whether an event carrying `generation` for `slot` is still meant to fire: the slot is in
    /// use and has not been released since.
    @inlinable
    public func isCurrent(slot: UInt32, generation: UInt32) -> Bool {
        let i = Int(slot)
        return i < states.count && states[i] == (generation << 1 | 1)
    }

    /// Checks that the free list and the in-use flags agree.
    public func checkInvariants() {
        precondition(free.count + inUse == states.count, "free \(free.count) + in use \(inUse) != slots \(states.count)")
        for slot in free { precondition(states[Int(slot)] & 1 == 0, "slot \(slot) is both free and in use") }
        precondition(Set(free).count == free.count, "a slot is on the free list twice")
    }
}
