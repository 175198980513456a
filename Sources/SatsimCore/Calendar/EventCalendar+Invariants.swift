extension EventCalendar {
    /// Checks the heap property (no event fires before its parent), that every FIFO is in
    /// firing order and that ``fifoBest`` names the FIFO whose first event fires earliest. Traps with the offending positions. O(n); tests call it after random
    /// operations.
    public func checkInvariants() {
        for index in 1..<max(heap.count, 1) {
            let parent = (index - 1) / 2
            precondition(
                !heap[index].firesBefore(heap[parent]),
                "calendar heap violated: event \(heap[index]) at \(index) fires before its parent \(heap[parent]) at \(parent)")
        }
        for event in heap {
            precondition(event.sequence < nextSequence, "event \(event) has a sequence number not yet issued")
        }
        var best = -1
        for k in 0..<fifoCount where fifos[k].count > 0 {
            if best < 0 || fifos[k].first.firesBefore(fifos[best].first) { best = k }
        }
        precondition(best == fifoBest, "the earliest FIFO is \(best), the calendar says \(fifoBest)")
        let bestFirst: ScheduledEvent? = best >= 0 ? fifos[best].first : nil
        precondition(
            fifoBestTime == bestFirst?.time.nanoseconds ?? .max && fifoBestSequence == bestFirst?.sequence ?? .max,
            "the earliest FIFO's first event is \(String(describing: bestFirst)), the calendar keeps (\(fifoBestTime), \(fifoBestSequence))")
        for k in 0..<fifoCount {
            let first: ScheduledEvent? = fifos[k].count > 0 ? fifos[k].first : nil
            precondition(fifoHeadTimes[k] == first?.time.nanoseconds ?? .max && fifoHeadSequences[k] == first?.sequence ?? .max,
                         "FIFO \(k)'s first event is \(String(describing: first)), the calendar keeps (\(fifoHeadTimes[k]), \(fifoHeadSequences[k]))")
        }
        for k in 0..<fifoCount {
            let events = fifos[k].elements
            for (earlier, later) in zip(events, events.dropFirst()) {
                precondition(earlier.firesBefore(later), "FIFO \(k) out of order: \(earlier) before \(later)")
            }
            for event in events {
                precondition(event.sequence < nextSequence, "event \(event) has a sequence number not yet issued")
            }
        }
    }
}
