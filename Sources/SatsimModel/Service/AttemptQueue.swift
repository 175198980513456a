/// A double-ended ring buffer of attempt slots: one instance's waiting line.
///
/// FIFO serves from the front, LIFO from the back. The storage grows by doubling and is kept, so a
/// queue that has reached its peak length allocates nothing more.
public struct AttemptQueue: Sendable {
    @usableFromInline internal var storage: ContiguousArray<UInt32>
    @usableFromInline internal var head = 0
    /// Attempts waiting.
    public private(set) var count = 0

    public init(initialCapacity: Int = 16) {
        storage = ContiguousArray(repeating: 0, count: Swift.max(1, initialCapacity))
    }

    @inlinable public var isEmpty: Bool { count == 0 }

    /// Appends at the back. O(1) amortised.
    public mutating func pushBack(_ slot: UInt32) {
        if count == storage.count { grow() }
        var index = head + count
        if index >= storage.count { index -= storage.count }
        storage[index] = slot
        count += 1
    }

    /// Removes from the front (oldest). O(1).
    public mutating func popFront() -> UInt32? {
        guard count > 0 else { return nil }
        let slot = storage[head]
        head += 1
        if head == storage.count { head = 0 }
        count -= 1
        return slot
    }

    /// Removes from the back (newest). O(1).
    public mutating func popBack() -> UInt32? {
        guard count > 0 else { return nil }
        var index = head + count - 1
        if index >= storage.count { index -= storage.count }
        count -= 1
        return storage[index]
    }

    /// Removes everything, keeping the storage.
    public mutating func removeAll() {
        head = 0
        count = 0
    }

    /// The waiting slots, front to back (for tests and restarts; allocates).
    public var elements: [UInt32] {
        (0..<count).map { storage[(head + $0) % storage.count] }
    }

    private mutating func grow() {
        var bigger = ContiguousArray<UInt32>(repeating: 0, count: storage.count * 2)
        for i in 0..<count { bigger[i] = storage[(head + i) % storage.count] }
        storage = bigger
        head = 0
    }
}
