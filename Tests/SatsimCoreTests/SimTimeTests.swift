import Foundation
import SatsimCore
import Testing

@Suite struct SimTimeTests {
    @Test func secondsRoundToTheNearestNanosecond() {
        #expect(SimTime(seconds: 1.5).nanoseconds == 1_500_000_000)
        #expect(SimTime(seconds: 1.4e-9).nanoseconds == 1)
        #expect(SimTime(seconds: 1.6e-9).nanoseconds == 2)
    }

    /// The conversion rounds without libm (issue 10); it must agree with `rounded()` (halves away
    /// from zero) on every input, or a golden run would shift by a nanosecond somewhere.
    @Test func roundingWithoutLibmMatchesRoundedEverywhere() {
        func reference(_ seconds: Double) -> Int64 {
            let ns = (seconds * 1e9).rounded()
            return !(ns > 0) ? 0 : ns >= 9.2e18 ? .max : Int64(ns)
        }
        // Exact halves, the doubles either side of them, and the largest double below one half.
        var cases: [Double] = [0.5e-9, 1.5e-9, 2.5e-9, 0.49999999999999994e-9, 4503599627370495.5e-9]
        for k in [0.5, 1.5, 2.5, 1_000_000.5, 4_503_599_627_370_495.5] {
            cases += [k / 1e9, (k / 1e9).nextUp, (k / 1e9).nextDown]
        }
        cases += [0x1p52 / 1e9, 0x1p53 / 1e9, 9.1e9, 9.2e9, 1e-12, 3e-10]
        // And a million random durations over 24 orders of magnitude.
        let stream = RandomStream(seed: 10)
        for _ in 0..<1_000_000 {
            cases.append((stream.uniform() - 0.01) * pow(10, 12 * stream.uniform() - 12) * 1e10)
        }
        var mismatches = 0
        for seconds in cases where SimTime(seconds: seconds).nanoseconds != reference(seconds) {
            mismatches += 1
            if mismatches <= 5 { Issue.record("\(seconds) s: \(SimTime(seconds: seconds).nanoseconds) ns, rounded() gives \(reference(seconds))") }
        }
        #expect(mismatches == 0)
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
