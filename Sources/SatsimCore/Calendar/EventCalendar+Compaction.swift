/// Dropping cancelled events before they pop.
///
/// Cancellation is lazy (see ``EventCalendar``): a cancelled timer stays in the calendar until its
/// time comes. A timer far in the future that is almost always cancelled (a client timeout of an
/// hour on requests answered in milliseconds) would make the calendar grow with every request
/// ever sent rather than with what is in flight. A model that can tell a stale event from a live
/// one removes them now and then; the order of what remains is unchanged, since it is the strict
/// total order (time, sequence) and not the heap's layout.
extension EventCalendar {
    /// Removes every pending event for which `isStale` is true and restores the heap.
    ///
    /// - Returns: how many events were removed.
    /// - Complexity: O(n): one pass to filter, then Floyd's bottom-up heap construction.
    @discardableResult
    public mutating func removeAll(where isStale: (ScheduledEvent) -> Bool) -> Int {
        settle()
        var removed = heap.removeAll(where: isStale)
        if heap.count > 1 {
            for parent in stride(from: heap.count / 2 - 1, through: 0, by: -1) {
                siftDown(from: parent)
            }
        }
        for k in 0..<fifoCount { removed += fifos[k].removeAll(where: isStale) }
        fifoEvents = 0
        for k in 0..<fifoCount { fifoEvents += fifos[k].count }
        refreshFIFOHeads()
        return removed
    }
}
