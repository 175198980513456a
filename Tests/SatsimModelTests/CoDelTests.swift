import SatsimCore
@testable import SatsimModel
import Testing

@Suite("CoDel")
struct CoDelTests {
    static func overloaded(_ discipline: QueueDiscipline) -> SimulationResult {
        // 120/s offered to 100/s of capacity: a FIFO queue grows without end.
        let spec = ScenarioSpec(
            name: "codel", duration: SimTime(seconds: 120), warmup: SimTime(seconds: 20), seed: 2,
            clients: [ClientSpec(name: "users", target: "api", arrival: .poisson(rate: 120))],
            services: [
                ServiceSpec(
                    name: "api", instances: 1, workers: 1, serviceTime: .exponential(mean: 0.01),
                    queue: QueueSpec(capacity: 10_000, discipline: discipline))
            ])
        return Simulation(spec: spec).run()
    }

    @Test("Under sustained overload CoDel keeps the wait short by dropping from the head; FIFO does not")
    func codelBoundsTheWait() {
        let fifo = Self.overloaded(.fifo).services[0]
        let codel = Self.overloaded(.codel).services[0]
        #expect(fifo.meanWait > 5, "FIFO wait \(fifo.meanWait)")
        // The standing delay CoDel tolerates is of the order of its 5 ms target and 100 ms interval.
        #expect(codel.meanWait < 0.1, "CoDel wait \(codel.meanWait)")
        #expect(codel.dropped > 0)
        // It drops about the excess load (20 of 120 per second), not much more: goodput holds.
        let dropShare = Double(codel.dropped) / Double(codel.arrivals)
        #expect(dropShare > 0.1 && dropShare < 0.3, "dropped share \(dropShare)")
        #expect(codel.utilization > 0.95)
    }
}

/// CoDel's control loop at exact instants, against RFC 8289 (Nichols, Jacobson, McGregor,
/// Iyengar, "Controlled Delay Active Queue Management", 2018): TARGET 5 ms and INTERVAL 100 ms
/// (the constants of the annotated pseudocode in section 5), its control law
/// t + INTERVAL / sqrt(count), its dequeue routine (section 5.5): on entering the dropping state,
/// count restarts from count - lastcount when that is more than 1 and the last drop_next is less
/// than 16 intervals ago, and from 1 otherwise; and its `dodequeue` helper (section 5.6), which
/// never finds it ok to drop while `bytes() <= maxpacket_` once the head is dequeued (section
/// 4.1, "Non-Starvation"). A request is one packet of the largest size, so: never while at most
/// one request waits behind the head.
@Suite("CoDel control law (RFC 8289)")
struct CoDelControlLawTests {
    static let ms: Int64 = 1_000_000

    /// Dequeues once every 10 ms from 1 s to `end` with the head's sojourn given by `sojourn`
    /// (and always something behind it); at each instant the caller keeps taking the next
    /// request while CoDel says drop, as `startWaiting` does. Returns the drop instants [ms].
    static func drops(until end: Int64, remaining: Int = 100, sojourn: (Int64) -> Int64) -> [Int64] {
        drops(until: end, remaining: remaining) { t, _ in sojourn(t) }
    }

    /// As above, with the sojourn of the k-th request taken at each instant (k = 0 first).
    static func drops(until end: Int64, remaining: Int = 100, sojourn: (Int64, Int) -> Int64) -> [Int64] {
        var codel = CoDel()
        var dropped: [Int64] = []
        var t: Int64 = 1000
        while t <= end {
            var k = 0
            while k < 1000, codel.shouldDrop(sojourn: sojourn(t, k), now: t * ms, remaining: remaining) {
                dropped.append(t)
                k += 1
            }
            t += 10
        }
        return dropped
    }

