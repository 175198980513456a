import SatsimAnalysis
import SatsimCore
import SatsimModel
import Testing

/// A run stopped at a limit tells only what it simulated: a timeline event after the stop is
/// counted as never simulated, not told as if it happened (a sentence that could mislead a room
/// is a bug as serious as a wrong figure).
@Suite("The story of a run stopped at a limit")
struct StoryStopTests {
    @Test("Events after the stop are not told; the stop is")
    func eventsAfterTheStopAreNotTold() {
        // 100 requests/s, constant: the 500th counted event is an arrival or a departure near
        // 2.5 s, long before the spike at 50 s.
        let spec = ScenarioSpec(
            name: "stopped", duration: SimTime(seconds: 100),
            clients: [ClientSpec(name: "users", target: "api", arrival: .constant(rate: 100))],
            services: [ServiceSpec(name: "api", workers: 4, serviceTime: .constant(value: 0.01))],
            timeline: [
                TimelineEventSpec(
                    at: SimTime(seconds: 50), duration: SimTime(seconds: 10), action: .loadSpike(client: "users", factor: 2))
            ])
        let result = Simulation(spec: spec).run(limits: RunLimits(maxEvents: 500))
        #expect(result.limitHit != nil)
        #expect(result.endSeconds < 50)
        let sentences = Story(result: result, spec: spec, analysis: RunAnalysis(result: result, spec: spec)).sentences
        let text = sentences.joined(separator: "\n")
        #expect(!text.contains("load spike"), "\(text)")
        #expect(!text.contains("The last fault ended"), "\(text)")
        #expect(text.contains("1 later timeline event was never simulated"), "\(text)")

        // The same scenario run to its end tells the spike.
        let whole = Simulation(spec: spec).run()
        let told = Story(result: whole, spec: spec, analysis: RunAnalysis(result: whole, spec: spec)).sentences
        #expect(told.contains { $0.contains("load spike") })
        #expect(!told.contains { $0.contains("never simulated") })
    }
}
