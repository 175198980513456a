import Testing
@testable import SatsimModel

/// ``KeyIndex``, the open-addressing map behind every cache, against `Dictionary` as the
/// reference: the same answers after any sequence of sets, removals and clears, with the table's
/// invariants holding throughout (every key reachable from its home cell without crossing a free
/// cell: the property Knuth's Algorithm R for deletion preserves, TAOCP vol. 3, section 6.4).
@Suite("Cache key index")
struct KeyIndexTests {
    /// A small deterministic generator, so that a failure replays.
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test("Random sets, removals and clears give the answers of a Dictionary", arguments: [16, 300, 5_000])
    func matchesDictionary(keySpace: Int) {
        var rng = SplitMix(state: UInt64(keySpace))
        var index = KeyIndex(capacity: 2)
        var reference: [Int: Int32] = [:]
        for step in 0..<40_000 {
            let key = 1 + Int(rng.next() % UInt64(keySpace))
            switch rng.next() % 100 {
            case 0..<50:
                let slot = Int32(truncatingIfNeeded: rng.next() % 1_000_000)
                index.set(key, to: slot)
                reference[key] = slot
            case 50..<90:
                index.remove(key)
                reference[key] = nil
            case 90..<99:
                #expect(index.slot(of: key) == reference[key])
            default:
                if step % 7 == 0 {
                    index.removeAll()
                    reference.removeAll()
                }
            }
            if step % 997 == 0 {
                #expect(index.isConsistent(), "invariants broken at step \(step)")
            }
        }
        #expect(index.isConsistent())
        #expect(index.count == reference.count)
        for key in 1...keySpace {
            #expect(index.slot(of: key) == reference[key], "key \(key)")
        }
    }

    @Test("Removal inside a run of colliding keys keeps every other key reachable")
    func removalInsideARun() {
        // Keys in one table of 16 cells: many share home cells, so runs form and wrap around the
        // table's end; removing each key in turn must leave all the others findable.
        let keys = Array(1...7)
        for victim in keys {
            var index = KeyIndex(capacity: 8)
            for key in keys { index.set(key * 16, to: Int32(key)) }
            index.remove(victim * 16)
            #expect(index.isConsistent())
            #expect(index.slot(of: victim * 16) == nil)
            for key in keys where key != victim {
                #expect(index.slot(of: key * 16) == Int32(key), "key \(key * 16) after removing \(victim * 16)")
            }
        }
    }
}