    @Test("First drop one interval after the delay went above target; then interval/sqrt(count); re-entry keeps count - lastcount")
    func exactDropTimes() {
        // The schedule of the head's sojourn [ms]: above target (50 ms) or below it (1 ms).
        func sojourn(_ t: Int64) -> Int64 {
            switch t {
            case 1000..<1500, 1550..<1810, 3500..<3800, 3810..<3920, 3930...: return 50 * Self.ms
            default: return 1 * Self.ms
            }
        }
        let drops = Self.drops(until: 4140, sojourn: sojourn)
        // Derived by hand (times in ms; drop_next in brackets, drops at the next 10 ms tick):
        // - above target from 1000: first_above_time = 1100; first drop at 1100, count 1,
        //   drop_next 1100 + 100/1 = 1200;
        // - 1200 (count 2, next 1200 + 100/sqrt 2 = 1270.71), 1280 (3, +57.74 = 1328.45),
        //   1330 (4, +50 = 1378.45), 1380 (5, +44.72 = 1423.17), 1430 (6, +40.82 = 1463.99),
        //   1470 (7, +37.80 = 1501.79);
        // - below target at 1500: leave dropping. Above again from 1550: first_above_time 1650;
        //   re-entry at 1650 with delta = 7 - 1 = 6 > 1 and 1650 - 1501.79 < 16 x 100: count 6,
        //   drop_next 1650 + 100/sqrt 6 = 1690.82;
        // - 1700 (7, 1728.62), 1730 (8, 1763.98), 1770 (9, 1797.31), 1800 (10, 1828.93);
        // - below from 1810 to 3500, first_above_time 3600: delta = 10 - 6 = 4 but
        //   3600 - 1828.93 >= 1600: count 1, drop_next 3700; 3700 (2, 3770.71), 3780 (3, 3828.45);
        // - below at 3800, above from 3810: re-entry at 3910 with delta = 3 - 1 = 2, recent:
        //   count 2, drop_next 3980.71; below at 3920 before it;
        // - above from 3930: re-entry at 4030 with delta = 2 - 2 = 0: count 1, drop_next 4130;
        //   4130 (2, 4200.71).
        #expect(drops == [1100, 1200, 1280, 1330, 1380, 1430, 1470, 1650, 1700, 1730, 1770, 1800, 3600, 3700, 3780, 3910, 4030, 4130])
    }

    @Test("drop_next moves on only when the request after a drop may be dropped too (RFC 8289 section 5.5)")
    func dropNextAfterLeaving() {
        // In the RFC's dropping loop, drop_next = control_law(drop_next, count) runs only when the
        // request dequeued after a drop is itself ok to drop; when it is not, the state is left
        // with the drop_next that triggered the drop. That value decides the re-entry rule.
        // Above target from 1000: drops at 1100 (count 1, next 1200), 1200 (count 2, next
        // 1270.71), 1280 (count 3); the request taken right after the drop at 1280 waited only
        // 1 ms, so dropping ends with drop_next still 1270.71 (not 1328.45). Below target until
        // 2800, above from then on: re-entry at 2900 with delta = 3 - 1 = 2, but
        // 2900 - 1270.71 >= 1600, so count restarts at 1: drop_next 3000.
        let drops = Self.drops(until: 3010) { t, k in
            if t == 1280 && k == 1 { return Self.ms }
            return t < 1290 || t >= 2800 ? 50 * Self.ms : Self.ms
        }
        #expect(drops == [1100, 1200, 1280, 2900, 3000])
    }

    @Test("TARGET is 5 ms: a sojourn of exactly 5 ms is above it, 1 ns less is not")
    func targetIsFiveMilliseconds() {
        let at = Self.drops(until: 1300) { _ in 5 * Self.ms }
        #expect(at == [1100, 1200, 1280])
        let below = Self.drops(until: 3000) { _ in 5 * Self.ms - 1 }
        #expect(below.isEmpty)
    }

