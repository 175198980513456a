import SatsimCore
import SatsimModel
@testable import SatsimScenario
import Testing

/// Outlier detection's ejection time and ejection share, checked against Envoy's current
/// definition: source/common/upstream/outlier_detection_impl.cc (`DetectorImpl::ejectHost`,
/// `checkHostForUneject`, `onIntervalTimer`) and the OutlierDetection API reference
/// (envoyproxy.io, api-v3/config/cluster/v3/outlier_detection.proto):
/// - an ejection lasts min(base_ejection_time x m, max_ejection_time), where the multiplier m
///   (`ejectTimeBackoff`) grows by one per ejection (while m x base < max + base) and drops by one
///   at each interval review that finds the host back for at least an interval; max_ejection_time
///   defaults to max(300 s, base_ejection_time);
/// - `ejectHost` ejects while 100 x (ejected + 1) / hosts <= max_ejection_percent, and with
///   always_eject_one_host whenever none is ejected ("will eject at least one host regardless of
///   the value"; the contract: "never eject more than this share of instances (at least one may
///   go)").
///
/// Every time below follows from the scenario by hand: one request every 10 ms, round robin, so
/// each of `instances` instances gets one every 10 x instances ms; a paused instance answers
/// nothing, so its attempts time out 200 ms after they were sent, and the 5th timeout in a row
/// ejects it, some 0.2 + 4 x 0.04 s after the pause began (4 instances). Reviews come every
/// second from the start.
@Suite("Outlier detection: ejection backoff and share (Envoy)")
struct OutlierBackoffTests {
    static func text(instances: Int, base: String, maxPercent: Int, duration: String, pauses: [(at: String, for: String, count: Int)],
                     maxEjectionTime: String? = nil) -> String {
        let timeline = pauses.map { "  - { at: \($0.at), for: \($0.for), kind: pause, service: api, count: \($0.count) }" }
            .joined(separator: "\n")
        return """
            name: outlier-backoff
            description: Paused instances ejected by outlier detection, again and again.
            duration: \(duration)
            seed: 5
            clients:
              users:
                target: api
                arrival: { process: constant, rate: 100/s }
                timeout: 200ms
            services:
              api:
                instances: \(instances)
                workers: 8
                service_time: { dist: constant, value: 1ms }
                balancer: round_robin
                outlier_detection: { consecutive_errors: 5, interval: 1s, base_ejection_time: \(base), max_ejection_percent: \(maxPercent)\(maxEjectionTime.map { ", max_ejection_time: \($0)" } ?? "") }
            timeline:
            \(timeline)

            """
    }

    static func events(_ text: String) throws -> [RunEvent] {
        let spec = try ScenarioLoader.parse(text: text, file: "b.yaml")
        return Simulation(spec: spec).run().events
    }

    /// The ejections and, for each, the time it ended (the first return after it), or nil.
    static func ejections(_ events: [RunEvent]) -> [(at: Double, detail: String, back: Double?)] {
        let returns = events.filter { $0.kind == .instanceReadmitted }
        return events.filter { $0.kind == .instanceEjected }.map { e in
            (e.time, e.detail, returns.first { $0.time > e.time }?.time)
        }
    }

    @Test("the multiplier drops by one per review that finds the instance back: a later ejection lasts base again")
    func backoffDecays() throws {
        // Paused 5.0-5.5 s: ejected at about 5.36 s for 2 s x 1, back at the 8 s review; the 9 s
        // review finds it back for an interval (m 1 -> 0). Paused again at 20 s: ejected for
        // 2 s x 1 (not 2 s x 2, the number of ejections), back at the 23 s review.
        let events = try Self.events(Self.text(
            instances: 4, base: "2s", maxPercent: 50, duration: "30s",
            pauses: [("5s", "500ms", 1), ("20s", "500ms", 1)]))
        let ejections = Self.ejections(events)
        #expect(ejections.count == 2, "\(events.map(\.detail))")
        guard ejections.count == 2 else { return }
        #expect(ejections[0].detail.contains("for 2s (ejection 1)"))
        #expect(ejections[0].back.map { abs($0 - 8) < 1e-9 } == true)
        #expect(ejections[1].detail.contains("instance 0"))
        #expect(ejections[1].detail.contains("for 2s (ejection 2)"), "\(ejections[1].detail)")
        #expect(ejections[1].back.map { abs($0 - 23) < 1e-9 } == true, "\(String(describing: ejections[1].back))")
    }

