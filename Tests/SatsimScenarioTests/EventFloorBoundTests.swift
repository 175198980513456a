import SatsimCore
import SatsimModel
import Testing
@testable import SatsimScenario

/// ``EventFloor`` must be a true lower bound on what a run counts: a file refused for needing more
/// than the event budget must not be one that would have reached its end within it. These are
/// runs built to count as little as a file allows (every request turned away at a full queue, so
/// that it ends with its arrival and no departure), each run to its end and compared with the
/// floor; each of them counted fewer events than the floor said before the floor was fixed.
@Suite struct EventFloorBoundTests {
    /// One worker busy for an hour with the first request and no queue: every later request is
    /// turned away at once (one counted event, its arrival).
    static func scenario(arrival: String, duration: String, seed: Int = 1, service: String = "") -> String {
        """
        name: floor
        description: a run that counts as little as it can
        duration: \(duration)
        seed: \(seed)
        metrics: { interval: \(duration) }
        clients:
          users:
            target: api
            arrival: \(arrival)
        services:
          api:
            instances: 1
            workers: 1
            service_time: { dist: constant, value: 1h }
            queue: { capacity: 0 }
        \(service)
        """
    }

    static func counted(_ text: String) throws -> (floor: Double, counted: Int) {
        let spec = try ScenarioLoader.parse(text: text, file: "floor.yaml")
        let result = Simulation(spec: spec).run()
        #expect(result.limitHit == nil)
        return (EventFloor.events(of: spec), result.eventCount)
    }

    /// A constant process sends one request every 1/rate, and that gap is a whole number of
    /// nanoseconds (SimTime, rounded half up): 6 x 10^8/s is a gap of 1.67 ns, sent every 2 ns,
    /// so 5 x 10^5 requests in 1 ms where rate x duration says 6 x 10^5.
    @Test func aConstantRateIsCountedAtTheGapItRunsAt() throws {
        let (floor, counted) = try Self.counted(Self.scenario(arrival: "{ process: constant, rate: 600000000/s }", duration: "1ms"))
        #expect(counted == 500_000)
        #expect(floor <= Double(counted), "floor \(floor), counted \(counted)")
    }

    /// A Poisson process sends rate x duration requests on average, and fewer about half the
    /// time: the mean is no lower bound. 1,000 expected requests, over 20 seeds.
    @Test func aPoissonRateIsCountedBelowItsMean() throws {
        var below = 0
        for seed in 1...20 {
            let (floor, counted) = try Self.counted(Self.scenario(arrival: "{ process: poisson, rate: 1000/s }", duration: "1s", seed: seed))
            if counted < 1000 { below += 1 }
            #expect(floor <= Double(counted), "seed \(seed): floor \(floor), counted \(counted)")
        }
        // The runs do fall below the mean (else this test proves nothing).
        #expect(below > 0)
    }

    /// A load spike counted at the spiked rate (``EventFloor/spikedRequests(_:client:rate:seconds:count:)``)
    /// is still below what a run sends: 1,000 requests/s with two overlapping spikes (x10 and
    /// x3) and one after them, over 20 seeds, each run to its end.
    @Test func aSpikedRateIsCountedBelowWhatTheRunSends() throws {
        let timeline = """
            timeline:
              - { at: 200ms, for: 300ms, kind: load_spike, client: users, factor: 10 }
              - { at: 400ms, for: 200ms, kind: load_spike, client: users, factor: 3 }
              - { at: 800ms, for: 200ms, kind: load_spike, client: users, factor: 2 }
            """
        for process in ["poisson", "constant"] {
            for seed in 1...(process == "poisson" ? 20 : 1) {
                let text = Self.scenario(arrival: "{ process: \(process), rate: 1000/s }", duration: "1s", seed: seed) + timeline
                let (floor, counted) = try Self.counted(text)
                // Without the spikes the floor would be under 1,000: the spikes are counted.
                #expect(floor > 3_000, "\(process) seed \(seed): floor \(floor)")
                #expect(floor <= Double(counted), "\(process) seed \(seed): floor \(floor), counted \(counted)")
            }
        }
    }

