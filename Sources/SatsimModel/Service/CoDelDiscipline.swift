/// `codel`: FIFO order, with ``CoDel`` (RFC 8289) deciding at the head whether to drop.
struct CoDelDiscipline: QueueDisciplineRule {
    private var codel = CoDel()

    func take(from queue: inout AttemptQueue) -> UInt32? { queue.popFront() }

    mutating func drops(sojourn: Int64, now: Int64, remaining: Int) -> Bool {
        codel.shouldDrop(sojourn: sojourn, now: now, remaining: remaining)
    }

    mutating func foundEmpty() { codel.foundEmpty() }

    /// Whether it holds no delay state: no interval of high delay under way, not dropping.
    /// True whenever the queue is empty (the instance's invariant).
    var isAtRest: Bool { codel.isAtRest }
}