    @Test("INTERVAL is 100 ms: the delay must stay above target that long before the first drop")
    func intervalIsHundredMilliseconds() {
        // Above target for 90 ms at a time, below for 10 ms: never 100 ms in a row.
        let short = Self.drops(until: 5000) { t in t % 100 == 90 ? Self.ms : 20 * Self.ms }
        #expect(short.isEmpty)
        // Above for 100 ms (1000 to 1100 inclusive), below at 1110: one drop, at 1100.
        let exact = Self.drops(until: 1200) { t in t <= 1100 ? 20 * Self.ms : Self.ms }
        #expect(exact == [1100])
    }

    @Test("At most one request behind the head: no drop, however long it waited (RFC 8289 bytes() <= maxpacket_)", arguments: [0, 1])
    func nearlyEmptyQueueIsNeverDropped(remaining: Int) {
        // RFC 8289's dodequeue (section 5.6) tests `sojourn_time < TARGET || bytes() <=
        // maxpacket_` after dequeuing the head: with one maximum-size packet left, dropping the
        // head would leave the link one packet from idle (section 4.1, "Non-Starvation"). One
        // request is one maximum-size packet, so one request behind the head is that case.
        #expect(Self.drops(until: 3000, remaining: remaining) { _ in Self.ms * 1000 }.isEmpty)
    }

    @Test("Two requests behind the head: more than maxpacket_ remains, and CoDel drops as usual")
    func twoBehindTheHeadMayBeDropped() {
        #expect(Self.drops(until: 1300, remaining: 2) { _ in 50 * Self.ms } == [1100, 1200, 1280])
    }

    @Test("The nearly-empty rule resets first_above_time, as a sojourn below target does")
    func nearlyEmptyResetsTheInterval() {
        // Above target throughout, but at 1050 ms only one request waits behind the head: the
        // RFC sets first_above_time_ = 0 in that branch, so the 100 ms start again at 1060 ms
        // and the first drop comes at 1160 ms, not 1100 ms.
        var codel = CoDel()
        var dropped: [Int64] = []
        var t: Int64 = 1000
        while t <= 1300 {
            let remaining = t == 1050 ? 1 : 100
            if codel.shouldDrop(sojourn: 50 * Self.ms, now: t * Self.ms, remaining: remaining) { dropped.append(t) }
            t += 10
        }
        #expect(dropped.first == 1160, "drops at \(dropped)")
    }

    @Test("Same drops as a transcription of the RFC's dequeue routine, on random queues")
    func matchesReference() {
        // M/D/1 queues whose load switches between under- and overload, so that CoDel enters and
        // leaves its dropping state many times (the re-entry rule included).
        for seed in UInt64(1)...8 {
            let stream = RandomStream(seed: seed)
            var arrivals: [Int64] = []
            var t = 0.0
            while t < 120 {
                // 10 ms of service: 60/s for 3 s, then 130/s for 3 s.
                let rate = Int(t / 3) % 2 == 0 ? 60.0 : 130.0
                t += -log1p(-stream.uniform()) / rate
                arrivals.append(Int64(t * 1e9))
            }
            var reference = ReferenceCoDel()
            let expected = QueueRun.run(arrivals: arrivals, service: 10 * Self.ms) { reference.dequeue(&$0, now: $1) }
            var codel = CoDel()
            let actual = QueueRun.run(arrivals: arrivals, service: 10 * Self.ms) { queue, now in
                while let head = queue.popFirst() {
                    if codel.shouldDrop(sojourn: now - head, now: now, remaining: queue.count) {
                        return (head, true)
                    }
                    return (head, false)
                }
                return nil
            }
            #expect(expected.drops.count > 50, "seed \(seed): \(expected.drops.count) drops")
            #expect(reference.reentriesKeepingCount > 0, "seed \(seed): the re-entry rule never applied")
            #expect(QueueRun.firstDifference(actual.drops, expected.drops) == nil, "seed \(seed): drops differ")
            #expect(QueueRun.firstDifference(actual.served, expected.served) == nil, "seed \(seed): service differs")
        }
    }
}