    @Test("no drop while the instance is ejected, nor at the review that returns it: ejected again soon, it stays out base x 2")
    func backoffHoldsWhenReejectedSoon() throws {
        // Paused 5.0-5.5 s: ejected about 5.36 s for 2 s, back at the 8 s review (no drop there:
        // it has been back 0 s). Paused again from 8.2 s: ejected about 8.56 s, before the 9 s
        // review, so m is 2: out for 4 s, back at the 13 s review (12.56 s rounded up).
        let events = try Self.events(Self.text(
            instances: 4, base: "2s", maxPercent: 50, duration: "20s",
            pauses: [("5s", "500ms", 1), ("8200ms", "500ms", 1)]))
        let ejections = Self.ejections(events)
        #expect(ejections.count == 2, "\(events.map(\.detail))")
        guard ejections.count == 2 else { return }
        #expect(ejections[0].back.map { abs($0 - 8) < 1e-9 } == true)
        #expect(ejections[1].at > 8.5 && ejections[1].at < 9)
        #expect(ejections[1].detail.contains("for 4s (ejection 2)"), "\(ejections[1].detail)")
        #expect(ejections[1].back.map { abs($0 - 13) < 1e-9 } == true, "\(String(describing: ejections[1].back))")
    }

    @Test("an ejection lasts at most max_ejection_time, by default max(300 s, base): 100, 200, 300, 300, 300 s")
    func ejectionTimeCapped() throws {
        // Paused for good: each return is followed by five timeouts and a new ejection about
        // 0.36 s later, before any review could lower m. base 100 s: 100 s, 200 s, 300 s, then
        // min(400 s, 300 s), and m stops growing (4 x 100 s is not < 300 s + 100 s): 300 s again.
        // Returns at the first review (every 1 s) after each ejection ends; the fifth outlasts
        // the run.
        let events = try Self.events(Self.text(
            instances: 4, base: "100s", maxPercent: 50, duration: "950s",
            pauses: [("5s", "940s", 1)]))
        let ejections = Self.ejections(events)
        #expect(ejections.count == 5, "\(ejections.map(\.detail))")
        guard ejections.count == 5 else { return }
        let lasts = [100.0, 200, 300, 300, 300]
        for (n, ejection) in ejections.enumerated() {
            #expect(ejection.detail.contains("for \(Int(lasts[n]))s (ejection \(n + 1))"), "\(ejection.detail)")
            guard n < 4 else { continue }
            let back = try #require(ejection.back)
            #expect(back >= ejection.at + lasts[n] && back < ejection.at + lasts[n] + 1, "\(n): \(ejection.at) -> \(back)")
        }
    }

