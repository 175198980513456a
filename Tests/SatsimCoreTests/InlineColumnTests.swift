import SatsimCore
import Testing

/// ``InlineColumn`` keeps its storage's address and count in the value, and frees the storage
/// when the last copy goes. These tests hold what the simulation relies on: growth keeps the
/// elements, writes through the subscript land in place, and elements with references are
/// released on removal and at the end (the owner's count for them is kept up to date).
@Suite struct InlineColumnTests {
    @Test func appendsGrowAndKeepTheElements() {
        var column = InlineColumn<Int>(capacity: 2)
        let first = column.baseAddress
        for k in 0..<1_000 { column.append(k * k) }
        #expect(column.baseAddress != first, "the storage moved as it grew")
        #expect(column.count == 1_000)
        #expect(column.capacity >= 1_000)
        #expect(Array(column) == (0..<1_000).map { $0 * $0 })
        #expect(column.removeLast() == 999 * 999)
        #expect(column.popLast() == 998 * 998)
        #expect(column.count == 998)
        let sum: Int = column.withUnsafeBufferPointer { $0.reduce(0, +) }
        let expected: Int = (0..<998).map { $0 * $0 }.reduce(0, +)
        #expect(sum == expected)
    }

    @Test func popLastOnEmptyIsNil() {
        var column = InlineColumn<UInt32>(capacity: 1)
        #expect(column.popLast() == nil)
        column.append(7)
        #expect(column.popLast() == 7)
        #expect(column.popLast() == nil)
        #expect(column.isEmpty)
    }

    /// `column[i].field += 1` writes the element in place, through a value that is not mutated.
    @Test func elementsAreMutatedInPlace() {
        struct Counter { var hits = 0; var name = "c" }
        var column = InlineColumn<Counter>()
        column.append(Counter())
        column.append(Counter())
        func bump(_ c: InlineColumn<Counter>, _ i: Int) { c[i].hits += 3 }  // a non-mutating use
        bump(column, 1)
        column[1].hits += 1
        #expect(column[1].hits == 4)
        #expect(column[0].hits == 0)
    }

    /// The heap's push: a slot appended uninitialized and written through the address.
    @Test func appendUninitializedThenWrite() {
        var column = InlineColumn<Int64>(capacity: 1)
        for k in 0..<100 {
            let i = column.appendUninitialized()
            #expect(i == k)
            column.baseAddress[i] = Int64(k) * 3
        }
        #expect(Array(column) == (0..<100).map { Int64($0) * 3 })
    }

    @Test func removeAllWhereKeepsTheOrderOfTheRest() {
        var column = InlineColumn<Int>()
        for k in 0..<20 { column.append(k) }
        let removed = column.removeAll { $0 % 3 == 0 }
        #expect(removed == 7)
        #expect(Array(column) == (0..<20).filter { $0 % 3 != 0 })
        column.removeAll()
        #expect(column.isEmpty)
        column.append(5)
        #expect(Array(column) == [5])
    }

    /// Elements with references are released when removed and when the column goes away: the
    /// owner deinitialises exactly the elements still there.
    @Test func referencesAreReleased() {
        final class Token {}
        weak var removedOne: Token?
        weak var poppedOne: Token?
        weak var keptOne: Token?
        do {
            var column = InlineColumn<Token>(capacity: 2)
            for _ in 0..<10 { column.append(Token()) }
            removedOne = column[0]
            keptOne = column[1]
            poppedOne = column[9]
            let first = ObjectIdentifier(column[0])
            column.removeAll { ObjectIdentifier($0) == first }
            #expect(removedOne == nil)
            _ = column.popLast()
            #expect(poppedOne == nil)
            #expect(keptOne != nil)
            #expect(column.count == 8)
        }
        #expect(keptOne == nil)
    }
}
