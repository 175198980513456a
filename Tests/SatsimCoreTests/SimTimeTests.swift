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
