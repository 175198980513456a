import SatsimModel
import SatsimScenario
import Testing

/// `Simulation.run(limits:progressEvery:progress:)`, which `satsim run` uses to draw its progress
/// bar, must give the very result of an uninterrupted run, also when the event budget ends it.
@Suite("A run reported in chunks is the same run")
struct RunProgressTests {
    static let storm = """
        name: storm
        description: A spike with retries.
        duration: 30s
        warmup: 2s
        seed: 5
        clients:
          users:
            target: api
            arrival: { process: poisson, rate: 150/s }
            timeout: 300ms
            retry: { max_attempts: 4, on: [timeout, error] }
        services:
          api:
            instances: 1
            workers: 4
            service_time: { dist: exponential, mean: 20ms }
            queue: { capacity: 300 }
        timeline:
          - { at: 10s, for: 5s, kind: load_spike, client: users, factor: 2 }
        """

    @Test(arguments: [(RunLimits(), 997), (RunLimits(maxEvents: 12_000), 1000), (RunLimits(maxEvents: 12_000), 4000), (RunLimits(maxEvents: 12_000), 7000), (RunLimits(maxEvents: 5), 1)])
    func chunkedEqualsWhole(limits: RunLimits, chunk: Int) throws {
        let spec = try ScenarioLoader.parse(text: Self.storm, file: "storm.yaml")
        let whole = Simulation(spec: spec).run(limits: limits)
        var calls = 0
        var last = -1.0
        let chunked = Simulation(spec: spec).run(limits: limits, progressEvery: chunk) { now in
            calls += 1
            #expect(now.seconds >= last, "time never goes back")
            last = now.seconds
        }
        #expect(calls >= min(whole.eventCount / chunk, 2), "progress was reported")
        #expect(chunked.clients == whole.clients)
        #expect(chunked.services == whole.services)
        #expect(chunked.eventCount == whole.eventCount)
        #expect(chunked.endSeconds == whole.endSeconds)
        #expect(chunked.limitHit?.message == whole.limitHit?.message)
        #expect(chunked.events.count == whole.events.count)
    }
}
