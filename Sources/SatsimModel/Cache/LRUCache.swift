import SatsimCore

/// One instance's cache: least recently used eviction over a fixed number of entries, with an
/// optional time to live counted from insertion.
///
/// Entries live in parallel arrays linked into a recency list; a ``KeyIndex`` (open addressing,
/// one multiplication per hash) maps keys to entries.
/// It grows with the entries actually cached (geometrically, so lookups and inserts allocate
/// nothing once warm) rather than being reserved at full size up front: every instance slot a
/// service may ever run has its cache, and 10,000 slots reserving a million entries each would
/// claim hundreds of gigabytes of address space before the first request.
struct LRUCache {
    private(set) var capacity: Int
    private(set) var ttl: Int64?
    private var index: KeyIndex
    private var keyOf: [Int] = []
    private var insertedAt: [Int64] = []
    private var prev: [Int32] = []
    private var next: [Int32] = []
    private var head: Int32 = -1
    private var tail: Int32 = -1

    init(capacity: Int, ttl: SimTime?) {
        self.capacity = capacity
        self.ttl = ttl?.nanoseconds
        index = KeyIndex(capacity: min(capacity, 1 << 10))
    }

    var count: Int { index.count }

    /// Whether `key` is cached and fresh at `now`; a hit makes it the most recent entry.
    /// Fresh means younger than `ttl`: an entry stored at t serves until just before t + ttl
    /// (RFC 9111 section 4.2: fresh while the freshness lifetime exceeds the current age), and
    /// hits do not extend it.
    mutating func lookup(_ key: Int, now: Int64) -> Bool {
        guard let slot = index.slot(of: key) else { return false }
        if let ttl, now - insertedAt[Int(slot)] >= ttl {
            unlink(slot)
            index.remove(key)
            free.append(slot)
            return false
        }
        unlink(slot)
        pushFront(slot)
        return true
    }

    /// Caches `key` at `now`, evicting the least recently used entry when full.
    mutating func insert(_ key: Int, now: Int64) {
        if let slot = index.slot(of: key) {
            insertedAt[Int(slot)] = now
            unlink(slot)
            pushFront(slot)
            return
        }
        let slot: Int32
        if index.count >= capacity, tail >= 0 {
            // Full (or over a capacity lowered mid-run, ``resize(capacity:ttl:)``): the least
            // recently used entry makes room.
            slot = tail
            unlink(slot)
            index.remove(keyOf[Int(slot)])
        } else if let reused = free.popLast() {
            slot = reused
        } else {
            slot = Int32(keyOf.count)
            keyOf.append(0)
            insertedAt.append(0)
            prev.append(-1)
            next.append(-1)
        }
        keyOf[Int(slot)] = key
        insertedAt[Int(slot)] = now
        index.set(key, to: slot)
        pushFront(slot)
    }

    /// A timeline `set` of the cache's `capacity` or `ttl`: a lower capacity evicts the least
    /// recently used entries beyond it at once; the new lifetime judges the entries already
    /// cached too, by the age they have (counted from when each was stored).
    mutating func resize(capacity newCapacity: Int, ttl newTTL: SimTime?) {
        capacity = newCapacity
        ttl = newTTL?.nanoseconds
        while index.count > capacity, tail >= 0 {
            let slot = tail
            unlink(slot)
            index.remove(keyOf[Int(slot)])
            free.append(slot)
        }
    }

    /// Checks that the recency list holds exactly the indexed entries, no more than the
    /// capacity. Traps with what is wrong; tests call it.
    func checkInvariants() {
        var seen = 0
        var slot = head
        var last: Int32 = -1
        while slot >= 0 {
            precondition(index.slot(of: keyOf[Int(slot)]) == slot, "entry \(slot) is listed but not indexed")
            precondition(prev[Int(slot)] == last, "entry \(slot)'s previous link is broken")
            last = slot
            slot = next[Int(slot)]
            seen += 1
            precondition(seen <= index.count, "the recency list is longer than the index")
        }
        precondition(last == tail, "the list's tail is \(tail), its last entry \(last)")
        precondition(seen == index.count, "\(seen) entries listed, \(index.count) indexed")
        precondition(index.count <= capacity, "\(index.count) entries over a capacity of \(capacity)")
    }

    /// Empties the cache (a flush, a restart).
    mutating func removeAll() {
        index.removeAll()
        free.removeAll(keepingCapacity: true)
        keyOf.removeAll(keepingCapacity: true)
        insertedAt.removeAll(keepingCapacity: true)
        prev.removeAll(keepingCapacity: true)
        next.removeAll(keepingCapacity: true)
        head = -1
        tail = -1
    }

    private var free: [Int32] = []

    private mutating func unlink(_ slot: Int32) {
        let p = prev[Int(slot)], n = next[Int(slot)]
        if p >= 0 { next[Int(p)] = n } else { head = n }
        if n >= 0 { prev[Int(n)] = p } else { tail = p }
        prev[Int(slot)] = -1
        next[Int(slot)] = -1
    }

    private mutating func pushFront(_ slot: Int32) {
        prev[Int(slot)] = -1
        next[Int(slot)] = head
        if head >= 0 { prev[Int(head)] = slot }
        head = slot
        if tail < 0 { tail = slot }
    }
}
