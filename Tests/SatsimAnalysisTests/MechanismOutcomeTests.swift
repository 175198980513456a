import SatsimAnalysis
import SatsimCore
import SatsimModel
import Testing

/// Whole runs whose verdict the mechanism explains: retries without limits keep an overloaded
/// service down after a spike; without retries, or with a queue timeout shorter than the client
/// timeout, it comes back.
@Suite("Mechanisms and their outcomes")
struct MechanismOutcomeTests {
    static func retryStorm(maxAttempts: Int, queueTimeout: SimTime? = nil) -> ScenarioSpec {
        ScenarioSpec(
            name: "retry-storm", duration: SimTime(seconds: 300), warmup: SimTime(seconds: 20), seed: 42,
            clients: [
                ClientSpec(
                    name: "users", target: "api", arrival: .poisson(rate: 300), timeout: SimTime(seconds: 1),
                    retry: RetrySpec(maxAttempts: maxAttempts, on: [.timeout, .error]))
            ],
            services: [
                ServiceSpec(
                    name: "api", instances: 2, workers: 8, serviceTime: .lognormal(mean: 0.04, cv: 1),
                    queue: QueueSpec(capacity: 1000, timeout: queueTimeout))
            ],
            timeline: [
                TimelineEventSpec(
                    at: SimTime(seconds: 60), duration: SimTime(seconds: 10), action: .loadSpike(client: "users", factor: 2))
            ])
    }

    @Test("Immediate retries after a spike: metastable, with amplification and wasted work named")
    func retriesSustainOverload() {
        let spec = Self.retryStorm(maxAttempts: 4)
        let result = Simulation(spec: spec).run()
        let analysis = RunAnalysis(result: result, spec: spec)
        #expect(analysis.verdict.outcome == .metastable)
        #expect(result.clients[0].amplification > 2.5)
        #expect(result.services[0].wasted > result.services[0].completions / 2)
        let story = Story(result: result, spec: spec, analysis: analysis).sentences.joined(separator: " ")
        #expect(story.contains("retry amplification"))
        #expect(story.contains("wasted work"))
        #expect(story.contains("metastable"))
    }

    @Test("The same spike without retries: recovered")
    func withoutRetriesRecovers() {
        let spec = Self.retryStorm(maxAttempts: 1)
        let result = Simulation(spec: spec).run()
        let verdict = RunAnalysis(result: result, spec: spec).verdict
        #expect(verdict.outcome == .recovered)
        #expect((verdict.recoveryTime ?? .infinity) < 60)
    }

    @Test("With a queue timeout shorter than the client timeout the spike passes")
    func queueTimeoutSheds() {
        let spec = Self.retryStorm(maxAttempts: 4, queueTimeout: SimTime(seconds: 0.5))
        let result = Simulation(spec: spec).run()
        let verdict = RunAnalysis(result: result, spec: spec).verdict
        #expect(verdict.outcome == .stable || verdict.outcome == .recovered)
        #expect(result.services[0].dropped > 0)
    }
}