    @Test("max_ejection_time caps an ejection: base 100 s, max 150 s lasts 100, 150, 150, 150 s")
    func maxEjectionTimeCaps() throws {
        // Envoy's checkHostForUneject: min(base x m, max_ejection_time). Paused for good from 5 s:
        // ejected about 5.36 s (m 1: 100 s), back at the 106 s review; ejected about 106.36 s
        // (1 x 100 < 150 + 100: m 2, min(200, 150) = 150 s), back at 257 s; then m 3 (2 x 100 <
        // 250), 150 s, back at 408 s; then m stays 3 (3 x 100 is not < 250), 150 s. Without the
        // key the second would last 200 s (the default cap, max(300 s, base), is 300 s).
        let events = try Self.events(Self.text(
            instances: 4, base: "100s", maxPercent: 50, duration: "500s",
            pauses: [("5s", "490s", 1)], maxEjectionTime: "150s"))
        let ejections = Self.ejections(events)
        #expect(ejections.count == 4, "\(ejections.map(\.detail))")
        guard ejections.count == 4 else { return }
        for (n, lasts) in [100, 150, 150, 150].enumerated() {
            #expect(ejections[n].detail.contains("for \(lasts)s (ejection \(n + 1))"), "\(ejections[n].detail)")
        }
        #expect(ejections.prefix(3).map { $0.back ?? -1 } == [106, 257, 408])
    }

    @Test("max_ejection_time below base_ejection_time is refused where it is written, as Envoy refuses it; equal is fine")
    func maxEjectionTimeBelowBaseIsRefused() throws {
        // DetectorImpl::create: "outlier detector's max_ejection_time cannot be smaller than
        // base_ejection_time"; the proto requires it > 0.
        let below = Self.text(instances: 4, base: "100s", maxPercent: 50, duration: "10s", pauses: [], maxEjectionTime: "99s")
        do {
            _ = try ScenarioLoader.parse(text: below, file: "b.yaml")
            Issue.record("a max_ejection_time below base_ejection_time was accepted")
        } catch {
            let text = error.diagnostics.map(\.description).joined(separator: "\n")
            // At the value: line 16 of the text, column 134 of its outlier_detection line.
            #expect(text == "b.yaml:16:134: error: services.api.outlier_detection.max_ejection_time: found 99s, below base_ejection_time 100s; expected a duration >= base_ejection_time", "\(text)")
        }
        let zero = Self.text(instances: 4, base: "100s", maxPercent: 50, duration: "10s", pauses: [], maxEjectionTime: "0s")
        #expect(throws: ScenarioError.self) { try ScenarioLoader.parse(text: zero, file: "b.yaml") }
        let equal = Self.text(instances: 4, base: "100s", maxPercent: 50, duration: "10s", pauses: [], maxEjectionTime: "100s")
        let spec = try ScenarioLoader.parse(text: equal, file: "b.yaml")
        #expect(spec.services[0].outlierDetection?.maxEjectionTime == SimTime(seconds: 100))
    }

    @Test("the multiplier stops growing at the cap (m x base < max + base), so a few healthy reviews bring it down")
    func backoffStopsAtCap() throws {
        // base 100 s, max 300 s: ejections at m = 1, 2, 3, 4, 4 (4 x 100 s is not < 400 s), the
        // fifth about 909.36 s, back at the 1210 s review. The pause ended at 1005 s, so the 1211,
        // 1212 and 1213 s reviews lower m to 1; paused again at 1213.5 s, it is ejected with
        // m = 2, for 200 s. Had m kept growing (5), it would be 3 now: 300 s.
        let events = try Self.events(Self.text(
            instances: 4, base: "100s", maxPercent: 50, duration: "1230s",
            pauses: [("5s", "1000s", 1), ("1213500ms", "10s", 1)]))
        let ejections = Self.ejections(events)
        #expect(ejections.count == 6, "\(ejections.map(\.detail))")
        guard ejections.count == 6 else { return }
        #expect(ejections[4].back.map { abs($0 - 1210) < 1e-9 } == true, "\(String(describing: ejections[4].back))")
        #expect(ejections[5].at > 1213.5 && ejections[5].at < 1214)
        #expect(ejections[5].detail.contains("for 200s (ejection 6)"), "\(ejections[5].detail)")
    }

