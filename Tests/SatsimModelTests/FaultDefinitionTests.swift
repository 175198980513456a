import SatsimCore
import SatsimModel
import Testing

/// Fault kinds against their own words in the contract (scenario-format.md, "EVENT"):
/// `load_spike` multiplies a client's arrival rate (or its users) by `factor` for `for`; `errors`
/// fails a share `ratio` of requests fast; `latency` adds its distribution to each request's
/// service time; `kill` loses an instance's work and replaces it after boot_time.
@Suite("Faults, by their definitions")
struct FaultDefinitionTests {
    static func spec(arrival: ArrivalSpec, timeline: [TimelineEventSpec], duration: Double = 20, workers: Int = 50) -> ScenarioSpec {
        ScenarioSpec(
            name: "fault-definition", duration: SimTime(seconds: duration), seed: 17,
            clients: [ClientSpec(name: "users", target: "api", arrival: arrival, timeout: SimTime(seconds: 1))],
            services: [
                ServiceSpec(name: "api", instances: 1, workers: workers, serviceTime: .constant(value: 0.001), queue: QueueSpec(capacity: 1000))
            ],
            timeline: timeline)
    }

    static func spike(_ factor: Double) -> [TimelineEventSpec] {
        [TimelineEventSpec(at: SimTime(seconds: 10), duration: SimTime(seconds: 5), action: .loadSpike(client: "users", factor: factor))]
    }

    static func requestsPerSecond(_ result: SimulationResult) -> [Double] {
        result.timeSeries.column("clients.users.requests") ?? []
    }

    @Test("load_spike on constant arrivals: exactly rate x factor per second while it lasts, rate before and after")
    func constantSpike() {
        // 100/s, x3 from 10 s to 15 s: one request every 10 ms, then every 3.33 ms, then every
        // 10 ms again (the next gap is drawn at the new rate when the rate changes). Per second:
        // 100, 300 within one request at each edge.
        let rows = Self.requestsPerSecond(Simulation(spec: Self.spec(arrival: .constant(rate: 100), timeline: Self.spike(3))).run())
        #expect(rows.count == 20)
        for (second, count) in rows.enumerated() {
            let expected = (10..<15).contains(second) ? 300.0 : 100
            #expect(abs(count - expected) <= 1, "second \(second): \(count) requests, expected \(expected)")
        }
    }

    @Test("load_spike on Poisson arrivals: the 5 s window holds Poisson(rate x factor x 5) requests")
    func poissonSpike() {
        // 200/s x 2.5 for 5 s: mean 2,500, sd 50; 4.4 sd (a two-sided 1e-5 level) is +-220.
        // Outside the window 15 s at 200/s: mean 3,000, sd 54.8, +-241.
        let rows = Self.requestsPerSecond(Simulation(spec: Self.spec(arrival: .poisson(rate: 200), timeline: Self.spike(2.5))).run())
        let inside = rows[10..<15].reduce(0, +), outside = rows.reduce(0, +) - inside
        #expect(abs(inside - 2500) <= 220, "\(inside) requests in the spike")
        #expect(abs(outside - 3000) <= 241, "\(outside) requests outside it")
    }

    @Test("load_spike on a closed loop: users x factor while it lasts")
    func closedLoopSpike() {
        // 10 users, each thinking a constant 99 ms after a 1 ms answer: one request per user
        // every 100 ms, 100/s; x2 makes 20 users, 200/s; back to 10 after (surplus users leave
        // when they next finish).
        let arrival = ArrivalSpec.closed(users: 10, think: .constant(value: 0.099))
        let rows = Self.requestsPerSecond(Simulation(spec: Self.spec(arrival: arrival, timeline: Self.spike(2))).run())
        for (second, count) in rows.enumerated() where second != 10 && second != 15 {
            let expected = (10..<15).contains(second) ? 200.0 : 100
            #expect(abs(count - expected) <= 10, "second \(second): \(count) requests, expected \(expected)")
        }
    }

    @Test("errors fail fast: the failed attempts never reach the workers, the rest are served as before")
    func errorsFailFast() {
        // 100/s constant, errors at ratio 0.4 for the whole run: each attempt fails with
        // probability 0.4 on arrival. Completions are the attempts that passed: binomial(2000,
        // 0.6), mean 1,200, sd 21.9, +-97 at 4.4 sd; and every one that failed is an error
        // answered without service.
        let timeline = [TimelineEventSpec(at: .zero, duration: SimTime(seconds: 20), action: .errors(service: "api", ratio: 0.4))]
        let result = Simulation(spec: Self.spec(arrival: .constant(rate: 100), timeline: timeline)).run()
        let api = result.services[0], users = result.clients[0]
        #expect(abs(Double(api.completions) - 1200) <= 97, "\(api.completions) completions")
        #expect(users.successes == api.completions)
        // Every attempt ended as a success or an error, but for at most one still in flight at
        // the end (sent every 10 ms, each answered within 1 ms).
        let ended = users.attemptOutcomes["error", default: 0] + users.successes
        #expect(ended <= users.attempts && users.attempts - ended <= 1, "\(ended) of \(users.attempts) attempts ended")
        #expect(users.attemptOutcomes["timeout", default: 0] == 0)
    }
}
