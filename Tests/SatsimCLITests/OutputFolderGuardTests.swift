import Foundation
import Testing

/// What `--out` never does: replace a file satsim did not write, or let two commands write into
/// one folder at once.
@Suite("--out guards the folder it writes")
struct OutputFolderGuardTests {
    static let yaml = """
        name: guard
        description: A small run.
        duration: 10s
        clients:
          users: { target: api, arrival: { process: poisson, rate: 50/s } }
        services:
          api: { service_time: { dist: exponential, mean: 5ms } }

        """

    /// `satsim run summary.json --out .` replaced the scenario it ran with its summary: the next
    /// run then failed on the YAML.
    @Test("A scenario named like an output, run into its own folder, is refused and left alone")
    func scenarioNamedLikeAnOutput() throws {
        let file = try CLIHarness.scenarioFile(Self.yaml, name: "summary.json")
        let folder = file.deletingLastPathComponent()
        let output = try CLIHarness.run(["run", "summary.json", "--out", "."], currentDirectory: folder)
        #expect(output.status == 2, "\(output.stdout)\(output.stderr)")
        #expect(output.stderr.contains("holds a file summary.json that satsim did not write there"), "\(output.stderr)")
        #expect(try String(contentsOf: file, encoding: .utf8) == Self.yaml)
        // satsim's own outputs are replaced as ever.
        let out = folder.appendingPathComponent("out").path
        #expect(try CLIHarness.run(["run", file.path, "--out", out]).status == 0)
        #expect(try CLIHarness.run(["run", file.path, "--out", out]).status == 0)
    }

    /// Two runs racing into one folder left one run's summary.json beside the other's report and
    /// time series, both exiting 0. The second is refused while the first holds the folder.
    @Test("A second command into a folder another is writing is refused")
    func concurrentWriters() throws {
        let binary = try #require(CLIHarness.binary)
        let long = Self.yaml.replacingOccurrences(of: "duration: 10s", with: "duration: 100000s")
            .replacingOccurrences(of: "rate: 50/s", with: "rate: 2000/s")
        let file = try CLIHarness.scenarioFile(long)
        let folder = file.deletingLastPathComponent().appendingPathComponent("out")
        let first = Process()
        first.executableURL = binary
        first.arguments = ["run", file.path, "--out", folder.path]
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        try first.run()
        defer {
            first.terminate()
            first.waitUntilExit()
        }
        // The first takes the lock as it opens the folder, before it simulates anything.
        var waited = 0.0
        while !FileManager.default.fileExists(atPath: folder.path), waited < 30 {
            Thread.sleep(forTimeInterval: 0.05)
            waited += 0.05
        }
        Thread.sleep(forTimeInterval: 0.3)
        #expect(first.isRunning, "the first run ended before the second could race it")
        let second = try CLIHarness.run(["run", file.path, "--out", folder.path, "--seed", "2"])
        #expect(second.status == 2, "\(second.stderr)")
        #expect(second.stderr.contains("another satsim command is writing into this folder now"), "\(second.stderr)")
    }

    /// An edited manifest: 100,000 names (689 kB) took 35 s to merge name by name, 200,000 more
    /// than 100 s, and one of 200 MB aborted the run out of memory. Names are merged through
    /// sets, and a manifest larger than any satsim writes (1 MiB) is not read.
    @Test("An edited, huge manifest neither stalls nor aborts a run", arguments: [100_000, 200_000])
    func hugeManifest(names: Int) throws {
        let file = try CLIHarness.scenarioFile(Self.yaml)
        let folder = file.deletingLastPathComponent().appendingPathComponent("out")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let listing = (0..<names).map { "n\($0)\n" }.joined()
        try Data(listing.utf8).write(to: folder.appendingPathComponent(".satsim-run-outputs"))
        let started = Date()
        let output = try CLIHarness.run(["run", file.path, "--out", folder.path], timeout: 120)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("summary.json").path))
    }
}