    @Test("max_ejection_percent: 100 x (ejected + 1) / instances <= it, so 25% of 10 ejects 2 of 3 failing, not 3")
    func ejectionShareNeverExceeded() throws {
        // Three of ten paused from 5 s to the end. Old Envoy (ejected / hosts < max) would eject a
        // third at 20% < 25%, leaving 30% out; Envoy's ejectHost now checks the share after the
        // ejection: 30% > 25%, so the third stays (an outlier_not_ejected event).
        let events = try Self.events(Self.text(
            instances: 10, base: "30s", maxPercent: 25, duration: "15s",
            pauses: [("5s", "10s", 3)]))
        #expect(events.filter { $0.kind == .instanceEjected }.count == 2, "\(events.map(\.detail))")
        #expect(events.contains { $0.kind == .outlierNotEjected })
        // 30% allows the third: 100 x 3 / 10 <= 30.
        let thirty = try Self.events(Self.text(
            instances: 10, base: "30s", maxPercent: 30, duration: "15s",
            pauses: [("5s", "10s", 3)]))
        #expect(thirty.filter { $0.kind == .instanceEjected }.count == 3)
        #expect(!thirty.contains { $0.kind == .outlierNotEjected })
    }

    @Test("max_ejection_percent: at least one instance may always go, even at 0% or below one instance's share", arguments: [0, 10])
    func atLeastOne(maxPercent: Int) throws {
        // Two of four paused: one instance is 25% of them, more than 0% or 10%, yet the first
        // ejection happens; the second does not.
        let events = try Self.events(Self.text(
            instances: 4, base: "30s", maxPercent: maxPercent, duration: "15s",
            pauses: [("5s", "10s", 2)]))
        #expect(events.filter { $0.kind == .instanceEjected }.count == 1, "\(events.map(\.detail))")
        #expect(events.contains { $0.kind == .outlierNotEjected })
    }
}

/// Envoy returns a host that outlier detection ejected as soon as an active health check passes
/// while the checker deems the host healthy: OutlierDetection.successful_active_health_check_uneject_host
/// ("If set to true, the host will be unejected after a successful active health check"; default
/// true), registered in `DetectorImpl::initialize` (outlier_detection_impl.cc) with the condition
/// that the check passed and the host is not failing active health checking.
@Suite("Outlier detection with active health checks (Envoy)")
struct OutlierHealthCheckTests {
    static func text(timeline: String, healthyAfter: Int) -> String {
        """
        name: outlier-probes
        description: Outlier ejections ended by passing health checks.
        duration: 30s
        seed: 8
        clients:
          users:
            target: api
            arrival: { process: constant, rate: 100/s }
            timeout: 200ms
        services:
          api:
            instances: 4
            workers: 32
            service_time: { dist: constant, value: 1ms }
            balancer: round_robin
            outlier_detection: { consecutive_errors: 5, interval: 1s, base_ejection_time: 60s, max_ejection_percent: 100 }
            health_check: { interval: 1s, timeout: 100ms, unhealthy_after: 2, healthy_after: \(healthyAfter) }
        timeline:
          \(timeline)

        """
    }

    static func events(_ text: String) throws -> [RunEvent] {
        Simulation(spec: try ScenarioLoader.parse(text: text, file: "p.yaml")).run().events
    }

