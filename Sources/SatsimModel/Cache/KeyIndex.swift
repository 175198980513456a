/// A map from cache keys to entry slots: open addressing with linear probing, for ``LRUCache``.
///
/// **Why not `Dictionary`.** A cache looks its key up on every request that reaches the service,
/// and `Dictionary<Int, Int32>` hashes an `Int` with SipHash-1-3 through a runtime call: about 90
/// instructions per lookup, 3.4% of all instructions on the 4-service benchmark (callgrind,
/// issue 10). Here the hash is one multiplication (Fibonacci hashing, Knuth TAOCP vol. 3, 6.4),
/// and the table holds at most half as many keys as it has cells, so a probe sequence is short.
///
/// **Removal** shifts later entries of the same run back into the freed cell (Knuth's Algorithm R,
/// TAOCP vol. 3, 6.4), so there are no tombstones and lookups never slow down as entries come and
/// go. Nothing depends on the table's layout: the cache's behaviour is that of its recency list.
///
/// The table grows geometrically with the entries actually held, never shrinks, and allocates
/// nothing once it has grown to the cache's peak.
struct KeyIndex {
    /// Keys by cell; `empty` marks a free cell.
    private var keys: [Int]
    /// The slot of the key in the same cell.
    private var slots: [Int32]
    /// log2 of the number of cells.
    private var bits: Int
    private(set) var count = 0

    /// No cache key is negative (a cache's keys are drawn from 1...keys), so this one can mark a free cell.
    private static let empty = Int.min

    /// An empty index with room for `capacity` keys before it first grows.
    init(capacity: Int = 8) {
        var bits = 4
        while (1 << bits) < 2 * max(capacity, 1) && bits < 62 { bits += 1 }
        self.bits = bits
        keys = Array(repeating: Self.empty, count: 1 << bits)
        slots = Array(repeating: -1, count: 1 << bits)
    }

    /// The home cell of `key`: the top `bits` bits of key x 2^64 / phi.
    @inline(__always)
    private func home(_ key: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: Int64(key)) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - bits))
    }

    /// The slot of `key`, or nil when it is not held.
    func slot(of key: Int) -> Int32? {
        let mask = keys.count - 1
        var cell = home(key)
        while true {
            let k = keys[cell]
            if k == key { return slots[cell] }
            if k == Self.empty { return nil }
            cell = (cell + 1) & mask
        }
    }

    /// Maps `key` to `slot`, replacing any slot it had.
    mutating func set(_ key: Int, to slot: Int32) {
        precondition(key != Self.empty, "a cache key cannot be Int.min")
        if 2 * (count + 1) > keys.count { grow() }
        let mask = keys.count - 1
        var cell = home(key)
        while true {
            let k = keys[cell]
            if k == key {
                slots[cell] = slot
                return
            }
            if k == Self.empty {
                keys[cell] = key
                slots[cell] = slot
                count += 1
                return
            }
            cell = (cell + 1) & mask
        }
    }

    /// Forgets `key`; nothing happens when it is not held.
    mutating func remove(_ key: Int) {
        let mask = keys.count - 1
        var cell = home(key)
        while true {
            let k = keys[cell]
            if k == Self.empty { return }
            if k == key { break }
            cell = (cell + 1) & mask
        }
        // Algorithm R: walk the run after the freed cell and move back every entry whose home
        // does not lie (cyclically) between the freed cell and its own cell.
        var free = cell
        var next = (free + 1) & mask
        while keys[next] != Self.empty {
            let h = home(keys[next])
            let stays = free <= next ? (free < h && h <= next) : (free < h || h <= next)
            if !stays {
                keys[free] = keys[next]
                slots[free] = slots[next]
                free = next
            }
            next = (next + 1) & mask
        }
        keys[free] = Self.empty
        slots[free] = -1
        count -= 1
    }

    /// Forgets every key, keeping the table's size.
    mutating func removeAll() {
        guard count > 0 else { return }
        for cell in keys.indices { keys[cell] = Self.empty }
        count = 0
    }

    /// Doubles the table and puts every key back.
    private mutating func grow() {
        let (oldKeys, oldSlots) = (keys, slots)
        bits += 1
        keys = Array(repeating: Self.empty, count: 1 << bits)
        slots = Array(repeating: -1, count: 1 << bits)
        count = 0
        for cell in oldKeys.indices where oldKeys[cell] != Self.empty {
            set(oldKeys[cell], to: oldSlots[cell])
        }
    }

    /// Checks the table's invariants (tests): every key is reachable from its home cell without
    /// crossing a free cell, no key appears twice, and `count` is the number of keys.
    func isConsistent() -> Bool {
        let mask = keys.count - 1
        var seen = Set<Int>()
        for cell in keys.indices where keys[cell] != Self.empty {
            guard seen.insert(keys[cell]).inserted else { return false }
            var c = home(keys[cell])
            while c != cell {
                if keys[c] == Self.empty { return false }
                c = (c + 1) & mask
            }
        }
        return seen.count == count
    }
}
