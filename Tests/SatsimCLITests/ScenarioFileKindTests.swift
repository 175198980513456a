import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A scenario path that is not a regular file (a FIFO, a device, a directory) is refused at once
/// by every command that reads scenarios, with exit code 2 and a located message: never waited
/// on. Opening a FIFO for reading blocks until a writer appears (POSIX `open(2)`, "O_NONBLOCK ...
/// an open() for reading-only shall return without delay"; without it, it blocks), so a
/// loader that opened first and checked later would hang here.
@Suite("Scenario files that are not regular files")
struct ScenarioFileKindTests {
    /// Far above the few hundred milliseconds a refusal takes in a debug build; a hang is
    /// unbounded, so any finite limit tells them apart.
    static let timeLimit = 20.0

    static func fifo() throws -> URL {
        let url = try CLIHarness.temporaryDirectory().appendingPathComponent("pipe.yaml")
        guard mkfifo(url.path, 0o600) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        return url
    }

    @Test("A FIFO is refused at once by run, validate, check and compare", arguments: [
        ["run"], ["validate"], ["check"], ["compare", "--replications", "1"],
    ])
    func fifoIsRefused(command: [String]) throws {
        let pipe = try Self.fifo()
        let started = Date()
        let result = try CLIHarness.run([command[0], pipe.path] + command.dropFirst(), timeout: Self.timeLimit)
        #expect(!result.timedOut, "satsim \(command[0]) waited on a FIFO")
        #expect(result.reason == .exit && result.status == 2, "status \(result.status), stderr: \(result.stderr)")
        let output = result.stdout + result.stderr
        #expect(output.contains("\(pipe.path):1:1: error: is a FIFO (named pipe)"), "output: \(output)")
        #expect(Date().timeIntervalSince(started) < Self.timeLimit)
    }

    @Test("A character device and a directory are refused with what they are")
    func devicesAndDirectoriesAreRefused() throws {
        let null = try CLIHarness.run(["validate", "/dev/null"], timeout: Self.timeLimit)
        #expect(null.status == 2)
        #expect(null.stdout.contains("/dev/null:1:1: error: is a character device"), "\(null.stdout)")
        let folder = try CLIHarness.temporaryDirectory()
        let directory = try CLIHarness.run(["run", folder.path], timeout: Self.timeLimit)
        #expect(directory.status == 2)
        #expect(directory.stderr.contains("\(folder.path):1:1: error: is a directory"), "\(directory.stderr)")
    }

    @Test("A FIFO among the files of a listing is reported, not waited on")
    func fifoInScenariosFolder() throws {
        let pipe = try Self.fifo()
        let folder = pipe.deletingLastPathComponent()
        try Data(RunEndToEndTests.small.utf8).write(to: folder.appendingPathComponent("ok.yaml"))
        let result = try CLIHarness.run(["scenarios", "--directory", folder.path], timeout: Self.timeLimit)
        #expect(!result.timedOut)
        #expect(result.status == 2)
        #expect(result.stdout.contains("Two instances of a small service"))
        #expect(result.stdout.contains("pipe.yaml\n  (does not parse"))
    }

    /// The listing's hint for a file that does not parse is a command to paste: a name with a
    /// space and a quote comes single-quoted, and the count of errors agrees in number.
    @Test("A file that does not parse gets a validate command that survives the shell")
    func listingHintIsAShellCommand() throws {
        let folder = try CLIHarness.temporaryDirectory()
        try Data("name: [unclosed\n".utf8).write(to: folder.appendingPathComponent("my scenario's.yaml"))
        try Data(RunEndToEndTests.small.utf8).write(to: folder.appendingPathComponent("ok.yaml"))
        let result = try CLIHarness.run(["scenarios", "--directory", folder.path], timeout: Self.timeLimit)
        #expect(result.status == 2)
        let quoted = "'" + folder.appendingPathComponent("my scenario's.yaml").path.replacingOccurrences(of: "'", with: "'\\''") + "'"
        #expect(result.stdout.contains("(does not parse: 1 error; run satsim validate \(quoted))"), "\(result.stdout)")
        // The suggested command runs as printed and names the problem.
        let hint = try #require(result.stdout.split(separator: "\n").first { $0.contains("run satsim validate") })
        let command = String(hint[hint.range(of: "run satsim validate ")!.upperBound...].dropLast())
        let validate = try Self.shell("\"$SATSIM\" validate \(command)")
        #expect(validate.status == 2)
        #expect(validate.output.contains("my scenario's.yaml"), "\(validate.output)")
    }

    /// `/dev/stdin` is read when standard input is a regular file, refused when it is a pipe
    /// (the decision documented in ScenarioLoader.readText and the README).
    @Test("/dev/stdin is read from a redirected file and refused from a pipe")
    func standardInput() throws {
        let file = try CLIHarness.scenarioFile(RunEndToEndTests.small)
        let redirected = try Self.shell("\"$SATSIM\" validate /dev/stdin < '\(file.path)'")
        #expect(redirected.status == 0, "\(redirected.output)")
        #expect(redirected.output.contains("/dev/stdin: OK"))
        let piped = try Self.shell("cat '\(file.path)' | \"$SATSIM\" validate /dev/stdin")
        #expect(piped.status == 2, "\(piped.output)")
        #expect(piped.output.contains("/dev/stdin:1:1: error: is a FIFO"))
    }

    /// Runs `script` with `sh -c`, `$SATSIM` naming the binary; a hang is killed at the limit.
    static func shell(_ script: String) throws -> (status: Int32, output: String) {
        guard let binary = CLIHarness.binary else { return (-1, "") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.environment = ProcessInfo.processInfo.environment.merging(["SATSIM": binary.path]) { _, new in new }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        if done.wait(timeout: .now() + timeLimit) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            Issue.record("`\(script)` did not finish within \(timeLimit) s")
            done.wait()
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
