import Foundation
import Testing

/// Runs the built `satsim` executable as a user would, capturing its output and exit code.
struct CLIHarness {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        /// How the process ended: `.exit` (status is its exit code) or `.uncaughtSignal`
        /// (status is the signal); `.uncaughtSignal` with status 9 also when ``run(_:currentDirectory:environment:timeout:)``
        /// killed it at its time limit (then `timedOut` is true).
        var reason: Process.TerminationReason = .exit
        var timedOut = false
    }

    /// Runs `satsim` with a time limit [s]: a process still running then is killed with SIGKILL
    /// and reported with `timedOut`, so a hang fails the test instead of stalling the suite.
    /// `environment` entries are added to the test's own environment. With `memoryLimitKiB` it
    /// runs under `ulimit -v` through /bin/sh (`exec`, so an exit or a signal is satsim's own),
    /// with `fileLimit` under `ulimit -n` (open file descriptors) the same way.
    static func run(
        _ arguments: [String], currentDirectory: URL? = nil, environment: [String: String] = [:], timeout: Double,
        memoryLimitKiB: Int? = nil, fileLimit: Int? = nil
    ) throws -> Output {
        guard let binary else {
            Issue.record("the satsim executable was not found next to the tests; run `swift build` first")
            return Output(status: -1, stdout: "", stderr: "")
        }
        let process = Process()
        let limits = (memoryLimitKiB.map { ["ulimit -v \($0)"] } ?? []) + (fileLimit.map { ["ulimit -n \($0)"] } ?? [])
        if !limits.isEmpty {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", (limits + ["exec \"$0\" \"$@\""]).joined(separator: " && "), binary.path] + arguments
        } else {
            process.executableURL = binary
            process.arguments = arguments
        }
        process.currentDirectoryURL = currentDirectory ?? root
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let directory = try temporaryDirectory()
        let outURL = directory.appendingPathComponent("stdout"), errURL = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        // Files, not pipes: a killed or hung child cannot block the test on a full pipe.
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        var timedOut = false
        if done.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            done.wait()
        }
        try out.close()
        try err.close()
        defer { try? FileManager.default.removeItem(at: directory) }
        return Output(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self),
            reason: process.terminationReason, timedOut: timedOut)
    }

    /// The repository root (for Scenarios/).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The `satsim` binary beside the test bundle (`swift test` builds every product first).
    static var binary: URL? {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("satsim"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("satsim"),
            root.appendingPathComponent(".build/debug/satsim"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Runs satsim and waits for it; a run that takes longer than ten minutes is killed, so a
    /// hang fails the test (its status is then SIGKILL's) instead of stalling the suite.
    static func run(_ arguments: [String], currentDirectory: URL? = nil) throws -> Output {
        try run(arguments, currentDirectory: currentDirectory, timeout: 600)
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("satsim-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes a scenario to a temporary file.
    static func scenarioFile(_ text: String, name: String = "scenario.yaml") throws -> URL {
        let url = try temporaryDirectory().appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }
}
