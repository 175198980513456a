import Foundation
import Testing

/// What Scenarios/health-check-cascade.yaml's description promises, read from its events.jsonl:
/// with per-instance probe schedules the spike ejects the instances one after another (not in
/// one instant, as lockstep probes did), the cascade outlasts the spike, the panic threshold
/// stops it, and restarting recovers.
@Suite("health-check-cascade tells what it shows")
struct HealthCheckCascadeScenarioTests {
    struct Event {
        var time: Double
        var kind: String
        var instance: String
    }

    static let spikeStart = 60.0, spikeEnd = 80.0

    static func events(variant: String?) throws -> [Event] {
        let dir = try CLIHarness.temporaryDirectory()
        let file = CLIHarness.root.appendingPathComponent("Scenarios/health-check-cascade.yaml").path
        let result = try CLIHarness.run(["run", file, "--out", dir.path] + (variant.map { ["--variant", $0] } ?? []))
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let text = try String(contentsOf: dir.appendingPathComponent("events.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let detail = object["detail"] as? String ?? ""
            // "instance 3 failed ..." names the instance second.
            let words = detail.split(separator: " ")
            return Event(time: object["time"] as? Double ?? -1, kind: object["kind"] as? String ?? "",
                         instance: words.count > 1 && words[0] == "instance" ? String(words[1]) : "")
        }
    }

    /// Each instance's first ejection (or health-check restart), in time order.
    static func firstRemovals(_ events: [Event], kind: String) -> [Event] {
        var seen = Set<String>()
        return events.filter { $0.kind == kind && seen.insert($0.instance).inserted }
    }

    @Test("The spike ejects all four instances at four distinct times within about a second, and ejections go on after it")
    func base() throws {
        let events = try Self.events(variant: nil)
        let first = Self.firstRemovals(events, kind: "instance_ejected")
        #expect(first.count == 4)
        let times = first.map(\.time)
        #expect(Set(times).count == 4, "ejected in the same instant: \(times)")
        #expect(times.allSatisfy { $0 > Self.spikeStart && $0 < Self.spikeStart + 10 })
        if let a = times.first, let b = times.last { #expect(b - a < 2, "\(times)") }
        // The rolling cascade: after the spike, ejections continue into the last minute of the run.
        let after = events.filter { $0.kind == "instance_ejected" && $0.time > Self.spikeEnd }
        #expect(after.count >= 10)
        #expect(after.contains { $0.time > 180 })
        // Never two ejections at once.
        let all = events.filter { $0.kind == "instance_ejected" }.map(\.time)
        #expect(Set(all).count == all.count)
    }

    @Test("panic-threshold: the balancer panics, no ejection after the first four, all back soon after the spike")
    func panicThreshold() throws {
        let events = try Self.events(variant: "panic-threshold")
        #expect(events.contains { $0.kind == "panic_started" })
        #expect(events.filter { $0.kind == "instance_ejected" }.count == 4)
        let back = events.filter { $0.kind == "instance_readmitted" }.map(\.time)
        #expect(back.count == 4 && back.allSatisfy { $0 > Self.spikeEnd && $0 < Self.spikeEnd + 15 }, "\(back)")
    }

    /// The restarts come in two waves in the spike (the balancer empty for a boot time each);
    /// the first instance back after it can meet the backlog alone and fail its probes once more,
    /// so one more restart may come within a boot time, two probe rounds and a back-off of the
    /// spike's end, but none later. Each instance serves again a boot time (10 s) after its last
    /// restart, plus the kubelet's back-off: none for its first restart, 10 s for its second,
    /// 20 s for its third (Kubernetes, "Pod Lifecycle", Container restarts).
    @Test("restart: instances are restarted during the spike and just after it, and all serve again a boot time after the last")
    func restart() throws {
        let events = try Self.events(variant: "restart")
        let kills = events.filter { $0.kind == "instance_killed" }.map(\.time)
        #expect(kills.filter { $0 > Self.spikeStart && $0 < Self.spikeEnd }.count >= 8, "two waves: \(kills)")
        #expect(kills.allSatisfy { $0 > Self.spikeStart && $0 < Self.spikeEnd + 10 + 2 * 2 + 20 }, "\(kills)")
        #expect(Set(Self.firstRemovals(events, kind: "instance_killed").map(\.time)).count == 4)
        for instance in Set(events.filter { $0.kind == "instance_killed" }.map(\.instance)) {
            let mine = events.filter { $0.instance == instance && $0.kind == "instance_killed" }.map(\.time)
            let ready = events.filter { $0.instance == instance && $0.kind == "instance_ready" }.map(\.time)
            let last = mine.max() ?? 0
            let backoff = [0.0, 10, 20, 40][min(mine.count - 1, 3)]
            #expect(ready.max().map { abs($0 - (last + 10 + backoff)) < 1e-6 } == true,
                    "instance \(instance): killed at \(mine), ready at \(ready)")
        }
    }
}
