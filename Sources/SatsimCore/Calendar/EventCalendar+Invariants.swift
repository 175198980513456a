extension EventCalendar {
    /// Checks the heap property (no event fires before its parent) and that every FIFO is in
    /// firing order. Traps with the offending positions. O(n); tests call it after random
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
