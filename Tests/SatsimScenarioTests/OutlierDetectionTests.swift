import SatsimCore
@testable import SatsimModel
@testable import SatsimScenario
import Testing

/// Passive outlier detection, checked against Envoy's definition (architecture overview,
/// "Outlier detection", ejection algorithm; source/common/upstream/outlier_detection_impl.cc,
/// `DetectorImpl::ejectHost` and `checkHostForUneject`): consecutive errors eject a host at
/// once; only while 100 x (ejected + 1) / hosts <= max_ejection_percent, or when none is
/// ejected; an ejection lasts base_ejection_time x the multiplier m, which is the number of times
/// the host was ejected in a row while it keeps failing (its decay and cap: OutlierBackoffTests),
/// and ends at the first interval review after that.
@Suite("Outlier detection")
struct OutlierDetectionTests {
    /// users -> api (4 instances, round robin, one request every 10 ms, so every 40 ms to each
    /// instance); `paused` instances stop for 20 s from 5 s, so their attempts time out (200 ms).
    static func text(paused: Int, maxPercent: Int) -> String {
        """
        name: outliers
        description: Paused instances ejected by outlier detection.
        duration: 40s
        seed: 3
        clients:
          users:
            target: api
            arrival: { process: constant, rate: 100/s }
            timeout: 200ms
        services:
          api:
            instances: 4
            workers: 8
            service_time: { dist: constant, value: 1ms }
            balancer: round_robin
            outlier_detection: { consecutive_errors: 5, interval: 1s, base_ejection_time: 2s, max_ejection_percent: \(maxPercent) }
        timeline:
          - { at: 5s, for: 20s, kind: pause, service: api, count: \(paused) }

        """
    }

    static func events(_ paused: Int, _ maxPercent: Int) throws -> [RunEvent] {
        let spec = try ScenarioLoader.parse(text: text(paused: paused, maxPercent: maxPercent), file: "o.yaml")
        return Simulation(spec: spec).run().events
    }

    @Test("an ejection lasts base_ejection_time x ejections, ending at the first review after that")
    func ejectionTimeGrows() throws {
        let events = try Self.events(1, 50)
        let ejections = events.filter { $0.kind == .instanceEjected }
        let returns = events.filter { $0.kind == .instanceReadmitted }
        #expect(ejections.count >= 3, "\(events.map(\.detail))")
        // The first: 5 timeouts in a row, the first sent at or after 5 s and each 200 ms late.
        let first = try #require(ejections.first)
        #expect(first.time >= 5.2 && first.time <= 5.2 + 4 * 0.04 + 0.011)
        for (n, ejection) in ejections.enumerated() {
            #expect(ejection.detail.contains("(ejection \(n + 1))"))
            // Returned at a review (every 1 s from the start) once 2 s x n have passed.
            guard let back = returns.first(where: { $0.time > ejection.time }) else { continue }
            let lasts = 2.0 * Double(n + 1)
            #expect(back.time >= ejection.time + lasts - 1e-9 && back.time < ejection.time + lasts + 1 + 1e-9, "\(n)")
            #expect(abs(back.time - back.time.rounded()) < 1e-9)
            // Ejected, it gets no attempts, so nothing can eject it again before it is back; back,
            // it takes 5 new timeouts (sent 40 ms apart, each 200 ms late) to eject it again.
            #expect(ejections.filter { $0.time > ejection.time && $0.time < back.time }.isEmpty)
            if let next = ejections.first(where: { $0.time > back.time }) {
                #expect(next.time >= back.time + 0.2 + 4 * 0.04 - 1e-9, "\(next.time) after \(back.time)")
            }
        }
        // Once the pause is over (25 s) its answers succeed: no ejection after it returns.
        let lastBack = try #require(returns.last)
        #expect(ejections.allSatisfy { $0.time < 25 + 0.2 + 1e-9 })
        #expect(lastBack.time > 25)
    }

    @Test("max_ejection_percent: eject only while 100 x (ejected + 1) / instances <= it; the first always")
    func maxEjectionPercent() throws {
        // Two instances paused out of four. 25% may eject one (25% <= 25%) but not the second
        // (50% > 25%); 50% ejects both; 0% only the one that may always go (Envoy's API
        // reference: "will eject at least one host regardless of the value").
        let quarter = try Self.events(2, 25)
        let firstEjections = quarter.filter { $0.kind == .instanceEjected && $0.time < 6 }
        #expect(firstEjections.count == 1)
        #expect(quarter.contains { $0.kind == .outlierNotEjected && $0.time < 6 })
        let half = try Self.events(2, 50)
        #expect(half.filter { $0.kind == .instanceEjected && $0.time < 6 }.count == 2)
        #expect(!half.contains { $0.kind == .outlierNotEjected && $0.time < 6 })
        let none = try Self.events(2, 0)
        #expect(none.filter { $0.kind == .instanceEjected && $0.time < 6 }.count == 1)
        #expect(none.contains { $0.kind == .outlierNotEjected && $0.time < 6 })
    }

