import SatsimCore
import Testing

@Suite struct UnsafeColumnTests {
    @Test func appendsGrowAndKeepTheElements() {
        let column = UnsafeColumn<Int>(capacity: 2)
        for k in 0..<1_000 { column.append(k * k) }
        #expect(column.count == 1_000)
        #expect(column.capacity >= 1_000)
        #expect(Array(column) == (0..<1_000).map { $0 * $0 })
        #expect(column.removeLast() == 999 * 999)
        #expect(column.popLast() == 998 * 998)
        #expect(column.count == 998)
    }

    /// The point of the type: `column[i].field += 1` writes in place, and two holders see one
    /// storage (reference semantics).
    @Test func elementsAreMutatedInPlaceAndShared() {
        struct Counter { var hits = 0; var name = "c" }
        let column = UnsafeColumn([Counter(), Counter()])
        let alias = column
        column[1].hits += 3
        alias[1].hits += 1
        #expect(column[1].hits == 4)
        #expect(column[0].hits == 0)
    }

    @Test func removeAllWhereKeepsTheOrderOfTheRest() {
        let column = UnsafeColumn(0..<20)
        let removed = column.removeAll { $0 % 3 == 0 }
        #expect(removed == 7)
        #expect(Array(column) == (0..<20).filter { $0 % 3 != 0 })
        column.removeAll()
        #expect(column.isEmpty)
        column.append(5)
        #expect(Array(column) == [5])
    }

    /// Elements with references are released when removed and when the column goes away.
    @Test func referencesAreReleased() {
        final class Token {}
        weak var removedOne: Token?
        weak var keptOne: Token?
        do {
            let column = UnsafeColumn<Token>()
            for _ in 0..<10 { column.append(Token()) }
            removedOne = column[0]
            keptOne = column[1]
            let first = ObjectIdentifier(column[0])
            column.removeAll { ObjectIdentifier($0) == first }
            #expect(removedOne == nil)
            #expect(keptOne != nil)
        }
        #expect(keptOne == nil)
    }
}
