import SatsimCore
import Testing

@Suite struct TimerSlotsTests {
    @Test func aReleasedSlotInvalidatesItsPendingEvents() {
        var slots = TimerSlots()
        let first = slots.acquire()
        #expect(slots.isCurrent(slot: first.slot, generation: first.generation))
        slots.release(first.slot)
        #expect(!slots.isCurrent(slot: first.slot, generation: first.generation))
        let reused = slots.acquire()
        #expect(reused.slot == first.slot)  // the free list recycles
        #expect(reused.generation != first.generation)
        #expect(!slots.isCurrent(slot: first.slot, generation: first.generation))
        #expect(slots.isCurrent(slot: reused.slot, generation: reused.generation))
        #expect(!slots.isCurrent(slot: 99, generation: 0))  // never issued
    }

    @Test func releasingAFreeSlotTraps() async {
        await #expect(processExitsWith: .failure) {
            var slots = TimerSlots()
            let slot = slots.acquire().slot
            slots.release(slot)
            slots.release(slot)
        }
    }

    /// Random acquire/release against a reference model: slot reuse, generations, counts.
    @Test(arguments: [11 as UInt64, 12])
    func randomAcquireAndReleaseKeepTheInvariants(seed: UInt64) {
        let stream = RandomStream(seed: seed)
        var slots = TimerSlots()
        var live: [UInt32: UInt32] = [:]  // slot -> generation handed out
        var retired: [(slot: UInt32, generation: UInt32)] = []
        var releases: [UInt32: UInt32] = [:]  // slot -> times released
        var peak = 0
        for _ in 0..<5_000 {
            if live.isEmpty || stream.uniform() < 0.52 {
                let (slot, generation) = slots.acquire()
                #expect(live[slot] == nil, "slot \(slot) handed out while in use")
                #expect(generation == releases[slot, default: 0], "a slot's generation counts its releases")
                live[slot] = generation
                peak = max(peak, live.count)
            } else {
                let victims = Array(live.keys).sorted()
                let slot = victims[Int(stream.nextUInt64() % UInt64(victims.count))]
                let generation = live.removeValue(forKey: slot) ?? 0
                slots.release(slot)
                releases[slot, default: 0] += 1
                retired.append((slot, generation))
            }
            slots.checkInvariants()
            #expect(slots.inUse == live.count)
            // Slots are recycled before new ones are created, so capacity is the peak in use.
            #expect(slots.capacity == peak)
        }
        for (slot, generation) in live { #expect(slots.isCurrent(slot: slot, generation: generation)) }
        for old in retired { #expect(!slots.isCurrent(slot: old.slot, generation: old.generation)) }
    }
}