    /// Envoy counts errors in a row: `DetectorHostMonitorImpl::putHttpResponseCode` increments
    /// the host's consecutive 5xx count on a 5xx and sets it back to 0 on any other response, and
    /// the host is ejected when the count reaches consecutive_5xx (the API reference:
    /// "The number of consecutive server-side error responses ... before a consecutive 5xx
    /// ejection occurs", envoy/config/cluster/v3/outlier_detection.proto). Fed to the detector
    /// directly, one answer at a time, for one instance.
    @Test("consecutive_errors counts errors in a row: a success in between starts the count again")
    func aSuccessResetsTheCount() {
        let spec = ScenarioSpec(
            name: "outliers", duration: SimTime(seconds: 10), seed: 1,
            clients: [ClientSpec(name: "users", target: "api", arrival: .constant(rate: 1))],
            services: [
                ServiceSpec(
                    name: "api", instances: 4, workers: 1, serviceTime: .constant(value: 0.001),
                    outlierDetection: OutlierDetectionSpec(consecutiveErrors: 5, maxEjectionPercent: 100))
            ])
        let simulation = Simulation(spec: spec)
        simulation.prepare()
        let instance = simulation.services[0].firstInstance + 2
        func answer(success: Bool) {
            let (a, _) = simulation.attempts.acquire(request: 0, requestGeneration: 0, service: 0)
            simulation.attempts.rows[Int(a)].instance = Int32(instance)
            simulation.observeOutlier(a, success: success)
            simulation.attempts.slots.release(a)
        }
        // 4 errors, a success, 4 errors: never 5 in a row.
        for _ in 0..<4 { answer(success: false) }
        answer(success: true)
        for _ in 0..<4 { answer(success: false) }
        #expect(!simulation.instances[instance].outlierEjected, "ejected after 4 errors in a row")
        // The fifth in a row ejects it.
        answer(success: false)
        #expect(simulation.instances[instance].outlierEjected, "not ejected after 5 errors in a row")
    }

    /// An overloaded service at its ejection cap refuses an ejection every consecutive_errors
    /// errors of any instance. Logged each time, the refusals filled the event log's bound
    /// (100,000 entries) and stopped an hour's run at 45 minutes; now at most one entry per review
    /// interval, which counts the refusals it stands for.
    @Test("Refused ejections are logged at most once per review interval, with their count, and do not stop a long run")
    func refusalsDoNotFloodTheLog() throws {
        let text = """
            name: od-flood
            description: An overloaded service behind outlier detection at its ejection cap.
            duration: 10m
            warmup: 30s
            seed: 2
            clients:
              users: { target: api, arrival: { process: poisson, rate: 1000/s }, timeout: 200ms }
            services:
              api:
                instances: 10
                workers: 4
                service_time: { dist: exponential, mean: 50ms }
                queue: { capacity: 10 }
                outlier_detection: { consecutive_errors: 5, interval: 10s, base_ejection_time: 30s, max_ejection_percent: 10 }
            """
        let spec = try ScenarioLoader.parse(text: text, file: "od-flood.yaml")
        let result = Simulation(spec: spec).run(limits: RunLimits(maxLogEntries: 1_000))
        #expect(result.limitHit == nil, "\(result.limitHit?.message ?? "")")
        let refusals = result.events.filter { $0.kind == .outlierNotEjected }
        // 600 s at one entry per 10 s at most: 60 (61 counting the first at its own instant).
        #expect(refusals.count >= 30 && refusals.count <= 61, "\(refusals.count) entries")
        for (a, b) in zip(refusals, refusals.dropFirst()) { #expect(b.time - a.time >= 10 - 1e-9) }
        let counted = refusals.compactMap { $0.detail.firstMatch(of: /; (\d+) more refused since the last entry/).flatMap { Int($0.1) } }
        #expect(counted.reduce(0, +) > refusals.count, "the entries stand for many more refusals: \(counted.prefix(5))")
    }
}