/// The simulator's CoDel queue against the reference: one instance with one worker and a
/// constant service time, fed by the client's own Poisson arrivals (the same stream, so the same
/// instants), must drop exactly what the RFC's routine drops in each metrics interval.
@Suite("CoDel in the simulation")
struct CoDelSimulationTests {
    @Test("An overloaded single server drops, interval by interval, what RFC 8289's dequeue drops")
    func simulationMatchesReference() {
        // 105/s offered to 100/s of capacity: CoDel enters and leaves its dropping state often.
        let rate = 105.0, duration = 120.0
        let spec = ScenarioSpec(
            name: "codel-exact", duration: SimTime(seconds: duration), seed: 5,
            clients: [ClientSpec(name: "users", target: "api", arrival: .poisson(rate: rate))],
            services: [
                ServiceSpec(
                    name: "api", instances: 1, workers: 1, serviceTime: .constant(value: 0.01),
                    queue: QueueSpec(capacity: 100_000, discipline: .codel))
            ])
        let result = Simulation(spec: spec).run()
        // The arrival instants, drawn as the client draws them: exponential gaps from its stream.
        let stream = RandomStream(seed: spec.seed, component: "clients.users.arrival")
        var arrivals: [Int64] = []
        var t = SimTime.zero
        while true {
            t = t + SimTime(seconds: -log1p(-stream.uniform()) / rate)
            if t > spec.duration { break }
            arrivals.append(t.nanoseconds)
        }
        var reference = ReferenceCoDel()
        let expected = QueueRun.run(arrivals: arrivals, service: 10_000_000) { reference.dequeue(&$0, now: $1) }
        // A drop happens when the server frees; bin the reference's by the interval it falls in.
        var codelDrops: [Int64] = []
        do {
            // Re-run the reference to learn when (not which) each drop happened.
            var timed = ReferenceCoDel()
            _ = QueueRun.run(arrivals: arrivals, service: 10_000_000) { queue, now in
                let answer = timed.dequeue(&queue, now: now)
                if let (_, dropped) = answer, dropped { codelDrops.append(now) }
                return answer
            }
        }
        #expect(codelDrops.count == expected.drops.count)
        #expect(reference.reentriesKeepingCount > 0)
        let perSecond = (0..<Int(duration)).map { s in
            Double(codelDrops.filter { $0 > Int64(s) * 1_000_000_000 && $0 <= Int64(s + 1) * 1_000_000_000 }.count)
        }
        let dropped = result.timeSeries.column("services.api.dropped") ?? []
        #expect(dropped.count == perSecond.count)
        let differing = zip(dropped, perSecond).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
        #expect(differing.isEmpty, "drops differ in intervals \(differing.prefix(10))")
        // The reference drains its queue after the end; the run stops there.
        #expect(result.services[0].dropped == codelDrops.filter { $0 <= spec.duration.nanoseconds }.count)
        #expect(result.services[0].arrivals == arrivals.count)
        #expect(expected.drops.count > 100, "only \(expected.drops.count) drops")
    }
}

/// A single server with a deterministic service time over a FIFO queue of enqueue times [ns],
/// whose dequeue decisions come from a closure (one call per request taken from the queue:
/// the request, and whether it is dropped).
enum QueueRun {
    struct Outcome {
        var drops: [Int64] = []
        var served: [Int64] = []
    }

