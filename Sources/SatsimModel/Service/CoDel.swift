import SatsimCore

/// The CoDel queue discipline (Nichols and Jacobson, "Controlling Queue Delay", RFC 8289), as
/// applied to request queues: when the time requests spend waiting has stayed above `target` for
/// at least `interval`, the queue drops requests from its head, at intervals that shrink as
/// interval / sqrt(count) while the delay stays high. It keeps the standing queue short under
/// overload instead of serving requests whose callers gave up long ago. Like the RFC, it never
/// drops while at most one request (one maximum-size packet) waits behind the head.
///
/// The format has no CoDel parameters, so the RFC's defaults hold: target 5 ms, interval 100 ms.
struct CoDel {
    static let target: Int64 = 5_000_000
    static let interval: Int64 = 100_000_000

    private var firstAboveTime: Int64 = 0
    private var dropNext: Int64 = 0
    private var count = 0
    private var lastCount = 0
    private var dropping = false
    /// A drop in the dropping state is waiting for its control-law step: RFC 8289 takes it only
    /// once the next request turns out to be droppable too, and otherwise leaves drop_next alone
    /// (it then decides the re-entry rule).
    private var stepPending = false

    /// Whether the request at the head, which waited `sojourn`, may be dropped (RFC 8289's
    /// `dodequeue` test). `remaining` is what is left waiting behind it [requests].
    ///
    /// The RFC's test is `sojourn_time < TARGET || bytes() <= maxpacket_` (section 5.6), where
    /// bytes() is what the queue holds once the head is dequeued and maxpacket the largest
    /// packet (section 4.1, "Non-Starvation": do not drop when that would starve the output
    /// link). A request queue counts requests, not bytes: each request is one packet of the
    /// largest size, so bytes() <= maxpacket reads `remaining <= 1`. Nothing is dropped while at
    /// most one request waits behind the head: dropping the head would leave the worker that
    /// serves the next one with an empty queue behind it. (Section 4.1's prose, "at least an MTU
    /// worth of bytes remains", would allow a drop with one request left; the pseudocode, and
    /// Linux's `codel_should_drop` (`*backlog <= params->mtu`), do not, and the pseudocode is
    /// what the rest of this type transcribes.)
    private mutating func okToDrop(sojourn: Int64, now: Int64, remaining: Int) -> Bool {
        if sojourn < CoDel.target || remaining <= 1 {
            firstAboveTime = 0
            return false
        }
        if firstAboveTime == 0 {
            firstAboveTime = now + CoDel.interval
            return false
        }
        return now >= firstAboveTime
    }

    /// A dequeue found the queue empty. RFC 8289's `dodequeue` (section 5.6) then sets
    /// first_above_time to 0 ("queue is empty - we can't be above TARGET") and its `dequeue`
    /// (section 5.5) leaves the dropping state. In the RFC a queue only empties through dequeues,
    /// and the one that takes the last packet has already reset both (bytes() <= maxpacket_);
    /// here a queue timeout can drop the last requests instead, and without this reset the next
    /// busy period would inherit an interval of high delay that began in the last one, and drop
    /// at its first dequeue instead of after a full interval.
    mutating func foundEmpty() {
        firstAboveTime = 0
        dropping = false
        stepPending = false
    }

    /// No interval of high delay under way and not dropping: the state of an empty queue.
    var isAtRest: Bool { firstAboveTime == 0 && !dropping }

    private func controlLaw(_ t: Int64, _ count: Int) -> Int64 {
        t + Int64(Double(CoDel.interval) / Double(count).squareRoot())
    }

    /// Decides for the head request (which waited `sojourn`, with `remaining` behind it) whether
    /// to drop it. Call it for each request taken from the queue, in order, until it answers
    /// false: that request is served.
    mutating func shouldDrop(sojourn: Int64, now: Int64, remaining: Int) -> Bool {
        let ok = okToDrop(sojourn: sojourn, now: now, remaining: remaining)
        if dropping {
            if !ok {
                dropping = false
                stepPending = false
                return false
            }
            if stepPending {
                dropNext = controlLaw(dropNext, count)
                stepPending = false
            }
            if now >= dropNext {
                count += 1
                stepPending = true
                return true
            }
            return false
        }
        if ok {
            dropping = true
            let delta = count - lastCount
            count = delta > 1 && now - dropNext < 16 * CoDel.interval ? delta : 1
            dropNext = controlLaw(now, count)
            lastCount = count
            return true
        }
        return false
    }
}
