import SatsimCore
import SatsimModel
import Testing

/// Downstream calls: thread per request, probabilities, optional calls, call retries, cascades.
@Suite("Downstream calls")
struct CallTests {
    static func spec(
        call: CallSpec, apiWorkers: Int = 50, dbService: Distribution = .constant(value: 0.05),
        timeline: [TimelineEventSpec] = [], rate: Double = 100, duration: Double = 120
    ) -> ScenarioSpec {
        ScenarioSpec(
            name: "calls", duration: SimTime(seconds: duration), warmup: SimTime(seconds: 10), seed: 17,
            clients: [ClientSpec(name: "users", target: "api", arrival: .poisson(rate: rate), timeout: SimTime(seconds: 2))],
            services: [
                ServiceSpec(name: "api", instances: 1, workers: apiWorkers, serviceTime: .constant(value: 0.01), calls: [call]),
                ServiceSpec(name: "db", instances: 1, workers: 1000, serviceTime: dbService),
            ],
            timeline: timeline)
    }

    @Test("A handler holds its worker through its call: latency and utilization include the call")
    func threadPerRequest() {
        let result = Simulation(spec: Self.spec(call: CallSpec(service: "db"))).run()
        let users = result.clients[0]
        let api = result.services[0]
        // 10 ms own work + 50 ms in db, no queueing anywhere.
        #expect(abs(users.latency.mean - 0.06) < 1e-6)
        // Little's law on the workers: lambda x 60 ms / 50 workers.
        #expect(abs(api.utilization - 100 * 0.06 / 50) < 0.006)
        #expect(abs(result.services[1].arrivals - api.completions) <= 10)
    }

    @Test("A call with probability p reaches the dependency for a share p of requests")
    func probability() {
        let result = Simulation(spec: Self.spec(call: CallSpec(service: "db", probability: 0.3), rate: 400)).run()
        let api = result.services[0], db = result.services[1]
        let share = Double(db.arrivals) / Double(api.arrivals)
        let sigma = (0.3 * 0.7 / Double(api.arrivals)).squareRoot()
        #expect(abs(share - 0.3) < 4.4 * sigma, "share \(share)")
    }

    @Test("A failed required call fails the request; an optional one is tolerated")
    func optionalCalls() {
        let outage = [TimelineEventSpec(at: SimTime(seconds: 30), duration: SimTime(seconds: 30), action: .outage(service: "db", mode: .refuse))]
        let required = Simulation(spec: Self.spec(call: CallSpec(service: "db"), timeline: outage)).run().clients[0]
        let optional = Simulation(spec: Self.spec(call: CallSpec(service: "db", optional: true), timeline: outage)).run().clients[0]
        // 30 s of 110 measured fail when the call is required.
        #expect(abs(Double(required.failures) / Double(required.requests) - 30.0 / 110) < 0.02)
        #expect(optional.failures == 0)
    }

    @Test("Call retries: with half the calls failing and two attempts, a quarter of requests fail")
    func callRetries() {
        let errors = [TimelineEventSpec(at: SimTime(seconds: 0), duration: SimTime(seconds: 120), action: .errors(service: "db", ratio: 0.5))]
        let result = Simulation(
            spec: Self.spec(call: CallSpec(service: "db", retry: RetrySpec(maxAttempts: 2)), timeline: errors, rate: 400)
        ).run()
        let users = result.clients[0]
        let failed = Double(users.failures) / Double(users.requests)
        let sigma = (0.25 * 0.75 / Double(users.requests)).squareRoot()
        #expect(abs(failed - 0.25) < 4.4 * sigma, "failed share \(failed)")
        // Calls per request: 1 + 0.5 retries.
        let perRequest = Double(result.services[1].arrivals) / Double(result.services[0].arrivals)
        #expect(abs(perRequest - 1.5) < 0.02)
    }

    @Test("A slow dependency exhausts the caller's workers: timeouts cascade upstream")
    func cascade() {
        // db turns 2 s slow for 20 s; the call times out after 1 s, so each api worker is held
        // for a second per request: 100/s needs 100 workers, the api has 20.
        let slow = [TimelineEventSpec(at: SimTime(seconds: 40), duration: SimTime(seconds: 20), action: .latency(service: "db", add: .constant(value: 2)))]
        let result = Simulation(
            spec: Self.spec(call: CallSpec(service: "db", timeout: SimTime(seconds: 1)), apiWorkers: 20, timeline: slow)
        ).run()
        let util = result.timeSeries.column("services.api.utilization") ?? []
        let queue = result.timeSeries.column("services.api.queue_length") ?? []
        #expect(util[45..<60].allSatisfy { $0 > 0.99 }, "api workers not exhausted during the slow dependency")
        #expect(queue[45..<60].reduce(0, +) / 15 > 100)
        // Back to its normal load: 100/s x 60 ms / 20 workers = 0.3.
        #expect(util[100..<120].allSatisfy { $0 < 0.5 }, "api did not come back")
        #expect(result.clients[0].failures > 0)
    }
}