    /// A timeline `set` of a rate or a probe interval is counted from its `at` at the new value
    /// (``EventFloor/setSources(of:)``): still below what the run counts. A probe set finer keeps
    /// the round already scheduled at the old interval (here up to 150 ms), which is not counted.
    @Test func aTimelineSetOfAPaceIsCountedBelowWhatTheRunSends() throws {
        for process in ["poisson", "constant"] {
            for seed in 1...(process == "poisson" ? 10 : 1) {
                let text = Self.scenario(arrival: "{ process: \(process), rate: 10/s }", duration: "1s", seed: seed)
                    + "timeline:\n  - { at: 200ms, kind: set, path: clients.users.arrival.rate, value: 5000/s }"
                let (floor, counted) = try Self.counted(text)
                #expect(floor > 3_000, "\(process) seed \(seed): floor \(floor)")
                #expect(floor <= Double(counted), "\(process) seed \(seed): floor \(floor), counted \(counted)")
            }
        }
        for seed in 1...5 {
            let text = Self.scenario(arrival: "{ process: constant, rate: 1/s }", duration: "1s", seed: seed,
                                     service: "    health_check: { interval: 100ms, timeout: 1ms, jitter: 0.5 }")
                + "\ntimeline:\n  - { at: 200ms, kind: set, path: services.api.health_check.interval, value: 1ms }"
            let (floor, counted) = try Self.counted(text)
            #expect(floor > 400, "seed \(seed): floor \(floor)")
            #expect(floor <= Double(counted), "seed \(seed): floor \(floor), counted \(counted)")
        }
    }

    /// A health check whose action is `restart` stops an instance's probes for its boot_time
    /// after each restart, and an overloaded instance fails its probes with no timeline event at
    /// all: here the first request (at 1 s) holds the only worker, the next probe finds the
    /// queue full, and the instance restarts and boots for an hour. About 1,000 probes were sent
    /// (2,012 counted events with their answers and the requests) where the floor counted 10,009.
    @Test func restartingProbesAreNotCounted() throws {
        let service = """
                health_check: { interval: 1ms, timeout: 1ms, unhealthy_after: 1, action: restart }
                boot_time: 1h
            """
        let (floor, counted) = try Self.counted(Self.scenario(arrival: "{ process: constant, rate: 1/s }", duration: "10s", service: service))
        #expect(counted < 3_000)
        #expect(floor <= Double(counted), "floor \(floor), counted \(counted)")
    }
}

extension EventFloorBoundTests {
    static func file(duration: String, clients: String, service: String = "") -> String {
        """
        name: fits
        description: the value a refusal suggests
        duration: \(duration)
        clients:
        \(clients)
        services:
          api:
            instances: 4
            workers: 4
            service_time: { dist: exponential, mean: 20ms }
        \(service)
        """
    }

    /// The value a refusal suggests ("expected a rate <= X", "an interval >= X") is one the
    /// file may hold, and with it the file loads under the same budget.
    @Test(arguments: [
        // A constant rate's gap is rounded to the nanosecond: 2 x 10^9 / 2.001 s = 999,500,249/s
        // is a gap of 1.0005 ns, run every 1 ns, 2.001 x 10^9 requests: past the budget again.
        (file(duration: "2001ms", clients: "  users: { target: api, arrival: { process: constant, rate: 1000000000/s } }"),
         "clients.users.arrival.rate"),
        (file(duration: "1h", clients: "  users: { target: api, arrival: { process: poisson, rate: 1000000000/s } }"),
         "clients.users.arrival.rate"),
        // Another client leaves less than one request a second: a rate of 0/s is no rate.
        (file(duration: "1h", clients: """
              users: { target: api, arrival: { process: constant, rate: 1000000000/s } }
              steady: { target: api, arrival: { process: constant, rate: 555555/s } }
            """), "clients.users.arrival.rate"),
        // Probes: four instances, a jitter that stretches the interval by half at most.
        (file(duration: "1h", clients: "  users: { target: api, arrival: { process: poisson, rate: 10/s } }",
              service: "    health_check: { interval: 1us, timeout: 1us, jitter: 0.5 }"),
         "services.api.health_check.interval"),
    ])
    func theSuggestedValueFitsTheBudget(text: String, path: String) throws {
        let budget = 2_000_000_000
        let error = try #require(throws: ScenarioError.self) {
            try ScenarioLoader.parse(text: text, file: "fits.yaml", eventBudget: budget)
        }
        let d = try #require(error.diagnostics.first)
        #expect(d.path == path, "\(d)")
        let marker = try #require(["expected a rate <= ", "expected an interval >= "].first { d.message.contains($0) }, "\(d)")
        let tail = d.message.components(separatedBy: marker)[1]
        let value = try #require(tail.split(separator: ",").first.map(String.init))
        #expect(throws: Never.self, "\(value)") {
            try ScenarioLoader.parse(text: text, file: "fits.yaml", overrides: [ScalarOverride(path: path, value: value)], eventBudget: budget)
        }
    }
}
