import SatsimScenario
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

    /// A point's seeds derive from the scenario seed, its values and the replication (README,
    /// "Seeds"), so a value listed twice is the same runs twice, which the table and the phase
    /// diagram would count as two independent points. Refused, at the repeated value.
    @Test func aRepeatedValueIsRefusedWhereItRepeats() throws {
        let error = try #require(throws: SatsimScenario.ScenarioError.self) {
            try SweepAxis.parse("clients.users.timeout=1s,2s, 1s", ordinal: 2)
        }
        let d = try #require(error.diagnostics.first)
        #expect((d.file, d.line, d.column) == ("--vary", 2, 30))
        #expect(d.message.hasPrefix("found 1s again (also value 1 of the list)"))
        // Values that differ only as text (1s, 1000ms) are distinct points with their own seeds.
        #expect(try SweepAxis.parse("x.y=1s,1000ms").values == ["1s", "1000ms"])
    }

    @Test func aRangeThatRepeatsAValueIsRefused() throws {
        let error = try #require(throws: SatsimScenario.ScenarioError.self) { try SweepAxis.parse("x.y=1s..1s/3") }
        #expect(error.diagnostics.first?.column == 5)
        #expect(error.diagnostics.first?.message.contains("gives 1s as value 1 and again as value 2") == true)
        // Two values closer than the 12 significant digits printed would also be one point.
        #expect(throws: SatsimScenario.ScenarioError.self) { try SweepAxis.parse("x.y=1..1.0000000000001/2") }
        #expect(try SweepAxis.parse("x.y=1s..1s/1").values == ["1s"])
    }

    @Test(arguments: ["x.y", "=1,2", "x..y=1", "x.y=1,,2", "x.y=1..2", "x.y=1s..2ms/3", "x.y=a..b/2", "x.y=1..2/0"])
    func malformedArgumentsAreDiagnosed(_ text: String) {
        #expect(throws: (any Error).self) { try SweepAxis.parse(text, ordinal: 3) }
    }
}
