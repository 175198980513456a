import Foundation
import Testing

/// `satsim scenarios` read ./Scenarios only, so it worked from the checkout's root and nowhere
/// else. It now finds the shipped library beside the executable (the checkout it was built in,
/// or PREFIX/share/satsim/Scenarios for PREFIX/bin/satsim), and when there is none says where
/// it looked and how to name a folder.
@Suite("satsim scenarios finds the shipped library from any working directory")
struct ScenariosFolderTests {
    @Test func theCheckoutsLibraryFromAnotherWorkingDirectory() throws {
        let elsewhere = try CLIHarness.temporaryDirectory()
        let output = try CLIHarness.run(["scenarios"], currentDirectory: elsewhere, timeout: 600)
        #expect(output.status == 0, "\(output.stderr)")
        let shipped = CLIHarness.root.appendingPathComponent("Scenarios/retry-storm.yaml").standardized.path
        #expect(output.stdout.contains(shipped + "\n  "), "\(output.stdout.prefix(400))")
    }

    /// An installed layout: PREFIX/bin/satsim (a hard link to the built executable, so that it
    /// is not resolved back into the checkout) and PREFIX/share/satsim/Scenarios.
    @Test func anInstalledLayoutAndNothingAtAll() throws {
        let binary = try #require(CLIHarness.binary)
        let prefix = try CLIHarness.temporaryDirectory()
        let bin = prefix.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let installed = bin.appendingPathComponent("satsim")
        do {
            try FileManager.default.linkItem(at: binary, to: installed)
        } catch {
            try FileManager.default.copyItem(at: binary, to: installed)
        }
        let elsewhere = try CLIHarness.temporaryDirectory()
        func list() throws -> CLIHarness.Output {
            let process = Process()
            process.executableURL = installed
            process.arguments = ["scenarios"]
            process.currentDirectoryURL = elsewhere
            var environment = ProcessInfo.processInfo.environment
            environment["SATSIM_SCENARIOS"] = nil
            process.environment = environment
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return CLIHarness.Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                                     stderr: String(decoding: stderr, as: UTF8.self))
        }
        let none = try list()
        #expect(none.status == 2)
        let share = prefix.appendingPathComponent("share/satsim/Scenarios").standardized.path
        #expect(none.stderr.hasPrefix("error: no Scenarios folder found; looked in ./Scenarios (in "), "\(none.stderr)")
        #expect(none.stderr.contains(share + ", Scenarios beside Package.swift up to 4 folders above " + bin.standardized.path), "\(none.stderr)")
        #expect(none.stderr.contains("; pass --directory DIR (or set SATSIM_SCENARIOS) to list another folder"), "\(none.stderr)")
        try FileManager.default.createDirectory(atPath: share, withIntermediateDirectories: true)
        try Data("name: one\ndescription: The one shipped here.\nduration: 1s\nclients:\n  u: { target: s, arrival: { process: poisson, rate: 1/s } }\nservices:\n  s: { service_time: { dist: constant, value: 1ms } }\n".utf8)
            .write(to: URL(fileURLWithPath: share).appendingPathComponent("one.yaml"))
        let found = try list()
        #expect(found.status == 0, "\(found.stderr)")
        #expect(found.stdout == share + "/one.yaml\n  The one shipped here.\n", "\(found.stdout)")
    }
}
