import Foundation
import Testing

/// The verdict through a whole scenario file (DESIGN.md, "Outcomes"): a spike leaves a backlog
/// that drains with no failure at all, so only latency can tell that the system was unhealthy;
/// a scenario's `slo` moves the latency bound, and summary.json records the bounds applied.
@Suite("The verdict, end to end")
struct VerdictEndToEndTests {
    /// One worker at 10 ms per request: 100/s. 80/s offered, doubled for 10 s: about 600
    /// requests queue up and drain at 20/s, each waiting up to ~6 s; nothing times out, nothing
    /// is rejected (no timeout, unbounded queue).
    static func drain(slo: String = "") -> String {
        """
        name: drain
        description: A spike leaves a backlog that drains slowly; no request fails.
        duration: 200s
        warmup: 20s
        seed: 3
        clients:
          users:
            target: api
            arrival: { process: poisson, rate: 80/s }
        services:
          api:
            instances: 1
            workers: 1
            service_time: { dist: constant, value: 10ms }
        timeline:
          - { at: 60s, for: 10s, kind: load_spike, client: users, factor: 2 }
        \(slo)
        """
    }

    static func summary(_ text: String) throws -> [String: Any] {
        let file = try CLIHarness.scenarioFile(text)
        let result = try CLIHarness.run(["run", file.path, "--format", "json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test("A backlog that drains with no failure is not stable; the recovery time is when the p99 is back")
    func drainIsNotStable() throws {
        let json = try Self.summary(Self.drain())
        let users = try #require((json["clients"] as? [String: Any])?["users"] as? [String: Any])
        #expect(users["failures"] as? Int == 0)
        #expect(json["outcome"] as? String == "recovered")
        // The backlog of ~600 requests drains at ~20/s: about 30 s after the spike ends.
        let recovery = try #require(json["recovery_time"] as? Double)
        #expect(recovery > 10 && recovery < 60, "recovery time \(recovery)")
        let t = try #require(json["thresholds"] as? [String: Any])
        let base = try #require(t["baseline_latency_p99"] as? Double)
        let bound = try #require(t["latency_p99"] as? Double)
        #expect(abs(bound - 3 * base) < 1e-9)
        #expect(t["latency_p99_factor"] as? Double == 3)
        #expect(t["success_ratio"] as? Double == 0.9)
        #expect(t["min_window_requests"] as? Int == 100)
        #expect(t["slo"] is NSNull)
    }

    @Test("slo.latency_p99 above the drain's worst p99 makes the same run stable, and is recorded")
    func sloLatencyMakesItStable() throws {
        let json = try Self.summary(Self.drain(slo: "slo: { latency_p99: 20s }"))
        #expect(json["outcome"] as? String == "stable")
        let t = try #require(json["thresholds"] as? [String: Any])
        #expect(t["latency_p99"] as? Double == 20)
        #expect(t["success_ratio"] as? Double == 0.9)
        let slo = try #require(t["slo"] as? [String: Any])
        #expect(slo["latency_p99"] as? Double == 20)
        #expect(slo["success_ratio"] is NSNull)
    }

    @Test("slo.success_ratio is recorded and replaces the 90% bound")
    func sloSuccessRatioRecorded() throws {
        let json = try Self.summary(Self.drain(slo: "slo: { success_ratio: 0.999, latency_p99: 20s }"))
        let t = try #require(json["thresholds"] as? [String: Any])
        #expect(t["success_ratio"] as? Double == 0.999)
        #expect(json["outcome"] as? String == "stable")
    }
}
