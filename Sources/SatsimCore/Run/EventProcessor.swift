/// A model the run loop drives: it owns a calendar and handles each event popped from it.
///
/// The loop calls ``process(_:)`` once per popped event, in calendar order, after advancing
/// ``now`` to the event's time. The model dispatches on `event.kind` (a switch, not a closure per
/// event) and returns whether the event counted as work (a stale timer does not).
public protocol EventProcessor: AnyObject {
    /// The future event list.
    var calendar: EventCalendar { get set }
    /// The current simulated time; the loop sets it before each call to ``process(_:)``.
    var now: SimTime { get set }
    /// Handles one event. Returns false for an event that did nothing (stale, cancelled).
    func process(_ event: ScheduledEvent) -> Bool
    /// True once the model has stopped itself (a memory budget crossed): the loop returns after
    /// the event that set it and processes nothing more, whatever that event scheduled.
    var isHalted: Bool { get }
}

extension EventProcessor {
    /// A model that never stops itself.
    @inlinable public var isHalted: Bool { false }
}

/// Why a run stopped.
public enum RunStop: String, Sendable, Equatable {
    /// The next event lies beyond the end time: the run is complete.
    case reachedEndTime = "end_time"
    /// Nothing is left to happen.
    case calendarEmpty = "calendar_empty"
    /// The event budget was spent before the end time: the results are partial.
    case eventBudgetExhausted = "event_budget"
    /// The model stopped itself (``EventProcessor/isHalted``): the results are partial.
    case halted = "halted"
}

/// What a call to ``RunLoop/run(_:until:eventBudget:)`` did.
public struct RunReport: Sendable, Equatable {
    public var stop: RunStop
    /// Events that did work (``EventProcessor/process(_:)`` returned true).
    public var events: Int
    /// Events popped, stale ones included.
    public var popped: Int
    /// Simulated time when the loop stopped.
    public var time: SimTime

    @inlinable
    public init(stop: RunStop, events: Int, popped: Int, time: SimTime) {
        self.stop = stop
        self.events = events
        self.popped = popped
        self.time = time
    }
}

/// The run loop: pop the earliest event, advance the clock, hand it to the model, repeat.
public enum RunLoop {
    /// Runs `model` until `end` (inclusive: events at exactly `end` fire), until nothing is left,
    /// until `eventBudget` counted events have been processed, or until the model halts itself,
    /// whichever comes first. On reaching the end time the clock is set to `end`; on a halt it
    /// stays at the time of the event that halted, so the report says where the run stopped.
    /// A halted model is never handed another event, even one its last handler scheduled.
    ///
    /// - Complexity: O(log n) per event, n the number of pending events.
    @inlinable
    public static func run<Model: EventProcessor>(
        _ model: Model, until end: SimTime, eventBudget: Int = .max
    ) -> RunReport {
        run(model, until: end, eventBudget: eventBudget) { model.process($0) }
    }

    /// ``run(_:until:eventBudget:)`` with the handler given as a closure, which this function,
    /// always inlined, inlines in turn: a model calls it with `{ self.process($0) }` so that its
    /// handler's dispatch lands inside the loop (issue 10: a call through the protocol is not
    /// inlined by the optimizer; the closure form took the M/M/c benchmark from 691 to 658
    /// instructions per event and the retry model from 888 to 835, Benchmarks/README.md round 5).
    @inlinable @inline(__always)
    public static func run<Model: EventProcessor>(
        _ model: Model, until end: SimTime, eventBudget: Int = .max, process: (ScheduledEvent) -> Bool
    ) -> RunReport {
        var counted = 0
        var popped = 0
        if model.isHalted {
            return RunReport(stop: .halted, events: counted, popped: popped, time: model.now)
        }
        // A caller that took an event itself may have left the root unsettled.
        model.calendar.settle()
        while true {
            guard let (source, head) = model.calendar.earliestEvent() else {
                return RunReport(stop: .calendarEmpty, events: counted, popped: popped, time: model.now)
            }
            if head.time > end {
                model.now = end
                return RunReport(stop: .reachedEndTime, events: counted, popped: popped, time: end)
            }
            if counted >= eventBudget {
                return RunReport(stop: .eventBudgetExhausted, events: counted, popped: popped, time: model.now)
            }
            // Take, then settle after the handler: an event the handler schedules may take the
            // taken one's place in the heap (EventCalendar.take()).
            popped &+= 1
            // Two call sites of the handler, one for events from a FIFO and one for the heap's,
            // so that each has its own dispatch branch to predict: a FIFO holds one kind of
            // event (a client's arrivals, a fixed timeout), and the heap mostly another (the
            // departures), where one shared dispatch saw them in random order. callgrind's
            // branch model: indirect mispredictions on plain M/M/c 187,880 -> 7,282 at 2,000 s,
            // and 2.1% fewer instructions (1.7% on the retry model, 0.9% on the graph); the
            // time did not move measurably (issue 10, Benchmarks/README.md, session 19).
            if source >= 0 {
                let event = model.calendar.take(from: source)
                model.now = event.time
                if process(event) { counted &+= 1 }
            } else {
                let event = model.calendar.take(from: -1)
                model.now = event.time
                if process(event) { counted &+= 1 }
            }
            model.calendar.settle()
            if model.isHalted {
                return RunReport(stop: .halted, events: counted, popped: popped, time: model.now)
            }
        }
    }
}
