import Testing

@testable import SatsimModel

/// `EventKind.decode` replaces the compiler's `init(rawValue:)` by a range check and a bit cast
/// (issue 10), which is right only while the raw values are 0, 1, 2, ... in case order.
@Suite("Event kinds")
struct EventKindTests {
    @Test("Every kind decodes from its raw value, and nothing else decodes")
    func decodeRoundTrips() {
        #expect(UInt32(EventKind.allCases.count) == EventKind.count)
        for kind in EventKind.allCases {
            #expect(EventKind.decode(kind.rawValue) == kind)
            #expect(EventKind(rawValue: kind.rawValue) == kind)
        }
        for raw in [EventKind.count, EventKind.count + 1, 255, 256, UInt32.max] {
            #expect(EventKind.decode(raw) == nil)
        }
    }
}
