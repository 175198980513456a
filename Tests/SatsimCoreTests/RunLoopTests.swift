import SatsimCore
import Testing

/// A minimal model: records what it processes, can schedule follow-ups, and treats events whose
/// timer slot is no longer current as stale.
private final class Recorder: EventProcessor {
    var calendar = EventCalendar(capacity: 4)
    var now = SimTime.zero
    var slots = TimerSlots()
    /// (time, kind, target) of every event that did work.
    var processed: [(time: Int64, kind: UInt32, target: UInt32)] = []
    /// The model's reaction to one event, when the test needs one.
    var onEvent: ((Recorder, ScheduledEvent) -> Void)?

    static let plain: UInt32 = 0
    static let timer: UInt32 = 1

    func process(_ event: ScheduledEvent) -> Bool {
        #expect(now == event.time, "the loop advances the clock before handing over the event")
        if event.kind == Self.timer {
            guard slots.isCurrent(slot: event.slot, generation: event.generation) else { return false }
            slots.release(event.slot)
        }
        processed.append((event.time.nanoseconds, event.kind, event.target))
        onEvent?(self, event)
        return true
    }

    func schedule(_ ns: Int64, target: UInt32) {
        calendar.schedule(at: SimTime(nanoseconds: ns), kind: Self.plain, target: target)
    }
}

@Suite struct RunLoopTests {
    @Test func tiesRunInInsertionOrderThroughTheLoop() {
        let model = Recorder()
        for target in 0..<30 as Range<UInt32> { model.schedule(target % 2 == 0 ? 5 : 3, target: target) }
        // An event a handler schedules for `now` runs after those already waiting at `now`.
        model.onEvent = { model, event in
            if event.target == 1 { model.schedule(3, target: 100) }
        }
        let report = RunLoop.run(model, until: SimTime(nanoseconds: 10))
        let odd = (0..<30 as Range<UInt32>).filter { $0 % 2 == 1 }
        let even = (0..<30 as Range<UInt32>).filter { $0 % 2 == 0 }
        #expect(model.processed.map(\.target) == odd + [100] + even)
        #expect(report.events == 31)
        #expect(report.stop == .calendarEmpty)
    }

    @Test func theEndTimeIsInclusive() {
        let model = Recorder()
        for (ns, target) in [(10 as Int64, 0 as UInt32), (20, 1), (20, 2), (21, 3)] { model.schedule(ns, target: target) }
        let first = RunLoop.run(model, until: SimTime(nanoseconds: 20))
        #expect(model.processed.map(\.target) == [0, 1, 2])
        #expect(first == RunReport(stop: .reachedEndTime, events: 3, popped: 3, time: SimTime(nanoseconds: 20)))
        #expect(model.now == SimTime(nanoseconds: 20))
        #expect(model.calendar.count == 1)

        // Resuming with nothing due before the new end only moves the clock.
        let idle = RunLoop.run(model, until: SimTime(nanoseconds: 20))
        #expect(idle == RunReport(stop: .reachedEndTime, events: 0, popped: 0, time: SimTime(nanoseconds: 20)))
        let rest = RunLoop.run(model, until: SimTime(nanoseconds: 1_000))
        #expect(rest == RunReport(stop: .calendarEmpty, events: 1, popped: 1, time: SimTime(nanoseconds: 21)))
        #expect(model.processed.map(\.target) == [0, 1, 2, 3])
    }

    @Test func anEmptyCalendarStopsTheRun() {
        let model = Recorder()
        let report = RunLoop.run(model, until: .never)
        #expect(report == RunReport(stop: .calendarEmpty, events: 0, popped: 0, time: .zero))
    }

    @Test func theEventBudgetStopsTheRunAndCountsOnlyWork() {
        let model = Recorder()
        // Ten cancelled timers first: they pop but do no work, so they must not spend the budget.
        for i in 0..<10 as Range<Int64> {
            let (slot, generation) = model.slots.acquire()
            model.calendar.schedule(at: SimTime(nanoseconds: i), kind: Recorder.timer, slot: slot, generation: generation)
            model.slots.release(slot)
        }
        for i in 0..<10 as Range<Int64> { model.schedule(100 + i, target: UInt32(i)) }
        let report = RunLoop.run(model, until: .never, eventBudget: 4)
        #expect(report.stop == .eventBudgetExhausted)
        #expect(report.events == 4)
        #expect(report.popped == 14)
        #expect(report.time == SimTime(nanoseconds: 103))
        #expect(model.processed.map(\.target) == [0, 1, 2, 3])
        #expect(model.calendar.count == 6)

        let zero = RunLoop.run(model, until: .never, eventBudget: 0)
        #expect(zero.stop == .eventBudgetExhausted)
        #expect(zero.popped == 0)
    }

