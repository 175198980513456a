import Foundation
import Testing

/// Standard error or standard output that cannot be written: a full disk behind a redirect
/// (`/dev/full` fails every write with ENOSPC), a closed descriptor (a cron job's `2>&-`), or a
/// pipe whose reader has gone. `FileHandle.write` traps on a write error, and the progress line
/// went through it: `satsim run ... 2>/dev/full` died of SIGILL before writing any output, and a
/// closed pipe on standard error killed it with SIGPIPE. A diagnostic that cannot be shown must
/// not cost the run's results; printed output that is lost is a failure (exit 2, as for an
/// `--out` that cannot be written), not success.
@Suite("Unwritable standard streams")
struct UnwritableStreamsTests {
    static let yaml = """
        name: streams
        description: A small run whose printed output goes nowhere.
        duration: 10s
        clients:
          users: { target: api, arrival: { process: poisson, rate: 50/s } }
        services:
          api: { service_time: { dist: exponential, mean: 5ms } }

        """

    /// Runs `satsim ARGS` through /bin/sh with `redirections` after it; returns the status and
    /// the output folder's files.
    static func run(_ arguments: [String], redirections: String) throws -> (status: Int32, files: [String], folder: URL) {
        let binary = try #require(CLIHarness.binary)
        let file = try CLIHarness.scenarioFile(Self.yaml)
        let folder = file.deletingLastPathComponent().appendingPathComponent("out")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        let quoted = ([binary.path] + arguments.map { $0.replacingOccurrences(of: "FILE", with: file.path) } + ["--out", folder.path])
            .map { "'" + $0 + "'" }.joined(separator: " ")
        process.arguments = ["-c", "exec \(quoted) \(redirections)"]
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return (process.terminationStatus, files.sorted(), folder)
    }

    @Test("Standard error full or closed: the run succeeds and writes every output", arguments: ["2>/dev/full", "2>&-"])
    func standardErrorLost(redirection: String) throws {
        let (status, files, _) = try Self.run(["run", "FILE"], redirections: "\(redirection) >/dev/null")
        #expect(status == 0)
        for name in ["summary.json", "timeseries.csv", "events.jsonl", "report.html"] {
            #expect(files.contains(name), "\(name) missing from \(files)")
        }
    }

    @Test("A sweep with standard error full writes its results")
    func sweepStandardErrorLost() throws {
        let (status, files, _) = try Self.run(
            ["sweep", "FILE", "--vary", "services.api.workers=1,2", "--replications", "1"], redirections: "2>/dev/full >/dev/null")
        #expect(status == 0)
        #expect(files.contains("runs.csv") && files.contains("report.html"), "\(files)")
    }

    @Test("Standard output full: exit 2, said on standard error; the outputs in --out are whole")
    func standardOutputLost() throws {
        let errors = try CLIHarness.temporaryDirectory().appendingPathComponent("stderr")
        let (status, files, folder) = try Self.run(["run", "FILE", "--format", "json"], redirections: ">/dev/full 2>'\(errors.path)'")
        #expect(status == 2)
        let said = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        #expect(said.contains("Error: standard output: could not write what the command printed (no space left on device)"), "\(said)")
        #expect(files.contains("summary.json"), "\(files)")
        let summary = try Data(contentsOf: folder.appendingPathComponent("summary.json"))
        #expect((try? JSONSerialization.jsonObject(with: summary)) != nil)
    }

    /// `satsim scenarios | head -1`: the reader takes what it wants and goes. Unix tools end
    /// silently by SIGPIPE there (POSIX write(2): "[EPIPE] An attempt is made to write to a pipe
    /// or FIFO that is not open for reading by any process ... A SIGPIPE signal shall also be
    /// sent to the thread"); satsim said "could not write what the command printed (broken
    /// pipe)" and exited 2, bad input, for a pipeline that did what its user asked.
    @Test("A reader that went away: ended silently by SIGPIPE, after every output file is written")
    func readerGone() throws {
        let binary = try #require(CLIHarness.binary)
        let file = try CLIHarness.scenarioFile(Self.yaml)
        let folder = file.deletingLastPathComponent().appendingPathComponent("out")
        let errors = file.deletingLastPathComponent().appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let pipe = Pipe()
        let process = Process()
        process.executableURL = binary
        process.arguments = ["run", file.path, "--out", folder.path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = pipe
        process.standardError = try FileHandle(forWritingTo: errors)
        try pipe.fileHandleForReading.close()
        try process.run()
        try pipe.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGPIPE,
                "\(process.terminationReason) \(process.terminationStatus)")
        let said = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        #expect(!said.contains("could not write"), "\(said)")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in ["summary.json", "timeseries.csv", "events.jsonl", "report.html"] {
            #expect(files.contains(name), "\(name) missing from \(files)")
        }
    }
}
