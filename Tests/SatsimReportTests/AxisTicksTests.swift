@testable import SatsimReport
import Testing

@Suite("Axis ticks")
struct AxisTicksTests {
    @Test("Value ticks start at 0 and step by 1, 2 or 5 times a power of ten up to the maximum or above")
    func valueTicksAreRound() {
        #expect(AxisTicks.linear(maximum: 8400).values == [0, 2000, 4000, 6000, 8000, 10000])
        #expect(AxisTicks.linear(maximum: 600).values == [0, 200, 400, 600])
        #expect(AxisTicks.linear(maximum: 0.23).step == 0.05)
        #expect(AxisTicks.linear(maximum: 1).values == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
        for maximum in [0.0007, 0.3, 3, 7.5, 42, 999, 1234, 98_765, 4e9] {
            let ticks = AxisTicks.linear(maximum: maximum)
            #expect(ticks.values.first == 0)
            #expect(ticks.top >= maximum, "top \(ticks.top) below maximum \(maximum)")
            #expect(ticks.values.count >= 3 && ticks.values.count <= 12, "\(ticks.values.count) ticks for \(maximum)")
        }
    }

    @Test("A maximum of zero, negative or not finite gives the axis 0 to 1")
    func degenerateMaximum() {
        for maximum in [0.0, -5, .nan, .infinity, -.infinity] {
            #expect(AxisTicks.linear(maximum: maximum).top == 1)
        }
    }

    @Test("Tick labels: as many decimals as the step needs, thousands as k on large axes")
    func valueLabels() {
        let small = AxisTicks.linear(maximum: 0.23)
        #expect(small.values.map { small.valueLabel($0) } == ["0", "0.05", "0.10", "0.15", "0.20", "0.25"])
        let large = AxisTicks.linear(maximum: 8400)
        #expect(large.values.map { large.valueLabel($0) } == ["0", "2k", "4k", "6k", "8k", "10k"])
        let medium = AxisTicks.linear(maximum: 600)
        #expect(medium.values.map { medium.valueLabel($0) } == ["0", "200", "400", "600"])
        let percent = AxisTicks.linear(maximum: 100, target: 4)
        #expect(percent.values.map { percent.valueLabel($0, suffix: "%") } == ["0%", "50%", "100%"])
    }

    @Test("Time ticks at steps people count in, labelled in minutes and seconds")
    func timeTicks() {
        let sixMinutes = AxisTicks.time(duration: 360)
        #expect(sixMinutes.step == 60)
        #expect(sixMinutes.values.map(AxisTicks.timeLabel) == ["0", "1m", "2m", "3m", "4m", "5m", "6m"])
        #expect(AxisTicks.time(duration: 30).step == 5)
        #expect(AxisTicks.time(duration: 5400).values.map(AxisTicks.timeLabel).contains("1h15m"))
        #expect(AxisTicks.timeLabel(90) == "1m30s")
        #expect(AxisTicks.timeLabel(0.5) == "0.5s")
        #expect(AxisTicks.time(duration: .nan).values == AxisTicks.time(duration: 1).values)
    }
}

extension AxisTicksTests {
    @Test("A maximum a rounding error above a round number keeps the round step")
    func roundingNoise() {
        #expect(AxisTicks.linear(maximum: 100.000_000_02).step == 20)
        #expect(AxisTicks.linear(maximum: 100.000_000_02).top >= 100.000_000_02 * (1 - 1e-9))
    }
}
