import SatsimCore
import Testing

@Suite struct SimTimeTests {
    @Test func secondsRoundToTheNearestNanosecond() {
        #expect(SimTime(seconds: 1.5).nanoseconds == 1_500_000_000)
        #expect(SimTime(seconds: 1.4e-9).nanoseconds == 1)
        #expect(SimTime(seconds: 1.6e-9).nanoseconds == 2)
    }

    @Test func outOfRangeSecondsClamp() {
        #expect(SimTime(seconds: -3) == .zero)
        #expect(SimTime(seconds: .nan) == .zero)
        #expect(SimTime(seconds: 1e300) == .never)
        #expect(SimTime(seconds: .infinity) == .never)
    }

    @Test func additionSaturatesAtNever() {
        #expect(SimTime.never + SimTime(nanoseconds: 1) == .never)
        #expect(SimTime(nanoseconds: 2) + SimTime(nanoseconds: 3) == SimTime(nanoseconds: 5))
        #expect(SimTime(nanoseconds: 2) - SimTime(nanoseconds: 3) == SimTime(nanoseconds: -1))
    }
}

@Suite("SimTime description")
struct SimTimeDescriptionTests {
    @Test("Descriptions come from the integer count, without binary rounding noise")
    func exactDescriptions() {
        #expect(SimTime(nanoseconds: 120_000_000_000).description == "120s")
        #expect(SimTime(seconds: 60).description == "60s")
        #expect(SimTime(nanoseconds: 1_500_000).description == "0.0015s")
        #expect(SimTime(nanoseconds: 250_000).description == "0.00025s")
        #expect(SimTime(nanoseconds: -2_000_000_000).description == "-2s")
        #expect(SimTime.never.description == "never")
    }
}
