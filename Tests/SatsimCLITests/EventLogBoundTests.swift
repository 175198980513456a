import Foundation
import SatsimModel
import Testing

/// A run's event log (events.jsonl, the story's breaker, ejection and scaling entries) is bounded.
///
/// DESIGN.md: "Memory grows with what is in flight, never with the number of events or requests
/// simulated", and "a run that would exceed its event or memory budget stops cleanly with its
/// partial results and a message that names the likely cause (...), exit code 1". The log grows
/// with state changes, which no in-flight budget sees: a client circuit breaker whose `open_for`
/// is one microsecond, under an outage that refuses every attempt, opens and half-opens again on
/// every request. At 100,000 requests/s that was 3.8 million entries (1.3 GB, a 362 MB
/// events.jsonl and a 161 MB goodput.svg) in 20 simulated seconds, and an hour of it ended in
/// "failed to allocate" under a 2 GiB cap.
@Suite("the event log's bound")
struct EventLogBoundTests {
    static let flapping = """
        name: flap
        description: a circuit breaker that opens and half-opens on every request of a long outage
        duration: 1h
        clients:
          users:
            target: api
            arrival: { process: constant, rate: 100000/s }
            circuit_breaker: { failure_ratio: 0.01, min_requests: 1, window: 1s, open_for: 1us, half_open_probes: 1 }
        services:
          api:
            instances: 1
            workers: 1000
            service_time: { dist: constant, value: 1us }
        timeline:
          - { at: 1s, for: 59m, kind: outage, service: api, mode: refuse }

        """

    @Test func aBreakerThatFlapsForAnHourStopsAtTheBoundWithItsPartialResults() throws {
        let file = try HostilePlanTests.file(Self.flapping), out = try HostilePlanTests.folder()
        let outcome = try HostilePlanTests.satsim(["run", file, "--out", out, "--format", "json"])
        let bound = Simulation.maximumLoggedEvents
        HostilePlanTests.expect(outcome, 1, [
            "with \(bound) entries in its event log",
            // The outage's start, then the breaker opens and half-opens by turns: 50,000 openings
            // and 49,999 half-openings.
            "the most, \(bound / 2), are breaker_opened entries of 'users'",
        ])
        let summary = try String(contentsOfFile: out + "/summary.json", encoding: .utf8)
        #expect(summary.contains("\"complete\": false"))
        #expect(summary.contains("entries in its event log"))
        // The log holds the bound, then the entry that says where the run stopped; the phases the
        // verdict detected (a few lines, not logged by the simulation) are merged in besides.
        let lines = try String(contentsOfFile: out + "/events.jsonl", encoding: .utf8).split(separator: "\n")
        let log = lines.filter { !$0.contains("\"kind\":\"phase_started\"") }
        #expect(log.count == bound + 1)
        #expect(log.last?.contains("\"kind\":\"run_stopped\"") == true)
        #expect(lines.count - log.count < 10, "\(lines.count - log.count) phase lines")
    }

    /// `--max-log-entries` moves the bound, both ways: 1,000 entries stop the same run sooner,
    /// at the outage's start and then 999 entries of the breaker; and a bound above what a run
    /// writes changes nothing in it.
    @Test func theBoundIsAFlag() throws {
        let file = try HostilePlanTests.file(Self.flapping), out = try HostilePlanTests.folder()
        let outcome = try HostilePlanTests.satsim(["run", file, "--out", out, "--format", "json", "--max-log-entries", "1000"])
        HostilePlanTests.expect(outcome, 1, ["with 1000 entries in its event log", "its bound (--max-log-entries)", "the most, 500, are breaker_opened entries"])
        let log = try String(contentsOfFile: out + "/events.jsonl", encoding: .utf8).split(separator: "\n")
            .filter { !$0.contains("\"kind\":\"phase_started\"") }
        #expect(log.count == 1_001)

        let calm = try HostilePlanTests.file(Self.flapping.replacingOccurrences(of: "duration: 1h", with: "duration: 2s")
            .replacingOccurrences(of: "for: 59m", with: "for: 500ms"))
        let wide = try HostilePlanTests.folder(), narrow = try HostilePlanTests.folder()
        HostilePlanTests.expect(try HostilePlanTests.satsim(["run", calm, "--out", wide, "--format", "json", "--max-log-entries", "1000000"]), 0, [])
        HostilePlanTests.expect(try HostilePlanTests.satsim(["run", calm, "--out", narrow, "--format", "json"]), 0, [])
        #expect(try Data(contentsOf: URL(fileURLWithPath: wide + "/events.jsonl")) == Data(contentsOf: URL(fileURLWithPath: narrow + "/events.jsonl")))
        HostilePlanTests.expect(try HostilePlanTests.satsim(["run", calm, "--max-log-entries", "0"]), 2, ["--max-log-entries"])
    }
}
