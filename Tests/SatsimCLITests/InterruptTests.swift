import Foundation
import Testing

/// Ctrl-C on a long `satsim run`: "A run that hits a limit stops cleanly with its partial
/// results" (the product's bar), and an interrupt is the user's limit. The run stops at its next
/// check, writes its outputs from what it simulated, tells where it stopped, and exits 1 (the
/// contract's "the simulation ran but hit a limit"); before, SIGINT killed it and a 30-minute run
/// left nothing.
@Suite("Ctrl-C stops a run with its partial results")
struct InterruptTests {
    /// An M/M/c run of an hour at 100,000 requests/s: minutes of work, far more than the test waits.
    static let long = """
        name: long-run
        description: A run long enough to be interrupted.
        duration: 1h
        seed: 5
        clients:
          users: { target: api, arrival: { process: poisson, rate: 100000/s } }
        services:
          api: { instances: 1, workers: 120, service_time: { dist: exponential, mean: 1ms } }

        """

    @Test("SIGINT mid-run: exit 1, every output written, complete false, the story and the charts say where it was interrupted",
          arguments: [SIGINT, SIGTERM, SIGHUP])
    func interruptWritesPartialResults(signal: Int32) throws {
        try Self.interrupt(signal: signal, explain: false)
    }

    /// With --explain, the counterfactual runs would take as long again: an interrupted run is
    /// not explained, and satsim says so.
    @Test("SIGINT with --explain: the run's partial outputs, no explanation, and a sentence saying why")
    func interruptSkipsExplain() throws {
        try Self.interrupt(signal: SIGINT, explain: true)
    }

    static func interrupt(signal: Int32, explain: Bool) throws {
        let binary = try #require(CLIHarness.binary, "the satsim executable was not found next to the tests")
        let directory = try CLIHarness.temporaryDirectory()
        let file = directory.appendingPathComponent("long.yaml")
        try Self.long.write(to: file, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("out")
        let stdout = directory.appendingPathComponent("stdout.txt"), stderr = directory.appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["run", file.path, "--out", out.path] + (explain ? ["--explain", "--replications", "2"] : [])
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        try process.run()
        // Signalled once satsim catches the signal (Linux: its bit in /proc/PID/status's SigCgt),
        // so that a slow start on a loaded machine cannot meet the default action instead; then
        // a moment into the run, far from its end.
        let caught = Date().addingTimeInterval(60)
        while process.isRunning && Date() < caught && !Self.catches(signal, pid: process.processIdentifier) {
            Thread.sleep(forTimeInterval: 0.02)
        }
        Thread.sleep(forTimeInterval: 1)
        kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        let text = try String(contentsOf: stdout, encoding: .utf8), errors = try String(contentsOf: stderr, encoding: .utf8)
        #expect(process.terminationReason == .exit && process.terminationStatus == 1, "\(process.terminationReason) \(process.terminationStatus): \(errors)")
        let name = signal == SIGINT ? "SIGINT, Ctrl-C" : signal == SIGHUP ? "SIGHUP, a hang-up" : "SIGTERM"
        #expect(errors.contains("satsim: the run was interrupted (\(name)) at "), "\(errors)")
        #expect(errors.contains("satsim: --explain was not run: the run it explains was interrupted") == explain, "\(errors)")
        let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let stop = try #require(flat.firstMatch(of: /The run stopped at ([0-9ms.]+), interrupted\./), "\(flat)").1
        #expect(flat.contains("of 1h simulated (interrupted)"), "\(flat)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as? [String: Any])
        #expect(summary["complete"] as? Bool == false)
        #expect((summary["limit"] as? String)?.contains("interrupted") == true)
        let measured = try #require(summary["measured_seconds"] as? Double)
        #expect(measured > 0 && measured < 3600, "measured \(measured) s")
        let users = (summary["clients"] as? [String: Any])?["users"] as? [String: Any]
        let goodput = try #require(users?["goodput_per_s"] as? Double)
        #expect(abs(goodput - 100_000) < 2_000, "the partial figures are the run's: goodput \(goodput)/s")
        for name in ["report.html", "timeseries.csv", "events.jsonl", "goodput.svg"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name) written")
        }
        let svg = try String(contentsOf: out.appendingPathComponent("goodput.svg"), encoding: .utf8)
        #expect(svg.contains(">not simulated: interrupted at \(stop)</text>"), "the chart marks the stop")
    }

    /// Whether process `pid` has a handler for `signal`: the SigCgt mask of /proc/PID/status
    /// (proc(5)); true where there is no /proc to read, leaving the wait to the fixed pause.
    static func catches(_ signal: Int32, pid: Int32) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return true }
        // Before its exec, the child is a copy of the test runner, with the runner's handlers.
        guard status.split(separator: "\n").contains(where: { $0.hasPrefix("Name:") && $0.hasSuffix("satsim") }) else { return false }
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigCgt:") }),
              let mask = UInt64(line.dropFirst("SigCgt:".count).trimmingCharacters(in: .whitespaces), radix: 16) else { return false }
        return mask & (UInt64(1) << UInt64(signal - 1)) != 0
    }
}