    /// Timers are armed, some cancelled before the run and some by other events during it, and
    /// cancelled slots are reused for new timers: exactly the live timers fire, each once.
    @Test(arguments: [21 as UInt64, 22, 23])
    func aCancelledTimerNeverFires(seed: UInt64) {
        let stream = RandomStream(seed: seed)
        let model = Recorder()
        var owner: [UInt64: UInt32] = [:]  // (slot, generation) -> timer id
        var nextTimer: UInt32 = 0
        var cancelled = Set<UInt32>()
        let cancel: UInt32 = 2

        func key(_ slot: UInt32, _ generation: UInt32) -> UInt64 { UInt64(slot) << 32 | UInt64(generation) }
        func arm(at ns: Int64) -> (slot: UInt32, generation: UInt32) {
            let (slot, generation) = model.slots.acquire()
            owner[key(slot, generation)] = nextTimer
            model.calendar.schedule(
                at: SimTime(nanoseconds: ns), kind: Recorder.timer, target: nextTimer, slot: slot, generation: generation)
            nextTimer += 1
            return (slot, generation)
        }

        for _ in 0..<2_000 {
            let at = Int64(stream.nextUInt64() % 1_000_000)
            let timer = arm(at: at)
            switch stream.uniform() {
            case ..<0.3:  // cancelled before the run starts
                cancelled.insert(owner[key(timer.slot, timer.generation)] ?? .max)
                model.slots.release(timer.slot)
            case ..<0.6:  // cancelled by an event strictly before it is due
                let when = Int64(stream.nextUInt64() % UInt64(at + 1)) - 1
                model.calendar.schedule(
                    at: SimTime(nanoseconds: when), kind: cancel, slot: timer.slot, generation: timer.generation)
            default:
                break
            }
        }
        model.onEvent = { model, event in
            guard event.kind == cancel, model.slots.isCurrent(slot: event.slot, generation: event.generation) else { return }
            cancelled.insert(owner[key(event.slot, event.generation)] ?? .max)
            model.slots.release(event.slot)
            // Rearm at once: the new timer most likely takes the slot just freed.
            _ = arm(at: event.time.nanoseconds + Int64(stream.nextUInt64() % 1_000))
        }
        _ = RunLoop.run(model, until: .never)

        let firedTimers = model.processed.filter { $0.kind == Recorder.timer }.map(\.target)
        #expect(Set(firedTimers).count == firedTimers.count, "a timer fired twice")
        #expect(Set(firedTimers) == Set(0..<nextTimer).subtracting(cancelled))
        #expect(Set(firedTimers).isDisjoint(with: cancelled))
        #expect(firedTimers.count > 500 && cancelled.count > 500, "the mix exercises both paths")
        #expect(model.slots.inUse == 0)
        model.slots.checkInvariants()
    }

    @Test func aHaltedModelGetsNoFurtherEventEvenOneItJustScheduled() {
        let model = HaltingRecorder()
        for ns in [1, 2, 3] as [Int64] { model.calendar.schedule(at: SimTime(nanoseconds: ns), kind: 0) }
        // At 2 ns the model halts, and schedules a follow-up at 2 ns as an arrival handler does.
        model.haltAt = 2
        let report = RunLoop.run(model, until: SimTime(nanoseconds: 10))
        #expect(report == RunReport(stop: .halted, events: 2, popped: 2, time: SimTime(nanoseconds: 2)))
        #expect(model.processed == [1, 2])
        #expect(model.now == SimTime(nanoseconds: 2))
        // A halted model stays halted: the loop hands it nothing more.
        let again = RunLoop.run(model, until: SimTime(nanoseconds: 10))
        #expect(again == RunReport(stop: .halted, events: 0, popped: 0, time: SimTime(nanoseconds: 2)))
        #expect(model.processed == [1, 2])
    }
}

/// A model that halts itself on the event at `haltAt` and, like an arrival handler, schedules
/// another event at the same time in the same breath.
private final class HaltingRecorder: EventProcessor {
    var calendar = EventCalendar(capacity: 4)
    var now = SimTime.zero
    var processed: [Int64] = []
    var haltAt: Int64 = .max
    var isHalted = false

    func process(_ event: ScheduledEvent) -> Bool {
        processed.append(event.time.nanoseconds)
        if event.time.nanoseconds == haltAt && !isHalted {
            isHalted = true
            calendar.schedule(at: event.time, kind: 0)
        }
        return true
    }
}
