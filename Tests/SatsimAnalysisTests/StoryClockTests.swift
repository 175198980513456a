import SatsimAnalysis
import SatsimCore
import SatsimModel
import Testing

/// The story's rule for times, shared with `satsim run`'s progress line (``StoryClock``): a time
/// prints the second it falls in, with the decimals the run's interval boundaries and its end
/// need, and the decimals are the same wherever the run's times are printed.
@Suite("StoryClock: one rule for a time in the run")
struct StoryClockTests {
    static func spec(duration: Double, interval: Double = 1) -> ScenarioSpec {
        ScenarioSpec(
            name: "clock", duration: SimTime(seconds: duration), metricsInterval: SimTime(seconds: interval),
            clients: [ClientSpec(name: "users", target: "api", arrival: .constant(rate: 7))],
            services: [ServiceSpec(name: "api", workers: 4, serviceTime: .constant(value: 0.01))])
    }

    @Test("Decimals from the metrics interval and the duration", arguments: [
        (360.0, 1.0, 0), (20.5, 1.0, 1), (20.0, 0.5, 1), (20.0, 0.25, 2), (20.25, 1.0, 2), (20.001, 1.0, 3),
    ])
    func decimals(duration: Double, interval: Double, expected: Int) {
        #expect(StoryClock.decimals(for: Self.spec(duration: duration, interval: interval)) == expected)
    }

    @Test("A time is truncated, never rounded up", arguments: [
        (129.78, 0, "2m09s"), (59.7, 0, "59s"), (9.96, 1, "9.9s"), (360.0, 0, "6m00s"),
    ])
    func text(seconds: Double, decimals: Int, expected: String) {
        #expect(StoryClock.text(seconds, decimals: decimals) == expected)
    }

    /// A run of 20.5 s stopped at a limit: its story names the stop in tenths, the digits its end
    /// needs, as the progress line does; with whole-second decimals a stop at 12.37 s and the
    /// end at 20.5 s would both be cut to their second.
    @Test("The story of a run with a fractional duration names its stop with the duration's decimals")
    func stoppedStory() {
        let spec = Self.spec(duration: 20.5)
        let result = Simulation(spec: spec).run(limits: RunLimits(maxEvents: 150))
        #expect(result.limitHit != nil)
        let story = Story(result: result, spec: spec, analysis: RunAnalysis(result: result, spec: spec))
        let stop = story.findings.first { $0.mechanism == .runStopped }
        let expected = "The run stopped at \(StoryClock.text(result.endSeconds, decimals: 1)), at a limit"
        #expect(stop?.sentence.hasPrefix(expected) == true, "\(stop?.sentence ?? "none") against \(expected)")
        #expect(expected.contains("."), "\(expected): a stop between two tenths prints its tenth")
    }
}
