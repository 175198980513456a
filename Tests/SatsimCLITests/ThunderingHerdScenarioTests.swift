import Foundation
import Testing

/// What Scenarios/thundering-herd.yaml's description promises, read from its timeseries.csv:
/// without jitter the retries of the reconnect burst come back as synchronised waves, one per
/// step of the backoff schedule (1, 2, 4, 8, 16, 30, 30 s: base 1 s, multiplier 2, cap 30 s,
/// eight attempts), each smaller than the last by about what the service can take in a second;
/// with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter": each wait drawn
/// uniformly in [0, backoff]) the later waves flatten.
@Suite("thundering-herd tells what it shows")
struct ThunderingHerdScenarioTests {
    /// Attempts sent per one-second bucket, keyed by the bucket's time column (s).
    static func attempts(variant: String?) throws -> [(time: Int, attempts: Double)] {
        let dir = try CLIHarness.temporaryDirectory()
        let file = CLIHarness.root.appendingPathComponent("Scenarios/thundering-herd.yaml").path
        let result = try CLIHarness.run(["run", file, "--out", dir.path] + (variant.map { ["--variant", $0] } ?? []))
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let text = try String(contentsOf: dir.appendingPathComponent("timeseries.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let header = try #require(lines.first)
        let column = try #require(header.firstIndex(of: "clients.apps.attempts"))
        return lines.dropFirst().compactMap { row in
            guard let time = Double(row[0]), let value = Double(row[column]) else { return nil }
            return (Int(time.rounded()), value)
        }
    }

    /// The usual rate is 200 requests/s; a bucket above five times that is part of the herd.
    static let herdThreshold = 1000.0

    /// The burst's bucket: the first after the outage (which starts at 70 s) holding ten times the usual rate.
    static func burst(_ series: [(time: Int, attempts: Double)]) throws -> Int {
        try #require(series.first { $0.time >= 70 && $0.attempts > 2000 }?.time)
    }

    @Test("Without jitter, the herd returns as one wave per step of the backoff schedule, each smaller than the last")
    func synchronisedWaves() throws {
        let series = try Self.attempts(variant: nil)
        let burst = try Self.burst(series)
        let waves = series.filter { $0.time > burst && $0.attempts > Self.herdThreshold }
        // Cumulative waits of retries 1...7: 1, 1+2, 1+2+4, ..., then the 30 s cap twice.
        #expect(waves.map { $0.time - burst } == [1, 3, 7, 15, 31, 61, 91], "\(waves)")
        // Each wave is the last one less what was served: smaller, by at most about what the
        // service takes in while a wave lasts (640/s for at most two buckets, plus 40 queue places).
        for (earlier, later) in zip(waves, waves.dropFirst()) {
            #expect(later.attempts < earlier.attempts && earlier.attempts - later.attempts < 2 * 640 + 40, "\(earlier) -> \(later)")
        }
    }

    @Test("With full jitter, from the fourth wave on no second carries a quarter of the smallest synchronised wave")
    func jitterFlattens() throws {
        let base = try Self.attempts(variant: nil)
        let baseBurst = try Self.burst(base)
        let smallestWave = try #require(base.filter { $0.time > baseBurst && $0.attempts > Self.herdThreshold }.map(\.attempts).min())
        let jittered = try Self.attempts(variant: "full-jitter")
        let burst = try Self.burst(jittered)
        let late = jittered.filter { $0.time >= burst + 15 }.map(\.attempts)
        #expect(!late.isEmpty)
        #expect((late.max() ?? .infinity) < smallestWave / 4, "largest: \(late.max() ?? 0), smallest wave: \(smallestWave)")
    }
}
