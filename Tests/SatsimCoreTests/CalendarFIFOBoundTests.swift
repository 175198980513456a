import Testing
@testable import SatsimCore

/// The calendar keeps at most ``EventCalendar/maximumFIFOs`` FIFOs: a pop compares every FIFO's
/// head, so a scenario with thousands of timed call edges made every event cost thousands of
/// comparisons (5,000 edges: over five minutes for ten simulated seconds). Owners past the bound
/// get -1 and their timers go to the heap, in the same order (the calendar's contract).
@Suite struct CalendarFIFOBoundTests {
    @Test func fifosPastTheBoundAreNone() {
        var calendar = EventCalendar()
        let numbers = (0..<(EventCalendar.maximumFIFOs + 5)).map { _ in calendar.addFIFO() }
        #expect(Array(numbers.prefix(EventCalendar.maximumFIFOs)) == Array(0..<EventCalendar.maximumFIFOs))
        #expect(numbers.suffix(5).allSatisfy { $0 == -1 })
        #expect(calendar.fifoCount == EventCalendar.maximumFIFOs)
    }

    /// Twice as many fixed-delay owners as FIFOs, each scheduling timers `delay` after now as the
    /// clock advances: the pop order is exactly (time, sequence), whichever structure held each.
    @Test func ownersPastTheBoundKeepTheOrder() {
        var calendar = EventCalendar(capacity: 4)
        let owners = 2 * EventCalendar.maximumFIFOs
        let fifos = (0..<owners).map { _ in calendar.addFIFO() }
        #expect(fifos.filter { $0 == -1 }.count == owners - EventCalendar.maximumFIFOs)
        var reference: [(time: Int64, sequence: Int)] = []
        var now: Int64 = 0
        var popped: [(time: Int64, sequence: Int)] = []
        for step in 0..<4_000 {
            let owner = (step &* 7) % owners
            // Delays 10, 13, 16, ...: equal times across owners test the FIFO tie rule.
            let time = now + 10 + Int64(owner % 5) * 3
            calendar.schedule(at: SimTime(nanoseconds: time), kind: 1, target: UInt32(step), fifo: fifos[owner])
            reference.append((time, step))
            if step % 3 == 2, let event = calendar.popNext() {
                now = event.time.nanoseconds
                popped.append((now, Int(event.target)))
            }
        }
        while let event = calendar.popNext() { popped.append((event.time.nanoseconds, Int(event.target))) }
        let expected = reference.sorted { $0.time != $1.time ? $0.time < $1.time : $0.sequence < $1.sequence }
        #expect(popped.map(\.time) == expected.map(\.time))
        #expect(popped.map(\.sequence) == expected.map(\.sequence))
    }
}
