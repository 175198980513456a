/// Generation-numbered slots for cancellable timers and slab entries.
///
/// `acquire()` hands out a free slot and its current generation. An event scheduled for that slot
/// carries the generation; `release(_:)` bumps it, so every event still pending for the old
/// occupant becomes stale and ``isCurrent(slot:generation:)`` tells the model to skip it. Slots are
/// recycled through a free list, so memory follows what is in flight, not what has been simulated.
///
/// The columns are ``UnsafeColumn``s (no copy-on-write check per write), so a `TimerSlots` value
/// has reference semantics: it belongs to one slab of one run.
public struct TimerSlots {
    @usableFromInline internal let generations = UnsafeColumn<UInt32>(capacity: 256)
    @usableFromInline internal let live = UnsafeColumn<Bool>(capacity: 256)
    @usableFromInline internal let free = UnsafeColumn<UInt32>(capacity: 256)

    public init() {}

    @usableFromInline internal var _inUse: Int = 0
    /// Slots in use.
    @inlinable public var inUse: Int { _inUse }
    /// Slots ever created (the peak of `inUse`).
    @inlinable public var capacity: Int { generations.count }

    /// Takes a free slot.
    /// - Returns: the slot and the generation events for it must carry.
    /// - Complexity: O(1) amortised.
    @inlinable
    public mutating func acquire() -> (slot: UInt32, generation: UInt32) {
        _inUse += 1
        if let slot = free.popLast() {
            live[Int(slot)] = true
            return (slot, generations[Int(slot)])
        }
        let slot = UInt32(generations.count)
        generations.append(0)
        live.append(true)
        return (slot, 0)
    }

    /// Frees a slot and invalidates every pending event that carries its old generation.
    @inlinable
    public mutating func release(_ slot: UInt32) {
        let i = Int(slot)
        precondition(i < live.count && live[i], "release of slot \(slot), which is not in use")
        live[i] = false
        generations[i] &+= 1
        free.append(slot)
        _inUse -= 1
    }

    /// The current generation of `slot` (what an event scheduled now must carry).
    @inlinable
    public func generation(of slot: UInt32) -> UInt32 { generations[Int(slot)] }

    /// Whether an event carrying `generation` for `slot` is still meant to fire.
    @inlinable
    public func isCurrent(slot: UInt32, generation: UInt32) -> Bool {
        let i = Int(slot)
        return i < generations.count && live[i] && generations[i] == generation
    }

    /// Checks that the free list and the live flags agree.
    public func checkInvariants() {
        precondition(free.count + inUse == generations.count, "free \(free.count) + in use \(inUse) != slots \(generations.count)")
        for slot in free { precondition(!live[Int(slot)], "slot \(slot) is both free and live") }
        precondition(Set(free).count == free.count, "a slot is on the free list twice")
    }
}
