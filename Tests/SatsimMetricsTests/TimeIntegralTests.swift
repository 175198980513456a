import SatsimCore
import SatsimMetrics
import Testing

// The arithmetic here is exact up to rounding of a few additions, so the tolerance is a few ulps
// (1e-12 relative), not a statistical one.
private func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * max(abs(a), abs(b), 1) }

@Suite struct TimeIntegralTests {
    @Test func theIntegralOfAPiecewiseConstantQuantityIsExact() {
        // A queue length: 0 for 1 s, 3 for 2 s, 1 for 1 s, then 2 for as long as asked.
        var queue = TimeIntegral()
        queue.set(3, at: SimTime(seconds: 1))
        // Window averages are differences of integrals taken as time passes (never backwards).
        let atTwo = queue.integral(upTo: SimTime(seconds: 2))
        queue.set(1, at: SimTime(seconds: 3))
        queue.add(1, at: SimTime(seconds: 4))
        #expect(queue.value == 2)
        #expect(close(atTwo, 3))
        #expect(close(queue.integral(upTo: SimTime(seconds: 4)), 7))
        #expect(close(queue.integral(upTo: SimTime(seconds: 4)) / 4, 1.75))  // the time average
        #expect(close(queue.integral(upTo: SimTime(seconds: 6.5)), 12))
        // [2 s, 4.5 s]: 1 s at 3, 1 s at 1, 0.5 s at 2, over 2.5 s.
        #expect(close((queue.integral(upTo: SimTime(seconds: 4.5)) - atTwo) / 2.5, 2))
    }

    @Test func repeatedChangesAtOneInstantAddNothing() {
        var busy = TimeIntegral(value: 4, at: SimTime(seconds: 10))
        for delta in [1.0, -2, 5] { busy.add(delta, at: SimTime(seconds: 10)) }
        #expect(busy.area == 0)
        #expect(close(busy.integral(upTo: SimTime(seconds: 12)), 16))
    }

    @Test func anIntegralAgreesWithAStepByStepSum() {
        // Many nanosecond-aligned steps: the running integral against a direct sum in integers.
        let stream = RandomStream(seed: 3)
        var integral = TimeIntegral()
        var exact = 0.0
        var t: Int64 = 0
        var value = 0
        for _ in 0..<10_000 {
            let step = Int64(stream.nextUInt64() % 5_000_000)
            exact += Double(value) * Double(step) * 1e-9
            t += step
            value = Int(stream.nextUInt64() % 50)
            integral.set(Double(value), at: SimTime(nanoseconds: t))
        }
        #expect(abs(integral.integral(upTo: SimTime(nanoseconds: t)) - exact) <= 1e-9 * exact)
    }

    @Test("A whole-number quantity integrates without rounding: the area is kept in value x nanoseconds")
    func wholeNumbersIntegrateExactly() {
        // Ten spans of 0.1 s at 1: summed in seconds, 0.1 ten times is 0.9999999999999999; in
        // nanoseconds, 10^8 ten times is exactly 10^9.
        var busy = TimeIntegral(value: 1, at: .zero)
        for k in 1...10 { busy.set(1, at: SimTime(nanoseconds: Int64(k) * 100_000_000)) }
        #expect(busy.area == 1.0)
        #expect(busy.integral(upTo: SimTime(seconds: 1)) == 1.0)
        // Random spans and whole values: the integral equals the integer sum, converted once.
        let stream = RandomStream(seed: 11)
        var integral = TimeIntegral()
        var exact: Int64 = 0
        var t: Int64 = 0
        var value: Int64 = 0
        for _ in 0..<10_000 {
            let step = Int64(stream.nextUInt64() % 5_000_000)
            exact += value * step
            t += step
            value = Int64(stream.nextUInt64() % 100)
            integral.set(Double(value), at: SimTime(nanoseconds: t))
        }
        #expect(integral.integral(upTo: SimTime(nanoseconds: t)) == Double(exact) / 1e9)
    }
}
