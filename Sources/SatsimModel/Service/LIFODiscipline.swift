/// `lifo`: the newest waiting attempt first, so that under overload fresh requests, whose
/// callers still wait, are served while old ones age out; nothing is dropped.
struct LIFODiscipline: QueueDisciplineRule {
    func take(from queue: inout AttemptQueue) -> UInt32? { queue.popBack() }
    func drops(sojourn: Int64, now: Int64, remaining: Int) -> Bool { false }
}
