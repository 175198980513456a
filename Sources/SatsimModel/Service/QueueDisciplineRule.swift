/// A queue discipline: which waiting attempt an instance serves next, and whether it drops that
/// attempt instead of serving it.
///
/// Each discipline is a small type in its own file, holding whatever state it needs per
/// instance (each instance has its own copy). Adding one is one new file, one case in
/// ``QueueDiscipline`` (the scenario schema lists that enum's raw values) and its line in
/// ``QueueDiscipline/makeRule()``, which the compiler asks for. The queue `timeout` applies to
/// every discipline and is not part of this rule.
protocol QueueDisciplineRule {
    /// Removes and returns the attempt to consider next, nil when none waits. O(1).
    func take(from queue: inout AttemptQueue) -> UInt32?
    /// Whether the attempt just taken, which waited `sojourn` ns, is dropped rather than
    /// served; `remaining` attempts still wait behind it. Called once per attempt taken, in order.
    mutating func drops(sojourn: Int64, now: Int64, remaining: Int) -> Bool
    /// A worker free to serve found the queue empty: the queue timeout dropped whatever was
    /// left (RFC 8289's dequeue from an empty queue). Not called when the discipline itself took
    /// the last attempt: ``drops(sojourn:now:remaining:)`` saw `remaining` 0 then.
    mutating func foundEmpty()
}

extension QueueDisciplineRule {
    /// FIFO and LIFO keep no state between dequeues.
    mutating func foundEmpty() {}
}

extension QueueDiscipline {
    /// A fresh rule of this discipline for one instance.
    func makeRule() -> any QueueDisciplineRule {
        switch self {
        case .fifo: return FIFODiscipline()
        case .lifo: return LIFODiscipline()
        case .codel: return CoDelDiscipline()
        }
    }
}

extension InstanceState {
    /// The next waiting attempt as the instance's discipline picks it (a method of the whole
    /// instance, so that the discipline and the queue, two of its fields, are accessed apart).
    mutating func takeNextWaiting() -> UInt32? {
        discipline.take(from: &queue)
    }
}