    @Test("a passing health check ends an outlier ejection at once, not after base_ejection_time")
    func probeReturnsEjected() throws {
        // From 5 s to 6 s every request takes 250 ms more and times out (200 ms); a probe takes
        // no work and passes. Each instance fails 5 times in a row and is ejected for 60 s, then
        // its next probe, at most one 1 s interval later, returns it.
        let events = try Self.events(Self.text(
            timeline: "- { at: 5s, for: 1s, kind: latency, service: api, add: { dist: constant, value: 250ms } }", healthyAfter: 2))
        let ejections = events.filter { $0.kind == .instanceEjected }
        let returns = events.filter { $0.kind == .instanceReadmitted }
        // All four ejected within the first fault second (max_ejection_percent 100), perhaps again
        // after a probe returned them while the fault lasts.
        #expect(Set(ejections.filter { $0.time < 6 }.compactMap { $0.detail.split(separator: " ").dropFirst().first }).count == 4,
                "\(events.map(\.detail))")
        for ejection in ejections {
            let instance = try #require(ejection.detail.split(separator: " ").dropFirst().first)
            let back = try #require(returns.first { $0.time > ejection.time && $0.detail.contains("instance \(instance) ") })
            #expect(back.detail.contains("passing health check"), "\(back.detail)")
            #expect(back.time <= ejection.time + 1 + 1e-9, "\(ejection.time) -> \(back.time)")
        }
    }

    @Test("not while the health checker deems it unhealthy: the outlier ejection ends with the health check's readmission")
    func probeWaitsForHealthy() throws {
        // Instance 0 paused 5-10 s: its attempts time out (outlier ejection about 5.36 s) and its
        // probes too (ejected by the health check after two). After the pause its probes pass;
        // only the third (healthy_after) readmits it, and the outlier ejection ends with it, not at
        // the first passing probe.
        let events = try Self.events(Self.text(
            timeline: "- { at: 5s, for: 5s, kind: pause, service: api, count: 1 }", healthyAfter: 3))
        let readmitted = try #require(events.first { $0.kind == .instanceReadmitted && $0.detail.contains("passed 3 health checks") },
                                      "\(events.map(\.detail))")
        let outlierBack = try #require(events.first { $0.kind == .instanceReadmitted && $0.detail.contains("passing health check") })
        #expect(readmitted.time > 12 - 1e-9)
        #expect(abs(outlierBack.time - readmitted.time) < 1e-12, "\(outlierBack.time) vs \(readmitted.time)")
    }

    @Test("after a health check returns it, the multiplier drops at the first review a whole interval later, not at the next review")
    func backoffAfterProbeReturn() throws {
        // Envoy's onIntervalTimer (source/common/upstream/outlier_detection_impl.cc) lowers
        // ejectTimeBackoff for a host that is not ejected only when now - lastUnejectionTime >=
        // interval, and unejectHost sets lastUnejectionTime whatever returned the host (a review
        // or, with successful_active_health_check_uneject_host, a passing probe); the
        // architecture overview ("Outlier detection", ejection algorithm): "The host's health is
        // checked at intervals equal to outlier_detection.interval. If the host is healthy during
        // that check, the ejection time multiplier is decremented."
        // Instance 0 paused 5-5.5 s: ejected about 5.36 s with m = 1 (for 60 s); a probe that
        // passes after the pause returns it at some time P between two reviews (reviews come at
        // whole seconds, probes at a phase of their own). The first review with now - P >= 1 s
        // is ceil(P) + 1.
        let first = "- { at: 5s, for: 500ms, kind: pause, service: api, count: 1 }"
        func run(_ second: String) throws -> (back: Double, ejections: [RunEvent]) {
            let events = try Self.events(Self.text(timeline: first + "\n  " + second, healthyAfter: 2))
            let back = try #require(events.first { $0.kind == .instanceReadmitted && $0.detail.contains("passing health check") },
                                    "\(events.map(\.detail))")
            return (back.time, events.filter { $0.kind == .instanceEjected })
        }
        let (p, alone) = try run("- { at: 25s, for: 1s, kind: latency, service: api, add: { dist: constant, value: 1ms }, enabled: false }")
        #expect(alone.count == 1 && alone.first?.detail.contains("for 60s (ejection 1)") == true, "\(alone.map(\.detail))")
        #expect(p > 5.36 && p < 7 && p != p.rounded(.up), "P = \(p)")
        let nextReview = p.rounded(.up)

        // Paused again from ceil(P) + 0.2 s: ejected about 0.36 s later, before the review at
        // ceil(P) + 1, while m is still 1 (the review at ceil(P) found it back for less than an
        // interval): m = 2, out for 120 s. (Lowering m at the first review after P would give 60 s.)
        let soonAt = Int(((nextReview + 0.2) * 1000).rounded())
        let (pSoon, soon) = try run("- { at: \(soonAt)ms, for: 500ms, kind: pause, service: api, count: 1 }")
        #expect(abs(pSoon - p) < 1e-12, "the first return moved: \(p) -> \(pSoon)")
        #expect(soon.count == 2, "\(soon.map(\.detail))")
        #expect(soon.last.map { $0.time > nextReview + 0.3 && $0.time < nextReview + 1 } == true, "\(soon.map(\.time))")
        #expect(soon.last?.detail.contains("instance 0 ") == true && soon.last?.detail.contains("for 120s (ejection 2)") == true,
                "\(soon.map(\.detail))")

        // Paused again at 20 s: the review at ceil(P) + 1 lowered m to 0, so the second ejection
        // lasts base x 1 again: 60 s. (Without the probe's return time the multiplier never drops,
        // and it would be 120 s.)
        let (_, late) = try run("- { at: 20s, for: 500ms, kind: pause, service: api, count: 1 }")
        #expect(late.count == 2, "\(late.map(\.detail))")
        #expect(late.last?.detail.contains("instance 0 ") == true && late.last?.detail.contains("for 60s (ejection 2)") == true,
                "\(late.map(\.detail))")
    }
}

