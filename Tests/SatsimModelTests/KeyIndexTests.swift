import SatsimCore
import Testing
@testable import SatsimModel

/// ``KeyIndex``, the open-addressing map behind every cache, against `Dictionary` as the
/// reference: the same answers after any sequence of sets, removals and clears, with the table's
/// invariants holding throughout (every key reachable from its home cell without crossing a free
/// cell: the property Knuth's Algorithm R for deletion preserves, TAOCP vol. 3, section 6.4).
@Suite("Cache key index")
struct KeyIndexTests {
    @Test("Random sets, removals and clears give the answers of a Dictionary", arguments: [16, 300, 5_000])
    func matchesDictionary(keySpace: Int) {
        // A seeded stream, so that a failure replays.
        let rng = RandomStream(seed: UInt64(keySpace))
        var index = KeyIndex(capacity: 2)
        var reference: [Int: Int32] = [:]
        for step in 0..<40_000 {
            let key = 1 + Int(rng.nextUInt64() % UInt64(keySpace))
            switch rng.nextUInt64() % 100 {
            case 0..<50:
                let slot = Int32(truncatingIfNeeded: rng.nextUInt64() % 1_000_000)
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

    /// The home cell of `key` in a table of 2^bits cells: the index's documented hash (the top
    /// bits of key x 2^64 / phi), written out so that the test can choose colliding keys.
    static func home(_ key: Int, bits: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: Int64(key)) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - bits))
    }

    @Test("Removal inside a run of colliding keys that wraps around the table keeps every other key reachable")
    func removalInsideARun() {
        // A table of 16 cells (capacity 8) and five keys whose home is cell 14 or 15: they fill
        // cells 14, 15, 0, 1 and 2, a run that wraps around the end. Removing any one must move
        // the later ones back (Algorithm R), or a lookup stops at the hole and misses them.
        var keys: [Int] = []
        var candidate = 1
        while keys.count < 5 {
            if Self.home(candidate, bits: 4) >= 14 { keys.append(candidate) }
            candidate += 1
        }
        #expect(Set(keys.map { Self.home($0, bits: 4) }).count < keys.count, "some keys share a home cell")
        for victim in keys {
            var index = KeyIndex(capacity: 8)
            for (n, key) in keys.enumerated() { index.set(key, to: Int32(n)) }
            index.remove(victim)
            #expect(index.isConsistent())
            #expect(index.slot(of: victim) == nil)
            for (n, key) in keys.enumerated() where key != victim {
                #expect(index.slot(of: key) == Int32(n), "key \(key) after removing \(victim)")
            }
        }
    }
}
