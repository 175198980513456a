/// `fifo`: the oldest waiting attempt first; nothing is dropped.
struct FIFODiscipline: QueueDisciplineRule {
    func take(from queue: inout AttemptQueue) -> UInt32? { queue.popFront() }
    func drops(sojourn: Int64, now: Int64, remaining: Int) -> Bool { false }
}
