import SatsimCore
import SatsimModel
@testable import SatsimScenario
import Testing

/// Circuit breakers on call edges, checked against the state machine they implement (Hystrix's
/// "How it Works", resilience4j's CircuitBreaker docs: CLOSED -> OPEN when the failure rate over
/// the sliding window reaches the threshold with at least the minimum number of calls; OPEN
/// rejects every call for the wait duration; HALF_OPEN permits a fixed number of calls and,
/// once all of them have completed, opens again when their failure rate reaches the threshold,
/// and closes otherwise: https://resilience4j.readme.io/docs/circuitbreaker).
@Suite("Circuit breakers on call edges")
struct EdgeBreakerTests {
    /// users -> api -> db, 100 calls per second on the edge (constant arrivals: one every 10 ms);
    /// db fails every call from 10 s to 30 s.
    static let text = """
        name: edge-breaker
        description: A breaker on the api -> db edge.
        duration: 45s
        seed: 5
        clients:
          users:
            target: api
            arrival: { process: constant, rate: 100/s }
            timeout: 2s
        services:
          api:
            instances: 1
            workers: 50
            service_time: { dist: constant, value: 1ms }
            calls:
              - service: db
                timeout: 500ms
                circuit_breaker: { failure_ratio: 0.5, min_requests: 20, window: 1s, open_for: 5s, half_open_probes: 3 }
          db:
            instances: 1
            workers: 50
            service_time: { dist: constant, value: 2ms }
        timeline:
          - { at: 10s, for: 20s, kind: errors, service: db, ratio: 1.0 }

        """

    @Test("opens within the window once half the calls fail, rejects for open_for, probes, closes after the fault")
    func stateMachine() throws {
        let spec = try ScenarioLoader.parse(text: Self.text, file: "edge.yaml")
        let result = Simulation(spec: spec).run()
        let edge = result.events.filter { $0.subject == "api -> db" }
        let kinds = edge.map(\.kind)
        // Nothing before the fault: every call succeeded.
        let first = try #require(edge.first)
        #expect(first.kind == .breakerOpened)
        // The window is 1 s: 1 s after the fault began it holds only failures (100 of them >= 20),
        // so it must have opened by then; before half of it failed it cannot have.
        #expect(first.time > 10.0 && first.time <= 11.0)
        // Every opening lasts open_for, then the next call finds it half open.
        for (i, event) in edge.enumerated() where event.kind == .breakerHalfOpen {
            let opened = try #require(edge[..<i].last { $0.kind == .breakerOpened })
            #expect(event.time >= opened.time + 5 && event.time <= opened.time + 5 + 0.011, "\(edge)")
        }
        // During the fault each half-open period's probes fail: it opens again. After the fault
        // (30 s) the first half-open period's probes succeed and it closes for good.
        let closes = edge.filter { $0.kind == .breakerClosed }
        #expect(closes.count == 1)
        let close = try #require(closes.first)
        #expect(close.time > 30 && close.time <= 35 + 0.1)
        #expect(kinds.last == .breakerClosed)
        for (i, event) in edge.enumerated() where event.kind == .breakerHalfOpen {
            #expect(edge[i + 1].kind == (event.time < 30 ? .breakerOpened : .breakerClosed), "\(edge)")
        }
        // Open, nothing reaches db: every time-series second entirely inside an open period
        // shows no db arrivals.
        let arrivals = try #require(result.timeSeries.column("services.db.arrivals"))
        var openSeconds = 0
        for (i, event) in edge.enumerated() where event.kind == .breakerOpened {
            let until = edge[i + 1].time
            var second = Int(event.time.rounded(.up))
            while Double(second + 1) <= until {
                #expect(arrivals[second] == 0, "db arrivals in second \(second)")
                openSeconds += 1
                second += 1
            }
        }
        #expect(openSeconds >= 12)
        let during = (10..<30).reduce(0.0) { $0 + arrivals[$1] }
        let halfOpens = edge.filter { $0.kind == .breakerHalfOpen && $0.time < 30 }.count
        let opened = first.time - 10
        // Calls before it opened (one per 10 ms, +-1 for where the first fell), then, per
        // half-open period, its 3 probes: db fails each at once, and the breaker waits for all
        // three before it judges them (3/3 failed: open again), so 3 probes per period reach db.
        #expect(during <= (opened * 100).rounded(.up) + 1 + 3 * Double(halfOpens))
        #expect(during >= (opened * 100).rounded(.down) - 1 + 3 * Double(halfOpens))
        #expect(halfOpens == 3)
    }

    @Test("a call's breaker rejection is retried only when retry.on lists rejected")
    func rejectionsAndRetries() throws {
        let retried = Self.text.replacingOccurrences(
            of: "timeout: 500ms\n", with: "timeout: 500ms\n        retry: { max_attempts: 3, on: [rejected] }\n")
        let plain = Simulation(spec: try ScenarioLoader.parse(text: Self.text, file: "a.yaml")).run()
        let withRetry = Simulation(spec: try ScenarioLoader.parse(text: retried, file: "b.yaml")).run()
        // Retrying a rejection at once meets the same open breaker: it changes nothing at db.
        #expect(plain.services.first { $0.name == "db" }?.arrivals == withRetry.services.first { $0.name == "db" }?.arrivals)
    }
}