    static func run(
        arrivals: [Int64], service: Int64, dequeue: (inout ArraySlice<Int64>, Int64) -> (Int64, Bool)?
    ) -> Outcome {
        var outcome = Outcome()
        var queue: ArraySlice<Int64> = []
        var busyUntil: Int64 = -1
        var next = 0
        while next < arrivals.count || busyUntil >= 0 {
            if busyUntil >= 0 && (next >= arrivals.count || busyUntil <= arrivals[next]) {
                // The server frees: it takes requests from the head until one is served.
                let now = busyUntil
                busyUntil = -1
                while let (request, drop) = dequeue(&queue, now) {
                    if drop {
                        outcome.drops.append(request)
                    } else {
                        outcome.served.append(request)
                        busyUntil = now + service
                        break
                    }
                }
            } else {
                let now = arrivals[next]
                next += 1
                if busyUntil < 0 {
                    // An idle server takes an arrival at once: it never waits in the queue.
                    outcome.served.append(now)
                    busyUntil = now + service
                } else {
                    queue.append(now)
                }
            }
        }
        return outcome
    }

    /// The first index where two lists differ (in value or length), or nil.
    static func firstDifference(_ a: [Int64], _ b: [Int64]) -> Int? {
        for i in 0..<min(a.count, b.count) where a[i] != b[i] { return i }
        return a.count == b.count ? nil : min(a.count, b.count)
    }
}

/// RFC 8289 section 5's per-queue state and dequeue routine, written out as the pseudocode has
/// them (`dodequeue`, then `dequeue` with its dropping loop), over a queue of enqueue times.
/// bytes() and maxpacket_ are counted in requests: each request is one packet of the largest
/// size, so maxpacket_ is 1 and bytes() is the number of requests left once the head is out.
struct ReferenceCoDel {
    let target: Int64 = 5_000_000
    let interval: Int64 = 100_000_000
    /// The largest packet, in requests.
    let maxpacket = 1
    var firstAboveTime: Int64 = 0
    var dropNext: Int64 = 0
    var count = 0
    var lastCount = 0
    var dropping = false
    /// Re-entries where count - lastcount was kept (the rule under test).
    var reentriesKeepingCount = 0
    /// Requests dropped but not yet reported to the caller, and the one to deliver after them.
    private var pending: [(Int64, Bool)] = []

    func controlLaw(_ t: Int64, _ count: Int) -> Int64 { t + Int64(Double(interval) / Double(count).squareRoot()) }

    mutating func dodequeue(_ queue: inout ArraySlice<Int64>, now: Int64) -> (p: Int64?, ok: Bool) {
        guard let p = queue.popFirst() else {
            firstAboveTime = 0
            return (nil, false)
        }
        let sojourn = now - p
        var ok = false
        if sojourn < target || queue.count <= maxpacket {
            firstAboveTime = 0
        } else if firstAboveTime == 0 {
            firstAboveTime = now + interval
        } else if now >= firstAboveTime {
            ok = true
        }
        return (p, ok)
    }

    /// The RFC's `dequeue`, reported to `QueueRun` one request at a time: each dropped request,
    /// then the delivered one.
    mutating func dequeue(_ queue: inout ArraySlice<Int64>, now: Int64) -> (Int64, Bool)? {
        if pending.isEmpty {
            var r = dodequeue(&queue, now: now)
            if let p = r.p {
                if dropping {
                    if !r.ok { dropping = false }
                    while now >= dropNext && dropping {
                        pending.append((r.p ?? p, true))
                        count += 1
                        r = dodequeue(&queue, now: now)
                        if !r.ok { dropping = false } else { dropNext = controlLaw(dropNext, count) }
                    }
                } else if r.ok {
                    pending.append((p, true))
                    r = dodequeue(&queue, now: now)
                    dropping = true
                    let delta = count - lastCount
                    count = 1
                    if delta > 1 && now - dropNext < 16 * interval {
                        count = delta
                        reentriesKeepingCount += 1
                    }
                    dropNext = controlLaw(now, count)
                    lastCount = count
                }
                if let delivered = r.p { pending.append((delivered, false)) }
            } else {
                dropping = false
            }
        }
        return pending.isEmpty ? nil : pending.removeFirst()
    }
}

#if canImport(Glibc)
import Glibc
#endif
