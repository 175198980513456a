import SatsimCore
import Testing

@Suite struct EventCalendarTests {
    @Test func eventsAtOneTimePopInInsertionOrder() {
        var calendar = EventCalendar(capacity: 4)
        // Interleave three times so that the heap has to reorder, and put 50 events on each.
        let times: [Int64] = [20, 10, 30]
        for id in 0..<150 {
            calendar.schedule(at: SimTime(nanoseconds: times[id % 3]), kind: 0, target: UInt32(id))
        }
        var popped: [[Int64]] = []
        while let event = calendar.popNext() { popped.append([event.time.nanoseconds, Int64(event.target)]) }
        let expected: [[Int64]] = [10, 20, 30].flatMap { time in
            (0..<150).filter { times[$0 % 3] == time }.map { [time, Int64($0)] }
        }
        #expect(popped == expected)
    }

    @Test func anEmptyCalendarPopsNothing() {
        var calendar = EventCalendar()
        #expect(calendar.popNext() == nil)
        #expect(calendar.next == nil)
        calendar.schedule(at: .zero, kind: 1)
        #expect(calendar.count == 1)
        #expect(calendar.popNext()?.kind == 1)
        #expect(calendar.isEmpty)
    }

    @Test func removeAllKeepsTheSequenceCounting() {
        var calendar = EventCalendar()
        calendar.schedule(at: .zero, kind: 0)
        calendar.schedule(at: .zero, kind: 0)
        calendar.removeAll()
        #expect(calendar.isEmpty)
        calendar.schedule(at: .zero, kind: 0)
        // Reusing sequence 0 would let a later event overtake an earlier one at the same time.
        #expect(calendar.next?.sequence == 2)
        calendar.checkInvariants()
    }

    /// Thousands of random schedules and pops, with many ties: the heap property holds after every
    /// operation and the pop order is exactly a reference sort by (time, sequence).
    @Test(arguments: [1 as UInt64, 2, 3])
    func randomOperationsKeepTheInvariantAndTheReferenceOrder(seed: UInt64) {
        let stream = RandomStream(seed: seed)
        var calendar = EventCalendar(capacity: 8)  // small, so that the storage grows mid-test
        var reference: [(time: Int64, sequence: UInt64, id: UInt32)] = []
        var nextSequence: UInt64 = 0
        var now: Int64 = 0

        func popAndCompare() {
            let event = calendar.popNext()
            guard let best = reference.indices.min(by: {
                reference[$0].time != reference[$1].time
                    ? reference[$0].time < reference[$1].time : reference[$0].sequence < reference[$1].sequence
            }) else {
                #expect(event == nil)
                return
            }
            let expected = reference.remove(at: best)
            #expect(event?.time.nanoseconds == expected.time)
            #expect(event?.sequence == expected.sequence)
            #expect(event?.target == expected.id)
            if let event { now = event.time.nanoseconds }
        }

        for step in 0..<4_000 {
            // Schedule slightly more often than pop, so the calendar grows to hundreds of events.
            if stream.uniform() < 0.55 {
                // Times within 40 ns of the last pop: many ties, and some in the past (the heap
                // must not assume monotone time).
                let time = now + Int64(stream.nextUInt64() % 40) - 5
                calendar.schedule(at: SimTime(nanoseconds: time), kind: 7, target: UInt32(step))
                reference.append((time, nextSequence, UInt32(step)))
                nextSequence += 1
            } else {
                popAndCompare()
            }
            calendar.checkInvariants()
            #expect(calendar.count == reference.count)
        }
        while !reference.isEmpty {
            popAndCompare()
            calendar.checkInvariants()
        }
        #expect(calendar.isEmpty)
    }
}
