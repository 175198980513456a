/// One entry of the event calendar: when it fires, its place among same-time events, and what it
/// is about.
///
/// The payload is four plain integers rather than a closure or an object, so that scheduling an
/// event allocates nothing. Their meaning belongs to the model: typically `kind` selects the
/// handler, `target` a component, `slot` a request or attempt in a slab and `generation` the
/// slot's generation when the event was scheduled (see ``TimerSlots``).
@frozen
public struct ScheduledEvent: Sendable, Equatable {
    /// When the event fires.
    public var time: SimTime
    /// Insertion sequence number: among events with equal `time`, the smaller fires first.
    public var sequence: UInt64
    public var kind: UInt32
    public var target: UInt32
    public var slot: UInt32
    public var generation: UInt32

    @inlinable
    public init(time: SimTime, sequence: UInt64, kind: UInt32, target: UInt32, slot: UInt32, generation: UInt32) {
        self.time = time
        self.sequence = sequence
        self.kind = kind
        self.target = target
        self.slot = slot
        self.generation = generation
    }

    /// The calendar's total order: by time, then by insertion sequence (first in, first out).
    @inlinable @inline(__always)
    public func firesBefore(_ other: ScheduledEvent) -> Bool {
        time.nanoseconds < other.time.nanoseconds
            || (time.nanoseconds == other.time.nanoseconds && sequence < other.sequence)
    }
}