/// Faults fail attempts at the service, but Envoy's balancer picked a host for each request and
/// its router reports the outcome to that host's outlier monitor: a 5xx (`putHttpResponseCode`),
/// a refused connection (`LocalOriginConnectFailed`, mapped to 503) or a timeout
/// (`LocalOriginTimeout`, mapped to 504) all count toward consecutive_5xx
/// (outlier_detection_impl.cc, `putResultNoLocalExternalSplit`; the architecture overview,
/// "Outlier detection": "consecutive 5xx ... if an upstream host returns some number of
/// consecutive 5xx, it will be ejected").
@Suite("Outlier detection sees the failures of faults (Envoy)")
struct OutlierFaultTests {
    static func events(fault: String, maxPercent: Int) throws -> [RunEvent] {
        let text = """
            name: outlier-faults
            description: A failing service behind outlier detection.
            duration: 12s
            seed: 4
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
                outlier_detection: { consecutive_errors: 5, interval: 1s, base_ejection_time: 30s, max_ejection_percent: \(maxPercent) }
            timeline:
              - { at: 5s, for: 5s, \(fault) }

            """
        return Simulation(spec: try ScenarioLoader.parse(text: text, file: "f.yaml")).run().events
    }

    static let faults = [
        "kind: errors, service: api, ratio: 1.0",
        "kind: outage, service: api, mode: refuse",
        "kind: outage, service: api, mode: blackhole",
        "kind: errors, service: api, ratio: 1.0, share: 1.0",  // a cohort's fault (Simulation+Chaos)
    ]

    @Test("a failing service: the instances the balancer picks fail in a row and are ejected, up to max_ejection_percent", arguments: faults)
    func faultsEject(fault: String) throws {
        // Round robin over 4 instances, one request every 10 ms: each instance's 5th failure in a
        // row comes within 0.2 s of the fault (plus the 200 ms timeout when it hangs). 10%: the
        // one that may always go; 50%: two of four; the rest stay (outlier_not_ejected).
        let tenth = try Self.events(fault: fault, maxPercent: 10)
        let ejected = tenth.filter { $0.kind == .instanceEjected }
        #expect(ejected.count == 1, "\(tenth.map(\.detail))")
        #expect(ejected.allSatisfy { $0.time > 5 && $0.time < 5.45 })
        #expect(tenth.contains { $0.kind == .outlierNotEjected })
        let half = try Self.events(fault: fault, maxPercent: 50)
        #expect(half.filter { $0.kind == .instanceEjected }.count == 2, "\(half.map(\.detail))")
    }
}
