/// `codel`: FIFO order, with ``CoDel`` (RFC 8289) deciding at the head whether to drop.
struct CoDelDiscipline: QueueDisciplineRule {
    private var codel = CoDel()

    func take(from queue: inout AttemptQueue) -> UInt32? { queue.popFront() }

    mutating func drops(sojourn: Int64, now: Int64, remaining: Int) -> Bool {
        codel.shouldDrop(sojourn: sojourn, now: now, remaining: remaining)
    }
}
