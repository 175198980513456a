import Testing
@testable import SatsimSweep

@Suite("Sweep axes: --vary lists and ranges")
struct SweepAxisTests {
    @Test func aListSplitsAtCommas() throws {
        let axis = try SweepAxis.parse("clients.users.arrival.rate=600/s, 700/s,800/s")
        #expect(axis.path == "clients.users.arrival.rate")
        #expect(axis.values == ["600/s", "700/s", "800/s"])
    }

    @Test func aRangeGivesNEvenlySpacedValuesEndsIncluded() throws {
        #expect(try SweepAxis.parse("x.y=0.5..1.0/6").values == ["0.5", "0.6", "0.7", "0.8", "0.9", "1"])
        #expect(try SweepAxis.parse("x.y=10s..60s/6").values == ["10s", "20s", "30s", "40s", "50s", "60s"])
        #expect(try SweepAxis.parse("x.y=1..4/4").values == ["1", "2", "3", "4"])
        #expect(try SweepAxis.parse("x.y=600/s..900/s/4").values == ["600/s", "700/s", "800/s", "900/s"])
    }

    @Test(arguments: ["x.y", "=1,2", "x..y=1", "x.y=1,,2", "x.y=1..2", "x.y=1s..2ms/3", "x.y=a..b/2", "x.y=1..2/0"])
    func malformedArgumentsAreDiagnosed(_ text: String) {
        #expect(throws: (any Error).self) { try SweepAxis.parse(text, ordinal: 3) }
    }
}
